package bot

import (
	"slices"
	"testing"
	"time"
)

// zoneFor loads an IANA zone or fails the test.
func zoneFor(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// instant parses an RFC 3339 instant or fails the test.
func instant(t testing.TB, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("time.Parse(%q): %v", s, err)
	}
	return at
}

// date parses 2006-01-02.
func civilDate(t testing.TB, s string) Date {
	t.Helper()
	var d Date
	if err := d.UnmarshalText([]byte(s)); err != nil {
		t.Fatalf("date %q: %v", s, err)
	}
	return d
}

func clockAt(h, m int) TimeOfDay { return TimeOfDay{Hour: h, Minute: m} }

// rfc3339All renders instants as RFC 3339 in their own locations.
func rfc3339All(ts []time.Time) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Format(time.RFC3339)
	}
	return out
}

func TestLocalTime(t *testing.T) {
	tests := []struct {
		name string
		zone string
		date string
		at   TimeOfDay
		want string // RFC 3339 with the zone's offset
	}{
		{"ny ordinary", "America/New_York", "2026-07-04", clockAt(20, 0), "2026-07-04T20:00:00-04:00"},
		{"ny winter", "America/New_York", "2026-01-15", clockAt(9, 5), "2026-01-15T09:05:00-05:00"},
		{"ny before gap", "America/New_York", "2026-03-08", clockAt(1, 59), "2026-03-08T01:59:00-05:00"},
		{"ny gap start", "America/New_York", "2026-03-08", clockAt(2, 0), "2026-03-08T03:00:00-04:00"},
		{"ny in gap", "America/New_York", "2026-03-08", clockAt(2, 30), "2026-03-08T03:30:00-04:00"},
		{"ny gap end", "America/New_York", "2026-03-08", clockAt(3, 0), "2026-03-08T03:00:00-04:00"},
		{"ny before repeat", "America/New_York", "2026-11-01", clockAt(0, 59), "2026-11-01T00:59:00-04:00"},
		{"ny repeat start", "America/New_York", "2026-11-01", clockAt(1, 0), "2026-11-01T01:00:00-04:00"},
		{"ny repeat first instance", "America/New_York", "2026-11-01", clockAt(1, 30), "2026-11-01T01:30:00-04:00"},
		{"ny after repeat", "America/New_York", "2026-11-01", clockAt(2, 0), "2026-11-01T02:00:00-05:00"},
		{"ny midnight", "America/New_York", "2026-03-08", clockAt(0, 0), "2026-03-08T00:00:00-05:00"},
		{"london gap", "Europe/London", "2026-03-29", clockAt(1, 30), "2026-03-29T02:30:00+01:00"},
		{"london repeat", "Europe/London", "2026-10-25", clockAt(1, 30), "2026-10-25T01:30:00+01:00"},
		{"london summer", "Europe/London", "2026-06-01", clockAt(23, 45), "2026-06-01T23:45:00+01:00"},
		{"lord howe gap is 30m", "Australia/Lord_Howe", "2026-10-04", clockAt(2, 15), "2026-10-04T02:45:00+11:00"},
		{"lord howe gap start", "Australia/Lord_Howe", "2026-10-04", clockAt(2, 0), "2026-10-04T02:30:00+11:00"},
		{"lord howe after gap", "Australia/Lord_Howe", "2026-10-04", clockAt(2, 30), "2026-10-04T02:30:00+11:00"},
		{"lord howe repeat", "Australia/Lord_Howe", "2026-04-05", clockAt(1, 45), "2026-04-05T01:45:00+11:00"},
		{"lord howe after repeat", "Australia/Lord_Howe", "2026-04-05", clockAt(2, 0), "2026-04-05T02:00:00+10:30"},
		{"kolkata no dst", "Asia/Kolkata", "2026-03-08", clockAt(2, 30), "2026-03-08T02:30:00+05:30"},
		{"kathmandu quarter hour", "Asia/Kathmandu", "2026-10-25", clockAt(1, 30), "2026-10-25T01:30:00+05:45"},
		{"havana midnight gap", "America/Havana", "2026-03-08", clockAt(0, 0), "2026-03-08T01:00:00-04:00"},
		{"havana in midnight gap", "America/Havana", "2026-03-08", clockAt(0, 30), "2026-03-08T01:30:00-04:00"},
		{"havana after gap", "America/Havana", "2026-03-08", clockAt(1, 0), "2026-03-08T01:00:00-04:00"},
		{"havana midnight repeat", "America/Havana", "2026-11-01", clockAt(0, 30), "2026-11-01T00:30:00-04:00"},
		{"havana after repeat", "America/Havana", "2026-11-01", clockAt(1, 0), "2026-11-01T01:00:00-05:00"},
		{"santiago repeat before midnight", "America/Santiago", "2026-04-04", clockAt(23, 30), "2026-04-04T23:30:00-03:00"},
		{"santiago midnight after repeat", "America/Santiago", "2026-04-05", clockAt(0, 0), "2026-04-05T00:00:00-04:00"},
		{"santiago midnight gap", "America/Santiago", "2026-09-06", clockAt(0, 0), "2026-09-06T01:00:00-03:00"},
		{"beirut midnight gap", "Asia/Beirut", "2026-03-29", clockAt(0, 15), "2026-03-29T01:15:00+03:00"},
		{"beirut repeat before midnight", "Asia/Beirut", "2026-10-24", clockAt(23, 30), "2026-10-24T23:30:00+03:00"},
		{"nuuk late gap moves past midnight", "America/Nuuk", "2026-03-28", clockAt(23, 30), "2026-03-29T00:30:00-01:00"},
		{"nuuk late repeat", "America/Nuuk", "2026-10-24", clockAt(23, 30), "2026-10-24T23:30:00-01:00"},
		{"troll two hour gap", "Antarctica/Troll", "2026-03-29", clockAt(2, 0), "2026-03-29T04:00:00+02:00"},
		{"troll two hour repeat", "Antarctica/Troll", "2026-10-25", clockAt(1, 30), "2026-10-25T01:30:00+02:00"},
		{"casablanca ramadan repeat", "Africa/Casablanca", "2026-02-15", clockAt(2, 30), "2026-02-15T02:30:00+01:00"},
		{"casablanca ramadan gap", "Africa/Casablanca", "2026-03-22", clockAt(2, 30), "2026-03-22T03:30:00+01:00"},
		{"chatham", "Pacific/Chatham", "2026-09-27", clockAt(3, 0), "2026-09-27T04:00:00+13:45"},
		{"apia skipped day", "Pacific/Apia", "2011-12-30", clockAt(12, 0), "2011-12-31T12:00:00+14:00"},
		{"apia day before skip", "Pacific/Apia", "2011-12-29", clockAt(23, 59), "2011-12-29T23:59:00-10:00"},
		{"kwajalein skipped day", "Pacific/Kwajalein", "1993-08-21", clockAt(8, 0), "1993-08-22T08:00:00+12:00"},
		{"utc", "UTC", "2026-03-08", clockAt(2, 30), "2026-03-08T02:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := zoneFor(t, tt.zone)
			got := LocalTime(civilDate(t, tt.date), tt.at, loc)
			if got.Format(time.RFC3339) != tt.want {
				t.Errorf("LocalTime(%s %s, %s) = %s, want %s", tt.date, tt.at, tt.zone, got.Format(time.RFC3339), tt.want)
			}
			if got.Location() != loc {
				t.Errorf("LocalTime location = %v, want %v", got.Location(), loc)
			}
		})
	}
}

