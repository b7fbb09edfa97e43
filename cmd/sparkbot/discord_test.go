package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"sparkbot/bot"
)

// TestDiscordEventsSetting: SPARKBOT_DISCORD_EVENTS=on exposes the
// adapter's event publishing to the scheduler; off (or unset) hides it;
// anything else is refused at start.
func TestDiscordEventsSetting(t *testing.T) {
	tests := []struct {
		value   string
		publish bool
		err     string
	}{
		{"", false, ""},
		{"off", false, ""},
		{"on", true, ""},
		{"yes", false, "SPARKBOT_DISCORD_EVENTS must be on or off"},
	}
	for _, tt := range tests {
		env := map[string]string{"SPARKBOT_DISCORD_TOKEN": "token", "SPARKBOT_DISCORD_EVENTS": tt.value}
		p, err := discordPlatform(platformEnv{getenv: func(k string) string { return env[k] },
			clock: bot.SystemClock{}, logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.value, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tt.value, err)
		}
		if _, ok := p.notifier.(bot.EventPublisher); ok != tt.publish {
			t.Errorf("%q: publishes events %v, want %v", tt.value, ok, tt.publish)
		}
	}
}

func TestNoTokenNoDiscord(t *testing.T) {
	p, err := discordPlatform(platformEnv{getenv: func(string) string { return "" }})
	if p != nil || err != nil {
		t.Errorf("got %v, %v; want no platform and no error", p, err)
	}
}
