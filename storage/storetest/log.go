package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"sparkbot/bot"
)

var logTests = []contractTest{
	{"round trip keeps every field", func(t *testing.T, s bot.Store) {
		want := fullLog("s1", "u1", day0)
		must(t, s.AddLog(t.Context(), wsA, want))
		got, err := s.Log(t.Context(), wsA, "s1")
		must(t, err)
		wantEqual(t, got, want)
	}},
	{"every provenance round trips", func(t *testing.T, s bot.Store) {
		for i, p := range []bot.Provenance{bot.OneClick, bot.LinkNotVerified, bot.StaffLogged, bot.VerifiedByX} {
			want := fullLog(fmt.Sprintf("p%d", i), "u1", day0.Add(time.Duration(i)*time.Hour))
			want.Provenance = p
			must(t, s.AddLog(t.Context(), wsA, want))
			got, err := s.Log(t.Context(), wsA, want.SpaceID)
			must(t, err)
			wantEqual(t, got, want)
		}
	}},
	{"same SpaceID twice is ErrExists and keeps the first", func(t *testing.T, s bot.Store) {
		first := fullLog("s1", "u1", day0)
		must(t, s.AddLog(t.Context(), wsA, first))
		err := s.AddLog(t.Context(), wsA, fullLog("s1", "u2", day0.Add(time.Hour)))
		wantErrIs(t, err, bot.ErrExists)
		got, err := s.Log(t.Context(), wsA, "s1")
		must(t, err)
		wantEqual(t, got, first)
		wantLogIDs(t, s, wsA, "u2", day0, day0.Add(24*time.Hour), []string{})
	}},
	{"missing is ErrNotFound", func(t *testing.T, s bot.Store) {
		_, err := s.Log(t.Context(), wsA, "s1")
		wantErrIs(t, err, bot.ErrNotFound)
		err = s.DeleteLog(t.Context(), wsA, "s1")
		wantErrIs(t, err, bot.ErrNotFound)
	}},
	{"delete removes it from every list, and it may be logged again", func(t *testing.T, s bot.Store) {
		addLogs(t, s, wsA, fullLog("s1", "u1", day0), fullLog("s2", "u1", day0.Add(time.Hour)))
		must(t, s.DeleteLog(t.Context(), wsA, "s1"))
		_, err := s.Log(t.Context(), wsA, "s1")
		wantErrIs(t, err, bot.ErrNotFound)
		wantLogIDs(t, s, wsA, "u1", day0, day0.Add(24*time.Hour), []string{"s2"})
		wantLogIDs(t, s, wsA, "", day0, day0.Add(24*time.Hour), []string{"s2"})
		must(t, s.AddLog(t.Context(), wsA, fullLog("s1", "u1", day0)))
	}},
	{"ranges are [from, to), by Start", testLogRanges},
	{"order is by instant, across zones and before 1970", func(t *testing.T, s bot.Store) {
		newYork, err := time.LoadLocation("America/New_York")
		must(t, err)
		addLogs(t, s, wsA,
			fullLog("late", "u1", day0.Add(10*time.Hour)),
			fullLog("ny", "u1", time.Date(2025, time.March, 3, 4, 0, 0, 0, newYork)), // 09:00 UTC
			fullLog("early", "u1", day0.Add(8*time.Hour)),
			fullLog("1969", "u1", time.Date(1969, time.July, 20, 20, 17, 0, 0, time.UTC)),
		)
		wantLogIDs(t, s, wsA, "u1", time.Time{}, day0.AddDate(1, 0, 0), []string{"1969", "early", "ny", "late"})
	}},
	{"users whose ids share a prefix are apart", func(t *testing.T, s bot.Store) {
		addLogs(t, s, wsA, fullLog("s1", "a", day0), fullLog("s2", "ab", day0), fullLog("s3", "a\x00b", day0), fullLog("s4", "", day0))
		for user, want := range map[string][]string{"a": {"s1"}, "ab": {"s2"}, "a\x00b": {"s3"}} {
			wantLogIDs(t, s, wsA, user, day0, day0.Add(time.Hour), want)
		}
	}},
	{"empty workspace lists nothing", func(t *testing.T, s bot.Store) {
		wantLogIDs(t, s, wsA, "u1", time.Time{}, day0, []string{})
		wantLogIDs(t, s, wsA, "", time.Time{}, day0, []string{})
	}},
	{"workspaces are apart", func(t *testing.T, s bot.Store) {
		must(t, s.AddLog(t.Context(), wsA, fullLog("s1", "u1", day0)))
		must(t, s.AddLog(t.Context(), wsB, fullLog("s1", "u1", day0.Add(time.Hour))))
		must(t, s.DeleteLog(t.Context(), wsA, "s1"))
		wantLogIDs(t, s, wsA, "u1", day0, day0.Add(24*time.Hour), []string{})
		wantLogIDs(t, s, wsB, "u1", day0, day0.Add(24*time.Hour), []string{"s1"})
	}},
	{"64 concurrent adds all land; of a duplicate pair one wins", testConcurrentAddLog},
	{"replace upgrades an unverified log to a verified one", func(t *testing.T, s bot.Store) {
		unverified := unverifiedLog("u1", day0)
		must(t, s.AddLog(t.Context(), wsA, unverified))
		verified := fullLog("1YqKDqWqdPLxV", "u1", day0.Add(5*time.Minute))
		must(t, s.ReplaceLog(t.Context(), wsA, unverified.SpaceID, verified))
		_, err := s.Log(t.Context(), wsA, unverified.SpaceID)
		wantErrIs(t, err, bot.ErrNotFound)
		got, err := s.Log(t.Context(), wsA, verified.SpaceID)
		must(t, err)
		wantEqual(t, got, verified)
		wantLogIDs(t, s, wsA, "u1", day0, day0.Add(time.Hour), []string{verified.SpaceID})
		wantLogIDs(t, s, wsA, "", day0, day0.Add(time.Hour), []string{verified.SpaceID})
	}},
	{"replace onto a logged SpaceID is ErrExists and changes nothing", func(t *testing.T, s bot.Store) {
		unverified, other := unverifiedLog("u1", day0), fullLog("s1", "u2", day0.Add(time.Hour))
		addLogs(t, s, wsA, unverified, other)
		err := s.ReplaceLog(t.Context(), wsA, unverified.SpaceID, fullLog("s1", "u1", day0))
		wantErrIs(t, err, bot.ErrExists)
		for _, want := range []bot.SpaceLog{unverified, other} {
			got, err := s.Log(t.Context(), wsA, want.SpaceID)
			must(t, err)
			wantEqual(t, got, want)
		}
		wantLogIDs(t, s, wsA, "u1", day0, day0.Add(24*time.Hour), []string{unverified.SpaceID})
		wantLogIDs(t, s, wsA, "", day0, day0.Add(24*time.Hour), []string{unverified.SpaceID, "s1"})
	}},
	{"replace of a missing log adds the new one", func(t *testing.T, s bot.Store) {
		want := fullLog("s1", "u1", day0)
		must(t, s.ReplaceLog(t.Context(), wsA, "unverified-12-1764635400", want))
		got, err := s.Log(t.Context(), wsA, "s1")
		must(t, err)
		wantEqual(t, got, want)
	}},
	{"replace of a log by its own SpaceID rewrites it", func(t *testing.T, s bot.Store) {
		must(t, s.AddLog(t.Context(), wsA, fullLog("s1", "u1", day0)))
		want := fullLog("s1", "u1", day0.Add(time.Hour))
		want.Title = "Rewritten"
		must(t, s.ReplaceLog(t.Context(), wsA, "s1", want))
		got, err := s.Log(t.Context(), wsA, "s1")
		must(t, err)
		wantEqual(t, got, want)
		wantLogIDs(t, s, wsA, "u1", day0, day0.Add(time.Hour), []string{})
		wantLogIDs(t, s, wsA, "u1", day0.Add(time.Hour), day0.Add(2*time.Hour), []string{"s1"})
	}},
	{"replace keeps workspaces apart", func(t *testing.T, s bot.Store) {
		must(t, s.AddLog(t.Context(), wsB, fullLog("s1", "u1", day0)))
		unverified := unverifiedLog("u1", day0)
		must(t, s.AddLog(t.Context(), wsA, unverified))
		must(t, s.ReplaceLog(t.Context(), wsA, unverified.SpaceID, fullLog("s1", "u1", day0)))
		wantLogIDs(t, s, wsA, "", day0, day0.Add(time.Hour), []string{"s1"})
		wantLogIDs(t, s, wsB, "", day0, day0.Add(time.Hour), []string{"s1"})
	}},
}

