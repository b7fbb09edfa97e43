package bot_test

import (
	"context"
	"sync"
	"testing"

	"sparkbot/bot"
)

type observed struct {
	mu     sync.Mutex
	events []bot.CommandEvent
}

func (o *observed) CommandDone(_ context.Context, e bot.CommandEvent) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, e)
}

// TestObserverHearsEveryRequest: each request is reported once, named by
// the table (never by what was typed), with how it ended.
func TestObserverHearsEveryRequest(t *testing.T) {
	h := newHarness(t, "2026-12-01T15:00:00Z").withCohort("2026-11-30", "alice")
	seen := &observed{}
	h.router.SetObserver(seen)
	tests := []struct {
		user, line       string
		staff            bool
		command, outcome string
	}{
		{"alice", "/spaces status", false, "spaces status", bot.OutcomeOK},
		{"alice", "/spaces log url:nope!", false, "spaces log", "invalid"},
		{"alice", "/cohort applications", false, "cohort applications", "forbidden"},
		{"alice", "/spaces schedule remove id:9", false, "spaces schedule remove", "not_found"},
		{"alice", "/spaces @everyone", false, bot.UnknownCommand, "invalid"},
	}
	for _, tt := range tests {
		h.do(tt.user, tt.staff, tt.line)
	}
	h.router.Handle(context.Background(), bot.Request{Workspace: h.ws, UserID: "alice", Action: &bot.Action{ID: "nope"}})
	if len(seen.events) != len(tests)+1 {
		t.Fatalf("observed %d requests, want %d", len(seen.events), len(tests)+1)
	}
	for i, tt := range tests {
		e := seen.events[i]
		if e.Command != tt.command || e.Outcome != tt.outcome || e.Workspace != h.ws || e.UserID != tt.user {
			t.Errorf("%s: observed %+v, want command %q outcome %q", tt.line, e, tt.command, tt.outcome)
		}
	}
	if e := seen.events[len(tests)]; e.Command != bot.ClickCommand {
		t.Errorf("a click: observed command %q, want %q", e.Command, bot.ClickCommand)
	}
}
