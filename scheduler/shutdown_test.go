package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"sparkbot/bot"
)

// gatedNotifier holds every DM until gate is closed, telling entered.
type gatedNotifier struct {
	*recorder
	entered chan struct{}
	gate    chan struct{}
	ctxErr  chan error // the DM's context error when the gate opened
}

func (g *gatedNotifier) DM(ctx context.Context, ws bot.WorkspaceRef, userID string, m bot.Message) error {
	g.entered <- struct{}{}
	select {
	case <-g.gate:
	case <-ctx.Done():
	}
	g.ctxErr <- ctx.Err()
	if err := ctx.Err(); err != nil {
		return err
	}
	return g.recorder.DM(ctx, ws, userID, m)
}

// hostWorld is a cohort with one host, alice, whose welcome is sent.
func hostWorld(t *testing.T) *world {
	w := faultWorld(t, nil)
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
	return w
}

// dmJobs are n DMs to alice, due now.
func dmJobs(w *world, n int) []bot.Job {
	jobs := make([]bot.Job, n)
	for i := range jobs {
		text := fmt.Sprintf("hi %d", i)
		jobs[i] = bot.Job{Key: fmt.Sprintf("console:sim/test/%d", i), Kind: bot.JobDM, Workspace: w.ws, Due: w.clock.Now(),
			UserID: "alice", Message: &bot.Message{Blocks: []bot.Block{{Lines: []bot.Line{{bot.Text(text)}}}}}}
	}
	return jobs
}

// TestRunFinishesDeliveriesInFlight: when Run's context ends, a delivery
// in flight goes on (its context is not cancelled) and is recorded as
// sent; the jobs no worker had stay pending as they were.
func TestRunFinishesDeliveriesInFlight(t *testing.T) {
	w := hostWorld(t)
	w.sched.cfg.Workers = 1
	w.sched.slots = make(chan struct{}, 1)
	g := &gatedNotifier{recorder: w.notify, entered: make(chan struct{}, 3), gate: make(chan struct{}), ctxErr: make(chan error, 3)}
	w.sched.SetNotifier(bot.Console, g)
	jobs := dmJobs(w, 3)
	if err := w.db.AddJobs(context.Background(), jobs); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.sched.Run(ctx) }()
	<-g.entered
	cancel()
	close(g.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-g.ctxErr; err != nil {
		t.Errorf("the delivery in flight was cancelled with Run's context: %v", err)
	}
	sent, pending := 0, 0
	for _, j := range jobs {
		if o, err := w.db.JobOutcome(context.Background(), j.Key); err == nil && o.Result == bot.Sent {
			sent++
		}
		if p, err := w.db.PendingJob(context.Background(), j.Key); err == nil {
			pending++
			if p.Attempts != 0 || !p.Due.Equal(j.Due) {
				t.Errorf("%s: pending with %d attempts due %s; want it untouched", j.Key, p.Attempts, p.Due)
			}
		}
	}
	if delivered := len(w.notify.attemptTimes("@alice", "hi ")); sent != 1 || pending != 2 || delivered != 1 {
		t.Errorf("sent %d, pending %d, delivered %d; want 1 sent and delivered, 2 pending", sent, pending, delivered)
	}
}

// TestRunCancelsDeliveriesAfterTheGrace: a delivery that hangs past
// ShutdownGrace is cancelled, Run returns, and the job stays pending.
func TestRunCancelsDeliveriesAfterTheGrace(t *testing.T) {
	w := hostWorld(t)
	w.sched.cfg.ShutdownGrace = 20 * time.Millisecond
	g := &gatedNotifier{recorder: w.notify, entered: make(chan struct{}, 1), gate: make(chan struct{}), ctxErr: make(chan error, 1)}
	w.sched.SetNotifier(bot.Console, g)
	jobs := dmJobs(w, 1)
	w.db.AddJobs(context.Background(), jobs)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.sched.Run(ctx) }()
	<-g.entered
	cancel()
	<-done // returns once the grace has passed and the hung delivery gave up
	if err := <-g.ctxErr; !errors.Is(err, context.Canceled) {
		t.Errorf("the hung delivery's context: %v, want cancelled", err)
	}
	if _, err := w.db.PendingJob(context.Background(), jobs[0].Key); err != nil {
		t.Errorf("the cancelled delivery is not pending: %v", err)
	}
}

type observedDeliveries struct {
	mu     sync.Mutex
	events []DeliveryEvent
}

func (o *observedDeliveries) DeliveryDone(_ context.Context, e DeliveryEvent) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, e)
}

// TestObserverHearsEachAttempt: a failed attempt is reported as retried,
// the successful one as sent, with how late it went out.
func TestObserverHearsEachAttempt(t *testing.T) {
	w := hostWorld(t)
	seen := &observedDeliveries{}
	w.sched.SetObserver(seen)
	w.notify.fail = func(_ string, attempt int) error {
		if attempt == 1 {
			return errors.New("platform down")
		}
		return nil
	}
	w.db.AddJobs(context.Background(), dmJobs(w, 1))
	w.clock.Advance(2 * time.Second)
	w.sched.RunDue(context.Background())
	w.advanceTo(w.clock.Now().Add(time.Hour))
	if len(seen.events) != 2 {
		t.Fatalf("observed %+v, want 2 attempts", seen.events)
	}
	first, second := seen.events[0], seen.events[1]
	if first.Result != Retried || first.Kind != bot.JobDM || first.Workspace != w.ws || first.Lateness != 2*time.Second {
		t.Errorf("first attempt: %+v, want a retried DM 2s late", first)
	}
	if second.Result != bot.Sent || second.Attempts != 1 {
		t.Errorf("second attempt: %+v, want sent after 1 failed attempt", second)
	}
}