// unverifiedLog is a one-click log: its SpaceID is synthetic (it has a "-",
// which no real Space id has) and its provenance is OneClick.
func unverifiedLog(userID string, start time.Time) bot.SpaceLog {
	l := fullLog(fmt.Sprintf("unverified-12-%d", start.Unix()), userID, start)
	l.Provenance, l.LoggedBy, l.Forced = bot.OneClick, "", false
	return l
}

// testLogRanges logs u1 at 0h, 1h, 2h and 3h after day0, and u2 at 1h30.
func testLogRanges(t *testing.T, s bot.Store) {
	at := func(d time.Duration) time.Time { return day0.Add(d) }
	addLogs(t, s, wsA,
		fullLog("u1-3h", "u1", at(3*time.Hour)), // out of order on purpose
		fullLog("u1-0h", "u1", at(0)),
		fullLog("u1-2h", "u1", at(2*time.Hour)),
		fullLog("u2-90m", "u2", at(90*time.Minute)),
		fullLog("u1-1h", "u1", at(time.Hour)),
	)
	tests := []struct {
		name     string
		user     string // "" means every user (Logs)
		from, to time.Time
		want     []string
	}{
		{"a log at to is excluded", "u1", at(0), at(3 * time.Hour), []string{"u1-0h", "u1-1h", "u1-2h"}},
		{"a log at from is included", "u1", at(time.Hour), at(2 * time.Hour), []string{"u1-1h"}},
		{"nanoseconds count", "u1", at(time.Hour + 1), at(2*time.Hour + 1), []string{"u1-2h"}},
		{"empty range", "u1", at(2 * time.Hour), at(2 * time.Hour), []string{}},
		{"inverted range", "u1", at(3 * time.Hour), at(0), []string{}},
		{"before every log", "u1", at(-time.Hour), at(0), []string{}},
		{"zero from, far to", "u1", time.Time{}, day0.AddDate(1000, 0, 0), []string{"u1-0h", "u1-1h", "u1-2h", "u1-3h"}},
		{"another user", "u2", at(0), at(3 * time.Hour), []string{"u2-90m"}},
		{"every user", "", at(0), at(3 * time.Hour), []string{"u1-0h", "u1-1h", "u2-90m", "u1-2h"}},
		{"every user, at to excluded", "", at(90 * time.Minute), at(3 * time.Hour), []string{"u2-90m", "u1-2h"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantLogIDs(t, s, wsA, tt.user, tt.from, tt.to, tt.want)
		})
	}
}

