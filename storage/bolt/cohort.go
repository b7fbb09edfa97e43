package bolt

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// cohortsBucket holds every cohort of a workspace, keyed by idKey(ID), so
// the last key is the latest cohort.
var cohortsBucket = []byte("cohorts")

// storedCohort is a bot.Cohort as the cohorts bucket keeps it (see
// encodeRecord): without ID, which is the key.
type storedCohort struct {
	ID              int          `json:"-"`
	Name            string       `json:",omitzero"`
	Start           bot.Date     `json:",omitzero"`
	Weeks           int          `json:",omitzero"`
	Quota           int          `json:",omitzero"`
	Zone            string       `json:",omitzero"`
	WeekStart       time.Weekday `json:",omitzero"`
	MinFollowers    int          `json:",omitzero"`
	Countries       []string     `json:",omitzero"`
	LastCallHours   int          `json:",omitzero"`
	Stipend         int          `json:",omitzero"`
	OverlapMinutes  int          `json:",omitzero"`
	DigestChannel   string       `json:",omitzero"`
	StaffChannel    string       `json:",omitzero"`
	AnnounceChannel string       `json:",omitzero"`
	FallbackChannel string       `json:",omitzero"`
	LiveChannel     string       `json:",omitzero"`
	XRetentionDays  int          `json:",omitzero"`
	CreatedAt       time.Time    `json:",omitzero"`
	CreatedBy       string       `json:",omitzero"`
}

func encodeCohort(c bot.Cohort) ([]byte, error) { return encodeRecord("cohort", storedCohort(c)) }

func decodeCohort(key, data []byte) (bot.Cohort, error) {
	s, err := cohortRecords.decode(key, data)
	if err != nil {
		return bot.Cohort{}, err
	}
	if len(key) == idKeyLen {
		s.ID = int(idOf(key))
	}
	return bot.Cohort(s), nil
}

// Cohort returns ws's latest cohort, or ErrNotFound if it has none.
func (db *DB) Cohort(ctx context.Context, ws bot.WorkspaceRef) (bot.Cohort, error) {
	var c bot.Cohort
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		var found bool
		c, found, err = latestCohort(bucket(tx, ws, cohortsBucket))
		if err == nil && !found {
			err = fmt.Errorf("cohort of %s: %w", ws.Key(), bot.ErrNotFound)
		}
		return err
	})
	return c, err
}

func latestCohort(b *bbolt.Bucket) (bot.Cohort, bool, error) {
	if b == nil {
		return bot.Cohort{}, false, nil
	}
	k, data := b.Cursor().Last()
	if k == nil {
		return bot.Cohort{}, false, nil
	}
	c, err := decodeCohort(k, data)
	return c, true, err
}

// CohortByID returns cohort id of ws, or ErrNotFound.
func (db *DB) CohortByID(ctx context.Context, ws bot.WorkspaceRef, id int) (bot.Cohort, error) {
	var c bot.Cohort
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		var found bool
		c, found, err = getRecord(bucket(tx, ws, cohortsBucket), idKey(int64(id)), decodeCohort)
		if err == nil && !found {
			err = fmt.Errorf("cohort %d of %s: %w", id, ws.Key(), bot.ErrNotFound)
		}
		return err
	})
	return c, err
}

// Cohorts returns every cohort of ws, by ID.
func (db *DB) Cohorts(ctx context.Context, ws bot.WorkspaceRef) ([]bot.Cohort, error) {
	var all []bot.Cohort
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		all, err = allRecords(bucket(tx, ws, cohortsBucket), decodeCohort)
		return err
	})
	return all, err
}

// AddCohort stores c as cohort after+1 of ws, if after is ws's latest.
func (db *DB) AddCohort(ctx context.Context, ws bot.WorkspaceRef, c bot.Cohort, after int) (bot.Cohort, error) {
	c.ID = after + 1
	data, err := encodeCohort(c)
	if err != nil {
		return bot.Cohort{}, err
	}
	err = db.update(ctx, func(tx *bbolt.Tx) error {
		b, err := writableBuckets(tx, ws, cohortsBucket)
		if err != nil {
			return err
		}
		latest, found, err := latestCohort(b[0])
		if err != nil {
			return err
		}
		if found && latest.ID != after || !found && after != 0 {
			return fmt.Errorf("cohort %d of %s: %w", c.ID, ws.Key(), bot.ErrExists)
		}
		return b[0].Put(idKey(int64(c.ID)), data)
	})
	if err != nil {
		return bot.Cohort{}, err
	}
	return c, nil
}

// PutCohort stores c as cohort c.ID of ws (0: the latest, or 1).
func (db *DB) PutCohort(ctx context.Context, ws bot.WorkspaceRef, c bot.Cohort) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b, err := writableBuckets(tx, ws, cohortsBucket)
		if err != nil {
			return err
		}
		if c.ID == 0 {
			latest, _, err := latestCohort(b[0])
			if err != nil {
				return err
			}
			c.ID = max(latest.ID, 1)
		}
		data, err := encodeCohort(c)
		if err != nil {
			return err
		}
		return b[0].Put(idKey(int64(c.ID)), data)
	})
}

// cohortRecords remembers the latest cohort records decoded, by their
// bytes: almost every command reads its workspace's cohort, and decoding
// its JSON was a sixteenth of a /spaces log's CPU. The same bytes decode
// to the same record, so a record found here is the one decoding gives.
var cohortRecords = cohortCache{decoded: map[string]storedCohort{}}

// maxCachedCohorts bounds cohortRecords: at that size it starts again.
const maxCachedCohorts = 256

type cohortCache struct {
	mu      sync.RWMutex
	decoded map[string]storedCohort // by the record's bytes
}

// decode is decodeRecord of a cohort, remembered. The result is the
// caller's: its Countries is a copy.
func (c *cohortCache) decode(key, data []byte) (storedCohort, error) {
	c.mu.RLock()
	s, ok := c.decoded[string(data)]
	c.mu.RUnlock()
	if !ok {
		if err := decodeRecord("cohort", key, data, &s); err != nil {
			return storedCohort{}, err
		}
		c.mu.Lock()
		if len(c.decoded) >= maxCachedCohorts {
			clear(c.decoded)
		}
		c.decoded[string(data)] = s
		c.mu.Unlock()
	}
	s.Countries = slices.Clone(s.Countries)
	return s, nil
}
