package scheduler

import (
	"context"
	"testing"

	"sparkbot/bot"
)

// TestXDataDeletedWithoutX: a cohort's X data goes when its retention
// is over, by the daily planning, whether or not sparkbot is connected
// to X then (the token removed after the cohort). Logs stay.
func TestXDataDeletedWithoutX(t *testing.T) {
	w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
	w.must("boss", `/cohort create name:"Spark" start:2026-11-30`, "Created")
	w.must("boss", "/cohort settings weeks:1 xretention:10", "X data: kept 10 days after the cohort ends.")
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
	ctx := context.Background()
	start := mustTime(t, "2026-12-01T20:00:00-05:00")
	for _, err := range []error{
		w.db.PutXLink(ctx, w.ws, bot.XLink{UserID: "alice", Handle: "alice_x", XID: "1001"}),
		w.db.PutSeenSpace(ctx, w.ws, bot.SeenSpace{ID: "1a", Cohort: 1, UserID: "alice", State: bot.XEnded, StartedAt: start}),
		w.db.AddLog(ctx, w.ws, bot.SpaceLog{SpaceID: "1a", UserID: "alice", Start: start, Minutes: 30, LoggedAt: start, Provenance: bot.VerifiedByX}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	w.advanceTo(mustTime(t, "2026-12-16T12:00:00-05:00")) // ended 7 Dec, + 9 days
	if _, err := w.db.SeenSpace(ctx, w.ws, "1a"); err != nil {
		t.Fatalf("9 days after the end, the seen Space is gone: %v", err)
	}
	w.advanceTo(mustTime(t, "2026-12-18T12:00:00-05:00"))
	if _, err := w.db.SeenSpace(ctx, w.ws, "1a"); err == nil {
		t.Errorf("11 days after the end, with X off, the seen Space is kept")
	}
	if _, err := w.db.XLink(ctx, w.ws, "alice"); err == nil {
		t.Errorf("11 days after the end, with X off, alice's link is kept")
	}
	if _, err := w.db.Log(ctx, w.ws, "1a"); err != nil {
		t.Errorf("the log went with the X data: %v", err)
	}
}
