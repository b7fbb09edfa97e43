package bot_test

import (
	"context"
	"strings"
	"testing"

	"sparkbot/bot"
)

func TestLogValidation(t *testing.T) {
	const now = "2026-12-02T18:00:00-05:00" // Wednesday of the cohort's first week
	tests := []struct {
		name  string
		user  string
		staff bool
		setup []string // run as alice first
		line  string
		want  string
	}{
		{name: "x.com link", line: "/spaces log url:https://x.com/i/spaces/1eaKbrPAqbwKX", want: "Logged Space 1eaKbrPAqbwKX"},
		{name: "twitter.com link with query", line: "/spaces log url:https://twitter.com/i/spaces/1eaKbrPAqbwKX?s=20", want: "Logged Space 1eaKbrPAqbwKX"},
		{name: "bare id", line: "/spaces log url:1eaKbrPAqbwKX", want: "Logged Space 1eaKbrPAqbwKX"},
		{name: "positional link", line: "/spaces log https://x.com/i/spaces/1eaKbrPAqbwKX", want: "Logged Space 1eaKbrPAqbwKX"},
		{name: "with title, time and numbers", line: `/spaces log url:1eaKbrPAqbwKX title:"Night owls" at:"2026-12-01 20:00" listeners:120 minutes:55`,
			want: "(Night owls), started Tue 1 Dec 20:00 EST"},
		{name: "counts toward the week", line: "/spaces log url:1eaKbrPAqbwKX", want: "This week: 1 of 2"},
		{name: "not a Spaces link", line: "/spaces log url:https://example.com/i/spaces/1eaKbrPAqbwKX", want: "not an X Space link"},
		{name: "a tweet, not a Space", line: "/spaces log url:https://x.com/alice/status/123", want: "not an X Space link"},
		{name: "in the future", line: `/spaces log url:1eaKbrPAqbwKX at:"2026-12-02 19:00"`, want: "is in the future"},
		{name: "older than the backfill window", line: `/spaces log url:1eaKbrPAqbwKX at:"2026-11-25 17:00"`, want: "more than 7 days ago"},
		{name: "staff may log older", user: "carol", staff: true, line: `/spaces log url:1eaKbrPAqbwKX at:"2026-11-25 17:00"`, want: "Logged Space"},
		{name: "same Space twice", setup: []string{"/spaces log url:1eaKbrPAqbwKX"}, line: "/spaces log url:https://x.com/i/spaces/1eaKbrPAqbwKX", want: "You already logged Space 1eaKbrPAqbwKX"},
		{name: "another host's Space", user: "bob", setup: []string{"/spaces log url:1eaKbrPAqbwKX"}, line: "/spaces log url:1eaKbrPAqbwKX", want: "already logged by another host"},
		{name: "negative listeners", line: "/spaces log url:1eaKbrPAqbwKX listeners:-3", want: "listeners:-3"},
		{name: "title too long", line: "/spaces log url:1eaKbrPAqbwKX title:" + strings.Repeat("a", 5000), want: "too long"},
		{name: "quote left open", line: `/spaces log url:1eaKbrPAqbwKX title:"Night owls`, want: "quote"},
		{name: "unknown option", line: "/spaces log url:1eaKbrPAqbwKX mood:great", want: `has no option "mood"`},
		{name: "missing url", line: "/spaces log title:x", want: "url is required"},
		{name: "not a member", user: "mallory", line: "/spaces log url:1eaKbrPAqbwKX", want: "not a host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, now).withCohort("2026-11-30", "alice", "bob", "carol")
			for _, line := range tt.setup {
				h.must("alice", false, line, "Logged")
			}
			user := tt.user
			if user == "" {
				user = "alice"
			}
			h.must(user, tt.staff, tt.line, tt.want)
		})
	}
}

func TestLogFailureWritesNothing(t *testing.T) {
	h := newHarness(t, "2026-12-02T18:00:00-05:00").withCohort("2026-11-30", "alice")
	h.must("alice", false, "/spaces log url:1eaKbrPAqbwKX listeners:-1", "listeners")
	h.must("alice", false, "/spaces status", "This week: 0 of 2")
}