func TestLocalTimeNilLocationIsUTC(t *testing.T) {
	got := LocalTime(Date{2026, time.March, 8}, clockAt(2, 30), nil)
	if want := instant(t, "2026-03-08T02:30:00Z"); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("LocalTime(nil loc) = %v, want %v", got, want)
	}
}

// propertyZones is a spread of zones: both hemispheres, negative and
// positive offsets, half- and quarter-hour offsets, 30-minute and two-hour
// DST, transitions at midnight, Ramadan DST, no DST at all.
var propertyZones = []string{
	"UTC", "America/New_York", "America/Chicago", "America/Denver",
	"America/Phoenix", "America/Los_Angeles", "America/Anchorage",
	"Pacific/Honolulu", "America/Havana", "America/Santiago",
	"America/Asuncion", "America/Sao_Paulo", "America/St_Johns",
	"America/Halifax", "America/Mexico_City", "America/Nuuk",
	"America/Scoresbysund", "Atlantic/Azores", "Europe/London",
	"Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
	"Europe/Chisinau", "Europe/Moscow", "Africa/Cairo", "Africa/Casablanca",
	"Asia/Beirut", "Asia/Gaza", "Asia/Jerusalem", "Asia/Tehran",
	"Asia/Kolkata", "Asia/Kathmandu", "Asia/Tokyo", "Asia/Shanghai",
	"Australia/Sydney", "Australia/Adelaide", "Australia/Lord_Howe",
	"Pacific/Auckland", "Pacific/Chatham", "Pacific/Apia",
	"Pacific/Kiritimati", "Pacific/Pago_Pago", "Antarctica/Troll",
}

