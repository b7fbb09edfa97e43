package bot

import (
	"context"
	"errors"
	"time"
)

// Storage sentinel errors. Stores wrap them; bot turns them into words.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
)

// CohortStore keeps every cohort of each workspace, numbered by ID.
type CohortStore interface {
	// Cohort returns ws's latest cohort (the open one, or the last that
	// ended); ErrNotFound if ws has none.
	Cohort(ctx context.Context, ws WorkspaceRef) (Cohort, error)
	CohortByID(ctx context.Context, ws WorkspaceRef, id int) (Cohort, error) // ErrNotFound
	Cohorts(ctx context.Context, ws WorkspaceRef) ([]Cohort, error)          // by ID
	// AddCohort stores c as ws's next cohort, numbered after+1, and returns
	// it with its ID set. after is the ID of the latest cohort the caller
	// saw (0: none); if ws's latest is another, AddCohort returns ErrExists
	// and stores nothing, so two cohorts are never created at once.
	AddCohort(ctx context.Context, ws WorkspaceRef, c Cohort, after int) (Cohort, error)
	// PutCohort stores c as cohort c.ID of ws, replacing it; an ID of 0
	// stands for the latest cohort (1 in a workspace that has none).
	PutCohort(ctx context.Context, ws WorkspaceRef, c Cohort) error
}

// HostStore keeps hosts and applications.
type HostStore interface {
	Host(ctx context.Context, ws WorkspaceRef, userID string) (Host, error) // ErrNotFound
	PutHost(ctx context.Context, ws WorkspaceRef, h Host) error
	Hosts(ctx context.Context, ws WorkspaceRef) ([]Host, error) // by UserID

	Application(ctx context.Context, ws WorkspaceRef, userID string) (Application, error) // ErrNotFound
	PutApplication(ctx context.Context, ws WorkspaceRef, a Application) error
	Applications(ctx context.Context, ws WorkspaceRef) ([]Application, error) // by At
}

// ScheduleStore keeps recurring Spaces.
type ScheduleStore interface {
	// AddSchedule stores s under a new ID, unique in the workspace, and
	// returns it with the ID set.
	AddSchedule(ctx context.Context, ws WorkspaceRef, s Schedule) (Schedule, error)
	Schedule(ctx context.Context, ws WorkspaceRef, id int64) (Schedule, error)           // ErrNotFound
	PutSchedule(ctx context.Context, ws WorkspaceRef, s Schedule) error                  // ErrNotFound if absent
	DeleteSchedule(ctx context.Context, ws WorkspaceRef, id int64) error                 // ErrNotFound
	SchedulesOf(ctx context.Context, ws WorkspaceRef, userID string) ([]Schedule, error) // by ID
	Schedules(ctx context.Context, ws WorkspaceRef) ([]Schedule, error)                  // by ID
}

// LogStore keeps Space logs. A log's identity in a workspace is its SpaceID.
type LogStore interface {
	// AddLog stores l; ErrExists if the workspace has a log with its SpaceID.
	// It returns only after the write is durable.
	AddLog(ctx context.Context, ws WorkspaceRef, l SpaceLog) error
	Log(ctx context.Context, ws WorkspaceRef, spaceID string) (SpaceLog, error) // ErrNotFound
	DeleteLog(ctx context.Context, ws WorkspaceRef, spaceID string) error       // ErrNotFound
	// ReplaceLog atomically removes the log oldSpaceID (if present) and adds
	// l; ErrExists if l.SpaceID is logged already (and then nothing changes).
	// It upgrades an unverified one-click log to a verified one.
	ReplaceLog(ctx context.Context, ws WorkspaceRef, oldSpaceID string, l SpaceLog) error
	// LogsOf returns userID's logs that started in [from, to), by Start.
	LogsOf(ctx context.Context, ws WorkspaceRef, userID string, from, to time.Time) ([]SpaceLog, error)
	// Logs returns every log in the workspace that started in [from, to), by Start.
	Logs(ctx context.Context, ws WorkspaceRef, from, to time.Time) ([]SpaceLog, error)
}

// StipendStore keeps the monthly stipend reports as issued.
type StipendStore interface {
	// IssueStipend stores is as the report issued for its cohort and
	// month, unless one is stored already; it returns the one stored, so
	// the first issue stands.
	IssueStipend(ctx context.Context, ws WorkspaceRef, is StipendIssue) (StipendIssue, error)
	IssuedStipend(ctx context.Context, ws WorkspaceRef, cohort int, m Month) (StipendIssue, error) // ErrNotFound
	IssuedStipends(ctx context.Context, ws WorkspaceRef, cohort int) ([]StipendIssue, error)       // by month
}

// Store is everything bot keeps.
type Store interface {
	CohortStore
	StipendStore
	HostStore
	ScheduleStore
	LogStore
	JobStore
	XLinkStore     // xlink.go
	SeenSpaceStore // seenspace.go
	ReviewStore    // review.go
}
