package scheduler

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"sparkbot/bot"
)

// verdict is what composing a job decided.
type verdict struct {
	dm      string // DM this user...
	channel string // ...or post in this channel
	msg     bot.Message

	done     bool      // the job did its work itself (planning, fan-out)
	skip     string    // finish without sending, recording why
	fail     string    // finish as failed without sending (staff should act), recording why
	drop     bool      // forget without an outcome: it may be planned again
	deferTo  time.Time // not now (quiet hours): due again then
	fallback string    // channel for a mention if the DM fails for good
}

func skipped(reason string) verdict { return verdict{skip: reason} }

// process composes and delivers one job, and reports whether it moved the
// job on (finished, dropped or rescheduled it); false means the store failed.
func (s *Scheduler) process(ctx context.Context, j bot.Job) (progress bool) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("job panicked", "workspace", j.Workspace.Key(), "kind", j.Kind, "outcome", "panic", "key", j.Key, "panic", p, "stack", string(debug.Stack()))
			progress = s.retry(ctx, j, fmt.Errorf("panic: %v", p), 0)
		}
	}()
	v, err := s.compose(ctx, j)
	if err != nil {
		s.log.Error("composing a delivery failed", "workspace", j.Workspace.Key(), "kind", j.Kind, "outcome", "compose_failed", "key", j.Key, "err", err)
		return s.retry(ctx, j, err, 0)
	}
	switch {
	case v.drop:
		return s.check(j, s.store.DropJob(ctx, j.Key))
	case v.skip != "":
		return s.finish(ctx, j, bot.Skipped, v.skip)
	case v.fail != "":
		return s.finish(ctx, j, bot.Failed, v.fail)
	case v.done:
		return s.finish(ctx, j, bot.Sent, "")
	case !v.deferTo.IsZero():
		return s.check(j, s.store.UpdateJob(ctx, postpone(j, v.deferTo)))
	}
	return s.deliver(ctx, j, v)
}

// deliver sends a job and records the result. The job is recorded (pending
// in the due index) before it is sent and finished only after the notifier
// succeeded, so a crash mid-send leaves it due: sent again on restart, never
// lost. Within the process, the in-flight set keeps a second tick from
// handing it out while it is being sent.
func (s *Scheduler) deliver(ctx context.Context, j bot.Job, v verdict) bool {
	n, ok := s.notifiers[j.Workspace.Platform]
	if !ok {
		// Not the delivery's fault, and not to give up on: the platform may
		// be configured again. Look again in a while.
		s.log.Warn("no adapter for a delivery's platform; will look again", "workspace", j.Workspace.Key(), "kind", j.Kind,
			"outcome", "no_adapter", "key", j.Key, "platform", j.Workspace.Platform)
		return s.check(j, ignoreGone(s.store.UpdateJob(ctx, postpone(j, s.clock.Now().Add(noAdapterRetry)))))
	}
	sendCtx, cancel := context.WithTimeout(ctx, s.cfg.SendTimeout)
	defer cancel()
	var err error
	if v.dm != "" {
		err = n.DM(sendCtx, j.Workspace, v.dm, v.msg)
	} else {
		err = n.Post(sendCtx, j.Workspace, v.channel, v.msg)
	}
	if err == nil {
		if s.afterSend != nil && !s.afterSend(j) {
			return true // a simulated crash: the job stays pending
		}
		return s.finish(ctx, j, bot.Sent, "")
	}
	de, _ := bot.AsDeliveryError(err)
	if de != nil && de.Permanent {
		s.fallBack(ctx, j, v)
		return s.finish(ctx, j, bot.Failed, de.Reason)
	}
	var after time.Duration
	if de != nil {
		after = de.RetryAfter
	}
	return s.retry(ctx, j, err, after)
}

// noAdapterRetry is how often a delivery for a platform that is not running
// looks again.
const noAdapterRetry = 5 * time.Minute

