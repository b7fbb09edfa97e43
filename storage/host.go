package storage

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

var hostsBucket = []byte("hosts")

// Host returns ws's record of userID, or ErrNotFound.
func (db *DB) Host(ctx context.Context, ws bot.WorkspaceRef, userID string) (bot.Host, error) {
	var h bot.Host
	err := db.view(ctx, func(tx *bolt.Tx) error {
		found, err := getJSON(bucket(tx, ws, hostsBucket), []byte(userID), &h)
		if err == nil && !found {
			err = fmt.Errorf("host %s: %w", userID, bot.ErrNotFound)
		}
		return err
	})
	return h, err
}

// PutHost stores h under its UserID, replacing any earlier record.
func (db *DB) PutHost(ctx context.Context, ws bot.WorkspaceRef, h bot.Host) error {
	if err := requireField("host", "UserID", h.UserID); err != nil {
		return err
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		b, err := writableBuckets(tx, ws, hostsBucket)
		if err != nil {
			return err
		}
		return putJSON(b[0], []byte(h.UserID), h)
	})
}

// Hosts returns every host of ws, by UserID (the bucket's key order).
func (db *DB) Hosts(ctx context.Context, ws bot.WorkspaceRef) ([]bot.Host, error) {
	var hosts []bot.Host
	err := db.view(ctx, func(tx *bolt.Tx) (err error) {
		hosts, err = allJSON[bot.Host](bucket(tx, ws, hostsBucket))
		return err
	})
	return hosts, err
}
