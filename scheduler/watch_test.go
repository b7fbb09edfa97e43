package scheduler

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/storage/bolt"
	"sparkbot/storage/postgres"
	"sparkbot/storage/postgres/pgtest"
)

var _ WatchSharer = (*postgres.DB)(nil)

// reloads is a watcher that counts the rounds that read what they watch
// again: the first, and each after a Stale.
type reloads struct {
	mu     sync.Mutex
	stale  bool
	rounds int
	loads  int
}

func (w *reloads) Round(context.Context) time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.rounds == 0 || w.stale {
		w.loads++
	}
	w.rounds++
	w.stale = false
	return time.Date(2026, 12, 1, 15, 1, 0, 0, time.UTC)
}

func (w *reloads) Recheck(context.Context, bot.WorkspaceRef, string, time.Time) (time.Time, error) {
	return time.Time{}, nil
}

func (w *reloads) Stale() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stale = true
}

func (w *reloads) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.loads
}

// A host, link, schedule or cohort change reaches the watcher that runs
// the rounds at its next round: on bbolt the one process's, on
// PostgreSQL the leader's, whichever replica served the command. A round
// with no change in between reads nothing again.
func TestAChangeReachesTheWatchersNextRound(t *testing.T) {
	clock := bot.NewFakeClock(mustTime(t, "2026-12-01T15:00:00Z"))
	ws := bot.WorkspaceRef{Platform: bot.Console, ID: "watch"}
	stores := map[string]func(t *testing.T) (served, leader bot.Store){
		"bbolt": func(t *testing.T) (bot.Store, bot.Store) {
			db, err := bolt.Open(filepath.Join(t.TempDir(), "db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db, db
		},
		"postgres": func(t *testing.T) (bot.Store, bot.Store) {
			url := pgtest.Schema(t)
			var dbs [2]bot.Store
			for i := range dbs {
				db, err := postgres.OpenWith(t.Context(), url, postgres.Options{Replica: fmt.Sprintf("r%d", i), Logger: quiet})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				dbs[i] = db
			}
			return dbs[0], dbs[1]
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			served, leading := open(t)
			commands, rounds := &reloads{}, &reloads{}
			a := New(served, clock, quiet, Config{})
			a.SetWatcher(commands)
			b := a // one process
			if leading != served {
				b = New(leading, clock, quiet, Config{})
				b.SetWatcher(rounds)
			} else {
				rounds = commands
			}
			round := func() {
				t.Helper()
				if _, err := b.composeX(t.Context(), b.watchJobs(clock.Now())[0]); err != nil {
					t.Fatal(err)
				}
			}
			round()
			round()
			if got := rounds.count(); got != 1 {
				t.Fatalf("two rounds with no change between: %d loads, want 1", got)
			}
			a.HostChanged(t.Context(), ws, "U1") // /cohort link, served by a
			round()
			if got := rounds.count(); got != 2 {
				t.Errorf("the round after a host changed: %d loads in all, want 2 (it reads them again)", got)
			}
			a.CohortChanged(t.Context(), ws, false)
			round()
			round()
			if got := rounds.count(); got != 3 {
				t.Errorf("after a cohort change and two rounds: %d loads in all, want 3", got)
			}
		})
	}
}
