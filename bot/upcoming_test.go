package bot_test

import (
	"testing"
	"time"

	"sparkbot/bot"
)

func weekly(id int64, days bot.Weekdays, hour int, zone string) bot.Schedule {
	return bot.Schedule{ID: id, UserID: "alice", Title: "Space", Days: days, At: bot.TimeOfDay{Hour: hour}, Duration: time.Hour, Zone: zone}
}

const (
	tue = bot.Weekdays(1 << time.Tuesday)
	thu = bot.Weekdays(1 << time.Thursday)
)

func TestNextOccurrence(t *testing.T) {
	ny := "America/New_York"
	now := mustTime(t, "2026-12-01T12:00:00-05:00") // a Tuesday
	skipped := weekly(1, tue, 20, ny)
	skipped.Skips = []bot.Date{{Year: 2026, Month: 12, Day: 1}}
	paused := weekly(3, tue, 20, ny)
	paused.Paused = true
	tests := []struct {
		name      string
		schedules []bot.Schedule
		wantID    int64
		want      string // RFC3339, "" for none
	}{
		{"none", nil, 0, ""},
		{"today's", []bot.Schedule{weekly(1, tue, 20, ny)}, 1, "2026-12-01T20:00:00-05:00"},
		{"earliest of two", []bot.Schedule{weekly(1, thu, 20, ny), weekly(2, tue, 21, "America/Chicago")}, 2, "2026-12-01T22:00:00-05:00"},
		{"a skipped date is passed over", []bot.Schedule{skipped, weekly(2, thu, 20, ny)}, 2, "2026-12-03T20:00:00-05:00"},
		{"paused for good", []bot.Schedule{paused}, 0, ""},
		{"started already: the next week's", []bot.Schedule{weekly(1, tue, 9, ny)}, 1, "2026-12-08T09:00:00-05:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := bot.NextOccurrence(tt.schedules, now)
			if tt.want == "" {
				if ok {
					t.Fatalf("got %v of #%d, want none", got.Start, got.Schedule.ID)
				}
				return
			}
			if !ok || got.Schedule.ID != tt.wantID || !got.Start.Equal(mustTime(t, tt.want)) {
				t.Fatalf("got #%d at %v (%v), want #%d at %s", got.Schedule.ID, got.Start, ok, tt.wantID, tt.want)
			}
		})
	}
}

func TestUpcomingReminders(t *testing.T) {
	co := bot.NewCohort("Spark", bot.Date{Year: 2026, Month: 11, Day: 30})
	co.Weeks = 2 // ends Mon 14 Dec 00:00
	member := bot.Host{UserID: "alice", Memberships: []bot.Membership{{Cohort: co.ID}}}
	off := member
	off.RemindersOff = true
	custom := member
	custom.Leads = []time.Duration{24 * time.Hour}
	tuesdays := []bot.Schedule{weekly(1, tue, 20, "America/New_York")}
	type rem struct {
		at   string
		lead time.Duration
	}
	tests := []struct {
		name string
		host bot.Host
		now  string
		n    int
		want []rem
	}{
		{"default leads", member, "2026-12-01T12:00:00-05:00", 3, []rem{
			{"2026-12-01T19:00:00-05:00", time.Hour}, {"2026-12-01T19:50:00-05:00", 10 * time.Minute},
			{"2026-12-08T19:00:00-05:00", time.Hour}}},
		{"the 60m one is past", member, "2026-12-01T19:30:00-05:00", 2, []rem{
			{"2026-12-01T19:50:00-05:00", 10 * time.Minute}, {"2026-12-08T19:00:00-05:00", time.Hour}}},
		{"none after the cohort ends", member, "2026-12-08T19:55:00-05:00", 5, nil},
		{"reminders off", off, "2026-12-01T12:00:00-05:00", 3, nil},
		{"not a member", bot.Host{UserID: "alice"}, "2026-12-01T12:00:00-05:00", 3, nil},
		{"a day ahead, the first one past", custom, "2026-12-01T12:00:00-05:00", 1, []rem{
			{"2026-12-07T20:00:00-05:00", 24 * time.Hour}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bot.UpcomingReminders(co, tt.host, tuesdays, mustTime(t, tt.now), tt.n)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d reminders %v, want %d", len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				if !got[i].At().Equal(mustTime(t, w.at)) || got[i].Lead != w.lead {
					t.Errorf("reminder %d: %v (lead %v), want %s (lead %v)", i, got[i].At(), got[i].Lead, w.at, w.lead)
				}
			}
		})
	}
}

// TestUpcomingRemindersDailyLongLead checks a lead longer than the gap
// between occurrences still finds the earliest reminders.
func TestUpcomingRemindersDailyLongLead(t *testing.T) {
	co := bot.NewCohort("Spark", bot.Date{Year: 2026, Month: 11, Day: 30})
	h := bot.Host{UserID: "alice", Memberships: []bot.Membership{{Cohort: co.ID}}, Leads: []time.Duration{72 * time.Hour, 10 * time.Minute}}
	daily := []bot.Schedule{weekly(1, 0x7f, 20, "UTC")}
	now := mustTime(t, "2026-12-01T12:00:00Z")
	got := bot.UpcomingReminders(co, h, daily, now, 4)
	// The 72h reminders of Dec 1–3 are past; Dec 4's is due Dec 1 20:00.
	want := []string{"2026-12-01T19:50:00Z", "2026-12-01T20:00:00Z", "2026-12-02T19:50:00Z", "2026-12-02T20:00:00Z"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i, w := range want {
		if !got[i].At().Equal(mustTime(t, w)) {
			t.Errorf("reminder %d at %v, want %s", i, got[i].At(), w)
		}
	}
}
