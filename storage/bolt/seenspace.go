package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

var (
	seenSpacesBucket = []byte("seen_spaces")  // id → SeenSpace
	seenOpenBucket   = []byte("seen_open")    // id → ∅, while scheduled or live
	seenByHostBucket = []byte("seen_by_host") // userPrefix · timeKey(At) · id → ∅, creator's host and co-hosts
)

// storedSeenSpace is a bot.SeenSpace as the seen_spaces bucket keeps it
// (see encodeRecord): without ID, which is the key.
type storedSeenSpace struct {
	ID             string     `json:"-"`
	Cohort         int        `json:",omitzero"`
	CreatorID      string     `json:",omitzero"`
	UserID         string     `json:",omitzero"`
	CoHosts        []string   `json:",omitzero"`
	Title          string     `json:",omitzero"`
	State          bot.XState `json:",omitzero"`
	ScheduledStart time.Time  `json:",omitzero"`
	StartedAt      time.Time  `json:",omitzero"`
	EndedAt        time.Time  `json:",omitzero"`
	Peak           int        `json:",omitzero"`
	LastSeen       time.Time  `json:",omitzero"`
	Announced      bool       `json:",omitzero"`
}

func encodeSeenSpace(s bot.SeenSpace) ([]byte, error) {
	return encodeRecord("seen Space", storedSeenSpace(s))
}

func decodeSeenSpace(key, data []byte) (bot.SeenSpace, error) {
	var s storedSeenSpace
	if err := decodeRecord("seen Space", key, data, &s); err != nil {
		return bot.SeenSpace{}, err
	}
	s.ID = string(key)
	return bot.SeenSpace(s), nil
}

// seenBuckets are a workspace's seen Spaces and their two indexes; all nil
// in a workspace the watcher never wrote to.
type seenBuckets struct {
	byID, open, byHost *bbolt.Bucket
}

func readSeenBuckets(tx *bbolt.Tx, ws bot.WorkspaceRef) seenBuckets {
	w := workspace(tx, ws) // once: a read transaction opens a bucket at each ask
	if w == nil {
		return seenBuckets{}
	}
	return seenBuckets{w.Bucket(seenSpacesBucket), w.Bucket(seenOpenBucket), w.Bucket(seenByHostBucket)}
}

func writableSeenBuckets(tx *bbolt.Tx, ws bot.WorkspaceRef) (seenBuckets, error) {
	b, err := writableBuckets(tx, ws, seenSpacesBucket, seenOpenBucket, seenByHostBucket)
	if err != nil {
		return seenBuckets{}, err
	}
	return seenBuckets{b[0], b[1], b[2]}, nil
}

// hostKeys are s's entries in the by-host index.
func hostKeys(s bot.SeenSpace) [][]byte {
	var keys [][]byte
	for _, u := range append([]string{s.UserID}, s.CoHosts...) {
		if u != "" {
			keys = append(keys, concat(userPrefix(u), timeKey(s.At()), []byte(s.ID)))
		}
	}
	return keys
}

func (b seenBuckets) get(id []byte) (bot.SeenSpace, bool, error) {
	return getRecord(b.byID, id, decodeSeenSpace)
}

func (b seenBuckets) put(s bot.SeenSpace, data []byte) error {
	if err := b.byID.Put([]byte(s.ID), data); err != nil {
		return err
	}
	if s.Open() {
		if err := b.open.Put([]byte(s.ID), []byte{}); err != nil {
			return err
		}
	}
	for _, k := range hostKeys(s) {
		if err := b.byHost.Put(k, []byte{}); err != nil {
			return err
		}
	}
	return nil
}

func (b seenBuckets) delete(s bot.SeenSpace) error {
	if err := b.byID.Delete([]byte(s.ID)); err != nil {
		return err
	}
	if err := b.open.Delete([]byte(s.ID)); err != nil {
		return err
	}
	for _, k := range hostKeys(s) {
		if err := b.byHost.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// SeenSpace returns ws's record of Space id, or ErrNotFound.
func (db *DB) SeenSpace(ctx context.Context, ws bot.WorkspaceRef, id string) (bot.SeenSpace, error) {
	var s bot.SeenSpace
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		var found bool
		s, found, err = readSeenBuckets(tx, ws).get([]byte(id))
		if err == nil && !found {
			err = fmt.Errorf("seen Space %s: %w", id, bot.ErrNotFound)
		}
		return err
	})
	return s, err
}

