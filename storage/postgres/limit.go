package postgres

import (
	"context"
	"sync/atomic"
	"time"
)

// Limiter is edge.Limiter kept in the database: each key (a user) may have
// perMinute events a minute across every replica, a token bucket that
// holds perMinute tokens and refills continuously, on the database's
// clock. The buckets are an UNLOGGED table: worth nothing after a crash.
type Limiter struct {
	db        *DB
	perMinute int
	calls     atomic.Uint64
}

// limitTimeout bounds one Allow; a database that does not answer in time
// lets the command through (it then fails on its own if the database is
// down), since refusing everyone would be worse than limiting no one.
const limitTimeout = 2 * time.Second

// Limiter returns the replicas' shared limiter of perMinute events a
// minute per key, or nil when perMinute is 0 or less (no limit). A nil
// *Limiter allows everything.
func (db *DB) Limiter(perMinute int) *Limiter {
	if perMinute <= 0 {
		return nil
	}
	return &Limiter{db: db, perMinute: perMinute}
}

// PerMinute is the limit, 0 when there is none.
func (l *Limiter) PerMinute() int {
	if l == nil {
		return 0
	}
	return l.perMinute
}

// Allow takes a token from key's bucket and reports whether there was one:
// one statement refills the bucket for the time since it was last used
// and takes a token only if that leaves one.
func (l *Limiter) Allow(key string) bool {
	if l == nil {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), limitTimeout)
	defer cancel()
	var allowed bool
	err := l.db.pool.QueryRow(ctx, `
		WITH taken AS (
			INSERT INTO rate_buckets AS b (key, tokens, at) VALUES ($1, $2 - 1, clock_timestamp())
			ON CONFLICT (key) DO UPDATE SET
				tokens = least($2, b.tokens + extract(epoch FROM clock_timestamp() - b.at) * $2 / 60.0) - 1,
				at = clock_timestamp()
			WHERE least($2, b.tokens + extract(epoch FROM clock_timestamp() - b.at) * $2 / 60.0) >= 1
			RETURNING 1
		)
		SELECT EXISTS (SELECT 1 FROM taken)`, key, float64(l.perMinute)).Scan(&allowed)
	if err != nil {
		l.db.opt.Logger.Warn("rate limit: the database did not answer; letting the command through", "err", err)
		return true
	}
	if l.calls.Add(1)%pruneEvery == 0 {
		// A bucket unused for a minute has refilled: forgetting it changes nothing.
		if _, err := l.db.pool.Exec(ctx, `DELETE FROM rate_buckets WHERE at < clock_timestamp() - interval '1 minute'`); err != nil {
			l.db.opt.Logger.Warn("rate limit: forgetting idle users", "err", err)
		}
	}
	return allowed
}
