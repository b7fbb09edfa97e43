package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sparkbot/adapters/discord/fakediscord"
	"sparkbot/adapters/internal/reporttest"
	"sparkbot/bot"
)

// manyHosts is how many hosts the long-report tests seed: more than any
// one Discord message can list.
const manyHosts = 500

// seedMany creates the cohort and n hosts through the router, with a log
// for every fifth host and an excused week for every seventh, so that the
// report's lines vary as a real one's do. It returns the hosts' ids.
func (e *env) seedMany(n int) []string {
	e.t.Helper()
	now := e.clock.Now()
	e.clock.Set(time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)) // hosts from the first day, so week 1 counts
	e.must(staffID, true, `/cohort create name:"Spark Phase 1" start:2026-11-30`, "Created")
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("5390823250618%06d", i)
		e.must(staffID, true, fmt.Sprintf("/cohort add user:%s handle:@host_%d", ids[i], i), "Added")
	}
	e.clock.Set(now)
	for i := range ids {
		switch {
		case i%5 == 0:
			e.must(staffID, true, fmt.Sprintf(`/spaces log url:1abcdefg%05d user:%s at:"2026-12-01 20:00" listeners:%d`, i, ids[i], 10+i), "Logged")
		case i%7 == 0:
			e.must(staffID, true, fmt.Sprintf(`/cohort excuse user:%s week:2026-12-01 reason:"travelling to a conference, back on Monday; will host twice next week"`, ids[i]), "Excused")
		}
	}
	return ids
}

// sent is what Discord received of one message, in the order it came.
type sent struct {
	call fakediscord.Call
	wire fakediscord.Wire
}

// text is everything a reader sees of it.
func (s sent) text() string {
	var b strings.Builder
	b.WriteString(s.wire.Content)
	for _, e := range s.wire.Embeds {
		b.WriteString("\n" + e.Title + "\n" + e.Description)
	}
	return b.String()
}

// messages decodes the calls that match, in order.
func (e *env) messages(match func(fakediscord.Call) bool) []sent {
	e.t.Helper()
	return e.messagesSince(0, match)
}

// messagesSince decodes the calls after the first n that match, in order.
func (e *env) messagesSince(n int, match func(fakediscord.Call) bool) []sent {
	e.t.Helper()
	var out []sent
	for _, c := range e.fake.Calls()[n:] {
		if !match(c) {
			continue
		}
		s := sent{call: c}
		if err := c.Decode(&s.wire); err != nil {
			e.t.Fatalf("%s %s: %v", c.Method, c.Path, err)
		}
		out = append(out, s)
	}
	return out
}

// checkLimits fails the test for a message over Discord's limits (which the
// fake also refuses) and logs each message's size.
func checkLimits(t *testing.T, what string, msgs []sent) {
	t.Helper()
	for i, m := range msgs {
		if n := runes(m.wire.Content); n > fakediscord.MaxContent {
			t.Errorf("%s %d: %d characters of content", what, i+1, n)
		}
		if n := len(m.wire.Embeds); n > fakediscord.MaxEmbeds {
			t.Errorf("%s %d: %d embeds", what, i+1, n)
		}
		if n := m.wire.EmbedChars(); n > fakediscord.MaxEmbedTotal {
			t.Errorf("%s %d: %d characters of embeds", what, i+1, n)
		}
		for j, em := range m.wire.Embeds {
			if runes(em.Title) > fakediscord.MaxTitle || runes(em.Description) > fakediscord.MaxDescription {
				t.Errorf("%s %d, embed %d: title %d, description %d characters", what, i+1, j+1, runes(em.Title), runes(em.Description))
			}
		}
		t.Logf("%s %d of %d: %d characters of content, %d embeds, %d characters of embeds",
			what, i+1, len(msgs), runes(m.wire.Content), len(m.wire.Embeds), m.wire.EmbedChars())
	}
}

