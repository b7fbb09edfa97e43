package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// The due index and the outbox are global, not per workspace: one tick reads
// the jobs due across every workspace with one seek.
var (
	jobsBucket           = []byte("jobs")             // key → storedJob
	dueBucket            = []byte("due")              // timeKey(Due) · key → ∅
	outcomesBucket       = []byte("outcomes")         // key → storedOutcome
	outcomesByTimeBucket = []byte("outcomes_by_time") // timeKey(At) · key → ∅
	failuresBucket       = []byte("failures")         // workspacePrefix · timeKey(At) · key → ∅, failed only
	sequencesBucket      = []byte("sequences")        // in a workspace: name → big-endian uint64
)

var _ bot.JobStore = (*DB)(nil)

// addJobsChunk is how many jobs one AddJobs transaction writes at most, so
// a cold start adding 600,000 jobs holds the write lock (and the memory of
// its dirty pages) a chunk at a time, ~100 ms, letting logs and clicks in
// between. The price: due times do not follow key order, so each chunk
// rewrites most of the due index's pages, and a cold start writes about
// three times its file's size. 100,000 per chunk would halve that and hold
// the lock for a second.
const addJobsChunk = 10_000

// addJobsFillPercent is how full AddJobs leaves the jobs bucket's pages when
// it splits them (bbolt's default is half full, best for random inserts).
const addJobsFillPercent = 0.9

// jobBuckets are the global job buckets, which Open creates in every file.
type jobBuckets struct {
	jobs, due, outcomes, byTime, failures *bbolt.Bucket
}

func openJobBuckets(tx *bbolt.Tx) jobBuckets {
	return jobBuckets{
		jobs:     tx.Bucket(jobsBucket),
		due:      tx.Bucket(dueBucket),
		outcomes: tx.Bucket(outcomesBucket),
		byTime:   tx.Bucket(outcomesByTimeBucket),
		failures: tx.Bucket(failuresBucket),
	}
}

func dueKey(key []byte, due time.Time) []byte { return concat(timeKey(due), key) }

func outcomeTimeKey(o bot.Outcome) []byte { return concat(timeKey(o.At), []byte(o.Key)) }

func failureKey(o bot.Outcome) []byte {
	return concat(workspacePrefix(o.Workspace), timeKey(o.At), []byte(o.Key))
}

// dueOf reads just the due time of an encoded Job: enough to find its due
// entry without decoding the rest.
func dueOf(key, data []byte) (time.Time, error) {
	var j struct{ Due time.Time }
	if err := json.Unmarshal(data, &j); err != nil {
		return time.Time{}, fmt.Errorf("storage: decode job %q: %w", key, err)
	}
	return j.Due, nil
}

// storedJob is a bot.Job as the jobs bucket keeps it: without its key,
// which is the bucket key, and without zero fields, which are most of a
// reminder's. That halves a cold start's file. Go converts between struct
// types that differ only in tags, so a field added to bot.Job and not here
// fails to compile rather than going unsaved.
type storedJob struct {
	Key        string           `json:"-"`
	Kind       bot.JobKind      `json:",omitzero"`
	Workspace  bot.WorkspaceRef `json:",omitzero"`
	Cohort     int              `json:",omitzero"`
	Due        time.Time        `json:",omitzero"`
	UserID     string           `json:",omitzero"`
	Channel    string           `json:",omitzero"`
	ScheduleID int64            `json:",omitzero"`
	Occurrence time.Time        `json:",omitzero"`
	SpaceID    string           `json:",omitzero"`
	Lead       time.Duration    `json:",omitzero"`
	Level      bot.Standing     `json:",omitzero"`
	Week       bot.Date         `json:",omitzero"`
	Month      bot.Month        `json:",omitzero"`
	Message    *bot.Message     `json:",omitzero"`
	ToHosts    bool             `json:",omitzero"`
	CreatedBy  string           `json:",omitzero"`
	Personal   bool             `json:",omitzero"`
	Attempts   int              `json:",omitzero"`
	LastError  string           `json:",omitzero"`
	Planned    time.Time        `json:",omitzero"`
}

