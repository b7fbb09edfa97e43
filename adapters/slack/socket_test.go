package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"sparkbot/adapters/slack/fakeslack"
	"sparkbot/bot"
)

// Socket Mode end to end: the real slack-go client opens the connection
// with apps.connections.open, gets hello, a slash command and a button
// click, and acknowledges and answers each.
func TestSocketMode(t *testing.T) {
	h := newHarness(t, socketMode)
	h.withCohort()
	occurrence := h.withSchedule()
	h.run()
	sock := h.fake.Socket(t)
	if err := sock.Hello(); err != nil {
		t.Fatal(err)
	}

	// A slash command is acknowledged with its reply.
	err := sock.SlashCommand("env-log", slackgo.SlashCommand{
		Command: "/spaces", Text: "log url:https://x.com/i/spaces/1eaKbrPAqbwKX listeners:120",
		TeamID: fakeslack.TeamID, UserID: alice, UserName: "alice", ChannelID: general,
		ResponseURL: h.fake.ResponseURL("env-log"),
	})
	if err != nil {
		t.Fatal(err)
	}
	ack := sock.Ack(t)
	if ack.EnvelopeID != "env-log" {
		t.Errorf("acknowledged envelope %q, want env-log", ack.EnvelopeID)
	}
	if r := decodeReply(t, string(ack.Payload)); !strings.Contains(r.Text, "Logged Space 1eaKbrPAqbwKX") || r.ResponseType != "ephemeral" {
		t.Errorf("ack payload %s, want the ephemeral log reply", ack.Payload)
	}
	if c := resolved(fakeslack.Receive(t, h.seen.calls).req); c.UserZone != "America/Chicago" || c.Workspace.ID != fakeslack.TeamID {
		t.Errorf("routed %+v, want alice's request with her profile zone", c)
	}

	// A click on "I hosted it" after the Space is acknowledged at once,
	// logs the occurrence, and updates the clicked message.
	h.clock.Set(occurrence.Add(90 * time.Minute))
	if err := sock.Interactive("env-click", clickOn(t, h, occurrence)); err != nil {
		t.Fatal(err)
	}
	if ack := sock.Ack(t); ack.EnvelopeID != "env-click" {
		t.Errorf("acknowledged envelope %q, want env-click", ack.EnvelopeID)
	}
	checkClick(t, h, occurrence, "Logged “Night owls”")
}

// The events channel is drained continuously: more envelopes than its
// buffer holds are all acknowledged.
func TestSocketModeDrainsEvents(t *testing.T) {
	h := newHarness(t, socketMode)
	h.run()
	sock := h.fake.Socket(t)
	sock.Hello()
	const n = 80 // slack-go's Events channel holds 50
	event := json.RawMessage(`{"type":"event_callback","team_id":"T0FAKE","event":{"type":"message","user":"U0BOB","channel":"C0GENERAL","text":"hi","ts":"1.000001"}}`)
	for i := range n {
		if err := sock.EventsAPI(fmt.Sprintf("env-%d", i), event); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for range n {
		seen[sock.Ack(t).EnvelopeID] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct envelopes acknowledged, want %d", len(seen), n)
	}
}

// A click in HTTP mode: 200 at once, then the router and the update.
func TestButtonClickInHTTPMode(t *testing.T) {
	h := newHarness(t)
	h.withCohort()
	occurrence := h.withSchedule()
	h.clock.Set(occurrence.Add(90 * time.Minute))
	cb := clickOn(t, h, occurrence)
	h.interact(cb)
	checkClick(t, h, occurrence, "Logged “Night owls”")

	// The same button again: the router says so, and the update shows it.
	h.interact(cb)
	checkClick(t, h, occurrence, "Already logged")
}

// A click the router refuses leaves the message and its button as they
// are and answers the user alone, so they can click again later.
func TestFailedClickKeepsTheButton(t *testing.T) {
	h := newHarness(t)
	h.withCohort()
	occurrence := h.withSchedule()
	h.clock.Set(occurrence.Add(-time.Hour))
	cb := clickOn(t, h, occurrence)
	h.interact(cb)
	if c := fakeslack.Receive(t, h.seen.calls); !c.resp.Failed {
		t.Errorf("router answered %+v, want a failed response", c.resp)
	}
	hook := fakeslack.Receive(t, h.fake.Hooks)
	if hook.Msg.ReplaceOriginal || hook.Msg.ResponseType != "ephemeral" {
		t.Errorf("answer %s, want a new ephemeral message, the reminder left alone", hook.Raw)
	}
	if !strings.Contains(hook.Msg.Text, "hasn't started yet") {
		t.Errorf("answer %q, want the router's reason", hook.Msg.Text)
	}

	// Once the Space has run, the same button logs it.
	h.clock.Set(occurrence.Add(90 * time.Minute))
	h.interact(cb)
	checkClick(t, h, occurrence, "Logged “Night owls”")
}

// clickOn DMs alice a reminder of the occurrence with its "I hosted it"
// button and returns the block_actions payload of her click on it, as
// Slack would send it.
func clickOn(t *testing.T, h *harness, occurrence time.Time) slackgo.InteractionCallback {
	t.Helper()
	if err := h.adapter.DM(context.Background(), ws, alice, reminder(occurrence)); err != nil {
		t.Fatal(err)
	}
	p := fakeslack.Receive(t, h.fake.Posts)
	var blocks slackgo.Blocks
	if err := json.Unmarshal([]byte(p.Blocks), &blocks); err != nil {
		t.Fatal(err)
	}
	button := bot.HostedButton(1, occurrence)
	return slackgo.InteractionCallback{
		Type:        slackgo.InteractionTypeBlockActions,
		Team:        slackgo.Team{ID: fakeslack.TeamID},
		User:        slackgo.User{ID: alice, Name: "alice"},
		Channel:     slackgo.Channel{GroupConversation: slackgo.GroupConversation{Conversation: slackgo.Conversation{ID: p.Channel}}},
		ResponseURL: h.fake.ResponseURL("click"),
		Message:     slackgo.Message{Msg: slackgo.Msg{Text: p.Text, Blocks: blocks, Timestamp: "1700000000.000001"}},
		ActionCallback: slackgo.ActionCallbacks{BlockActions: []*slackgo.BlockAction{
			{ActionID: button.ActionID, BlockID: "sparkbot_actions", Value: button.Value, Type: "button"},
		}},
	}
}

// checkClick checks that a click reached the router as alice's Action on
// the occurrence's button, and that the message was updated in place:
// still the reminder, its button replaced by the router's answer, which
// contains want.
func checkClick(t *testing.T, h *harness, occurrence time.Time, want string) {
	t.Helper()
	c := fakeslack.Receive(t, h.seen.calls)
	hook := fakeslack.Receive(t, h.fake.Hooks)
	button := bot.HostedButton(1, occurrence)
	if got := c.req.Action; got == nil || *got != (bot.Action{ID: button.ActionID, Value: button.Value}) {
		t.Errorf("routed action %+v, want %s %s", got, button.ActionID, button.Value)
	}
	if c.req.UserID != alice || c.req.Workspace != ws || c.req.Channel != "D0ALICE" || len(c.req.Path) != 0 {
		t.Errorf("routed %+v, want alice's click in her DM", c.req)
	}
	if !hook.Msg.ReplaceOriginal {
		t.Error("the update does not replace the original message")
	}
	r := decodeReply(t, hook.Raw)
	for _, typ := range r.blockTypes() {
		if typ == "actions" {
			t.Errorf("the updated message still has its buttons: %s", hook.Raw)
		}
	}
	for _, want := range []string{"Your Space Night owls starts at", want} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("updated message lacks %q:\n%s", want, r.Text)
		}
	}
}

