package slack_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	slackgo "github.com/slack-go/slack"

	"sparkbot/adapters/slack"
	"sparkbot/adapters/slack/fakeslack"
	"sparkbot/edge"
)

// guarded gives the adapter a replay set of room entries on the test clock.
func guarded(room int) option {
	return func(c *slack.Config) { c.Replay = edge.NewReplaySet(c.Clock, room) }
}

// TestHTTPModeActsOnAReplayOnce: a signed command sent twice inside its
// window runs once; the copy gets 409 and reaches nothing.
func TestHTTPModeActsOnAReplayOnce(t *testing.T) {
	h := newHarness(t, guarded(100))
	h.withCohort()
	body := h.command(alice, `spaces schedule add title:"Night owls" days:tue time:20:00`).Encode()
	// The test clock stands still: both carry the same timestamp and signature.
	first, replay := h.signed("/slack/commands", body), h.signed("/slack/commands", body)
	if status, got := h.do(first); status != http.StatusOK || !strings.Contains(got, "Saved recurring Space #1") {
		t.Fatalf("first: %d %s", status, got)
	}
	fakeslack.Receive(t, h.seen.calls)
	if status, got := h.do(replay); status != http.StatusConflict || got != "Conflict\n" {
		t.Errorf("replay: %d %q, want a bare 409", status, got)
	}
	h.seen.none(t)
	if r := h.slash(alice, "spaces schedule list"); strings.Contains(r.Text, "#2") {
		t.Errorf("the replay added a second schedule:\n%s", r.Text)
	}
}

// TestHTTPModeMalformedSignedInputIs400: signed, yet not what Slack sends.
func TestHTTPModeMalformedSignedInputIs400(t *testing.T) {
	h := newHarness(t, guarded(100))
	cmd := func(change func(url.Values)) string {
		v := h.command(alice, "spaces status")
		change(v)
		return v.Encode()
	}
	click := func(cb string) string { return url.Values{"payload": {cb}}.Encode() }
	for _, tc := range []struct {
		name, path, body string
	}{
		{"bad form encoding", "/slack/commands", "team_id=%zz"},
		{"no team", "/slack/commands", cmd(func(v url.Values) { v.Del("team_id") })},
		{"no user", "/slack/commands", cmd(func(v url.Values) { v.Del("user_id") })},
		{"user id with markup", "/slack/commands", cmd(func(v url.Values) { v.Set("user_id", "<@U1>") })},
		{"no command", "/slack/commands", cmd(func(v url.Values) { v.Del("command") })},
		{"no response_url", "/slack/commands", cmd(func(v url.Values) { v.Del("response_url") })},
		{"response_url not a URL", "/slack/commands", cmd(func(v url.Values) { v.Set("response_url", "::") })},
		{"response_url too long", "/slack/commands", cmd(func(v url.Values) { v.Set("response_url", "https://h/"+strings.Repeat("a", 3000)) })},
		{"click not JSON", "/slack/interactivity", click("{")},
		{"click without a payload", "/slack/interactivity", "x=1"},
		{"click without a user", "/slack/interactivity", click(`{"type":"block_actions","team":{"id":"T0FAKE"}}`)},
		{"click without a team", "/slack/interactivity", click(`{"type":"block_actions","user":{"id":"U0ALICE"}}`)},
		{"click without a type", "/slack/interactivity", click(`{"team":{"id":"T0FAKE"},"user":{"id":"U0ALICE"}}`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, got := h.do(h.signed(tc.path, tc.body))
			if status != http.StatusBadRequest || got != "Bad Request\n" {
				t.Errorf("got %d %q, want a bare 400", status, got)
			}
		})
	}
	h.seen.none(t)
}

// TestHTTPModeRefusesWhenTheReplaySetIsFull.
func TestHTTPModeRefusesWhenTheReplaySetIsFull(t *testing.T) {
	h := newHarness(t, guarded(1))
	h.slash(alice, "spaces help")
	status, _ := h.do(h.signed("/slack/commands", h.command(bob, "spaces help").Encode()))
	if status != http.StatusServiceUnavailable {
		t.Errorf("with the set full: %d, want 503", status)
	}
}

// TestSocketModeActsOnARedeliveredEnvelopeOnce: an envelope Slack sends
// twice is acknowledged both times and acted on once.
func TestSocketModeActsOnARedeliveredEnvelopeOnce(t *testing.T) {
	h := newHarness(t, socketMode, guarded(100))
	h.withCohort()
	h.run()
	sock := h.fake.Socket(t)
	if err := sock.Hello(); err != nil {
		t.Fatal(err)
	}
	cmd := slackgo.SlashCommand{
		Command: "/spaces", Text: `schedule add title:"Night owls" days:tue time:20:00`,
		TeamID: fakeslack.TeamID, UserID: alice, UserName: "alice", ChannelID: general,
		ResponseURL: h.fake.ResponseURL("env-add"),
	}
	for range 2 {
		if err := sock.SlashCommand("env-add", cmd); err != nil {
			t.Fatal(err)
		}
		if ack := sock.Ack(t); ack.EnvelopeID != "env-add" {
			t.Fatalf("acknowledged %q, want env-add", ack.EnvelopeID)
		}
	}
	fakeslack.Receive(t, h.seen.calls)
	h.logs.waitLog(t, "ignored a redelivered Socket Mode envelope")
	h.seen.none(t)
}

// TestReadyInEachMode: HTTP mode is ready once the token is accepted,
// Socket Mode once the socket is connected too.
func TestReadyInEachMode(t *testing.T) {
	h := newHarness(t)
	if h.adapter.Ready() == nil {
		t.Error("HTTP mode ready before auth.test")
	}
	h.run()
	h.logs.waitLog(t, "connected to Slack")
	if err := h.adapter.Ready(); err != nil {
		t.Errorf("HTTP mode after auth.test: %v", err)
	}

	s := newHarness(t, socketMode)
	s.run()
	sock := s.fake.Socket(t)
	if err := sock.Hello(); err != nil {
		t.Fatal(err)
	}
	s.logs.waitLog(t, "Socket Mode connected")
	if err := s.adapter.Ready(); err != nil {
		t.Errorf("Socket Mode connected: %v", err)
	}
}
