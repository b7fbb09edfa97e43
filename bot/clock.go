package bot

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Clock is the only way domain and scheduler code learns the time or waits
// for it, so tests and the console's --now can drive it.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f once the clock has moved d past now (at once when
	// d <= 0), unless the returned Timer is stopped first.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending call made by Clock.AfterFunc.
type Timer interface {
	// Stop cancels the call. It returns false if the call has already been
	// made or the timer was stopped before.
	Stop() bool
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// AfterFunc is time.AfterFunc: f runs in its own goroutine.
func (SystemClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// FakeClock is a Clock that moves only when told to. Its timers fire when
// Set or Advance moves it to or past their time: f runs in the goroutine
// that moved the clock, before Set or Advance returns, timers in order of
// their time. It is safe for concurrent use.
type FakeClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*fakeTimer  // pending
	changed chan struct{} // closed when timers change, for WaitForTimer; nil when nobody waits
}

// fakeTimer is one pending AfterFunc of a FakeClock.
type fakeTimer struct {
	clock *FakeClock
	at    time.Time
	f     func()
}

// NewFakeClock returns a FakeClock stopped at now.
func NewFakeClock(now time.Time) *FakeClock {
	return &FakeClock{now: now}
}

// Now returns the clock's current time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d, fires the timers it passes, and
// returns the new time.
func (c *FakeClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	due := c.takeDue()
	c.mu.Unlock()
	fire(due)
	return now
}

// Set moves the clock to t and fires the timers due by then.
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	due := c.takeDue()
	c.mu.Unlock()
	fire(due)
}

// AfterFunc calls f once the clock reaches now+d: in this call when d <= 0,
// otherwise in the Set or Advance that gets there.
func (c *FakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	t := &fakeTimer{clock: c, at: c.now.Add(d), f: f}
	if d <= 0 {
		c.mu.Unlock()
		f()
		return t
	}
	c.timers = append(c.timers, t)
	c.signal()
	c.mu.Unlock()
	return t
}

// Stop cancels the timer; false if it has fired or was stopped already.
func (t *fakeTimer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	i := slices.Index(c.timers, t)
	if i < 0 {
		return false
	}
	c.timers = slices.Delete(c.timers, i, i+1)
	c.signal()
	return true
}

// WaitForTimer blocks until a timer is pending for exactly at, or ctx ends.
// Tests use it to know that a goroutine they cannot see has armed its
// timer before they move the clock.
func (c *FakeClock) WaitForTimer(ctx context.Context, at time.Time) error {
	for {
		c.mu.Lock()
		pending := slices.ContainsFunc(c.timers, func(t *fakeTimer) bool { return t.at.Equal(at) })
		if c.changed == nil {
			c.changed = make(chan struct{})
		}
		changed := c.changed
		c.mu.Unlock()
		if pending {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// takeDue removes and returns the timers due at c.now, earliest first.
// The caller holds c.mu.
func (c *FakeClock) takeDue() []*fakeTimer {
	var due []*fakeTimer
	c.timers = slices.DeleteFunc(c.timers, func(t *fakeTimer) bool {
		if t.at.After(c.now) {
			return false
		}
		due = append(due, t)
		return true
	})
	if len(due) > 0 {
		c.signal()
	}
	slices.SortStableFunc(due, func(a, b *fakeTimer) int { return a.at.Compare(b.at) })
	return due
}

// signal wakes WaitForTimer callers; the caller holds c.mu.
func (c *FakeClock) signal() {
	if c.changed != nil {
		close(c.changed)
		c.changed = nil
	}
}

func fire(timers []*fakeTimer) {
	for _, t := range timers {
		t.f()
	}
}
