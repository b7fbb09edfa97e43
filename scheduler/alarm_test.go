package scheduler

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

// These tests run the scheduler as the program does, with Run, on the fake
// clock: its timer fires only when the test moves the clock, so they show
// when Run wakes, not how fast.

// guard bounds how long a test waits for Run's goroutine; it catches a
// hang, it does not pace the test.
const guard = 10 * time.Second

// signalling passes deliveries to a recorder and says on sent when one was
// attempted, so a test waits for it instead of sleeping.
type signalling struct {
	*recorder
	sent chan delivery
}

func (n *signalling) DM(ctx context.Context, ws bot.WorkspaceRef, userID string, m bot.Message) error {
	return n.signal("@"+userID, m, n.recorder.DM(ctx, ws, userID, m))
}

func (n *signalling) Post(ctx context.Context, ws bot.WorkspaceRef, channel string, m bot.Message) error {
	return n.signal("#"+channel, m, n.recorder.Post(ctx, ws, channel, m))
}

func (n *signalling) signal(target string, m bot.Message, err error) error {
	now := n.clock.Now()
	select {
	case n.sent <- delivery{At: now, Target: target, Text: plain(m, now)}:
	default: // more than a test waits for: a runaway, which its counts show
	}
	return err
}

// running is a world whose scheduler runs with Run.
type running struct {
	*world
	sent chan delivery
}

// runWorld starts Run on a world at start with cfg (the safety net's
// period made a day, so the wall clock never ticks it during a test), and
// waits until Run has armed its timer for the daily planner.
func runWorld(t *testing.T, start time.Time, cfg Config, store func(bot.Store) bot.Store) *running {
	t.Helper()
	w := newWorld(t, start)
	cfg.Tick = 24 * time.Hour
	if cfg.Jitter == nil {
		cfg.Jitter = func() float64 { return 0.5 }
	}
	var st bot.Store = w.db
	if store != nil {
		st = store(w.db)
	}
	w.sched = New(st, w.clock, quiet, cfg)
	r := &running{world: w, sent: make(chan delivery, 100)}
	w.sched.SetNotifier(bot.Console, &signalling{recorder: w.notify, sent: r.sent})
	w.router.SetPlanner(w.sched)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.sched.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	r.waitForTimer(planDue(start))
	return r
}

// planDue is when the daily planner runs next after now.
func planDue(now time.Time) time.Time {
	return bot.LocalTime(bot.DateOf(now.UTC()).AddDays(1), planAt, time.UTC)
}

// waitForTimer waits until Run's timer is armed for at.
func (r *running) waitForTimer(at time.Time) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	if err := r.clock.WaitForTimer(ctx, at); err != nil {
		r.t.Fatalf("the scheduler's timer was never armed for %s (it is %s)", at.UTC().Format(time.TimeOnly), r.clock.Now().UTC().Format(time.TimeOnly))
	}
}

// next waits for the next delivery attempt.
func (r *running) next() delivery {
	r.t.Helper()
	select {
	case d := <-r.sent:
		return d
	case <-time.After(guard):
		r.t.Fatalf("nothing was delivered by %s", r.clock.Now().UTC().Format(time.TimeOnly))
		return delivery{}
	}
}

// postJob is a post in #news saying key, due at due.
func (r *running) postJob(key string, due time.Time) bot.Job {
	msg := bot.Message{}
	msg.Addf("%s", key)
	return bot.Job{Key: r.ws.Key() + "/test/" + key, Kind: bot.JobPost, Workspace: r.ws, Due: due, Channel: "news", Message: &msg}
}

// command runs a command as user (staff if "boss") and checks its reply;
// unlike world.do, it leaves delivering to Run.
func (r *running) command(user, line, want string) {
	r.t.Helper()
	path, opts, err := bot.ParseCommandLine(line)
	if err != nil {
		r.t.Fatalf("%s: %v", line, err)
	}
	resp := r.router.Handle(context.Background(), bot.Request{Workspace: r.ws, UserID: user, UserName: user,
		Staff: user == "boss", Path: path, Options: opts})
	if got := plain(resp.Message, r.clock.Now()); !strings.Contains(got, want) {
		r.t.Fatalf("%s as %s:\n got %q\nwant it to contain %q", line, user, got, want)
	}
}

