// Package bolt is the bbolt implementation of the stores bot needs.
//
// One file serves many workspaces (Discord servers, Slack workspaces, console
// sessions). Its layout:
//
//	meta/schema                      schema version, big-endian uint64
//	meta/planned_through             how far planning has gone; meta/probe, readiness's write
//	workspaces/<ws.Key()>/cohorts/   big-endian ID → Cohort (every cohort it ran)
//	workspaces/<ws.Key()>/hosts/     userID → Host (with its memberships)
//	              .../applications/  userID → Application
//	              .../schedules/     big-endian ID → Schedule
//	              .../schedules_by_user/  user · ID → Schedule (a copy: a host's schedules in one range)
//	              .../logs/          spaceID → SpaceLog
//	              .../logs_by_time/  start · spaceID → ∅
//	              .../logs_by_user/  user · start · spaceID → SpaceLog (a copy: a host's logs in one range)
//	              .../stipends/      big-endian cohort ID · "YYYY-MM" → StipendIssue (as issued)
//	              .../sequences/     counter name → big-endian uint64
//	              .../xlinks/        userID → XLink (a host's X account)
//	              .../seen_spaces/   spaceID → SeenSpace (what the watcher saw on X)
//	              .../seen_open/     spaceID → ∅ (scheduled or live)
//	              .../seen_by_host/  user · At · spaceID → ∅ (creator's host and co-hosts)
//	              .../reviews/       spaceID → Review (staff's decision on a log)
//	jobs/                            job key → Job (pending)
//	due/                             due · job key → ∅
//	outcomes/                        job key → Outcome (finished)
//	outcomes_by_time/                at · job key → ∅
//	failures/                        ws.Key() · at · job key → ∅ (failed only)
//	tokens/, tokens_by_expiry/, feeds/  the dashboard's sign-ins and calendar feeds (token.go)
//
// Values are JSON, without zero fields or the field the key holds (see
// encodeRecord), except hosts, schedules, logs and issued stipend reports,
// which are binary (hostcodec.go, logcodec.go, stipendcodec.go; JSON from
// an older schema still reads). Index values are empty but logs_by_user's
// and schedules_by_user's. In index keys a user or workspace is
// length-prefixed and a time has a fixed width, so no id can be mistaken
// for another's. The job buckets are global, not per workspace, so one
// seek finds what is due across every workspace; a job's key starts with
// its workspace's Key().
package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"sparkbot/bot"
)

// lockTimeout bounds how long Open waits for another process to release
// the file, so a second sparkbot fails fast instead of hanging.
const lockTimeout = time.Second

// batchDelay is how long a batch of writes (batch.go) waits for more
// writers to join its commit.
const batchDelay = 2 * time.Millisecond

// initialMmap is the address space mapped at open. A write that grows the
// file past the mapping must remap it, which waits for every read
// transaction: a backup streaming the file (Backup) would hold the bot's
// writes until it ended. Mapping 1 GiB from the start (address space, not
// memory or disk) lets writes go on during a backup of a file up to that.
const initialMmap = 1 << 30

// ErrInUse means the database file is held by another running sparkbot.
var ErrInUse = errors.New("the database file is in use by another running sparkbot")

// DB is a bbolt file holding every workspace's data. It is safe for
// concurrent use.
type DB struct {
	bolt  *bbolt.DB
	batch *batcher // AddLog's and FinishJob's shared commits
}

var _ bot.Store = (*DB)(nil)

// Options tune Open. The zero value is what the program runs with.
type Options struct {
	// NoSync skips fsync at commit: for bulk loads and benchmark set-up
	// only, since a crash can then lose writes a caller was told succeeded.
	NoSync bool
}

// Open opens the database at path, creating the file and its directory if
// missing, and brings its schema up to date.
func Open(path string) (*DB, error) { return OpenWith(path, Options{}) }

// OpenWith is Open with options.
func OpenWith(path string, opt Options) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("storage: create directory for %s: %w", path, err)
	}
	b, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: lockTimeout, NoSync: opt.NoSync, InitialMmapSize: initialMmap})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("storage: %s: %w; stop the other sparkbot, or give this one another file with --db or SPARKBOT_DB", path, ErrInUse)
	}
	if err != nil {
		return nil, openError(path, err)
	}
	if err := b.Update(func(tx *bbolt.Tx) error { return prepareSchema(tx, path) }); err != nil {
		b.Close()
		return nil, err
	}
	// Concurrent writers (64 hosts logging, workers finishing deliveries)
	// share commits; a short window gathers them (bbolt's Batch default of
	// 10ms would add 10ms to every lone write).
	return &DB{bolt: b, batch: newBatcher(b, batchDelay)}, nil
}

// openError says why bbolt could not open path in words an operator can
// act on: a directory, or a file that is not a database, named as such.
func openError(path string, err error) error {
	if st, serr := os.Stat(path); serr == nil && st.IsDir() {
		return fmt.Errorf("storage: %s is a directory, not a database file: name a file, like %s", path, filepath.Join(path, "sparkbot.db"))
	}
	if errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrVersionMismatch) || errors.Is(err, berrors.ErrChecksum) {
		return fmt.Errorf("storage: %s is not a sparkbot database file (bbolt: %w): name another file, or move this one away", path, err)
	}
	return fmt.Errorf("storage: open %s: %w", path, err)
}

