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
	case ActionApproveLog:
		return r.approveLog(ctx, req)
	}
	return Response{}, Invalidf("That button is no longer active.")
}

// unverifiedID is the synthetic id of a one-click log; the dash keeps it
// apart from every real Space id.
func unverifiedID(scheduleID int64, start time.Time) string {
	return fmt.Sprintf("unverified-%d-%d", scheduleID, start.Unix())
}

// hosted logs one occurrence from the "I hosted it" button, unverified.
func (r *Router) hosted(ctx context.Context, req Request) (Response, error) {
	c := &Call{Request: req}
	co, h, err := r.member(ctx, c)
	if err != nil {
		return Response{}, err
	}
	s, start, err := r.buttonOccurrence(ctx, req)
	if err != nil {
		return Response{}, err
	}
	now := r.clock.Now()
	loc := h.Location(co, req.UserZone)
	if start.After(now) {
		return Response{}, Invalidf("“%s” hasn't started yet (it starts %s). Click once you've hosted it.", echoInput(s.Title), Relative(start.Sub(now)))
	}
	if err := checkLogTime(start, now, loc, func() bool { return req.Staff }); err != nil {
		return Response{}, err
	}
	logs, err := occurrenceLogs(ctx, r.store, req.Workspace, req.UserID, start)
	if err != nil {
		return Response{}, err
	}
	if l, found := OccurrenceLog(logs, Occurrence{Schedule: s, Start: start}); found {
		return Reply("Already logged: %s%s, %s.", displayID(l), titleSuffix(l.Title), At(l.Start, loc, TimeFull)), nil
	}
	l := SpaceLog{
		SpaceID: unverifiedID(s.ID, start), UserID: req.UserID, Title: s.Title, Start: start,
		Minutes: int(s.Duration / time.Minute), LoggedAt: now, ScheduleID: s.ID, Occurrence: start,
		Provenance: OneClick,
	}
	if err := r.refuseRejected(ctx, req.Workspace, l.SpaceID); err != nil {
		return Response{}, err
	}
	clashes, err := r.overlapping(ctx, req.Workspace, co, l, "")
	if err != nil {
		return Response{}, err
	}
	if len(clashes) > 0 {
		return overlapRefusal(l, clashes[0], co.OverlapGap(), loc, false), nil
	}
	if err := r.store.AddLog(ctx, req.Workspace, l); err != nil && !errors.Is(err, ErrExists) {
		return Response{}, err
	}
	resp := Reply("Logged %s, %s — unverified. Add its link for a verified entry: /spaces log url:<link> at:\"%s\"",
		UserText("“"+s.Title+"”"), At(start, loc, TimeFull), start.In(loc).Format("2006-01-02 15:04"))
	note, err := r.logsChanged(ctx, req.Workspace, co, h, start, +1)
	resp.Add(note...)
	return resp, err
}

// buttonOccurrence reads the occurrence an "I hosted it" button names
// (by the schedule's workspace-wide ID, so buttons outlive renumbering):
// it must still be one of the clicker's schedule's occurrences.
func (r *Router) buttonOccurrence(ctx context.Context, req Request) (Schedule, time.Time, error) {
	id, start, ok := parseHostedValue(req.Action.Value)
	if !ok {
		return Schedule{}, time.Time{}, Invalidf("That button is no longer active.")
	}
	s, err := r.store.Schedule(ctx, req.Workspace, id)
	if errors.Is(err, ErrNotFound) {
		return Schedule{}, time.Time{}, NotFoundf("That recurring Space was removed; log the Space with /spaces log url:<link>.")
	}
	if err != nil {
		return Schedule{}, time.Time{}, err
	}
	if s.UserID != req.UserID {
		return Schedule{}, time.Time{}, Forbiddenf("That button is for another host's Space.")
	}
	if occ := s.Recurrence().Between(start, start.Add(time.Second)); len(occ) != 1 || !occ[0].Equal(start) {
		return Schedule{}, time.Time{}, Invalidf("That button is no longer active.")
	}
	return s, start, nil
}

// displayID shows a log's Space id, or that it is a one-click log.
func displayID(l SpaceLog) string {
	if !l.Provenance.HasSpaceID() {
		return "one-click log"
	}
	return "Space " + l.SpaceID
}