// PutSeenSpace stores s, replacing the record of its id and its index
// entries (its time and hosts may have changed).
func (db *DB) PutSeenSpace(ctx context.Context, ws bot.WorkspaceRef, s bot.SeenSpace) error {
	if err := requireField("seen Space", "ID", s.ID); err != nil {
		return err
	}
	data, err := encodeSeenSpace(s)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b, err := writableSeenBuckets(tx, ws)
		if err != nil {
			return err
		}
		old, found, err := b.get([]byte(s.ID))
		if err != nil {
			return err
		}
		if found {
			if err := b.delete(old); err != nil {
				return err
			}
		}
		return b.put(s, data)
	})
}

// DeleteSeenSpace forgets ws's record of Space id; none is not an error.
func (db *DB) DeleteSeenSpace(ctx context.Context, ws bot.WorkspaceRef, id string) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b := readSeenBuckets(tx, ws)
		s, found, err := b.get([]byte(id))
		if err != nil || !found {
			return err
		}
		return b.delete(s)
	})
}

// OpenSeenSpaces returns ws's seen Spaces that are scheduled or live, by id.
func (db *DB) OpenSeenSpaces(ctx context.Context, ws bot.WorkspaceRef) ([]bot.SeenSpace, error) {
	var out []bot.SeenSpace
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		b := readSeenBuckets(tx, ws)
		if b.open == nil {
			return nil
		}
		return b.open.ForEach(func(k, _ []byte) error {
			s, found, err := b.get(k)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("storage: open Space index entry %q has no record", k)
			}
			out = append(out, s)
			return nil
		})
	})
	return out, err
}

// SeenSpacesOf returns the seen Spaces userID created or co-hosts whose At
// is in [from, to), by At: one seek in the by-host index.
func (db *DB) SeenSpacesOf(ctx context.Context, ws bot.WorkspaceRef, userID string, from, to time.Time) ([]bot.SeenSpace, error) {
	var out []bot.SeenSpace
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		out, err = readSeenBuckets(tx, ws).ofHost(userID, from, to)
		return err
	})
	return out, err
}

// ofHost is SeenSpacesOf in an open transaction.
func (b seenBuckets) ofHost(userID string, from, to time.Time) ([]bot.SeenSpace, error) {
	var out []bot.SeenSpace
	if b.byHost == nil || !from.Before(to) {
		return out, nil
	}
	prefix := userPrefix(userID)
	start, end := concat(prefix, timeKey(from)), concat(prefix, timeKey(to))
	c := b.byHost.Cursor()
	for k, _ := c.Seek(start); k != nil && bytes.Compare(k, end) < 0; k, _ = c.Next() {
		s, found, err := b.get(k[len(prefix)+timeKeyLen:])
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("storage: seen Space index entry %q has no record", k)
		}
		out = append(out, s)
	}
	return out, nil
}

// DeleteSeenSpaces forgets every Space of ws seen in cohort, with its
// index entries, and returns how many.
func (db *DB) DeleteSeenSpaces(ctx context.Context, ws bot.WorkspaceRef, cohort int) (int, error) {
	n := 0
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		n = 0
		b := readSeenBuckets(tx, ws)
		if b.byID == nil {
			return nil
		}
		var doomed []bot.SeenSpace
		err := b.byID.ForEach(func(k, data []byte) error {
			var c struct{ Cohort int }
			if err := json.Unmarshal(data, &c); err != nil {
				return fmt.Errorf("storage: decode seen Space %q: %w", k, err)
			}
			if c.Cohort != cohort {
				return nil
			}
			s, err := decodeSeenSpace(k, data)
			doomed = append(doomed, s)
			return err
		})
		if err != nil {
			return err
		}
		for _, s := range doomed {
			if err := b.delete(s); err != nil {
				return err
			}
		}
		n = len(doomed)
		return nil
	})
	return n, err
}
