package scheduler

import (
	"context"
	"errors"
	"time"

	"sparkbot/bot"
)

// compose decides, at delivery time, what a job sends, from the state as
// it is now: a job past its expiry (expiry.go) is not sent, a reminder for
// a schedule paused since it was planned is skipped, a nudge for a Space
// logged meanwhile is skipped.
func (s *Scheduler) compose(ctx context.Context, j bot.Job) (verdict, error) {
	if v, ok, err := s.expire(ctx, j, s.clock.Now()); !ok || err != nil {
		return v, err
	}
	switch j.Kind {
	case bot.JobPlan:
		return verdict{done: true}, s.PlanAll(ctx)
	case bot.JobCheck:
		return verdict{done: true}, s.checkCohort(ctx, j.Workspace)
	case bot.JobReminder, bot.JobNudge:
		if j.SpaceID != "" {
			return s.composeXReminder(ctx, j)
		}
		return s.composeOccurrence(ctx, j)
	case bot.JobWatch, bot.JobRecheck:
		return s.composeX(ctx, j)
	case bot.JobWarning:
		return s.composeWarning(ctx, j)
	case bot.JobDigest:
		return s.composeDigest(ctx, j)
	case bot.JobStipend:
		return s.composeStipend(ctx, j)
	case bot.JobAnnounce:
		return s.composeAnnouncement(ctx, j)
	case bot.JobDM, bot.JobPost:
		return s.composeFixed(ctx, j)
	case bot.JobEvents:
		return s.syncEvents(ctx, j)
	case bot.JobAlert:
		return s.composeAlert(ctx, j)
	case bot.JobFinal:
		return s.composeFinal(ctx, j)
	}
	return skipped("unknown job kind " + string(j.Kind)), nil
}

// hostContext loads what a host's DM needs; ok is false when the host or
// the cohort is gone.
func (s *Scheduler) hostContext(ctx context.Context, ws bot.WorkspaceRef, userID string) (co bot.Cohort, h bot.Host, ok bool, err error) {
	co, err = s.store.Cohort(ctx, ws)
	if err == nil {
		h, err = s.store.Host(ctx, ws, userID)
	}
	if errors.Is(err, bot.ErrNotFound) {
		return co, h, false, nil
	}
	return co, h, err == nil && h.MemberOf(co), err
}

func (s *Scheduler) composeOccurrence(ctx context.Context, j bot.Job) (verdict, error) {
	co, h, ok, err := s.hostContext(ctx, j.Workspace, j.UserID)
	if err != nil || !ok {
		return skipped("not a host any more"), err
	}
	sc, err := s.store.Schedule(ctx, j.Workspace, j.ScheduleID)
	if errors.Is(err, bot.ErrNotFound) {
		return skipped("the schedule was removed"), nil
	}
	if err != nil {
		return verdict{}, err
	}
	if occ := sc.Occurrences(j.Occurrence, j.Occurrence.Add(time.Second)); len(occ) != 1 || !occ[0].Equal(j.Occurrence) {
		return skipped("the occurrence was paused or skipped"), nil
	}
	now, loc := s.clock.Now(), h.Location(co, "")
	if !j.Occurrence.Before(co.EndsAt()) || j.Kind == bot.JobNudge && !now.Before(co.EndsAt()) {
		return skipped("the cohort has ended"), nil // nothing goes to hosts after its end
	}
	if !h.MemberAt(co, j.Occurrence) {
		return skipped("not a host of the cohort when the Space was"), nil
	}
	v := verdict{dm: h.UserID, fallback: co.FallbackChannel}
	if j.Kind == bot.JobReminder {
		if h.RemindersOff {
			return skipped("reminders are off"), nil
		}
		if closerReminderDue(h.LeadTimes(), j.Lead, j.Occurrence, now) {
			// Late (after downtime, or a schedule added just now): one
			// reminder says it all; the closer one follows at once.
			return skipped("a closer reminder of the same Space was due too"), nil
		}
		v.msg = bot.ReminderMessage(sc, j.Occurrence, j.Occurrence.Sub(now).Round(time.Minute), loc)
		return v, nil
	}
	// A passed occurrence can change the host's standing: check warnings,
	// which come whether reminders are on or not.
	if err := s.addWarnings(ctx, j.Workspace, co, h, now); err != nil {
		return verdict{}, err
	}
	if h.RemindersOff {
		return skipped("reminders are off, and nudges with them"), nil
	}
	logged, err := bot.LoggedOccurrence(ctx, s.store, j.Workspace, sc, j.Occurrence)
	if err != nil {
		return verdict{}, err
	}
	if logged {
		return skipped("already logged"), nil
	}
	if wait := nudgeAfterQuiet(h.QuietHours(), loc, j.Occurrence.Add(sc.Duration), now); wait.After(now) {
		return verdict{deferTo: wait}, nil // logged meanwhile, it is skipped then
	}
	v.msg = bot.NudgeMessage(sc, j.Occurrence, loc)
	return v, nil
}

