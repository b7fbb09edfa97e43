package bot

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// MaxSchedulesPerHost bounds how many recurring Spaces one host keeps.
const MaxSchedulesPerHost = 20

// defaultDuration is how long a scheduled Space runs when not said.
const defaultDuration = 60 * time.Minute

func sortOccurrences(occ []Occurrence) {
	slices.SortStableFunc(occ, func(a, b Occurrence) int { return a.Start.Compare(b.Start) })
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
	now := r.clock.Now()
	s := Schedule{
		UserID: c.UserID, Title: optionValue[string](c, "title"), Days: optionValue[Weekdays](c, "days"),
		At: optionValue[TimeOfDay](c, "time"), Duration: defaultDuration, Zone: loc.String(), CreatedAt: now,
	}
	if c.Has("duration") {
		s.Duration = optionValue[time.Duration](c, "duration")
	}
	if o, at, clash := clashing(s, existing, now); clash {
		return Response{}, clashError(scheduleOwner{userID: c.UserID}, o, at, "pick another time, or change that one")
	}
	s, err = r.store.AddSchedule(ctx, c.Workspace, s)
	if err != nil {
		return Response{}, err
	}
	r.planner.HostChanged(ctx, c.Workspace, s.UserID)
	resp := Response{Ephemeral: true}
	resp.Addf("Saved recurring Space #%d: %s.", s.Number, describeSchedule(s))
	r.addNext(&resp.Message, s, h.Location(co, c.UserZone), 3)
	return resp, nil
}

// clashWindow is how far ahead two schedules are compared for a start they
// share.
const clashWindow = 366 * 24 * time.Hour

// clashing returns the first of others (s itself left out) with an
// occurrence at the same instant as one of s's in the coming year, and
// that instant: such a pair would double every reminder. Schedules paused
// for good have no occurrences, so they clash with nothing until resumed.
func clashing(s Schedule, others []Schedule, now time.Time) (Schedule, time.Time, bool) {
	starts := map[int64]bool{}
	for _, t := range s.Occurrences(now, now.Add(clashWindow)) {
		starts[t.Unix()] = true
	}
	for _, o := range others {
		if o.ID == s.ID {
			continue
		}
		for _, t := range o.Occurrences(now, now.Add(clashWindow)) {
			if starts[t.Unix()] {
				return o, t, true
			}
		}
	}
	return Schedule{}, time.Time{}, false
}

