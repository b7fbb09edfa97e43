package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"
)

// MaxSchedulesPerHost bounds how many recurring Spaces one host keeps.
const MaxSchedulesPerHost = 20

// defaultDuration is how long a scheduled Space runs when not said.
const defaultDuration = 60 * time.Minute

func sortOccurrences(occ []Occurrence) {
	sort.SliceStable(occ, func(i, j int) bool { return occ[i].Start.Before(occ[j].Start) })
}

func (r *Router) scheduleAdd(ctx context.Context, c *Call) (Response, error) {
	co, h, err := r.member(ctx, c)
	if err != nil {
		return Response{}, err
	}
	existing, err := r.store.SchedulesOf(ctx, c.Workspace, c.UserID)
	if err != nil {
		return Response{}, err
	}
	if len(existing) >= MaxSchedulesPerHost {
		return Response{}, Conflictf("You have %d recurring Spaces, the most one host may keep. Remove one with /spaces schedule remove id:N.", len(existing))
	}
	loc := h.Location(co, c.UserZone)
	if c.Has("tz") {
		loc = optionValue[*time.Location](c, "tz")
	}
	s := Schedule{
		UserID: c.UserID, Title: optionValue[string](c, "title"), Days: optionValue[Weekdays](c, "days"),
		At: optionValue[TimeOfDay](c, "time"), Duration: defaultDuration, Zone: loc.String(), CreatedAt: r.clock.Now(),
	}
	if c.Has("duration") {
		s.Duration = optionValue[time.Duration](c, "duration")
	}
	s, err = r.store.AddSchedule(ctx, c.Workspace, s)
	if err != nil {
		return Response{}, err
	}
	r.planner.HostChanged(ctx, c.Workspace, s.UserID)
	resp := Response{Ephemeral: true}
	resp.Addf("Saved recurring Space #%d: %s.", s.ID, describeSchedule(s))
	r.addNext(&resp.Message, s, h.Location(co, c.UserZone), 3)
	return resp, nil
}

// describeSchedule is a schedule in one phrase: "Night owls", tue,thu 20:00 America/Chicago, 60m.
func describeSchedule(s Schedule) Span {
	// The title is user text; the rest is ours. A Span keeps them apart.
	return UserText(fmt.Sprintf("%q, %s at %s %s, %s", s.Title, s.Days, s.At, s.Zone, HumanDuration(s.Duration)))
}

// addNext appends the schedule's next n occurrences, shown in the host's zone.
func (r *Router) addNext(m *Message, s Schedule, hostZone *time.Location, n int) {
	next := s.NextOccurrences(r.clock.Now(), n)
	if len(next) == 0 {
		m.Addf("No upcoming dates (it is paused).")
		return
	}
	m.Addf("Next:")
	for _, t := range next {
		m.Addf("• %s", At(t, hostZone, TimeFull))
	}
}

// ownSchedule loads schedule id, which must be the caller's (or staff's).
func (r *Router) ownSchedule(ctx context.Context, c *Call) (Schedule, error) {
	id := int64(optionValue[int](c, "id"))
	s, err := r.store.Schedule(ctx, c.Workspace, id)
	if errors.Is(err, ErrNotFound) {
		return Schedule{}, NotFoundf("There is no recurring Space #%d. See yours with /spaces schedule list.", id)
	}
	if err != nil {
		return Schedule{}, err
	}
	if s.UserID != c.UserID && !c.Staff {
		return Schedule{}, Forbiddenf("Recurring Space #%d is another host's; you can change only your own.", id)
	}
	return s, nil
}

func (r *Router) scheduleList(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	h, err := r.host(ctx, c)
	if err != nil {
		return Response{}, err
	}
	list, err := r.store.SchedulesOf(ctx, c.Workspace, c.UserID)
	if err != nil {
		return Response{}, err
	}
	resp := Response{Ephemeral: true}
	if len(list) == 0 {
		resp.Addf("You have no recurring Spaces. Add one with %s", Lookup([]string{"spaces", "schedule", "add"}).Example)
		return resp, nil
	}
	now, loc := r.clock.Now(), h.Location(co, c.UserZone)
	resp.Section("Your recurring Spaces")
	for _, s := range list {
		line := Linef("#%d %s", s.ID, describeSchedule(s))
		switch next := s.NextOccurrences(now, 1); {
		case s.Paused && s.PausedUntil.IsZero():
			line = append(line, Text(" — paused until you resume it"))
		case len(next) > 0:
			if s.Paused {
				line = append(line, Linef(" — paused through %s", s.PausedUntil)...)
			}
			line = append(line, Linef(" — next %s", At(next[0], loc, TimeFull))...)
		}
		if skips := futureSkips(s, now); len(skips) > 0 {
			line = append(line, Linef(" — skipping %v", skips)...)
		}
		resp.Add(line)
	}
	return resp, nil
}