// Close releases the file. Every write has already been committed.
func (db *DB) Close() error { return db.bolt.Close() }

// view runs fn in a read-only transaction, unless ctx is already done.
func (db *DB) view(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.View(fn)
}

// update runs fn in a read-write transaction and returns after the commit,
// unless ctx is already done.
func (db *DB) update(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(fn)
}

var workspacesBucket = []byte("workspaces")

// workspace returns ws's bucket for reading, or nil if ws has stored nothing.
func workspace(tx *bbolt.Tx, ws bot.WorkspaceRef) *bbolt.Bucket {
	all := tx.Bucket(workspacesBucket)
	if all == nil {
		return nil
	}
	return all.Bucket([]byte(ws.Key()))
}

// bucket returns the named bucket of ws for reading, or nil if it does not
// exist yet; reading from a workspace that never wrote is not an error.
func bucket(tx *bbolt.Tx, ws bot.WorkspaceRef, name []byte) *bbolt.Bucket {
	w := workspace(tx, ws)
	if w == nil {
		return nil
	}
	return w.Bucket(name)
}

// writableWorkspace returns ws's bucket, creating it if missing.
func writableWorkspace(tx *bbolt.Tx, ws bot.WorkspaceRef) (*bbolt.Bucket, error) {
	all, err := tx.CreateBucketIfNotExists(workspacesBucket)
	if err != nil {
		return nil, err
	}
	return all.CreateBucketIfNotExists([]byte(ws.Key()))
}

// writableBuckets returns the named buckets of ws, creating any missing.
func writableBuckets(tx *bbolt.Tx, ws bot.WorkspaceRef, names ...[]byte) ([]*bbolt.Bucket, error) {
	w, err := writableWorkspace(tx, ws)
	if err != nil {
		return nil, err
	}
	buckets := make([]*bbolt.Bucket, len(names))
	for i, name := range names {
		if buckets[i], err = w.CreateBucketIfNotExists(name); err != nil {
			return nil, err
		}
	}
	return buckets, nil
}

// encodeRecord returns the JSON of v, the mirror struct (storedHost,
// storedSchedule, …) of one domain value: the form a bucket keeps it in. A
// mirror leaves out zero fields and the field the bucket key already
// holds. Go converts between struct types that differ only in tags, so a
// field added to the bot type and not to its mirror fails to compile
// rather than going unsaved. A value written before the mirrors, in full,
// has the same field names, so it decodes the same way. what names the
// type in errors.
func encodeRecord(what string, v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("storage: encode %s: %w", what, err)
	}
	return data, nil
}

// decodeRecord decodes the value stored at key into v, a mirror struct.
func decodeRecord(what string, key, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("storage: decode %s at %q: %w", what, key, err)
	}
	return nil
}

// getRecord decodes the value at key with decode; found is false if there
// is none.
func getRecord[T any](b *bbolt.Bucket, key []byte, decode func(key, data []byte) (T, error)) (v T, found bool, err error) {
	if b == nil {
		return v, false, nil
	}
	data := b.Get(key)
	if data == nil {
		return v, false, nil
	}
	v, err = decode(key, data)
	return v, true, err
}

// allRecords decodes every value of b with decode, in key order.
func allRecords[T any](b *bbolt.Bucket, decode func(key, data []byte) (T, error)) ([]T, error) {
	var all []T
	if b == nil {
		return all, nil
	}
	err := b.ForEach(func(k, data []byte) error {
		v, err := decode(k, data)
		if err != nil {
			return err
		}
		all = append(all, v)
		return nil
	})
	return all, err
}

// appendFillPercent is how full a put that appends leaves the pages it
// splits: bbolt's default, half full, suits keys that land anywhere, but
// keys that arrive in increasing order (schedule IDs, hosts added in id
// order) would leave every page half empty, doubling the file and the
// pages a full read maps in. A tenth stays free for records that grow
// when updated (a host's excuses), which would otherwise split the page.
const appendFillPercent = 0.9

// putRecord stores data at key in b. If key sorts after every key of b, it
// first raises b's FillPercent, so an append fills pages instead of
// halving them. The raise lasts the transaction and applies to every page
// of b it splits, and a full page split in the middle of the keys leaves a
// near-empty page behind: so only a transaction that puts to b once may
// use it.
func putRecord(b *bbolt.Bucket, key, data []byte) error {
	if last, _ := b.Cursor().Last(); last == nil || bytes.Compare(key, last) > 0 {
		b.FillPercent = appendFillPercent
	}
	return b.Put(key, data)
}

// requireField rejects an empty key field before bbolt does, with a
// clearer message. It is a bug in the caller, not a user's mistake.
func requireField(what, field, value string) error {
	if value == "" {
		return fmt.Errorf("storage: %s has an empty %s", what, field)
	}
	return nil
}
