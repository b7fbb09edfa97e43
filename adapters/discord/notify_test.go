package discord

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sparkbot/adapters/discord/fakediscord"
	"sparkbot/bot"
)

func reminder() bot.Message {
	var m bot.Message
	m.Addf("⏰ %s starts soon.", bot.UserText("Owls"))
	m.Buttons = []bot.Button{{Label: "I hosted it", ActionID: "hosted", Value: "1:1796173200"}}
	return m
}

func TestDMOpensOneChannelAndPostsOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for range 2 {
		if err := e.a.DM(ctx, e.ws, hostID, reminder()); err != nil {
			t.Fatalf("DM: %v", err)
		}
	}
	opens := e.fake.Count(fakediscord.To("POST", "/users/@me/channels"))
	dm := e.fake.DMChannel(hostID)
	posts := e.fake.Count(fakediscord.To("POST", "/channels/"+dm+"/messages"))
	if opens != 1 || posts != 2 {
		t.Errorf("got %d DM channel opens and %d posts, want 1 and 2 (one a DM)", opens, posts)
	}
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	e.fake.Await(t, "the DM channel", fakediscord.To("POST", "/users/@me/channels")).Decode(&body)
	if body.RecipientID != hostID {
		t.Errorf("recipient: got %q, want %q", body.RecipientID, hostID)
	}
	post := e.fake.Await(t, "the DM", fakediscord.To("POST", "/channels/"+dm+"/messages"))
	if !strings.Contains(string(post.JSON), `"allowed_mentions":{"parse":[]`) {
		t.Errorf("DM %s: want allowed_mentions with an empty parse list", post.JSON)
	}
}

func TestPostAttachesFile(t *testing.T) {
	e := newEnv(t)
	var m bot.Message
	m.Addf("Stipend report for %s.", "2026-12")
	m.File = &bot.File{Name: "stipend-2026-12.csv", ContentType: "text/csv", Data: []byte("host,amount\nmason,2500\n")}
	if err := e.a.Post(context.Background(), e.ws, channelID, m); err != nil {
		t.Fatal(err)
	}
	c := e.fake.Await(t, "the post", fakediscord.To("POST", "/channels/"+channelID+"/messages"))
	if len(c.Files) != 1 || c.Files[0] != "stipend-2026-12.csv" || string(c.Data[0]) != "host,amount\nmason,2500\n" {
		t.Errorf("files: got %v %q, want the CSV", c.Files, c.Data)
	}
	var got wireMessage
	c.Decode(&got)
	if got.Content != "Stipend report for 2026-12." {
		t.Errorf("content: got %q", got.Content)
	}
}

// TestDeliveryErrors checks what a failed delivery tells the outbox: a 429
// is a retry after Discord's retry_after (and discordgo does not retry it
// itself), 50007 and other refusals are permanent, outages are retryable.
func TestDeliveryErrors(t *testing.T) {
	rateLimited := fakediscord.Reply{Status: 429, Body: `{"message": "You are being rate limited.", "retry_after": 2.5, "global": false}`,
		Header: http.Header{"Retry-After": {"3"}}}
	for _, tc := range []struct {
		name       string
		dm         bool
		reply      fakediscord.Reply
		permanent  bool
		retryAfter time.Duration
		reason     string
	}{
		{"429 is retried after retry_after", false, rateLimited, false, 2500 * time.Millisecond, "rate limit"},
		{"DM to a user who blocks DMs (50007) is permanent", true,
			fakediscord.Reply{Status: 403, Body: `{"message": "Cannot send messages to this user", "code": 50007}`}, true, 0, "does not accept DMs"},
		{"missing access (50001) is permanent", false,
			fakediscord.Reply{Status: 403, Body: `{"message": "Missing Access", "code": 50001}`}, true, 0, "cannot see the channel"},
		{"unknown channel is permanent", false,
			fakediscord.Reply{Status: 404, Body: `{"message": "Unknown Channel", "code": 10003}`}, true, 0, "no longer exists"},
		{"a 502 is retryable, and not retried by discordgo", false,
			fakediscord.Reply{Status: 502, Body: `<html>bad gateway</html>`}, false, 0, "trouble"},
		{"a 500 is retryable", true,
			fakediscord.Reply{Status: 500, Body: `{"message": "500: Internal Server Error", "code": 0}`}, false, 0, "trouble"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			target := channelID
			if tc.dm {
				if err := e.a.DM(ctx, e.ws, hostID, reminder()); err != nil { // opens the DM channel
					t.Fatal(err)
				}
				target = e.fake.DMChannel(hostID)
			}
			path := fakediscord.Prefix + "/channels/" + target + "/messages"
			e.fake.Fail("POST", path, tc.reply)
			var err error
			if tc.dm {
				err = e.a.DM(ctx, e.ws, hostID, reminder())
			} else {
				err = e.a.Post(ctx, e.ws, target, reminder())
			}
			de, ok := bot.AsDeliveryError(err)
			if !ok {
				t.Fatalf("got %v, want a delivery error", err)
			}
			if de.Permanent != tc.permanent || de.RetryAfter != tc.retryAfter || !strings.Contains(de.Reason, tc.reason) {
				t.Errorf("got permanent %v retry after %v reason %q; want %v %v and a reason with %q",
					de.Permanent, de.RetryAfter, de.Reason, tc.permanent, tc.retryAfter, tc.reason)
			}
			want := 1
			if tc.dm {
				want = 2 // the first DM and the failed one
			}
			if got := e.fake.Count(func(c fakediscord.Call) bool { return c.Path == path }); got != want {
				t.Errorf("got %d requests to %s, want %d: no retry inside the adapter", got, path, want)
			}
		})
	}
}

func TestDMReopensAVanishedChannel(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.a.DM(ctx, e.ws, hostID, reminder()); err != nil {
		t.Fatal(err)
	}
	e.fake.Fail("POST", fakediscord.Prefix+"/channels/"+e.fake.DMChannel(hostID)+"/messages",
		fakediscord.Reply{Status: 404, Body: `{"message": "Unknown Channel", "code": 10003}`})
	if err := e.a.DM(ctx, e.ws, hostID, reminder()); err != nil {
		t.Fatalf("got %v, want the DM sent through a reopened channel", err)
	}
	if got := e.fake.Count(fakediscord.To("POST", "/users/@me/channels")); got != 2 {
		t.Errorf("got %d DM channel opens, want 2", got)
	}
}

func TestNotifierRefusesIDsThatAreNotDiscords(t *testing.T) {
	e := newEnv(t)
	for _, err := range []error{
		e.a.DM(context.Background(), e.ws, "alice", reminder()),
		e.a.Post(context.Background(), e.ws, "#news", reminder()),
	} {
		if de, ok := bot.AsDeliveryError(err); !ok || !de.Permanent {
			t.Errorf("got %v, want a permanent failure", err)
		}
	}
	if n := len(e.fake.Calls()); n != 0 {
		t.Errorf("got %d calls to Discord, want none", n)
	}
}

func TestSessionLeavesRetriesToTheOutbox(t *testing.T) {
	e := newEnv(t)
	s := e.a.rest.(*discordgo.Session)
	if s.ShouldRetryOnRateLimit || s.MaxRestRetries != 0 || s.StateEnabled || s.Identify.Intents != discordgo.IntentsNone {
		t.Errorf("session: retry on 429 %v, 502 retries %d, state %v, intents %d; want false, 0, false, 0",
			s.ShouldRetryOnRateLimit, s.MaxRestRetries, s.StateEnabled, s.Identify.Intents)
	}
}
