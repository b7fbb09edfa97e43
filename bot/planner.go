package bot

import "context"

// Planner keeps the scheduler's due index in step with what users change.
// The scheduler implements it; the router calls it after a change commits.
type Planner interface {
	// HostChanged replans a host's reminders and nudges and re-checks their
	// quota warnings: after a schedule, preference, membership or log change.
	HostChanged(ctx context.Context, ws WorkspaceRef, userID string)
	// LogsChanged re-checks a host's quota warnings after a log or unlog;
	// their reminders are unaffected, so it is cheaper than HostChanged.
	LogsChanged(ctx context.Context, ws WorkspaceRef, userID string)
	// LogsAccounted is LogsChanged from the host's account after the
	// change (AccountRecent as of now), which the caller has made anyway:
	// /spaces log's reply and the re-check share one.
	LogsAccounted(ctx context.Context, ws WorkspaceRef, acct RecentAccount)
	// CohortChanged replans a workspace's checks, digests and reports after
	// its cohort was created or its settings changed; with datesChanged
	// (start, length, weeks) its hosts' reminders too.
	CohortChanged(ctx context.Context, ws WorkspaceRef, datesChanged bool)
	// Dispatch tells the scheduler the due index changed: jobs due now go
	// out at once, and its timer is set again for the earliest pending job.
	// Whoever adds jobs to the store outside the scheduler calls it after
	// the commit, whenever they are due (an announcement at 10:00 too):
	// queue does both. HostChanged, LogsChanged, LogsAccounted and
	// CohortChanged do it themselves.
	Dispatch()
}

// noPlanner is the Planner of a router without a scheduler.
type noPlanner struct{}

func (noPlanner) HostChanged(context.Context, WorkspaceRef, string)          {}
func (noPlanner) LogsChanged(context.Context, WorkspaceRef, string)          {}
func (noPlanner) LogsAccounted(context.Context, WorkspaceRef, RecentAccount) {}
func (noPlanner) CohortChanged(context.Context, WorkspaceRef, bool)          {}
func (noPlanner) Dispatch()                                                  {}

// SetPlanner connects the router to the scheduler. Call it before serving.
func (r *Router) SetPlanner(p Planner) { r.planner = p }

// queue adds jobs to the store and, once they commit, tells the planner, so
// a job due now goes out at once and a later one sets the timer.
func queue(ctx context.Context, store Store, planner Planner, jobs ...Job) error {
	if err := store.AddJobs(ctx, jobs); err != nil {
		return err
	}
	planner.Dispatch()
	return nil
}