// checkEveryHost fails the test unless every host is named across msgs:
// exactly once, or (once false) at least once, for a message that also
// lists some hosts again (the digest's missed).
func checkEveryHost(t *testing.T, what string, msgs []sent, ids []string, once bool) {
	t.Helper()
	var all strings.Builder
	for _, m := range msgs {
		all.WriteString(m.text() + "\n")
	}
	text := all.String()
	missing := 0
	for _, id := range ids {
		if n := strings.Count(text, "<@"+id+">"); n == 0 || once && n != 1 {
			missing++
			if missing <= 5 {
				t.Errorf("%s: host %s is named %d times", what, id, n)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%s: %d of %d hosts are missing or named twice", what, missing, len(ids))
	}
	if strings.Contains(text, "(cut") {
		t.Errorf("%s says it was cut", what)
	}
}

// answerParts renders the router's next response as the adapter sent it,
// and fails the test unless it took several messages.
func (e *env) answerParts(t *testing.T) []message {
	t.Helper()
	parts, err := e.a.render(context.Background(), e.ws, e.h.awaitResponse(t).Message)
	if err != nil || len(parts) < 2 {
		t.Fatalf("the answer renders as %d messages (%v); want it long enough to need several", len(parts), err)
	}
	return parts
}

// waited fails the test unless the adapter waited d at some point.
func (e *env) waited(t *testing.T, d time.Duration, why string) {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if !slices.Contains(e.waits, d) {
		t.Errorf("waits %v; want %v, %s", e.waits, d, why)
	}
}

func noRejections(t *testing.T, fake *fakediscord.Server) {
	t.Helper()
	for _, r := range fake.Rejections() {
		t.Errorf("Discord refused %s %s: %s", r.Call.Method, r.Call.Path, r.Reason)
	}
}

// TestEveryHostOfALongReport: /cohort report of 500 hosts, answered
// through discordgo's interaction flow against the fake Discord, reaches
// Discord whole: the deferred reply edited with its first part, follow-ups
// with the rest, each within Discord's limits, every host there once.
func TestEveryHostOfALongReport(t *testing.T) {
	e := newEnv(t)
	ids := e.seedMany(manyHosts)
	const id = "1180000000000000700"
	e.interact(interaction(id, 2, member(staffID, managePerms), command([]string{"cohort", "report"})))
	e.fake.Await(t, "the deferral", fakediscord.To("POST", "/interactions/"+id+"/token-"+id+"/callback"))
	parts := e.answerParts(t)
	hook := fakediscord.Prefix + "/webhooks/" + e.fake.AppID + "/token-" + id
	e.fake.AwaitCount(t, "the report's follow-ups", len(parts)-1, fakediscord.To("POST", hook))
	e.fake.Await(t, "the edit", fakediscord.To("PATCH", hook+"/messages/@original"))
	msgs := e.messages(func(c fakediscord.Call) bool { return strings.HasPrefix(c.Path, hook) })
	noRejections(t, e.fake)
	checkLimits(t, "report message", msgs)
	checkEveryHost(t, "the report", msgs, ids, true)
	if msgs[0].call.Method != "PATCH" {
		t.Errorf("first message is a %s; want the deferred reply edited first", msgs[0].call.Method)
	}
	for i, m := range msgs[1:] {
		if m.wire.Flags&64 == 0 {
			t.Errorf("follow-up %d is not ephemeral; the report is for the requester only", i+1)
		}
	}
	if len(parts)-1 > 5 {
		e.waited(t, 2*time.Second, "as Discord's rate-limit headers ask after five follow-ups")
	}
}

// TestFollowUpsWaitForTheRateLimit: a reply of more follow-ups than
// Discord's bucket holds (five) waits as the headers say before the sixth,
// whatever the report's lines weigh: it seeds hosts until it needs more.
func TestFollowUpsWaitForTheRateLimit(t *testing.T) {
	e := newEnv(t)
	e.seedMany(3 * manyHosts)
	const id = "1180000000000000701"
	e.interact(interaction(id, 2, member(staffID, managePerms), command([]string{"cohort", "report"})))
	e.fake.Await(t, "the deferral", fakediscord.To("POST", "/interactions/"+id+"/token-"+id+"/callback"))
	parts := e.answerParts(t)
	if len(parts)-1 <= 5 {
		t.Fatalf("the report has %d follow-ups; the test needs more than five", len(parts)-1)
	}
	hook := fakediscord.Prefix + "/webhooks/" + e.fake.AppID + "/token-" + id
	e.fake.AwaitCount(t, "the report's follow-ups", len(parts)-1, fakediscord.To("POST", hook))
	noRejections(t, e.fake)
	e.waited(t, 2*time.Second, "as Discord's rate-limit headers ask after five follow-ups")
}

// TestEveryHostOfALongPost: the weekly digest and the monthly stipend
// report of 500 hosts, posted in a channel and sent as a DM, arrive whole
// and within Discord's limits; the stipend report's CSV is attached once.
func TestEveryHostOfALongPost(t *testing.T) {
	e := newEnv(t)
	ids := e.seedMany(manyHosts)
	ctx := context.Background()
	for _, tc := range reporttest.StaffDeliveries(t, e.db, e.ws, e.clock) {
		t.Run(tc.Name, func(t *testing.T) {
			before := len(e.fake.Calls())
			var err error
			if tc.DM {
				err = e.a.DM(ctx, e.ws, staffID, tc.Msg)
			} else {
				err = e.a.Post(ctx, e.ws, channelID, tc.Msg)
			}
			if err != nil {
				t.Fatal(err)
			}
			msgs := e.messagesSince(before, fakediscord.To("POST", "/messages"))
			if len(msgs) < 2 {
				t.Fatalf("%d message; want one too long for a single Discord message", len(msgs))
			}
			noRejections(t, e.fake)
			checkLimits(t, tc.Name, msgs)
			checkEveryHost(t, tc.Name, msgs, ids, tc.Once)
			files := 0
			for i, m := range msgs {
				files += len(m.call.Files)
				if len(m.call.Files) > 0 && i != len(msgs)-1 {
					t.Errorf("the file came with message %d of %d; want it with the last", i+1, len(msgs))
				}
			}
			if want := map[bool]int{true: 1}[tc.Msg.File != nil]; files != want {
				t.Errorf("%d files attached, want %d", files, want)
			}
		})
	}
}

// TestALongPostResumesWhereItFailed: when Discord fails one message of a
// long post, the outbox's retry sends only the messages that did not go
// out, so no part arrives twice.
func TestALongPostResumesWhereItFailed(t *testing.T) {
	e := newEnv(t)
	var m bot.Message
	m.Section("Report")
	for i := range 300 {
		m.Addf("row %03d %s", i, strings.Repeat("x", 60))
	}
	parts, err := e.a.render(context.Background(), e.ws, m)
	if err != nil || len(parts) < 3 {
		t.Fatalf("%d parts (%v); want at least 3", len(parts), err)
	}
	path := fakediscord.Prefix + "/channels/" + channelID + "/messages"
	posts := fakediscord.To("POST", path)
	// The second message fails once: discordgo sees a 500.
	e.fake.Fail("POST", path, fakediscord.Reply{Status: 200, Body: `{"id":"1190000000000000900","channel_id":"` + channelID + `"}`})
	e.fake.Fail("POST", path, fakediscord.Reply{Status: 500, Body: `{"message":"500: Internal Server Error","code":0}`})
	err = e.a.Post(context.Background(), e.ws, channelID, m)
	if de, ok := bot.AsDeliveryError(err); !ok || de.Permanent {
		t.Fatalf("got %v, want a retryable failure", err)
	}
	if err := e.a.Post(context.Background(), e.ws, channelID, m); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got, want := e.fake.Count(posts), len(parts)+1; got != want {
		t.Errorf("%d posts, want %d: the %d parts once each, and the one that failed", got, want, len(parts))
	}
	msgs := e.messages(posts)
	if msgs[2].text() != msgs[1].text() {
		t.Errorf("the retry began with %.60q; want the message that failed", msgs[2].text())
	}
	seen := map[string]int{}
	for i, s := range msgs {
		if i == 1 {
			continue // the attempt Discord failed
		}
		for _, em := range s.wire.Embeds {
			for _, l := range strings.Split(em.Description, "\n") {
				seen[l]++
			}
		}
	}
	for i := range 300 {
		if n := seen[fmt.Sprintf("row %03d %s", i, strings.Repeat("x", 60))]; n != 1 {
			t.Fatalf("row %d arrived %d times, want once", i, n)
		}
	}
	// A later, separate post of the same message goes out in full.
	if err := e.a.Post(context.Background(), e.ws, channelID, m); err != nil {
		t.Fatal(err)
	}
	if got, want := e.fake.Count(posts), 2*len(parts)+1; got != want {
		t.Errorf("after a second post: %d posts, want %d", got, want)
	}
}

// TestFakeDiscordRefusesWhatDiscordWould: the fake holds every message to
// Discord's limits, so the tests above cannot pass on an oversized message.
func TestFakeDiscordRefusesWhatDiscordWould(t *testing.T) {
	e := newEnv(t)
	embed := func(title, desc string) *discordgo.MessageEmbed {
		return &discordgo.MessageEmbed{Title: title, Description: desc}
	}
	long := strings.Repeat("x", 4000)
	for _, tc := range []struct {
		name string
		msg  *discordgo.MessageSend
		ok   bool
	}{
		{"content at the limit", &discordgo.MessageSend{Content: strings.Repeat("é", 2000)}, true},
		{"content over the limit", &discordgo.MessageSend{Content: strings.Repeat("é", 2001)}, false},
		{"a description over 4096", &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{embed("", strings.Repeat("x", 4097))}}, false},
		{"a title over 256", &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{embed(strings.Repeat("x", 257), "x")}}, false},
		{"embeds over 6000 together", &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{embed("", long), embed("", strings.Repeat("x", 2001))}}, false},
		{"embeds at 6000 together", &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{embed("", long), embed("", strings.Repeat("x", 2000))}}, true},
		{"eleven embeds", &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{
			embed("1", ""), embed("2", ""), embed("3", ""), embed("4", ""), embed("5", ""), embed("6", ""),
			embed("7", ""), embed("8", ""), embed("9", ""), embed("10", ""), embed("11", "")}}, false},
		{"an empty message", &discordgo.MessageSend{}, false},
	} {
		_, err := e.a.rest.ChannelMessageSendComplex(channelID, tc.msg)
		if ok := err == nil; ok != tc.ok {
			t.Errorf("%s: got %v, want accepted %v", tc.name, err, tc.ok)
		}
		if err != nil && apiCode(err) != 50035 && apiCode(err) != 50006 {
			t.Errorf("%s: got %v, want Discord's Invalid Form Body or Cannot send an empty message", tc.name, err)
		}
	}
}

