package bolt

import (
	"context"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

var hostsBucket = []byte("hosts")

// storedHost is a bot.Host as the hosts bucket kept it before schema 9
// (see encodeRecord): without UserID, which is the key. Hosts are binary
// now (hostcodec.go); a JSON host still reads.
type storedHost struct {
	UserID       string            `json:"-"`
	Name         string            `json:",omitzero"`
	Handle       string            `json:",omitzero"`
	Zone         string            `json:",omitzero"`
	PlatformZone string            `json:",omitzero"`
	Memberships  []bot.Membership  `json:",omitzero"`
	RemindersOff bool              `json:",omitzero"`
	Leads        []time.Duration   `json:",omitzero"`
	Quiet        bot.QuietHours    `json:",omitzero"`
	Excused      map[string]string `json:",omitzero"`
}

func encodeHost(h bot.Host) ([]byte, error) {
	_ = storedHost(h) // a field added to bot.Host fails to compile here: store it in hostcodec.go too
	return encodeBinaryHost(h), nil
}

func decodeHost(key, data []byte) (bot.Host, error) {
	if !isJSON(data) {
		return decodeBinaryHost(key, data)
	}
	var s storedHost
	if err := decodeRecord("host", key, data, &s); err != nil {
		return bot.Host{}, err
	}
	s.UserID = string(key)
	return bot.Host(s), nil
}

// Host returns ws's record of userID, or ErrNotFound.
func (db *DB) Host(ctx context.Context, ws bot.WorkspaceRef, userID string) (bot.Host, error) {
	var h bot.Host
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		var found bool
		h, found, err = getRecord(bucket(tx, ws, hostsBucket), []byte(userID), decodeHost)
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
	data, err := encodeHost(h)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b, err := writableBuckets(tx, ws, hostsBucket)
		if err != nil {
			return err
		}
		// Hosts are often added in id order: a new one then appends.
		return putRecord(b[0], []byte(h.UserID), data)
	})
}

// Hosts returns every host of ws, by UserID (the bucket's key order).
func (db *DB) Hosts(ctx context.Context, ws bot.WorkspaceRef) ([]bot.Host, error) {
	var hosts []bot.Host
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		hosts, err = allRecords(bucket(tx, ws, hostsBucket), decodeHost)
		return err
	})
	return hosts, err
}
