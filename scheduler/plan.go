package scheduler

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"sparkbot/bot"
)

// Job keys: <workspace>/<kind>/<cohort>/<subject>/…: the kind, then the
// cohort the job is about, as bot.CohortJobPrefix has it (two cohorts'
// jobs never share a key, and <ws>/<kind>/ still covers a kind across
// cohorts), then the host, so one prefix covers a host's reminders or
// nudges in a cohort when they must be replanned. Every user id is
// path-escaped, so one host's prefix never covers another's.

func hostJobPrefix(ws bot.WorkspaceRef, kind bot.JobKind, cohort int, userID string) string {
	return bot.CohortJobPrefix(ws, string(kind), cohort) + url.PathEscape(userID) + "/"
}

func reminderPrefix(ws bot.WorkspaceRef, cohort int, userID string) string {
	return hostJobPrefix(ws, bot.JobReminder, cohort, userID)
}

func nudgePrefix(ws bot.WorkspaceRef, cohort int, userID string) string {
	return hostJobPrefix(ws, bot.JobNudge, cohort, userID)
}

func reminderKey(ws bot.WorkspaceRef, cohort int, userID string, scheduleID int64, start time.Time, lead time.Duration) string {
	return fmt.Sprintf("%s%d/%d/%d", reminderPrefix(ws, cohort, userID), scheduleID, start.Unix(), int64(lead/time.Second))
}

func nudgeKey(ws bot.WorkspaceRef, cohort int, userID string, scheduleID int64, start time.Time) string {
	return fmt.Sprintf("%s%d/%d", nudgePrefix(ws, cohort, userID), scheduleID, start.Unix())
}

func warningKey(ws bot.WorkspaceRef, cohort int, userID string, week bot.Date, level bot.Standing) string {
	return fmt.Sprintf("%s%s/%s", hostJobPrefix(ws, bot.JobWarning, cohort, userID), week, level)
}

func planKey(day bot.Date) string { return "sparkbot/plan/" + day.String() }

// maxSpace is the longest a scheduled Space runs (the duration option's
// bound); planning looks back this far for nudges still to send.
const maxSpace = 12 * time.Hour

// planAt is when the daily planner runs, UTC.
var planAt = bot.TimeOfDay{Hour: 0, Minute: 5}

// PlanAll fills the due index for every workspace up to the horizon. It is
// idempotent: jobs pending or finished already are left as they are, so it
// runs at every start (rebuilding a lost index) and daily.
func (s *Scheduler) PlanAll(ctx context.Context) error {
	now := s.clock.Now()
	wss, err := s.store.Workspaces(ctx)
	if err != nil {
		return err
	}
	// Tomorrow's run first: whatever fails below, planning goes on daily.
	tomorrow := bot.DateOf(now.UTC()).AddDays(1)
	next := bot.Job{Key: planKey(tomorrow), Kind: bot.JobPlan, Due: bot.LocalTime(tomorrow, planAt, time.UTC)}
	if err := s.store.AddJobs(ctx, append([]bot.Job{next}, s.watchJobs(now)...)); err != nil {
		return err
	}
	last, err := s.store.PlannedThrough(ctx)
	if err != nil {
		return err
	}
	var failed []error
	for _, ws := range wss {
		if err := s.planWorkspace(ctx, ws, now, last); err != nil {
			failed = append(failed, fmt.Errorf("planning %s: %w", ws.Key(), err))
		}
	}
	// X data past its retention goes daily whether X is connected or not
	// (the token may be gone long before a cohort's data expires); a
	// failure waits for the next run, planning goes on. Planning cut short
	// (the program stopping) is not a failure.
	if err := bot.PurgeXData(ctx, s.store, now); err != nil && ctx.Err() == nil {
		s.log.Error("deleting expired X data; trying again at the next planning", "err", err)
	}
	if err := errors.Join(failed...); err != nil {
		return err // one workspace failing does not stop the others
	}
	if err := s.store.SetPlannedThrough(ctx, now); err != nil {
		return err
	}
	// Outcomes keep keys from being planned twice; past the horizon and the
	// backfill window no key comes round again.
	_, err = s.store.PruneOutcomes(ctx, now.Add(-s.cfg.Horizon-30*24*time.Hour))
	return err
}

// maxLookBack bounds how far back host planning catches up after downtime:
// the backfill window, past which a host could not log the Space anyway.
const maxLookBack = backfill

// planChunk bounds the jobs held in memory while planning a big workspace.
const planChunk = 10_000

