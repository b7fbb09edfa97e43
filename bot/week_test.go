package bot

import (
	"testing"
	"time"
)

func TestWeekOf(t *testing.T) {
	tests := []struct {
		name       string
		zone       string
		start      time.Weekday
		at         string
		wantStart  string
		wantEnd    string
		wantLength time.Duration
	}{
		{"ny monday", "America/New_York", time.Monday, "2026-03-11T12:00:00-04:00",
			"2026-03-09T00:00:00-04:00", "2026-03-16T00:00:00-04:00", 168 * time.Hour},
		{"ny week with spring forward", "America/New_York", time.Monday, "2026-03-08T12:00:00-04:00",
			"2026-03-02T00:00:00-05:00", "2026-03-09T00:00:00-04:00", 167 * time.Hour},
		{"ny sunday week with fall back", "America/New_York", time.Sunday, "2026-11-01T01:30:00-05:00",
			"2026-11-01T00:00:00-04:00", "2026-11-08T00:00:00-05:00", 169 * time.Hour},
		{"ny late sunday is still monday's week", "America/New_York", time.Monday, "2026-03-16T03:59:59Z",
			"2026-03-09T00:00:00-04:00", "2026-03-16T00:00:00-04:00", 168 * time.Hour},
		{"ny utc monday is local sunday", "America/New_York", time.Monday, "2026-03-16T03:00:00Z",
			"2026-03-09T00:00:00-04:00", "2026-03-16T00:00:00-04:00", 168 * time.Hour},
		{"utc saturday", "UTC", time.Saturday, "2026-03-13T23:59:59Z",
			"2026-03-07T00:00:00Z", "2026-03-14T00:00:00Z", 168 * time.Hour},
		{"kolkata saturday", "Asia/Kolkata", time.Saturday, "2026-03-13T20:00:00Z",
			"2026-03-14T00:00:00+05:30", "2026-03-21T00:00:00+05:30", 168 * time.Hour},
		{"london monday across spring", "Europe/London", time.Monday, "2026-03-29T12:00:00Z",
			"2026-03-23T00:00:00Z", "2026-03-30T00:00:00+01:00", 167 * time.Hour},
		{"lord howe sunday half hour", "Australia/Lord_Howe", time.Sunday, "2026-10-05T00:00:00Z",
			"2026-10-04T00:00:00+10:30", "2026-10-11T00:00:00+11:00", 167*time.Hour + 30*time.Minute},
		{"havana sunday midnight in gap", "America/Havana", time.Sunday, "2026-03-10T12:00:00Z",
			"2026-03-08T01:00:00-04:00", "2026-03-15T00:00:00-04:00", 167 * time.Hour},
		{"santiago sunday after midnight repeat", "America/Santiago", time.Sunday, "2026-04-05T12:00:00Z",
			"2026-04-05T00:00:00-04:00", "2026-04-12T00:00:00-04:00", 168 * time.Hour},
		{"santiago saturday spans the fall back", "America/Santiago", time.Saturday, "2026-04-05T12:00:00Z",
			"2026-04-04T00:00:00-03:00", "2026-04-11T00:00:00-04:00", 169 * time.Hour},
		{"beirut monday", "Asia/Beirut", time.Monday, "2026-03-29T00:30:00+03:00",
			"2026-03-23T00:00:00+02:00", "2026-03-30T00:00:00+03:00", 167 * time.Hour},
		{"apia friday never happened", "Pacific/Apia", time.Friday, "2011-12-31T12:00:00+14:00",
			"2011-12-31T00:00:00+14:00", "2012-01-06T00:00:00+14:00", 144 * time.Hour},
		{"apia week before the skip", "Pacific/Apia", time.Friday, "2011-12-29T12:00:00-10:00",
			"2011-12-23T00:00:00-10:00", "2011-12-31T00:00:00+14:00", 168 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := zoneFor(t, tt.zone)
			w := WeekOf(instant(t, tt.at), loc, tt.start)
			if got := w.Start.Format(time.RFC3339); got != tt.wantStart {
				t.Errorf("Start = %s, want %s", got, tt.wantStart)
			}
			if got := w.End.Format(time.RFC3339); got != tt.wantEnd {
				t.Errorf("End = %s, want %s", got, tt.wantEnd)
			}
			if got := w.Duration(); got != tt.wantLength {
				t.Errorf("Duration = %v, want %v", got, tt.wantLength)
			}
			if got, want := w.StartDate.Weekday(), tt.start; got != want {
				t.Errorf("StartDate %s is a %v, want %v", w.StartDate, got, want)
			}
			if !w.Contains(instant(t, tt.at)) {
				t.Errorf("week %s..%s does not contain %s", w.Start, w.End, tt.at)
			}
		})
	}
}