// storedOutcome is a bot.Outcome kept the same way.
type storedOutcome struct {
	Key       string           `json:"-"`
	Kind      bot.JobKind      `json:",omitzero"`
	Workspace bot.WorkspaceRef `json:",omitzero"`
	UserID    string           `json:",omitzero"`
	Channel   string           `json:",omitzero"`
	Result    bot.Result       `json:",omitzero"`
	Reason    string           `json:",omitzero"`
	At        time.Time        `json:",omitzero"`
}

func encodeJob(j bot.Job) ([]byte, error) {
	data, err := json.Marshal(storedJob(j))
	if err != nil {
		return nil, fmt.Errorf("storage: encode job %s: %w", j.Key, err)
	}
	return data, nil
}

func decodeJob(key, data []byte) (bot.Job, error) {
	var s storedJob
	if err := json.Unmarshal(data, &s); err != nil {
		return bot.Job{}, fmt.Errorf("storage: decode job %q: %w", key, err)
	}
	s.Key = string(key)
	return bot.Job(s), nil
}

func encodeOutcome(o bot.Outcome) ([]byte, error) {
	data, err := json.Marshal(storedOutcome(o))
	if err != nil {
		return nil, fmt.Errorf("storage: encode outcome %s: %w", o.Key, err)
	}
	return data, nil
}

// job returns the pending job of key, or ErrNotFound.
func (b jobBuckets) job(key []byte) (bot.Job, error) {
	data := b.jobs.Get(key)
	if data == nil {
		return bot.Job{}, fmt.Errorf("job %s: %w", key, bot.ErrNotFound)
	}
	return decodeJob(key, data)
}

// outcome returns the outcome of key, or ErrNotFound.
func (b jobBuckets) outcome(key []byte) (bot.Outcome, error) {
	data := b.outcomes.Get(key)
	if data == nil {
		return bot.Outcome{}, fmt.Errorf("outcome of job %s: %w", key, bot.ErrNotFound)
	}
	var s storedOutcome
	if err := json.Unmarshal(data, &s); err != nil {
		return bot.Outcome{}, fmt.Errorf("storage: decode outcome %q: %w", key, err)
	}
	s.Key = string(key)
	return bot.Outcome(s), nil
}

// add writes the jobs of jobs[order] that are neither pending nor finished;
// a key twice in order is seen pending the second time. order is sorted by
// key, so the jobs bucket is appended to in runs: pages split full rather
// than half full, which keeps a cold start's file a third smaller.
func (b jobBuckets) add(jobs []bot.Job, order []int) error {
	b.jobs.FillPercent = addJobsFillPercent
	dues := make([][]byte, 0, len(order))
	for _, i := range order {
		key := []byte(jobs[i].Key)
		if b.jobs.Get(key) != nil || b.outcomes.Get(key) != nil {
			continue
		}
		data, err := encodeJob(jobs[i])
		if err != nil {
			return err
		}
		if err := b.jobs.Put(key, data); err != nil {
			return err
		}
		dues = append(dues, dueKey(key, jobs[i].Due))
	}
	slices.SortFunc(dues, bytes.Compare)
	for _, k := range dues {
		if err := b.due.Put(k, []byte{}); err != nil {
			return err
		}
	}
	return nil
}

// removePending deletes key's pending job and its due entry, if there is one.
func (b jobBuckets) removePending(key []byte) error {
	data := b.jobs.Get(key)
	if data == nil {
		return nil
	}
	due, err := dueOf(key, data)
	if err != nil {
		return err
	}
	if err := b.jobs.Delete(key); err != nil {
		return err
	}
	return b.due.Delete(dueKey(key, due))
}