// nudgeAfterQuiet is when a nudge due at now may go: now, or when the
// host's quiet hours end; but now if the Space was still on air in those
// quiet hours: the host was up, hosting it at a time they chose.
func nudgeAfterQuiet(q bot.QuietHours, loc *time.Location, spaceEnd, now time.Time) time.Time {
	from, until, in := q.Stretch(now, loc)
	if !in || spaceEnd.After(from) {
		return now
	}
	return until
}

// joinGrace is how long a new host has to set up schedules before being
// warned about this week.
const joinGrace = 24 * time.Hour

// closerReminderDue reports whether a reminder with a shorter lead than lead
// is also due for the occurrence at start.
func closerReminderDue(leads []time.Duration, lead time.Duration, start, now time.Time) bool {
	for _, l := range leads {
		if l < lead && !now.Before(start.Add(-l)) {
			return true
		}
	}
	return false
}

// warningJobs are the quota warnings a host's recent account calls for
// at its Now, and the staff alert of two missed weeks in a row. Each level
// has one key a week, so it is sent at most once; a warning due in the
// host's quiet hours is due when they end.
func warningJobs(ws bot.WorkspaceRef, acct bot.RecentAccount) []bot.Job {
	co, h, now := acct.Cohort, acct.Record.Host, acct.Now
	if !warnable(co, h, now) {
		return nil
	}
	due := h.QuietHours().Until(now, h.Location(co, ""))
	var jobs []bot.Job
	add := func(hw bot.HostWeek, level bot.Standing) {
		jobs = append(jobs, bot.Job{Key: warningKey(ws, co.ID, h.UserID, hw.Week.StartDate, level), Kind: bot.JobWarning,
			Workspace: ws, Due: due, UserID: h.UserID, Level: level, Week: hw.Week.StartDate})
	}
	settled := !now.Before(h.Joined(co).Add(joinGrace))
	ended := !now.Before(co.EndsAt()) // no warnings after the end; staff alerts still
	for _, hw := range acct.Record.Weeks {
		switch {
		case ended:
		case hw.Week.End.After(now): // the open week
			if settled && (hw.Standing == bot.AtRisk || hw.Standing == bot.LastCall) {
				add(hw, hw.Standing)
			}
		case hw.Standing == bot.Missed && now.Sub(hw.Week.End) < bot.MissedLookBack:
			add(hw, bot.Missed) // the week that just closed
		}
	}
	return append(jobs, alertJobs(ws, co.ID, acct.Record, now)...)
}

// warnable reports whether h may be warned, or staff alerted, about co at
// now: a member, from the cohort's start until a week after its end.
func warnable(co bot.Cohort, h bot.Host, now time.Time) bool {
	return h.MemberOf(co) && !now.Before(co.FirstWeek().Start) && !now.After(co.EndsAt().Add(7*24*time.Hour))
}

// addWarnings accounts h's recent weeks and adds the warnings they call for.
func (s *Scheduler) addWarnings(ctx context.Context, ws bot.WorkspaceRef, co bot.Cohort, h bot.Host, now time.Time) error {
	if !warnable(co, h, now) {
		return nil
	}
	acct, err := bot.AccountRecent(ctx, s.store, ws, co, h, now, now)
	if err != nil {
		return err
	}
	return s.addWarningJobs(ctx, ws, acct)
}