// add adds jobs as the router does: commit, then Dispatch.
func (r *running) add(jobs ...bot.Job) {
	r.t.Helper()
	if err := r.db.AddJobs(context.Background(), jobs); err != nil {
		r.t.Fatal(err)
	}
	r.sched.Dispatch()
}

func TestJobDueInOneSecondGoesOutWithinIt(t *testing.T) {
	start := mustTime(t, "2026-11-30T09:00:00-05:00")
	r := runWorld(t, start, Config{}, nil)
	if got := r.sched.LastWake(); !got.Equal(start) {
		t.Errorf("LastWake after the first tick = %s, want %s", got, start)
	}
	due := start.Add(time.Second)
	r.add(r.postJob("soon", due))
	r.waitForTimer(due)
	if n := len(r.notify.deliveries()); n != 0 {
		t.Fatalf("%d deliveries before the job was due", n)
	}
	r.clock.Advance(time.Second)
	d := r.next()
	if d.Text != "soon" || !d.At.Equal(due) {
		t.Errorf("delivered %q at %s, want %q at %s", d.Text, d.At, "soon", due)
	}
	r.waitForTimer(planDue(start)) // idle again: the next job is the planner
	if got := r.sched.LastWake(); !got.Equal(due) {
		t.Errorf("LastWake = %s, want %s", got, due)
	}
}

func TestTimerReArmedEarlierWins(t *testing.T) {
	start := mustTime(t, "2026-11-30T09:00:00-05:00")
	r := runWorld(t, start, Config{}, nil)
	late, early := start.Add(10*time.Minute), start.Add(time.Minute)
	r.add(r.postJob("late", late))
	r.waitForTimer(late)
	r.add(r.postJob("early", early))
	r.waitForTimer(early)
	r.clock.Set(early)
	if d := r.next(); d.Text != "early" || !d.At.Equal(early) {
		t.Errorf("first delivery %q at %s, want %q at %s", d.Text, d.At, "early", early)
	}
	r.waitForTimer(late)
	r.clock.Set(late)
	if d := r.next(); d.Text != "late" || !d.At.Equal(late) {
		t.Errorf("second delivery %q at %s, want %q at %s", d.Text, d.At, "late", late)
	}
}

// TestScheduledAnnouncementIsOnTime: the router adds a job due later, and
// the timer is set for it, not left for the safety net.
func TestScheduledAnnouncementIsOnTime(t *testing.T) {
	start := mustTime(t, "2026-11-30T09:00:00-05:00")
	r := runWorld(t, start, Config{}, nil)
	r.command("boss", `/cohort create name:"Spark" start:2026-11-30`, "Created")
	r.command("boss", "/cohort settings announce:#news", "news")
	r.command("boss", `/announce text:"Office hours at 10" at:"2026-11-30 09:30"`, "will go to")
	due := start.Add(30 * time.Minute)
	r.waitForTimer(due)
	r.clock.Set(due)
	if d := r.next(); d.Target != "#news" || !d.At.Equal(due) {
		t.Errorf("delivered %s, want the announcement in #news at %s", d, due.UTC().Format(time.TimeOnly))
	}
}

