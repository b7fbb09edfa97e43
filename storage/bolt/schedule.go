package bolt

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

var (
	schedulesBucket       = []byte("schedules")
	schedulesByUserBucket = []byte("schedules_by_user")
)

// scheduleBuckets are a workspace's schedules and their index by user.
// Both are nil in a workspace that never stored a schedule. The index
// holds each schedule's record too (schema 11), as the logs' user index
// does, so a host's schedules are read without a lookup per schedule:
// every write of a schedule writes both, in its transaction.
type scheduleBuckets struct {
	byID   *bbolt.Bucket // idKey → Schedule
	byUser *bbolt.Bucket // userPrefix · idKey → Schedule (the same bytes)
}

func readScheduleBuckets(tx *bbolt.Tx, ws bot.WorkspaceRef) scheduleBuckets {
	w := workspace(tx, ws) // once: a read transaction opens a bucket at each ask
	if w == nil {
		return scheduleBuckets{}
	}
	return scheduleBuckets{byID: w.Bucket(schedulesBucket), byUser: w.Bucket(schedulesByUserBucket)}
}

func writableScheduleBuckets(tx *bbolt.Tx, ws bot.WorkspaceRef) (scheduleBuckets, error) {
	b, err := writableBuckets(tx, ws, schedulesBucket, schedulesByUserBucket)
	if err != nil {
		return scheduleBuckets{}, err
	}
	return scheduleBuckets{byID: b[0], byUser: b[1]}, nil
}

// storedSchedule is a bot.Schedule as the schedules bucket kept it before
// schema 9 (see encodeRecord): without ID, which is the key. Schedules are
// binary now (hostcodec.go); a JSON schedule still reads.
type storedSchedule struct {
	ID          int64         `json:"-"`
	Number      int           `json:",omitzero"`
	UserID      string        `json:",omitzero"`
	Title       string        `json:",omitzero"`
	Days        bot.Weekdays  `json:",omitzero"`
	At          bot.TimeOfDay `json:",omitzero"`
	Duration    time.Duration `json:",omitzero"`
	Zone        string        `json:",omitzero"`
	Paused      bool          `json:",omitzero"`
	PausedUntil bot.Date      `json:",omitzero"`
	Skips       []bot.Date    `json:",omitzero"`
	CreatedAt   time.Time     `json:",omitzero"`
}

func encodeSchedule(s bot.Schedule) ([]byte, error) {
	_ = storedSchedule(s) // a field added to bot.Schedule fails to compile here: store it in hostcodec.go too
	return encodeBinarySchedule(s), nil
}

func decodeSchedule(key, data []byte) (bot.Schedule, error) {
	return decodeScheduleReusing(key, data, nil)
}

// decodeScheduleReusing is decodeSchedule taking its strings from recent,
// if set.
func decodeScheduleReusing(key, data []byte, recent *recentStrings) (bot.Schedule, error) {
	if len(key) != idKeyLen {
		return bot.Schedule{}, fmt.Errorf("storage: schedule key %q is not an ID", key)
	}
	if !isJSON(data) {
		return decodeBinarySchedule(idOf(key), key, data, recent)
	}
	var s storedSchedule
	if err := decodeRecord("schedule", key, data, &s); err != nil {
		return bot.Schedule{}, err
	}
	s.ID = idOf(key)
	return bot.Schedule(s), nil
}

func scheduleIndexKey(s bot.Schedule) []byte { return concat(userPrefix(s.UserID), idKey(s.ID)) }

// get returns the schedule with id, or ErrNotFound.
func (b scheduleBuckets) get(id int64) (bot.Schedule, error) {
	s, found, err := getRecord(b.byID, idKey(id), decodeSchedule)
	if err == nil && !found {
		err = fmt.Errorf("schedule %d: %w", id, bot.ErrNotFound)
	}
	return s, err
}

