package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Checking a pasted link: with X on, /spaces log url: looks the Space up,
// waiting at most xReplyWait. A Space X returns is refused if neither its
// creator nor its hosts are the host's linked account, or if it has only
// been scheduled; otherwise it is logged verified by X, at X's started_at
// (an at: more than 15 minutes off is refused, saying what X says). If X
// cannot find it, cannot be reached or is rate-limited, the log is kept as
// a link, not verified, and a recheck job asks again later.

// xCheck is what X said about a pasted link.
type xCheck struct {
	verified bool
	recheck  bool   // kept unverified; ask X again later
	why      string // why it is not verified, for the reply
	replaces string // the host's unverified log of the same Space, now verified
}

// checkOnX looks l up on X for h's log and updates it with what X says,
// or refuses it.
func (r *Router) checkOnX(ctx context.Context, c *Call, co Cohort, h Host, l *SpaceLog, typed bool, loc *time.Location) (xCheck, error) {
	if r.x == nil {
		return xCheck{}, nil
	}
	link, err := r.store.XLink(ctx, c.Workspace, h.UserID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return xCheck{}, err
	}
	whose, you := "your", "you"
	if l.LoggedBy != "" {
		whose, you = mentionText(h.UserID)+"'s", mentionText(h.UserID)
	}
	switch {
	case !link.For(h.Handle) || !link.Missing && !link.Linked():
		return xCheck{recheck: true, why: fmt.Sprintf("X has not resolved %s handle @%s yet", whose, h.Handle)}, nil
	case !link.Linked():
		return xCheck{why: fmt.Sprintf("X has no account @%s, the handle staff have for %s", h.Handle, you)}, nil
	}
	wait, cancel := context.WithTimeout(ctx, xReplyWait)
	defer cancel()
	sp, err := r.x.Space(wait, l.SpaceID)
	switch {
	case errors.Is(err, ErrXNotFound):
		return xCheck{recheck: true, why: "X does not find that Space"}, nil
	case err != nil:
		return xCheck{recheck: true, why: "X could not be asked just now"}, nil
	}
	if err := checkXSpace(sp, l, link, h, typed, loc); err != nil {
		return xCheck{}, err
	}
	if sp.CreatorID != link.XID { // a co-host's: only the rare case reads every link
		creators, err := xHostsOf(ctx, r.store, c.Workspace, co, sp.CreatorID)
		if err != nil {
			return xCheck{}, err
		}
		if err := creatorsCredit(sp, l, link, creators); err != nil {
			return xCheck{}, err
		}
	}
	if err := checkXStart(*l, r.clock.Now(), loc, func() bool { return c.staff(ctx) }); err != nil {
		return xCheck{}, err
	}
	xc := xCheck{verified: true}
	if old, err := r.store.Log(ctx, c.Workspace, l.SpaceID); err == nil && old.UserID == l.UserID && !old.Provenance.Verified() {
		xc.replaces = old.SpaceID
		l.ScheduleID, l.Occurrence = old.ScheduleID, old.Occurrence
	}
	if seen, err := r.store.SeenSpace(ctx, c.Workspace, l.SpaceID); err == nil {
		l.Listeners = max(l.Listeners, seen.Peak)
	}
	return xc, nil
}

// checkXSpace refuses a Space X describes that is not the host's or has
// not started, and otherwise makes l X's account of it.
func checkXSpace(sp XSpace, l *SpaceLog, link XLink, h Host, typed bool, loc *time.Location) error {
	if !sp.HostedBy(link.XID) {
		if l.LoggedBy != "" {
			return Forbiddenf("Space %s was hosted by another account, not %s's linked @%s.", l.SpaceID, mentionText(h.UserID), link.Handle)
		}
		return Forbiddenf("Space %s was hosted by another account, not your linked @%s.", l.SpaceID, link.Handle)
	}
	if sp.State == XScheduled || sp.StartedAt.IsZero() {
		when := ""
		if !sp.ScheduledStart.IsZero() {
			when = " (X has it scheduled for " + sp.ScheduledStart.In(loc).Format("Mon 2 Jan 15:04 MST") + ")"
		}
		return Invalidf("Space %s hasn't started yet%s; log it once you've hosted it.", l.SpaceID, when)
	}
	if typed && absDuration(l.Start.Sub(sp.StartedAt)) > atTolerance {
		return Invalidf("at:%s doesn't match X: Space %s started %s. Leave out at: and X's time is used.",
			l.Start.In(loc).Format("2006-01-02 15:04"), l.SpaceID, sp.StartedAt.In(loc).Format("2006-01-02 15:04 MST"))
	}
	l.Start, l.Provenance = sp.StartedAt, VerifiedByX
	l.Title = firstText(l.Title, sp.Title)
	l.Listeners = sp.Participants // X's number, not the host's
	if !sp.EndedAt.IsZero() {
		l.Minutes = min(max(int(sp.EndedAt.Sub(sp.StartedAt).Round(time.Minute)/time.Minute), 1), maxLogMinutes)
	}
	return nil
}

