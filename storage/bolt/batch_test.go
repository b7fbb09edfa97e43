package bolt

import (
	"runtime"
	"sync"
	"testing"

	bbolt "go.etcd.io/bbolt"
)

// queued reports whether n writers wait in the open batch.
func queued(db *DB, n int) bool {
	db.batch.mu.Lock()
	defer db.batch.mu.Unlock()
	return db.batch.open != nil && len(db.batch.open.calls) == n
}

// Writers that arrive while a commit is under way all share the next one,
// however long they keep arriving: one transaction for them all.
func TestWritersWaitingOnACommitShareTheNext(t *testing.T) {
	db := openTemp(t)
	db.batch.commits.Lock() // a commit under way
	const writers = 20
	txs := make(chan int, writers)
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			must(t, db.batch.do(func(tx *bbolt.Tx) error {
				txs <- tx.ID()
				return nil
			}))
		})
	}
	for !queued(db, writers) {
		runtime.Gosched()
	}
	db.batch.commits.Unlock()
	wg.Wait()
	close(txs)
	seen := map[int]bool{}
	for id := range txs {
		seen[id] = true
	}
	if len(seen) != 1 {
		t.Errorf("%d writers committed in %d transactions, want 1", writers, len(seen))
	}
}

// A write that panics panics in its own goroutine, and the rest of its
// batch commits.
func TestAPanickingWriteLeavesTheBatch(t *testing.T) {
	db := openTemp(t)
	db.batch.maxCalls = 2
	var wg sync.WaitGroup
	var recovered any
	key := []byte("k")
	wg.Go(func() {
		defer func() { recovered = recover() }()
		db.batch.do(func(*bbolt.Tx) error { panic("boom") })
	})
	wg.Go(func() {
		must(t, db.batch.do(func(tx *bbolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists(key)
			if err != nil {
				return err
			}
			return b.Put(key, key)
		}))
	})
	wg.Wait()
	if recovered != "boom" {
		t.Errorf("recovered %v, want the write's own panic", recovered)
	}
	must(t, db.bolt.View(func(tx *bbolt.Tx) error {
		if b := tx.Bucket(key); b == nil || b.Get(key) == nil {
			t.Error("the other write of the batch was not committed")
		}
		return nil
	}))
}
