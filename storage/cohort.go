package storage

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// cohortKey holds the workspace's one cohort directly in its bucket; a
// bucket of its own would hold a single value.
var cohortKey = []byte("cohort")

// Cohort returns ws's cohort, or ErrNotFound if it has none.
func (db *DB) Cohort(ctx context.Context, ws bot.WorkspaceRef) (bot.Cohort, error) {
	var c bot.Cohort
	err := db.view(ctx, func(tx *bolt.Tx) error {
		found, err := getJSON(workspace(tx, ws), cohortKey, &c)
		if err == nil && !found {
			err = fmt.Errorf("cohort of %s: %w", ws.Key(), bot.ErrNotFound)
		}
		return err
	})
	return c, err
}

// PutCohort stores c as ws's cohort, replacing any other.
func (db *DB) PutCohort(ctx context.Context, ws bot.WorkspaceRef, c bot.Cohort) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		w, err := writableWorkspace(tx, ws)
		if err != nil {
			return err
		}
		return putJSON(w, cohortKey, c)
	})
}
