package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// XLink is a host's X account: the handle staff approved (with the
// application, /cohort add or /cohort link), resolved on X to the
// account's id once. The link is what makes a log trustworthy, so hosts
// cannot change it themselves.
type XLink struct {
	UserID string
	Handle string // the handle it resolves, without @
	// XID is the account's id on X; empty until resolved.
	XID      string
	Resolved time.Time
	// Missing is set when X has no account by Handle; CheckedAt is when X
	// last said so (it is asked again a day later).
	Missing   bool
	CheckedAt time.Time
	// Told is set once staff have been told the handle does not resolve.
	Told bool
	// LastLive is when the watcher last saw the host live on X.
	LastLive time.Time
	// LinkedBy is the staff member who set the handle with /cohort link.
	LinkedBy string
	LinkedAt time.Time
}

// XLinkStore keeps hosts' X links.
type XLinkStore interface {
	XLink(ctx context.Context, ws WorkspaceRef, userID string) (XLink, error) // ErrNotFound
	PutXLink(ctx context.Context, ws WorkspaceRef, l XLink) error
	// DeleteXLink forgets userID's link; none is not an error.
	DeleteXLink(ctx context.Context, ws WorkspaceRef, userID string) error
	XLinks(ctx context.Context, ws WorkspaceRef) ([]XLink, error) // by UserID
}

// For reports whether l is the link of handle: a link stands for the
// handle the host has now, and a changed handle must be resolved again.
func (l XLink) For(handle string) bool {
	return handle != "" && strings.EqualFold(l.Handle, handle)
}

// Linked reports whether l names an X account.
func (l XLink) Linked() bool { return l.XID != "" }

// hostsAndLinks reads ws's hosts, by UserID, and their X links, keyed by
// UserID (a host without a link has the zero XLink).
func hostsAndLinks(ctx context.Context, st Store, ws WorkspaceRef) ([]Host, map[string]XLink, error) {
	hosts, err := st.Hosts(ctx, ws)
	if err != nil {
		return nil, nil, err
	}
	links, err := st.XLinks(ctx, ws)
	if err != nil {
		return nil, nil, err
	}
	byUser := make(map[string]XLink, len(links))
	for _, l := range links {
		byUser[l.UserID] = l
	}
	return hosts, byUser, nil
}

// resolve looks up on X the handles of linked hosts that have no X id yet,
// a few a round (users/by/username has its own budget). Each one X answers
// for leaves the list; the rest wait for the next round.
func (w *Watcher) resolve(ctx context.Context, set *watchSet, now time.Time) {
	if len(set.unresolved) == 0 || !w.lookups.ready(now) {
		return
	}
	defer set.index()
	done := 0
	for _, wh := range set.unresolved {
		if set.lookups <= 0 {
			break
		}
		u, err := w.x.UserByName(ctx, wh.host.Handle)
		if err != nil && !errors.Is(err, ErrXNotFound) {
			w.lookups.failed(now)
			w.log.Warn("watching X: resolving handles failed; trying again later", "at", w.lookups.after, "err", err)
			break
		}
		w.lookups.succeeded()
		set.lookups--
		done++
		if err != nil {
			wh.link = XLink{UserID: wh.host.UserID, Handle: wh.host.Handle, Missing: true, CheckedAt: now,
				Told: wh.link.For(wh.host.Handle) && wh.link.Told, LinkedBy: wh.link.LinkedBy, LinkedAt: wh.link.LinkedAt}
			w.unresolvable(ctx, wh, now)
			continue
		}
		wh.link = resolvedLink(wh.link, wh.host, u, now)
		if err := w.store.PutXLink(ctx, wh.ws, wh.link); err != nil {
			w.log.Error("watching X: storing a resolved link", "workspace", wh.ws.Key(), "user", wh.host.UserID, "err", err)
			continue
		}
		set.byXID[u.ID] = append(set.byXID[u.ID], wh)
		set.users[wh.ws][wh.host.UserID] = wh
	}
	set.unresolved = set.unresolved[done:]
}

// backoff spaces out lookups X does not answer (down, rate-limited,
// refusing the token): after the n-th failure in a row the next waits
// firstBackoff·2ⁿ⁻¹, at most maxBackoff, on the bot's clock.
type backoff struct {
	fails int
	after time.Time
}

const (
	firstBackoff = time.Minute
	maxBackoff   = 30 * time.Minute
)

func (b *backoff) ready(now time.Time) bool { return !now.Before(b.after) }

func (b *backoff) failed(now time.Time) {
	b.fails++
	b.after = now.Add(min(firstBackoff<<min(b.fails-1, 10), maxBackoff))
}

func (b *backoff) succeeded() { *b = backoff{} }

