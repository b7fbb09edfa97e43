package bot_test

import (
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

func TestParseQuietHours(t *testing.T) {
	tod := func(h, m int) bot.TimeOfDay { return bot.TimeOfDay{Hour: h, Minute: m} }
	valid := []struct {
		in   string
		want bot.QuietHours
	}{
		{"22-08", bot.QuietHours{Start: tod(22, 0), End: tod(8, 0)}},
		{" 22:30-07:00 ", bot.QuietHours{Start: tod(22, 30), End: tod(7, 0)}},
		{"23–6", bot.QuietHours{Start: tod(23, 0), End: tod(6, 0)}},
		{"0-6", bot.QuietHours{Start: tod(0, 0), End: tod(6, 0)}},
		{"21-09", bot.QuietHours{Start: tod(21, 0), End: tod(9, 0)}}, // 12 hours, the longest
		{"13:00 - 14:30", bot.QuietHours{Start: tod(13, 0), End: tod(14, 30)}},
		{"off", bot.QuietHours{Off: true}},
		{"OFF", bot.QuietHours{Off: true}},
	}
	for _, tt := range valid {
		got, err := bot.ParseQuietHours(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseQuietHours(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	invalid := []struct{ in, want string }{
		{"", "quiet hours must be two times, like 22-08 or 22:30-07:00, or off"},
		{"22", "22 — quiet hours must be two times, like 22-08"},
		{"25-08", "25-08 — quiet hours must be two times"},
		{"22:5-08", "quiet hours must be two times"},
		{"22-08-01", "quiet hours must be two times"},
		{"ten-six", "quiet hours must be two times"},
		{"22-22", "22-22 — quiet hours must end at another time than they start"},
		{"08-22", "08-22 — quiet hours last at most 12h, so warnings still reach you in time; 08:00-22:00 would be 14h"},
	}
	for _, tt := range invalid {
		_, err := bot.ParseQuietHours(tt.in)
		if msg := bot.UserMessage(err); err == nil || !strings.Contains(msg, tt.want) {
			t.Errorf("ParseQuietHours(%q): %q, want an error containing %q", tt.in, msg, tt.want)
		}
	}
}

func TestQuietHoursUntil(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, ny)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	overnight := bot.DefaultQuietHours
	day := bot.QuietHours{Start: bot.TimeOfDay{Hour: 13}, End: bot.TimeOfDay{Hour: 15}}
	tests := []struct {
		q        bot.QuietHours
		now      string
		want     string
		describe string
	}{
		{overnight, "2026-12-01 21:59", "2026-12-01 21:59", "before they start"},
		{overnight, "2026-12-01 22:00", "2026-12-02 08:00", "as they start"},
		{overnight, "2026-12-02 03:00", "2026-12-02 08:00", "after midnight"},
		{overnight, "2026-12-02 08:00", "2026-12-02 08:00", "as they end"},
		{day, "2026-12-01 14:00", "2026-12-01 15:00", "inside, in the day"},
		{day, "2026-12-01 15:30", "2026-12-01 15:30", "after, in the day"},
		{bot.QuietHours{Off: true}, "2026-12-01 23:00", "2026-12-01 23:00", "off"},
		{overnight, "2026-03-08 01:30", "2026-03-08 08:00", "the night clocks spring forward"},
	}
	for _, tt := range tests {
		if got := tt.q.Until(at(tt.now), ny); !got.Equal(at(tt.want)) {
			t.Errorf("%s: %v.Until(%s) = %s, want %s", tt.describe, tt.q, tt.now, got.In(ny).Format("2006-01-02 15:04"), tt.want)
		}
	}
}

// TestRemindersQuietOption: hosts set, show and turn off their quiet hours;
// a bad value is refused in words, and nothing is saved.
func TestRemindersQuietOption(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice")
	h.must("alice", false, "/spaces timezone tz:America/Chicago", "Saved")
	steps := []struct{ line, want string }{
		{"/spaces reminders", "Quiet hours: 22:00–08:00 America/Chicago (the default); quota warnings and nudges wait until they end."},
		{"/spaces reminders quiet:23-7", "Quiet hours: 23:00–07:00 America/Chicago; quota warnings and nudges wait until they end."},
		{"/spaces reminders", "Quiet hours: 23:00–07:00 America/Chicago;"},
		{"/spaces reminders quiet:9pm-7am", "quiet:9pm-7am — quiet hours must be two times, like 22-08 or 22:30-07:00, or off"},
		{"/spaces reminders quiet:20-10", "quiet hours last at most 12h"},
		{"/spaces reminders", "Quiet hours: 23:00–07:00 America/Chicago;"},
		{"/spaces reminders quiet:off", "Quiet hours: off; quota warnings and nudges come at any hour."},
		{"/spaces reminders quiet:22-08", "Quiet hours: 22:00–08:00 America/Chicago;"},
	}
	for _, s := range steps {
		if got := h.do("alice", false, s.line); !strings.Contains(got, s.want) {
			t.Errorf("%s:\n got %q\nwant it to contain %q", s.line, got, s.want)
		}
	}
}

// TestRemindersOffReply: turning reminders off says what stops (reminders
// and nudges) and what does not (quota warnings); the help says so too.
func TestRemindersOffReply(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice")
	h.must("alice", false, "/spaces reminders off",
		"Saved: your reminders are off: no DMs before your Spaces and no nudges after them. Quota warnings still come: they are the program's rule.")
	h.must("alice", false, "/spaces reminders on",
		"Saved: your reminders are on: a DM 1h and 10m before each scheduled Space, and a nudge if one isn't logged 30m after it ends.")
	if help := bot.HelpText("spaces"); !strings.Contains(help, "state: on, or off: no reminders and no nudges (quota warnings still come)") {
		t.Errorf("/spaces help does not say that quota warnings stay:\n%s", help)
	}
}
