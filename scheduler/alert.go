package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sparkbot/bot"
)

// Staff are alerted in their channel when a host misses two counted weeks
// in a row, once per run of missed weeks. Each missed week of a run has a
// key of its own; the run's alert goes with its earliest week, and a later
// week finds an outcome for an earlier one and is recorded as covered. So
// the keys of an alerted run are all finished: when staff then backfill or
// excuse one of its weeks, what is left of the run plans nothing new, and
// neither does the run going on. A run after a met week is new weeks, new
// keys: it alerts.

func alertKey(ws bot.WorkspaceRef, cohort int, userID string, week bot.Date) string {
	return hostJobPrefix(ws, bot.JobAlert, cohort, userID) + week.String()
}

// alertLookBack is how long after a missed week closed its alert key may
// still be planned (bot.AlertLookBack: a host's recent account reaches
// back that far): longer than any outage worth catching up, and shorter
// than outcomes are kept (PlanAll prunes them after the horizon and 30
// days), so a finished key is remembered for as long as it could be
// planned again.
const alertLookBack = bot.AlertLookBack

// alertOrderWait is how long a week's alert waits for an earlier week of
// its run that is pending (being sent, or retried) to be decided first.
const alertOrderWait = 5 * time.Second

// missedRuns returns rec's runs of two or more missed counted weeks, oldest
// first. Only closed weeks that count are in a run: a met or excused week
// ends one, a week that does not count for the host is passed over.
func missedRuns(rec bot.HostRecord, now time.Time) [][]bot.HostWeek {
	var runs [][]bot.HostWeek
	var run []bot.HostWeek
	end := func() {
		if len(run) >= 2 {
			runs = append(runs, run)
		}
		run = nil
	}
	for _, hw := range rec.Weeks {
		if hw.Week.End.After(now) {
			break // the open week
		}
		switch hw.Standing {
		case bot.Missed:
			run = append(run, hw)
		case bot.Met, bot.Excused:
			end()
		}
	}
	end()
	return runs
}

// alertJobs are the keys of the recent weeks of rec's runs of missed weeks.
func alertJobs(ws bot.WorkspaceRef, cohort int, rec bot.HostRecord, now time.Time) []bot.Job {
	var jobs []bot.Job
	for _, run := range missedRuns(rec, now) {
		for _, hw := range run {
			if now.Sub(hw.Week.End) >= alertLookBack {
				continue // long past: decided then, or not worth sending now
			}
			week := hw.Week.StartDate
			jobs = append(jobs, bot.Job{Key: alertKey(ws, cohort, rec.Host.UserID, week), Kind: bot.JobAlert, Workspace: ws,
				Due: now, UserID: rec.Host.UserID, Week: week})
		}
	}
	return jobs
}

// composeAlert posts the alert of the run j's week is in, unless an
// earlier week of the run already has an outcome (the run was alerted, or
// decided not to be). A week no longer in a run (an excuse or a backfill
// given meanwhile) is dropped: it may be planned again.
func (s *Scheduler) composeAlert(ctx context.Context, j bot.Job) (verdict, error) {
	co, h, ok, err := s.hostContext(ctx, j.Workspace, j.UserID)
	if err != nil || !ok {
		return skipped("not a host any more"), err
	}
	channel := co.StaffPostChannel()
	if channel == "" {
		return skipped("no staff channel: set one with /cohort settings staff:#channel"), nil
	}
	now := s.clock.Now()
	acct, err := bot.AccountRecent(ctx, s.store, j.Workspace, co, h, now, bot.LocalTime(j.Week, bot.TimeOfDay{}, co.Location()))
	if err != nil {
		return verdict{}, err
	}
	for _, run := range missedRuns(acct.Record, now) {
		for i, hw := range run {
			if hw.Week.StartDate == j.Week {
				return s.alertRun(ctx, j, co.ID, run[:i], verdict{channel: channel, msg: bot.MissedRunAlert(h.UserID, run)}, now)
			}
		}
	}
	return verdict{drop: true}, nil
}

// alertRun sends v unless a week of earlier, the weeks of j's run before
// j's, has an outcome; while one is pending, j waits for it.
func (s *Scheduler) alertRun(ctx context.Context, j bot.Job, cohort int, earlier []bot.HostWeek, v verdict, now time.Time) (verdict, error) {
	var wait time.Time
	for _, hw := range earlier {
		key := alertKey(j.Workspace, cohort, j.UserID, hw.Week.StartDate)
		// Pending first, then the outcome: finishing a job removes it and
		// records its outcome at once, so one of the two reads sees it.
		p, err := s.store.PendingJob(ctx, key)
		if err == nil {
			wait = later(later(p.Due, now).Add(alertOrderWait), wait)
			continue
		}
		if !errors.Is(err, bot.ErrNotFound) {
			return verdict{}, err
		}
		o, err := s.store.JobOutcome(ctx, key)
		if err == nil {
			return skipped(fmt.Sprintf("covered by the alert of the week from %s (%s)", hw.Week.StartDate, o.Result)), nil
		}
		if !errors.Is(err, bot.ErrNotFound) {
			return verdict{}, err
		}
	}
	if !wait.IsZero() {
		return verdict{deferTo: wait}, nil
	}
	return v, nil
}
