package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

// TestOneSpaceCountsOnce: a host is never on air twice at once, so a log
// that starts within the cohort's overlap gap (30 minutes) of another of
// theirs, or inside its minutes:, is refused, naming the first. Each case
// has alice and bob join on Monday 2026-11-30 and runs on Wednesday
// 2026-12-02 18:00 New York, in week 1.
func TestOneSpaceCountsOnce(t *testing.T) {
	type act struct {
		user  string // default alice
		staff bool
		line  string
		want  string
	}
	tests := []struct {
		name string
		acts []act
	}{
		{"two made-up ids at the same at: are one Space", []act{
			{line: `/spaces log url:MADEUP1 at:"2026-12-01 20:00"`, want: "This week: 1 of 2"},
			{line: `/spaces log url:MADEUP2 at:"2026-12-01 20:00"`, want: "overlaps your log of Space MADEUP1, started Tue 1 Dec 20:00 EST"},
			{line: "/spaces status", want: "This week: 1 of 2 — at risk"},
		}},
		{"29 minutes apart is the same Space", []act{
			{line: `/spaces log url:AAA at:"2026-12-01 20:00"`, want: "Logged"},
			{line: `/spaces log url:BBB at:"2026-12-01 20:29"`, want: "less than 30m apart"},
			{line: `/spaces log url:CCC at:"2026-12-01 19:31"`, want: "overlaps your log of Space AAA"},
		}},
		{"back-to-back Spaces 30 minutes apart are two", []act{
			{line: `/spaces log url:AAA at:"2026-12-01 20:00"`, want: "Logged"},
			{line: `/spaces log url:BBB at:"2026-12-01 20:30"`, want: "This week: 2 of 2 — on track"},
			{line: `/spaces log url:CCC at:"2026-12-01 19:30"`, want: "Logged"},
		}},
		{"a log inside another's minutes: is refused", []act{
			{line: `/spaces log url:AAA at:"2026-12-01 20:00" minutes:90`, want: "Logged"},
			{line: `/spaces log url:BBB at:"2026-12-01 21:00"`, want: "overlaps your log of Space AAA"},
			{line: `/spaces log url:BBB at:"2026-12-01 21:30"`, want: "Logged"},
		}},
		{"a log whose minutes: cover another's start is refused", []act{
			{line: `/spaces log url:AAA at:"2026-12-01 21:00"`, want: "Logged"},
			{line: `/spaces log url:BBB at:"2026-12-01 20:00" minutes:90`, want: "overlaps your log of Space AAA, started Tue 1 Dec 21:00"},
			{line: `/spaces log url:BBB at:"2026-12-01 20:00" minutes:60`, want: "Logged"},
		}},
		{"another host at the same time is fine", []act{
			{line: `/spaces log url:AAA at:"2026-12-01 20:00"`, want: "Logged"},
			{user: "bob", line: `/spaces log url:BBB at:"2026-12-01 20:00"`, want: "Logged"},
		}},
		{"the same Space again still says it is logged", []act{
			{line: `/spaces log url:AAA at:"2026-12-01 20:00"`, want: "Logged"},
			{line: `/spaces log url:AAA at:"2026-12-01 20:05"`, want: "You already logged Space AAA"},
		}},
		{"staff are refused too, and told about force:true", []act{
			{line: `/spaces log url:AAA at:"2026-12-01 20:00"`, want: "Logged"},
			{user: "boss", staff: true, line: `/spaces log url:BBB at:"2026-12-01 20:10" user:@alice`, want: "That overlaps @alice's log of Space AAA, started Tue 1 Dec 20:00 EST"},
			{user: "boss", staff: true, line: `/spaces log url:BBB at:"2026-12-01 20:10" user:@alice`, want: "force:true"},
			{line: "/spaces status", want: "This week: 1 of 2"},
		}},
		{"staff may force an overlapping log, and it counts", []act{
			{line: `/spaces log url:AAA at:"2026-12-01 20:00"`, want: "Logged"},
			{user: "boss", staff: true, line: `/spaces log url:BBB at:"2026-12-01 20:10" user:@alice force:true`, want: "Forced over the overlap with Space AAA, Tue 1 Dec 20:00 EST: both count."},
			{line: "/spaces status", want: "This week: 2 of 2 — on track"},
		}},
		{"hosts may not force", []act{
			{line: `/spaces log url:AAA at:"2026-12-01 20:00"`, want: "Logged"},
			{line: `/spaces log url:BBB at:"2026-12-01 20:10" force:true`, want: "Only staff may log with force:true"},
			{line: "/spaces status", want: "This week: 1 of 2"},
		}},
		{"a wider gap set by staff", []act{
			{user: "boss", staff: true, line: "/cohort settings overlap:60", want: "less than 1h apart are one Space"},
			{line: `/spaces log url:AAA at:"2026-12-01 20:00"`, want: "Logged"},
			{line: `/spaces log url:BBB at:"2026-12-01 20:45"`, want: "less than 1h apart"},
			{line: `/spaces log url:BBB at:"2026-12-01 21:00"`, want: "Logged"},
		}},
		{"a narrower gap set by staff", []act{
			{user: "boss", staff: true, line: "/cohort settings overlap:15", want: "Saved"},
			{line: `/spaces log url:AAA at:"2026-12-01 20:00"`, want: "Logged"},
			{line: `/spaces log url:BBB at:"2026-12-01 20:20"`, want: "Logged"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
			h.clock.Set(mustTime(t, "2026-12-02T18:00:00-05:00"))
			for _, a := range tt.acts {
				user := a.user
				if user == "" {
					user = "alice"
				}
				h.must(user, a.staff, a.line, a.want)
			}
		})
	}
}

// TestForcedLogIsRecorded: a forced log says so in storage, with who forced it.
func TestForcedLogIsRecorded(t *testing.T) {
	h := newHarness(t, "2026-12-02T18:00:00-05:00").withCohort("2026-11-30", "alice")
	h.must("alice", false, `/spaces log url:AAA at:"2026-12-01 20:00"`, "Logged")
	h.must("boss", true, `/spaces log url:BBB at:"2026-12-01 20:00" user:@alice force:true`, "Forced")
	h.must("boss", true, `/spaces log url:CCC at:"2026-12-01 23:00" user:@alice force:true`, "Logged Space CCC")
	for id, forced := range map[string]bool{"AAA": false, "BBB": true, "CCC": false} {
		l, err := h.store.Log(context.Background(), h.ws, id)
		if err != nil {
			t.Fatal(err)
		}
		if l.Forced != forced {
			t.Errorf("%s: forced %v, want %v (force: only marks a log that overlaps)", id, l.Forced, forced)
		}
	}
}

// TestOverlapUpgrades: the documented upgrades of the same Space are not
// refused: a link replacing the one-click log of that slot. A link near
// the slot but not at it is refused and told how to replace the click.
func TestOverlapUpgrades(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice")
	h.must("alice", false, `/spaces schedule add title:"Night owls" days:tue time:20:00`, "Saved")
	h.clock.Set(mustTime(t, "2026-12-01T21:30:00-05:00"))
	h.click("alice", 1, "2026-12-01T20:00:00-05:00")
	got := h.must("alice", false, `/spaces log url:LINK1 at:"2026-12-01 20:25"`, "overlaps your one-click log (Night owls), started Tue 1 Dec 20:00 EST")
	mustContain(t, got, `at:"2026-12-01 20:00" to replace it`)
	h.must("alice", false, `/spaces log url:LINK1 at:"2026-12-01 20:05"`, "Replaced your one-click log with its link")
	h.must("alice", false, "/spaces status", "This week: 1 of 2")
}

// TestClickOverlapsALog: the "I hosted it" button obeys the rule too.
func TestClickOverlapsALog(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice")
	h.must("alice", false, `/spaces schedule add title:"Night owls" days:tue time:20:00`, "Saved")
	h.must("alice", false, `/spaces schedule add title:"Owls again" days:tue time:20:20`, "Saved")
	h.clock.Set(mustTime(t, "2026-12-01T21:30:00-05:00"))
	if got := h.click("alice", 1, "2026-12-01T20:00:00-05:00"); !strings.Contains(got, "Logged") {
		t.Fatalf("first click: %q", got)
	}
	got := h.click("alice", 2, "2026-12-01T20:20:00-05:00")
	mustContain(t, got, "overlaps your one-click log (Night owls), started Tue 1 Dec 20:00 EST")
	h.must("alice", false, "/spaces status", "This week: 1 of 2")
}

// TestOverlapsStoredBeforeCountOnce: logs stored before the rule (or by a
// race) that overlap count once, and /cohort report shows them to staff.
func TestOverlapsStoredBeforeCountOnce(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
	h.clock.Set(mustTime(t, "2026-12-02T18:00:00-05:00"))
	at := mustTime(t, "2026-12-01T20:00:00-05:00")
	for i, id := range []string{"OLD1", "OLD2"} {
		l := bot.SpaceLog{SpaceID: id, UserID: "alice", Start: at.Add(time.Duration(i) * 10 * time.Minute),
			LoggedAt: at.Add(time.Hour), Provenance: bot.LinkNotVerified}
		if err := h.store.AddLog(context.Background(), h.ws, l); err != nil {
			t.Fatal(err)
		}
	}
	h.must("alice", false, "/spaces status", "This week: 1 of 2")
	report := h.must("boss", true, "/cohort report", "@alice: 1 of 2")
	mustContain(t, report, "Logs that overlap, counted once")
	mustContain(t, report, "@alice: Space OLD2, Tue 1 Dec 20:10 EST, overlaps Space OLD1, Tue 1 Dec 20:00 EST")
	h.must("boss", true, "/spaces leaderboard", "@alice — 1 Space")
	if clean := h.must("bob", false, "/spaces status", "0 of 2"); strings.Contains(clean, "overlap") {
		t.Errorf("bob's status mentions an overlap: %s", clean)
	}
	// What the report tells staff to do when both are real works.
	mustContain(t, report, "If both are real, remove the one not counted and log it again with force:true: "+
		`/spaces unlog space:<id> user:@host, then /spaces log url:<id> at:"YYYY-MM-DD HH:MM" user:@host force:true; a forced log always counts.`)
	h.must("boss", true, "/spaces unlog space:OLD2 user:@alice", "Removed the log of Space OLD2")
	h.must("boss", true, `/spaces log url:OLD2 at:"2026-12-01 20:10" user:@alice force:true`, "Forced over the overlap")
	h.must("alice", false, "/spaces status", "This week: 2 of 2")
	if report := h.must("boss", true, "/cohort report", "@alice: 2 of 2"); strings.Contains(report, "Logs that overlap") {
		t.Errorf("the report still lists the overlap staff forced:\n%s", report)
	}
}

func TestCountOnce(t *testing.T) {
	at := mustTime(t, "2026-12-01T20:00:00-05:00")
	log := func(id string, minutes int, after time.Duration, p bot.Provenance) bot.SpaceLog {
		return bot.SpaceLog{SpaceID: id, UserID: "alice", Start: at.Add(after), Minutes: minutes, Provenance: p, LoggedAt: at.Add(after)}
	}
	forced := func(l bot.SpaceLog) bot.SpaceLog { l.Forced = true; return l }
	const gap = 30 * time.Minute
	tests := []struct {
		name        string
		logs        []bot.SpaceLog
		counted     []string
		overlapping []string // "dropped<counted"
	}{
		{"apart", []bot.SpaceLog{log("a", 0, 0, bot.LinkNotVerified), log("b", 0, 30*time.Minute, bot.LinkNotVerified)}, []string{"a", "b"}, nil},
		{"same start: the first logged counts", []bot.SpaceLog{log("a", 0, 0, bot.LinkNotVerified), log("b", 0, 0, bot.LinkNotVerified)}, []string{"a"}, []string{"b<a"}},
		{"the stronger provenance counts", []bot.SpaceLog{log("a", 60, 0, bot.OneClick), log("b", 0, 5*time.Minute, bot.VerifiedByX)}, []string{"b"}, []string{"a<b"}},
		{"inside minutes", []bot.SpaceLog{log("a", 120, 0, bot.LinkNotVerified), log("b", 0, 90*time.Minute, bot.LinkNotVerified)}, []string{"a"}, []string{"b<a"}},
		{"a chain keeps both ends", []bot.SpaceLog{log("a", 0, 0, bot.LinkNotVerified), log("b", 0, 20*time.Minute, bot.LinkNotVerified), log("c", 0, 40*time.Minute, bot.LinkNotVerified)},
			[]string{"a", "c"}, []string{"b<a"}},
		{"forced logs count on their own", []bot.SpaceLog{log("a", 0, 0, bot.LinkNotVerified), forced(log("b", 0, 0, bot.StaffLogged))}, []string{"a", "b"}, nil},
		{"empty", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			counted, overlaps := bot.CountOnce(tt.logs, gap)
			var gotCounted, gotOverlaps []string
			for _, l := range counted {
				gotCounted = append(gotCounted, l.SpaceID)
			}
			for _, o := range overlaps {
				gotOverlaps = append(gotOverlaps, o.Dropped.SpaceID+"<"+o.Counted.SpaceID)
			}
			if strings.Join(gotCounted, ",") != strings.Join(tt.counted, ",") || strings.Join(gotOverlaps, ",") != strings.Join(tt.overlapping, ",") {
				t.Errorf("got counted %v, overlaps %v; want %v, %v", gotCounted, gotOverlaps, tt.counted, tt.overlapping)
			}
		})
	}
}