func testConcurrentAddLog(t *testing.T, s bot.Store) {
	const writers = 64
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		id := fmt.Sprintf("s%02d", i)
		if i == 1 {
			id = "s00" // races writer 0 for the same Space
		}
		wg.Go(func() {
			errs[i] = s.AddLog(t.Context(), wsA, fullLog(id, fmt.Sprintf("u%d", i%8), day0.Add(time.Duration(i)*time.Minute)))
		})
	}
	wg.Wait()
	exists := 0
	for i, err := range errs {
		switch {
		case errors.Is(err, bot.ErrExists) && i <= 1:
			exists++
		case err != nil:
			t.Errorf("writer %d: got error %v, want nil", i, err)
		}
	}
	if exists != 1 {
		t.Errorf("got %d ErrExists for the duplicate pair, want 1", exists)
	}
	logs, err := s.Logs(t.Context(), wsA, day0, day0.Add(24*time.Hour))
	must(t, err)
	if got, want := len(logs), writers-1; got != want {
		t.Errorf("got %d logs, want %d", got, want)
	}
}

func fullLog(spaceID, userID string, start time.Time) bot.SpaceLog {
	return bot.SpaceLog{
		SpaceID:    spaceID,
		UserID:     userID,
		Title:      "Tea with " + userID,
		Start:      start,
		Listeners:  321,
		Minutes:    47,
		LoggedAt:   start.Add(2*time.Hour + 5),
		ScheduleID: 7,
		Provenance: bot.StaffLogged,
		LoggedBy:   "staff-" + userID,
		Forced:     true,
	}
}

func addLogs(t *testing.T, s bot.Store, ws bot.WorkspaceRef, logs ...bot.SpaceLog) {
	t.Helper()
	for _, l := range logs {
		must(t, s.AddLog(t.Context(), ws, l))
	}
}

// wantLogIDs checks LogsOf(userID, from, to), or Logs(from, to) when userID
// is empty, by the Space ids it returns in order.
func wantLogIDs(t *testing.T, s bot.Store, ws bot.WorkspaceRef, userID string, from, to time.Time, want []string) {
	t.Helper()
	var logs []bot.SpaceLog
	var err error
	if userID == "" {
		logs, err = s.Logs(t.Context(), ws, from, to)
	} else {
		logs, err = s.LogsOf(t.Context(), ws, userID, from, to)
	}
	must(t, err)
	got := []string{}
	for _, l := range logs {
		got = append(got, l.SpaceID)
	}
	wantEqual(t, got, want)
}
