package slack_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"sparkbot/adapters/slack/fakeslack"
	"sparkbot/bot"
)

// Messages past Block Kit's limits are cut to fit, never refused.
func TestLongMessagesFitBlockKit(t *testing.T) {
	h := newHarness(t)
	var m bot.Message
	m.Section(strings.Repeat("Heading ", 30)) // 240 characters
	m.Add(bot.Line{bot.UserText(strings.Repeat("x", 5000))})
	for i := range 80 {
		m.Section("Host")
		m.Addf("line %d", i)
	}
	m.Buttons = []bot.Button{{Label: "I hosted it", ActionID: "hosted", Value: "1:2"}}
	if err := h.adapter.Post(context.Background(), ws, general, m); err != nil {
		t.Fatal(err)
	}
	p := fakeslack.Receive(t, h.fake.Posts)
	var blocks []struct {
		Type string `json:"type"`
		Text struct {
			Text string `json:"text"`
		} `json:"text"`
	}
	if err := json.Unmarshal([]byte(p.Blocks), &blocks); err != nil {
		t.Fatal(err)
	}
	if len(blocks) > 50 {
		t.Errorf("%d blocks, want at most 50", len(blocks))
	}
	if last := blocks[len(blocks)-1]; last.Type != "actions" {
		t.Errorf("last block %q, want the buttons kept", last.Type)
	}
	if cut := blocks[len(blocks)-2].Text.Text; !strings.Contains(cut, "cut short") {
		t.Errorf("block before the buttons %q, want a note that the message was cut", cut)
	}
	for i, b := range blocks {
		max := map[string]int{"header": 150, "section": 3000}[b.Type]
		if n := utf8.RuneCountInString(b.Text.Text); max > 0 && n > max {
			t.Errorf("block %d (%s) has %d characters, over %d", i, b.Type, n, max)
		}
	}
	if n := utf8.RuneCountInString(p.Text); n > 3000 {
		t.Errorf("fallback text has %d characters", n)
	}
}

func TestSpansRenderForSlack(t *testing.T) {
	for _, tc := range []struct {
		name string
		span bot.Span
		want string
	}{
		{"bot text is escaped", bot.Text("a <b> & c"), "a &lt;b&gt; &amp; c"},
		{"a deliberate mention pings", bot.Mention(alice), "<@U0ALICE>"},
		{"a user reference names without pinging", bot.UserRef(alice), "@Alice"},
		{"an unknown user is named by id", bot.UserRef("U0NOBODY"), "@U0NOBODY"},
		{"a channel links", bot.ChannelRef(general), "<#C0GENERAL>"},
		{"a malformed channel id is text", bot.ChannelRef("news>"), "#news&gt;"},
		{"a malformed mention is text", bot.Mention("!channel"), "@!channel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if err := h.adapter.Post(context.Background(), ws, general, bot.Message{Blocks: []bot.Block{{Lines: []bot.Line{{tc.span}}}}}); err != nil {
				t.Fatal(err)
			}
			if p := fakeslack.Receive(t, h.fake.Posts); p.Text != tc.want {
				t.Errorf("got %q, want %q", p.Text, tc.want)
			}
		})
	}
}

// A report's rows go out as section fields and its hints as context, the
// Block Kit layout for a table and its small print.
func TestFieldsAndNotesUseBlockKitLayout(t *testing.T) {
	h := newHarness(t)
	var m bot.Message
	m.FieldSection("Spark — week 1")
	for i := range 12 {
		m.Addf("host %d: 2 of 2 — met", i)
	}
	m.Note("Excuse a week with /cohort excuse.")
	if err := h.adapter.Post(context.Background(), ws, general, m); err != nil {
		t.Fatal(err)
	}
	p := fakeslack.Receive(t, h.fake.Posts)
	var blocks []struct {
		Type   string            `json:"type"`
		Fields []json.RawMessage `json:"fields"`
		Elems  []json.RawMessage `json:"elements"`
	}
	if err := json.Unmarshal([]byte(p.Blocks), &blocks); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range blocks {
		got = append(got, b.Type+":"+strconv.Itoa(len(b.Fields)+len(b.Elems)))
	}
	if want := "header:0 section:10 section:2 context:1"; strings.Join(got, " ") != want {
		t.Errorf("blocks %v, want %s", got, want)
	}
	if !strings.Contains(p.Text, "host 11: 2 of 2 — met") || !strings.Contains(p.Text, "Excuse a week") {
		t.Errorf("fallback text lacks the rows or the note:\n%s", p.Text)
	}
}