// removeOutcome deletes key's outcome and its index entries, if there is one.
func (b jobBuckets) removeOutcome(key []byte) error {
	o, err := b.outcome(key)
	if errors.Is(err, bot.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := b.outcomes.Delete(key); err != nil {
		return err
	}
	if err := b.byTime.Delete(outcomeTimeKey(o)); err != nil {
		return err
	}
	return b.failures.Delete(failureKey(o))
}

// putOutcome stores o, already encoded as data, with its index entries.
func (b jobBuckets) putOutcome(o bot.Outcome, data []byte) error {
	if err := b.outcomes.Put([]byte(o.Key), data); err != nil {
		return err
	}
	if err := b.byTime.Put(outcomeTimeKey(o), []byte{}); err != nil {
		return err
	}
	if o.Result != bot.Failed {
		return nil
	}
	return b.failures.Put(failureKey(o), []byte{})
}

// AddJobs records the jobs whose keys are neither pending nor finished and
// leaves the others as they are; of one key given twice, the first counts.
//
// It writes at most addJobsChunk jobs per transaction, in key order. If it
// fails part way, the chunks before stay added: adding is idempotent, so
// the caller retries the whole call.
func (db *DB) AddJobs(ctx context.Context, jobs []bot.Job) error {
	for _, j := range jobs {
		if err := requireField("job", "Key", j.Key); err != nil {
			return err
		}
	}
	// Sort indexes, not jobs: 600,000 copies of a Job would cost ~160 MB.
	order := make([]int, len(jobs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(jobs[a].Key, jobs[b].Key) })
	// Most calls re-add jobs that exist already (a warning re-checked after
	// every log): find out in a read transaction, and write only if needed,
	// since even an empty write transaction costs an fsync.
	order, err := db.unknownJobs(ctx, jobs, order)
	if err != nil || len(order) == 0 {
		return err
	}
	for chunk := range slices.Chunk(order, addJobsChunk) {
		err := db.update(ctx, func(tx *bbolt.Tx) error { return openJobBuckets(tx).add(jobs, chunk) })
		if err != nil {
			return err
		}
	}
	return nil
}

// unknownJobs returns the entries of order whose keys are neither pending
// nor finished.
func (db *DB) unknownJobs(ctx context.Context, jobs []bot.Job, order []int) ([]int, error) {
	var unknown []int
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		b := openJobBuckets(tx)
		for _, i := range order {
			key := []byte(jobs[i].Key)
			if b.jobs.Get(key) == nil && b.outcomes.Get(key) == nil {
				unknown = append(unknown, i)
			}
		}
		return nil
	})
	return unknown, err
}

// DueJobs returns up to limit pending jobs due at or before now, by due
// time then key: a walk from the start of the due index that stops at the
// first entry after now, so a tick with nothing due reads one entry.
// A limit of zero or less returns none.
func (db *DB) DueJobs(ctx context.Context, now time.Time, limit int) ([]bot.Job, error) {
	var due []bot.Job
	if limit <= 0 {
		return due, nil
	}
	end := timeKey(now)
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		b := openJobBuckets(tx)
		c := b.due.Cursor()
		for k, _ := c.First(); k != nil && len(due) < limit && bytes.Compare(k[:timeKeyLen], end) <= 0; k, _ = c.Next() {
			j, err := b.job(k[timeKeyLen:])
			if err != nil {
				return fmt.Errorf("storage: due index entry %q: %w", k, err)
			}
			due = append(due, j)
		}
		return nil
	})
	return due, err
}

// NextDue returns the earliest due time of any pending job, in UTC: the
// first entry of the due index.
func (db *DB) NextDue(ctx context.Context) (due time.Time, ok bool, err error) {
	err = db.view(ctx, func(tx *bbolt.Tx) error {
		if k, _ := tx.Bucket(dueBucket).Cursor().First(); k != nil {
			due, ok = timeOf(k), true
		}
		return nil
	})
	return due, ok, err
}