// planWorkspace plans ws up to the horizon. last is when planning last
// completed (zero if never): what fell due since then and was never
// planned (the process was down) is planned now, to go out late or be
// recorded as expired.
func (s *Scheduler) planWorkspace(ctx context.Context, ws bot.WorkspaceRef, now, last time.Time) error {
	cohorts, err := s.store.Cohorts(ctx, ws)
	if err != nil {
		return err
	}
	if len(cohorts) == 0 {
		return fmt.Errorf("cohort of %s: %w", ws.Key(), bot.ErrNotFound)
	}
	co := cohorts[len(cohorts)-1] // hosts are planned for the latest cohort only
	hosts, err := s.store.Hosts(ctx, ws)
	if err != nil {
		return err
	}
	jobs := s.eventsJob(ws, now)
	for _, c := range cohorts {
		jobs = append(jobs, s.cohortJobs(ws, c, now)...)
		jobs = append(jobs, s.missedCohortJobs(ws, c, now, last)...)
	}
	for _, h := range hosts {
		if !h.MemberOf(co) {
			continue
		}
		// One host's schedules at a time: holding a 100,000-host
		// workspace's schedules at once would double planning's memory.
		schedules, err := s.store.SchedulesOf(ctx, ws, h.UserID)
		if err != nil {
			return err
		}
		jobs = append(jobs, s.hostJobs(ws, co, h, schedules, now, last)...)
		if len(jobs) >= planChunk {
			if err := s.store.AddJobs(ctx, jobs); err != nil {
				return err
			}
			jobs = jobs[:0]
		}
	}
	return s.store.AddJobs(ctx, jobs)
}

// hostJobs are a host's reminders and nudges up to the horizon.
//
// last is when planning last ran (zero if never): occurrences since then
// whose jobs were never planned (the process was down longer than the
// host horizon) get them now, back to the backfill window, so their nudges
// go out late and their reminders are recorded as expired rather than
// silently lost.
func (s *Scheduler) hostJobs(ws bot.WorkspaceRef, co bot.Cohort, h bot.Host, schedules []bot.Schedule, now, last time.Time) []bot.Job {
	if !h.MemberOf(co) {
		return nil
	}
	end := now.Add(s.hostHorizon(h))
	if cohortEnd := co.EndsAt(); cohortEnd.Before(end) {
		end = cohortEnd
	}
	// The run at last planned every occurrence up to last+minHostHorizon;
	// only what lies before now and after that was never planned, and of
	// that only what the host could still log.
	unplanned := now.Add(minHostHorizon) // no run before: nothing missed
	if !last.IsZero() {
		unplanned = later(last.Add(minHostHorizon), now.Add(-maxLookBack))
	}
	from := now.Add(-maxSpace - s.cfg.NudgeAfter) // nudges of Spaces just ended
	if unplanned.Before(from) {
		from = unplanned
	}
	remindAfter := now
	if unplanned.Before(now) {
		remindAfter = unplanned
	}
	var jobs []bot.Job
	for _, sc := range schedules {
		for _, start := range sc.Occurrences(from, end) {
			if start.Before(sc.CreatedAt) || !h.MemberAt(co, start) {
				continue // it happened before the schedule or the host existed
			}
			if start.After(remindAfter) && !h.RemindersOff {
				for _, lead := range h.LeadTimes() {
					jobs = append(jobs, bot.Job{Key: reminderKey(ws, co.ID, h.UserID, sc.ID, start, lead), Kind: bot.JobReminder,
						Workspace: ws, Due: start.Add(-lead), UserID: h.UserID, ScheduleID: sc.ID, Occurrence: start, Lead: lead})
				}
			}
			jobs = append(jobs, bot.Job{Key: nudgeKey(ws, co.ID, h.UserID, sc.ID, start), Kind: bot.JobNudge, Workspace: ws,
				Due: start.Add(sc.Duration + s.cfg.NudgeAfter), UserID: h.UserID, ScheduleID: sc.ID, Occurrence: start})
		}
	}
	return jobs
}

// hostHorizon is how far ahead a host's occurrences are planned: far enough
// that every reminder due before the next daily planner run is in the index
// (a day, plus the longest lead, plus slack for a late planner), and no
// further, so 100,000 hosts cost hundreds of thousands of jobs, not millions.
func (s *Scheduler) hostHorizon(h bot.Host) time.Duration {
	longest := time.Duration(0)
	for _, lead := range h.LeadTimes() {
		longest = max(longest, lead)
	}
	return min(s.cfg.Horizon, minHostHorizon+longest)
}