// retry reschedules a failed attempt with exponential back-off and jitter,
// or no sooner than the platform's retry-after; after MaxAttempts it gives up.
func (s *Scheduler) retry(ctx context.Context, j bot.Job, err error, retryAfter time.Duration) bool {
	// Every failed attempt counts, before sending (no adapter, a compose
	// error, a panic) or while sending, so none can loop forever.
	j.Attempts++
	if j.Attempts >= s.cfg.MaxAttempts {
		return s.finish(ctx, j, bot.Failed, fmt.Sprintf("gave up after %d attempts: %v", j.Attempts, err))
	}
	s.observe(ctx, j, Retried)
	s.log.Warn("delivery failed; will retry", "workspace", j.Workspace.Key(), "kind", j.Kind, "outcome", Retried,
		"key", j.Key, "attempt", j.Attempts, "err", err)
	j.LastError = err.Error()
	j = postpone(j, s.clock.Now().Add(s.backoff(j.Attempts, retryAfter)))
	return s.check(j, ignoreGone(s.store.UpdateJob(ctx, j)))
}

// postpone moves j to be due at at, keeping when it was first due.
func postpone(j bot.Job, at time.Time) bot.Job {
	j.Planned = j.FirstDue()
	j.Due = at
	return j
}

// backoff is the delay before attempt+1.
func (s *Scheduler) backoff(attempt int, retryAfter time.Duration) time.Duration {
	d := s.cfg.BaseBackoff << min(attempt-1, 20)
	if d > s.cfg.MaxBackoff || d <= 0 {
		d = s.cfg.MaxBackoff
	}
	d = time.Duration(float64(d) * (0.8 + 0.4*s.cfg.Jitter())) // ±20%
	if retryAfter > 0 {
		d = retryAfter + time.Duration(float64(time.Second)*s.cfg.Jitter())
	}
	return max(d, time.Second)
}

// fallBack posts a mention of the host in the cohort's fallback channel when
// a DM failed for good, so the message is not lost.
func (s *Scheduler) fallBack(ctx context.Context, j bot.Job, v verdict) {
	if v.dm == "" || v.fallback == "" {
		return
	}
	msg := bot.FallbackMessage(v.dm, v.msg)
	job := bot.Job{Key: j.Key + "/fallback", Kind: bot.JobPost, Workspace: j.Workspace, Due: s.clock.Now(),
		UserID: v.dm, Channel: v.fallback, Message: &msg}
	if err := s.store.AddJobs(ctx, []bot.Job{job}); err != nil {
		s.log.Error("queueing a fallback post", "workspace", j.Workspace.Key(), "kind", j.Kind, "outcome", "fallback_failed", "key", j.Key, "err", err)
	}
}

func (s *Scheduler) finish(ctx context.Context, j bot.Job, result bot.Result, reason string) bool {
	o := bot.Outcome{Key: j.Key, Kind: j.Kind, Workspace: j.Workspace, UserID: j.UserID, Channel: j.Channel,
		Result: result, Reason: reason, At: s.clock.Now()}
	s.observe(ctx, j, result)
	if result == bot.Failed {
		s.log.Warn("delivery failed for good", "workspace", j.Workspace.Key(), "kind", j.Kind, "outcome", result,
			"key", j.Key, "reason", reason)
	}
	return s.check(j, s.store.FinishJob(ctx, o))
}

// check logs a store error and reports whether the job moved on.
func (s *Scheduler) check(j bot.Job, err error) bool {
	if err != nil {
		s.log.Error("recording a job's state", "workspace", j.Workspace.Key(), "kind", j.Kind, "outcome", "store_failed", "key", j.Key, "err", err)
		return false
	}
	return true
}

// ignoreGone treats a job cancelled meanwhile as handled.
func ignoreGone(err error) error {
	if errors.Is(err, bot.ErrNotFound) {
		return nil
	}
	return err
}