func (s *Scheduler) addWarningJobs(ctx context.Context, ws bot.WorkspaceRef, acct bot.RecentAccount) error {
	jobs := warningJobs(ws, acct)
	if len(jobs) == 0 {
		return nil
	}
	return s.store.AddJobs(ctx, jobs)
}

// checkCohort evaluates every host's warnings: the daily check, and the
// moments a week opens or last call begins.
func (s *Scheduler) checkCohort(ctx context.Context, ws bot.WorkspaceRef) error {
	co, err := s.store.Cohort(ctx, ws)
	if err != nil {
		return err
	}
	hosts, err := s.store.Hosts(ctx, ws)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	for _, h := range hosts {
		if err := s.addWarnings(ctx, ws, co, h, now); err != nil {
			return err
		}
	}
	return nil
}

func (s *Scheduler) composeWarning(ctx context.Context, j bot.Job) (verdict, error) {
	co, h, ok, err := s.hostContext(ctx, j.Workspace, j.UserID)
	if err != nil || !ok {
		return skipped("not a host any more"), err
	}
	now, loc := s.clock.Now(), h.Location(co, "")
	if !now.Before(co.EndsAt()) {
		return skipped("the cohort has ended"), nil // nothing goes to hosts after its end
	}
	if quiet := h.QuietHours().Until(now, loc); quiet.After(now) {
		return verdict{deferTo: quiet}, nil
	}
	acct, err := bot.AccountRecent(ctx, s.store, j.Workspace, co, h, now, bot.LocalTime(j.Week, bot.TimeOfDay{}, co.Location()))
	if err != nil {
		return verdict{}, err
	}
	for _, hw := range acct.Record.Weeks {
		if hw.Week.StartDate != j.Week {
			continue
		}
		if hw.Standing != j.Level {
			return verdict{drop: true}, nil // it no longer applies; it may again later
		}
		if wait := s.nudgeWindowEnd(hw, now); j.Level != bot.Missed && wait.After(now) {
			return verdict{deferTo: wait}, nil
		}
		return verdict{dm: h.UserID, fallback: co.FallbackChannel, msg: bot.WarningMessage(j.Level, hw, loc)}, nil
	}
	return verdict{drop: true}, nil
}

// nudgeWindowEnd is when the last of the week's scheduled Spaces that is on
// air or just over at now reaches its nudge; now if none is. Until then the
// host may be about to log it, so a warning about the open week waits: it
// then goes out with the count as it stands, or is dropped if a log made it
// untrue.
func (s *Scheduler) nudgeWindowEnd(hw bot.HostWeek, now time.Time) time.Time {
	end := now
	for _, o := range hw.Upcoming { // unlogged, and not past their nudge window
		if !o.Start.After(now) {
			end = later(end, o.End().Add(s.cfg.NudgeAfter))
		}
	}
	return end
}

// jobCohort loads the cohort a job is about: j.Cohort, or the latest.
func (s *Scheduler) jobCohort(ctx context.Context, j bot.Job) (bot.Cohort, error) {
	if j.Cohort == 0 {
		return s.store.Cohort(ctx, j.Workspace)
	}
	return s.store.CohortByID(ctx, j.Workspace, j.Cohort)
}

func (s *Scheduler) composeDigest(ctx context.Context, j bot.Job) (verdict, error) {
	co, err := s.jobCohort(ctx, j)
	if err != nil {
		return verdict{}, err
	}
	if co.DigestChannel == "" {
		return skipped("no digest channel: set one with /cohort settings digest:#channel"), nil
	}
	now := s.clock.Now()
	if wait, ok, err := s.earlierDigest(ctx, j, now); err != nil || ok {
		return verdict{deferTo: wait}, err
	}
	week := co.WeekOf(bot.LocalTime(j.Week, bot.TimeOfDay{Hour: 12}, co.Location()))
	msg, err := bot.WeekDigest(ctx, s.store, j.Workspace, co, week)
	return verdict{channel: co.DigestChannel, msg: lateNote(msg, j, "digest", now, co.Location())}, err
}

// digestOrderWait is how long a digest waits for an earlier week's digest
// that is being sent, or retried, to go first.
const digestOrderWait = 5 * time.Second