// minHostHorizon is the least a host is planned ahead: a day, and slack
// for a late planner run.
const minHostHorizon = 26 * time.Hour

// missedCohortJobs are the cohort's jobs (digests, stipend reports) that
// fell due after planning last ran and before the window cohortJobs plans
// now covers: the process was down longer than the horizon. They are what
// the daily runs missed meanwhile would have planned, a horizon at a time,
// so each goes out late, once. Checks are left out: the ones planned now
// find every standing as it is.
func (s *Scheduler) missedCohortJobs(ws bot.WorkspaceRef, co bot.Cohort, now, last time.Time) []bot.Job {
	if last.IsZero() || now.Sub(last) < s.cfg.Horizon {
		return nil // the last run planned everything due since
	}
	var jobs []bot.Job
	for t := last; t.Before(now); t = t.Add(s.cfg.Horizon) {
		for _, j := range s.cohortJobs(ws, co, t) {
			if j.Kind != bot.JobCheck && !j.Due.After(now) {
				jobs = append(jobs, j)
			}
		}
	}
	return jobs
}

// cohortJobs are the cohort's checks, digests and stipend reports from the
// previous week up to the horizon.
func (s *Scheduler) cohortJobs(ws bot.WorkspaceRef, co bot.Cohort, now time.Time) []bot.Job {
	first, end := co.FirstWeek(), co.EndsAt()
	horizon := now.Add(s.cfg.Horizon)
	lastCall := time.Duration(co.LastCallHours) * time.Hour
	var jobs []bot.Job
	check := func(at time.Time) {
		if at.Before(first.Start) || !at.Before(end.Add(24*time.Hour)) || at.After(horizon) || at.Before(now.Add(-24*time.Hour)) {
			return
		}
		jobs = append(jobs, bot.Job{Key: fmt.Sprintf("%s%d", bot.CohortJobPrefix(ws, "check", co.ID), at.Unix()), Kind: bot.JobCheck,
			Workspace: ws, Cohort: co.ID, Due: at})
	}
	loc := co.Location()
	for w := co.WeekOf(now).Prev(); w.Start.Before(horizon); w = w.Next() {
		if w.Start.Before(first.Start) || !w.Start.Before(end) {
			continue
		}
		check(w.Start.Add(time.Minute)) // a week opens: the last one closed
		check(w.End.Add(-lastCall))     // last call begins
		check(w.End.Add(time.Minute))   // the cohort's last week closes too
		for d := 0; d < 7; d++ {        // the daily check
			check(bot.LocalTime(w.StartDate.AddDays(d), s.cfg.CheckAt, loc))
		}
		digest := bot.DigestTime(co, w.End)
		if digest.Before(horizon) && !digest.Before(now.Add(-s.cfg.Horizon)) {
			jobs = append(jobs, bot.Job{Key: bot.CohortJobPrefix(ws, "digest", co.ID) + w.StartDate.String(), Kind: bot.JobDigest,
				Workspace: ws, Cohort: co.ID, Due: digest, Week: w.StartDate})
		}
	}
	jobs = append(jobs, s.stipendJobs(ws, co, now, horizon)...)
	if final := bot.FinalTime(co); !final.After(horizon) && !final.Before(now.Add(-s.cfg.Horizon)) {
		jobs = append(jobs, bot.Job{Key: bot.CohortJobPrefix(ws, string(bot.JobFinal), co.ID) + "report", Kind: bot.JobFinal,
			Workspace: ws, Cohort: co.ID, Due: final})
	}
	return jobs
}

// stipendJobs are the monthly reports due in the planning window: on the 1st
// at 09:00 cohort time, for the month before, if some week of the cohort
// belongs to it (ends in it, bot.MonthOf). Every such week has closed by then.
func (s *Scheduler) stipendJobs(ws bot.WorkspaceRef, co bot.Cohort, now, horizon time.Time) []bot.Job {
	loc := co.Location()
	var jobs []bot.Job
	local := now.In(loc)
	for i := 0; i < 2; i++ {
		first := bot.DateOf(time.Date(local.Year(), local.Month()+time.Month(i), 1, 12, 0, 0, 0, time.UTC))
		due := bot.LocalTime(first, bot.TimeOfDay{Hour: 9}, loc)
		before := first.AddDays(-1)
		month := bot.Month{Year: before.Year, Month: before.Month}
		if len(co.WeeksOfMonth(month)) == 0 || due.After(horizon) || due.Before(now.Add(-s.cfg.Horizon)) {
			continue
		}
		jobs = append(jobs, bot.Job{Key: bot.CohortJobPrefix(ws, "stipend", co.ID) + month.String(), Kind: bot.JobStipend,
			Workspace: ws, Cohort: co.ID, Due: due, Month: month})
	}
	return jobs
}

