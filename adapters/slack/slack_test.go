package slack_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"sparkbot/adapters/slack"
	"sparkbot/adapters/slack/fakeslack"
)

func TestNewNeedsABotTokenAndAMode(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  slack.Config
		want string // in the error; "" for none
	}{
		{"Socket Mode", slack.Config{BotToken: "xoxb-1", AppToken: "xapp-1"}, ""},
		{"HTTP mode", slack.Config{BotToken: "xoxb-1", SigningSecret: "s"}, ""},
		{"no bot token", slack.Config{AppToken: "xapp-1"}, "SPARKBOT_SLACK_BOT_TOKEN"},
		{"tokens swapped", slack.Config{BotToken: "xapp-1", AppToken: "xoxb-1"}, "must start with xoxb-"},
		{"a user token as app token", slack.Config{BotToken: "xoxb-1", AppToken: "xoxp-1"}, "must start with xapp-"},
		{"no mode", slack.Config{BotToken: "xoxb-1"}, "SPARKBOT_SLACK_APP_TOKEN for Socket Mode, or SPARKBOT_SLACK_SIGNING_SECRET"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := slack.New(tc.cfg, nil)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("New: %v, want no error", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("New: %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func TestRoutesOnlyInHTTPMode(t *testing.T) {
	h := newHarness(t)
	if got := len(h.adapter.Routes()); got != 2 || h.adapter.SocketMode() {
		t.Errorf("HTTP mode: %d routes, socket mode %v; want 2 routes, no socket", got, h.adapter.SocketMode())
	}
	s := newHarness(t, socketMode)
	if got := s.adapter.Routes(); got != nil || !s.adapter.SocketMode() {
		t.Errorf("Socket Mode: routes %v, socket mode %v; want no routes", got, s.adapter.SocketMode())
	}
}

// When Slack cannot be reached at start, Run logs, backs off and tries
// again, and signed HTTP requests are answered meanwhile.
func TestRunRetriesAuthAndKeepsServingHTTP(t *testing.T) {
	h := newHarness(t)
	h.fake.Fail("auth.test", fakeslack.Failure{Error: "service_unavailable"})
	h.run()

	wait := fakeslack.Receive(t, h.timers)
	if wait.d != time.Second {
		t.Errorf("first back-off %v, want 1s", wait.d)
	}
	h.logs.waitLog(t, "cannot reach Slack")
	status, body := h.do(h.signed("/slack/commands", h.command(bob, "spaces help").Encode()))
	if status != http.StatusOK || !strings.Contains(body, "/spaces log") {
		t.Errorf("during the outage: status %d, body %q; want the help", status, body)
	}

	wait.fire <- time.Time{}
	h.logs.waitLog(t, "connected to Slack")
	if got := h.fake.Calls("auth.test"); got != 2 {
		t.Errorf("auth.test called %d times, want 2", got)
	}
}