// earlierDigest reports whether an earlier week's digest of j's workspace
// is still pending (a catch-up after downtime, a retry), and until when j
// waits for it: digests go out oldest first, also with many workers.
func (s *Scheduler) earlierDigest(ctx context.Context, j bot.Job, now time.Time) (time.Time, bool, error) {
	pending, err := s.store.PendingJobs(ctx, j.Workspace.Key()+"/"+string(bot.JobDigest)+"/")
	if err != nil {
		return time.Time{}, false, err
	}
	for _, p := range pending {
		if p.Kind == bot.JobDigest && p.Key != j.Key && p.Week.Before(j.Week) {
			return later(p.Due, now).Add(digestOrderWait), true, nil
		}
	}
	return time.Time{}, false, nil
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (s *Scheduler) composeStipend(ctx context.Context, j bot.Job) (verdict, error) {
	co, err := s.jobCohort(ctx, j)
	if err != nil {
		return verdict{}, err
	}
	channel := co.StaffPostChannel()
	if channel == "" {
		return skipped("no staff channel: set one with /cohort settings staff:#channel"), nil
	}
	now := s.clock.Now()
	msg, err := bot.IssueStipendReport(ctx, s.store, j.Workspace, co, j.Month, now)
	return verdict{channel: channel, msg: lateNote(msg, j, "report", now, co.Location())}, err
}

// composeAnnouncement posts a channel announcement, or fans one out as a DM
// job per host; the fan-out is idempotent, so a crash mid-way repeats none.
func (s *Scheduler) composeAnnouncement(ctx context.Context, j bot.Job) (verdict, error) {
	if j.Message == nil {
		return skipped("empty announcement"), nil
	}
	if !j.ToHosts {
		return verdict{channel: j.Channel, msg: *j.Message}, nil
	}
	co, err := s.store.Cohort(ctx, j.Workspace)
	if err != nil {
		return verdict{}, err
	}
	hosts, err := s.store.Hosts(ctx, j.Workspace)
	if err != nil {
		return verdict{}, err
	}
	now := s.clock.Now()
	var dms []bot.Job
	for _, h := range hosts {
		if h.MemberOf(co) {
			dms = append(dms, bot.Job{Key: bot.AnnouncementDMKey(j.Key, h.UserID), Kind: bot.JobDM, Workspace: j.Workspace,
				Due: now, UserID: h.UserID, Message: j.Message})
		}
	}
	if err := s.store.AddJobs(ctx, dms); err != nil {
		return verdict{}, err
	}
	s.Dispatch()
	return verdict{done: true}, nil
}

func (s *Scheduler) composeFixed(ctx context.Context, j bot.Job) (verdict, error) {
	if j.Message == nil {
		return skipped("empty message"), nil
	}
	if j.Kind == bot.JobPost {
		return verdict{channel: j.Channel, msg: *j.Message}, nil
	}
	if j.Personal { // about their own record: host or not, and never in public
		return verdict{dm: j.UserID, msg: *j.Message}, nil
	}
	co, _, ok, err := s.hostContext(ctx, j.Workspace, j.UserID)
	if err != nil || !ok {
		return skipped("not a host any more"), err
	}
	return verdict{dm: j.UserID, msg: *j.Message, fallback: co.FallbackChannel}, nil
}

// composeFinal posts a cohort's final report to staff and queues each
// host's closing DM (idempotently: a retry adds none twice).
func (s *Scheduler) composeFinal(ctx context.Context, j bot.Job) (verdict, error) {
	co, err := s.jobCohort(ctx, j)
	if err != nil {
		return verdict{}, err
	}
	rows, err := bot.FinalRows(ctx, s.store, j.Workspace, co)
	if err != nil {
		return verdict{}, err
	}
	now := s.clock.Now()
	if err := s.store.AddJobs(ctx, bot.ClosingJobs(j.Workspace, co, rows, now)); err != nil {
		return verdict{}, err
	}
	s.Dispatch()
	channel := co.StaffPostChannel()
	if channel == "" {
		return skipped("no staff channel: set one with /cohort settings staff:#channel"), nil
	}
	return verdict{channel: channel, msg: lateNote(bot.FinalMessage(co, rows), j, "final report", now, co.Location())}, nil
}
