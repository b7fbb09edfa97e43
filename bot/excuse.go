package bot

import (
	"context"
	"errors"
)

// An excused week counts as met. Staff excuse only weeks that count for
// the host (a member for the whole week, see Host.Presence), and only the
// cohort's own weeks.

func (r *Router) cohortExcuse(ctx context.Context, c *Call) (Response, error) {
	co, h, week, err := r.excuseTarget(ctx, c)
	if err != nil {
		return Response{}, err
	}
	key, reason := week.StartDate.String(), optionValue[string](c, "reason")
	earlier := h.Excused[key]
	if h.Excused == nil {
		h.Excused = map[string]string{}
	}
	h.Excused[key] = reason
	if err := r.store.PutHost(ctx, c.Workspace, h); err != nil {
		return Response{}, err
	}
	r.planner.HostChanged(ctx, c.Workspace, h.UserID)
	if err := r.queueNotice(ctx, c.Workspace, co, "excuse", h.UserID, r.clock.Now(), ExcuseMessage(co, week, reason, earlier)); err != nil {
		return Response{}, err
	}
	line := Linef("Excused %s for %s", UserRef(h.UserID), co.weekName(week))
	if earlier != "" {
		line = append(line, Text(", replacing the earlier reason "), UserText("“"+earlier+"”"))
	}
	line = append(line, Text(": it counts as met."))
	var resp Response
	resp.Add(line)
	return resp, nil
}

func (r *Router) cohortUnexcuse(ctx context.Context, c *Call) (Response, error) {
	co, h, week, err := r.excuseTarget(ctx, c)
	if err != nil {
		return Response{}, err
	}
	key := week.StartDate.String()
	reason, ok := h.Excused[key]
	if !ok {
		return Response{}, NotFoundf("%s has no excuse for %s.", mentionText(h.UserID), co.weekName(week))
	}
	delete(h.Excused, key)
	if err := r.store.PutHost(ctx, c.Workspace, h); err != nil {
		return Response{}, err
	}
	r.planner.HostChanged(ctx, c.Workspace, h.UserID)
	rec, err := r.hostRecord(ctx, c.Workspace, co, h, r.clock.Now())
	if err != nil {
		return Response{}, err
	}
	state := "counts again" // a week still to come
	if hw, found := rec.WeekStarting(week.Start); found {
		state = "is " + hw.Standing.String()
	}
	if err := r.queueNotice(ctx, c.Workspace, co, "unexcuse", h.UserID, r.clock.Now(), UnexcuseMessage(co, week, reason, state)); err != nil {
		return Response{}, err
	}
	line := Linef("Removed the excuse of %s for %s (", UserRef(h.UserID), co.weekName(week))
	line = append(line, UserText("“"+reason+"”"))
	line = append(line, Linef("): the week %s.", state)...)
	var resp Response
	resp.Add(line)
	return resp, nil
}

// excuseTarget reads the user and week options of excuse and unexcuse:
// a week of the cohort, and a host who was a member for the whole of it.
func (r *Router) excuseTarget(ctx context.Context, c *Call) (Cohort, Host, Week, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Cohort{}, Host{}, Week{}, err
	}
	week, err := co.weekOfDate("week", optionValue[Date](c, "week"))
	if err != nil {
		return Cohort{}, Host{}, Week{}, err
	}
	userID := optionValue[string](c, "user")
	h, err := r.store.Host(ctx, c.Workspace, userID)
	if errors.Is(err, ErrNotFound) || (err == nil && !h.MemberDuring(co, week.Start, week.End)) {
		return Cohort{}, Host{}, Week{}, NotFoundf("%s was not a host of %s in %s.", mentionText(userID), co.Name, co.weekName(week))
	}
	if err != nil {
		return Cohort{}, Host{}, Week{}, err
	}
	if h.Presence(co, week) != WholeWeek {
		return Cohort{}, Host{}, Week{}, Invalidf("%s was a host for only part of %s, so that week does not count for them and needs no excuse.",
			mentionText(userID), co.weekName(week))
	}
	return co, h, week, nil
}
