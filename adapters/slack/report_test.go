package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"sparkbot/adapters/internal/reporttest"
	"sparkbot/adapters/slack/fakeslack"
	"sparkbot/bot"
)

// manyHosts is how many hosts the long-report tests seed: more than any
// one Slack message can list.
const manyHosts = 500

// hostID and hostName are the i-th seeded host's Slack id and the name
// Slack shows for them: fixed width, so no name is a prefix of another.
func hostID(i int) string   { return fmt.Sprintf("U0H%04d", i) }
func hostName(i int) string { return fmt.Sprintf("@Host %04d", i) }

// seedMany creates the cohort and n hosts, all from its first day, with a
// log for every fifth host and an excused week for every seventh, so that
// the report's lines vary as a real one's do.
func (h *harness) seedMany(n int) {
	h.t.Helper()
	now := h.clock.Now()
	h.clock.Set(time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC))
	h.direct(staffer, `cohort create name:"Spark Phase 1" start:2026-11-30`, "Created")
	for i := range n {
		h.fake.AddUser(slackgo.User{ID: hostID(i), Name: fmt.Sprintf("host%d", i), Profile: slackgo.UserProfile{DisplayName: hostName(i)[1:]}})
		h.direct(staffer, fmt.Sprintf("cohort add user:%s handle:@host_%d", hostID(i), i), "Added")
	}
	h.clock.Set(now)
	for i := range n {
		switch {
		case i%5 == 0:
			h.direct(staffer, fmt.Sprintf(`spaces log url:1abcdefg%05d user:%s at:"2026-11-30 20:00" listeners:%d`, i, hostID(i), 10+i), "Logged")
		case i%7 == 0:
			h.direct(staffer, fmt.Sprintf(`cohort excuse user:%s week:2026-12-01 reason:"travelling to a conference, back on Monday; will host twice next week"`, hostID(i)), "Excused")
		}
	}
}

// slackMsg is one message as Slack received it.
type slackMsg struct {
	text   string
	blocks string // JSON
}

// shown is everything a reader sees of the message's blocks.
func (m slackMsg) shown(t *testing.T) string {
	t.Helper()
	blocks, err := fakeslack.ParseBlocks(m.blocks)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, blk := range blocks {
		if blk.Text != nil {
			b.WriteString(blk.Text.Text + "\n")
		}
		for _, f := range blk.Fields {
			b.WriteString(f.Text + "\n")
		}
		for _, e := range blk.Elems {
			if s, ok := e.Text.(string); ok {
				b.WriteString(s + "\n")
			}
		}
	}
	return b.String()
}

// checkLimits fails the test for a message over Slack's limits (which the
// fake also refuses) and logs each message's size.
func checkLimits(t *testing.T, what string, msgs []slackMsg) {
	t.Helper()
	for i, m := range msgs {
		if code, reason := fakeslack.CheckMessage(m.text, m.blocks); code != "" {
			t.Errorf("%s %d: %s (%s)", what, i+1, code, reason)
		}
		blocks, _ := fakeslack.ParseBlocks(m.blocks)
		t.Logf("%s %d of %d: %d blocks, %d characters of block text", what, i+1, len(msgs), len(blocks), fakeslack.BlockText(blocks))
	}
}

