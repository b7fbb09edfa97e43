package bot_test

import (
	"encoding/json"
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
