package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
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

// Claim is a pending job a replica holds.
type Claim struct {
	Key, Replica string
	Until        time.Time // on the database's clock
}

// Claims lists the pending jobs replicas hold, by key: what each replica
// is delivering (for operators, and tests).
func (db *DB) Claims(ctx context.Context) ([]Claim, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT key, claimed_by, lease_until FROM jobs
		WHERE result IS NULL AND claimed_by IS NOT NULL ORDER BY key`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row pgx.Row) (Claim, error) {
		var c Claim
		var key []byte
		err := row.Scan(&key, &c.Replica, &c.Until)
		c.Key = string(key)
		return c, err
	})
}
