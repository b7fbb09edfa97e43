package bot

import (
	"testing"
	"time"
)

// TestAddDaysIsAddDate: AddDays moves within a month without time.Date;
// it gives what AddDate gives for every date, unnormalized ones too.
func TestAddDaysIsAddDate(t *testing.T) {
	var dates []Date
	for d := (Date{2023, time.December, 20}); d.Before(Date{2025, time.March, 10}); d = DateOf(d.noonUTC().AddDate(0, 0, 1)) {
		dates = append(dates, d)
	}
	dates = append(dates, Date{2026, time.February, 30}, Date{2026, time.April, 31}, Date{2026, time.January, 0},
		Date{2026, time.January, -3}, Date{2026, 0, 10}, Date{2026, 13, 10}, Date{2026, time.March, 29}, Date{}, Date{1, 1, 1})
	for _, d := range dates {
		for n := -40; n <= 40; n++ {
			if got, want := d.AddDays(n), DateOf(d.noonUTC().AddDate(0, 0, n)); got != want {
				t.Fatalf("%v.AddDays(%d) = %v, want %v", d, n, got, want)
			}
		}
	}
}
