package edge

import (
	"sync"
	"time"

	"sparkbot/bot"
)

// Limiter lets each key (a user) have perMinute events a minute: a token
// bucket that holds perMinute tokens and refills continuously, so a burst
// of perMinute is allowed and then one every 60s/perMinute. It runs on its
// own clock, the wall clock, never the bot's fake one. It is safe for
// concurrent use, and forgets users whose bucket has refilled, so its
// memory follows the users active in the last minute.
type Limiter struct {
	clock     bot.Clock
	perMinute int
	every     time.Duration // one token per every

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was right
}

// NewLimiter returns a limiter of perMinute events a minute per key, or nil
// when perMinute is 0 or less (no limit). A nil *Limiter allows everything.
func NewLimiter(clock bot.Clock, perMinute int) *Limiter {
	if perMinute <= 0 {
		return nil
	}
	if clock == nil {
		clock = bot.SystemClock{}
	}
	return &Limiter{clock: clock, perMinute: perMinute, every: time.Minute / time.Duration(perMinute),
		buckets: map[string]*bucket{}}
}

// PerMinute is the limit, 0 when there is none.
func (l *Limiter) PerMinute() int {
	if l == nil {
		return 0
	}
	return l.perMinute
}

// Allow takes a token from key's bucket and reports whether there was one.
func (l *Limiter) Allow(key string) bool {
	if l == nil {
		return true
	}
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.perMinute), at: now}
		l.buckets[key] = b
	}
	b.tokens = l.refilled(b, now)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func (l *Limiter) refilled(b *bucket, now time.Time) float64 {
	gained := float64(now.Sub(b.at)) / float64(l.every)
	return min(float64(l.perMinute), b.tokens+max(gained, 0))
}

// sweep, at most once a minute, forgets buckets that have refilled: a new
// bucket starts full, so forgetting them changes nothing.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < time.Minute {
		return
	}
	l.lastSweep = now
	for key, b := range l.buckets {
		if l.refilled(b, now) >= float64(l.perMinute) {
			delete(l.buckets, key)
		}
	}
}

// Len is how many users the limiter remembers.
func (l *Limiter) Len() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