// clashError names the schedule o that a new or resumed one clashes with at.
func clashError(owner scheduleOwner, o Schedule, at time.Time, fix string) error {
	who := "You already have"
	if owner.forHost {
		who = mentionText(owner.userID) + " already has"
	}
	return Conflictf("%s recurring Space #%d (%q, %s at %s %s) at that time. It would start with it on %s, doubling every reminder: %s (/spaces schedule remove id:%d%s).",
		who, o.Number, o.Title, o.Days, o.At, o.Zone, at.In(o.Location()).Format("Mon 2 Jan 15:04 MST"), fix, o.Number, owner.option())
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

// A host numbers their schedules #1, #2, … (Schedule.Number), and id: is
// that number. Staff name a host's schedule with user: and the host's
// number; without user:, id: is always the caller's own schedule, staff's
// included (staff may host too).

// scheduleOwner is whose schedules a schedule command acts on.
type scheduleOwner struct {
	userID  string
	forHost bool // staff, acting on a host's schedules with user:
}

// scheduleOwnerOf reads the user: option of a schedule command.
func scheduleOwnerOf(c *Call) (scheduleOwner, error) {
	target := optionValue[string](c, "user")
	if !c.Has("user") || target == c.UserID {
		return scheduleOwner{userID: c.UserID}, nil
	}
	if !c.Staff {
		return scheduleOwner{}, Forbiddenf("Only staff may see or change another host's recurring Spaces; leave out user: for yours.")
	}
	return scheduleOwner{userID: target, forHost: true}, nil
}

// option is the user: option that names the owner again, if needed.
func (o scheduleOwner) option() string {
	if !o.forHost {
		return ""
	}
	return " user:" + mentionText(o.userID)
}

// ref names schedule s in a reply: "recurring Space #2", or "@bob's
// recurring Space #2" when staff act for bob. Capital starts a sentence.
func (o scheduleOwner) ref(s Schedule, capital bool) Line {
	if o.forHost {
		return Line{UserRef(o.userID), Text(fmt.Sprintf("'s recurring Space #%d", s.Number))}
	}
	if capital {
		return Line{Text(fmt.Sprintf("Recurring Space #%d", s.Number))}
	}
	return Line{Text(fmt.Sprintf("recurring Space #%d", s.Number))}
}

// they is how a reply speaks of the owner: you, or they.
func (o scheduleOwner) they() string {
	if o.forHost {
		return "they"
	}
	return "you"
}

// say is a one-line reply: before, the reference to s, then after.
func (o scheduleOwner) say(before string, s Schedule, after string, args ...any) Response {
	line := append(Line{Text(before)}, o.ref(s, before == "")...)
	resp := Response{Ephemeral: true}
	resp.Add(append(line, Linef(after, args...)...))
	return resp
}

// ownSchedule loads the schedule the id: option numbers, among the
// caller's schedules, or with user: (staff) among that host's.
func (r *Router) ownSchedule(ctx context.Context, c *Call) (Schedule, scheduleOwner, error) {
	owner, err := scheduleOwnerOf(c)
	if err != nil {
		return Schedule{}, owner, err
	}
	list, err := r.store.SchedulesOf(ctx, c.Workspace, owner.userID)
	if err != nil {
		return Schedule{}, owner, err
	}
	n := optionValue[int](c, "id")
	for _, s := range list {
		if s.Number == n {
			return s, owner, nil
		}
	}
	if owner.forHost {
		return Schedule{}, owner, NotFoundf("%s has no recurring Space #%d. See theirs with /spaces schedule list%s.", mentionText(owner.userID), n, owner.option())
	}
	return Schedule{}, owner, NotFoundf("You have no recurring Space #%d. See yours with /spaces schedule list.", n)
}

func (r *Router) scheduleList(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	owner, err := scheduleOwnerOf(c)
	if err != nil {
		return Response{}, err
	}
	h, zone := Host{}, ""
	if owner.forHost {
		h, err = r.hostByID(ctx, c.Workspace, owner.userID, "")
	} else {
		h, err = r.host(ctx, c)
		zone = c.UserZone
	}
	if err != nil {
		return Response{}, err
	}
	list, err := r.store.SchedulesOf(ctx, c.Workspace, owner.userID)
	if err != nil {
		return Response{}, err
	}
	resp := Response{Ephemeral: true}
	switch {
	case len(list) == 0 && owner.forHost:
		resp.Addf("%s has no recurring Spaces.", UserRef(owner.userID))
		return resp, nil
	case len(list) == 0:
		resp.Addf("You have no recurring Spaces. Add one with %s", Lookup([]string{"spaces", "schedule", "add"}).Example)
		return resp, nil
	case owner.forHost:
		resp.Addf("%s's recurring Spaces:", UserRef(owner.userID))
	default:
		resp.Section("Your recurring Spaces")
	}
	now, loc := r.clock.Now(), h.Location(co, zone)
	for _, s := range list {
		resp.Add(scheduleLine(s, now, loc, owner))
	}
	return resp, nil
}

// scheduleLine is one schedule in a list: its number, what it is, and when next.
func scheduleLine(s Schedule, now time.Time, loc *time.Location, owner scheduleOwner) Line {
	line := Linef("#%d %s", s.Number, describeSchedule(s))
	switch next := s.NextOccurrences(now, 1); {
	case s.Paused && s.PausedUntil.IsZero():
		line = append(line, Linef(" — paused until %s resume it", owner.they())...)
	case len(next) > 0:
		if s.Paused {
			line = append(line, Linef(" — paused through %s", s.PausedUntil)...)
		}
		line = append(line, Linef(" — next %s", At(next[0], loc, TimeFull))...)
	}
	if skips := futureSkips(s, now); len(skips) > 0 {
		line = append(line, Linef(" — skipping %v", skips)...)
	}
	return line
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
	s, owner, err := r.ownSchedule(ctx, c)
	if err != nil {
		return Response{}, err
	}
	if err := r.store.DeleteSchedule(ctx, c.Workspace, s.ID); err != nil {
		return Response{}, err
	}
	r.planner.HostChanged(ctx, c.Workspace, s.UserID)
	return owner.say("Removed ", s, " (%s). Logs of Spaces %s hosted stay.", UserText(s.Title), owner.they()), nil
}

func (r *Router) schedulePause(ctx context.Context, c *Call) (Response, error) {
	s, owner, err := r.ownSchedule(ctx, c)
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
		return owner.say("Paused ", s, " until %s resume it with /spaces schedule resume id:%d%s.", owner.they(), s.Number, owner.option()), nil
	}
	return owner.say("Paused ", s, " through %s; it comes back on its own after that.", s.PausedUntil), nil
}

