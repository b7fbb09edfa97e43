package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// xReplyWait is the longest a command's reply waits on X: Slack wants an
// answer within 2 seconds.
const xReplyWait = time.Second

// SetX connects the router to X. Without it (no SPARKBOT_X_BEARER_TOKEN),
// nothing is checked on X and every command works as before.
func (r *Router) SetX(x XSource) { r.x = x }

// cohortLink sets a host's X handle, the account their Spaces are seen on.
// Only staff may; nobody may set their own, staff who host included.
func (r *Router) cohortLink(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	h, err := r.memberOption(ctx, c, co)
	if err != nil {
		return Response{}, err
	}
	if h.UserID == c.UserID {
		return Response{}, Forbiddenf("Another staff member must change your own X link: the link is what makes a host's logs trustworthy.")
	}
	handle, err := parseHandle("handle", optionValue[string](c, "handle"))
	if err != nil {
		return Response{}, err
	}
	if err := r.handleFree(ctx, c.Workspace, co, h.UserID, handle, "", ""); err != nil {
		return Response{}, err
	}
	now := r.clock.Now()
	link := XLink{UserID: h.UserID, Handle: handle, LinkedBy: c.UserID, LinkedAt: now}
	said, err := r.resolveNow(ctx, c.Workspace, co, &link)
	if err != nil {
		return Response{}, err
	}
	h.Handle = handle
	if err := r.store.PutHost(ctx, c.Workspace, h); err != nil {
		return Response{}, err
	}
	if err := r.store.PutXLink(ctx, c.Workspace, link); err != nil {
		return Response{}, err
	}
	r.planner.HostChanged(ctx, c.Workspace, h.UserID)
	resp := Reply("Linked %s to %s on X%s.", UserRef(h.UserID), UserText("@"+handle), said)
	if r.x == nil {
		resp.Addf("sparkbot is not connected to X (SPARKBOT_X_BEARER_TOKEN), so nothing is checked there: their logs stay as they log them.")
	}
	return resp, nil
}

// resolveNow asks X for link's handle, waiting at most xReplyWait, and
// says in a few words what came of it; the watcher resolves it later if X
// could not answer now.
func (r *Router) resolveNow(ctx context.Context, ws WorkspaceRef, co Cohort, link *XLink) (string, error) {
	if r.x == nil {
		return "", nil
	}
	ctx, cancel := context.WithTimeout(ctx, xReplyWait)
	defer cancel()
	u, err := r.x.UserByName(ctx, link.Handle)
	switch {
	case errors.Is(err, ErrXNotFound):
		link.Missing, link.CheckedAt, link.Told = true, r.clock.Now(), true
		return fmt.Sprintf(", but X has no account @%s: check the spelling; until it resolves they log by hand", link.Handle), nil
	case err != nil:
		return " (X did not answer just now: sparkbot keeps asking it, and /cohort links shows the X id once X has answered)", nil
	}
	if err := r.handleFree(ctx, ws, co, link.UserID, link.Handle, u.ID, ""); err != nil {
		return "", err
	}
	link.XID, link.Resolved = u.ID, r.clock.Now()
	return fmt.Sprintf(" (X id %s): their Spaces there are seen and logged for them", u.ID), nil
}

// handleFree refuses a handle, or an X account, that another host of co
// has: one X account is one host. Every path that sets a host's handle
// asks it (/cohort add, /cohort approve, /cohort link); hint, if any,
// ends the refusal.
func (r *Router) handleFree(ctx context.Context, ws WorkspaceRef, co Cohort, userID, handle, xid, hint string) error {
	hosts, byUser, err := hostsAndLinks(ctx, r.store, ws)
	if err != nil {
		return err
	}
	for _, o := range hosts {
		if o.UserID == userID || !o.MemberOf(co) {
			continue
		}
		l := byUser[o.UserID]
		if strings.EqualFold(o.Handle, handle) || (xid != "" && l.For(o.Handle) && l.XID == xid) {
			return Conflictf("@%s is the X account of %s already: one X account is one host.%s", handle, mentionText(o.UserID), hint)
		}
	}
	return nil
}

