package scheduler

import (
	"context"
	"sync"
	"testing"

	"sparkbot/bot"
)

// publishingRecorder is a notifier that also publishes events.
type publishingRecorder struct {
	*recorder
	mu    sync.Mutex
	syncs [][]bot.SpaceEvent
}

func (p *publishingRecorder) SyncEvents(_ context.Context, _ bot.WorkspaceRef, events []bot.SpaceEvent) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.syncs = append(p.syncs, events)
	return nil
}

func (p *publishingRecorder) last(t *testing.T) []bot.SpaceEvent {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.syncs) == 0 {
		t.Fatal("no event sync")
	}
	return p.syncs[len(p.syncs)-1]
}

// TestEventsFollowSchedules: a platform that publishes events gets the
// coming week's Spaces after each schedule change.
func TestEventsFollowSchedules(t *testing.T) {
	w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
	pub := &publishingRecorder{recorder: w.notify}
	w.sched.SetNotifier(bot.Console, pub)
	w.must("boss", `/cohort create name:"Spark" start:2026-11-30`, "Created")
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
	w.must("alice", `/spaces schedule add title:"Night owls" days:tue,thu time:20:00`, "Saved")
	got := pub.last(t)
	if len(got) != 2 {
		t.Fatalf("%d events, want 2 (Tue and Thu): %+v", len(got), got)
	}
	if e := got[0]; e.Title != "Night owls" || e.HostID != "alice" || e.Location != "https://x.com/alice_x" ||
		!e.Start.Equal(mustTime(t, "2026-12-01T20:00:00-05:00")) || e.End.Sub(e.Start).Minutes() != 60 {
		t.Errorf("first event %+v", e)
	}
	w.must("alice", "/spaces schedule skip id:1 date:2026-12-03", "Skipping")
	if got := pub.last(t); len(got) != 1 {
		t.Errorf("after a skip: %d events, want 1", len(got))
	}
	w.must("alice", "/spaces schedule pause id:1", "Paused")
	if got := pub.last(t); len(got) != 0 {
		t.Errorf("after a pause: %d events, want 0", len(got))
	}
}