// HostChanged replans a host's reminders and nudges and re-checks their
// warnings, at once: a removed, paused or skipped schedule loses its pending
// deliveries, new lead times take effect.
func (s *Scheduler) HostChanged(ctx context.Context, ws bot.WorkspaceRef, userID string) {
	s.watchStale(ctx)
	if err := s.replanHost(ctx, ws, userID); err != nil {
		s.log.Error("replanning a host failed; the daily planner will catch up", "workspace", ws.Key(), "user", userID, "err", err)
	}
	s.Dispatch()
}

// CohortChanged replans a workspace after its cohort changed: its pending
// checks, digests and stipend reports are dropped and planned again, and
// every host's reminders follow the cohort's dates.
func (s *Scheduler) CohortChanged(ctx context.Context, ws bot.WorkspaceRef, datesChanged bool) {
	s.watchStale(ctx)
	err := func() error {
		co, err := s.store.Cohort(ctx, ws)
		if err != nil {
			return err
		}
		for _, kind := range []bot.JobKind{bot.JobCheck, bot.JobDigest, bot.JobStipend, bot.JobFinal} {
			if _, err := s.store.CancelJobs(ctx, bot.CohortJobPrefix(ws, string(kind), co.ID)); err != nil {
				return err
			}
		}
		now := s.clock.Now()
		if datesChanged { // hosts' reminders follow the cohort's dates
			return s.planWorkspace(ctx, ws, now, now)
		}
		return s.store.AddJobs(ctx, s.cohortJobs(ws, co, now))
	}()
	if err != nil {
		s.log.Error("replanning a cohort failed; the daily planner will catch up", "workspace", ws.Key(), "err", err)
	}
	s.Dispatch()
}

// LogsChanged re-checks a host's warnings after a log or unlog. A log only
// improves a standing, so this usually writes nothing.
func (s *Scheduler) LogsChanged(ctx context.Context, ws bot.WorkspaceRef, userID string) {
	co, h, ok, err := s.hostContext(ctx, ws, userID)
	if err == nil && ok {
		err = s.addWarnings(ctx, ws, co, h, s.clock.Now())
	}
	s.warningsChecked(ws, userID, err)
}

// LogsAccounted is LogsChanged from the account the router made of the
// host after the change: it reads nothing unless a warning is due.
func (s *Scheduler) LogsAccounted(ctx context.Context, ws bot.WorkspaceRef, acct bot.RecentAccount) {
	s.warningsChecked(ws, acct.Record.Host.UserID, s.addWarningJobs(ctx, ws, acct))
}

func (s *Scheduler) warningsChecked(ws bot.WorkspaceRef, userID string, err error) {
	if err != nil {
		s.log.Error("re-checking warnings failed; the daily check will catch up", "workspace", ws.Key(), "user", userID, "err", err)
	}
	s.Dispatch()
}

func (s *Scheduler) replanHost(ctx context.Context, ws bot.WorkspaceRef, userID string) error {
	co, err := s.store.Cohort(ctx, ws)
	if errors.Is(err, bot.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	h, err := s.store.Host(ctx, ws, userID)
	if errors.Is(err, bot.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	schedules, err := s.store.SchedulesOf(ctx, ws, userID)
	if err != nil {
		return err
	}
	for _, prefix := range []string{reminderPrefix(ws, co.ID, userID), nudgePrefix(ws, co.ID, userID)} {
		if _, err := s.store.CancelJobs(ctx, prefix); err != nil {
			return err
		}
	}
	now := s.clock.Now()
	jobs := s.hostJobs(ws, co, h, schedules, now, now)
	if warnable(co, h, now) {
		acct, err := bot.AccountRecent(ctx, s.store, ws, co, h, now, now)
		if err != nil {
			return err
		}
		jobs = append(jobs, warningJobs(ws, acct)...)
	}
	jobs = append(jobs, s.eventsJob(ws, now)...)
	return s.store.AddJobs(ctx, jobs)
}
