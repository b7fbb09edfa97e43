package bot

import (
	"context"
	"fmt"
	"time"
)

// JobKind names what a scheduled delivery (a Job) does.
type JobKind string

const (
	JobReminder JobKind = "reminder" // DM before an occurrence, at one lead time
	JobNudge    JobKind = "nudge"    // DM after an occurrence nobody logged
	JobWarning  JobKind = "warning"  // quota warning DM (Level says which)
	JobCheck    JobKind = "check"    // evaluate a cohort's quota warnings
	JobDigest   JobKind = "digest"   // weekly digest post
	JobStipend  JobKind = "stipend"  // monthly stipend report post
	JobAnnounce JobKind = "announce" // staff announcement, to a channel or fanned out to hosts
	JobDM       JobKind = "dm"       // a DM whose text is fixed (an announcement's copy, a welcome)
	JobPost     JobKind = "post"     // a channel post whose text is fixed (a DM's fallback)
	JobPlan     JobKind = "plan"     // the daily planner: keeps the due index filled ahead
	JobEvents   JobKind = "events"   // sync a workspace's platform events with its upcoming Spaces
	JobAlert    JobKind = "alert"    // staff channel post: a host missed two counted weeks in a row
	JobFinal    JobKind = "final"    // a cohort's final report to staff, and its hosts' closing DMs
	JobWatch    JobKind = "watch"    // one round of watching X for linked hosts' Spaces (watch.go)
	JobRecheck  JobKind = "recheck"  // ask X again about a pasted Space link it could not check (xcheck.go)
)

// Job is one pending delivery in the due index. Its Key is its idempotency
// key: a job is added at most once, and once finished never again.
type Job struct {
	Key       string // starts with the workspace's Key() and "/", so a workspace's jobs share a prefix
	Kind      JobKind
	Workspace WorkspaceRef
	// Cohort is the ID of the cohort the job is about; 0 means the
	// workspace's latest (jobs about a host's Spaces, announcements).
	Cohort int
	Due    time.Time

	UserID     string // whom a DM goes to, or whom the job is about
	Channel    string // where a post goes
	ScheduleID int64
	Occurrence time.Time     // the occurrence's scheduled start
	SpaceID    string        // the X Space the job is about: a reminder of a Space scheduled on X, a re-check
	Lead       time.Duration // a reminder's lead time
	Level      Standing      // a warning's level
	Week       Date          // the week (its start date) a warning, check or digest is about
	Month      Month         // the month of a stipend report
	// Message is the fixed content of announcements, welcomes and fallbacks.
	Message *Message
	// ToHosts fans an announcement out as a DM to every host.
	ToHosts bool
	// CreatedBy is the staff member who scheduled an announcement.
	CreatedBy string
	// Personal marks a DM about its recipient's own record (an application
	// decided, a removal, an excuse): it goes to them whether or not they
	// are a host now, and never falls back to a channel, which is public.
	Personal bool

	Attempts  int
	LastError string
	// Planned is when the job was first due: retries, quiet hours and
	// waiting for an earlier digest move Due, never Planned. Zero until Due
	// first moves; FirstDue reads either.
	Planned time.Time
}

// FirstDue is when j was first due, however often it was put off since.
func (j Job) FirstDue() time.Time {
	if j.Planned.IsZero() {
		return j.Due
	}
	return j.Planned
}

// CohortJobPrefix starts the key of every job of kind about one cohort of
// ws as a whole (its checks, digests, stipend reports, final report, and
// the DMs staff actions send): <ws>/<kind>/<id>/. The kind comes first, so
// <ws>/<kind>/ still covers that kind across every cohort (digests go out
// oldest first across cohorts); the ID after it means two cohorts' jobs
// never share a key, so the last stipend report of one and the first of
// the next both go.
func CohortJobPrefix(ws WorkspaceRef, kind string, id int) string {
	return fmt.Sprintf("%s/%s/%d/", ws.Key(), kind, id)
}

// Outcome is what became of a finished job.
type Outcome struct {
	Key       string
	Kind      JobKind
	Workspace WorkspaceRef
	UserID    string
	Channel   string
	Result    Result
	Reason    string // for skipped and failed: why, in words for staff
	At        time.Time
}

// Result is how a job ended.
type Result string

const (
	Sent    Result = "sent"
	Skipped Result = "skipped" // no longer meaningful: the Space already started, a log covers it
	Failed  Result = "failed"  // permanently: DMs closed, user gone, too many attempts
)

// JobStore keeps the due index and the outbox: pending jobs ordered by due
// time, and the outcomes of finished ones.
type JobStore interface {
	// AddJobs records jobs as pending. A job whose key is already pending or
	// finished is left as it is, so adding is idempotent.
	AddJobs(ctx context.Context, jobs []Job) error
	// DueJobs returns up to limit pending jobs due at or before now, by due
	// time then key. Its cost is O(due jobs), not O(all jobs).
	DueJobs(ctx context.Context, now time.Time, limit int) ([]Job, error)
	// NextDue returns the earliest due time of any pending job.
	NextDue(ctx context.Context) (due time.Time, ok bool, err error)
	// UpdateJob rewrites a pending job (due time, attempts, last error);
	// ErrNotFound if it is no longer pending.
	UpdateJob(ctx context.Context, j Job) error
	// FinishJob removes a pending job and records its outcome, so its key is
	// never added again. Finishing a key that is not pending still records it.
	FinishJob(ctx context.Context, o Outcome) error
	// DropJob removes a pending job without an outcome, so it may be added
	// again (a warning that no longer applies). Not pending is not an error.
	DropJob(ctx context.Context, key string) error
	// CancelJobs drops every pending job whose key starts with prefix and
	// returns how many it dropped. Prefixes end with "/" (so one host's
	// prefix never covers another's) and are never empty.
	CancelJobs(ctx context.Context, prefix string) (int, error)
	// PendingJob returns the pending job of key; ErrNotFound if it is not
	// pending (finished, dropped or never added).
	PendingJob(ctx context.Context, key string) (Job, error)
	// PendingJobs returns the pending jobs whose keys start with prefix, by key.
	PendingJobs(ctx context.Context, prefix string) ([]Job, error)
	// JobOutcome returns a finished job's outcome; ErrNotFound if none.
	JobOutcome(ctx context.Context, key string) (Outcome, error)
	// Failures returns ws's failed outcomes at or after since, oldest first.
	Failures(ctx context.Context, ws WorkspaceRef, since time.Time) ([]Outcome, error)
	// PruneOutcomes forgets outcomes recorded before before, returning how
	// many; keys older than any planning horizon need not be remembered.
	PruneOutcomes(ctx context.Context, before time.Time) (int, error)
	// NextSequence returns the next number of a per-workspace counter
	// (announcement ids), starting at 1.
	NextSequence(ctx context.Context, ws WorkspaceRef, name string) (int64, error)
	// PlannedThrough returns when the planner last completed (zero if
	// never); SetPlannedThrough records it. After downtime, planning looks
	// back to it, so what fell due while down is still delivered.
	PlannedThrough(ctx context.Context) (time.Time, error)
	SetPlannedThrough(ctx context.Context, t time.Time) error
	// Workspaces lists every workspace that has a cohort.
	Workspaces(ctx context.Context) ([]WorkspaceRef, error)
}
