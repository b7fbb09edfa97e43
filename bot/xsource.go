package bot

import (
	"context"
	"errors"
	"time"
)

// XSource is what sparkbot reads from X (issue 9): accounts by handle and
// Spaces by id or by creator. adapters/xsource implements it over the X
// API v2 client, which keeps X's rate limits on the wall clock.
//
// Every call may fail. ErrXNotFound means X answered that the account or
// Space does not exist (an ended Space X no longer returns, often); any
// other error means X did not answer usefully (unreachable, rate-limited,
// the caller's deadline, a refused token) and is worth trying again later.
type XSource interface {
	UserByName(ctx context.Context, handle string) (XUser, error)
	Space(ctx context.Context, id string) (XSpace, error)
	// Spaces looks up to 100 Spaces by id; ids X cannot find are in NotFound.
	Spaces(ctx context.Context, ids []string) (XSpaces, error)
	// SpacesByCreators returns the live and scheduled Spaces of up to 100
	// X accounts; account ids X cannot find are in NotFound.
	SpacesByCreators(ctx context.Context, xids []string) (XSpaces, error)
	// CreatorBudget is what is left of SpacesByCreators' rate window.
	CreatorBudget() XBudget
}

// ErrXNotFound is X saying an account or Space does not exist.
var ErrXNotFound = errors.New("not found on X")

// MaxXBatch is the most ids one X lookup takes.
const MaxXBatch = 100

// XUser is an X account.
type XUser struct {
	ID        string
	Username  string // without the @
	Followers int    // public_metrics.followers_count
}

// XState is a Space's state on X.
type XState string

// The states X reports.
const (
	XScheduled XState = "scheduled"
	XLive      XState = "live"
	XEnded     XState = "ended"
)

// XSpace is a Space as X describes it: the fields sparkbot asks for and
// nothing else. Times are zero when X did not send them.
type XSpace struct {
	ID             string
	State          XState
	Title          string // untrusted text
	CreatorID      string
	HostIDs        []string
	StartedAt      time.Time
	EndedAt        time.Time
	ScheduledStart time.Time
	// Participants is X's participant_count: how many are in it now.
	Participants int
}

// HostedBy reports whether the X account xid created the Space or hosts it.
func (s XSpace) HostedBy(xid string) bool {
	if xid == "" {
		return false
	}
	if s.CreatorID == xid {
		return true
	}
	for _, h := range s.HostIDs {
		if h == xid {
			return true
		}
	}
	return false
}

// XSpaces is the answer to a lookup of several Spaces or creators.
type XSpaces struct {
	Spaces   []XSpace
	NotFound []string
}

// XBudget is what remains of an X endpoint's rate window. Reset and Now
// are wall-clock times: X's limits run on real time, whatever the bot's
// clock says.
type XBudget struct {
	Limit     int // requests per window; 0 until X has said
	Remaining int // -1 until X has said
	Reset     time.Time
	Now       time.Time
}

// SpaceLink is the link of Space id on X.
func SpaceLink(id string) string { return "https://x.com/i/spaces/" + id }
