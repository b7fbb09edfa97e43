package bot

import (
	"context"
	"errors"
	"time"
)

func (r *Router) spacesLog(ctx context.Context, c *Call) (Response, error) {
	co, h, err := r.member(ctx, c)
	if err != nil {
		return Response{}, err
	}
	now := r.clock.Now()
	loc := h.Location(co, c.UserZone)
	start, err := r.logStart(ctx, c, loc, now)
	if err != nil {
		return Response{}, err
	}
	if err := checkLogTime(start, now, loc, c.Staff); err != nil {
		return Response{}, err
	}
	l := SpaceLog{
		SpaceID: optionValue[string](c, "url"), UserID: c.UserID, Title: optionValue[string](c, "title"),
		Start: start, Listeners: optionValue[int](c, "listeners"), Minutes: optionValue[int](c, "minutes"),
		LoggedAt: now, Verified: true,
	}
	old, upgrade, err := r.unverifiedNear(ctx, c.Workspace, c.UserID, start)
	if err != nil {
		return Response{}, err
	}
	if upgrade {
		// The one-click log of this occurrence becomes this verified one:
		// the Space counts once.
		l.ScheduleID, l.Start = old.ScheduleID, old.Start
		if l.Title == "" {
			l.Title = old.Title
		}
		err = r.store.ReplaceLog(ctx, c.Workspace, old.SpaceID, l)
	} else {
		err = r.store.AddLog(ctx, c.Workspace, l)
	}
	if errors.Is(err, ErrExists) {
		return Response{}, r.duplicateLog(ctx, c, l.SpaceID)
	}
	if err != nil {
		return Response{}, err
	}
	r.planner.LogsChanged(ctx, c.Workspace, c.UserID)
	verb := "Logged"
	if upgrade {
		verb = "Verified your one-click log: logged"
	}
	resp := Reply("%s Space %s%s, started %s.", verb, l.SpaceID, titleSuffix(l.Title), At(l.Start, loc, TimeFull))
	return r.withWeek(ctx, c, co, h, resp, l.Start)
}

// recentStart is how long after a scheduled start a log without at: is
// taken to be that scheduled Space.
const recentStart = 6 * time.Hour

// logStart is when the logged Space started: at: if given, else the start
// of the host's latest scheduled Space in the last few hours, else now.
func (r *Router) logStart(ctx context.Context, c *Call, loc *time.Location, now time.Time) (time.Time, error) {
	if c.Has("at") {
		dt := optionValue[DateTime](c, "at")
		return LocalTime(dt.Date, dt.Time, loc), nil
	}
	schedules, err := r.store.SchedulesOf(ctx, c.Workspace, c.UserID)
	if err != nil {
		return time.Time{}, err
	}
	start := now
	for _, o := range upcoming(schedules, now.Add(-recentStart), now) {
		start = o.Start // in time order: the last one is the latest
	}
	return start, nil
}

// checkLogTime enforces the log rules: not in the future, and for hosts
// not older than the backfill window.
func checkLogTime(start, now time.Time, loc *time.Location, staff bool) error {
	if start.After(now) {
		return Invalidf("at:%s is in the future; log a Space once it has started.", start.In(loc).Format("2006-01-02 15:04"))
	}
	if !staff && now.Sub(start) > HostBackfillDays*24*time.Hour {
		return Invalidf("at:%s is more than %d days ago; hosts can log the last %d days only. Ask staff to log older Spaces.",
			start.In(loc).Format("2006-01-02 15:04"), HostBackfillDays, HostBackfillDays)
	}
	return nil
}

func titleSuffix(title string) Span {
	if title == "" {
		return Text("")
	}
	return UserText(" (" + title + ")")
}

// duplicateLog explains a Space id that is logged already.
func (r *Router) duplicateLog(ctx context.Context, c *Call, spaceID string) error {
	existing, err := r.store.Log(ctx, c.Workspace, spaceID)
	if err != nil {
		return Conflictf("Space %s is already logged.", spaceID)
	}
	if existing.UserID == c.UserID {
		return Conflictf("You already logged Space %s on %s; each Space counts once.", spaceID, existing.LoggedAt.UTC().Format("2006-01-02"))
	}
	return Conflictf("Space %s is already logged by another host; each Space counts once. Ask staff if that's wrong.", spaceID)
}

// withWeek appends the host's standing in the week containing t: the
// answer to "where does this leave me?".
func (r *Router) withWeek(ctx context.Context, c *Call, co Cohort, h Host, resp Response, t time.Time) (Response, error) {
	now := r.clock.Now()
	if !co.WeekOf(t).Contains(now) {
		return resp, nil
	}
	rec, err := r.hostRecord(ctx, c.Workspace, co, h, now)
	if err != nil {
		return Response{}, err
	}
	cur := rec.Current()
	resp.Addf("This week: %d of %d — %s.", len(cur.Logs), cur.Quota, cur.Standing)
	return resp, nil
}

func (r *Router) spacesUnlog(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	id := optionValue[string](c, "space")
	l, err := r.store.Log(ctx, c.Workspace, id)
	if errors.Is(err, ErrNotFound) {
		return Response{}, NotFoundf("Space %s is not logged.", id)
	}
	if err != nil {
		return Response{}, err
	}
	if l.UserID != c.UserID && !c.Staff {
		return Response{}, Forbiddenf("Space %s was logged by another host; you can remove only your own logs.", id)
	}
	if err := r.store.DeleteLog(ctx, c.Workspace, id); err != nil {
		return Response{}, err
	}
	r.planner.LogsChanged(ctx, c.Workspace, l.UserID)
	resp := Reply("Removed the log of Space %s.", id)
	h, err := r.host(ctx, c)
	if err != nil || !h.Member || l.UserID != c.UserID {
		return resp, err
	}
	return r.withWeek(ctx, c, co, h, resp, l.Start)
}
