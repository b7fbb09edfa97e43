package postgres

import (
	"context"
	"crypto/sha256"
	"sync/atomic"
	"time"
)

// ReplaySet is edge.ReplaySet kept in the database, so a signed request
// acted on by one replica is refused by every other within its signature
// window (the adapters' ReplayGuard). Keys are kept as a 16-byte digest,
// like edge's.
type ReplaySet struct {
	db    *DB
	calls atomic.Uint64
}

// ReplaySet returns the replicas' shared replay set.
func (db *DB) ReplaySet() *ReplaySet { return &ReplaySet{db: db} }

// pruneEvery is how many FirstSeen calls pass between deletions of the
// expired keys; they are ignored meanwhile, so only the table's size waits.
const pruneEvery = 1024

// FirstSeen records key until the time until and reports whether it is
// new; false means a replica saw it before and it must not be acted on
// again. A key whose time has passed is new again. An until already past
// is kept a second, so an instant replay is still refused.
func (s *ReplaySet) FirstSeen(ctx context.Context, key string, until time.Time) (bool, error) {
	sum := sha256.Sum256([]byte(key))
	var first bool
	err := s.db.pool.QueryRow(ctx, `
		WITH kept AS (
			INSERT INTO replays (key, until) VALUES ($1, greatest($2, clock_timestamp() + interval '1 second'))
			ON CONFLICT (key) DO UPDATE SET until = excluded.until WHERE replays.until <= clock_timestamp()
			RETURNING 1
		)
		SELECT EXISTS (SELECT 1 FROM kept)`, sum[:16], until).Scan(&first)
	if err != nil {
		return false, err
	}
	if s.calls.Add(1)%pruneEvery == 0 {
		s.prune(ctx)
	}
	return first, nil
}

// prune deletes the expired keys; failing, it leaves them to the next.
func (s *ReplaySet) prune(ctx context.Context) {
	if _, err := s.db.pool.Exec(ctx, `DELETE FROM replays WHERE until <= clock_timestamp()`); err != nil {
		s.db.opt.Logger.Warn("pruning the replay set", "err", err)
	}
}
