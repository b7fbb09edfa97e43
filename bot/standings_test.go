package bot_test

import (
	"context"
	"testing"
	"time"

	"sparkbot/bot"
)

func TestCountStandings(t *testing.T) {
	h := newHarness(t, "2026-11-30T15:00:00Z").withCohort("2026-11-30", "alice", "bob")
	h.clock.Advance(48 * time.Hour)
	h.must("alice", false, "/spaces log url:1eaKbrPAqbwKX at:\"2026-12-01 20:00\"", "Logged")
	h.must("alice", false, "/spaces log url:1YqKDqWqdPLJV at:\"2026-12-02 08:00\"", "Logged")
	got, err := bot.CountStandings(context.Background(), h.store, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got[bot.OnTrack] != 1 || got[bot.AtRisk] != 1 || len(got) != 2 {
		t.Errorf("got %v, want alice on track and bob at risk", got)
	}
	late, err := bot.CountStandings(context.Background(), h.store, h.clock.Now().AddDate(1, 0, 0))
	if err != nil || len(late) != 0 {
		t.Errorf("a year on, when the cohort has ended: %v, %v; want nothing counted", late, err)
	}
}