// transitionDays returns the local dates, in loc, next to each of loc's
// offset changes in [from, to): the day before, of and after the change as
// seen with either offset.
func transitionDays(loc *time.Location, from, to time.Time) []Date {
	var days []Date
	for at := from.In(loc); at.Before(to); {
		_, end := at.ZoneBounds()
		if end.IsZero() || !end.Before(to) {
			break
		}
		_, before := at.Zone()
		_, after := end.Zone()
		if before != after {
			for _, off := range []int{before, after} {
				d := DateOf(end.In(time.FixedZone("", off)))
				days = append(days, d.AddDays(-1), d, d.AddDays(1))
			}
		}
		at = end
	}
	slices.SortFunc(days, func(a, b Date) int { return b.DaysUntil(a) })
	return slices.Compact(days)
}

// checkLocalTimeRule checks LocalTime(d, at, loc) against the rule, with an
// oracle that does not share LocalTime's code: an instant whose wall clock
// shows d+at must be the earliest such instant; with none (a gap), the
// result is d+at moved forward by exactly the gap.
func checkLocalTimeRule(t *testing.T, loc *time.Location, d Date, at TimeOfDay) {
	t.Helper()
	got := LocalTime(d, at, loc)
	wall := time.Date(d.Year, d.Month, d.Day, at.Hour, at.Minute, 0, 0, time.UTC)
	var first time.Time
	// Offsets in these zones are whole quarter hours within ±14h.
	for off := 14 * time.Hour; off >= -14*time.Hour; off -= 15 * time.Minute {
		cand := wall.Add(-off)
		if wallAsUTC(cand.In(loc)).Equal(wall) {
			first = cand
			break
		}
	}
	if !first.IsZero() {
		if !got.Equal(first) {
			t.Errorf("%s %s %s: got %s, want first instance %s", loc, d, at, got.Format(time.RFC3339), first.In(loc).Format(time.RFC3339))
		}
		return
	}
	// A gap: got lies just after a transition from before to after, and
	// its clock shows the requested time plus (after - before).
	start, _ := got.ZoneBounds()
	_, after := got.Zone()
	_, before := start.Add(-time.Second).Zone()
	gap := time.Duration(after-before) * time.Second
	if gap <= 0 {
		t.Errorf("%s %s %s: got %s, not after a spring-forward transition", loc, d, at, got.Format(time.RFC3339))
		return
	}
	if shown := wallAsUTC(got); !shown.Equal(wall.Add(gap)) {
		t.Errorf("%s %s %s: got %s, want the time moved forward by the %v gap", loc, d, at, got.Format(time.RFC3339), gap)
	}
	if gapStart := start.In(time.FixedZone("", before)); wall.Before(wallAsUTC(gapStart)) || !wall.Before(wallAsUTC(gapStart).Add(gap)) {
		t.Errorf("%s %s %s: gap at %s does not cover it", loc, d, at, gapStart.Format(time.RFC3339))
	}
}

