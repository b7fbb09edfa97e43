package slack_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sparkbot/adapters/slack/fakeslack"
	"sparkbot/bot"
)

var ws = bot.WorkspaceRef{Platform: bot.Slack, ID: fakeslack.TeamID}

func reminder(at time.Time) bot.Message {
	var m bot.Message
	m.Addf("Your Space %s starts at %s.", bot.UserText("Night owls"), bot.At(at, time.UTC, bot.TimeFull))
	m.Buttons = []bot.Button{bot.HostedButton(1, at)}
	return m
}

// A DM opens the conversation once; the second DM reuses it.
func TestDMOpensTheConversationOnce(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for i := range 2 {
		if err := h.adapter.DM(ctx, ws, alice, reminder(h.clock.Now())); err != nil {
			t.Fatalf("DM %d: %v", i+1, err)
		}
		if p := fakeslack.Receive(t, h.fake.Posts); p.Channel != "D0ALICE" {
			t.Errorf("DM %d posted in %q, want alice's DM D0ALICE", i+1, p.Channel)
		}
	}
	if got := h.fake.Calls("conversations.open"); got != 1 {
		t.Errorf("conversations.open called %d times, want 1", got)
	}
}

func TestDMCarriesBlocksButtonAndFallback(t *testing.T) {
	h := newHarness(t)
	at := h.clock.Now().Add(time.Hour)
	if err := h.adapter.DM(context.Background(), ws, alice, reminder(at)); err != nil {
		t.Fatal(err)
	}
	p := fakeslack.Receive(t, h.fake.Posts)
	for _, want := range []string{`"type":"section"`, `"type":"actions"`, `"action_id":"hosted"`, `"value":"1:1796140800"`, `"text":"I hosted it"`} {
		if !strings.Contains(p.Blocks, want) {
			t.Errorf("blocks lack %s:\n%s", want, p.Blocks)
		}
	}
	if want := "Your Space Night owls starts at <!date^1796140800^{date_short_pretty} {time}|Tue 1 Dec 16:00 UTC>."; p.Text != want {
		t.Errorf("fallback text\n got %q\nwant %q", p.Text, want)
	}
}

func TestPostPingsOnlyWhenAsked(t *testing.T) {
	for _, tc := range []struct {
		name string
		ping bot.Ping
		want string
	}{
		{"no ping", bot.Ping{}, "Spark news"},
		{"here", bot.Ping{Kind: bot.PingHere}, "<!here>\nSpark news"},
		{"everyone", bot.Ping{Kind: bot.PingEveryone}, "<!channel>\nSpark news"},
		{"a user group by handle", bot.Ping{Kind: bot.PingRole, Role: "design"}, "<!subteam^S0DESIGN>\nSpark news"},
		{"a user group by name", bot.Ping{Kind: bot.PingRole, Role: "Design Team"}, "<!subteam^S0DESIGN>\nSpark news"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			m := bot.Message{Ping: tc.ping}
			m.Add(bot.Line{bot.UserText("Spark news")})
			if err := h.adapter.Post(context.Background(), ws, general, m); err != nil {
				t.Fatal(err)
			}
			if p := fakeslack.Receive(t, h.fake.Posts); p.Text != tc.want {
				t.Errorf("text %q, want %q", p.Text, tc.want)
			}
		})
	}
}

// Failures retrying cannot fix are permanent, with a fix for staff.
func TestPermanentDeliveryFailures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		deliver func(h *harness) error
		reason  string
	}{
		{"channel not found", post("C0GONE"), "the bot cannot see channel C0GONE: invite @sparkbot to it"},
		{"bot not in the channel", post("C0PRIVATE"), "the bot is not in #staff-news: invite @sparkbot to #staff-news"},
		{"archived channel", post("C0OLD"), "#old-news is archived: pick another channel with /cohort settings"},
		{"not a channel id", post("news"), `"news" is not a Slack channel id`},
		{"user gone", dm("U0GHOST"), "user U0GHOST is no longer in the Slack workspace: remove them with /cohort remove"},
		{"user is a bot", dm("U0HELPER"), "helperbot (U0HELPER) is a bot"},
		{"not a user id", dm("alice"), `"alice" is not a Slack user id`},
		{"unknown user group", func(h *harness) error {
			return h.adapter.Post(context.Background(), ws, general, bot.Message{Ping: bot.Ping{Kind: bot.PingRole, Role: "ghosts"}})
		}, "there is no Slack user group called @ghosts"},
		{"another platform's workspace", func(h *harness) error {
			return h.adapter.DM(context.Background(), bot.WorkspaceRef{Platform: bot.Discord, ID: "1"}, alice, bot.Message{})
		}, "cannot deliver to a discord workspace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			err := tc.deliver(h)
			de, ok := bot.AsDeliveryError(err)
			if !ok || !de.Permanent {
				t.Fatalf("error %v, want a permanent DeliveryError", err)
			}
			if !strings.Contains(de.Reason, tc.reason) {
				t.Errorf("reason %q, want it to contain %q", de.Reason, tc.reason)
			}
			if n := len(h.fake.Posts); n != 0 {
				t.Errorf("%d messages posted, want none", n)
			}
		})
	}
}