// futureSkips are the skipped dates not yet past in the schedule's zone.
func futureSkips(s Schedule, now time.Time) []string {
	today := DateOf(now.In(s.Location()))
	var out []string
	for _, d := range s.Skips {
		if !d.Before(today) {
			out = append(out, d.String())
		}
	}
	return out
}

func (r *Router) scheduleRemove(ctx context.Context, c *Call) (Response, error) {
	s, err := r.ownSchedule(ctx, c)
	if err != nil {
		return Response{}, err
	}
	if err := r.store.DeleteSchedule(ctx, c.Workspace, s.ID); err != nil {
		return Response{}, err
	}
	r.planner.HostChanged(ctx, c.Workspace, s.UserID)
	return Reply("Removed recurring Space #%d (%s). Logs of Spaces you hosted stay.", s.ID, UserText(s.Title)), nil
}

func (r *Router) schedulePause(ctx context.Context, c *Call) (Response, error) {
	s, err := r.ownSchedule(ctx, c)
	if err != nil {
		return Response{}, err
	}
	s.Paused, s.PausedUntil = true, Date{}
	if c.Has("until") {
		until := optionValue[Date](c, "until")
		if today := DateOf(r.clock.Now().In(s.Location())); until.Before(today) {
			return Response{}, Invalidf("until:%s is in the past; give the last date to pause, like %s", until, today.AddDays(7))
		}
		s.PausedUntil = until
	}
	if err := r.store.PutSchedule(ctx, c.Workspace, s); err != nil {
		return Response{}, err
	}
	r.planner.HostChanged(ctx, c.Workspace, s.UserID)
	if s.PausedUntil.IsZero() {
		return Reply("Paused recurring Space #%d until you resume it with /spaces schedule resume id:%d.", s.ID, s.ID), nil
	}
	return Reply("Paused recurring Space #%d through %s; it comes back on its own after that.", s.ID, s.PausedUntil), nil
}

func (r *Router) scheduleResume(ctx context.Context, c *Call) (Response, error) {
	s, err := r.ownSchedule(ctx, c)
	if err != nil {
		return Response{}, err
	}
	if !s.Paused {
		return Reply("Recurring Space #%d is not paused.", s.ID), nil
	}
	s.Paused, s.PausedUntil = false, Date{}
	if err := r.store.PutSchedule(ctx, c.Workspace, s); err != nil {
		return Response{}, err
	}
	r.planner.HostChanged(ctx, c.Workspace, s.UserID)
	resp := Reply("Resumed recurring Space #%d.", s.ID)
	r.addNext(&resp.Message, s, s.Location(), 1)
	return resp, nil
}

// nextScheduledDate is the first of s's weekdays on or after from.
func nextScheduledDate(s Schedule, from Date) Date {
	for i := 0; i < 7; i++ {
		if d := from.AddDays(i); s.Days.Has(d.Weekday()) {
			return d
		}
	}
	return from
}

// maxSkips bounds the skipped dates a schedule keeps; past ones are pruned.
const maxSkips = 60

func (r *Router) scheduleSkip(ctx context.Context, c *Call) (Response, error) {
	s, err := r.ownSchedule(ctx, c)
	if err != nil {
		return Response{}, err
	}
	date := optionValue[Date](c, "date")
	today := DateOf(r.clock.Now().In(s.Location()))
	switch {
	case date.Before(today):
		return Response{}, Invalidf("date:%s is in the past; give a coming date, like %s", date, nextScheduledDate(s, today))
	case !s.Days.Has(date.Weekday()):
		return Response{}, Invalidf("date:%s is a %s; recurring Space #%d runs on %s.", date, date.Weekday(), s.ID, s.Days)
	case slices.Contains(s.Skips, date):
		return Reply("%s is already skipped for recurring Space #%d.", date, s.ID), nil
	}
	// Past skips are kept through the backfill window: planning after
	// downtime must still see them.
	keepFrom := today.AddDays(-HostBackfillDays)
	s.Skips = slices.DeleteFunc(s.Skips, func(d Date) bool { return d.Before(keepFrom) })
	if len(s.Skips) >= maxSkips {
		return Response{}, Conflictf("Recurring Space #%d already skips %d dates; pause it instead with /spaces schedule pause id:%d until:DATE.", s.ID, len(s.Skips), s.ID)
	}
	s.Skips = append(s.Skips, date)
	slices.SortFunc(s.Skips, func(a, b Date) int { return a.noonUTC().Compare(b.noonUTC()) })
	if err := r.store.PutSchedule(ctx, c.Workspace, s); err != nil {
		return Response{}, err
	}
	r.planner.HostChanged(ctx, c.Workspace, s.UserID)
	return Reply("Skipping recurring Space #%d on %s %s.", s.ID, date.Weekday(), date), nil
}
