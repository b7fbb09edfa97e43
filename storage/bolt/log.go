package bolt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

var (
	logsBucket       = []byte("logs")
	logsByTimeBucket = []byte("logs_by_time")
	logsByUserBucket = []byte("logs_by_user")
)

// logBuckets are a workspace's logs and the two indexes that make range
// queries a seek and a short scan. All are nil in a workspace that never
// stored a log. The user index holds each log's record too (logcodec.go),
// so a host's logs are read without a lookup per log.
type logBuckets struct {
	bySpace *bbolt.Bucket // spaceID → SpaceLog
	byTime  *bbolt.Bucket // timeKey · spaceID → ∅
	byUser  *bbolt.Bucket // userPrefix · timeKey · spaceID → SpaceLog
	// lazySpace, if set, is the workspace to open bySpace from when
	// first needed.
	lazySpace *bbolt.Bucket
}

func readLogBuckets(tx *bbolt.Tx, ws bot.WorkspaceRef) logBuckets {
	w := workspace(tx, ws) // once: a read transaction opens a bucket at each ask
	if w == nil {
		return logBuckets{}
	}
	return logBuckets{bySpace: w.Bucket(logsBucket), byTime: w.Bucket(logsByTimeBucket), byUser: w.Bucket(logsByUserBucket)}
}

func writableLogBuckets(tx *bbolt.Tx, ws bot.WorkspaceRef) (logBuckets, error) {
	b, err := writableBuckets(tx, ws, logsBucket, logsByTimeBucket, logsByUserBucket)
	if err != nil {
		return logBuckets{}, err
	}
	return logBuckets{bySpace: b[0], byTime: b[1], byUser: b[2]}, nil
}

// storedLog is a bot.SpaceLog as the logs bucket kept it before schema 7
// (see encodeRecord): without SpaceID, which is the key. Provenance is
// kept as its number ("Provenance":2), which bot promises never to
// renumber.
type storedLog struct {
	SpaceID    string         `json:"-"`
	UserID     string         `json:",omitzero"`
	Title      string         `json:",omitzero"`
	Start      time.Time      `json:",omitzero"`
	Listeners  int            `json:",omitzero"`
	Minutes    int            `json:",omitzero"`
	LoggedAt   time.Time      `json:",omitzero"`
	ScheduleID int64          `json:",omitzero"`
	Occurrence time.Time      `json:",omitzero"`
	Provenance bot.Provenance `json:",omitzero"`
	LoggedBy   string         `json:",omitzero"`
	Forced     bool           `json:",omitzero"`
}

// readLog is what a stored log may hold: today's fields, and the
// Verified flag that logs written before provenance (schema 2 and older)
// carry instead. Those read as LinkNotVerified when Verified, else as
// OneClick. A log staff made for a host then was stored as a plain link
// log, with nothing to tell it apart: it reads as LinkNotVerified, and
// its LoggedBy is empty.
type readLog struct {
	storedLog
	Verified bool
}

// decodeJSONLog decodes a log's JSON, as stored before schema 7.
func decodeJSONLog(key, data []byte) (bot.SpaceLog, error) {
	var s readLog
	if err := decodeRecord("log", key, data, &s); err != nil {
		return bot.SpaceLog{}, err
	}
	s.SpaceID = string(key)
	if s.Provenance == 0 {
		s.Provenance = bot.OneClick
		if s.Verified {
			s.Provenance = bot.LinkNotVerified
		}
	}
	return bot.SpaceLog(s.storedLog), nil
}

func timeIndexKey(l bot.SpaceLog) []byte {
	return concat(timeKey(l.Start), []byte(l.SpaceID))
}

func userIndexKey(l bot.SpaceLog) []byte {
	return concat(userPrefix(l.UserID), timeKey(l.Start), []byte(l.SpaceID))
}

// get returns the log of spaceID, or ErrNotFound.
func (b logBuckets) get(spaceID []byte) (bot.SpaceLog, error) {
	if b.bySpace == nil && b.lazySpace != nil {
		b.bySpace = b.lazySpace.Bucket(logsBucket)
	}
	l, found, err := getRecord(b.bySpace, spaceID, decodeLog)
	if err == nil && !found {
		err = fmt.Errorf("space %s: %w", spaceID, bot.ErrNotFound)
	}
	return l, err
}

