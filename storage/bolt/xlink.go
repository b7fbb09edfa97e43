package bolt

import (
	"context"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

var xlinksBucket = []byte("xlinks")

// storedXLink is a bot.XLink as the xlinks bucket keeps it (see
// encodeRecord): without UserID, which is the key.
type storedXLink struct {
	UserID    string    `json:"-"`
	Handle    string    `json:",omitzero"`
	XID       string    `json:",omitzero"`
	Resolved  time.Time `json:",omitzero"`
	Missing   bool      `json:",omitzero"`
	CheckedAt time.Time `json:",omitzero"`
	Told      bool      `json:",omitzero"`
	LastLive  time.Time `json:",omitzero"`
	LinkedBy  string    `json:",omitzero"`
	LinkedAt  time.Time `json:",omitzero"`
}

func encodeXLink(l bot.XLink) ([]byte, error) { return encodeRecord("X link", storedXLink(l)) }

func decodeXLink(key, data []byte) (bot.XLink, error) {
	var s storedXLink
	if err := decodeRecord("X link", key, data, &s); err != nil {
		return bot.XLink{}, err
	}
	s.UserID = string(key)
	return bot.XLink(s), nil
}

// XLink returns userID's X link in ws, or ErrNotFound.
func (db *DB) XLink(ctx context.Context, ws bot.WorkspaceRef, userID string) (bot.XLink, error) {
	var l bot.XLink
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		var found bool
		l, found, err = getRecord(bucket(tx, ws, xlinksBucket), []byte(userID), decodeXLink)
		if err == nil && !found {
			err = fmt.Errorf("X link of %s: %w", userID, bot.ErrNotFound)
		}
		return err
	})
	return l, err
}

// PutXLink stores l under its UserID, replacing any earlier one.
func (db *DB) PutXLink(ctx context.Context, ws bot.WorkspaceRef, l bot.XLink) error {
	if err := requireField("X link", "UserID", l.UserID); err != nil {
		return err
	}
	data, err := encodeXLink(l)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b, err := writableBuckets(tx, ws, xlinksBucket)
		if err != nil {
			return err
		}
		return b[0].Put([]byte(l.UserID), data)
	})
}

// DeleteXLink forgets userID's X link; none is not an error.
func (db *DB) DeleteXLink(ctx context.Context, ws bot.WorkspaceRef, userID string) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		if b := bucket(tx, ws, xlinksBucket); b != nil {
			return b.Delete([]byte(userID))
		}
		return nil
	})
}

// XLinks returns every X link in ws, by UserID.
func (db *DB) XLinks(ctx context.Context, ws bot.WorkspaceRef) ([]bot.XLink, error) {
	var links []bot.XLink
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		links, err = allRecords(bucket(tx, ws, xlinksBucket), decodeXLink)
		return err
	})
	return links, err
}
