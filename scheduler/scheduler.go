// Package scheduler makes sparkbot act on its own: reminder DMs before each
// scheduled Space, nudges after unlogged ones, quota warnings, weekly
// digests, monthly stipend reports, staff alerts and announcements, a
// cohort's final report, Discord Scheduled Events, and, with X on, the
// watch rounds and re-checks of pasted links, on time and once, even
// across restarts, platform outages and several replicas (replica.go).
// What each job kind does when it runs late is expiry.go's table.
//
// Every pending delivery is a bot.Job in the store's time-ordered due index,
// keyed by an idempotency key. A tick reads only what is due; each delivery
// is leased (recorded) before it is sent and finished after the notifier
// succeeds, retried with back-off on failure, and recorded as failed when
// the platform says it never will succeed. A crash can at most repeat the
// one delivery in flight. What is due (the daily planner, checks and
// digests included) lives in the due index, so runs missed while the
// process was down are caught up from it.
//
// Run wakes when work is due: one timer (the alarm, alarm.go) is armed for
// the earliest pending job no worker holds, and re-armed after each tick,
// when a worker finishes (a retry's back-off, jobs it added) and when
// Dispatch says the router added jobs. robfig/cron ticks slowly besides,
// only as a safety net.
package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"sparkbot/bot"
)

// Config tunes the scheduler; zero fields take the defaults.
type Config struct {
	Tick        time.Duration // the safety net: how often due jobs are looked for without the timer (1m)
	SendTimeout time.Duration // how long one delivery may take (10s)
	Workers     int           // deliveries in flight at once (32: they wait on platform APIs)
	Horizon     time.Duration // how far ahead cohort jobs are planned (8 days); hosts' less (hostHorizon)
	MaxAttempts int           // attempts before a delivery is given up (10)
	BaseBackoff time.Duration // first retry delay, doubled each attempt (30s)
	MaxBackoff  time.Duration // longest retry delay (1h)
	NudgeAfter  time.Duration // nudge this long after a Space's scheduled end (30m)
	QuietStart  bot.TimeOfDay // hosts' quiet hours start (22:00)
	QuietEnd    bot.TimeOfDay // and end (08:00), in their zone
	CheckAt     bot.TimeOfDay // the daily quota check, cohort time (09:00)
	// Jitter returns a number in [0, 1); it spreads retries. Tests fix it.
	Jitter func() float64
	// ShutdownGrace is how long deliveries in flight may go on once Run's
	// context has ended (10s); then they are cancelled.
	ShutdownGrace time.Duration
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.Tick, time.Minute)
	def(&c.SendTimeout, 10*time.Second)
	def(&c.Horizon, 8*24*time.Hour)
	def(&c.BaseBackoff, 30*time.Second)
	def(&c.MaxBackoff, time.Hour)
	def(&c.NudgeAfter, bot.NudgeAfter)
	def(&c.ShutdownGrace, 10*time.Second)
	if c.Workers == 0 {
		c.Workers = 32
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 10
	}
	if c.QuietStart == (bot.TimeOfDay{}) && c.QuietEnd == (bot.TimeOfDay{}) {
		c.QuietStart, c.QuietEnd = bot.TimeOfDay{Hour: 22}, bot.TimeOfDay{Hour: 8}
	}
	if c.CheckAt == (bot.TimeOfDay{}) {
		c.CheckAt = bot.TimeOfDay{Hour: 9}
	}
	if c.Jitter == nil {
		c.Jitter = rand.Float64
	}
	return c
}

// Scheduler plans and delivers jobs. It implements bot.Planner.
type Scheduler struct {
	store bot.Store
	clock bot.Clock
	log   *slog.Logger
	cfg   Config

	notifiers map[bot.Platform]bot.Notifier

	kick    chan struct{} // Dispatch → Run: tick now
	rearm   chan struct{} // a worker finished → Run: set the alarm again
	slots   chan struct{} // one per delivery in flight
	workers sync.WaitGroup

	mu       sync.Mutex
	inflight map[string]bool // keys being delivered by a worker
	// backlog is set when a tick left due jobs behind (all workers busy,
	// or more than a batch due); the next worker to finish asks for a tick.
	backlog bool
	// tried are the keys workers finished since the last tick began, and
	// keys that tick could not read: if one is still due, it did not move
	// on (the store failed), and the alarm does not ring for it at once.
	tried map[string]bool

	lastWake atomic.Int64 // Unix ns of the clock when a tick last read the due index
	wakes    atomic.Int64 // ticks Run made, for tests

	eventSeq atomic.Uint64 // tells apart event sync requests (events.go)

	observer DeliveryObserver // observer.go; nil: nobody
	watcher  Watcher          // watch.go; nil: X is not connected

	replica *replica // how the store is shared with other processes (replica.go)

	// afterSend, when set by tests, runs after a notifier succeeded and
	// before the job is finished; returning false simulates a crash there.
	afterSend func(bot.Job) bool
}