func TestWeekEdges(t *testing.T) {
	for _, name := range []string{"America/New_York", "Europe/London", "Asia/Kolkata", "America/Havana", "Australia/Lord_Howe", "America/Santiago"} {
		for _, start := range []time.Weekday{time.Monday, time.Sunday, time.Saturday} {
			loc := zoneFor(t, name)
			w := WeekOf(time.Date(2026, time.January, 7, 12, 0, 0, 0, time.UTC), loc, start)
			for range 60 {
				if got := WeekOf(w.Start, loc, start); !got.Start.Equal(w.Start) {
					t.Errorf("%s %v: WeekOf(its start %s) starts %s, want that week", name, start, w.Start, got.Start)
				}
				if !w.Contains(w.Start) || w.Contains(w.End) || w.Contains(w.Start.Add(-time.Nanosecond)) {
					t.Errorf("%s %v: week %s..%s must contain its start, not its end nor before", name, start, w.Start, w.End)
				}
				if got := WeekOf(w.End.Add(-time.Nanosecond), loc, start); !got.Start.Equal(w.Start) {
					t.Errorf("%s %v: last instant of week %s is in week %s", name, start, w.Start, got.Start)
				}
				next := w.Next()
				if !next.Start.Equal(w.End) {
					t.Errorf("%s %v: Next starts %s, want the end %s", name, start, next.Start, w.End)
				}
				if back := next.Prev(); back != w {
					t.Errorf("%s %v: Next().Prev() = %+v, want %+v", name, start, back, w)
				}
				if d := w.Duration(); d < 167*time.Hour || d > 169*time.Hour {
					t.Errorf("%s %v: week %s lasts %v", name, start, w.Start, d)
				}
				w = next
			}
		}
	}
}

func TestWeekOfNilLocationIsUTC(t *testing.T) {
	w := WeekOf(instant(t, "2026-03-11T12:00:00Z"), nil, time.Monday)
	if got, want := w.Start, instant(t, "2026-03-09T00:00:00Z"); !got.Equal(want) {
		t.Errorf("Start = %s, want %s", got, want)
	}
	if got, want := w.Next().Start, instant(t, "2026-03-16T00:00:00Z"); !got.Equal(want) {
		t.Errorf("Next().Start = %s, want %s", got, want)
	}
}

func TestCohortLocation(t *testing.T) {
	tests := []struct{ zone, want string }{
		{"Europe/London", "Europe/London"},
		{"", DefaultZone},
		{"Mars/Olympus_Mons", DefaultZone},
		{"Local", DefaultZone},
	}
	for _, tt := range tests {
		if got := (Cohort{Zone: tt.zone}).Location().String(); got != tt.want {
			t.Errorf("Cohort{Zone: %q}.Location() = %s, want %s", tt.zone, got, tt.want)
		}
	}
}

func TestCohortWeeks(t *testing.T) {
	// Starts on a Wednesday: week 1 is the Monday week holding it.
	c := Cohort{Start: Date{2026, time.March, 4}, Weeks: 12, Zone: "America/New_York", WeekStart: time.Monday}
	first := c.FirstWeek()
	if got, want := first.Start.Format(time.RFC3339), "2026-03-02T00:00:00-05:00"; got != want {
		t.Errorf("FirstWeek().Start = %s, want %s", got, want)
	}
	if got, want := c.EndsAt().Format(time.RFC3339), "2026-05-25T00:00:00-04:00"; got != want {
		t.Errorf("EndsAt() = %s, want %s", got, want)
	}
	tests := []struct {
		at   string
		want int
	}{
		{"2026-03-01T23:59:59-05:00", 0},
		{"2026-03-02T00:00:00-05:00", 1},
		{"2026-03-08T23:59:59-04:00", 1},
		{"2026-03-09T00:00:00-04:00", 2},
		{"2026-05-24T23:59:59-04:00", 12},
		{"2026-05-25T00:00:00-04:00", 13},
	}
	for _, tt := range tests {
		if got := c.WeekNumber(instant(t, tt.at)); got != tt.want {
			t.Errorf("WeekNumber(%s) = %d, want %d", tt.at, got, tt.want)
		}
	}
	if got, want := c.WeekOf(instant(t, "2026-03-10T12:00:00Z")).Start, c.FirstWeek().Next().Start; !got.Equal(want) {
		t.Errorf("WeekOf(week 2) starts %s, want %s", got, want)
	}
}

func TestCohortWeekStartsOnSundayInZone(t *testing.T) {
	c := Cohort{Start: Date{2026, time.October, 25}, Weeks: 2, Zone: "Europe/London", WeekStart: time.Sunday}
	if got, want := c.FirstWeek().Start.Format(time.RFC3339), "2026-10-25T00:00:00+01:00"; got != want {
		t.Errorf("FirstWeek().Start = %s, want %s", got, want)
	}
	if got, want := c.FirstWeek().Duration(), 169*time.Hour; got != want {
		t.Errorf("FirstWeek().Duration() = %v, want %v", got, want)
	}
	if got, want := c.EndsAt().Format(time.RFC3339), "2026-11-08T00:00:00Z"; got != want {
		t.Errorf("EndsAt() = %s, want %s", got, want)
	}
}
