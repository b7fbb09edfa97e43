package bot

import "time"

// LocalTime returns the instant at which the wall clock shows date d, time t
// in loc, under the schedule rule: every local time happens exactly once.
//
//   - A time that exists once is that instant.
//   - A time that occurs twice (a fall-back repeat) is its first instance:
//     New York 2026-11-01 01:30 is 01:30 EDT, 05:30Z.
//   - A time inside a spring-forward gap moves forward by the gap's length:
//     New York 2026-03-08 02:30 is 03:30 EDT; Lord Howe 2026-10-04 02:15,
//     whose gap is 30 minutes, is 02:45.
//
// time.Date leaves both choices unspecified, so the offsets around the wall
// time are looked up explicitly. A nil loc means UTC.
func LocalTime(d Date, t TimeOfDay, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	// wall is the requested wall clock read as if it were UTC: an instant
	// with offset off shows it when instant == wall - off.
	wall := time.Date(d.Year, d.Month, d.Day, t.Hour, t.Minute, 0, 0, time.UTC).Unix()
	var buf [4]zoneSpan // the spans of a window hold at most a few transitions
	spans := zoneSpansAround(buf[:0], wall, loc)
	for _, s := range spans { // in time order, so the first fit is the earliest
		if at := wall - s.offset; s.contains(at) {
			return time.Unix(at, 0).In(loc)
		}
	}
	// A gap: some transition at T jumps the clock from T+before to T+after
	// with wall in between. Reading wall with the offset before the gap gives
	// an instant after T, whose clock shows wall + (after - before).
	for i := 1; i < len(spans); i++ {
		before, after := spans[i-1].offset, spans[i].offset
		if T := spans[i].start; T+before <= wall && wall < T+after {
			return time.Unix(wall-before, 0).In(loc)
		}
	}
	// Unreachable for a consistent zone; fall back to Go's own choice.
	return time.Date(d.Year, d.Month, d.Day, t.Hour, t.Minute, 0, 0, loc)
}

// zoneSpan is a stretch of time [start, end) (Unix seconds) during which a
// zone keeps one UTC offset (seconds). hasStart/hasEnd are false for a span
// reaching back to the beginning or on to the end of time.
type zoneSpan struct {
	start, end       int64
	hasStart, hasEnd bool
	offset           int64
}

func (s zoneSpan) contains(at int64) bool {
	return (!s.hasStart || at >= s.start) && (!s.hasEnd || at < s.end)
}

// zoneSpanWindow bounds how far from a wall time its instant can be: real
// offsets stay within ±16h, even the old local-mean-time ones.
const zoneSpanWindow = 26 * 60 * 60

// zoneSpansAround appends to spans, in order, loc's spans overlapping
// [wall-zoneSpanWindow, wall+zoneSpanWindow].
func zoneSpansAround(spans []zoneSpan, wall int64, loc *time.Location) []zoneSpan {
	at := time.Unix(wall-zoneSpanWindow, 0).In(loc)
	for {
		_, off := at.Zone()
		first, next := at.ZoneBounds()
		s := zoneSpan{
			start: first.Unix(), hasStart: !first.IsZero(),
			end: next.Unix(), hasEnd: !next.IsZero(),
			offset: int64(off),
		}
		spans = append(spans, s)
		if !s.hasEnd || s.end > wall+zoneSpanWindow || !next.After(at) {
			return spans
		}
		at = next
	}
}

// Recurrence is a weekly recurring wall time: on Days, at At, in Loc.
// Its zero Loc means UTC.
type Recurrence struct {
	Days Weekdays
	At   TimeOfDay
	Loc  *time.Location
}

func (r Recurrence) location() *time.Location {
	if r.Loc == nil {
		return time.UTC
	}
	return r.Loc
}

// each calls fn with every scheduled local date, in order, starting a day
// before from's local date, and the instant its occurrence happens at
// (LocalTime), until fn returns false. An occurrence belongs to its scheduled
// date even when a gap moves it. An instant not after the previous one
// (possible only when a zone skips a whole calendar day) is not repeated.
func (r Recurrence) each(from time.Time, fn func(d Date, at time.Time) bool) {
	if r.Days&0x7f == 0 {
		return
	}
	loc := r.location()
	var last time.Time
	d := DateOf(from.In(loc)).AddDays(-1)
	for day := d.Weekday(); ; d, day = d.AddDays(1), (day+1)%7 {
		if !r.Days.Has(day) {
			continue
		}
		at := LocalTime(d, r.At, loc)
		if !last.IsZero() && !at.After(last) {
			continue
		}
		last = at
		if !fn(d, at) {
			return
		}
	}
}

// Next returns the first n occurrences at or after from, in order.
func (r Recurrence) Next(from time.Time, n int) []time.Time {
	return r.next(from, n, 0, nil)
}

// next is Next keeping only occurrences whose date passes keep (nil keeps
// all) and, when horizon > 0, looking no further than horizon days of dates.
func (r Recurrence) next(from time.Time, n, horizon int, keep func(Date) bool) []time.Time {
	if n <= 0 {
		return nil
	}
	var out []time.Time
	var stop Date
	if horizon > 0 {
		stop = DateOf(from.In(r.location())).AddDays(horizon)
	}
	r.each(from, func(d Date, at time.Time) bool {
		if horizon > 0 && d.After(stop) {
			return false
		}
		if !at.Before(from) && (keep == nil || keep(d)) {
			out = append(out, at)
		}
		return len(out) < n
	})
	return out
}

// Between returns the occurrences in [from, to), in order.
func (r Recurrence) Between(from, to time.Time) []time.Time {
	return r.between(from, to, nil)
}

// between is Between keeping only occurrences whose date passes keep.
func (r Recurrence) between(from, to time.Time, keep func(Date) bool) []time.Time {
	if !from.Before(to) {
		return nil
	}
	var out []time.Time
	r.each(from, func(d Date, at time.Time) bool {
		if !at.Before(to) {
			return false
		}
		if !at.Before(from) && (keep == nil || keep(d)) {
			out = append(out, at)
		}
		return true
	})
	return out
}

// scheduleHorizonDays bounds NextOccurrences' search, so a schedule paused
// for good returns nothing instead of looking forever.
const scheduleHorizonDays = 400

// Location returns the schedule's zone, or UTC when Zone cannot be loaded
// (see LoadZone: names of the server's own zone, like "Local", are refused).
func (s Schedule) Location() *time.Location {
	if loc, err := LoadZone(s.Zone); err == nil {
		return loc
	}
	return time.UTC
}

// Recurrence returns the schedule's days and time in its zone.
func (s Schedule) Recurrence() Recurrence {
	return Recurrence{Days: s.Days, At: s.At, Loc: s.Location()}
}

// ActiveOn reports whether the Space happens on local date d: not a skipped
// date, and not within a pause (Paused with no end, or d on or before
// PausedUntil).
func (s Schedule) ActiveOn(d Date) bool {
	for _, skip := range s.Skips {
		if skip == d {
			return false
		}
	}
	if s.Paused && (s.PausedUntil.IsZero() || !d.After(s.PausedUntil)) {
		return false
	}
	return true
}

// Occurrences returns the schedule's occurrences in [from, to) on active
// dates, in order.
func (s Schedule) Occurrences(from, to time.Time) []time.Time {
	return s.Recurrence().between(from, to, s.ActiveOn)
}

// NextOccurrences returns up to n occurrences at or after from on active
// dates, in order, looking at most about 400 days ahead.
func (s Schedule) NextOccurrences(from time.Time, n int) []time.Time {
	return s.Recurrence().next(from, n, scheduleHorizonDays, s.ActiveOn)
}