// rangeRecorder is HostData that remembers the log ranges read.
type rangeRecorder struct {
	bot.HostData
	ranges [][2]time.Time
}

func (r *rangeRecorder) LogsOf(ctx context.Context, ws bot.WorkspaceRef, userID string, from, to time.Time) ([]bot.SpaceLog, error) {
	r.ranges = append(r.ranges, [2]time.Time{from, to})
	return r.HostData.LogsOf(ctx, ws, userID, from, to)
}

// TestOverlapReadsOnlyAroundTheLog: the check is one key-range read of the
// hours around the new log, never the host's whole history.
func TestOverlapReadsOnlyAroundTheLog(t *testing.T) {
	h := newHarness(t, "2026-12-02T18:00:00-05:00").withCohort("2026-11-30", "alice")
	h.must("alice", false, `/spaces log url:AAA at:"2026-12-01 20:00"`, "Logged")
	rec := &rangeRecorder{HostData: h.store}
	l := bot.SpaceLog{SpaceID: "BBB", UserID: "alice", Start: mustTime(t, "2026-12-01T20:10:00-05:00"), Minutes: 60}
	got, err := bot.OverlappingLogs(context.Background(), rec, h.ws, l, 30*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].SpaceID != "AAA" {
		t.Errorf("got %v, want the log of AAA", got)
	}
	if len(rec.ranges) != 1 {
		t.Fatalf("got %d reads, want 1", len(rec.ranges))
	}
	if span := rec.ranges[0][1].Sub(rec.ranges[0][0]); span > 26*time.Hour {
		t.Errorf("read %v of logs around the new one, want at most a day and its length", span)
	}
}
