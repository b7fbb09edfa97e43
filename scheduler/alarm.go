package scheduler

import (
	"context"
	"maps"
	"sync"
	"time"

	"sparkbot/bot"
)

// alarm is Run's one timer, armed for the next time there is work: when
// the earliest pending job that no worker holds is due. Run sets it after
// every tick and whenever a worker finishes; the clock's timer sounds it.
type alarm struct {
	clock bot.Clock
	ring  chan struct{} // buffered: a ring Run has not heard yet is not repeated

	mu    sync.Mutex
	timer bot.Timer // the pending timer, if armed
	at    time.Time // when it rings, if armed
	armed bool
	gen   uint64 // tells a replaced timer's call from the current one's
}

func newAlarm(clock bot.Clock) *alarm {
	return &alarm{clock: clock, ring: make(chan struct{}, 1)}
}

// set arms the alarm for at, or rings it at once when at is not after now,
// in place of any earlier setting. Setting the time it is armed for
// already keeps the timer it has.
func (a *alarm) set(at, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.armed && a.at.Equal(at) {
		return
	}
	a.disarm()
	if !at.After(now) {
		a.sound()
		return
	}
	a.gen++
	gen := a.gen
	a.at, a.armed = at, true
	a.timer = a.clock.AfterFunc(at.Sub(now), func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.gen != gen {
			return // replaced meanwhile
		}
		a.armed = false
		a.sound()
	})
}

// stop disarms the alarm.
func (a *alarm) stop() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.disarm()
}

func (a *alarm) disarm() {
	if a.timer != nil {
		a.timer.Stop()
		a.timer = nil
	}
	a.armed = false
	a.gen++
}

func (a *alarm) sound() {
	select {
	case a.ring <- struct{}{}:
	default: // Run has a ring to hear already
	}
}

// stuckRetry is how long the alarm waits before ringing again for a job
// that is due and was tried since the last tick yet did not move on: the
// store failed to record it, or a tick could not read it. A failing store
// is retried at this pace, not in a busy loop.
const stuckRetry = 5 * time.Second

// endOfTime is later than any job is due.
var endOfTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// arm sets the alarm for what comes next, after a tick that returned
// tickErr or after a worker finished (tickErr nil).
func (s *Scheduler) arm(ctx context.Context, al *alarm, tickErr error) {
	now := s.clock.Now()
	if tickErr != nil {
		al.set(now.Add(stuckRetry), now)
		return
	}
	if at, ok := s.nextWake(ctx, now); ok {
		al.set(at, now)
		return
	}
	al.stop()
}

// nextWake is when there is work next: when the earliest pending job no
// worker holds is due, at once if it is due already; for a due job tried
// since the last tick, stuckRetry from now. ok is false when nothing is
// pending, and when due jobs wait for busy workers: the first worker to
// finish asks for a tick itself (done).
func (s *Scheduler) nextWake(ctx context.Context, now time.Time) (at time.Time, ok bool) {
	// The states as they were before the index is read: a job a worker
	// finishes meanwhile counts as held, not as tried and still due; its
	// worker asks for the alarm to be set again when done.
	s.mu.Lock()
	held, tried := maps.Clone(s.inflight), maps.Clone(s.tried)
	waiting := s.backlog && len(s.inflight) > 0
	s.mu.Unlock()
	// Jobs are passed over only when held or tried, so this many are
	// enough to reach one that decides.
	jobs, err := s.upcoming(ctx, len(held)+len(tried)+1) // replica.go
	if err != nil {
		s.log.Error("reading the due index to set the timer", "err", err)
		return now.Add(stuckRetry), true
	}
	for _, j := range jobs {
		due := !j.Due.After(now)
		switch {
		case held[j.Key]:
		case due && tried[j.Key]:
			at, ok = earlier(at, ok, now.Add(stuckRetry)), true
		case due && waiting:
			return at, ok
		default:
			return earlier(at, ok, later(j.Due, now)), true
		}
	}
	return at, ok
}

// earlier is the earlier of t and, if set, at.
func earlier(at time.Time, set bool, t time.Time) time.Time {
	if set && at.Before(t) {
		return at
	}
	return t
}
