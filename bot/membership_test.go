package bot_test

import (
	"strings"
	"testing"

	"sparkbot/bot"
)

// logWeek has user log two Spaces on the Tuesday and Wednesday of the week
// starting monday (YYYY-MM-DD, a Monday), at 21:00 New York.
func (h *harness) logWeek(user, monday string) {
	h.t.Helper()
	d := mustTime(h.t, monday+"T21:00:00-05:00")
	for i, day := range []int{1, 2} {
		h.clock.Set(d.AddDate(0, 0, day))
		id := "1" + user + strings.ReplaceAll(monday, "-", "") + string(rune('a'+i))
		h.must(user, false, "/spaces log url:"+id+" listeners:10", "Logged")
	}
}

// TestMembershipHistory (hole 1): a host removed from the cohort keeps the
// weeks they were a member in every report of that time; re-added, they
// keep their past weeks; the weeks between read "not a member".
func TestMembershipHistory(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
	h.logWeek("alice", "2026-11-30")
	h.logWeek("alice", "2026-12-07")
	h.logWeek("bob", "2026-11-30")

	// Tuesday of week 3: alice leaves mid-week.
	h.clock.Set(mustTime(t, "2026-12-15T10:00:00-05:00"))
	h.must("boss", true, "/cohort remove user:@alice", "Removed @alice")

	// Week 5: the reports of weeks 1–3 still hold her.
	h.clock.Set(mustTime(t, "2026-12-29T10:00:00-05:00"))
	report := h.must("boss", true, "/cohort report week:2026-12-08", "week 2")
	mustContain(t, report, "@alice: 2 of 2 (2 link, not verified) — met")
	report = h.must("boss", true, "/cohort report week:2026-12-15", "week 3")
	mustContain(t, report, "@alice: 0 of 2 — not counted (left mid-week)")
	report = h.must("boss", true, "/cohort report week:2026-12-22", "week 4")
	if strings.Contains(report, "@alice") {
		t.Errorf("week 4 report lists alice, who was not a member then:\n%s", report)
	}

	// Re-added in week 5 (on its Tuesday, so week 5 does not count either).
	h.must("boss", true, "/cohort add user:@alice handle:@alice_x", "Added @alice")
	history := h.must("alice", false, "/spaces history weeks:8", "Week 1 (from 2026-11-30): 2 of 2 — met")
	for _, want := range []string{
		"Week 2 (from 2026-12-07): 2 of 2 — met",
		"Week 3 (from 2026-12-14): 0 of 2 — not counted (left mid-week)",
		"Week 4 (from 2026-12-21): not a member",
	} {
		mustContain(t, history, want)
	}
	mustContain(t, history, "(streak: 2 weeks)")
	if strings.Contains(history, "No closed weeks yet") {
		t.Errorf("a re-added host lost their history:\n%s", history)
	}

	// January: December's stipend report has both hosts; alice's two
	// counted weeks were met, her weeks 3 and 4 do not count.
	h.clock.Set(mustTime(t, "2027-01-05T10:00:00-05:00"))
	export := h.must("boss", true, "/cohort export month:2026-12", "Stipend report")
	mustContain(t, export, "@alice: eligible — $2,500.00 (2 of 2 weeks met or excused; 4 Spaces, 40 listeners)")
	mustContain(t, export, "@bob: review — suggested $625.00 (1 of 4 weeks met or excused; missed weeks 2, 3, 4;")
}

// TestRemovingKeepsLogs: a removed host's logs stay, and count again in the
// leaderboard of the weeks they hosted them in.
func TestRemovingKeepsLogs(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
	h.logWeek("alice", "2026-11-30")
	h.clock.Set(mustTime(t, "2026-12-03T09:00:00-05:00"))
	h.must("boss", true, "/cohort remove user:@alice", "Their logs stay on record")
	board := h.must("bob", false, "/spaces leaderboard", "This week")
	mustContain(t, board, "@alice — 2 Spaces, 20 listeners")
}

// BenchmarkPresence is the week rule for a host with a history (joined,
// left, rejoined), as every report asks it for every host and week.
func BenchmarkPresence(b *testing.B) {
	co := bot.NewCohort("Spark", bot.Date{Year: 2026, Month: 11, Day: 30})
	co.ID = 2
	joined := co.FirstWeek().Start
	h := bot.Host{Memberships: []bot.Membership{
		{Cohort: 1, Joined: joined.AddDate(0, -4, 0), Left: joined.AddDate(0, -1, 0)},
		{Cohort: 2, Joined: joined, Left: joined.AddDate(0, 0, 16)},
		{Cohort: 2, Joined: joined.AddDate(0, 0, 35)},
	}}
	w := co.WeekOf(joined.AddDate(0, 0, 50))
	b.ReportAllocs()
	for b.Loop() {
		if h.Presence(co, w) != bot.WholeWeek {
			b.Fatal("want the whole week")
		}
	}
}