// put stores l, already encoded as data, with its index entries.
func (b logBuckets) put(l bot.SpaceLog, data []byte) error {
	if err := b.bySpace.Put([]byte(l.SpaceID), data); err != nil {
		return err
	}
	if err := b.byTime.Put(timeIndexKey(l), []byte{}); err != nil {
		return err
	}
	return b.byUser.Put(userIndexKey(l), data)
}

func (b logBuckets) delete(l bot.SpaceLog) error {
	if err := b.bySpace.Delete([]byte(l.SpaceID)); err != nil {
		return err
	}
	if err := b.byTime.Delete(timeIndexKey(l)); err != nil {
		return err
	}
	return b.byUser.Delete(userIndexKey(l))
}

// AddLog stores l, or returns ErrExists if ws has a log of l.SpaceID.
//
// Logs arrive in bursts from many hosts at once, so AddLog goes through
// a batch (batch.go): concurrent calls share one commit and one fsync, and
// each still returns only after that commit. A batch may run the function
// more than once, so it depends only on the transaction, and it reports a
// duplicate through exists (reset on every run) rather than by failing,
// which would roll back the whole batch and run it again.
func (db *DB) AddLog(ctx context.Context, ws bot.WorkspaceRef, l bot.SpaceLog) error {
	if err := requireField("log", "SpaceID", l.SpaceID); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := encodeLog(l)
	if err != nil {
		return err
	}
	var exists bool
	err = db.batch.do(func(tx *bbolt.Tx) error {
		exists = false
		b, err := writableLogBuckets(tx, ws)
		if err != nil {
			return err
		}
		if b.bySpace.Get([]byte(l.SpaceID)) != nil {
			exists = true
			return nil
		}
		return b.put(l, data)
	})
	if err != nil {
		return err
	}
	if exists {
		return fmt.Errorf("space %s: %w", l.SpaceID, bot.ErrExists)
	}
	return nil
}

// Log returns ws's log of spaceID, or ErrNotFound.
func (db *DB) Log(ctx context.Context, ws bot.WorkspaceRef, spaceID string) (bot.SpaceLog, error) {
	var l bot.SpaceLog
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		l, err = readLogBuckets(tx, ws).get([]byte(spaceID))
		return err
	})
	return l, err
}

// DeleteLog removes ws's log of spaceID and its index entries, or returns
// ErrNotFound.
func (db *DB) DeleteLog(ctx context.Context, ws bot.WorkspaceRef, spaceID string) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b := readLogBuckets(tx, ws)
		l, err := b.get([]byte(spaceID))
		if err != nil {
			return err
		}
		return b.delete(l)
	})
}

// ReplaceLog removes ws's log of oldSpaceID, if there is one, and adds l, in
// one transaction: it upgrades an unverified one-click log (whose synthetic
// id, like "unverified-12-1764635400", never equals a real Space id) to a
// verified one. If l.SpaceID is logged already, other than as oldSpaceID, it
// returns ErrExists and changes nothing. Replacing a log with one of the
// same SpaceID rewrites it.
func (db *DB) ReplaceLog(ctx context.Context, ws bot.WorkspaceRef, oldSpaceID string, l bot.SpaceLog) error {
	if err := requireField("log", "SpaceID", l.SpaceID); err != nil {
		return err
	}
	data, err := encodeLog(l)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b, err := writableLogBuckets(tx, ws)
		if err != nil {
			return err
		}
		if l.SpaceID != oldSpaceID && b.bySpace.Get([]byte(l.SpaceID)) != nil {
			return fmt.Errorf("space %s: %w", l.SpaceID, bot.ErrExists)
		}
		old, err := b.get([]byte(oldSpaceID))
		switch {
		case err == nil:
			if err := b.delete(old); err != nil {
				return err
			}
		case !errors.Is(err, bot.ErrNotFound):
			return err
		}
		return b.put(l, data)
	})
}

