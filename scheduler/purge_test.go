package scheduler

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sparkbot/bot"
	"sparkbot/storage/bolt"
)

// purgeFailing is a store whose second Workspaces read, PurgeXData's (the
// first is PlanAll's own), fails: with the context ended under it, as when
// the program stops mid-planning, or with an error of its own.
type purgeFailing struct {
	bot.Store
	cancel func() // nil: fail with errDiskFull instead

	mu    sync.Mutex
	reads int
}

func (p *purgeFailing) Workspaces(ctx context.Context) ([]bot.WorkspaceRef, error) {
	p.mu.Lock()
	p.reads++
	second := p.reads == 2
	p.mu.Unlock()
	if !second {
		return p.Store.Workspaces(ctx)
	}
	if p.cancel == nil {
		return nil, errDiskFull
	}
	p.cancel()
	return nil, ctx.Err()
}

// TestPlanningCutShortLogsNoError: PlanAll stopped by its context while
// deleting expired X data logs no error (a console script piped in ends so
// when its input ends during the start's planning: cmd/sparkbot's
// TestPipedScriptEndsQuietly failed once in -count=3); a store failing
// there is still logged.
func TestPlanningCutShortLogsNoError(t *testing.T) {
	for _, tc := range []struct {
		name    string
		stop    bool
		wantLog bool
	}{
		{"the context ends", true, false},
		{"the store fails", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := bolt.Open(filepath.Join(t.TempDir(), "sparkbot.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			st := &purgeFailing{Store: db}
			if tc.stop {
				st.cancel = cancel
			}
			var logs bytes.Buffer
			s := New(st, bot.NewFakeClock(mustTime(t, "2026-11-30T09:00:00-05:00")), slog.New(slog.NewTextHandler(&logs, nil)), Config{})
			err = s.PlanAll(ctx)
			if st.reads < 2 {
				t.Fatalf("PlanAll read the workspaces %d times (%v); the test needs PurgeXData's read", st.reads, err)
			}
			if got := strings.Contains(logs.String(), "deleting expired X data"); got != tc.wantLog {
				t.Errorf("logged the purge's failure: %v, want %v; log:\n%s", got, tc.wantLog, logs.String())
			}
			if tc.stop && strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("planning cut short logged an error:\n%s", logs.String())
			}
		})
	}
}
