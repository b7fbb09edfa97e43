package bolt

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// batcher shares commits among concurrent writers, as bbolt's Batch does,
// with one difference that matters when commits are slow (an fsync of a
// few milliseconds) and writers arrive spread out (64 hosts logging, each
// reading before and after its write): at most one batch waits while
// another commits, and every writer arriving meanwhile joins it. bbolt's
// Batch starts a new batch every window instead, and the small batches
// queue on the write lock, one fsync each, so that under load a log waits
// for many commits rather than the next one.
//
// A batch commits window after its first writer arrived (or when it holds
// maxCalls), once the batch before it has committed. Like Batch, it runs
// every function in one transaction; a function that fails is taken out,
// the rest run again, and the failed one runs alone in its own transaction,
// so a function may run more than once and must depend only on the
// transaction.
type batcher struct {
	db       *bbolt.DB
	window   time.Duration
	maxCalls int

	mu      sync.Mutex
	open    *batch     // the batch writers join: its commit has not begun
	commits sync.Mutex // held while a batch commits
}

type batch struct {
	b     *batcher
	calls []batchCall
	once  sync.Once
}

type batchCall struct {
	fn  func(*bbolt.Tx) error
	err chan error
}

// maxBatchCalls is how many writers a batch holds before it commits
// without waiting out its window (bbolt's Batch default).
const maxBatchCalls = 1000

func newBatcher(db *bbolt.DB, window time.Duration) *batcher {
	return &batcher{db: db, window: window, maxCalls: maxBatchCalls}
}

// errAlone tells a writer its function failed in a batch: it runs again on
// its own.
var errAlone = errors.New("run alone")

// do runs fn in a shared commit and returns once that has committed.
func (b *batcher) do(fn func(*bbolt.Tx) error) error {
	c := batchCall{fn: fn, err: make(chan error, 1)}
	b.mu.Lock()
	bt := b.open
	if bt == nil {
		bt = &batch{b: b}
		b.open = bt
		time.AfterFunc(b.window, bt.commit)
	}
	bt.calls = append(bt.calls, c)
	full := len(bt.calls) >= b.maxCalls
	b.mu.Unlock()
	if full {
		go bt.commit()
	}
	err := <-c.err
	if err == errAlone {
		return b.db.Update(fn)
	}
	return err
}

// commit commits the batch once: after the batch before it, taking every
// writer that joined until then.
func (bt *batch) commit() {
	bt.once.Do(func() {
		b := bt.b
		b.commits.Lock()
		defer b.commits.Unlock()
		b.mu.Lock()
		if b.open == bt {
			b.open = nil
		}
		calls := bt.calls
		b.mu.Unlock()
		commitCalls(b.db, calls)
	})
}

// commitCalls runs calls in one transaction, taking out any that fails.
func commitCalls(db *bbolt.DB, calls []batchCall) {
	for len(calls) > 0 {
		failed := -1
		err := db.Update(func(tx *bbolt.Tx) error {
			for i, c := range calls {
				if err := callSafely(c.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			for _, c := range calls {
				c.err <- err
			}
			return
		}
		calls[failed].err <- errAlone
		calls = slices.Delete(calls, failed, failed+1)
	}
}

// callSafely runs fn, turning a panic into an error: the writer's own run
// (alone) then panics in its goroutine, not in the batch's.
func callSafely(fn func(*bbolt.Tx) error, tx *bbolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in a batched write: %v", p)
		}
	}()
	return fn(tx)
}