func TestUnlog(t *testing.T) {
	h := newHarness(t, "2026-12-02T18:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
	h.must("alice", false, "/spaces log url:1eaKbrPAqbwKX", "1 of 2")
	h.must("bob", false, "/spaces unlog space:1eaKbrPAqbwKX", "another host")
	h.must("alice", false, "/spaces unlog space:https://x.com/i/spaces/1eaKbrPAqbwKX", "This week: 0 of 2")
	h.must("alice", false, "/spaces unlog space:1eaKbrPAqbwKX", "is not logged")
	h.must("alice", false, "/spaces log url:1eaKbrPAqbwKX", "1 of 2") // logging again after unlog works
}

func TestStaffLogForAHost(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
	h.clock.Set(mustTime(t, "2026-12-10T18:00:00-05:00"))
	h.must("alice", false, `/spaces log url:1old at:"2026-12-01 20:00"`, "Staff can log it for you with user:")
	h.must("bob", false, `/spaces log url:1old at:"2026-12-01 20:00" user:@alice`, "Only staff may log a Space for another host")
	h.must("boss", true, `/spaces log url:1old at:"2026-12-01 20:00" user:@alice`, "Logged Space 1old")
	h.must("alice", false, "/spaces history", "Week 1 (from 2026-11-30): 1 of 2")
	h.must("boss", true, `/spaces log url:1x user:@mallory`, "not a host")
}

// Each way of logging records its provenance, and who logged it for whom.
func TestLogProvenance(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice", "boss")
	h.must("alice", false, `/spaces schedule add title:"Night owls" days:tue time:20:00`, "Saved")
	h.clock.Set(mustTime(t, "2026-12-02T21:30:00-05:00"))
	h.click("alice", 1, "2026-12-01T20:00:00-05:00")
	h.must("alice", false, `/spaces log url:OWN at:"2026-12-02 10:00"`, "Logged")
	h.must("boss", true, `/spaces log url:STAFF at:"2026-12-02 14:00" user:@alice`, "Logged")
	h.must("boss", true, `/spaces log url:SELF at:"2026-12-02 14:00" user:@boss`, "Logged")
	tests := []struct {
		spaceID  string
		want     bot.Provenance
		loggedBy string
	}{
		{"unverified-1-1796173200", bot.OneClick, ""},
		{"OWN", bot.LinkNotVerified, ""},
		{"STAFF", bot.StaffLogged, "boss"},
		{"SELF", bot.LinkNotVerified, ""}, // staff logging their own Space log it as a host
	}
	for _, tt := range tests {
		l, err := h.store.Log(context.Background(), h.ws, tt.spaceID)
		if err != nil {
			t.Fatalf("%s: %v", tt.spaceID, err)
		}
		if l.Provenance != tt.want || l.LoggedBy != tt.loggedBy {
			t.Errorf("%s: got %v by %q, want %v by %q", tt.spaceID, l.Provenance, l.LoggedBy, tt.want, tt.loggedBy)
		}
	}
}

func TestProvenanceWords(t *testing.T) {
	for p, want := range map[bot.Provenance]string{
		bot.VerifiedByX: "verified by X", bot.LinkNotVerified: "link, not verified",
		bot.OneClick: "one-click", bot.StaffLogged: "logged by staff", 0: "unknown", 99: "unknown",
	} {
		if got := p.String(); got != want {
			t.Errorf("Provenance(%d) = %q, want %q", p, got, want)
		}
	}
}

// TestBackfillSaysWhatItChanged: a log or unlog in a closed week says
// where that week stands now.
func TestBackfillSaysWhatItChanged(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice")
	h.clock.Set(mustTime(t, "2026-12-09T12:00:00-05:00")) // week 2
	h.must("alice", false, `/spaces log url:AAA at:"2026-12-03 20:00"`, "Week 1 (from 2026-11-30) is still missed: 1 of 2.")
	h.must("alice", false, `/spaces log url:BBB at:"2026-12-05 20:00"`, "Week 1 (from 2026-11-30) is now met: 2 of 2.")
	h.must("alice", false, `/spaces log url:CCC at:"2026-12-05 22:00"`, "Week 1 (from 2026-11-30) stays met: 3 of 2.")
	h.must("alice", false, "/spaces unlog space:CCC", "Week 1 (from 2026-11-30) stays met: 2 of 2.")
	h.must("alice", false, "/spaces unlog space:BBB", "Week 1 (from 2026-11-30) is now missed: 1 of 2.")
	h.must("alice", false, `/spaces log url:DDD at:"2026-12-08 20:00"`, "This week: 1 of 2")
	h.must("boss", true, `/cohort excuse user:@alice week:2026-12-01 reason:"flu"`, "Excused")
	h.must("alice", false, `/spaces log url:BBB at:"2026-12-05 20:00"`, "Week 1 (from 2026-11-30) is excused, so it counts as met either way: 2 of 2 logged.")
	h.must("boss", true, `/spaces unlog space:AAA`, "Week 1 (from 2026-11-30) is excused")
}

// TestStaffLogForSomeoneNotAHost: staff are told who is not a host.
func TestStaffLogForSomeoneNotAHost(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice")
	h.clock.Set(mustTime(t, "2026-12-02T12:00:00-05:00"))
	h.must("boss", true, "/spaces log url:1x user:@zed", "@zed is not a host of Spark Phase 1.")
	h.must("boss", true, "/cohort remove user:@alice", "Removed")
	h.clock.Set(mustTime(t, "2026-12-09T12:00:00-05:00"))
	h.must("boss", true, "/spaces log url:1y user:@alice", "@alice was not a host of Spark Phase 1 in week 2 (from 2026-12-07)")
	h.must("boss", true, `/spaces log url:1z at:"2026-12-01 20:00" user:@alice`, "Logged Space 1z") // a member then
	// She hears of it, though no longer a host: the DM is a personal notice.
	jobs, err := h.store.PendingJobs(context.Background(), h.ws.Key()+"/notice/")
	if err != nil {
		t.Fatal(err)
	}
	told := false
	for _, j := range jobs {
		if j.UserID == "alice" && strings.Contains(j.Key, "/log/") {
			told = j.Personal && strings.Contains(render(*j.Message, h.clock.Now()), "@boss logged Space 1z for you")
		}
	}
	if !told {
		t.Errorf("no personal DM tells alice of the log: %+v", jobs)
	}
}

// TestStaffLogAndUnlogDMTheHost: a host hears when staff log or unlog for
// them, once per action; their own logs send nothing.
func TestStaffLogAndUnlogDMTheHost(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice")
	h.clock.Set(mustTime(t, "2026-12-09T12:00:00-05:00"))
	h.must("alice", false, `/spaces log url:OWN at:"2026-12-03 20:00"`, "Logged")
	if got := h.dms("alice"); len(got) != 0 {
		t.Fatalf("alice's own log sent DMs: %q", got)
	}
	h.must("boss", true, `/spaces log url:STAFF1 at:"2026-12-05 20:00" user:@alice title:"Late show"`, "Logged")
	h.must("boss", true, `/spaces log url:FORCED at:"2026-12-05 20:10" user:@alice force:true`, "Forced")
	h.must("boss", true, "/spaces unlog space:STAFF1", "Removed")
	h.must("alice", false, "/spaces unlog space:FORCED", "Removed") // her own unlog: no DM
	got := h.dms("alice")
	want := []string{
		"@boss logged Space STAFF1 (Late show) for you, started Sat 5 Dec 20:00 EST.\nWeek 1 (from 2026-11-30) is now met: 2 of 2.",
		"@boss logged Space FORCED for you, started Sat 5 Dec 20:10 EST.\nIt overlaps your log of Space STAFF1 (Late show), Sat 5 Dec 20:00 EST; staff marked it forced, so both count.\nWeek 1 (from 2026-11-30) stays met: 3 of 2.",
		"@boss removed your log of Space STAFF1 (Late show), started Sat 5 Dec 20:00 EST.\nWeek 1 (from 2026-11-30) stays met: 2 of 2.",
	}
	if strings.Join(got, "\n---\n") != strings.Join(want, "\n---\n") {
		t.Errorf("alice's DMs:\n%s\nwant:\n%s", strings.Join(got, "\n---\n"), strings.Join(want, "\n---\n"))
	}
}

// TestStaffUnlogAOneClickLog: staff remove a host's one-click log by its
// time with user: (in the host's time zone, as /spaces log user: reads
// at:), and the host is told; user: is for staff only, and names whose
// log a space: must be.
func TestStaffUnlogAOneClickLog(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
	h.must("alice", false, "/spaces timezone tz:America/Chicago", "Saved")
	h.must("alice", false, `/spaces schedule add title:"Night owls" days:tue time:20:00`, "Saved recurring Space #1")
	h.clock.Set(mustTime(t, "2026-12-01T22:30:00-05:00"))
	h.click("alice", 1, "2026-12-01T20:00:00-06:00")
	h.must("bob", false, "/spaces log url:BOBS1", "Logged")
	h.must("bob", false, `/spaces unlog at:"2026-12-01 20:00" user:@alice`, "Only staff may remove another host's log")
	h.must("boss", true, `/spaces unlog at:"2026-12-01 20:00" user:@bob`, "@bob has 0 logs that started at 2026-12-01 20:00")
	h.must("boss", true, "/spaces unlog space:BOBS1 user:@alice", "Space BOBS1 is logged for @bob, not @alice")
	h.must("boss", true, `/spaces unlog at:"2026-12-01 20:00" user:@alice`, "Removed the one-click log")
	h.must("alice", false, "/spaces status", "This week: 0 of 2")
	if got := h.dms("alice"); len(got) != 1 || !strings.Contains(got[0], "@boss removed your one-click log") {
		t.Errorf("alice's DMs: %q; want one saying @boss removed her one-click log", got)
	}
	h.must("boss", true, "/spaces unlog space:BOBS1 user:@bob", "Removed the log of Space BOBS1")
}
