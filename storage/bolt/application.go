package bolt

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

var applicationsBucket = []byte("applications")

// storedApplication is a bot.Application as the applications bucket keeps
// it (see encodeRecord): without UserID, which is the key.
type storedApplication struct {
	Cohort    int                  `json:",omitzero"`
	UserID    string               `json:"-"`
	Name      string               `json:",omitzero"`
	Handle    string               `json:",omitzero"`
	Followers int                  `json:",omitzero"`
	Country   string               `json:",omitzero"`
	Show      string               `json:",omitzero"`
	XFollows  int                  `json:",omitzero"`
	XChecked  time.Time            `json:",omitzero"`
	Failed    []string             `json:",omitzero"`
	State     bot.ApplicationState `json:",omitzero"`
	Reason    string               `json:",omitzero"`
	At        time.Time            `json:",omitzero"`
	DecidedBy string               `json:",omitzero"`
	DecidedAt time.Time            `json:",omitzero"`
}

func encodeApplication(a bot.Application) ([]byte, error) {
	return encodeRecord("application", storedApplication(a))
}

func decodeApplication(key, data []byte) (bot.Application, error) {
	var s storedApplication
	if err := decodeRecord("application", key, data, &s); err != nil {
		return bot.Application{}, err
	}
	s.UserID = string(key)
	return bot.Application(s), nil
}

// Application returns userID's application in ws, or ErrNotFound.
func (db *DB) Application(ctx context.Context, ws bot.WorkspaceRef, userID string) (bot.Application, error) {
	var a bot.Application
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		var found bool
		a, found, err = getRecord(bucket(tx, ws, applicationsBucket), []byte(userID), decodeApplication)
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
	data, err := encodeApplication(a)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b, err := writableBuckets(tx, ws, applicationsBucket)
		if err != nil {
			return err
		}
		return putRecord(b[0], []byte(a.UserID), data)
	})
}

// Applications returns every application in ws, by At (then UserID).
// A cohort gets a few hundred at most, so sorting in memory beats an index.
func (db *DB) Applications(ctx context.Context, ws bot.WorkspaceRef) ([]bot.Application, error) {
	var apps []bot.Application
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		apps, err = allRecords(bucket(tx, ws, applicationsBucket), decodeApplication)
		return err
	})
	slices.SortStableFunc(apps, func(a, b bot.Application) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.UserID, b.UserID))
	})
	return apps, err
}