func post(channel string) func(h *harness) error {
	return func(h *harness) error {
		return h.adapter.Post(context.Background(), ws, channel, reminder(h.clock.Now()))
	}
}

func dm(user string) func(h *harness) error {
	return func(h *harness) error {
		return h.adapter.DM(context.Background(), ws, user, reminder(h.clock.Now()))
	}
}

// Rate limits and outages are retried: after Slack's Retry-After when it
// gives one.
func TestRetryableDeliveryFailures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		failure fakeslack.Failure
		after   time.Duration
		reason  string
	}{
		{"rate limited", fakeslack.Failure{RetryAfter: 30}, 30 * time.Second, "rate limiting"},
		{"Slack trouble", fakeslack.Failure{Error: "internal_error"}, 0, "Slack refused the message (internal_error)"},
		{"token revoked", fakeslack.Failure{Error: "token_revoked"}, 0, "set SPARKBOT_SLACK_BOT_TOKEN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.fake.Fail("chat.postMessage", tc.failure)
			err := h.adapter.Post(context.Background(), ws, general, reminder(h.clock.Now()))
			de, ok := bot.AsDeliveryError(err)
			if !ok || de.Permanent {
				t.Fatalf("error %v, want a retryable DeliveryError", err)
			}
			if de.RetryAfter != tc.after || !strings.Contains(de.Reason, tc.reason) {
				t.Errorf("retry after %v (%q), want %v (%q)", de.RetryAfter, de.Reason, tc.after, tc.reason)
			}
			// The next attempt goes through.
			if err := h.adapter.Post(context.Background(), ws, general, reminder(h.clock.Now())); err != nil {
				t.Errorf("retry: %v", err)
			}
		})
	}
}

// A DM whose post fails forgets the conversation, so the retry reopens it.
func TestDMRetryReopensTheConversation(t *testing.T) {
	h := newHarness(t)
	h.fake.Fail("chat.postMessage", fakeslack.Failure{Error: "channel_not_found"})
	err := h.adapter.DM(context.Background(), ws, alice, reminder(h.clock.Now()))
	if de, ok := bot.AsDeliveryError(err); !ok || !de.Permanent || !strings.Contains(de.Reason, "Alice (U0ALICE)") {
		t.Fatalf("error %v, want a permanent failure naming Alice", err)
	}
	if err := h.adapter.DM(context.Background(), ws, alice, reminder(h.clock.Now())); err != nil {
		t.Fatal(err)
	}
	if got := h.fake.Calls("conversations.open"); got != 2 {
		t.Errorf("conversations.open called %d times, want 2", got)
	}
}

// A message with a file is the file's share, commented with the message.
func TestPostedFilesCarryTheirMessage(t *testing.T) {
	h := newHarness(t)
	m := bot.Message{File: &bot.File{Name: "digest.csv", Data: []byte("a,b\n")}}
	m.Addf("The weekly digest.")
	if err := h.adapter.Post(context.Background(), ws, general, m); err != nil {
		t.Fatal(err)
	}
	up := fakeslack.Receive(t, h.fake.Uploads)
	if up.Channel != general || up.Name != "digest.csv" || up.Comment != "The weekly digest." {
		t.Errorf("upload %+v, want digest.csv in %s with the message", up, general)
	}
}

// A delivery with a file that Slack refuses is retried, and the retry does
// not share the file a second time.
func TestRetriedFilePostsShareTheFileOnce(t *testing.T) {
	h := newHarness(t)
	h.fake.Fail("chat.postMessage", fakeslack.Failure{RetryAfter: 30})
	h.fake.Fail("files.completeUploadExternal", fakeslack.Failure{RetryAfter: 30})
	m := bot.StipendMessage(bot.Cohort{Name: "Spark"}, bot.Month{Year: 2026, Month: time.December}, nil, nil)
	var err error
	for range 3 {
		if err = h.adapter.Post(context.Background(), ws, general, m); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("after 3 attempts: %v", err)
	}
	if n := len(h.fake.Uploads) + len(h.fake.Posts); n != 1 {
		t.Errorf("%d uploads and posts reached the channel, want the report once", n)
	}
}
