package scheduler

import (
	"context"
	"time"

	"sparkbot/bot"
)

// Watching X is a job like the others, so it runs on the scheduler's
// clock (a bot-minute apart on the console's fake one too) and in due
// order with what it makes due: one watch job a day (key
// sparkbot/watch/<UTC date>) runs a round, puts itself off to the next
// round, and on the last round of the day hands over to the next day's.
// PlanAll adds today's at every start, so a restart watches at once.

// Watcher is what the watch and recheck jobs run; *bot.Watcher is one.
type Watcher interface {
	// Round polls X once and returns when the next round is due.
	Round(ctx context.Context) time.Time
	// Recheck asks X about a pasted link again; it returns when to ask
	// next, or the zero time when done.
	Recheck(ctx context.Context, ws bot.WorkspaceRef, spaceID string, first time.Time) (time.Time, error)
	// Stale says hosts, links, schedules or a cohort changed: the next
	// round reads them again.
	Stale()
}

var _ Watcher = (*bot.Watcher)(nil)

// SetWatcher makes the scheduler watch X with w. Call it before Run or
// PlanAll; without it (no X token), no watch job is planned.
func (s *Scheduler) SetWatcher(w Watcher) { s.watcher = w }

// watchStale tells the watcher, if any, that what it watches changed.
func (s *Scheduler) watchStale() {
	if s.watcher != nil {
		s.watcher.Stale()
	}
}

func watchKey(day bot.Date) string { return "sparkbot/watch/" + day.String() }

// watchJobs is today's watch job, due now, when X is connected.
func (s *Scheduler) watchJobs(now time.Time) []bot.Job {
	if s.watcher == nil {
		return nil
	}
	return []bot.Job{{Key: watchKey(bot.DateOf(now.UTC())), Kind: bot.JobWatch, Due: now}}
}

// composeX runs a watch round or a recheck.
func (s *Scheduler) composeX(ctx context.Context, j bot.Job) (verdict, error) {
	if s.watcher == nil {
		return skipped("sparkbot is not connected to X"), nil
	}
	if j.Kind == bot.JobRecheck {
		next, err := s.watcher.Recheck(ctx, j.Workspace, j.SpaceID, j.FirstDue())
		if err != nil || next.IsZero() {
			return verdict{done: true}, err
		}
		return verdict{deferTo: next}, nil
	}
	next := s.watcher.Round(ctx)
	day := bot.DateOf(j.Due.UTC())
	if nextDay := bot.DateOf(next.UTC()); nextDay != day {
		tomorrow := bot.Job{Key: watchKey(nextDay), Kind: bot.JobWatch, Due: next}
		return verdict{done: true}, s.store.AddJobs(ctx, []bot.Job{tomorrow})
	}
	return verdict{deferTo: next}, nil
}

// composeXReminder is the reminder of a Space a host scheduled on X.
func (s *Scheduler) composeXReminder(ctx context.Context, j bot.Job) (verdict, error) {
	msg, skip, err := bot.XReminder(ctx, s.store, j, s.clock.Now())
	if err != nil || skip != "" {
		return skipped(skip), err
	}
	co, err := s.store.Cohort(ctx, j.Workspace)
	return verdict{dm: j.UserID, msg: msg, fallback: co.FallbackChannel}, err
}