// resolvedLink is h's link once X resolved its handle to u.
func resolvedLink(old XLink, h Host, u XUser, now time.Time) XLink {
	l := XLink{UserID: h.UserID, Handle: h.Handle, XID: u.ID, Resolved: now}
	if old.For(h.Handle) {
		l.LinkedBy, l.LinkedAt, l.LastLive = old.LinkedBy, old.LinkedAt, old.LastLive
	}
	return l
}

// unresolvable stores wh's link as a handle X has no account for, and
// tells staff, once, in the staff channel: the host stays on logging by
// hand until relinked. Without a staff or digest channel it is not told
// (it stays in /cohort links and /cohort report) until there is one.
func (w *Watcher) unresolvable(ctx context.Context, wh *watched, now time.Time) {
	if ch := wh.co.StaffPostChannel(); !wh.link.Told && ch != "" {
		msg := UnresolvedMessage(wh.host.UserID, wh.host.Handle)
		job := Job{Key: fmt.Sprintf("%s/xlink/%s/%s", wh.ws.Key(), url.PathEscape(wh.host.UserID), strings.ToLower(wh.host.Handle)),
			Kind: JobPost, Workspace: wh.ws, Due: now, UserID: wh.host.UserID, Channel: ch, Message: &msg}
		if err := queue(ctx, w.store, w.planner, job); err != nil {
			w.log.Error("watching X: telling staff of a handle that does not resolve", "workspace", wh.ws.Key(), "err", err)
			return
		}
		wh.link.Told = true
	}
	if err := w.store.PutXLink(ctx, wh.ws, wh.link); err != nil {
		w.log.Error("watching X: storing a link that does not resolve", "workspace", wh.ws.Key(), "user", wh.host.UserID, "err", err)
	}
}

// UnresolvedMessage tells staff that a host's handle does not resolve on X.
func UnresolvedMessage(userID, handle string) Message {
	m := messagef("X has no account %s, the handle of %s: their Spaces are not seen on X, and they log by hand.",
		UserText("@"+handle), UserRef(userID))
	m.Addf("If the handle is wrong, set the right one with /cohort link user:@name handle:@their_x.")
	return m
}

// tellShared tells staff of each X id linked to two or more hosts of one
// workspace: the watcher credits none of them (watchSet.host). Without a
// staff or digest channel, /cohort links and /cohort report show it.
func (w *Watcher) tellShared(ctx context.Context, set *watchSet, now time.Time) {
	for xid, hosts := range set.byXID {
		if len(hosts) < 2 {
			continue
		}
		byWS := map[WorkspaceRef][]string{}
		for _, wh := range hosts {
			byWS[wh.ws] = append(byWS[wh.ws], wh.host.UserID)
		}
		for ws, users := range byWS {
			if len(users) > 1 {
				w.tellSharedIn(ctx, set.cohorts[ws], ws, xid, users, now)
			}
		}
	}
}

func (w *Watcher) tellSharedIn(ctx context.Context, co Cohort, ws WorkspaceRef, xid string, users []string, now time.Time) {
	slices.Sort(users)
	key := ws.Key() + "/xshared/" + url.PathEscape(xid)
	for _, u := range users {
		key += "/" + url.PathEscape(u)
	}
	ch := co.StaffPostChannel()
	if w.toldShared[key] || ch == "" {
		return
	}
	msg := SharedXMessage(users, xid)
	job := Job{Key: key, Kind: JobPost, Workspace: ws, Due: now, Channel: ch, Message: &msg}
	if err := queue(ctx, w.store, w.planner, job); err != nil {
		w.log.Error("watching X: telling staff of an X id two hosts share", "workspace", ws.Key(), "err", err)
		return
	}
	if w.toldShared == nil {
		w.toldShared = map[string]bool{}
	}
	w.toldShared[key] = true
}

// SharedXMessage tells staff that users are linked to one X account.
func SharedXMessage(users []string, xid string) Message {
	line := append(userList(users), Linef(" are linked to the same X account (X id %s): one X account is one host, "+
		"so sparkbot credits none of them with its Spaces.", xid)...)
	var m Message
	m.Add(line)
	m.Addf("Give each their own handle with /cohort link user:@name handle:@their_x; /cohort links shows who has which.")
	return m
}

// xHostsOf are the members of co linked to X account xid in ws (by a link
// for their handle now): one, or none; more only when two hosts share an
// account, and then none of them is credited.
func xHostsOf(ctx context.Context, st Store, ws WorkspaceRef, co Cohort, xid string) ([]Host, error) {
	if xid == "" {
		return nil, nil
	}
	links, err := st.XLinks(ctx, ws)
	if err != nil {
		return nil, err
	}
	var out []Host
	for _, l := range links {
		if l.XID != xid {
			continue
		}
		h, err := st.Host(ctx, ws, l.UserID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if h.MemberOf(co) && l.For(h.Handle) {
			out = append(out, h)
		}
	}
	return out, nil
}
