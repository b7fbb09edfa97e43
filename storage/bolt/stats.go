package bolt

import (
	"bytes"
	"context"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// JobCounts counts pending jobs: all of them (the due index's depth), and
// those due at or before now, which wait for a worker (the outbox's
// backlog). The first walks the jobs bucket's pages; the second is O(due).
func (db *DB) JobCounts(ctx context.Context, now time.Time) (pending, due int, err error) {
	err = db.view(ctx, func(tx *bbolt.Tx) error {
		pending = tx.Bucket(jobsBucket).Stats().KeyN
		limit := timeKey(now.Add(time.Nanosecond)) // every due key of now sorts below it
		c := tx.Bucket(dueBucket).Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k, limit) < 0; k, _ = c.Next() {
			due++
		}
		return nil
	})
	return pending, due, err
}

var probeKey = []byte("probe")

// Probe writes the time to the database and returns once the write is
// committed: the readiness check that the database answers a write.
func (db *DB) Probe(ctx context.Context, now time.Time) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(metaBucket).Put(probeKey, timeKey(now))
	})
}
