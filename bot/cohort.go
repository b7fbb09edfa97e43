package bot

import (
	"context"
	"errors"
	"strings"
	"time"
)

// NewCohort returns a cohort with the program's defaults.
func NewCohort(name string, start Date) Cohort {
	return Cohort{
		Name: name, Start: start, Weeks: DefaultWeeks, Quota: DefaultQuota,
		Zone: DefaultZone, WeekStart: DefaultWeekStart, MinFollowers: DefaultMinFollowers,
		Countries: DefaultCountries, LastCallHours: DefaultLastCallHours, Stipend: DefaultStipend,
		OverlapMinutes: DefaultOverlapMinutes,
	}
}

func (r *Router) cohortCreate(ctx context.Context, c *Call) (Response, error) {
	prev, err := r.store.Cohort(ctx, c.Workspace)
	hasPrev := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Response{}, err
	}
	now := r.clock.Now()
	if hasPrev && now.Before(prev.EndsAt()) {
		return Response{}, Conflictf("This workspace already runs %s, until %s. Change it with /cohort settings; start the next cohort once it has ended.",
			prev.Name, DateOf(prev.EndsAt().In(prev.Location())).AddDays(-1))
	}
	co := NewCohort(optionValue[string](c, "name"), optionValue[Date](c, "start"))
	if hasPrev {
		co = nextCohort(prev, co.Name, co.Start)
	}
	applySettings(&co, c)
	if err := checkStart(co); err != nil {
		return Response{}, err
	}
	if hasPrev {
		if err := r.checkNext(ctx, c.Workspace, prev, co); err != nil {
			return Response{}, err
		}
	}
	co.CreatedAt, co.CreatedBy = now, c.UserID
	co, err = r.store.AddCohort(ctx, c.Workspace, co, prev.ID)
	if errors.Is(err, ErrExists) {
		return Response{}, Conflictf("Another cohort was created here just now; see it with /cohort settings.")
	}
	if err != nil {
		return Response{}, err
	}
	r.planner.CohortChanged(ctx, c.Workspace, true)
	resp := Response{Ephemeral: true, Message: messagef("Created %s.", UserText(co.Name))}
	describeCohort(&resp.Message, co)
	resp.Note("Hosts apply with /spaces apply; add them directly with /cohort add user:@name handle:@x.")
	if hasPrev {
		resp.Add(Linef("%s stays readable with cohort:%s; its hosts are not in this cohort until they apply or are added.",
			UserText(prev.Name), UserText(`"`+prev.Name+`"`)))
	}
	return resp, nil
}

// nextCohort is a new cohort after prev: the program's defaults for its
// dates and quota, prev's channels, application rules and stipend.
func nextCohort(prev Cohort, name string, start Date) Cohort {
	co := NewCohort(name, start)
	co.MinFollowers, co.Countries, co.Stipend, co.LastCallHours = prev.MinFollowers, prev.Countries, prev.Stipend, prev.LastCallHours
	co.OverlapMinutes = prev.OverlapMinutes
	co.DigestChannel, co.StaffChannel, co.AnnounceChannel, co.FallbackChannel = prev.DigestChannel, prev.StaffChannel, prev.AnnounceChannel, prev.FallbackChannel
	return co
}

// checkSettings checks changed settings against the other cohorts: a new
// start after the previous cohort's end, a name none of them has.
func (r *Router) checkSettings(ctx context.Context, c *Call, co Cohort) error {
	if c.Has("start") || c.Has("weekstart") {
		if err := checkStart(co); err != nil {
			return err
		}
	}
	if !c.Has("start") && !c.Has("weekstart") && !c.Has("name") || co.ID <= 1 {
		return nil
	}
	prev, err := r.store.CohortByID(ctx, c.Workspace, co.ID-1)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return r.checkNext(ctx, c.Workspace, prev, co)
}

// checkNext requires the next cohort to start once prev has ended, under a
// name no other cohort has (cohort: options name them).
func (r *Router) checkNext(ctx context.Context, ws WorkspaceRef, prev, co Cohort) error {
	if co.FirstWeek().Start.Before(prev.EndsAt()) {
		return Invalidf("start:%s is before %s ended (its last week ends %s); start on %s or later.",
			co.Start, prev.Name, DateOf(prev.EndsAt().In(prev.Location())).AddDays(-1), DateOf(prev.EndsAt().In(co.Location())))
	}
	all, err := r.store.Cohorts(ctx, ws)
	if err != nil {
		return err
	}
	for _, old := range all {
		if old.ID != co.ID && strings.EqualFold(strings.TrimSpace(old.Name), strings.TrimSpace(co.Name)) {
			return Conflictf("An earlier cohort here is called %s already; give this one another name, like \"%s 2\".", old.Name, old.Name)
		}
	}
	return nil
}

func (r *Router) cohortSettings(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	resp := Response{Ephemeral: true}
	if len(c.opts) > 0 {
		if !r.clock.Now().Before(co.EndsAt()) && (c.Has("start") || c.Has("weeks") || c.Has("weekstart") || c.Has("tz")) {
			return Response{}, Conflictf("%s has ended: its weeks can no longer change. Start the next cohort with /cohort create.", co.Name)
		}
		started := !r.clock.Now().Before(co.FirstWeek().Start)
		if started && (c.Has("start") || c.Has("weekstart") || c.Has("tz")) {
			return Response{}, Conflictf("%s has started: changing start, weekstart or tz now would move every week hosts are counted in. Excuse a week instead with /cohort excuse.", co.Name)
		}
		if err := checkWeeks(co, c, r.clock.Now()); err != nil {
			return Response{}, err
		}
		applySettings(&co, c)
		if err := r.checkSettings(ctx, c, co); err != nil {
			return Response{}, err
		}
		if err := r.store.PutCohort(ctx, c.Workspace, co); err != nil {
			return Response{}, err
		}
		r.planner.CohortChanged(ctx, c.Workspace, c.Has("start") || c.Has("weeks") || c.Has("weekstart") || c.Has("tz"))
		resp.Addf("Saved.")
	}
	describeCohort(&resp.Message, co)
	return resp, nil
}