var _ bot.Planner = (*Scheduler)(nil)

// New returns a scheduler over store, reading time from clock.
func New(store bot.Store, clock bot.Clock, logger *slog.Logger, cfg Config) *Scheduler {
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.Default()
	}
	return &Scheduler{
		store: store, clock: clock, log: logger, cfg: cfg,
		notifiers: map[bot.Platform]bot.Notifier{},
		kick:      make(chan struct{}, 1),
		rearm:     make(chan struct{}, 1),
		slots:     make(chan struct{}, cfg.Workers),
		inflight:  map[string]bool{},
		tried:     map[string]bool{},
		replica:   newReplica(store),
	}
}

// SetNotifier delivers jobs of platform's workspaces through n. Call it
// before Run.
func (s *Scheduler) SetNotifier(platform bot.Platform, n bot.Notifier) { s.notifiers[platform] = n }

// Dispatch asks Run to tick now: jobs due now go out at once, and the
// alarm is set again for the earliest pending job, so a job added for
// later (an announcement at 10:00) is on time too.
func (s *Scheduler) Dispatch() {
	select {
	case s.kick <- struct{}{}:
	default: // a tick is already asked for
	}
}

// Run plans ahead, then ticks whenever the alarm rings, Dispatch asks, or
// the safety net's period passes, until ctx ends; then it waits for
// deliveries in flight.
func (s *Scheduler) Run(ctx context.Context) error {
	c := cron.New(cron.WithChain(cron.Recover(cronLogger{s.log})))
	trigger := func() { s.Dispatch() } // the loop below ticks, so ticks never overlap
	if _, err := c.AddFunc("@every "+s.cfg.Tick.String(), trigger); err != nil {
		return err
	}
	c.Start()
	defer func() { <-c.Stop().Done() }()
	// Deliveries in flight outlive ctx by up to ShutdownGrace, so none is
	// cut off between the platform taking it and FinishJob recording it
	// (it would go out again after a restart). Once ctx ends no new one
	// starts: what was not handed out stays pending.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer s.drain(stopWork)
	// Plan now, or, on a store replicas share, campaign to lead (replica.go).
	waitReplica, err := s.startReplica(ctx, work, c)
	if err != nil {
		return err
	}
	defer waitReplica()
	al := newAlarm(s.clock)
	defer al.stop()
	s.wake(work, al)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.kick:
			s.wake(work, al)
		case <-al.ring:
			s.wake(work, al)
		case <-s.rearm:
			s.arm(work, al, nil)
		}
	}
}

// drain waits for the deliveries in flight, cancelling them (with stop)
// if they take longer than ShutdownGrace.
func (s *Scheduler) drain(stop context.CancelFunc) {
	t := time.AfterFunc(s.cfg.ShutdownGrace, stop)
	defer t.Stop()
	s.workers.Wait()
	stop()
}

// wake is one tick of Run, and the alarm set for what comes next.
func (s *Scheduler) wake(ctx context.Context, al *alarm) {
	s.wakes.Add(1)
	s.arm(ctx, al, s.tick(ctx))
}

// LastWake is when Run last looked at the due index, on the scheduler's
// clock (zero before its first tick). Run looks at least once every
// Period, so a LastWake older than two periods means the scheduler is
// stuck or its store is failing.
func (s *Scheduler) LastWake() time.Time {
	ns := s.lastWake.Load()
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// Period is the safety net's period: the longest Run goes without a tick.
func (s *Scheduler) Period() time.Duration { return s.cfg.Tick }

// cronLogger adapts slog to cron's logger, so a recovered panic is logged.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}

// tickBatch bounds the jobs one tick reads; the rest wait for the next.
const tickBatch = 1000

// tickLimit is how many due jobs a tick reads: enough to pass over those
// in flight (the earliest due, mostly) and fill every worker, and no
// more, so that under a backlog, when each finishing worker asks for a
// tick, a tick does not decode a thousand jobs to hand out one.
func (s *Scheduler) tickLimit() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return min(tickBatch, len(s.inflight)+cap(s.slots))
}

