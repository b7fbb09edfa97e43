package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"sparkbot/bot"
)

// Calendar feeds: GET /ical/SECRET.ics serves a host's recurring Spaces
// (with a VALARM for each of their reminder lead times) or, for staff,
// every host's (without alarms), as RFC 5545 through golang-ical. Each
// schedule is one VEVENT with an RRULE in the schedule's own zone, from
// its first active date to the cohort's end; skipped and paused dates are
// EXDATEs, and a date whose local time a DST change removes or doubles is
// a single event of its own (see scheduleEvents). A Space a host scheduled
// on X is a single event (xSpaceEvent) until it starts.

const (
	icalUTCFormat = "20060102T150405Z"
	// feedTTL is how often the feed asks to be fetched again (calendar
	// apps choose for themselves; Google takes hours whatever it says).
	feedTTL = "PT1H"
)

// feedGone is the answer for an address that is not, or no longer, a feed.
func feedGone() error {
	return notFound("This calendar feed does not exist or was reset. Get the current address in chat: /spaces calendar, or /cohort calendar for staff.")
}

func (s *Server) feed(w http.ResponseWriter, r *http.Request) error {
	secret, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || !bot.ValidSecret(secret) {
		return feedGone()
	}
	g, err := s.store.Token(r.Context(), bot.HashToken(secret))
	if errors.Is(err, bot.ErrNotFound) || (err == nil && g.Kind != bot.TokenFeed) {
		return feedGone()
	}
	if err != nil {
		return err
	}
	cal, err := s.calendar(r.Context(), g)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="sparkbot.ics"`)
	w.Header().Set("Cache-Control", "private, max-age=300")
	return cal.SerializeTo(w, ics.WithNewLineWindows) // RFC 5545 lines end in CRLF
}

// feedHost is one host of a feed with their recurring Spaces and the
// Spaces they scheduled on X.
type feedHost struct {
	host      bot.Host
	schedules []bot.Schedule
	onX       []bot.Occurrence
}

// calendar builds the feed g opens from the store.
func (s *Server) calendar(ctx context.Context, g bot.Grant) (*ics.Calendar, error) {
	co, err := s.store.Cohort(ctx, g.Workspace)
	if errors.Is(err, bot.ErrNotFound) {
		return newCalendar("sparkbot"), nil // no cohort: an empty calendar, so old events go
	}
	if err != nil {
		return nil, err
	}
	var hosts []bot.Host
	if g.Scope == bot.FeedCohort {
		if hosts, err = s.store.Hosts(ctx, g.Workspace); err != nil {
			return nil, err
		}
	} else {
		h, err := s.store.Host(ctx, g.Workspace, g.UserID)
		if err != nil && !errors.Is(err, bot.ErrNotFound) {
			return nil, err
		}
		hosts = []bot.Host{h}
	}
	var entries []feedHost
	for _, h := range hosts {
		if !h.MemberOf(co) {
			continue
		}
		schedules, err := s.store.SchedulesOf(ctx, g.Workspace, h.UserID)
		if err != nil {
			return nil, err
		}
		onX, err := bot.XScheduledSpaces(ctx, s.store, g.Workspace, h.UserID, schedules, co.FirstWeek().Start, co.EndsAt())
		if err != nil {
			return nil, err
		}
		entries = append(entries, feedHost{h, schedules, onX})
	}
	return buildFeed(g, co, entries, s.now()), nil
}

func newCalendar(name string) *ics.Calendar {
	cal := ics.NewCalendarFor("sparkbot")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetXWRCalName(name)
	cal.SetRefreshInterval(feedTTL)
	cal.SetXPublishedTTL(feedTTL)
	return cal
}

// buildFeed is the feed of g over entries: a VTIMEZONE for each zone the
// events use, then one VEVENT per schedule with an occurrence in the
// cohort, and one per Space scheduled on X.
func buildFeed(g bot.Grant, co bot.Cohort, entries []feedHost, now time.Time) *ics.Calendar {
	name := co.Name + " — every host's Spaces"
	if g.Scope != bot.FeedCohort {
		name = co.Name + " — my Spaces"
	}
	cal := newCalendar(name)
	zones := map[string]*zoneSpan{}
	var events []*ics.VEvent
	for _, e := range entries {
		for _, sc := range e.schedules {
			evs, span, ok := scheduleEvents(g, co, e.host, sc, now)
			if !ok {
				continue
			}
			events = append(events, evs...)
			if z := zones[sc.Location().String()]; z == nil {
				zones[sc.Location().String()] = &span
			} else {
				z.widen(span)
			}
		}
		for _, o := range e.onX {
			events = append(events, xSpaceEvent(g, e.host, o, now))
		}
	}
	names := make([]string, 0, len(zones))
	for n := range zones {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		z := zones[n]
		cal.AddVTimezone(vtimezone(z.loc, z.from, z.to))
	}
	for _, ev := range events {
		cal.AddVEvent(ev)
	}
	return cal
}

// zoneSpan is the stretch of time a zone's events cover.
type zoneSpan struct {
	loc      *time.Location
	from, to time.Time
}

func (z *zoneSpan) widen(o zoneSpan) {
	if o.from.Before(z.from) {
		z.from = o.from
	}
	if o.to.After(z.to) {
		z.to = o.to
	}
}

// feedWindow is the stretch of time a schedule's event covers in a feed:
// from the cohort's first week (or the schedule's creation, if later) to
// the cohort's end.
func feedWindow(co bot.Cohort, sc bot.Schedule) (from, to time.Time) {
	from, to = co.FirstWeek().Start, co.EndsAt()
	if sc.CreatedAt.After(from) {
		from = sc.CreatedAt
	}
	return from, to
}

// scheduleEvents are sc as a recurring VEVENT, and a single VEVENT for
// each date whose local time is missing or doubled; false if none of its
// dates in the feed's window is active.
//
// A missing (spring-forward) or doubled (fall-back) local time is where
// calendar apps disagree: RFC 5545 reads them as sparkbot does, but Go's
// time.Date, and clients built like it, may pick the other instant. So the
// series excludes such a date by its wall time (which every client
// resolves as it resolves its own instance of the rule) and a single event
// with its start in UTC says when it really is.
func scheduleEvents(g bot.Grant, co bot.Cohort, h bot.Host, sc bot.Schedule, now time.Time) ([]*ics.VEvent, zoneSpan, bool) {
	loc := sc.Location()
	from, to := feedWindow(co, sc)
	dates := scheduledDates(sc, loc, from, to)
	// DTSTART is the first active date whose time is plain: a client
	// reads the rule's time of day from it.
	first := slices.IndexFunc(dates, func(d bot.Date) bool { return sc.ActiveOn(d) && !unclearTime(sc, d, loc) })
	if first < 0 {
		return nil, zoneSpan{}, false
	}
	tzid := ics.WithTZID(loc.String())
	uid := fmt.Sprintf("schedule-%d.%s.%s@sparkbot", sc.ID, g.Scope, strings.ReplaceAll(g.Workspace.Key(), ":", "-"))
	series := newEvent(uid, g, h, sc, now)
	series.AddProperty(ics.ComponentPropertyDtStart, wallClock(dates[first], sc.At), tzid)
	series.AddRrule(fmt.Sprintf("FREQ=WEEKLY;BYDAY=%s;UNTIL=%s", byDay(sc.Days), to.Add(-time.Second).UTC().Format(icalUTCFormat)))
	events := []*ics.VEvent{series}
	for i, d := range dates {
		active, unclear := sc.ActiveOn(d), unclearTime(sc, d, loc)
		if i > first && (!active || unclear) {
			series.AddExdate(wallClock(d, sc.At), tzid)
		}
		if active && unclear {
			one := newEvent(fmt.Sprintf("schedule-%d-%s.%s", sc.ID, d, strings.TrimPrefix(uid, fmt.Sprintf("schedule-%d.", sc.ID))), g, h, sc, now)
			one.AddProperty(ics.ComponentPropertyDtStart, bot.LocalTime(d, sc.At, loc).UTC().Format(icalUTCFormat))
			events = append(events, one)
		}
	}
	return events, zoneSpan{loc: loc, from: from, to: to}, true
}

// newEvent is an event of sc without its dates.
func newEvent(uid string, g bot.Grant, h bot.Host, sc bot.Schedule, now time.Time) *ics.VEvent {
	ev := ics.NewEvent(uid)
	ev.SetDtStampTime(now)
	ev.SetCreatedTime(sc.CreatedAt)
	ev.AddProperty(ics.ComponentPropertyDuration, fmt.Sprintf("PT%dM", int(sc.Duration/time.Minute)))
	describe(ev, g, h, sc)
	return ev
}

// unclearTime reports whether sc's time of day on d is missing (inside a
// spring-forward gap) or doubled (inside a fall-back repeat).
func unclearTime(sc bot.Schedule, d bot.Date, loc *time.Location) bool {
	at := bot.LocalTime(d, sc.At, loc).In(loc)
	if at.Hour() != sc.At.Hour || at.Minute() != sc.At.Minute {
		return true // moved forward by a gap
	}
	_, off := at.Zone()
	if _, end := at.ZoneBounds(); !end.IsZero() && end.Sub(at) < 24*time.Hour {
		_, after := end.Zone()
		if back := time.Duration(off-after) * time.Second; back > 0 {
			again := at.Add(back).In(loc)
			return !again.Before(end) && again.Hour() == at.Hour() && again.Minute() == at.Minute()
		}
	}
	return false
}

// describe sets what a reader sees of the event, and its alarms.
func describe(ev *ics.VEvent, g bot.Grant, h bot.Host, sc bot.Schedule) {
	summary := sc.Title
	desc := fmt.Sprintf("Your recurring Space #%d (%s at %s %s). Once hosted, log it: /spaces log url:<link>", sc.Number, sc.Days, sc.At, sc.Zone)
	if g.Scope == bot.FeedCohort {
		who := "@" + h.Handle
		if h.Handle == "" {
			who = displayName(h)
		}
		summary = who + ": " + sc.Title
		desc = fmt.Sprintf("Recurring Space #%d of %s (%s at %s %s).", sc.Number, who, sc.Days, sc.At, sc.Zone)
	}
	ev.SetSummary(summary)
	ev.SetDescription(desc)
	if h.Handle != "" {
		ev.SetURL(handleURL(h.Handle))
		ev.SetLocation(handleURL(h.Handle))
	}
	addAlarms(ev, g, h, sc.Title)
}

// addAlarms gives a host's own feed an alarm for each of their reminder
// lead times, unless their reminders are off; the cohort feed has none.
func addAlarms(ev *ics.VEvent, g bot.Grant, h bot.Host, title string) {
	if g.Scope == bot.FeedCohort || h.RemindersOff {
		return
	}
	for _, lead := range h.LeadTimes() {
		a := ev.AddAlarm()
		a.SetAction(ics.ActionDisplay)
		a.SetTrigger(fmt.Sprintf("-PT%dM", int(lead/time.Minute)))
		a.SetProperty(ics.ComponentPropertyDescription, fmt.Sprintf("“%s” starts in %s", title, bot.HumanDuration(lead)))
	}
}

// xSpaceEvent is a Space h scheduled on X as a single event, its UID built
// from the Space's id, so when X moves it calendar apps move the event.
func xSpaceEvent(g bot.Grant, h bot.Host, o bot.Occurrence, now time.Time) *ics.VEvent {
	ev := ics.NewEvent(fmt.Sprintf("xspace-%s.%s.%s@sparkbot", o.SpaceID, g.Scope, strings.ReplaceAll(g.Workspace.Key(), ":", "-")))
	ev.SetDtStampTime(now)
	ev.AddProperty(ics.ComponentPropertyDtStart, o.Start.UTC().Format(icalUTCFormat))
	ev.AddProperty(ics.ComponentPropertyDuration, fmt.Sprintf("PT%dM", int(o.Schedule.Duration/time.Minute)))
	title := o.Schedule.Title
	if title == "" {
		title = "Space on X"
	}
	summary, desc := title, "Your Space, scheduled on X. Host it there as scheduled; sparkbot logs it when it ends."
	if g.Scope == bot.FeedCohort {
		who := "@" + h.Handle
		if h.Handle == "" {
			who = displayName(h)
		}
		summary, desc = who+": "+title, "A Space "+who+" scheduled on X."
	}
	ev.SetSummary(summary)
	ev.SetDescription(desc)
	ev.SetURL(spaceURL(o.SpaceID))
	ev.SetLocation(spaceURL(o.SpaceID))
	addAlarms(ev, g, h, title)
	return ev
}

// scheduledDates are the local dates on sc's weekdays whose occurrence
// falls in [from, to), in order.
func scheduledDates(sc bot.Schedule, loc *time.Location, from, to time.Time) []bot.Date {
	var out []bot.Date
	last := bot.DateOf(to.In(loc)).AddDays(1)
	for d := bot.DateOf(from.In(loc)).AddDays(-1); !d.After(last); d = d.AddDays(1) {
		if !sc.Days.Has(d.Weekday()) {
			continue
		}
		if at := bot.LocalTime(d, sc.At, loc); !at.Before(from) && at.Before(to) {
			out = append(out, d)
		}
	}
	return out
}

// wallClock is date d at t, as a local DATE-TIME.
func wallClock(d bot.Date, t bot.TimeOfDay) string {
	return fmt.Sprintf("%04d%02d%02dT%02d%02d00", d.Year, d.Month, d.Day, t.Hour, t.Minute)
}

// byDay renders weekdays as an RRULE BYDAY list, Monday first: MO,WE.
func byDay(days bot.Weekdays) string {
	var out []string
	for i := 1; i <= 7; i++ {
		if d := time.Weekday(i % 7); days.Has(d) {
			out = append(out, strings.ToUpper(d.String()[:2]))
		}
	}
	return strings.Join(out, ",")
}
