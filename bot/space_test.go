package bot_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"sparkbot/bot"
)

func TestTopSpaces(t *testing.T) {
	logs := []bot.SpaceLog{
		{SpaceID: "a", Listeners: 10}, {SpaceID: "b", Listeners: 0}, {SpaceID: "c", Listeners: 50},
		{SpaceID: "d", Listeners: 10}, {SpaceID: "e", Listeners: 5},
	}
	tests := []struct {
		n    int
		want string
	}{
		{0, ""}, {1, "c"}, {3, "cad"}, {10, "cade"},
	}
	for _, tt := range tests {
		got := ""
		for _, l := range bot.TopSpaces(logs, tt.n) {
			got += l.SpaceID
		}
		if got != tt.want {
			t.Errorf("TopSpaces(n=%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if logs[0].SpaceID != "a" || logs[2].SpaceID != "c" {
		t.Error("TopSpaces reordered its argument")
	}
}

// TestCountedSpaces: the Spaces of a period that count are the ones of
// hosts who were members when they hosted them, once each; a log just
// before the period is weighed against an overlapping one inside it.
func TestCountedSpaces(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, "2026-11-25T09:00:00-05:00").withCohort("2026-11-30", "bob")
	h.clock.Set(mustTime(t, "2026-12-09T12:00:00-05:00"))
	h.must("boss", true, "/cohort add user:@alice handle:@alice_x", "Added")
	at := func(s string) time.Time { return mustTime(t, s) }
	for _, l := range []bot.SpaceLog{
		{SpaceID: "1A1", UserID: "alice", Start: at("2026-12-03T20:00:00-05:00")},                           // before alice joined
		{SpaceID: "1A2", UserID: "alice", Start: at("2026-12-09T20:00:00-05:00"), Provenance: bot.OneClick}, // after
		{SpaceID: "1B0", UserID: "bob", Start: at("2026-12-06T23:50:00-05:00"), Provenance: bot.StaffLogged},
		{SpaceID: "1B1", UserID: "bob", Start: at("2026-12-07T00:05:00-05:00")}, // one Space with 1B0
		{SpaceID: "1B2", UserID: "bob", Start: at("2026-12-08T19:00:00-05:00")},
		{SpaceID: "1B3", UserID: "bob", Start: at("2026-12-08T19:10:00-05:00")}, // one Space with 1B2
	} {
		l.Minutes, l.LoggedAt = 60, l.Start.Add(time.Hour)
		if l.Provenance == 0 {
			l.Provenance = bot.LinkNotVerified
		}
		if err := h.store.AddLog(ctx, h.ws, l); err != nil {
			t.Fatal(err)
		}
	}
	co, _ := h.store.Cohort(ctx, h.ws)
	week := co.WeekOf(h.clock.Now()) // from Monday 7 December
	logs, err := bot.CountedSpaces(ctx, h.store, h.ws, co, week.Start, week.End)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range logs {
		got = append(got, l.SpaceID+" "+l.Provenance.String())
	}
	want := []string{"1B2 link, not verified", "1A2 one-click"}
	if !slices.Equal(got, want) {
		t.Errorf("CountedSpaces of the week from 7 December = %q, want %q", got, want)
	}
}
