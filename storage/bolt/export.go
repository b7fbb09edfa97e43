package bolt

import (
	"context"
	"encoding/binary"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// What bot.Store's methods cannot list, for copying a file's data into
// another store (sparkbot migrate): every workspace, with a cohort or not,
// the counters, the schedule ID sequence, the tokens, every seen Space and
// review; and how many records of each kind the file holds, counted from
// the buckets' keys.

// AllWorkspaces lists every workspace the file holds data of, by Key().
func (db *DB) AllWorkspaces(ctx context.Context) ([]bot.WorkspaceRef, error) {
	var list []bot.WorkspaceRef
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(workspacesBucket).ForEachBucket(func(k []byte) error {
			ws, ok := bot.WorkspaceOfKey(string(k))
			if !ok {
				return fmt.Errorf("storage: workspace bucket %q is not named platform:id", k)
			}
			list = append(list, ws)
			return nil
		})
	})
	return list, err
}

// ScheduleSequence is the last schedule ID ws handed out: the next is
// after it, even when the schedules that had the last ones are deleted.
func (db *DB) ScheduleSequence(ctx context.Context, ws bot.WorkspaceRef) (int64, error) {
	var last int64
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		if b := bucket(tx, ws, schedulesBucket); b != nil {
			last = int64(b.Sequence())
		}
		return nil
	})
	return last, err
}

// Sequences returns ws's counters (NextSequence's) by name.
func (db *DB) Sequences(ctx context.Context, ws bot.WorkspaceRef) (map[string]int64, error) {
	seqs := map[string]int64{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		b := bucket(tx, ws, sequencesBucket)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("storage: unreadable sequence %s of %s: %x", k, ws.Key(), v)
			}
			seqs[string(k)] = int64(binary.BigEndian.Uint64(v))
			return nil
		})
	})
	return seqs, err
}

// Token is a stored grant with its hash; Feed is set for the feeds that
// name their owner's one feed of a scope.
type Token struct {
	Hash  bot.TokenHash
	Grant bot.Grant
	Feed  bool
}

// Tokens returns every token, by hash.
func (db *DB) Tokens(ctx context.Context) ([]Token, error) {
	var list []Token
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		feeds := map[bot.TokenHash]bool{}
		if b := tx.Bucket(feedsBucket); b != nil {
			b.ForEach(func(_, hash []byte) error {
				feeds[bot.TokenHash(hash)] = len(hash) == tokenHashBytes
				return nil
			})
		}
		b := tx.Bucket(tokensBucket)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if len(k) != tokenHashBytes {
				return fmt.Errorf("storage: token key %x is not a hash", k)
			}
			g, err := decodeGrant(k, v)
			list = append(list, Token{Hash: bot.TokenHash(k), Grant: g, Feed: feeds[bot.TokenHash(k)]})
			return err
		})
	})
	return list, err
}

// Counts counts the file's records of each kind, from the buckets' keys.
func (db *DB) Counts(ctx context.Context) (map[string]int, error) {
	counts := map[string]int{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		keys := func(b *bbolt.Bucket) int {
			if b == nil {
				return 0
			}
			return b.Stats().KeyN
		}
		all := tx.Bucket(workspacesBucket)
		err := all.ForEachBucket(func(k []byte) error {
			w := all.Bucket(k)
			for kind, name := range map[string][]byte{"cohorts": cohortsBucket, "hosts": hostsBucket,
				"applications": applicationsBucket, "schedules": schedulesBucket, "logs": logsBucket,
				"stipend issues": stipendsBucket, "sequences": sequencesBucket, "X links": xlinksBucket,
				"seen Spaces": seenSpacesBucket, "reviews": reviewsBucket} {
				counts[kind] += keys(w.Bucket(name))
			}
			return nil
		})
		for kind, name := range map[string][]byte{"pending jobs": jobsBucket, "outcomes": outcomesBucket,
			"tokens": tokensBucket, "feeds": feedsBucket} {
			counts[kind] = keys(tx.Bucket(name))
		}
		return err
	})
	return counts, err
}

// AllSeenSpaces returns every Space the watcher saw in ws, by id, open or
// not.
func (db *DB) AllSeenSpaces(ctx context.Context, ws bot.WorkspaceRef) ([]bot.SeenSpace, error) {
	var all []bot.SeenSpace
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		all, err = allRecords(bucket(tx, ws, seenSpacesBucket), decodeSeenSpace)
		return err
	})
	return all, err
}

// Reviews returns every review decision in ws, by Space id.
func (db *DB) Reviews(ctx context.Context, ws bot.WorkspaceRef) ([]bot.Review, error) {
	var all []bot.Review
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		all, err = allRecords(bucket(tx, ws, reviewsBucket), decodeReview)
		return err
	})
	return all, err
}
