package scheduler

import (
	"context"
	"time"

	"sparkbot/bot"
)

// DeliveryObserver hears how each delivery attempt ended, for metrics and
// logs. Nothing in a DeliveryEvent is text a user typed; its Workspace is
// for log lines, never for metric labels.
type DeliveryObserver interface {
	DeliveryDone(ctx context.Context, e DeliveryEvent)
}

// DeliveryEvent is one attempt at one job.
type DeliveryEvent struct {
	Workspace bot.WorkspaceRef
	Kind      bot.JobKind
	// Result is bot.Sent, bot.Skipped or bot.Failed when the job
	// finished, Retried when it will be tried again.
	Result bot.Result
	// Lateness is how long after its due time the job finished (the due
	// time it had then: a retry or a deferral moves it).
	Lateness time.Duration
	Attempts int
}

// Retried is DeliveryEvent.Result for an attempt that failed and will be
// tried again.
const Retried bot.Result = "retried"

// SetObserver makes the scheduler tell o about every delivery attempt.
// Call it before Run.
func (s *Scheduler) SetObserver(o DeliveryObserver) { s.observer = o }

// observe tells the observer, if any, how an attempt at j ended.
func (s *Scheduler) observe(ctx context.Context, j bot.Job, result bot.Result) {
	if s.observer == nil {
		return
	}
	s.observer.DeliveryDone(ctx, DeliveryEvent{Workspace: j.Workspace, Kind: j.Kind, Result: result,
		Lateness: s.clock.Now().Sub(j.Due), Attempts: j.Attempts})
}
