package storage

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

var applicationsBucket = []byte("applications")

// Application returns userID's application in ws, or ErrNotFound.
func (db *DB) Application(ctx context.Context, ws bot.WorkspaceRef, userID string) (bot.Application, error) {
	var a bot.Application
	err := db.view(ctx, func(tx *bolt.Tx) error {
		found, err := getJSON(bucket(tx, ws, applicationsBucket), []byte(userID), &a)
		if err == nil && !found {
			err = fmt.Errorf("application of %s: %w", userID, bot.ErrNotFound)
		}
		return err
	})
	return a, err
}

// PutApplication stores a under its UserID, replacing any earlier one.
func (db *DB) PutApplication(ctx context.Context, ws bot.WorkspaceRef, a bot.Application) error {
	if err := requireField("application", "UserID", a.UserID); err != nil {
		return err
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		b, err := writableBuckets(tx, ws, applicationsBucket)
		if err != nil {
			return err
		}
		return putJSON(b[0], []byte(a.UserID), a)
	})
}

// Applications returns every application in ws, by At (then UserID).
// A cohort gets a few hundred at most, so sorting in memory beats an index.
func (db *DB) Applications(ctx context.Context, ws bot.WorkspaceRef) ([]bot.Application, error) {
	var apps []bot.Application
	err := db.view(ctx, func(tx *bolt.Tx) (err error) {
		apps, err = allJSON[bot.Application](bucket(tx, ws, applicationsBucket))
		return err
	})
	slices.SortStableFunc(apps, func(a, b bot.Application) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.UserID, b.UserID))
	})
	return apps, err
}