// Tick hands every due job to a worker and returns without waiting for
// them: a slow platform holds its worker, never the tick. When every worker
// is busy the remaining jobs wait for the next tick.
func (s *Scheduler) Tick(ctx context.Context) { s.tick(ctx) }

// tick is Tick; it returns the error of reading the due index, if any.
func (s *Scheduler) tick(ctx context.Context) error {
	now := s.clock.Now()
	s.mu.Lock()
	if len(s.tried) > 0 {
		s.tried = map[string]bool{} // a new map: clear would keep a burst's capacity
	}
	s.mu.Unlock()
	jobs, full, err := s.dueJobs(ctx, now) // claimed, on a shared store (replica.go)
	if err != nil {
		s.log.Error("reading due jobs", "err", err)
		return err
	}
	s.lastWake.Store(now.UnixNano())
	if full {
		s.setBacklog()
	}
	for _, j := range jobs {
		if !s.claim(j.Key) {
			continue
		}
		// The list is a snapshot: a worker may have finished this job, or
		// failed it and put it off, and released it since. Claimed now, it
		// goes out only as it stands now, and only if it is still due.
		cur, err := s.store.PendingJob(ctx, j.Key)
		if err != nil || cur.Due.After(now) {
			s.release(j.Key, err != nil && !errors.Is(err, bot.ErrNotFound))
			s.unclaim(ctx, j.Key)
			continue
		}
		j := cur
		select {
		case s.slots <- struct{}{}:
		default:
			s.release(j.Key, false)
			s.unclaim(ctx, j.Key)
			s.setBacklog()
			return nil
		}
		s.workers.Add(1)
		go func() { // owned by s.workers; Run waits for it
			defer s.workers.Done()
			defer s.done(j.Key)
			s.process(ctx, j)
		}()
	}
	return nil
}

func (s *Scheduler) setBacklog() {
	s.mu.Lock()
	s.backlog = true
	s.mu.Unlock()
}

// done frees a worker's slot. If the last tick left jobs behind, it asks
// for another tick now rather than leaving them to the next period;
// otherwise for the alarm to be set again, since the job may have been put
// off (a retry's back-off) or have added jobs.
func (s *Scheduler) done(key string) {
	<-s.slots
	s.mu.Lock()
	delete(s.inflight, key)
	s.tried[key] = true
	again := s.backlog
	s.backlog = false
	s.mu.Unlock()
	if again {
		s.Dispatch()
		return
	}
	select {
	case s.rearm <- struct{}{}:
	default: // asked for already
	}
}

func (s *Scheduler) claim(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inflight[key] {
		return false
	}
	s.inflight[key] = true
	return true
}

// release gives back a key a tick claimed but did not hand out; unread
// means its pending state could not be read.
func (s *Scheduler) release(key string, unread bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inflight, key)
	if unread {
		s.tried[key] = true
	}
}

// Wait blocks until every delivery handed out by Tick has finished.
func (s *Scheduler) Wait() { s.workers.Wait() }

// RunDue delivers every job due now, one at a time, in due order, including
// jobs that become due while it runs. The console and tests use it with a
// fake clock, where order must be deterministic.
func (s *Scheduler) RunDue(ctx context.Context) {
	for ctx.Err() == nil {
		jobs, err := s.store.DueJobs(ctx, s.clock.Now(), 1)
		if err != nil {
			s.log.Error("reading due jobs", "err", err)
			return
		}
		if len(jobs) == 0 || !s.process(ctx, jobs[0]) {
			return // nothing due, or the store is failing: stop rather than spin
		}
	}
}

// AdvanceTo moves a fake clock to target, stopping at each due time on the
// way to deliver what is due then, so a week passes in order. It is for a
// scheduler whose Run is not running (the console on --now, tests).
func (s *Scheduler) AdvanceTo(ctx context.Context, clock *bot.FakeClock, target time.Time) {
	for ctx.Err() == nil {
		s.RunDue(ctx)
		next, ok, err := s.store.NextDue(ctx)
		if err != nil {
			s.log.Error("reading the due index", "err", err)
			break
		}
		if !ok || next.After(target) {
			break
		}
		if next.After(clock.Now()) {
			clock.Set(next)
		}
	}
	if target.After(clock.Now()) {
		clock.Set(target)
	}
	s.RunDue(ctx)
}
