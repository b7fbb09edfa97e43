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

// WatchSharer is a store shared by replicas that carries Stale across
// them: the leader's watcher runs the rounds, while hosts, links,
// schedules and cohorts change on whichever replica served the command.
// bbolt needs none (one process: its watcher hears Stale itself).
type WatchSharer interface {
	// MarkWatchStale records, after a change has committed, that what the
	// watcher watches changed.
	MarkWatchStale(ctx context.Context) error
	// WatchGeneration moves each time any replica calls MarkWatchStale.
	WatchGeneration(ctx context.Context) (int64, error)
}

// SetWatcher makes the scheduler watch X with w. Call it before Run or
// PlanAll; without it (no X token), no watch job is planned.
func (s *Scheduler) SetWatcher(w Watcher) { s.watcher = w }

// watchStale tells the watcher, if any, that what it watches changed:
// this process's, and through the store the leader's, wherever it runs.
func (s *Scheduler) watchStale(ctx context.Context) {
	if s.watcher == nil {
		return
	}
	s.watcher.Stale()
	if sh := s.replica.watchSharer; sh != nil {
		if err := sh.MarkWatchStale(ctx); err != nil {
			s.log.Warn("telling the leader's X watcher of a change; it reads everything again within 5 minutes", "err", err)
		}
	}
}

// watchChanges, before a round, makes the watcher read everything again
// when another replica marked a change since the last round (or the
// generation cannot be read: reading again is the safe side).
func (s *Scheduler) watchChanges(ctx context.Context) {
	sh := s.replica.watchSharer
	if sh == nil {
		return
	}
	g, err := sh.WatchGeneration(ctx)
	if err != nil {
		s.log.Warn("reading the X watcher's generation; reading everything again", "err", err)
		s.watcher.Stale()
		return
	}
	if s.replica.watchSeen.Swap(g) != g {
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
	s.watchChanges(ctx)
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