// xClockSkew is how far ahead of the bot's clock X's started_at may be
// and still be X's word, not a log in the future: the clocks differ a
// little (and the console's --now clock does not tick while it waits).
const xClockSkew = 5 * time.Minute

// checkXStart holds a log at X's started_at to the log rules, in words
// about X's time, not an at: the host may not have typed: not (much)
// ahead of the bot's clock, and for hosts not older than the backfill.
func checkXStart(l SpaceLog, now time.Time, loc *time.Location, staff func() bool) error {
	switch {
	case l.Start.After(now.Add(xClockSkew)):
		return Invalidf("X says Space %s started %s, ahead of sparkbot's clock (%s); log it again in a few minutes.",
			l.SpaceID, l.Start.In(loc).Format("2006-01-02 15:04 MST"), now.In(loc).Format("15:04 MST"))
	case now.Sub(l.Start) > HostBackfillDays*24*time.Hour && !staff():
		return Invalidf("X says Space %s started %s, more than %d days ago; hosts can log the last %d days only. Staff can log it for you with user:.",
			l.SpaceID, l.Start.In(loc).Format("2006-01-02 15:04 MST"), HostBackfillDays, HostBackfillDays)
	}
	return nil
}

// creatorsCredit refuses a co-host's log of a Space whose creator is a
// linked host (creators, as xHostsOf has them): it counts for its
// creator, and co-hosts see it as co-hosted. A Space whose creator is no
// host here counts for the linked co-host who logs it: nobody else can be
// credited with it.
func creatorsCredit(sp XSpace, l *SpaceLog, link XLink, creators []Host) error {
	if len(creators) == 0 {
		return nil
	}
	names := make([]string, len(creators))
	for i, c := range creators {
		names[i] = mentionText(c.UserID)
	}
	return Forbiddenf("Space %s was created on X by @%s, the account of %s: it counts for them. Co-hosts see it in /spaces history as co-hosted.",
		l.SpaceID, creators[0].Handle, strings.Join(names, " and "))
}

// recheckLater queues a job to ask X about l again when X could not say.
func (r *Router) recheckLater(ctx context.Context, ws WorkspaceRef, l SpaceLog, xc xCheck) {
	if !xc.recheck {
		return
	}
	job := Job{Key: fmt.Sprintf("%s/recheck/%s/%d", ws.Key(), l.SpaceID, l.LoggedAt.Unix()), Kind: JobRecheck,
		Workspace: ws, Due: l.LoggedAt.Add(recheckFirst), UserID: l.UserID, SpaceID: l.SpaceID}
	if err := queue(ctx, r.store, r.planner, job); err != nil {
		r.log.Error("could not queue a recheck of a pasted link on X", "workspace", ws.Key(), "space", l.SpaceID, "err", err)
		return
	}
}

// note adds to a log's reply what X said (an upgrade's reply says it
// was verified already).
func (xc xCheck) note(resp *Response, upgraded bool) {
	switch {
	case xc.verified && !upgraded:
		resp.Addf("✓ Verified by X.")
	case xc.recheck:
		resp.Addf("Not verified yet: %s. I'll ask X again later.", xc.why)
	case xc.why != "":
		resp.Addf("Not verified: %s.", xc.why)
	}
}

// Rechecks: at growing intervals, from recheckFirst after the log up to
// recheckGap apart, for recheckFor; then the log stays unverified, for
// staff in /cohort review.
const (
	recheckFirst = 5 * time.Minute
	recheckGap   = time.Hour
	recheckFor   = 3 * 24 * time.Hour
)

