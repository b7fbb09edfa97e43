package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// handleAction runs a button click.
func (r *Router) handleAction(ctx context.Context, req Request) (Response, error) {
	switch req.Action.ID {
	case ActionHosted:
		return r.hosted(ctx, req)
	}
	return Response{}, Invalidf("That button is no longer active.")
}

// coverSlack is how far from an occurrence a log may start and still be
// taken as that occurrence: Spaces start early and run late.
const coverSlack = time.Hour

// covers reports whether a log starting at t is the occurrence at start
// lasting d.
func covers(start time.Time, d time.Duration, t time.Time) bool {
	return !t.Before(start.Add(-coverSlack)) && !t.After(start.Add(d+coverSlack))
}

// unverifiedID is the synthetic id of a one-click log; the dash keeps it
// apart from every real Space id.
func unverifiedID(scheduleID int64, start time.Time) string {
	return fmt.Sprintf("unverified-%d-%d", scheduleID, start.Unix())
}

// hosted logs one occurrence from the "I hosted it" button, unverified.
func (r *Router) hosted(ctx context.Context, req Request) (Response, error) {
	id, start, ok := parseHostedValue(req.Action.Value)
	if !ok {
		return Response{}, Invalidf("That button is no longer active.")
	}
	c := &Call{Request: req}
	co, h, err := r.member(ctx, c)
	if err != nil {
		return Response{}, err
	}
	s, err := r.store.Schedule(ctx, req.Workspace, id)
	if errors.Is(err, ErrNotFound) {
		return Response{}, NotFoundf("That recurring Space was removed; log the Space with /spaces log url:<link>.")
	}
	if err != nil {
		return Response{}, err
	}
	if s.UserID != req.UserID {
		return Response{}, Forbiddenf("That button is for another host's Space.")
	}
	if occ := s.Recurrence().Between(start, start.Add(time.Second)); len(occ) != 1 || !occ[0].Equal(start) {
		return Response{}, Invalidf("That button is no longer active.")
	}
	now := r.clock.Now()
	loc := h.Location(co, req.UserZone)
	if start.After(now) {
		return Response{}, Invalidf("“%s” hasn't started yet (it starts %s). Click once you've hosted it.", echoInput(s.Title), Relative(start.Sub(now)))
	}
	if err := checkLogTime(start, now, loc, req.Staff); err != nil {
		return Response{}, err
	}
	if l, found, err := r.coveringLog(ctx, req.Workspace, req.UserID, start, s.Duration); err != nil {
		return Response{}, err
	} else if found {
		return Reply("Already logged: %s%s, %s.", displayID(l), titleSuffix(l.Title), At(l.Start, loc, TimeFull)), nil
	}
	l := SpaceLog{
		SpaceID: unverifiedID(s.ID, start), UserID: req.UserID, Title: s.Title, Start: start,
		Minutes: int(s.Duration / time.Minute), LoggedAt: now, ScheduleID: s.ID,
	}
	if err := r.store.AddLog(ctx, req.Workspace, l); err != nil && !errors.Is(err, ErrExists) {
		return Response{}, err
	}
	r.planner.LogsChanged(ctx, req.Workspace, req.UserID)
	resp := Reply("Logged %s, %s — unverified. Add its link for a verified entry: /spaces log url:<link>.", UserText("“"+s.Title+"”"), At(start, loc, TimeFull))
	return r.withWeek(ctx, c, co, h, resp, start)
}

// coveringLog finds the user's log of the occurrence at start, if any.
func (r *Router) coveringLog(ctx context.Context, ws WorkspaceRef, userID string, start time.Time, d time.Duration) (SpaceLog, bool, error) {
	logs, err := r.store.LogsOf(ctx, ws, userID, start.Add(-coverSlack), start.Add(d+coverSlack+time.Nanosecond))
	if err != nil || len(logs) == 0 {
		return SpaceLog{}, false, err
	}
	return logs[0], true, nil
}

// unverifiedNear finds the user's one-click log that a log starting at t
// upgrades: the unverified log of an occurrence covering t.
func (r *Router) unverifiedNear(ctx context.Context, ws WorkspaceRef, userID string, t time.Time) (SpaceLog, bool, error) {
	logs, err := r.store.LogsOf(ctx, ws, userID, t.Add(-maxSpaceLength-coverSlack), t.Add(coverSlack+time.Nanosecond))
	if err != nil {
		return SpaceLog{}, false, err
	}
	for _, l := range logs {
		if !l.Verified && covers(l.Start, time.Duration(l.Minutes)*time.Minute, t) {
			return l, true, nil
		}
	}
	return SpaceLog{}, false, nil
}

// maxSpaceLength bounds a scheduled Space's duration (the duration option's max).
const maxSpaceLength = 12 * time.Hour

// displayID shows a log's Space id, or that it is a one-click log.
func displayID(l SpaceLog) string {
	if !l.Verified {
		return "one-click log"
	}
	return "Space " + l.SpaceID
}
