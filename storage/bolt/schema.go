package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bbolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout this binary reads and writes. Raise it, and
// append to migrations, whenever the layout changes in a way an older
// binary would misread.
const SchemaVersion = 11

// migrations[i] upgrades a file from schema i+1 to schema i+2, inside the
// transaction that Open runs, so a failed upgrade leaves the file untouched.
var migrations = []func(*bbolt.Tx) error{
	// 1 → 2: workspace records leave out zero fields and their key field
	// (encodeRecord). This binary reads schema 1's full values as they
	// are, and rewrites each compactly when it next writes it; the version
	// is raised so that an older binary, which would read a host without
	// its UserID, refuses the file.
	func(*bbolt.Tx) error { return nil },
	// 2 → 3: every cohort of a workspace kept, membership histories
	// (migration.go).
	migrateToCohorts,
	// 3 → 4: logs keep a Provenance instead of the Verified flag
	// (storage/bolt/log.go). This binary reads schema 3's logs as they are
	// (Verified → a link, else one-click); the version is raised so that an
	// older binary, which would read every new link log as one-click,
	// refuses the file.
	func(*bbolt.Tx) error { return nil },
	// 4 → 5: schedules get their host's Number (schedule.go).
	numberSchedules,
	// 5 → 6: X links, the Spaces the watcher saw, review decisions
	// (storage/bolt/xlink.go, seenspace.go, review.go), and jobs that name
	// a Space (Job.SpaceID). New buckets need no rewrite; the version is
	// raised so that an older binary, which would let a rejected Space be
	// logged again and drop the Space of an X reminder it rewrites, refuses
	// the file.
	func(*bbolt.Tx) error { return nil },
	// 6 → 7: logs are binary, and their user index entries hold them too
	// (logcodec.go), so reports read a host's logs in one range.
	binaryLogs,
	// 7 → 8: reminder, nudge, warning and alert keys name their cohort
	// (migration.go).
	migrateHostJobKeys,
	// 8 → 9: hosts and schedules are binary (hostcodec.go).
	binaryHostsAndSchedules,
	// 9 → 10: issued stipend reports are binary (stipendcodec.go).
	binaryIssues,
	// 10 → 11: schedules' user index entries hold their records too
	// (schedule.go), so a report reads a host's schedules in one range.
	indexSchedules,
}

// eachWorkspace runs a migration's step on every workspace's bucket, its
// error naming the workspace.
func eachWorkspace(tx *bbolt.Tx, step func(w *bbolt.Bucket) error) error {
	all := tx.Bucket(workspacesBucket)
	if all == nil {
		return nil
	}
	return all.ForEachBucket(func(k []byte) error {
		if err := step(all.Bucket(k)); err != nil {
			return fmt.Errorf("workspace %s: %w", k, err)
		}
		return nil
	})
}

// recordsPerChunk is how many records a migration that rewrites a bucket
// holds at a time (rewriteChunks): the transaction keeps one chunk's
// records besides the pages it rewrites, not a whole file's.
const recordsPerChunk = 10_000

// rewriteChunks rewrites every record of b (if any), in key order,
// recordsPerChunk at a time: read makes each record's replacement, and
// write stores a chunk's once the cursor is past it, since a bucket must
// not change under the cursor reading it.
func rewriteChunks[T any](b *bbolt.Bucket, read func(key, data []byte) (T, error), write func(key []byte, t T) error) error {
	if b == nil {
		return nil
	}
	var after []byte // the key the next chunk starts after
	for {
		var keys [][]byte
		var chunk []T
		c := b.Cursor()
		k, v := c.First()
		if after != nil {
			if k, v = c.Seek(after); bytes.Equal(k, after) {
				k, v = c.Next()
			}
		}
		for ; k != nil && len(keys) < recordsPerChunk; k, v = c.Next() {
			t, err := read(k, v)
			if err != nil {
				return err
			}
			keys, chunk = append(keys, bytes.Clone(k)), append(chunk, t)
		}
		if len(keys) == 0 {
			return nil
		}
		for i, k := range keys {
			if err := write(k, chunk[i]); err != nil {
				return err
			}
		}
		after = keys[len(keys)-1]
	}
}

