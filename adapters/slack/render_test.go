package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"sparkbot/adapters/slack/fakeslack"
	"sparkbot/bot"
)

// A message past one Slack message's limits goes as several, each within
// them, with every line in order: a line longer than a section goes on in
// the next, a section that goes on in a new message has its header again,
// and the buttons come with the last.
func TestLongMessagesAreSplitNeverCut(t *testing.T) {
	h := newHarness(t)
	var m bot.Message
	m.Section(strings.Repeat("Heading ", 30)) // 240 characters: too long for a header block, so a bold section
	m.Add(bot.Line{bot.UserText(strings.Repeat("x", 5000) + " <b> & " + strings.Repeat("y", 3000))})
	for i := range 80 {
		m.Section("Host")
		m.Addf("line %d", i)
	}
	m.FieldSection("Rows")
	for i := range 600 {
		m.Addf("row %03d: %s", i, strings.Repeat("r", 40))
	}
	m.Buttons = []bot.Button{{Label: "I hosted it", ActionID: "hosted", Value: "1:2"}}
	if err := h.adapter.Post(context.Background(), ws, general, m); err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	var posts []fakeslack.Post
	for len(h.fake.Posts) > 0 {
		posts = append(posts, <-h.fake.Posts)
	}
	if len(posts) < 4 {
		t.Fatalf("%d posts; want the message over several", len(posts))
	}
	for i, p := range posts {
		blocks, err := fakeslack.ParseBlocks(p.Blocks)
		if err != nil {
			t.Fatal(err)
		}
		if code, reason := fakeslack.CheckMessage(p.Text, p.Blocks); code != "" {
			t.Errorf("post %d: %s (%s)", i, code, reason)
		}
		if n := utf8.RuneCountInString(p.Text); n > 3000 {
			t.Errorf("post %d: fallback text has %d characters", i, n)
		}
		if last := blocks[len(blocks)-1]; last.Type == "header" {
			t.Errorf("post %d ends with the header %q; it belongs with its section in the next", i, last.Text.Text)
		}
		for j, b := range blocks {
			if b.Type == "actions" && (i != len(posts)-1 || j != len(blocks)-1) {
				t.Errorf("post %d, block %d: buttons; want them at the end of the last post", i, j)
			}
			if b.Text != nil {
				all.WriteString(b.Text.Text + "\n")
			}
			for _, f := range b.Fields {
				all.WriteString(f.Text + "\n")
			}
		}
	}
	got := all.String()
	if !strings.Contains(got, "*"+strings.TrimSpace(strings.Repeat("Heading ", 30))+"*\n") {
		t.Error("the long heading is not there whole")
	}
	if n := strings.Count(got, "x"); n != 5000 {
		t.Errorf("%d of the 5000 x's arrived", n)
	}
	if n := strings.Count(got, "y"); n != 3000 {
		t.Errorf("%d of the 3000 y's arrived", n)
	}
	if !strings.Contains(got, " &lt;b&gt; &amp;") {
		t.Error("the escaped text was broken inside an entity")
	}
	for i := range 80 {
		if !strings.Contains(got, fmt.Sprintf("line %d\n", i)) {
			t.Fatalf("line %d is missing", i)
		}
	}
	for i := range 600 {
		if !strings.Contains(got, fmt.Sprintf("row %03d: %s\n", i, strings.Repeat("r", 40))) {
			t.Fatalf("row %d is missing", i)
		}
	}
	if !strings.Contains(got, "Rows (continued)\n") {
		t.Error("no post says the rows go on from the one before")
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

// A section's header never ends a message with its section in the next.
func TestAHeaderGoesWithItsSection(t *testing.T) {
	h := newHarness(t)
	var m bot.Message
	for i := range 10 {
		m.Section(fmt.Sprintf("Host %d", i))
		m.Addf("%s", strings.Repeat("w", 1990)) // four sections and a header are just under 10,000
	}
	if err := h.adapter.Post(context.Background(), ws, general, m); err != nil {
		t.Fatal(err)
	}
	for i := 0; len(h.fake.Posts) > 0; i++ {
		p := <-h.fake.Posts
		blocks, err := fakeslack.ParseBlocks(p.Blocks)
		if err != nil {
			t.Fatal(err)
		}
		if last := blocks[len(blocks)-1]; last.Type == "header" {
			t.Errorf("post %d ends with the header %q", i, last.Text.Text)
		}
		if first := blocks[0]; first.Type != "header" || strings.Contains(first.Text.Text, "continued") {
			t.Errorf("post %d starts with %s %q; want its first section's own header", i, first.Type, first.Text.Text)
		}
	}
}