// TestFollowUpsWaitOutARateLimit: a follow-up Discord rate-limits is sent
// again after its retry_after, so a long reply still arrives whole.
func TestFollowUpsWaitOutARateLimit(t *testing.T) {
	e := newEnv(t)
	ids := e.seedMany(200)
	const id = "1180000000000000701"
	hook := fakediscord.Prefix + "/webhooks/" + e.fake.AppID + "/token-" + id
	e.fake.Fail("POST", hook, fakediscord.Reply{Status: 429, Body: `{"message":"You are being rate limited.","retry_after":0.25,"global":false}`})
	e.interact(interaction(id, 2, member(staffID, managePerms), command([]string{"cohort", "report"})))
	parts := e.answerParts(t)
	e.fake.AwaitCount(t, "every follow-up, one of them twice", len(parts), fakediscord.To("POST", hook))
	msgs := e.messages(func(c fakediscord.Call) bool { return strings.HasPrefix(c.Path, hook) })
	checkEveryHost(t, "the report", append(msgs[:1:1], msgs[2:]...), ids, true) // without the refused attempt
	e.waited(t, 250*time.Millisecond, "Discord's retry_after")
}

// TestFollowUpsOfTheHTTPEndpointWaitForDiscord: over the Interactions
// Endpoint URL the first response is the HTTP answer, which Discord may
// not have read when the first follow-up arrives (Unknown Webhook); the
// follow-up is sent again shortly after, so the long reply arrives whole.
func TestFollowUpsOfTheHTTPEndpointWaitForDiscord(t *testing.T) {
	ep := newEndpoint(t)
	ids := ep.seedMany(200)
	const id = "1180000000000000702"
	body, err := json.Marshal(interaction(id, 2, member(staffID, managePerms), command([]string{"cohort", "report"})))
	if err != nil {
		t.Fatal(err)
	}
	hook := fakediscord.Prefix + "/webhooks/" + ep.fake.AppID + "/token-" + id
	ep.fake.Fail("PATCH", hook+"/messages/@original", fakediscord.Reply{Status: 404, Body: `{"message":"Unknown Webhook","code":10015}`})
	if status, got := ep.post(t, body, ep.priv, ep.clock.Now()); status != 200 || !strings.Contains(string(got), `"type":5`) {
		t.Fatalf("got %d %s, want the deferral as the HTTP answer", status, got)
	}
	parts := ep.answerParts(t)
	ep.fake.AwaitCount(t, "the follow-ups", len(parts)-1, fakediscord.To("POST", hook))
	msgs := ep.messages(func(c fakediscord.Call) bool { return strings.HasPrefix(c.Path, hook) })
	checkEveryHost(t, "the report", msgs[1:], ids, true) // without the edit Discord refused
	ep.waited(t, unknownWait, "before the edit Discord did not know yet is sent again")
}
