package bolt

import (
	"context"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

var reviewsBucket = []byte("reviews")

// storedReview is a bot.Review as the reviews bucket keeps it (see
// encodeRecord): without SpaceID, which is the key. The rejected log is
// kept in full, its Space id included.
type storedReview struct {
	SpaceID  string             `json:"-"`
	UserID   string             `json:",omitzero"`
	Decision bot.ReviewDecision `json:",omitzero"`
	Reason   string             `json:",omitzero"`
	By       string             `json:",omitzero"`
	At       time.Time          `json:",omitzero"`
	Log      storedReviewLog    `json:",omitzero"`
}

// storedReviewLog is the rejected log inside a review, with its id.
type storedReviewLog struct {
	SpaceID string `json:",omitzero"`
	storedLog
}

func encodeReview(rv bot.Review) ([]byte, error) {
	s := storedReview{UserID: rv.UserID, Decision: rv.Decision, Reason: rv.Reason, By: rv.By, At: rv.At}
	if rv.Log.SpaceID != "" {
		s.Log = storedReviewLog{SpaceID: rv.Log.SpaceID, storedLog: storedLog(rv.Log)}
	}
	return encodeRecord("review", s)
}

func decodeReview(key, data []byte) (bot.Review, error) {
	var s storedReview
	if err := decodeRecord("review", key, data, &s); err != nil {
		return bot.Review{}, err
	}
	rv := bot.Review{SpaceID: string(key), UserID: s.UserID, Decision: s.Decision, Reason: s.Reason, By: s.By, At: s.At}
	if s.Log.SpaceID != "" {
		rv.Log = bot.SpaceLog(s.Log.storedLog)
		rv.Log.SpaceID = s.Log.SpaceID
	}
	return rv, nil
}

// Review returns ws's review of spaceID, or ErrNotFound.
func (db *DB) Review(ctx context.Context, ws bot.WorkspaceRef, spaceID string) (bot.Review, error) {
	var rv bot.Review
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		var found bool
		rv, found, err = getRecord(bucket(tx, ws, reviewsBucket), []byte(spaceID), decodeReview)
		if err == nil && !found {
			err = fmt.Errorf("review of %s: %w", spaceID, bot.ErrNotFound)
		}
		return err
	})
	return rv, err
}

// PutReview stores rv under its SpaceID, replacing any earlier decision.
func (db *DB) PutReview(ctx context.Context, ws bot.WorkspaceRef, rv bot.Review) error {
	if err := requireField("review", "SpaceID", rv.SpaceID); err != nil {
		return err
	}
	data, err := encodeReview(rv)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b, err := writableBuckets(tx, ws, reviewsBucket)
		if err != nil {
			return err
		}
		return b[0].Put([]byte(rv.SpaceID), data)
	})
}

// ReviewsOf returns the reviews of those of spaceIDs that have one, in the
// order asked, in one read.
func (db *DB) ReviewsOf(ctx context.Context, ws bot.WorkspaceRef, spaceIDs []string) ([]bot.Review, error) {
	var out []bot.Review
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		b := bucket(tx, ws, reviewsBucket)
		for _, id := range spaceIDs {
			rv, found, err := getRecord(b, []byte(id), decodeReview)
			if err != nil {
				return err
			}
			if found {
				out = append(out, rv)
			}
		}
		return nil
	})
	return out, err
}
