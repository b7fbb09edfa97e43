package bot_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"sparkbot/bot"
)

// TestSpanJSONKeepsZone: queued messages (a DM's fallback) keep the zone
// their times are shown in.
func TestSpanJSONKeepsZone(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 20, 0, 0, 0, chicago)
	in := bot.Message{Blocks: []bot.Block{{Lines: []bot.Line{bot.Linef("starts %s, %s", bot.At(at, chicago, bot.TimeFull), bot.UserText("@everyone"))}}}}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out bot.Message
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	got := out.Blocks[0].Lines[0]
	if len(got) != 4 {
		t.Fatalf("got %d spans, want 4: %+v", len(got), got)
	}
	if s := got[1]; s.Kind != bot.SpanTime || s.Zone.String() != "America/Chicago" || !s.At.Equal(at) {
		t.Errorf("time span came back as %+v (zone %v)", s, s.Zone)
	}
	if s := got[3]; s.Kind != bot.SpanUser || s.Text != "@everyone" {
		t.Errorf("user text came back as %+v", s)
	}
}

func TestHumanDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{20 * time.Second, "under a minute"},
		{45 * time.Minute, "45m"},
		{time.Hour, "1h"},
		{90 * time.Minute, "1h 30m"},
		{48 * time.Hour, "2d"},
		{51 * time.Hour, "2d 3h"},
	}
	for _, tt := range tests {
		if got := bot.HumanDuration(tt.d); got != tt.want {
			t.Errorf("HumanDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// TestFormatTimeYear: a date outside the reader's current year carries its
// year; one inside it does not.
func TestFormatTimeYear(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 30, 12, 0, 0, 0, ny)
	for _, tc := range []struct {
		name  string
		at    time.Time
		style bot.TimeStyle
		want  string
	}{
		{"this year, full", time.Date(2026, 12, 1, 20, 0, 0, 0, ny), bot.TimeFull, "Tue 1 Dec 20:00 EST"},
		{"this year, date", time.Date(2026, 12, 1, 20, 0, 0, 0, ny), bot.TimeDate, "Tue 1 Dec"},
		{"next year, full", time.Date(2027, 1, 5, 20, 0, 0, 0, ny), bot.TimeFull, "Tue 5 Jan 2027 20:00 EST"},
		{"next year, date", time.Date(2027, 1, 5, 20, 0, 0, 0, ny), bot.TimeDate, "Tue 5 Jan 2027"},
		{"last year, date", time.Date(2025, 12, 30, 9, 0, 0, 0, ny), bot.TimeDate, "Tue 30 Dec 2025"},
		{"short time never has a date", time.Date(2027, 1, 5, 20, 0, 0, 0, ny), bot.TimeShort, "20:00"},
		// 01:00 UTC on 1 January is still 2026 in New York: the year is the reader's.
		{"the year is read in the zone", time.Date(2027, 1, 1, 1, 0, 0, 0, time.UTC), bot.TimeDate, "Thu 31 Dec"},
	} {
		if got := bot.FormatTime(tc.at, ny, tc.style, now); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestLinefAsItWas: Linef formats once and cuts its marks out; every line
// is the one the split-and-scan Linef made.
func TestLinefAsItWas(t *testing.T) {
	at := time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)
	many := make([]any, 20)
	format := ""
	for i := range many {
		many[i] = bot.UserRef(fmt.Sprintf("U%d", i))
		if i%3 == 0 {
			many[i] = i
		}
		format += "%v, "
	}
	tests := []struct {
		format string
		args   []any
	}{
		{"plain", nil},
		{"%d of %d", []any{2, 3}},
		{"%s", []any{bot.UserRef("U1")}},
		{"%s: %d of %d%s — %s, streak %d", []any{bot.UserRef("U1"), 2, 2, " (2 verified by X)", bot.OnTrack, 4}},
		{"%s%s%s", []any{bot.Text("a"), bot.Text(""), bot.UserText("b")}},
		{"starts %s, by %s.", []any{bot.At(at, time.UTC, bot.TimeFull), bot.Mention("U2")}},
		{"%v and %10s and %-4v|", []any{bot.ChannelRef("C1"), bot.UserRef("U3"), bot.UserText("x")}},
		{"%q %x", []any{bot.UserRef("U4"), bot.UserRef("U5")}},
		{"%d %s", []any{bot.UserRef("U6"), bot.UserRef("U7")}},
		{"missing %s %s", []any{bot.UserRef("U8")}},
		{"extra", []any{bot.UserRef("U9")}},
		{"%s\x00%s", []any{bot.UserRef("U10"), "text"}},
		{"text with \x00 0 \x00 in it %s", []any{bot.UserRef("U11")}},
		{format, many},
	}
	for _, tt := range tests {
		got, want := bot.Linef(tt.format, tt.args...), bot.NaiveLinef(tt.format, tt.args...)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Linef(%q, %v):\n got %#v\nwant %#v", tt.format, tt.args, got, want)
		}
	}
}