// TestFailingNotifierDoesNotSpin: a delivery that keeps failing wakes the
// scheduler once per attempt, at its back-off, and no more.
func TestFailingNotifierDoesNotSpin(t *testing.T) {
	start := mustTime(t, "2026-11-30T09:00:00-05:00")
	r := runWorld(t, start, Config{MaxAttempts: 4, BaseBackoff: 30 * time.Second}, nil)
	r.notify.fail = func(string, int) error { return errors.New("platform unreachable") }
	wakes := r.sched.wakes.Load()
	r.add(r.postJob("doomed", start))
	// Back-off doubles from 30s (the jitter is fixed at no change).
	want := []time.Time{start, start.Add(30 * time.Second), start.Add(90 * time.Second), start.Add(210 * time.Second)}
	for i, at := range want {
		if i > 0 {
			r.waitForTimer(at)
			r.clock.Set(at)
		}
		if d := r.next(); !d.At.Equal(at) {
			t.Fatalf("attempt %d at %s, want %s", i+1, d.At, at)
		}
	}
	r.sched.Wait() // the last attempt's worker has recorded it
	if n := len(r.notify.attemptTimes("#news", "doomed")); n != len(want) {
		t.Errorf("%d attempts, want %d", n, len(want))
	}
	// One tick for the Dispatch, one per retry.
	if got := r.sched.wakes.Load() - wakes; got != int64(len(want)) {
		t.Errorf("the scheduler woke %d times for %d attempts, want %d", got, len(want), len(want))
	}
	if o, err := r.db.JobOutcome(context.Background(), r.ws.Key()+"/test/doomed"); err != nil || o.Result != bot.Failed {
		t.Errorf("outcome %+v, %v; want failed", o, err)
	}
}

// failingStore cannot record what becomes of a job.
type failingStore struct{ bot.Store }

var errDiskFull = errors.New("disk full")

func (failingStore) FinishJob(context.Context, bot.Outcome) error { return errDiskFull }
func (failingStore) UpdateJob(context.Context, bot.Job) error     { return errDiskFull }

// TestFailingStoreDoesNotSpin: a job whose outcome cannot be recorded stays
// due; the scheduler tries it again after stuckRetry, not in a busy loop.
func TestFailingStoreDoesNotSpin(t *testing.T) {
	start := mustTime(t, "2026-11-30T09:00:00-05:00")
	r := runWorld(t, start, Config{}, func(s bot.Store) bot.Store { return failingStore{s} })
	wakes := r.sched.wakes.Load()
	r.add(r.postJob("stuck", start))
	r.next()
	r.waitForTimer(start.Add(stuckRetry)) // not at once
	if got := r.sched.wakes.Load() - wakes; got != 1 {
		t.Errorf("the scheduler woke %d times before retrying, want 1", got)
	}
	r.clock.Advance(stuckRetry)
	if d := r.next(); !d.At.Equal(start.Add(stuckRetry)) {
		t.Errorf("tried again at %s, want %s", d.At, start.Add(stuckRetry))
	}
	r.waitForTimer(start.Add(2 * stuckRetry))
}

// TestTimerIgnoresAJobFinishedWhileItLooks: a worker that finishes its job
// while the timer is being set does not make that job look stuck (tried,
// still due), which would put every due job off by stuckRetry.
func TestTimerIgnoresAJobFinishedWhileItLooks(t *testing.T) {
	w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
	ctx := context.Background()
	now := w.clock.Now()
	r := &running{world: w}
	held, next := r.postJob("held", now), r.postJob("next", now.Add(time.Minute))
	if err := w.db.AddJobs(ctx, []bot.Job{held, next}); err != nil {
		t.Fatal(err)
	}
	store := &staleStore{Store: w.db}
	s := New(store, w.clock, quiet, w.cfg)
	s.slots <- struct{}{} // held is on a worker...
	s.claim(held.Key)
	store.meanwhile = func() { // ...which finishes it after the index was read
		if err := w.db.FinishJob(ctx, bot.Outcome{Key: held.Key, Kind: held.Kind, Workspace: w.ws, Result: bot.Sent, At: now}); err != nil {
			t.Error(err)
		}
		s.done(held.Key)
	}
	at, ok := s.nextWake(ctx, now)
	if !ok || !at.Equal(next.Due) {
		t.Errorf("nextWake = %s, %v; want %s, the next job's due time", at, ok, next.Due)
	}
}