// Recheck asks X again about the pasted link spaceID it could not check,
// for the recheck job first due at first. It returns when to ask again,
// or the zero time when done: verified, refused as another account's
// (flagged for staff), gone, or given up.
func (w *Watcher) Recheck(ctx context.Context, ws WorkspaceRef, spaceID string, first time.Time) (time.Time, error) {
	now := w.clock.Now()
	again := now.Add(min(recheckGap, max(recheckFirst, now.Sub(first)/2)))
	if now.Sub(first) > recheckFor {
		return time.Time{}, nil
	}
	l, err := w.store.Log(ctx, ws, spaceID)
	if errors.Is(err, ErrNotFound) || err == nil && l.Provenance.Verified() {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	h, err := w.store.Host(ctx, ws, l.UserID)
	if err != nil {
		return time.Time{}, ignoreNotFound(err)
	}
	link, err := w.store.XLink(ctx, ws, l.UserID)
	switch {
	case errors.Is(err, ErrNotFound) || err == nil && (!link.For(h.Handle) || !link.Missing && !link.Linked()):
		return again, nil // the watcher resolves the handle meanwhile
	case err != nil:
		return time.Time{}, err
	case !link.Linked():
		return time.Time{}, nil // no account to check against
	}
	ctx, cancel := context.WithTimeout(ctx, roundTimeout)
	defer cancel()
	sp, err := w.x.Space(ctx, spaceID)
	switch {
	case err != nil:
		return again, nil // not found (yet), or X unavailable: ask again
	case !sp.HostedBy(link.XID):
		return time.Time{}, w.store.PutReview(ctx, ws, Review{SpaceID: spaceID, UserID: l.UserID, Decision: ReviewFlagged,
			Reason: "X says another account hosted it, not @" + link.Handle, At: now})
	case sp.State != XEnded || sp.StartedAt.IsZero():
		return again, nil // not started, or live: the watcher logs it when it ends
	}
	if sp.CreatorID != link.XID {
		if done, err := w.creditCreator(ctx, ws, l, sp, now); done || err != nil {
			return time.Time{}, err
		}
	}
	return time.Time{}, w.verify(ctx, ws, h, l, sp)
}

// creditCreator logs sp, which X says ended, for its creator, when the
// creator is a linked host: l, a co-host's pasted link, moves to them
// (upgrade tells both), and the co-host sees it as co-hosted. done is
// false when the creator is no host here: then l is the co-host's to
// verify. A creator's account two hosts share credits nobody: l is
// flagged for staff.
func (w *Watcher) creditCreator(ctx context.Context, ws WorkspaceRef, l SpaceLog, sp XSpace, now time.Time) (bool, error) {
	co, err := w.store.Cohort(ctx, ws)
	if err != nil {
		return false, err
	}
	creators, err := xHostsOf(ctx, w.store, ws, co, sp.CreatorID)
	switch {
	case err != nil || len(creators) == 0:
		return false, err
	case len(creators) > 1:
		return true, w.store.PutReview(ctx, ws, Review{SpaceID: sp.ID, UserID: l.UserID, Decision: ReviewFlagged,
			Reason: "X says its creator is an account two hosts are linked to", At: now})
	}
	wh, err := w.watchedHost(ctx, ws, co, creators[0])
	if err != nil {
		return false, err
	}
	rec := SeenSpace{ID: sp.ID, Cohort: co.ID, CreatorID: sp.CreatorID, UserID: wh.host.UserID, CoHosts: []string{l.UserID},
		Title: sp.Title, State: XEnded, StartedAt: sp.StartedAt, Peak: sp.Participants, LastSeen: now,
		EndedAt: firstNonZero(sp.EndedAt, sp.StartedAt.Add(time.Duration(max(l.Minutes, 1))*time.Minute))}
	if seen, err := w.store.SeenSpace(ctx, ws, sp.ID); err == nil {
		rec.Peak, rec.Announced = max(rec.Peak, seen.Peak), seen.Announced
	}
	if err := w.autoLog(ctx, wh, rec, now); err != nil {
		return false, err
	}
	return true, w.store.PutSeenSpace(ctx, ws, rec)
}

// watchedHost is h, a linked host of co, as a round would watch them.
func (w *Watcher) watchedHost(ctx context.Context, ws WorkspaceRef, co Cohort, h Host) (*watched, error) {
	link, err := w.store.XLink(ctx, ws, h.UserID)
	if err != nil {
		return nil, err
	}
	schedules, err := w.store.SchedulesOf(ctx, ws, h.UserID)
	if err != nil {
		return nil, err
	}
	return &watched{ws: ws, co: co, host: h, link: link, schedules: schedules}, nil
}

// verify makes l, a pasted link X now confirms, verified by X, and tells
// its host.
func (w *Watcher) verify(ctx context.Context, ws WorkspaceRef, h Host, l SpaceLog, sp XSpace) error {
	up := l
	up.Start, up.Provenance = sp.StartedAt, VerifiedByX
	up.Title = firstText(l.Title, sp.Title)
	up.Listeners = sp.Participants
	if seen, err := w.store.SeenSpace(ctx, ws, l.SpaceID); err == nil {
		up.Listeners = max(up.Listeners, seen.Peak)
	}
	if !sp.EndedAt.IsZero() {
		up.Minutes = min(max(int(sp.EndedAt.Sub(sp.StartedAt).Round(time.Minute)/time.Minute), 1), maxLogMinutes)
	}
	if err := w.store.ReplaceLog(ctx, ws, l.SpaceID, up); err != nil {
		return err
	}
	w.planner.LogsChanged(ctx, ws, l.UserID)
	co, err := w.store.Cohort(ctx, ws)
	if err != nil {
		return err
	}
	msg := messagef("✓ Verified by X: your log of Space %s%s, started %s.", up.SpaceID, titleSuffix(up.Title),
		At(up.Start, h.Location(co, ""), TimeFull))
	job := Job{Key: fmt.Sprintf("%s/xverified/%s/%s", ws.Key(), url.PathEscape(l.UserID), l.SpaceID), Kind: JobDM,
		Workspace: ws, Due: w.clock.Now(), UserID: l.UserID, Message: &msg}
	if err := queue(ctx, w.store, w.planner, job); err != nil {
		return err
	}
	return nil
}
