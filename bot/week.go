package bot

import (
	"fmt"
	"time"
)

// Week is one week of a cohort: from its start day's 00:00 to the next
// week's, in the cohort's zone. A week is not always 168 hours: one holding
// a DST change is 167 or 169.
type Week struct {
	Start     time.Time // first instant of the week
	End       time.Time // first instant of the next week (exclusive)
	StartDate Date      // local date of Start's day

	loc   *time.Location
	first time.Weekday
}

// WeekOf returns the week containing t, for weeks that start on start at
// 00:00 in loc. A midnight inside a DST gap moves forward like any other
// local time (see LocalTime). A nil loc means UTC.
func WeekOf(t time.Time, loc *time.Location, start time.Weekday) Week {
	if loc == nil {
		loc = time.UTC
	}
	d := DateOf(t.In(loc))
	back := (int(d.Weekday()) - int(start) + 7) % 7
	w := weekStarting(d.AddDays(-back), loc, start)
	// Only a zone skipping a whole day could put t outside; step to it.
	for t.Before(w.Start) {
		w = w.Prev()
	}
	for !t.Before(w.End) {
		w = w.Next()
	}
	return w
}

// weekStarting returns the week whose first day is d.
func weekStarting(d Date, loc *time.Location, start time.Weekday) Week {
	return Week{
		Start:     LocalTime(d, TimeOfDay{}, loc),
		End:       LocalTime(d.AddDays(7), TimeOfDay{}, loc),
		StartDate: d,
		loc:       loc,
		first:     start,
	}
}

// Contains reports whether t is in [w.Start, w.End).
func (w Week) Contains(t time.Time) bool { return !t.Before(w.Start) && t.Before(w.End) }

// Next returns the week after w.
func (w Week) Next() Week { return weekStarting(w.StartDate.AddDays(7), w.location(), w.first) }

// Prev returns the week before w.
func (w Week) Prev() Week { return weekStarting(w.StartDate.AddDays(-7), w.location(), w.first) }

// Duration returns the week's length: 168h, or 167h/169h across a DST change.
func (w Week) Duration() time.Duration { return w.End.Sub(w.Start) }

func (w Week) location() *time.Location {
	if w.loc == nil {
		return time.UTC
	}
	return w.loc
}

// Location returns the cohort's zone: Zone, or DefaultZone when Zone is
// empty or cannot be loaded (UTC if even that fails).
func (c Cohort) Location() *time.Location {
	if loc, err := LoadZone(c.Zone); err == nil {
		return loc
	}
	if loc, err := LoadZone(DefaultZone); err == nil {
		return loc
	}
	return time.UTC
}

// WeekOf returns the cohort week containing t.
func (c Cohort) WeekOf(t time.Time) Week { return WeekOf(t, c.Location(), c.WeekStart) }

// FirstWeek returns the week containing the cohort's Start day's 00:00.
func (c Cohort) FirstWeek() Week {
	loc := c.Location()
	return WeekOf(LocalTime(c.Start, TimeOfDay{}, loc), loc, c.WeekStart)
}

// EndsAt returns the end of the cohort: the start of week Weeks+1, after
// Weeks weeks counted from FirstWeek.
func (c Cohort) EndsAt() time.Time {
	first := c.FirstWeek()
	return LocalTime(first.StartDate.AddDays(7*c.Weeks), TimeOfDay{}, c.Location())
}

// WeekNumber returns the 1-based cohort week t falls in: 1 for FirstWeek,
// 0 before it. It keeps counting past Weeks; compare with EndsAt to tell
// whether the cohort is over.
func (c Cohort) WeekNumber(t time.Time) int {
	first := c.FirstWeek()
	if t.Before(first.Start) {
		return 0
	}
	return first.StartDate.DaysUntil(c.WeekOf(t).StartDate)/7 + 1
}

// LastWeek returns the cohort's last week, number Weeks.
func (c Cohort) LastWeek() Week { return c.WeekOf(c.EndsAt().Add(-time.Nanosecond)) }

// clampWeek returns w, or the cohort's first or last week if w is before
// or after them.
func (c Cohort) clampWeek(w Week) Week {
	if first := c.FirstWeek(); w.Start.Before(first.Start) {
		return first
	}
	if last := c.LastWeek(); w.Start.After(last.Start) {
		return last
	}
	return w
}

// weekOfDate returns the cohort week holding d, given as option; a date
// outside the cohort's weeks is refused with the weeks it has.
func (c Cohort) weekOfDate(option string, d Date) (Week, error) {
	w := c.WeekOf(LocalTime(d, TimeOfDay{12, 0}, c.Location()))
	if w.Start.Before(c.FirstWeek().Start) || !w.Start.Before(c.EndsAt()) {
		return Week{}, Invalidf("%s:%s is not in a week of %s: %s", option, d, c.Name, c.span())
	}
	return w, nil
}

// span says which weeks the cohort has: "Spark runs from week 1 (from
// 2026-11-30) to week 12 (from 2027-02-15)."
func (c Cohort) span() string {
	return fmt.Sprintf("%s runs from week 1 (from %s) to week %d (from %s).", c.Name, c.FirstWeek().StartDate, c.Weeks, c.LastWeek().StartDate)
}

// weekName names a cohort week in replies: "week 2 (from 2026-12-07)".
func (c Cohort) weekName(w Week) string {
	return fmt.Sprintf("week %d (from %s)", c.WeekNumber(w.Start), w.StartDate)
}

// MonthOf is the month a week belongs to: the month of its last day (a
// Monday–Sunday week belongs to its Sunday's month). The stipend, the
// leaderboard's monthly table and every "month" sparkbot shows use it.
func MonthOf(w Week) Month {
	last := w.StartDate.AddDays(6)
	return Month{Year: last.Year, Month: last.Month}
}

// WeeksOfMonth returns the cohort's weeks that belong to m, in order.
func (c Cohort) WeeksOfMonth(m Month) []Week {
	var out []Week
	for w := c.FirstWeek(); w.Start.Before(c.EndsAt()); w = w.Next() {
		switch wm := MonthOf(w); {
		case wm == m:
			out = append(out, w)
		case m.Before(wm):
			return out
		}
	}
	return out
}

// monthWeeks returns the weeks on w's grid (the cohort's or not) that
// belong to MonthOf(w): the leaderboard's month.
func monthWeeks(w Week) (first, last Week) {
	m := MonthOf(w)
	for first = w; MonthOf(first.Prev()) == m; first = first.Prev() {
	}
	for last = w; MonthOf(last.Next()) == m; last = last.Next() {
	}
	return first, last
}

// Before reports whether m is an earlier month than n.
func (m Month) Before(n Month) bool {
	return m.Year < n.Year || m.Year == n.Year && m.Month < n.Month
}

// Name renders m as "December 2026".
func (m Month) Name() string { return fmt.Sprintf("%s %d", m.Month, m.Year) }
