package xapi

import (
	"context"
	"sync"
	"time"
)

// WallClock is the clock X's rate limits run on: real time, always. It is a
// different type from the bot's clock on purpose. The bot's clock may be fake
// (the console's --now), but X counts requests per wall-clock second and
// resets its windows at wall times, so the client must never pace itself by
// the bot's clock. A bot.Clock has no Sleep and cannot be passed here.
type WallClock interface {
	Now() time.Time
	// Sleep waits d, or until ctx ends (returning ctx.Err()).
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemWall is real time, the WallClock a Client uses unless told otherwise.
type SystemWall struct{}

// Now returns time.Now().
func (SystemWall) Now() time.Time { return time.Now() }

// Sleep waits d on a real timer, or until ctx ends.
func (SystemWall) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// FakeWall is a WallClock for tests: time moves only when told to, so a test
// of rate limits never waits on real time. It is safe for concurrent use.
//
// By default a Sleep blocks until Advance (or Set) moves the clock to the
// sleep's end; AwaitSleepers lets a test see that its goroutines are parked.
// With SetAuto(true), a Sleep moves the clock to its own end at once and
// returns: the way to script one caller at a time through hours of rate
// windows.
type FakeWall struct {
	mu       sync.Mutex
	now      time.Time
	auto     bool
	sleepers map[*sleeper]struct{}
	changed  chan struct{} // closed and replaced whenever sleepers change
}

type sleeper struct {
	until time.Time
	wake  chan struct{}
}

// NewFakeWall returns a FakeWall stopped at now, in manual mode.
func NewFakeWall(now time.Time) *FakeWall {
	return &FakeWall{now: now, sleepers: map[*sleeper]struct{}{}, changed: make(chan struct{})}
}

// Now returns the fake wall time.
func (w *FakeWall) Now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

// SetAuto switches auto mode, in which a Sleep advances the clock itself.
func (w *FakeWall) SetAuto(auto bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.auto = auto
}

// Sleep waits until the clock reaches now+d (see FakeWall), or ctx ends.
func (w *FakeWall) Sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	until := w.now.Add(d)
	if w.auto || !until.After(w.now) {
		if until.After(w.now) {
			w.now = until
			w.wakeLocked()
		}
		w.mu.Unlock()
		return ctx.Err()
	}
	s := &sleeper{until: until, wake: make(chan struct{})}
	w.sleepers[s] = struct{}{}
	w.notifyLocked()
	w.mu.Unlock()
	select {
	case <-s.wake:
		return nil
	case <-ctx.Done():
		w.mu.Lock()
		if _, ok := w.sleepers[s]; ok {
			delete(w.sleepers, s)
			w.notifyLocked()
		}
		w.mu.Unlock()
		return ctx.Err()
	}
}

// Advance moves the clock forward by d, waking the sleeps that end by then,
// and returns the new time.
func (w *FakeWall) Advance(d time.Duration) time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
	w.wakeLocked()
	return w.now
}

// Set moves the clock to t (forward or back), waking the sleeps that end by t.
func (w *FakeWall) Set(t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = t
	w.wakeLocked()
}

// Sleepers is how many Sleeps are blocked now.
func (w *FakeWall) Sleepers() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.sleepers)
}

// AwaitSleepers waits until exactly n Sleeps are blocked and reports whether
// that happened within timeout. The timeout only keeps a broken test from
// hanging; nothing waits on it to make progress.
func (w *FakeWall) AwaitSleepers(n int, timeout time.Duration) bool {
	guard := time.NewTimer(timeout)
	defer guard.Stop()
	for {
		w.mu.Lock()
		got, changed := len(w.sleepers), w.changed
		w.mu.Unlock()
		if got == n {
			return true
		}
		select {
		case <-changed:
		case <-guard.C:
			return false
		}
	}
}

func (w *FakeWall) wakeLocked() {
	woke := false
	for s := range w.sleepers {
		if !s.until.After(w.now) {
			close(s.wake)
			delete(w.sleepers, s)
			woke = true
		}
	}
	if woke {
		w.notifyLocked()
	}
}

func (w *FakeWall) notifyLocked() {
	close(w.changed)
	w.changed = make(chan struct{})
}
