package bot

import (
	"context"
	"time"
)

// SeenSpace is a Space of a linked host as the watcher saw it on X: all
// that sparkbot keeps of X's data about Spaces (the README's "What
// sparkbot keeps from X"). Each workspace keeps its own copy, with only
// its own linked hosts in it.
type SeenSpace struct {
	ID     string
	Cohort int // the cohort it was seen in, for deleting X data after it ends
	// CreatorID is the X id of its creator; UserID is the creator's host
	// in this workspace, empty when the creator is not a linked host here.
	CreatorID string
	UserID    string
	// CoHosts are the other linked hosts of this workspace among its
	// host_ids: they see it as co-hosted; it counts for its creator only.
	CoHosts []string
	Title   string // untrusted text
	State   XState
	// ScheduledStart is when it was scheduled to start, StartedAt when it
	// went live and EndedAt when it ended, as X said.
	ScheduledStart time.Time
	StartedAt      time.Time
	EndedAt        time.Time
	// Peak is the most participants seen while it was live.
	Peak int
	// LastSeen is when X last returned it live or scheduled (bot clock).
	LastSeen time.Time
	// Announced is set once the live channel has been told.
	Announced bool
}

// Open reports whether the watcher still follows it: scheduled or live.
func (s SeenSpace) Open() bool { return s.State != XEnded }

// At is when it starts: StartedAt once live, else ScheduledStart.
func (s SeenSpace) At() time.Time {
	if !s.StartedAt.IsZero() {
		return s.StartedAt
	}
	return s.ScheduledStart
}

// Involves reports whether userID is its creator's host or a co-host.
func (s SeenSpace) Involves(userID string) bool {
	if s.UserID == userID {
		return true
	}
	for _, u := range s.CoHosts {
		if u == userID {
			return true
		}
	}
	return false
}

// SeenSpaceStore keeps the Spaces the watcher saw.
type SeenSpaceStore interface {
	SeenSpace(ctx context.Context, ws WorkspaceRef, id string) (SeenSpace, error) // ErrNotFound
	// PutSeenSpace stores s, replacing the record of its id.
	PutSeenSpace(ctx context.Context, ws WorkspaceRef, s SeenSpace) error
	// DeleteSeenSpace forgets one; none is not an error.
	DeleteSeenSpace(ctx context.Context, ws WorkspaceRef, id string) error
	// OpenSeenSpaces returns the ones scheduled or live, by id.
	OpenSeenSpaces(ctx context.Context, ws WorkspaceRef) ([]SeenSpace, error)
	// SeenSpacesOf returns the ones userID's host created or co-hosts
	// whose At is in [from, to), by At.
	SeenSpacesOf(ctx context.Context, ws WorkspaceRef, userID string, from, to time.Time) ([]SeenSpace, error)
	// DeleteSeenSpaces forgets every one seen in cohort and returns how many.
	DeleteSeenSpaces(ctx context.Context, ws WorkspaceRef, cohort int) (int, error)
}
