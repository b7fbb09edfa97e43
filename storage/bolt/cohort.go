package bolt

import (
	"context"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// cohortKey holds the workspace's one cohort directly in its bucket; a
// bucket of its own would hold a single value.
var cohortKey = []byte("cohort")

// storedCohort is a bot.Cohort as a workspace keeps it (see encodeRecord).
type storedCohort struct {
	Name            string       `json:",omitzero"`
	Start           bot.Date     `json:",omitzero"`
	Weeks           int          `json:",omitzero"`
	Quota           int          `json:",omitzero"`
	Zone            string       `json:",omitzero"`
	WeekStart       time.Weekday `json:",omitzero"`
	MinFollowers    int          `json:",omitzero"`
	Countries       []string     `json:",omitzero"`
	LastCallHours   int          `json:",omitzero"`
	OverlapMinutes  int          `json:",omitzero"`
	DigestChannel   string       `json:",omitzero"`
	StaffChannel    string       `json:",omitzero"`
	AnnounceChannel string       `json:",omitzero"`
	FallbackChannel string       `json:",omitzero"`
	CreatedAt       time.Time    `json:",omitzero"`
	CreatedBy       string       `json:",omitzero"`
}

func encodeCohort(c bot.Cohort) ([]byte, error) { return encodeRecord("cohort", storedCohort(c)) }

func decodeCohort(key, data []byte) (bot.Cohort, error) {
	var s storedCohort
	if err := decodeRecord("cohort", key, data, &s); err != nil {
		return bot.Cohort{}, err
	}
	return bot.Cohort(s), nil
}

// Cohort returns ws's cohort, or ErrNotFound if it has none.
func (db *DB) Cohort(ctx context.Context, ws bot.WorkspaceRef) (bot.Cohort, error) {
	var c bot.Cohort
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		var found bool
		c, found, err = getRecord(workspace(tx, ws), cohortKey, decodeCohort)
		if err == nil && !found {
			err = fmt.Errorf("cohort of %s: %w", ws.Key(), bot.ErrNotFound)
		}
		return err
	})
	return c, err
}

// PutCohort stores c as ws's cohort, replacing any other.
func (db *DB) PutCohort(ctx context.Context, ws bot.WorkspaceRef, c bot.Cohort) error {
	data, err := encodeCohort(c)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *bbolt.Tx) error {
		w, err := writableWorkspace(tx, ws)
		if err != nil {
			return err
		}
		return w.Put(cohortKey, data)
	})
}