// wallAsUTC returns t's wall clock read as UTC.
func wallAsUTC(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

func TestLocalTimeRuleEveryZone2026(t *testing.T) {
	from, to := instant(t, "2026-01-01T00:00:00Z"), instant(t, "2027-01-01T00:00:00Z")
	for _, name := range propertyZones {
		t.Run(name, func(t *testing.T) {
			loc := zoneFor(t, name)
			for _, d := range transitionDays(loc, from, to) {
				for m := 0; m < 24*60; m += 15 {
					checkLocalTimeRule(t, loc, d, clockAt(m/60, m%60))
				}
			}
		})
	}
}

func TestLocalTimeRuleSkippedDays(t *testing.T) {
	for _, tt := range []struct{ zone, from, to string }{
		{"Pacific/Apia", "2011-12-01T00:00:00Z", "2012-01-31T00:00:00Z"},
		{"Pacific/Kwajalein", "1993-08-01T00:00:00Z", "1993-09-30T00:00:00Z"},
	} {
		t.Run(tt.zone, func(t *testing.T) {
			loc := zoneFor(t, tt.zone)
			for _, d := range transitionDays(loc, instant(t, tt.from), instant(t, tt.to)) {
				for m := 0; m < 24*60; m += 30 {
					checkLocalTimeRule(t, loc, d, clockAt(m/60, m%60))
				}
			}
		})
	}
}

func TestRecurrenceNextEveryDayAcrossTransitions(t *testing.T) {
	from, to := instant(t, "2026-01-01T00:00:00Z"), instant(t, "2027-01-01T00:00:00Z")
	every := Weekdays(0x7f)
	for _, name := range propertyZones {
		t.Run(name, func(t *testing.T) {
			loc := zoneFor(t, name)
			for _, d := range transitionDays(loc, from, to) {
				for m := 0; m < 24*60; m += 30 {
					r := Recurrence{Days: every, At: clockAt(m/60, m%60), Loc: loc}
					checkEveryDay(t, r, d.AddDays(-2), 5)
				}
			}
		})
	}
}

// checkEveryDay checks that a daily recurrence yields, from first's 00:00,
// one occurrence on each of n consecutive dates, strictly increasing, and
// that Between agrees with Next.
func checkEveryDay(t *testing.T, r Recurrence, first Date, n int) {
	t.Helper()
	from := LocalTime(first, TimeOfDay{}, r.Loc)
	got := r.Next(from, n)
	var want []time.Time
	for i := range n {
		want = append(want, LocalTime(first.AddDays(i), r.At, r.Loc))
	}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Fatalf("%s at %s from %s: Next = %v, want %v", r.Loc, r.At, first, rfc3339All(got), rfc3339All(want))
	}
	for i := 1; i < len(got); i++ {
		if !got[i].After(got[i-1]) {
			t.Fatalf("%s at %s: Next not strictly increasing: %v", r.Loc, r.At, rfc3339All(got))
		}
	}
	between := r.Between(from, got[n-1].Add(time.Nanosecond))
	if !slices.EqualFunc(between, got, time.Time.Equal) {
		t.Fatalf("%s at %s: Between = %v, want %v", r.Loc, r.At, rfc3339All(between), rfc3339All(got))
	}
}