// put stores s with its index entry, in a transaction that puts no other
// schedule: a new schedule's ID is the highest yet, so its put appends,
// and so does its index entry when its owner's id sorts last.
func (b scheduleBuckets) put(s bot.Schedule) error {
	data, err := encodeSchedule(s)
	if err != nil {
		return err
	}
	if err := putRecord(b.byID, idKey(s.ID), data); err != nil {
		return err
	}
	return putRecord(b.byUser, scheduleIndexKey(s), data)
}

func (b scheduleBuckets) delete(s bot.Schedule) error {
	if err := b.byID.Delete(idKey(s.ID)); err != nil {
		return err
	}
	return b.byUser.Delete(scheduleIndexKey(s))
}

// ofUser returns userID's schedules, by ID, through the index.
func (b scheduleBuckets) ofUser(userID string) ([]bot.Schedule, error) {
	var list []bot.Schedule
	if b.byUser == nil {
		return list, nil
	}
	prefix := userPrefix(userID)
	c := b.byUser.Cursor()
	for k, v := c.Seek(prefix); hasPrefix(k, prefix); k, v = c.Next() {
		s, err := b.indexed(k[len(prefix):], v, nil)
		if err != nil {
			return nil, fmt.Errorf("storage: index of %s's schedules: %w", userID, err)
		}
		list = append(list, s)
	}
	return list, nil
}

// indexed returns the schedule of a user index entry, whose key ends in
// idKey: its value's record (its strings from recent, if set), or the
// schedules bucket's for an entry without one (none is written since
// schema 11).
func (b scheduleBuckets) indexed(idKey, value []byte, recent *recentStrings) (bot.Schedule, error) {
	if len(value) == 0 {
		return b.get(idOf(idKey))
	}
	return decodeScheduleReusing(idKey, value, recent)
}

// ofUserWalk is ofUser through a walk of the index (nil: none).
func (b scheduleBuckets) ofUserWalk(userID string, w *indexWalk) ([]bot.Schedule, error) {
	if w == nil {
		return b.ofUser(userID)
	}
	var list []bot.Schedule
	prefix := userPrefix(userID)
	err := w.each(prefix, func(k []byte) bool { return bytes.HasPrefix(k, prefix) }, func(k, v []byte) error {
		s, err := b.indexed(k[len(prefix):], v, &w.recent)
		if err != nil {
			return fmt.Errorf("storage: index of %s's schedules: %w", userID, err)
		}
		if list == nil {
			list = make([]bot.Schedule, 0, 2) // hosts have a schedule or two
		}
		list = append(list, s)
		return nil
	})
	return list, err
}

// freeNumber is the lowest Number userID's schedules do not use.
func (b scheduleBuckets) freeNumber(userID string) (int, error) {
	list, err := b.ofUser(userID)
	if err != nil {
		return 0, err
	}
	used := make(map[int]bool, len(list))
	for _, s := range list {
		used[s.Number] = true
	}
	n := 1
	for used[n] {
		n++
	}
	return n, nil
}

// AddSchedule stores s under the workspace's next ID, and the lowest
// Number its owner has free, and returns it with both set. IDs come from
// the bucket's sequence, so they are never reused, not even after a
// delete; a Number is, once its schedule is gone.
func (db *DB) AddSchedule(ctx context.Context, ws bot.WorkspaceRef, s bot.Schedule) (bot.Schedule, error) {
	if err := requireField("schedule", "UserID", s.UserID); err != nil {
		return bot.Schedule{}, err
	}
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		b, err := writableScheduleBuckets(tx, ws)
		if err != nil {
			return err
		}
		seq, err := b.byID.NextSequence()
		if err != nil {
			return err
		}
		s.ID = int64(seq)
		if s.Number, err = b.freeNumber(s.UserID); err != nil {
			return err
		}
		return b.put(s)
	})
	if err != nil {
		return bot.Schedule{}, err
	}
	return s, nil
}

