package bot

import (
	"context"
	"errors"
	"fmt"
)

// With X on, an application's follower count is checked against the
// handle's public_metrics.followers_count: staff see both numbers, and an
// applicant below the cohort's minimum on X is told so. X gets at most
// xReplyWait to answer; if it does not, the application goes in unchecked.

// checkFollowers asks X for a's handle and records what it says,
// adding the rule it breaks to a.Failed.
func (r *Router) checkFollowers(ctx context.Context, co Cohort, a *Application) {
	if r.x == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, xReplyWait)
	defer cancel()
	u, err := r.x.UserByName(ctx, a.Handle)
	switch {
	case errors.Is(err, ErrXNotFound):
		a.XFollows, a.XChecked = -1, r.clock.Now()
		a.Failed = append(a.Failed, fmt.Sprintf("handle: X has no account @%s", a.Handle))
		return
	case err != nil:
		r.log.Warn("could not check an applicant's followers on X", "err", err)
		return
	}
	a.XFollows, a.XChecked = u.Followers, r.clock.Now()
	if u.Followers < co.MinFollowers && a.Followers >= co.MinFollowers {
		a.Failed = append(a.Failed, fmt.Sprintf("followers on X: @%s has %s, below the cohort's minimum of %s",
			a.Handle, thousands(u.Followers), thousands(co.MinFollowers)))
	}
}

// followersText is an application's follower count as staff read it: the
// applicant's number, and X's when it was checked.
func followersText(a Application, xOn bool) string {
	own := fmt.Sprintf("%s followers", thousands(a.Followers))
	switch {
	case !a.XChecked.IsZero() && a.XFollows < 0:
		return own + " (no such account on X)"
	case !a.XChecked.IsZero():
		return fmt.Sprintf("%s (%s on X)", own, thousands(a.XFollows))
	case xOn:
		return own + " (not checked on X)"
	}
	return own
}