// checkEveryHost fails the test unless each of the n hosts is named in
// msgs: exactly once, or (once false) at least once.
func checkEveryHost(t *testing.T, what string, msgs []slackMsg, n int, once bool) {
	t.Helper()
	var all strings.Builder
	for _, m := range msgs {
		all.WriteString(m.shown(t))
	}
	text := all.String()
	missing := 0
	for i := range n {
		if c := strings.Count(text, hostName(i)); c == 0 || once && c != 1 {
			missing++
			if missing <= 5 {
				t.Errorf("%s: %s is named %d times", what, hostName(i), c)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%s: %d of %d hosts are missing or named twice", what, missing, n)
	}
	if strings.Contains(text, "cut short") {
		t.Errorf("%s says it was cut", what)
	}
}

func noRejections(t *testing.T, fake *fakeslack.Server) {
	t.Helper()
	for _, r := range fake.Rejections() {
		t.Errorf("Slack refused a message to %s: %s (%s)", r.Where, r.Code, r.Reason)
	}
}

// hooksUntil receives response_url posts until every host is named.
func hooksUntil(t *testing.T, h *harness, n int) []slackMsg {
	t.Helper()
	var msgs []slackMsg
	var seen strings.Builder
	for {
		hook := fakeslack.Receive(t, h.fake.Hooks)
		var raw struct {
			Blocks json.RawMessage `json:"blocks"`
		}
		json.Unmarshal([]byte(hook.Raw), &raw)
		m := slackMsg{text: hook.Msg.Text, blocks: string(raw.Blocks)}
		msgs = append(msgs, m)
		seen.WriteString(m.shown(t))
		if strings.Contains(seen.String(), hostName(n-1)) && allNamed(seen.String(), n) {
			return msgs
		}
	}
}

func allNamed(text string, n int) bool {
	for i := range n {
		if !strings.Contains(text, hostName(i)) {
			return false
		}
	}
	return true
}

// TestEveryHostOfALongReport: /cohort report of 500 hosts, answered
// through slack-go on the command's response_url, reaches Slack whole:
// several ephemeral messages, each within Slack's limits, every host there
// once, in no more messages than a response_url takes.
func TestEveryHostOfALongReport(t *testing.T) {
	h := newHarness(t)
	h.seedMany(manyHosts)
	if r := h.slash(staffer, "cohort report"); !strings.Contains(r.Text, "Working on it") {
		t.Fatalf("ack %q, want the holding reply of a slow command", r.Text)
	}
	msgs := hooksUntil(t, h, manyHosts)
	noRejections(t, h.fake)
	checkLimits(t, "report message", msgs)
	checkEveryHost(t, "the report", msgs, manyHosts, true)
	if len(msgs) < 2 || len(msgs) > fakeslack.MaxResponses {
		t.Errorf("%d messages; want several, and no more than a response_url takes", len(msgs))
	}
	for len(h.fake.Hooks) > 0 {
		if hook := <-h.fake.Hooks; hook.Msg.ResponseType != "ephemeral" {
			t.Errorf("a report message is %q; the report is for the requester only", hook.Msg.ResponseType)
		}
	}
}

// TestEveryHostOfALongPost: the weekly digest and the monthly stipend
// report of 500 hosts, posted in a channel and sent as a DM, arrive whole
// and within Slack's limits; the stipend report's CSV is shared once,
// after its messages.
func TestEveryHostOfALongPost(t *testing.T) {
	h := newHarness(t)
	h.seedMany(manyHosts)
	ctx := context.Background()
	for _, tc := range reporttest.StaffDeliveries(t, h.db, ws, h.clock) {
		t.Run(tc.Name, func(t *testing.T) {
			var err error
			if tc.DM {
				err = h.adapter.DM(ctx, ws, staffer, tc.Msg)
			} else {
				err = h.adapter.Post(ctx, ws, general, tc.Msg)
			}
			if err != nil {
				t.Fatal(err)
			}
			var msgs []slackMsg
			for len(h.fake.Posts) > 0 {
				p := <-h.fake.Posts
				msgs = append(msgs, slackMsg{text: p.Text, blocks: p.Blocks})
			}
			if len(msgs) < 2 {
				t.Fatalf("%d messages; want one too long for a single Slack message", len(msgs))
			}
			noRejections(t, h.fake)
			checkLimits(t, tc.Name, msgs)
			checkEveryHost(t, tc.Name, msgs, manyHosts, tc.Once)
			uploads := 0
			for len(h.fake.Uploads) > 0 {
				if up := <-h.fake.Uploads; up.Name == tc.Msg.File.Name && up.Channel == general {
					uploads++
				}
			}
			if want := map[bool]int{true: 1}[tc.Msg.File != nil]; uploads != want {
				t.Errorf("%d files shared, want %d", uploads, want)
			}
		})
	}
}

// TestRepliesTooLongForAResponseURLGoToDMs: an answer of more messages than
// a response_url takes goes to the requester's DMs, whole, and the
// response_url says so.
func TestRepliesTooLongForAResponseURLGoToDMs(t *testing.T) {
	h := newHarnessWith(t, handlerFunc(func(context.Context, bot.Request) bot.Response {
		r := bot.Response{Ephemeral: true}
		r.FieldSection("Every row")
		for i := range 3000 {
			r.Addf("row %04d: %s", i, strings.Repeat("r", 30))
		}
		return r
	}))
	h.fake.Fail("chat.postMessage", fakeslack.Pass)
	h.fake.Fail("chat.postMessage", fakeslack.Failure{RetryAfter: 1}) // the second DM is rate limited once
	h.slash(staffer, "cohort applications")
	for {
		tm := fakeslack.Receive(t, h.timers)
		if tm.d == time.Second {
			tm.fire <- time.Time{}
			break
		}
	}
	hook := fakeslack.Receive(t, h.fake.Hooks)
	if !strings.Contains(hook.Msg.Text, "messages long, more than Slack lets a command answer with; it is in your DMs with me.") {
		t.Errorf("response_url got %q, want a note that the answer is in the DMs", hook.Msg.Text)
	}
	var all strings.Builder
	n := 0
	for len(h.fake.Posts) > 0 {
		p := <-h.fake.Posts
		if p.Channel != "D0STAFF" {
			t.Errorf("a part went to %s, want the staffer's DMs", p.Channel)
		}
		all.WriteString(slackMsg{text: p.Text, blocks: p.Blocks}.shown(t))
		n++
	}
	if n <= fakeslack.MaxResponses {
		t.Errorf("%d DMs; want more than a response_url takes", n)
	}
	for i := range 3000 {
		if !strings.Contains(all.String(), fmt.Sprintf("row %04d: ", i)) {
			t.Fatalf("row %d is missing from the DMs", i)
		}
	}
	noRejections(t, h.fake)
}

// TestALongPostResumesWhereItFailed: when Slack rate-limits one message of
// a long post, the outbox's retry sends only the messages that did not go
// out, and the file after them, once.
func TestALongPostResumesWhereItFailed(t *testing.T) {
	h := newHarness(t)
	var m bot.Message
	m.FieldSection("Report")
	for i := range 900 {
		m.Addf("row %03d %s", i, strings.Repeat("x", 30))
	}
	m.File = &bot.File{Name: "report.csv", Data: []byte("a,b\n")}
	h.fake.Fail("chat.postMessage", fakeslack.Pass)
	h.fake.Fail("chat.postMessage", fakeslack.Failure{RetryAfter: 30})
	err := h.adapter.Post(context.Background(), ws, general, m)
	if de, ok := bot.AsDeliveryError(err); !ok || de.Permanent || de.RetryAfter != 30*time.Second {
		t.Fatalf("got %v, want a retry after Slack's 30s", err)
	}
	if err := h.adapter.Post(context.Background(), ws, general, m); err != nil {
		t.Fatalf("retry: %v", err)
	}
	var all strings.Builder
	n := 0
	for len(h.fake.Posts) > 0 {
		p := <-h.fake.Posts
		all.WriteString(slackMsg{text: p.Text, blocks: p.Blocks}.shown(t))
		n++
	}
	if n < 3 {
		t.Fatalf("%d messages; want the report over at least 3", n)
	}
	for i := range 900 {
		if c := strings.Count(all.String(), fmt.Sprintf("row %03d ", i)); c != 1 {
			t.Fatalf("row %d arrived %d times, want once", i, c)
		}
	}
	if got := h.fake.Calls("chat.postMessage"); got != n+1 {
		t.Errorf("chat.postMessage called %d times, want %d: each message once, and the one refused", got, n+1)
	}
	if up := fakeslack.Receive(t, h.fake.Uploads); up.Name != "report.csv" || len(h.fake.Uploads) != 0 {
		t.Errorf("upload %+v and %d more; want report.csv once", up, len(h.fake.Uploads))
	}
}

// TestFakeSlackRefusesWhatSlackWould: the fake holds every message to
// Slack's limits, so the tests above cannot pass on an oversized message.
func TestFakeSlackRefusesWhatSlackWould(t *testing.T) {
	section := func(n int) string {
		return fmt.Sprintf(`{"type":"section","text":{"type":"mrkdwn","text":%q}}`, strings.Repeat("x", n))
	}
	many := func(n int, b string) string { return "[" + strings.TrimSuffix(strings.Repeat(b+",", n), ",") + "]" }
	fields := func(n, size int) string {
		f := fmt.Sprintf(`{"type":"mrkdwn","text":%q}`, strings.Repeat("f", size))
		return `[{"type":"section","fields":` + many(n, f) + `}]`
	}
	for _, tc := range []struct {
		name, blocks, code string
	}{
		{"a section at 3000", many(1, section(3000)), ""},
		{"a section over 3000", many(1, section(3001)), "invalid_blocks"},
		{"50 blocks", many(50, section(10)), ""},
		{"51 blocks", many(51, section(10)), "invalid_blocks"},
		{"10 fields", fields(10, 100), ""},
		{"11 fields", fields(11, 100), "invalid_blocks"},
		{"a field over 2000", fields(1, 2001), "invalid_blocks"},
		{"10,000 characters of blocks", many(4, section(2500)), ""},
		{"over 10,000 characters of blocks", many(4, section(2501)), "msg_blocks_too_long"},
		{"a header over 150", `[{"type":"header","text":{"type":"plain_text","text":"` + strings.Repeat("h", 151) + `"}}]`, "invalid_blocks"},
	} {
		if code, reason := fakeslack.CheckMessage("fallback", tc.blocks); code != tc.code {
			t.Errorf("%s: got %q (%s), want %q", tc.name, code, reason, tc.code)
		}
	}
	h := newHarness(t)
	if _, _, err := slackgo.New(fakeslack.BotToken, slackgo.OptionAPIURL(h.fake.APIURL())).PostMessage(general,
		slackgo.MsgOptionText("x", false), slackgo.MsgOptionBlocks(slackgo.NewSectionBlock(
			slackgo.NewTextBlockObject(slackgo.MarkdownType, strings.Repeat("x", 3001), false, true), nil, nil))); err == nil ||
		!strings.Contains(err.Error(), "invalid_blocks") {
		t.Errorf("chat.postMessage of a 3001-character section: got %v, want invalid_blocks", err)
	}
	url := h.fake.ResponseURL("used")
	for i := range fakeslack.MaxResponses + 1 {
		err := slackgo.PostWebhook(url, &slackgo.WebhookMessage{Text: "hi"})
		if ok := err == nil; ok != (i < fakeslack.MaxResponses) {
			t.Errorf("post %d to one response_url: %v", i+1, err)
		}
	}
}

// TestAClickAnswerTooLongToJoinItsMessageFollowsIt: the answer to a click
// that would push the clicked message past Slack's limits does not cut
// either: the message loses its button, and the answer follows it.
func TestAClickAnswerTooLongToJoinItsMessageFollowsIt(t *testing.T) {
	h := newHarnessWith(t, handlerFunc(func(_ context.Context, req bot.Request) bot.Response {
		var r bot.Response
		r.FieldSection("")
		for i := range 100 {
			r.Addf("line %03d %s", i, strings.Repeat("z", 91)) // 10,000 characters: one message, not two
		}
		return r
	}))
	occurrence := time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC)
	h.interact(clickOn(t, h, occurrence))
	first, second := fakeslack.Receive(t, h.fake.Hooks), fakeslack.Receive(t, h.fake.Hooks)
	if !first.Msg.ReplaceOriginal || strings.Contains(first.Raw, `"actions"`) || !strings.Contains(first.Raw, "Night owls") {
		t.Errorf("first %s; want the reminder again, without its button", first.Raw)
	}
	if second.Msg.ReplaceOriginal || second.Msg.ResponseType != "ephemeral" {
		t.Errorf("second %.300s; want the answer as a new message for the clicker", second.Raw)
	}
	for i := range 100 {
		if !strings.Contains(second.Raw, fmt.Sprintf("line %03d ", i)) {
			t.Fatalf("line %d of the answer is missing", i)
		}
	}
	noRejections(t, h.fake)
}
