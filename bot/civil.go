package bot

import (
	"fmt"
	"strings"
	"time"
)

// Date is a calendar date with no zone: a cohort's start, a skipped day.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String renders d as 2006-01-02.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// MarshalText implements encoding.TextMarshaler (storage keeps dates as text).
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	t, err := time.Parse(time.DateOnly, string(b))
	if err != nil {
		return err
	}
	*d = DateOf(t)
	return nil
}

// noonUTC is a zone-free anchor for calendar arithmetic.
func (d Date) noonUTC() time.Time { return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date {
	if day := d.Day + n; d.Month >= time.January && d.Month <= time.December && d.Day >= 1 && d.Day <= 28 && day >= 1 && day <= 28 {
		return Date{d.Year, d.Month, day} // within the month (every month has 28 days): what AddDate gives
	}
	return DateOf(d.noonUTC().AddDate(0, 0, n))
}

// Weekday returns d's day of the week.
func (d Date) Weekday() time.Weekday { return d.noonUTC().Weekday() }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.noonUTC().Before(e.noonUTC()) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.noonUTC().After(e.noonUTC()) }

// DaysUntil returns the number of days from d to e (negative when e is before d).
func (d Date) DaysUntil(e Date) int { return int(e.noonUTC().Sub(d.noonUTC()).Hours() / 24) }

// TimeOfDay is a wall-clock time: a schedule's start, a quiet-hours edge.
type TimeOfDay struct {
	Hour   int
	Minute int
}

// String renders t as 15:04.
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

// Minutes returns minutes since midnight.
func (t TimeOfDay) Minutes() int { return t.Hour*60 + t.Minute }

// Weekdays is a set of days of the week, bit i set for time.Weekday(i).
type Weekdays uint8

// Has reports whether day is in the set.
func (w Weekdays) Has(day time.Weekday) bool { return w&(1<<uint(day)) != 0 }

// With returns the set with day added.
func (w Weekdays) With(day time.Weekday) Weekdays { return w | 1<<uint(day) }

// Count returns the number of days in the set.
func (w Weekdays) Count() int {
	n := 0
	for d := time.Sunday; d <= time.Saturday; d++ {
		if w.Has(d) {
			n++
		}
	}
	return n
}

// weekdayNames are the three-letter names used in commands, Sunday first.
var weekdayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// WeekdayName returns the three-letter command name of day ("mon").
func WeekdayName(day time.Weekday) string { return weekdayNames[day] }

// String renders the set Monday first, as typed in commands: "tue,thu".
func (w Weekdays) String() string {
	var names []string
	for i := 1; i <= 7; i++ {
		d := time.Weekday(i % 7)
		if w.Has(d) {
			names = append(names, weekdayNames[d])
		}
	}
	return strings.Join(names, ",")
}