// cohortLinks lists every host's X account: handle, X id, last seen live.
func (r *Router) cohortLinks(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	hosts, byUser, err := hostsAndLinks(ctx, r.store, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	sharing := xidHolders(co, hosts, byUser)
	resp := Response{Ephemeral: true}
	resp.FieldSection("X accounts — " + co.Name)
	n := 0
	for _, h := range hosts {
		if !h.MemberOf(co) {
			continue
		}
		n++
		l := byUser[h.UserID]
		resp.Add(linkLine(h, l, others(sharing[l.XID], h.UserID), co.Location()))
	}
	if n == 0 {
		resp.Addf("No hosts yet.")
	}
	if r.x == nil {
		resp.Note("sparkbot is not connected to X (set SPARKBOT_X_BEARER_TOKEN): handles are not resolved or watched.")
	} else {
		resp.Note("Change a host's account with /cohort link user:@name handle:@their_x; hosts cannot change their own.")
	}
	return resp, nil
}

// xidHolders maps each X id to the members of co linked to it (their
// link is for their handle now), by user id as hosts come.
func xidHolders(co Cohort, hosts []Host, byUser map[string]XLink) map[string][]string {
	out := map[string][]string{}
	for _, h := range hosts {
		if l := byUser[h.UserID]; h.MemberOf(co) && l.For(h.Handle) && l.Linked() {
			out[l.XID] = append(out[l.XID], h.UserID)
		}
	}
	return out
}

// others is users without userID.
func others(users []string, userID string) []string {
	var out []string
	for _, u := range users {
		if u != userID {
			out = append(out, u)
		}
	}
	return out
}

// linkLine is one host's line in /cohort links; sharing are the other
// hosts linked to the same X id.
func linkLine(h Host, l XLink, sharing []string, loc *time.Location) Line {
	head := Linef("%s: %s", UserRef(h.UserID), UserText("@"+h.Handle))
	var rest Line
	switch {
	case l.For(h.Handle) && l.Linked() && len(sharing) > 0:
		rest = append(Linef(" — X id %s, shared with ", l.XID), userList(sharing)...)
		rest = append(rest, Linef(": neither is credited with its Spaces until staff relink one")...)
	case h.Handle == "":
		rest = Linef(" — no handle: they log by hand")
	case !l.For(h.Handle) || !l.Missing && !l.Linked():
		rest = Linef(" — not resolved on X yet: they log by hand until X answers")
	case l.Missing:
		rest = Linef(" — X has no such account (asked %s): they log by hand", At(l.CheckedAt, loc, TimeFull))
	case l.LastLive.IsZero():
		rest = Linef(" — X id %s, not seen live yet", l.XID)
	default:
		rest = Linef(" — X id %s, last seen live %s", l.XID, At(l.LastLive, loc, TimeFull))
	}
	return append(head, rest...)
}

// addXProblems adds to /cohort report the X accounts staff must fix, for
// the cohort open now with X on: handles X has no account for, and X ids
// two hosts share. Staff see them here even with no staff channel to be
// told in.
func (r *Router) addXProblems(ctx context.Context, ws WorkspaceRef, co Cohort, m *Message) error {
	if r.x == nil || !r.clock.Now().Before(co.EndsAt()) {
		return nil
	}
	if latest, err := r.store.Cohort(ctx, ws); err != nil || latest.ID != co.ID {
		return err
	}
	hosts, byUser, err := hostsAndLinks(ctx, r.store, ws)
	if err != nil {
		return err
	}
	sharing := xidHolders(co, hosts, byUser)
	var lines []Line
	for _, h := range hosts {
		l := byUser[h.UserID]
		if !h.MemberOf(co) || !l.For(h.Handle) {
			continue
		}
		switch shared := others(sharing[l.XID], h.UserID); {
		case l.Missing:
			lines = append(lines, Linef("%s: X has no account %s (asked %s): they log by hand; set the right handle with /cohort link.",
				UserRef(h.UserID), UserText("@"+h.Handle), At(l.CheckedAt, co.Location(), TimeFull)))
		case l.Linked() && len(shared) > 0:
			line := append(Linef("%s: X id %s, shared with ", UserRef(h.UserID), l.XID), userList(shared)...)
			lines = append(lines, append(line, Text(": neither is credited until staff relink one with /cohort link.")))
		}
	}
	if len(lines) > 0 {
		m.Section("X accounts to fix")
		m.Add(lines...)
	}
	return nil
}

// userList names users as "@a", "@a and @b", "@a, @b and @c".
func userList(users []string) Line {
	var out Line
	for i, u := range users {
		switch {
		case i == 0:
		case i == len(users)-1:
			out = append(out, Text(" and "))
		default:
			out = append(out, Text(", "))
		}
		out = append(out, UserRef(u))
	}
	return out
}

// describeX adds the cohort's X settings to its description, when set.
func describeX(m *Message, co Cohort) {
	if co.LiveChannel != "" {
		m.Addf("Live channel (hosts going live on X): %s", ChannelRef(co.LiveChannel))
	}
	if co.XRetentionDays != 0 {
		m.Addf("X data: kept %s after the cohort ends.", plural(co.XRetentionDays, "day"))
	}
}
