// Package edge guards sparkbot's public endpoints. A ReplaySet remembers
// the signed requests the bot has acted on, so that one replayed inside
// its signature window is refused; a Limiter bounds how many commands one
// user runs a minute. Both live in memory, behind the small interfaces
// their users declare (the adapters' ReplayGuard, cmd's rate limit): when
// replicas share a PostgreSQL database, storage/postgres's versions, kept
// in the database, take their place.
package edge

import (
	"container/heap"
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"time"

	"sparkbot/bot"
)

// ErrFull means the replay set holds as many requests as it may. The bot
// then refuses new requests rather than forget old ones, which would let
// them be replayed.
var ErrFull = errors.New("edge: the replay set is full; refusing new requests until old ones expire")

// DefaultReplayCapacity is sized for 2,000 signed requests a second (the
// durable logging rate docs/BENCHMARKS.md promises) kept for the 5-minute
// signature window: about 35 MiB when full (BenchmarkReplaySetFull),
// allocated only as it fills.
const DefaultReplayCapacity = 2000 * 5 * 60

// ReplaySet remembers keys until they expire. It is safe for concurrent use.
type ReplaySet struct {
	clock bot.Clock
	max   int

	mu     sync.Mutex
	seen   map[replayKey]struct{}
	expiry expiryHeap
}

// replayKey is a digest of the caller's key, so every entry costs the same
// whatever the key's length.
type replayKey [16]byte

// NewReplaySet returns a set holding at most max keys, expiring them by clock.
func NewReplaySet(clock bot.Clock, max int) *ReplaySet {
	if clock == nil {
		clock = bot.SystemClock{}
	}
	return &ReplaySet{clock: clock, max: max, seen: map[replayKey]struct{}{}}
}

// FirstSeen records key until the time until and reports whether it is
// new; false means the request was seen before and must not be acted on
// again. When the set is full it records nothing and returns ErrFull.
func (s *ReplaySet) FirstSeen(_ context.Context, key string, until time.Time) (bool, error) {
	sum := sha256.Sum256([]byte(key))
	k := replayKey(sum[:16])
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	if _, ok := s.seen[k]; ok {
		return false, nil
	}
	if len(s.seen) >= s.max {
		return false, ErrFull
	}
	if !until.After(now) {
		until = now.Add(time.Second) // already expired: still refuse an instant replay
	}
	s.seen[k] = struct{}{}
	heap.Push(&s.expiry, expiring{key: k, at: until.UnixNano()})
	return true, nil
}

// Len is how many keys the set holds.
func (s *ReplaySet) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(s.clock.Now())
	return len(s.seen)
}

// expire forgets every key whose time has passed.
func (s *ReplaySet) expire(now time.Time) {
	for len(s.expiry) > 0 && s.expiry[0].at <= now.UnixNano() {
		e := heap.Pop(&s.expiry).(expiring)
		delete(s.seen, e.key)
	}
}

type expiring struct {
	key replayKey
	at  int64 // Unix nanoseconds
}

// expiryHeap orders keys by expiry, earliest first (container/heap).
type expiryHeap []expiring

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiring)) }
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