// rewriteRecords replaces every value of b (if any) with what rewrite
// makes of it, recordsPerChunk at a time.
func rewriteRecords(b *bbolt.Bucket, rewrite func(key, data []byte) ([]byte, error)) error {
	return rewriteChunks(b, rewrite, b.Put)
}

var (
	metaBucket = []byte("meta")
	schemaKey  = []byte("schema")
)

// NewerSchemaError is returned by Open for a file written by a newer
// sparkbot, which this binary must not touch.
type NewerSchemaError struct {
	Path  string
	Found uint64
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("storage: %s was written by a newer sparkbot (schema %d); this binary understands up to schema %d: upgrade sparkbot",
		e.Path, e.Found, SchemaVersion)
}

// prepareSchema stamps a new file, accepts a current one, upgrades an older
// one and refuses a newer one; then it adds any missing top-level bucket.
func prepareSchema(tx *bbolt.Tx, path string) error {
	if err := checkSchema(tx, path); err != nil {
		return err
	}
	return createTopBuckets(tx)
}

func checkSchema(tx *bbolt.Tx, path string) error {
	meta := tx.Bucket(metaBucket)
	if meta == nil {
		return stampNewFile(tx, path)
	}
	found, err := schemaOf(meta)
	if err != nil {
		return fmt.Errorf("storage: %s: %w", path, err)
	}
	switch {
	case found > SchemaVersion:
		return &NewerSchemaError{Path: path, Found: found}
	case found < SchemaVersion:
		return migrate(tx, meta, found, path)
	}
	return nil
}

// topBuckets are the top-level buckets every open file has. Adding one
// needs no new schema: a file written before it existed gets it empty at
// open, and an older binary ignores buckets it does not know. So the job
// buckets (job.go) arrived in schema 1.
var topBuckets = [][]byte{
	workspacesBucket,
	jobsBucket, dueBucket, outcomesBucket, outcomesByTimeBucket, failuresBucket,
}

func createTopBuckets(tx *bbolt.Tx) error {
	for _, name := range topBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("storage: create bucket %s: %w", name, err)
		}
	}
	return nil
}

// stampNewFile writes the schema version into an empty file. A file with
// data but no version is someone else's bbolt file: leave it alone.
func stampNewFile(tx *bbolt.Tx, path string) error {
	if name, _ := tx.Cursor().First(); name != nil {
		return fmt.Errorf("storage: %s is not a sparkbot database (it holds a %q bucket and no schema version); give sparkbot another file with --db or SPARKBOT_DB", path, name)
	}
	meta, err := tx.CreateBucket(metaBucket)
	if err != nil {
		return err
	}
	return putSchema(meta, SchemaVersion)
}

// migrate runs every migration from schema found up to SchemaVersion.
func migrate(tx *bbolt.Tx, meta *bbolt.Bucket, found uint64, path string) error {
	for v := found; v < SchemaVersion; v++ {
		if err := migrations[v-1](tx); err != nil {
			return fmt.Errorf("storage: %s: upgrade from schema %d to %d: %w", path, v, v+1, err)
		}
	}
	return putSchema(meta, SchemaVersion)
}

func schemaOf(meta *bbolt.Bucket) (uint64, error) {
	data := meta.Get(schemaKey)
	if len(data) != 8 {
		return 0, fmt.Errorf("unreadable schema version %x", data)
	}
	v := binary.BigEndian.Uint64(data)
	if v == 0 {
		return 0, fmt.Errorf("schema version 0 is not valid")
	}
	return v, nil
}

func putSchema(meta *bbolt.Bucket, v uint64) error {
	return meta.Put(schemaKey, binary.BigEndian.AppendUint64(nil, v))
}