// Schedule returns the schedule with id in ws, or ErrNotFound.
func (db *DB) Schedule(ctx context.Context, ws bot.WorkspaceRef, id int64) (bot.Schedule, error) {
	var s bot.Schedule
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		s, err = readScheduleBuckets(tx, ws).get(id)
		return err
	})
	return s, err
}

// PutSchedule replaces the schedule with s.ID, or returns ErrNotFound. The
// schedule keeps its Number (s.Number is ignored); moved to another user,
// it takes the lowest Number they have free.
func (db *DB) PutSchedule(ctx context.Context, ws bot.WorkspaceRef, s bot.Schedule) error {
	if err := requireField("schedule", "UserID", s.UserID); err != nil {
		return err
	}
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b := readScheduleBuckets(tx, ws)
		old, err := b.get(s.ID)
		if err != nil {
			return err
		}
		// The owner may have changed: drop the old index entry.
		if err := b.delete(old); err != nil {
			return err
		}
		s.Number = old.Number
		if s.UserID != old.UserID {
			if s.Number, err = b.freeNumber(s.UserID); err != nil {
				return err
			}
		}
		return b.put(s)
	})
}

// DeleteSchedule removes the schedule with id, or returns ErrNotFound.
func (db *DB) DeleteSchedule(ctx context.Context, ws bot.WorkspaceRef, id int64) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b := readScheduleBuckets(tx, ws)
		old, err := b.get(id)
		if err != nil {
			return err
		}
		return b.delete(old)
	})
}

// SchedulesOf returns userID's schedules in ws, by ID, through the index.
func (db *DB) SchedulesOf(ctx context.Context, ws bot.WorkspaceRef, userID string) ([]bot.Schedule, error) {
	var list []bot.Schedule
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		list, err = readScheduleBuckets(tx, ws).ofUser(userID)
		return err
	})
	return list, err
}

// Schedules returns every schedule in ws, by ID (the bucket's key order).
func (db *DB) Schedules(ctx context.Context, ws bot.WorkspaceRef) ([]bot.Schedule, error) {
	var list []bot.Schedule
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		list, err = allRecords(bucket(tx, ws, schedulesBucket), decodeSchedule)
		return err
	})
	return list, err
}

// numberSchedules (schema 4 → 5) gives every schedule its owner's Number:
// 1, 2, … in ID order, the order hosts have always seen them listed in.
func numberSchedules(tx *bbolt.Tx) error {
	return eachWorkspace(tx, func(w *bbolt.Bucket) error {
		b := w.Bucket(schedulesBucket)
		if b == nil {
			return nil
		}
		list, err := allRecords(b, decodeSchedule)
		if err != nil {
			return err
		}
		next := map[string]int{}
		for _, s := range list { // by ID: the bucket's key order
			next[s.UserID]++
			s.Number = next[s.UserID]
			data, err := encodeSchedule(s)
			if err != nil {
				return err
			}
			if err := b.Put(idKey(s.ID), data); err != nil {
				return err
			}
		}
		return nil
	})
}

// indexSchedules (schema 10 → 11) rebuilds each workspace's schedules by
// user index from the schedules bucket, every entry holding its
// schedule's record (the entries were empty). Rebuilt rather than filled
// in, the index names exactly the schedules there are.
func indexSchedules(tx *bbolt.Tx) error { return eachWorkspace(tx, reindexSchedules) }

func reindexSchedules(w *bbolt.Bucket) error {
	byID := w.Bucket(schedulesBucket)
	if byID == nil {
		return nil
	}
	if w.Bucket(schedulesByUserBucket) != nil {
		if err := w.DeleteBucket(schedulesByUserBucket); err != nil {
			return err
		}
	}
	byUser, err := w.CreateBucket(schedulesByUserBucket)
	if err != nil {
		return err
	}
	return byID.ForEach(func(k, v []byte) error {
		s, err := decodeSchedule(k, v)
		if err != nil {
			return err
		}
		return byUser.Put(scheduleIndexKey(s), bytes.Clone(v))
	})
}
