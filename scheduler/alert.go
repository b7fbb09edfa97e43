package scheduler

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"sparkbot/bot"
)

// Staff are alerted in their channel when a host misses two counted weeks
// in a row: once per run of missed weeks, keyed by the run's first week.

func alertKey(ws bot.WorkspaceRef, userID string, firstWeek bot.Date) string {
	return fmt.Sprintf("%s/%s/%s/%s", ws.Key(), bot.JobAlert, url.PathEscape(userID), firstWeek)
}

// alertLookBack is how long after a run's second missed week closed its
// alert may still be planned (bot.AlertLookBack: a host's recent account
// reaches back that far).
const alertLookBack = bot.AlertLookBack

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

// alertJobs are the alerts rec's recent runs of missed weeks call for.
func alertJobs(ws bot.WorkspaceRef, rec bot.HostRecord, now time.Time) []bot.Job {
	var jobs []bot.Job
	for _, run := range missedRuns(rec, now) {
		if now.Sub(run[1].Week.End) >= alertLookBack {
			continue // long past: sent then, or not worth sending now
		}
		first := run[0].Week.StartDate
		jobs = append(jobs, bot.Job{Key: alertKey(ws, rec.Host.UserID, first), Kind: bot.JobAlert, Workspace: ws,
			Due: now, UserID: rec.Host.UserID, Week: first})
	}
	return jobs
}

// composeAlert posts the alert if its run still stands: an excuse given
// meanwhile drops it (it may be planned again if the excuse is withdrawn).
func (s *Scheduler) composeAlert(ctx context.Context, j bot.Job) (verdict, error) {
	co, h, ok, err := s.hostContext(ctx, j.Workspace, j.UserID)
	if err != nil || !ok {
		return skipped("not a host any more"), err
	}
	channel := staffChannel(co)
	if channel == "" {
		return skipped("no staff channel: set one with /cohort settings staff:#channel"), nil
	}
	now := s.clock.Now()
	acct, err := bot.AccountRecent(ctx, s.store, j.Workspace, co, h, now, bot.LocalTime(j.Week, bot.TimeOfDay{}, co.Location()))
	if err != nil {
		return verdict{}, err
	}
	for _, run := range missedRuns(acct.Record, now) {
		if run[0].Week.StartDate == j.Week {
			return verdict{channel: channel, msg: bot.MissedRunAlert(h.UserID, run)}, nil
		}
	}
	return verdict{drop: true}, nil
}

// staffChannel is where staff are told things: the staff channel, else the
// digest channel.
func staffChannel(co bot.Cohort) string {
	if co.StaffChannel != "" {
		return co.StaffChannel
	}
	return co.DigestChannel
}
