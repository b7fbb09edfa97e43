package postgres

import (
	"context"
	"time"
)

// JobCounts counts pending jobs: all of them (the due index's depth), and
// those due at or before now, which wait for a worker (the outbox's
// backlog).
func (db *DB) JobCounts(ctx context.Context, now time.Time) (pending, due int, err error) {
	err = db.pool.QueryRow(ctx, `
		SELECT count(*), count(*) FILTER (WHERE (due, due_ns) <= ($1, $2))
		FROM jobs WHERE result IS NULL`, now, nanos(now)).Scan(&pending, &due)
	return pending, due, err
}

// Probe writes the time to the database and returns once the write is
// committed: the readiness check that the database answers a write.
func (db *DB) Probe(ctx context.Context, now time.Time) error {
	v, err := now.MarshalText()
	if err != nil {
		return err
	}
	return db.setMeta(ctx, "probe", string(v))
}