func TestRecurrenceNewYork2026(t *testing.T) {
	ny := zoneFor(t, "America/New_York")
	tests := []struct {
		name string
		r    Recurrence
		from string
		n    int
		want []string
	}{
		{
			name: "sunday 02:30 through spring forward",
			r:    Recurrence{Days: Weekdays(0).With(time.Sunday), At: clockAt(2, 30), Loc: ny},
			from: "2026-03-01T00:00:00Z",
			n:    3,
			want: []string{"2026-03-01T02:30:00-05:00", "2026-03-08T03:30:00-04:00", "2026-03-15T02:30:00-04:00"},
		},
		{
			name: "sunday 01:30 through fall back happens once",
			r:    Recurrence{Days: Weekdays(0).With(time.Sunday), At: clockAt(1, 30), Loc: ny},
			from: "2026-10-25T00:00:00Z",
			n:    3,
			want: []string{"2026-10-25T01:30:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-08T01:30:00-05:00"},
		},
		{
			name: "daily 01:30 through fall back",
			r:    Recurrence{Days: Weekdays(0x7f), At: clockAt(1, 30), Loc: ny},
			from: "2026-10-31T00:00:00Z",
			n:    3,
			want: []string{"2026-10-31T01:30:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"},
		},
		{
			name: "tue thu evenings",
			r:    Recurrence{Days: Weekdays(0).With(time.Tuesday).With(time.Thursday), At: clockAt(20, 0), Loc: ny},
			from: "2026-03-04T01:00:00Z", // Tue 03 20:00 EST is 01:00Z: included
			n:    4,
			want: []string{"2026-03-03T20:00:00-05:00", "2026-03-05T20:00:00-05:00", "2026-03-10T20:00:00-04:00", "2026-03-12T20:00:00-04:00"},
		},
		{
			name: "from just after an occurrence",
			r:    Recurrence{Days: Weekdays(0).With(time.Tuesday), At: clockAt(20, 0), Loc: ny},
			from: "2026-03-04T01:00:00.000000001Z",
			n:    1,
			want: []string{"2026-03-10T20:00:00-04:00"},
		},
		{
			name: "no days",
			r:    Recurrence{At: clockAt(20, 0), Loc: ny},
			from: "2026-03-01T00:00:00Z",
			n:    3,
			want: []string{},
		},
		{
			name: "zero count",
			r:    Recurrence{Days: Weekdays(0x7f), At: clockAt(20, 0), Loc: ny},
			from: "2026-03-01T00:00:00Z",
			n:    0,
			want: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rfc3339All(tt.r.Next(instant(t, tt.from), tt.n))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Next = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRecurrenceBetween(t *testing.T) {
	ny := zoneFor(t, "America/New_York")
	sun0130 := Recurrence{Days: Weekdays(0).With(time.Sunday), At: clockAt(1, 30), Loc: ny}
	sun0230 := Recurrence{Days: Weekdays(0).With(time.Sunday), At: clockAt(2, 30), Loc: ny}
	tests := []struct {
		name     string
		r        Recurrence
		from, to string
		want     []string
	}{
		{"gap day", sun0230, "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z", []string{"2026-03-08T03:30:00-04:00"}},
		{"repeat day has one", sun0130, "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", []string{"2026-11-01T01:30:00-04:00"}},
		{"second instance is not an occurrence", sun0130, "2026-11-01T05:31:00Z", "2026-11-01T07:00:00Z", []string{}},
		{"from inclusive to exclusive", sun0130, "2026-11-01T05:30:00Z", "2026-11-08T06:30:00Z", []string{"2026-11-01T01:30:00-04:00"}},
		{"empty range", sun0130, "2026-11-02T00:00:00Z", "2026-11-01T00:00:00Z", []string{}},
		{"a month", sun0230, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", []string{
			"2026-03-01T02:30:00-05:00", "2026-03-08T03:30:00-04:00", "2026-03-15T02:30:00-04:00",
			"2026-03-22T02:30:00-04:00", "2026-03-29T02:30:00-04:00",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rfc3339All(tt.r.Between(instant(t, tt.from), instant(t, tt.to)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Between = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRecurrenceZoneSkippingADayDoesNotRepeat(t *testing.T) {
	apia := zoneFor(t, "Pacific/Apia")
	// 2011-12-30 (a Friday) never happened in Apia: its 12:00 moves to
	// Saturday's 12:00, which is then one occurrence, not two.
	r := Recurrence{Days: Weekdays(0).With(time.Friday).With(time.Saturday), At: clockAt(12, 0), Loc: apia}
	got := rfc3339All(r.Next(instant(t, "2011-12-28T00:00:00Z"), 3))
	want := []string{"2011-12-31T12:00:00+14:00", "2012-01-06T12:00:00+14:00", "2012-01-07T12:00:00+14:00"}
	if !slices.Equal(got, want) {
		t.Errorf("Next = %v, want %v", got, want)
	}
}

func TestScheduleActiveOn(t *testing.T) {
	skips := []Date{{2026, time.March, 10}}
	tests := []struct {
		name string
		s    Schedule
		d    Date
		want bool
	}{
		{"plain", Schedule{}, Date{2026, time.March, 10}, true},
		{"skipped", Schedule{Skips: skips}, Date{2026, time.March, 10}, false},
		{"other day than skip", Schedule{Skips: skips}, Date{2026, time.March, 12}, true},
		{"paused for good", Schedule{Paused: true}, Date{2030, time.January, 1}, false},
		{"paused until, before", Schedule{Paused: true, PausedUntil: Date{2026, time.March, 20}}, Date{2026, time.March, 19}, false},
		{"paused until, the day", Schedule{Paused: true, PausedUntil: Date{2026, time.March, 20}}, Date{2026, time.March, 20}, false},
		{"paused until, after", Schedule{Paused: true, PausedUntil: Date{2026, time.March, 20}}, Date{2026, time.March, 21}, true},
		{"until without paused", Schedule{PausedUntil: Date{2026, time.March, 20}}, Date{2026, time.March, 19}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.ActiveOn(tt.d); got != tt.want {
				t.Errorf("ActiveOn(%s) = %v, want %v", tt.d, got, tt.want)
			}
		})
	}
}

func TestScheduleOccurrences(t *testing.T) {
	tueThu := Weekdays(0).With(time.Tuesday).With(time.Thursday)
	base := Schedule{Days: tueThu, At: clockAt(20, 0), Zone: "America/New_York", Duration: time.Hour}
	from, to := instant(t, "2026-03-01T00:00:00Z"), instant(t, "2026-03-16T00:00:00Z")
	all := []string{
		"2026-03-03T20:00:00-05:00", "2026-03-05T20:00:00-05:00",
		"2026-03-10T20:00:00-04:00", "2026-03-12T20:00:00-04:00",
	}
	tests := []struct {
		name   string
		change func(s *Schedule)
		want   []string
	}{
		{"active", func(*Schedule) {}, all},
		{"skip a date", func(s *Schedule) { s.Skips = []Date{{2026, time.March, 5}} }, []string{all[0], all[2], all[3]}},
		{"paused until", func(s *Schedule) { s.Paused, s.PausedUntil = true, Date{2026, time.March, 10} }, []string{all[3]}},
		{"paused for good", func(s *Schedule) { s.Paused = true }, []string{}},
		// Tue 03 20:00 EST is Wed 04 01:00Z: a skip names the local date.
		{"skip is a local date", func(s *Schedule) { s.Skips = []Date{{2026, time.March, 4}} }, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			tt.change(&s)
			if got := rfc3339All(s.Occurrences(from, to)); !slices.Equal(got, tt.want) {
				t.Errorf("Occurrences = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScheduleNextOccurrences(t *testing.T) {
	from := instant(t, "2026-03-01T00:00:00Z")
	sun := Schedule{Days: Weekdays(0).With(time.Sunday), At: clockAt(2, 30), Zone: "America/New_York"}
	tests := []struct {
		name   string
		change func(s *Schedule)
		n      int
		want   []string
	}{
		{"through the gap", func(*Schedule) {}, 2, []string{"2026-03-01T02:30:00-05:00", "2026-03-08T03:30:00-04:00"}},
		{"skipping the gap day", func(s *Schedule) { s.Skips = []Date{{2026, time.March, 8}} }, 2, []string{"2026-03-01T02:30:00-05:00", "2026-03-15T02:30:00-04:00"}},
		{"paused a month", func(s *Schedule) { s.Paused, s.PausedUntil = true, Date{2026, time.April, 1} }, 1, []string{"2026-04-05T02:30:00-04:00"}},
		{"paused for good finds nothing", func(s *Schedule) { s.Paused = true }, 3, []string{}},
		{"paused past the horizon finds nothing", func(s *Schedule) { s.Paused, s.PausedUntil = true, Date{2030, time.January, 1} }, 1, []string{}},
		{"no days", func(s *Schedule) { s.Days = 0 }, 3, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sun
			tt.change(&s)
			if got := rfc3339All(s.NextOccurrences(from, tt.n)); !slices.Equal(got, tt.want) {
				t.Errorf("NextOccurrences = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScheduleLocation(t *testing.T) {
	tests := []struct{ zone, want string }{
		{"America/New_York", "America/New_York"},
		{"Asia/Kolkata", "Asia/Kolkata"},
		{"Not/AZone", "UTC"},
		{"", "UTC"},
		{"Local", "UTC"},
	}
	for _, tt := range tests {
		if got := (Schedule{Zone: tt.zone}).Location().String(); got != tt.want {
			t.Errorf("Schedule{Zone: %q}.Location() = %s, want %s", tt.zone, got, tt.want)
		}
	}
	s := Schedule{Days: Weekdays(0).With(time.Monday), At: clockAt(9, 0), Zone: "Asia/Kolkata"}
	r := s.Recurrence()
	if r.Days != s.Days || r.At != s.At || r.Loc.String() != "Asia/Kolkata" {
		t.Errorf("Recurrence() = %+v, want the schedule's days, time and zone", r)
	}
}

func BenchmarkLocalTime(b *testing.B) {
	ny := zoneFor(b, "America/New_York")
	d := Date{2026, time.March, 8}
	for b.Loop() {
		LocalTime(d, clockAt(2, 30), ny)
	}
}

func BenchmarkScheduleNextOccurrences(b *testing.B) {
	s := Schedule{Days: Weekdays(0).With(time.Tuesday).With(time.Thursday), At: clockAt(20, 0), Zone: "America/New_York"}
	from := time.Date(2026, time.March, 1, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		s.NextOccurrences(from, 10)
	}
}