// A handler that panics on a click, after the click was acknowledged, is
// logged; the process lives on and answers the next request.
func TestPanicAfterTheAckIsContained(t *testing.T) {
	h := newHarnessWith(t, handlerFunc(func(_ context.Context, req bot.Request) bot.Response {
		if req.Action != nil {
			panic("boom")
		}
		return bot.Reply("still here")
	}))
	h.interact(slackgo.InteractionCallback{
		Type: slackgo.InteractionTypeBlockActions, Team: slackgo.Team{ID: fakeslack.TeamID},
		User: slackgo.User{ID: alice}, ResponseURL: h.fake.ResponseURL("click"),
		ActionCallback: slackgo.ActionCallbacks{BlockActions: []*slackgo.BlockAction{{ActionID: "hosted", BlockID: "b", Value: "1:2"}}},
	})
	h.logs.waitLog(t, "panicked")
	h.must(bob, "spaces status", "still here")
}

// On replicas Run holds a Socket Mode connection only while the replica
// holds one of the slack-socket roles, and is called again each time it
// takes one back: the second term connects and answers, and between
// terms the adapter does not claim a socket it has closed.
func TestSocketModeServesASecondTerm(t *testing.T) {
	h := newHarness(t, socketMode)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.adapter.Run(ctx) }()
	sock := h.fake.Socket(t)
	if err := sock.Hello(); err != nil {
		t.Fatal(err)
	}
	if err := sock.SlashCommand("env-first", slackgo.SlashCommand{Command: "/spaces", Text: "help",
		TeamID: fakeslack.TeamID, UserID: alice, ChannelID: general, ResponseURL: h.fake.ResponseURL("env-first")}); err != nil {
		t.Fatal(err)
	}
	sock.Ack(t) // the socket is up and serving
	cancel()    // the role is lost
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if err := h.adapter.Ready(); err == nil {
		t.Error("between terms the adapter reports its closed socket ready")
	}

	h.run() // the role is taken again
	sock = h.fake.Socket(t)
	if err := sock.Hello(); err != nil {
		t.Fatal(err)
	}
	if err := sock.SlashCommand("env-second", slackgo.SlashCommand{Command: "/spaces", Text: "help",
		TeamID: fakeslack.TeamID, UserID: alice, ChannelID: general, ResponseURL: h.fake.ResponseURL("env-second")}); err != nil {
		t.Fatal(err)
	}
	if ack := sock.Ack(t); ack.EnvelopeID != "env-second" || len(ack.Payload) == 0 {
		t.Errorf("second term: acknowledged %q with %s, want env-second with the help", ack.EnvelopeID, ack.Payload)
	}
}
