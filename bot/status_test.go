package bot_test

import (
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

func TestAssess(t *testing.T) {
	const lastCall = 48 * time.Hour
	tests := []struct {
		name                    string
		quota, logged, upcoming int
		excused                 bool
		left                    time.Duration
		want                    bot.Standing
	}{
		{"quota met early", 2, 2, 0, false, 100 * time.Hour, bot.OnTrack},
		{"over quota", 2, 3, 0, false, 100 * time.Hour, bot.OnTrack},
		{"enough scheduled", 2, 1, 1, false, 100 * time.Hour, bot.OnPace},
		{"nothing logged, two scheduled", 2, 0, 2, false, 100 * time.Hour, bot.OnPace},
		{"not enough scheduled", 2, 1, 0, false, 100 * time.Hour, bot.AtRisk},
		{"nothing at all", 2, 0, 0, false, 160 * time.Hour, bot.AtRisk},
		{"under 48h left, below quota", 2, 1, 1, false, 47 * time.Hour, bot.LastCall},
		{"exactly 48h left is not last call", 2, 1, 1, false, 48 * time.Hour, bot.OnPace},
		{"under 48h left, quota met", 2, 2, 0, false, time.Hour, bot.OnTrack},
		{"closed, met", 2, 2, 0, false, 0, bot.Met},
		{"closed, missed", 2, 1, 0, false, 0, bot.Missed},
		{"closed, excused", 2, 0, 0, true, 0, bot.Excused},
		{"open, excused", 2, 0, 0, true, time.Hour, bot.Excused},
		{"quota of three", 3, 2, 1, false, 100 * time.Hour, bot.OnPace},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bot.Assess(tt.quota, tt.logged, tt.upcoming, tt.excused, tt.left, lastCall)
			if got != tt.want {
				t.Errorf("Assess = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestStatusAndStreak walks one host through three weeks of a cohort.
func TestStatusAndStreak(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice")
	h.must("alice", false, "/spaces status", "This week: 0 of 2 — at risk")
	h.must("alice", false, `/spaces schedule add title:"Night owls" days:tue,thu time:20:00`, "Saved")
	h.must("alice", false, "/spaces status", "This week: 0 of 2 — on pace")

	h.clock.Set(mustTime(t, "2026-12-01T21:05:00-05:00")) // after Tuesday's Space
	h.must("alice", false, "/spaces log url:1aaaaaaaaaaaa", "This week: 1 of 2 — on pace")
	h.clock.Set(mustTime(t, "2026-12-03T21:05:00-05:00")) // after Thursday's
	h.must("alice", false, "/spaces log url:1bbbbbbbbbbbb", "This week: 2 of 2 — on track")

	h.clock.Set(mustTime(t, "2026-12-07T09:00:00-05:00")) // week 2 opens
	status := h.must("alice", false, "/spaces status", "This week: 0 of 2 — on pace")
	mustContain(t, status, "Streak: 1 week met")

	h.must("alice", false, "/spaces schedule pause id:1", "Paused")
	h.must("alice", false, "/spaces status", "at risk")
	h.clock.Set(mustTime(t, "2026-12-12T09:00:00-05:00")) // Saturday: under 48h left
	h.must("alice", false, "/spaces log url:1cccccccccccc", "This week: 1 of 2 — last call")

	h.clock.Set(mustTime(t, "2026-12-14T09:00:00-05:00")) // week 3: week 2 was missed
	h.must("alice", false, "/spaces status", "Streak: 0 weeks met")
	history := h.must("alice", false, "/spaces history", "Week 2 (from 2026-12-07): 1 of 2 — missed")
	mustContain(t, history, "Week 1 (from 2026-11-30): 2 of 2 — met")

	h.must("boss", true, `/cohort excuse user:@alice week:2026-12-09 reason:"flu"`, "counts as met")
	h.must("alice", false, "/spaces status", "Streak: 2 weeks met")
	h.must("alice", false, "/spaces history", "Week 2 (from 2026-12-07): 1 of 2 — excused (flu)")
	report := h.must("boss", true, "/cohort report week:2026-12-08", "@alice: 1 of 2 (1 link, not verified) — excused")
	mustContain(t, report, "week 2")
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mustContain(t *testing.T, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Fatalf("got %q\nwant it to contain %q", got, want)
	}
}