// UpdateJob replaces the pending job j.Key with j, moving its due entry if
// its due time changed; ErrNotFound if it is not pending.
func (db *DB) UpdateJob(ctx context.Context, j bot.Job) error {
	if err := requireField("job", "Key", j.Key); err != nil {
		return err
	}
	data, err := encodeJob(j)
	if err != nil {
		return err
	}
	key := []byte(j.Key)
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b := openJobBuckets(tx)
		old := b.jobs.Get(key)
		if old == nil {
			return fmt.Errorf("job %s: %w", j.Key, bot.ErrNotFound)
		}
		oldDue, err := dueOf(key, old)
		if err != nil {
			return err
		}
		if oldKey, newKey := dueKey(key, oldDue), dueKey(key, j.Due); !bytes.Equal(oldKey, newKey) {
			if err := b.due.Delete(oldKey); err != nil {
				return err
			}
			if err := b.due.Put(newKey, []byte{}); err != nil {
				return err
			}
		}
		return b.jobs.Put(key, data)
	})
}

// FinishJob removes the pending job o.Key, if any, and records o as its
// outcome, replacing an earlier outcome of the same key.
func (db *DB) FinishJob(ctx context.Context, o bot.Outcome) error {
	if err := requireField("outcome", "Key", o.Key); err != nil {
		return err
	}
	data, err := encodeOutcome(o)
	if err != nil {
		return err
	}
	key := []byte(o.Key)
	// Workers finish deliveries concurrently: a batch (batch.go) shares one
	// commit (one fsync) among them. The function only sets state, so a
	// re-run is safe.
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.batch.do(func(tx *bbolt.Tx) error {
		b := openJobBuckets(tx)
		if err := b.removePending(key); err != nil {
			return err
		}
		if err := b.removeOutcome(key); err != nil {
			return err
		}
		return b.putOutcome(o, data)
	})
}

// DropJob removes the pending job of key, if any, without an outcome.
func (db *DB) DropJob(ctx context.Context, key string) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		return openJobBuckets(tx).removePending([]byte(key))
	})
}

// CancelJobs drops every pending job whose key starts with prefix, byte for
// byte: callers end a prefix with "/" so that "…/alice/" does not also
// cancel "…/alice2/…". It returns how many it dropped.
func (db *DB) CancelJobs(ctx context.Context, prefix string) (int, error) {
	p := []byte(prefix)
	n := 0
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		n = 0
		b := openJobBuckets(tx)
		c := b.jobs.Cursor()
		// Seek again after each delete: a bbolt cursor is not valid across
		// a change to its bucket.
		for k, _ := c.Seek(p); hasPrefix(k, p); k, _ = c.Seek(p) {
			if err := b.removePending(bytes.Clone(k)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// PendingJobs returns the pending jobs whose keys start with prefix (byte
// for byte, as CancelJobs), by key.
func (db *DB) PendingJobs(ctx context.Context, prefix string) ([]bot.Job, error) {
	var jobs []bot.Job
	p := []byte(prefix)
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(jobsBucket).Cursor()
		for k, data := c.Seek(p); hasPrefix(k, p); k, data = c.Next() {
			j, err := decodeJob(k, data)
			if err != nil {
				return err
			}
			jobs = append(jobs, j)
		}
		return nil
	})
	return jobs, err
}

// PendingJob returns the pending job of key, or ErrNotFound.
func (db *DB) PendingJob(ctx context.Context, key string) (bot.Job, error) {
	var j bot.Job
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		j, err = openJobBuckets(tx).job([]byte(key))
		return err
	})
	return j, err
}

var plannedThroughKey = []byte("planned_through")

// PlannedThrough returns the time SetPlannedThrough last stored, or zero.
func (db *DB) PlannedThrough(ctx context.Context) (time.Time, error) {
	var t time.Time
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		if v := tx.Bucket(metaBucket).Get(plannedThroughKey); v != nil {
			return t.UnmarshalBinary(v)
		}
		return nil
	})
	return t, err
}

// SetPlannedThrough stores t in the meta bucket.
func (db *DB) SetPlannedThrough(ctx context.Context, t time.Time) error {
	v, err := t.MarshalBinary()
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *bbolt.Tx) error { return tx.Bucket(metaBucket).Put(plannedThroughKey, v) })
}

