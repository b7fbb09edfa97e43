package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// With X on, an application's follower count is checked against the
// handle's public_metrics.followers_count: staff see both numbers, and an
// applicant below the cohort's minimum on X is told so. X gets at most
// xReplyWait to answer; if it does not, the application goes in
// unchecked, and the watcher checks it later (recheckFollowers), telling
// the applicant by DM what X says if it breaks a rule.

// checkFollowers asks X for a's handle and records what it says,
// adding the rule it breaks to a.Failed.
func (r *Router) checkFollowers(ctx context.Context, co Cohort, a *Application) {
	if r.x == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, xReplyWait)
	defer cancel()
	u, err := r.x.UserByName(ctx, a.Handle)
	if err != nil && !errors.Is(err, ErrXNotFound) {
		r.log.Warn("could not check an applicant's followers on X; the watcher checks it later", "err", err)
		return
	}
	xFollowersRule(co, a, u, err == nil, r.clock.Now())
}

// xFollowersRule records on a what X said of its handle (u, if found)
// and returns the rule that breaks, as added to a.Failed ("" for none).
func xFollowersRule(co Cohort, a *Application, u XUser, found bool, now time.Time) string {
	a.XChecked = now
	if !found {
		a.XFollows = -1
		a.Failed = append(a.Failed, fmt.Sprintf("handle: X has no account @%s", a.Handle))
		return a.Failed[len(a.Failed)-1]
	}
	a.XFollows = u.Followers
	if u.Followers >= co.MinFollowers || a.Followers < co.MinFollowers {
		return ""
	}
	a.Failed = append(a.Failed, fmt.Sprintf("followers on X: @%s has %s, below the cohort's minimum of %s",
		a.Handle, thousands(u.Followers), thousands(co.MinFollowers)))
	return a.Failed[len(a.Failed)-1]
}

// appCheck is a pending application whose followers X has not counted.
type appCheck struct {
	ws  WorkspaceRef
	co  Cohort
	app Application
}

// recheckFollowers checks on X the pending applications X did not answer
// for when they came in, with the lookups the round has left.
func (w *Watcher) recheckFollowers(ctx context.Context, set *watchSet, now time.Time) {
	done := 0
	for _, ac := range set.unchecked {
		if set.lookups <= 0 || !w.lookups.ready(now) {
			break
		}
		u, err := w.x.UserByName(ctx, ac.app.Handle)
		if err != nil && !errors.Is(err, ErrXNotFound) {
			w.lookups.failed(now)
			w.log.Warn("watching X: checking applicants' followers failed; trying again later", "at", w.lookups.after, "err", err)
			break
		}
		w.lookups.succeeded()
		set.lookups--
		done++
		if err := w.recordFollowers(ctx, ac, u, err == nil, now); err != nil {
			w.log.Error("watching X: recording an applicant's followers", "workspace", ac.ws.Key(), "user", ac.app.UserID, "err", err)
		}
	}
	set.unchecked = set.unchecked[done:]
}

// recordFollowers stores what X said of ac's handle on the application,
// if it is still the one pending unchecked, and tells the applicant the
// rule it breaks.
func (w *Watcher) recordFollowers(ctx context.Context, ac appCheck, u XUser, found bool, now time.Time) error {
	a, err := w.store.Application(ctx, ac.ws, ac.app.UserID)
	if err != nil {
		return ignoreNotFound(err)
	}
	if a.State != Pending || !a.XChecked.IsZero() || a.Handle != ac.app.Handle || !a.At.Equal(ac.app.At) {
		return nil // decided, checked or replaced meanwhile
	}
	broke := xFollowersRule(ac.co, &a, u, found, now)
	if err := w.store.PutApplication(ctx, ac.ws, a); err != nil || broke == "" {
		return err
	}
	msg := XFollowersMessage(ac.co, a)
	job := Job{Key: fmt.Sprintf("%s/xfollowers/%s/%d", ac.ws.Key(), url.PathEscape(a.UserID), a.At.Unix()), Kind: JobDM,
		Workspace: ac.ws, Cohort: ac.co.ID, Due: now, UserID: a.UserID, Message: &msg, Personal: true}
	if err := queue(ctx, w.store, w.planner, job); err != nil {
		return err
	}
	return nil
}

// XFollowersMessage tells an applicant what X said of their handle, when
// it breaks the cohort's rules and was checked after they applied.
func XFollowersMessage(co Cohort, a Application) Message {
	var m Message
	if a.XFollows < 0 {
		m.Add(Line{Text("X has no account "), UserText("@" + a.Handle), Text(", the handle on your application to "), UserText(co.Name), Text(".")})
	} else {
		m.Add(Line{Text("X says "), UserText("@" + a.Handle), Text(fmt.Sprintf(" has %s followers, below ", thousands(a.XFollows))),
			UserText(co.Name), Text(fmt.Sprintf("'s minimum of %s.", thousands(co.MinFollowers)))})
	}
	m.Addf("Staff will see this when they review your application.")
	return m
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