func (r *Router) scheduleResume(ctx context.Context, c *Call) (Response, error) {
	s, owner, err := r.ownSchedule(ctx, c)
	if err != nil {
		return Response{}, err
	}
	if !s.Paused {
		return owner.say("", s, " is not paused."), nil
	}
	s.Paused, s.PausedUntil = false, Date{}
	others, err := r.store.SchedulesOf(ctx, c.Workspace, s.UserID)
	if err != nil {
		return Response{}, err
	}
	if o, at, clash := clashing(s, others, r.clock.Now()); clash {
		return Response{}, clashError(owner, o, at, "remove one of the two first")
	}
	if err := r.store.PutSchedule(ctx, c.Workspace, s); err != nil {
		return Response{}, err
	}
	r.planner.HostChanged(ctx, c.Workspace, s.UserID)
	resp := owner.say("Resumed ", s, ".")
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
	s, owner, err := r.ownSchedule(ctx, c)
	if err != nil {
		return Response{}, err
	}
	date := optionValue[Date](c, "date")
	today := DateOf(r.clock.Now().In(s.Location()))
	switch {
	case date.Before(today):
		return Response{}, Invalidf("date:%s is in the past; give a coming date, like %s", date, nextScheduledDate(s, today))
	case !s.Days.Has(date.Weekday()):
		return Response{}, Invalidf("date:%s is a %s; recurring Space #%d runs on %s.", date, date.Weekday(), s.Number, s.Days)
	case slices.Contains(s.Skips, date):
		return owner.say(fmt.Sprintf("%s is already skipped for ", date), s, "."), nil
	}
	// Past skips are kept through the backfill window: planning after
	// downtime must still see them.
	keepFrom := today.AddDays(-HostBackfillDays)
	s.Skips = slices.DeleteFunc(s.Skips, func(d Date) bool { return d.Before(keepFrom) })
	if len(s.Skips) >= maxSkips {
		return Response{}, Conflictf("Recurring Space #%d already skips %d dates; pause it instead with /spaces schedule pause id:%d until:DATE%s.", s.Number, len(s.Skips), s.Number, owner.option())
	}
	s.Skips = append(s.Skips, date)
	slices.SortFunc(s.Skips, func(a, b Date) int { return a.noonUTC().Compare(b.noonUTC()) })
	if err := r.store.PutSchedule(ctx, c.Workspace, s); err != nil {
		return Response{}, err
	}
	r.planner.HostChanged(ctx, c.Workspace, s.UserID)
	return owner.say("Skipping ", s, " on %s %s.", date.Weekday(), date), nil
}