// checkWeeks refuses weeks: below the week a started cohort is in: that
// would end it at once, sending its final report and closing DMs.
func checkWeeks(co Cohort, c *Call, now time.Time) error {
	current := co.WeekNumber(now)
	if !c.Has("weeks") || current == 0 || optionValue[int](c, "weeks") >= current {
		return nil
	}
	co.Weeks = current
	return Conflictf("weeks:%d would end %s at once: it is in week %d now, so the final report and a closing DM to every host would go out today. "+
		"Give weeks:%d or more (weeks:%d ends it when this week closes, on %s); to let hosts off a week, excuse it with /cohort excuse.",
		optionValue[int](c, "weeks"), co.Name, current, current, current, DateOf(co.EndsAt().In(co.Location())).AddDays(-1))
}

// checkStart requires the cohort to start on its week-start day, so its
// first week is a whole week like the others.
func checkStart(co Cohort) error {
	if day := co.Start.Weekday(); day != co.WeekStart {
		prev := co.Start.AddDays(-((int(day) - int(co.WeekStart) + 7) % 7))
		return Invalidf("start:%s is a %s, but weeks start on %s: start on %s or %s, or set weekstart:%s.",
			co.Start, day, co.WeekStart, prev, prev.AddDays(7), WeekdayName(day))
	}
	return nil
}

// applySettings copies the options given onto co.
func applySettings(co *Cohort, c *Call) {
	set := func(name string, apply func()) {
		if c.Has(name) {
			apply()
		}
	}
	set("name", func() { co.Name = optionValue[string](c, "name") })
	set("start", func() { co.Start = optionValue[Date](c, "start") })
	set("weeks", func() { co.Weeks = optionValue[int](c, "weeks") })
	set("quota", func() { co.Quota = optionValue[int](c, "quota") })
	set("tz", func() { co.Zone = optionValue[*time.Location](c, "tz").String() })
	set("weekstart", func() { co.WeekStart = optionValue[time.Weekday](c, "weekstart") })
	set("minfollowers", func() { co.MinFollowers = optionValue[int](c, "minfollowers") })
	set("countries", func() { co.Countries = optionValue[[]string](c, "countries") })
	set("lastcall", func() { co.LastCallHours = optionValue[int](c, "lastcall") })
	set("stipend", func() { co.Stipend = optionValue[int](c, "stipend") })
	set("overlap", func() { co.OverlapMinutes = optionValue[int](c, "overlap") })
	set("digest", func() { co.DigestChannel = optionValue[string](c, "digest") })
	set("staff", func() { co.StaffChannel = optionValue[string](c, "staff") })
	set("announce", func() { co.AnnounceChannel = optionValue[string](c, "announce") })
	set("fallback", func() { co.FallbackChannel = optionValue[string](c, "fallback") })
	set("live", func() { co.LiveChannel = optionValue[string](c, "live") })
	set("xretention", func() { co.XRetentionDays = optionValue[int](c, "xretention") })
}

// describeCohort appends the cohort's settings to m.
func describeCohort(m *Message, co Cohort) {
	m.FieldSection(co.Name)
	m.Addf("Starts %s, runs %s; weeks start %s 00:00 %s.", co.Start, plural(co.Weeks, "week"), co.WeekStart, co.Zone)
	m.Addf("Quota: %s a week; last call %dh before a week ends.", plural(co.Quota, "Space"), co.LastCallHours)
	m.Addf("Stipend: $%s a month.", thousands(co.Stipend))
	m.Addf("One Space counts once: a host's logs less than %s apart are one Space.", HumanDuration(co.OverlapGap()))
	m.Addf("Applications: at least %s followers, from %s.", thousands(co.MinFollowers), strings.Join(co.Countries, ", "))
	for _, ch := range []struct{ name, id string }{
		{"Digest channel", co.DigestChannel}, {"Staff channel", co.StaffChannel},
		{"Announcement channel", co.AnnounceChannel}, {"Fallback channel", co.FallbackChannel},
	} {
		if ch.id == "" {
			m.Addf("%s: not set.", ch.name)
			continue
		}
		m.Addf("%s: %s", ch.name, ChannelRef(ch.id))
	}
	describeX(m, co)
}

// cohortOption loads the cohort the cohort: option names (any cohort the
// workspace ran, by name), or the latest without it.
func (r *Router) cohortOption(ctx context.Context, c *Call) (Cohort, error) {
	if !c.Has("cohort") {
		return r.cohort(ctx, c.Workspace)
	}
	name := optionValue[string](c, "cohort")
	all, err := r.store.Cohorts(ctx, c.Workspace)
	if err != nil {
		return Cohort{}, err
	}
	var names []string
	for _, co := range all {
		if strings.EqualFold(strings.TrimSpace(co.Name), strings.TrimSpace(name)) {
			return co, nil
		}
		names = append(names, "\""+co.Name+"\"")
	}
	if len(names) == 0 {
		return r.cohort(ctx, c.Workspace)
	}
	return Cohort{}, NotFoundf("There is no cohort %q here. Cohorts: %s.", name, strings.Join(names, ", "))
}

// StaffPostChannel is where staff are told what is for them only (stipend
// and final reports, alerts, X accounts to fix): the staff channel, else
// the digest channel; "" when neither is set.
func (c Cohort) StaffPostChannel() string {
	if c.StaffChannel != "" {
		return c.StaffChannel
	}
	return c.DigestChannel
}
