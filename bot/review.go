package bot

import (
	"context"
	"time"
)

// ReviewDecision is what staff (or X, for a flag) decided about a log.
type ReviewDecision string

const (
	// ReviewApproved: staff took an unverified log as it is; it leaves the
	// review list and keeps counting.
	ReviewApproved ReviewDecision = "approved"
	// ReviewRejected: staff rejected the log; it was removed, stops
	// counting and cannot be logged again. Review.Log keeps what it was.
	ReviewRejected ReviewDecision = "rejected"
	// ReviewFlagged: X said another account hosted a Space logged while X
	// could not be asked; it stays unverified for staff to decide.
	ReviewFlagged ReviewDecision = "flagged"
)

// Review is the decision on one logged Space.
type Review struct {
	SpaceID  string
	UserID   string // whose log it was
	Decision ReviewDecision
	Reason   string // untrusted text (staff's, for a rejection)
	By       string // staff user id; empty for a flag
	At       time.Time
	// Log is the rejected log, kept for the record.
	Log SpaceLog
}

// ReviewStore keeps review decisions, one per Space id.
type ReviewStore interface {
	Review(ctx context.Context, ws WorkspaceRef, spaceID string) (Review, error) // ErrNotFound
	PutReview(ctx context.Context, ws WorkspaceRef, rv Review) error
	// ReviewsOf returns the reviews of those of spaceIDs that have one.
	ReviewsOf(ctx context.Context, ws WorkspaceRef, spaceIDs []string) ([]Review, error)
}