// JobOutcome returns the outcome of the finished job key, or ErrNotFound.
func (db *DB) JobOutcome(ctx context.Context, key string) (bot.Outcome, error) {
	var o bot.Outcome
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		o, err = openJobBuckets(tx).outcome([]byte(key))
		return err
	})
	return o, err
}

// Outcomes returns the outcomes of finished jobs whose keys start with
// prefix, by key: one seek into the outcomes bucket, then a walk.
func (db *DB) Outcomes(ctx context.Context, prefix string) ([]bot.Outcome, error) {
	var list []bot.Outcome
	p := []byte(prefix)
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		b := openJobBuckets(tx)
		c := b.outcomes.Cursor()
		for k, _ := c.Seek(p); hasPrefix(k, p); k, _ = c.Next() {
			o, err := b.outcome(k)
			if err != nil {
				return err
			}
			list = append(list, o)
		}
		return nil
	})
	return list, err
}

// Failures returns ws's failed outcomes recorded at or after since, oldest
// first: one seek into ws's range of the failures index, then a walk.
func (db *DB) Failures(ctx context.Context, ws bot.WorkspaceRef, since time.Time) ([]bot.Outcome, error) {
	var list []bot.Outcome
	p := workspacePrefix(ws)
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		b := openJobBuckets(tx)
		c := b.failures.Cursor()
		for k, _ := c.Seek(concat(p, timeKey(since))); hasPrefix(k, p); k, _ = c.Next() {
			o, err := b.outcome(k[len(p)+timeKeyLen:])
			if err != nil {
				return fmt.Errorf("storage: failures index entry %q: %w", k, err)
			}
			list = append(list, o)
		}
		return nil
	})
	return list, err
}

// PruneOutcomes forgets the outcomes recorded before before, with their
// index entries, and returns how many: a walk from the start of the
// by-time index.
func (db *DB) PruneOutcomes(ctx context.Context, before time.Time) (int, error) {
	end := timeKey(before)
	n := 0
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		n = 0
		b := openJobBuckets(tx)
		c := b.byTime.Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k[:timeKeyLen], end) < 0; k, _ = c.First() {
			k = bytes.Clone(k)
			if err := b.removeOutcome(k[timeKeyLen:]); err != nil {
				return err
			}
			// Already gone, unless the index was stale; either way the
			// next First moves on.
			if err := b.byTime.Delete(k); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// NextSequence returns the next value of ws's counter name, starting at 1.
// The counters live in the workspace's sequences bucket and are never
// reset.
func (db *DB) NextSequence(ctx context.Context, ws bot.WorkspaceRef, name string) (int64, error) {
	if err := requireField("sequence", "name", name); err != nil {
		return 0, err
	}
	var next uint64
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		b, err := writableBuckets(tx, ws, sequencesBucket)
		if err != nil {
			return err
		}
		if data := b[0].Get([]byte(name)); len(data) == 8 {
			next = binary.BigEndian.Uint64(data)
		} else if data != nil {
			return fmt.Errorf("storage: unreadable sequence %s of %s: %x", name, ws.Key(), data)
		}
		next++
		return b[0].Put([]byte(name), binary.BigEndian.AppendUint64(nil, next))
	})
	return int64(next), err
}

// Workspaces lists every workspace that has a cohort, by Key(), reading
// each workspace bucket's name back as platform:id.
func (db *DB) Workspaces(ctx context.Context) ([]bot.WorkspaceRef, error) {
	var list []bot.WorkspaceRef
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		all := tx.Bucket(workspacesBucket)
		c := all.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if v != nil || all.Bucket(k).Bucket(cohortsBucket) == nil {
				continue
			}
			ws, ok := bot.WorkspaceOfKey(string(k))
			if !ok {
				return fmt.Errorf("storage: workspace bucket %q is not named platform:id", k)
			}
			list = append(list, ws)
		}
		return nil
	})
	return list, err
}
