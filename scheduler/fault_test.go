package scheduler

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"sparkbot/bot"
)

// faultWorld is a cohort with a fallback channel, ready to add hosts whose
// welcome DMs exercise delivery.
func faultWorld(t *testing.T, fail func(target string, attempt int) error) *world {
	t.Helper()
	w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
	w.notify.fail = fail
	w.must("boss", `/cohort create name:"Spark" start:2026-11-30`, "Created")
	w.must("boss", "/cohort settings fallback:#help", "Saved")
	return w
}

func offsets(start time.Time, ts []time.Time) []time.Duration {
	var out []time.Duration
	for _, t := range ts {
		out = append(out, t.Sub(start))
	}
	return out
}

func TestRetryBackoff(t *testing.T) {
	tests := []struct {
		name string
		fail func(attempt int) error
		want []time.Duration // attempt times after the first
	}{
		{"fails twice, then works: 30s, then 60s later",
			func(n int) error {
				if n <= 2 {
					return errors.New("connection reset")
				}
				return nil
			},
			[]time.Duration{0, 30 * time.Second, 90 * time.Second}},
		{"rate limited: waits the platform's retry-after (plus under a second)",
			func(n int) error {
				if n == 1 {
					return bot.RetryLater(90*time.Second, "rate limited", nil)
				}
				return nil
			},
			[]time.Duration{0, 90*time.Second + 500*time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := faultWorld(t, func(target string, n int) error {
				if target == "@alice" {
					return tt.fail(n)
				}
				return nil
			})
			start := w.clock.Now()
			w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
			w.advanceTo(start.Add(time.Hour))
			if got := offsets(start, w.notify.attemptTimes("@alice", "Welcome")); !equalDurations(got, tt.want) {
				t.Errorf("attempts at %v, want %v", got, tt.want)
			}
			if n := len(w.notify.attemptTimes("@alice", "Welcome")) - len(tt.want); n != 0 {
				t.Errorf("%d extra attempts", n)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestGiveUpAfterMaxAttempts(t *testing.T) {
	w := faultWorld(t, func(target string, n int) error {
		if target == "@alice" {
			return errors.New("502 bad gateway")
		}
		return nil
	})
	start := w.clock.Now()
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
	w.advanceTo(start.Add(48 * time.Hour))
	attempts := w.notify.attemptTimes("@alice", "Welcome")
	if len(attempts) != w.sched.cfg.MaxAttempts {
		t.Fatalf("%d attempts, want %d: %v", len(attempts), w.sched.cfg.MaxAttempts, offsets(start, attempts))
	}
	for i := 2; i < len(attempts); i++ {
		if gap, prev := attempts[i].Sub(attempts[i-1]), attempts[i-1].Sub(attempts[i-2]); gap < prev && gap != w.sched.cfg.MaxBackoff {
			t.Errorf("back-off shrank: %v after %v", gap, prev)
		}
	}
	if last := attempts[len(attempts)-1].Sub(attempts[len(attempts)-2]); last != w.sched.cfg.MaxBackoff {
		t.Errorf("last gap %v, want the cap %v", last, w.sched.cfg.MaxBackoff)
	}
	w.must("boss", "/cohort report", "gave up after 10 attempts: 502 bad gateway")
}

func TestPermanentFailureFallsBack(t *testing.T) {
	w := faultWorld(t, func(target string, n int) error {
		if target == "@alice" {
			return bot.PermanentFailure("alice does not accept DMs from the bot", errors.New("50007"))
		}
		return nil
	})
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
	w.advanceTo(w.clock.Now().Add(time.Hour))
	if n := len(w.notify.attemptTimes("@alice", "Welcome")); n != 1 {
		t.Errorf("%d attempts at a permanent failure, want 1 (no retry loop)", n)
	}
	got := w.notify.deliveries()
	if len(got) != 1 || got[0].Target != "#help" || !strings.HasPrefix(got[0].Text, "@alice I couldn't send you a DM, so here it is: / Welcome to Spark") {
		t.Errorf("want one fallback post mentioning alice in #help, got:\n%s", render(got))
	}
	w.must("boss", "/cohort report", "dm to @alice")
}

// blockingNotifier holds DMs to one user until released; others go through.
type blockingNotifier struct {
	*recorder
	slowUser string
	entered  chan struct{}
	release  chan struct{}
	fast     chan string
}

func (b *blockingNotifier) DM(ctx context.Context, ws bot.WorkspaceRef, userID string, m bot.Message) error {
	if userID == b.slowUser {
		b.entered <- struct{}{}
		select {
		case <-b.release:
		case <-ctx.Done():
			return ctx.Err()
		}
		return b.recorder.DM(ctx, ws, userID, m)
	}
	err := b.recorder.DM(ctx, ws, userID, m)
	b.fast <- userID
	return err
}

// TestTickNeverBlocksOnASlowPlatform: a hung delivery holds its worker,
// not the tick, and is not handed out twice.
func TestTickNeverBlocksOnASlowPlatform(t *testing.T) {
	w := faultWorld(t, nil)
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
	w.must("boss", "/cohort add user:@bob handle:@bob_x", "Added")
	slow := &blockingNotifier{recorder: w.notify, slowUser: "alice", entered: make(chan struct{}, 1),
		release: make(chan struct{}), fast: make(chan string, 4)}
	w.sched.SetNotifier(bot.Console, slow)
	ctx := context.Background()
	w.db.AddJobs(ctx, []bot.Job{
		{Key: "console:sim/test/alice", Kind: bot.JobDM, Workspace: w.ws, Due: w.clock.Now(), UserID: "alice", Message: &bot.Message{Blocks: []bot.Block{{Lines: []bot.Line{{bot.Text("hi alice")}}}}}},
		{Key: "console:sim/test/bob", Kind: bot.JobDM, Workspace: w.ws, Due: w.clock.Now(), UserID: "bob", Message: &bot.Message{Blocks: []bot.Block{{Lines: []bot.Line{{bot.Text("hi bob")}}}}}},
	})
	w.sched.Tick(ctx) // returns at once: both deliveries are on workers
	<-slow.entered
	if got := <-slow.fast; got != "bob" {
		t.Fatalf("fast delivery went to %q", got)
	}
	w.clock.Set(w.clock.Now().Add(time.Minute)) // alice's job is still due
	w.sched.Tick(ctx)                           // must not hand alice's job out again
	close(slow.release)
	w.sched.Wait()
	var alice int
	for _, d := range w.notify.deliveries() {
		if d.Target == "@alice" && d.Text == "hi alice" {
			alice++
		}
	}
	if alice != 1 {
		t.Errorf("alice got %d DMs, want 1", alice)
	}
	if jobs, _ := w.db.PendingJobs(ctx, "console:sim/test/"); len(jobs) != 0 {
		t.Errorf("%d jobs still pending, want 0", len(jobs))
	}
}

// TestSendTimeout: a notifier that never answers is cut off and retried.
func TestSendTimeout(t *testing.T) {
	w := faultWorld(t, nil)
	w.sched.cfg.SendTimeout = 20 * time.Millisecond
	var once sync.Once
	hang := &hangingNotifier{recorder: w.notify, hangOnce: &once}
	w.sched.SetNotifier(bot.Console, hang)
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
	w.advanceTo(w.clock.Now().Add(time.Hour))
	if n := len(w.notify.attemptTimes("@alice", "Welcome")); n != 1 {
		t.Errorf("%d welcome deliveries after a hung first attempt, want 1", n)
	}
}

type hangingNotifier struct {
	*recorder
	hangOnce *sync.Once
}

func (h *hangingNotifier) DM(ctx context.Context, ws bot.WorkspaceRef, userID string, m bot.Message) error {
	hung := false
	h.hangOnce.Do(func() { hung = true })
	if hung {
		<-ctx.Done() // the platform never answers; only the timeout ends this
		return ctx.Err()
	}
	return h.recorder.DM(ctx, ws, userID, m)
}

// TestBacklogDeliversEachJobOnce: with more due than workers, ticks run
// back to back while workers finish; a job a worker finished after a
// tick's snapshot was read must not be handed out again.
func TestBacklogDeliversEachJobOnce(t *testing.T) {
	w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
	ctx := context.Background()
	const n = 1000
	var jobs []bot.Job
	for i := 0; i < n; i++ {
		msg := bot.Message{}
		msg.Addf("post %d", i)
		jobs = append(jobs, bot.Job{Key: fmt.Sprintf("%s/test/%04d", w.ws.Key(), i), Kind: bot.JobPost,
			Workspace: w.ws, Due: w.clock.Now(), Channel: fmt.Sprintf("c%04d", i), Message: &msg})
	}
	if err := w.db.AddJobs(ctx, jobs); err != nil {
		t.Fatal(err)
	}
	for {
		w.sched.Tick(ctx)
		if pending, _ := w.db.PendingJobs(ctx, w.ws.Key()+"/test/"); len(pending) == 0 {
			break
		}
	}
	w.sched.Wait()
	seen := map[string]bool{}
	for _, d := range w.notify.deliveries() {
		if seen[d.Target] {
			t.Errorf("delivered twice: %s", d)
		}
		seen[d.Target] = true
	}
	if len(seen) != n {
		t.Errorf("%d posts delivered, want %d", len(seen), n)
	}
}

// staleStore hands out DueJobs' list and then, before the tick works
// through it, runs meanwhile: what a worker may do in that gap.
type staleStore struct {
	bot.Store
	meanwhile func()
}

func (s *staleStore) DueJobs(ctx context.Context, now time.Time, limit int) ([]bot.Job, error) {
	jobs, err := s.Store.DueJobs(ctx, now, limit)
	if s.meanwhile != nil {
		s.meanwhile()
		s.meanwhile = nil
	}
	return jobs, err
}

// TestTickSkipsAJobPutOffMeanwhile: a job a worker failed and put off (with
// back-off) after the tick read its list is not sent again at once from the
// stale list.
func TestTickSkipsAJobPutOffMeanwhile(t *testing.T) {
	w := faultWorld(t, nil)
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
	ctx := context.Background()
	msg := bot.Message{}
	msg.Addf("hi alice")
	job := bot.Job{Key: "console:sim/test/alice", Kind: bot.JobDM, Workspace: w.ws, Due: w.clock.Now(), UserID: "alice", Message: &msg}
	if err := w.db.AddJobs(ctx, []bot.Job{job}); err != nil {
		t.Fatal(err)
	}
	store := &staleStore{Store: w.db, meanwhile: func() {
		job.Due, job.Attempts = w.clock.Now().Add(30*time.Second), 1 // a worker's retry
		if err := w.db.UpdateJob(ctx, job); err != nil {
			t.Error(err)
		}
	}}
	s := New(store, w.clock, quiet, w.cfg)
	s.SetNotifier(bot.Console, w.notify)
	s.Tick(ctx)
	s.Wait()
	if n := len(w.notify.attemptTimes("@alice", "hi alice")); n != 0 {
		t.Errorf("the put-off job was sent %d times from the stale list, want 0", n)
	}
}

// TestSkippedDateIsNotNudgedLater: the daily planner's look back does not
// bring back the nudge of a date the host skipped.
func TestSkippedDateIsNotNudgedLater(t *testing.T) {
	w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
	w.nightOwls()
	w.must("alice", "/spaces schedule skip id:1 date:2026-12-01", "Skipping")
	w.advanceTo(mustTime(t, "2026-12-02T19:00:00-05:00")) // past Wednesday's daily planner
	w.must("alice", "/spaces schedule skip id:1 date:2026-12-08", "Skipping")
	w.advanceTo(mustTime(t, "2026-12-03T12:00:00-05:00"))
	for _, d := range w.notify.deliveries() {
		if strings.Contains(d.Text, "Night owls") && strings.Contains(d.Text, "Tue 1 Dec") {
			t.Errorf("delivered for the skipped date: %s", d)
		}
	}
}