// LogsOf returns userID's logs that started in [from, to), by Start.
func (db *DB) LogsOf(ctx context.Context, ws bot.WorkspaceRef, userID string, from, to time.Time) ([]bot.SpaceLog, error) {
	var logs []bot.SpaceLog
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		w := workspace(tx, ws)
		if w == nil {
			return nil
		}
		// The user index holds the records: the logs bucket is opened
		// only for an entry without one (from before schema 7).
		b := logBuckets{byUser: w.Bucket(logsByUserBucket), lazySpace: w}
		logs, err = b.scan(b.byUser, userPrefix(userID), from, to)
		return err
	})
	return logs, err
}

// Logs returns every log in ws that started in [from, to), by Start.
func (db *DB) Logs(ctx context.Context, ws bot.WorkspaceRef, from, to time.Time) ([]bot.SpaceLog, error) {
	var logs []bot.SpaceLog
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		b := readLogBuckets(tx, ws)
		logs, err = b.scan(b.byTime, nil, from, to)
		return err
	})
	return logs, err
}

// scan reads the logs that index names between prefix·timeKey(from) and
// prefix·timeKey(to), end excluded: index keys sort by time, then Space id,
// so this is one seek and a walk over exactly the wanted entries.
// The entries are counted first, so the slice is allocated once.
func (b logBuckets) scan(index *bbolt.Bucket, prefix []byte, from, to time.Time) ([]bot.SpaceLog, error) {
	if index == nil || !from.Before(to) {
		return nil, nil
	}
	n := 0
	start, end := concat(prefix, timeKey(from)), concat(prefix, timeKey(to))
	c := index.Cursor()
	for k, _ := c.Seek(start); k != nil && bytes.Compare(k, end) < 0; k, _ = c.Next() {
		n++
	}
	if n == 0 {
		return nil, nil
	}
	return b.scanInto(make([]bot.SpaceLog, 0, n), index, prefix, from, to)
}

// scanInto is scan, appending to logs.
func (b logBuckets) scanInto(logs []bot.SpaceLog, index *bbolt.Bucket, prefix []byte, from, to time.Time) ([]bot.SpaceLog, error) {
	if index == nil || !from.Before(to) {
		return logs, nil
	}
	start, end := concat(prefix, timeKey(from)), concat(prefix, timeKey(to))
	c := index.Cursor()
	for k, v := c.Seek(start); k != nil && bytes.Compare(k, end) < 0; k, v = c.Next() {
		l, err := b.indexed(k[len(prefix)+timeKeyLen:], v)
		if err != nil {
			return nil, fmt.Errorf("storage: log index entry %q: %w", k, err)
		}
		logs = append(logs, l)
	}
	return logs, nil
}

// walkInto is scanInto through a walk of the user index.
func (b logBuckets) walkInto(logs []bot.SpaceLog, w *indexWalk, prefix []byte, from, to time.Time) ([]bot.SpaceLog, error) {
	if w == nil || !from.Before(to) {
		return logs, nil
	}
	end := concat(prefix, timeKey(to))
	err := w.each(concat(prefix, timeKey(from)), func(k []byte) bool { return bytes.Compare(k, end) < 0 }, func(k, v []byte) error {
		logs = append(logs, bot.SpaceLog{})
		if err := b.indexedInto(&logs[len(logs)-1], k[len(prefix)+timeKeyLen:], v, &w.recent); err != nil {
			return fmt.Errorf("storage: log index entry %q: %w", k, err)
		}
		return nil
	})
	return logs, err
}

// indexed returns the log of an index entry: its value when it holds the
// record (the user index), else the logs bucket's.
func (b logBuckets) indexed(spaceID, value []byte) (bot.SpaceLog, error) {
	if len(value) == 0 {
		return b.get(spaceID)
	}
	return decodeLog(spaceID, value)
}

// indexedInto is indexed into *l, which must be zero, taking the strings
// of a record in the entry from recent, if set.
func (b logBuckets) indexedInto(l *bot.SpaceLog, spaceID, value []byte, recent *recentStrings) error {
	if len(value) == 0 {
		var err error
		*l, err = b.get(spaceID)
		return err
	}
	return decodeLogInto(l, spaceID, value, recent)
}
