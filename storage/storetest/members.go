package storetest

import (
	"errors"
	"testing"
	"time"

	"sparkbot/bot"
)

// memberTests are the contract of bot.HostScanner, the one-pass read that
// reports make. A store may leave it out (reports then read host by host);
// one that has it keeps this.
var memberTests = []contractTest{
	{"every host by UserID, with their logs in range by Start", func(t *testing.T, s bot.Store) {
		for _, id := range []string{"u3", "u1", "u10", "u2"} {
			must(t, s.PutHost(t.Context(), wsA, fullHost(id)))
		}
		addLogs(t, s, wsA,
			fullLog("u1-2h", "u1", day0.Add(2*time.Hour)),
			fullLog("u1-0h", "u1", day0),
			fullLog("u1-5h", "u1", day0.Add(5*time.Hour)), // at to: excluded
			fullLog("u2-1h", "u2", day0.Add(time.Hour)),
			fullLog("u2-early", "u2", day0.Add(-time.Nanosecond)), // before from: excluded
			fullLog("u10-1h", "u10", day0.Add(time.Hour)),
		)
		got := scanAll(t, s, wsA, day0, day0.Add(5*time.Hour))
		wantEqual(t, got, []scanned{
			{fullHost("u1"), []string{"u1-0h", "u1-2h"}},
			{fullHost("u10"), []string{"u10-1h"}},
			{fullHost("u2"), []string{"u2-1h"}},
			{fullHost("u3"), []string{}},
		})
	}},
	{"logs come whole", func(t *testing.T, s bot.Store) {
		must(t, s.PutHost(t.Context(), wsA, bot.Host{UserID: "u1"}))
		want := fullLog("s1", "u1", day0)
		must(t, s.AddLog(t.Context(), wsA, want))
		scanner := hostScanner(t, s)
		err := scanner.ScanHosts(t.Context(), wsA, day0, day0.Add(time.Hour), func(h bot.Host, logs []bot.SpaceLog, _ bot.HostData) error {
			wantEqual(t, logs, []bot.SpaceLog{want})
			return nil
		})
		must(t, err)
	}},
	{"data reads the host's schedules and other logs", func(t *testing.T, s bot.Store) {
		must(t, s.PutHost(t.Context(), wsA, bot.Host{UserID: "u1"}))
		sc, err := s.AddSchedule(t.Context(), wsA, fullSchedule("u1"))
		must(t, err)
		addLogs(t, s, wsA, fullLog("s1", "u1", day0), fullLog("s2", "u1", day0.Add(48*time.Hour)))
		scanner := hostScanner(t, s)
		err = scanner.ScanHosts(t.Context(), wsA, day0, day0.Add(time.Hour), func(h bot.Host, _ []bot.SpaceLog, data bot.HostData) error {
			schedules, err := data.SchedulesOf(t.Context(), wsA, h.UserID)
			must(t, err)
			wantEqual(t, schedules, []bot.Schedule{sc})
			later, err := data.LogsOf(t.Context(), wsA, h.UserID, day0.Add(24*time.Hour), day0.Add(72*time.Hour))
			must(t, err)
			wantEqual(t, logIDs(later), []string{"s2"})
			return nil
		})
		must(t, err)
	}},
	{"workspaces are apart", func(t *testing.T, s bot.Store) {
		must(t, s.PutHost(t.Context(), wsA, bot.Host{UserID: "u1"}))
		must(t, s.PutHost(t.Context(), wsB, bot.Host{UserID: "u2"}))
		must(t, s.AddLog(t.Context(), wsB, fullLog("s1", "u1", day0)))
		wantEqual(t, scanAll(t, s, wsA, day0, day0.Add(time.Hour)), []scanned{{bot.Host{UserID: "u1"}, []string{}}})
		wantEqual(t, scanAll(t, s, bot.WorkspaceRef{Platform: bot.Console, ID: "none"}, day0, day0.Add(time.Hour)), []scanned{})
	}},
	{"an error from fn ends the scan with it", func(t *testing.T, s bot.Store) {
		for _, id := range []string{"u1", "u2"} {
			must(t, s.PutHost(t.Context(), wsA, bot.Host{UserID: id}))
		}
		stop := errors.New("stop")
		calls := 0
		err := hostScanner(t, s).ScanHosts(t.Context(), wsA, day0, day0.Add(time.Hour), func(bot.Host, []bot.SpaceLog, bot.HostData) error {
			calls++
			return stop
		})
		wantErrIs(t, err, stop)
		wantEqual(t, calls, 1)
	}},
}

type scanned struct {
	host bot.Host
	logs []string
}

func hostScanner(t *testing.T, s bot.Store) bot.HostScanner {
	t.Helper()
	scanner, ok := s.(bot.HostScanner)
	if !ok {
		t.Skip("the store is not a bot.HostScanner: reports read it host by host")
	}
	return scanner
}

// scanAll scans ws, returning each host with the ids of its logs.
func scanAll(t *testing.T, s bot.Store, ws bot.WorkspaceRef, from, to time.Time) []scanned {
	t.Helper()
	got := []scanned{}
	err := hostScanner(t, s).ScanHosts(t.Context(), ws, from, to, func(h bot.Host, logs []bot.SpaceLog, _ bot.HostData) error {
		got = append(got, scanned{h, logIDs(logs)})
		return nil
	})
	must(t, err)
	return got
}

func logIDs(logs []bot.SpaceLog) []string {
	ids := []string{}
	for _, l := range logs {
		ids = append(ids, l.SpaceID)
	}
	return ids
}
