package web

import (
	"fmt"
	"time"

	ics "github.com/arran4/golang-ical"
)

// VTIMEZONE components, which golang-ical does not build: each is derived
// from Go's own zone data (time.Time.ZoneBounds), so a feed's zones say
// exactly what sparkbot's recurrence computes with. A zone's observances
// are its transitions from the one in force at from through to, each as
// an explicit STANDARD or DAYLIGHT with no RRULE: longer than a rule, but
// right for zones whose rules changed.

// icalLocalFormat is a floating local DATE-TIME: the wall clock alone.
const icalLocalFormat = "20060102T150405"

// maxObservances bounds a VTIMEZONE: a cohort spans a year or two, two
// transitions a year.
const maxObservances = 64

// vtimezone returns loc as a VTIMEZONE covering [from, to].
func vtimezone(loc *time.Location, from, to time.Time) *ics.VTimezone {
	tz := ics.NewTimezone(loc.String())
	at := from.In(loc)
	for range maxObservances {
		start, end := at.ZoneBounds()
		addObservance(tz, at, start)
		if end.IsZero() || end.After(to) {
			break
		}
		at = end.In(loc)
	}
	return tz
}

// addObservance adds the observance in force at at, which began at start
// (zero: at the beginning of time).
func addObservance(tz *ics.VTimezone, at, start time.Time) {
	name, to := at.Zone()
	from := to
	begins := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).Format(icalLocalFormat)
	if !start.IsZero() {
		_, from = start.Add(-time.Second).In(at.Location()).Zone()
		// An observance starts at the wall time the previous offset showed.
		begins = start.UTC().Add(time.Duration(from) * time.Second).Format(icalLocalFormat)
	}
	var c ics.ComponentBase
	c.AddProperty(ics.ComponentPropertyDtStart, begins)
	c.AddProperty(ics.ComponentProperty("TZOFFSETFROM"), utcOffset(from))
	c.AddProperty(ics.ComponentProperty("TZOFFSETTO"), utcOffset(to))
	c.AddProperty(ics.ComponentProperty("TZNAME"), name)
	if at.IsDST() {
		tz.Components = append(tz.Components, &ics.Daylight{ComponentBase: c})
		return
	}
	tz.Components = append(tz.Components, &ics.Standard{ComponentBase: c})
}

// utcOffset renders seconds east of UTC as RFC 5545's +HHMM[SS].
func utcOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	h, m, s := sec/3600, sec/60%60, sec%60
	if s != 0 {
		return fmt.Sprintf("%c%02d%02d%02d", sign, h, m, s)
	}
	return fmt.Sprintf("%c%02d%02d", sign, h, m)
}
