package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sparkbot/adapters/discord/fakediscord"
	"sparkbot/bot"
)

func TestRenderSpans(t *testing.T) {
	at := time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		span      bot.Span
		want      string
		mentioned bool
	}{
		{"bot text as written", bot.Text("Logged 2 of 2."), "Logged 2 of 2.", false},
		{"bot text keeps zone names out of italics", bot.Text("America/New_York and America/Los_Angeles"), `America/New\_York and America/Los\_Angeles`, false},
		{"full time", bot.At(at, nil, bot.TimeFull), "<t:1796155200:f>", false},
		{"short time", bot.At(at, nil, bot.TimeShort), "<t:1796155200:t>", false},
		{"date", bot.At(at, nil, bot.TimeDate), "<t:1796155200:D>", false},
		{"relative time", bot.At(at, nil, bot.TimeRelative), "<t:1796155200:R>", false},
		{"deliberate mention pings", bot.Mention(hostID), "<@" + hostID + ">", true},
		{"user reference shows without pinging", bot.UserRef(hostID), "<@" + hostID + ">", false},
		{"channel", bot.ChannelRef(channelID), "<#" + channelID + ">", false},
		{"a mention of a non-id is text", bot.Mention("everyone"), "@\u200beveryone", false},
		{"a channel that is not an id is text", bot.ChannelRef("news"), `\#news`, false},
		{"user text is neutralised", bot.UserText("@here"), "@\u200bhere", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r spanRenderer
			if got := r.span(tc.span); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if got := len(r.users) == 1; got != tc.mentioned {
				t.Errorf("allowed to ping: got %v, want %v", r.users, tc.mentioned)
			}
		})
	}
}

func TestNeutralise(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"@everyone come now", "@\u200beveryone come now"},
		{"@here", "@\u200bhere"},
		{"<@53908232506183680>", "<\u200b@\u200b53908232506183680\\>"},
		{"<@!53908232506183680>", "<\u200b@\u200b!53908232506183680\\>"},
		{"<@&539082325061836999>", "<\u200b@\u200b&539082325061836999\\>"},
		{"<#645027906669510667>", "<\u200b\\#645027906669510667\\>"},
		{"<t:1796155200:R>", "<\u200bt:1796155200:R\\>"},
		{"</spaces log:771825006014889984>", "<\u200b/spaces log:771825006014889984\\>"},
		{"**bold** _it_ ~~x~~ `code` ||spoiler||", `\*\*bold\*\* \_it\_ \~\~x\~\~ \` + "`" + `code\` + "`" + ` \|\|spoiler\|\|`},
		{"[click](https://evil.example)", `\[click\]\(https://evil.example\)`},
		{"# heading\n> quote\r\n- item", `\# heading \> quote  \- item`},
		{"bad \xff byte", "bad \uFFFD byte"},
		{"plain Night owls 🌙", "plain Night owls 🌙"},
	} {
		if got := neutralise(tc.in); got != tc.want {
			t.Errorf("neutralise(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// pingable matches what Discord would turn into a mention or markup.
var pingable = regexp.MustCompile(`@(everyone|here)|<[@#]|<t:|</|<a?:|\n`)

func FuzzNeutralise(f *testing.F) {
	for _, s := range []string{"@everyone", "<@123>", "<@&1>", "<#1>", "<t:1:R>", "a\nb", "**x**", "@\u200beveryone", "<<@@everyone"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := neutralise(s)
		if pingable.MatchString(got) {
			t.Errorf("neutralise(%q) = %q still holds a mention, markup or line break", s, got)
		}
		var r spanRenderer
		if line := r.line(bot.Line{bot.UserText(s)}); line != got || len(r.users) != 0 {
			t.Errorf("a user span rendered %q and allowed %v to ping", line, r.users)
		}
	})
}

// TestAllowedMentions checks that every message says exactly who may be
// pinged: nobody, unless the message asks for a group ping or mentions a
// user on purpose.
func TestAllowedMentions(t *testing.T) {
	withPing := func(p bot.Ping, spans ...bot.Span) bot.Message {
		m := bot.Message{Ping: p}
		m.Add(append(bot.Line{bot.UserText("@everyone look ")}, spans...))
		return m
	}
	for _, tc := range []struct {
		name        string
		msg         bot.Message
		wantContent string
		wantJSON    string
	}{
		{"no ping", withPing(bot.Ping{}, bot.UserRef(hostID)),
			"@\u200beveryone look <@" + hostID + ">", `{"parse":[],"replied_user":false}`},
		{"a deliberate mention", withPing(bot.Ping{}, bot.Mention(hostID)),
			"@\u200beveryone look <@" + hostID + ">", `{"parse":[],"users":["` + hostID + `"],"replied_user":false}`},
		{"here", withPing(bot.Ping{Kind: bot.PingHere}),
			"@here\n@\u200beveryone look ", `{"parse":["everyone"],"replied_user":false}`},
		{"everyone", withPing(bot.Ping{Kind: bot.PingEveryone}),
			"@everyone\n@\u200beveryone look ", `{"parse":["everyone"],"replied_user":false}`},
		{"a role by name", withPing(bot.Ping{Kind: bot.PingRole, Role: "Hosts"}),
			"<@&" + hostRole + ">\n@\u200beveryone look ", `{"parse":[],"roles":["` + hostRole + `"],"replied_user":false}`},
		{"a role by id", withPing(bot.Ping{Kind: bot.PingRole, Role: staffRole}),
			"<@&" + staffRole + ">\n@\u200beveryone look ", `{"parse":[],"roles":["` + staffRole + `"],"replied_user":false}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.SetRoles(guildID, &discordgo.Role{ID: staffRole, Name: "Staff"}, &discordgo.Role{ID: hostRole, Name: "hosts"})
			if err := e.a.Post(context.Background(), e.ws, channelID, tc.msg); err != nil {
				t.Fatal(err)
			}
			c := e.fake.Await(t, "the post", fakediscord.To("POST", "/channels/"+channelID+"/messages"))
			var got struct {
				Content         string          `json:"content"`
				AllowedMentions json.RawMessage `json:"allowed_mentions"`
			}
			c.Decode(&got)
			if got.Content != tc.wantContent || string(got.AllowedMentions) != tc.wantJSON {
				t.Errorf("got %q with allowed_mentions %s, want %q with %s", got.Content, got.AllowedMentions, tc.wantContent, tc.wantJSON)
			}
		})
	}
}

func TestPingOfAnUnknownRoleIsPermanent(t *testing.T) {
	e := newEnv(t)
	err := e.a.Post(context.Background(), e.ws, channelID, bot.Message{Ping: bot.Ping{Kind: bot.PingRole, Role: "nobody"}})
	if de, ok := bot.AsDeliveryError(err); !ok || !de.Permanent || !strings.Contains(de.Reason, `no role named "nobody"`) {
		t.Errorf("got %v, want a permanent failure naming the role", err)
	}
	if got := e.fake.Count(fakediscord.To("POST", "/messages")); got != 0 {
		t.Errorf("got %d posts, want none", got)
	}
}

func TestLongMessagesUseEmbeds(t *testing.T) {
	e := newEnv(t)
	help := e.router.Handle(context.Background(), bot.Request{Workspace: e.ws, UserID: hostID, Path: []string{"spaces", "help"}})
	parts, err := e.a.render(context.Background(), e.ws, help.Message)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 1 || parts[0].content != "" || len(parts[0].embeds) != 1 {
		t.Fatalf("help: got %d messages, want it all in one embed of one", len(parts))
	}
	if !strings.Contains(parts[0].embeds[0].Description, "/spaces log url:link") {
		t.Errorf("help embed: got %q", parts[0].embeds[0].Description)
	}
}

// TestLongMessagesAreSplitNeverCut: a message longer than one Discord
// message goes as several, each within Discord's limits, with every line
// in order; a block that goes on in a new message says so; a line longer
// than an embed goes on in the next one; the ping is the first message's,
// the buttons the last's.
func TestLongMessagesAreSplitNeverCut(t *testing.T) {
	e := newEnv(t)
	var huge bot.Message
	huge.Ping = bot.Ping{Kind: bot.PingHere}
	huge.Section("Report")
	for i := range 400 {
		huge.Addf("row %03d %s", i, strings.Repeat("x", 92))
	}
	huge.Section("Second")
	huge.Add(bot.Line{bot.UserText(strings.Repeat("word ", 1500))}) // 7,500 characters on one line
	huge.Addf("last line")
	huge.Buttons = []bot.Button{{Label: "ok", ActionID: "act", Value: "1"}}
	parts, err := e.a.render(context.Background(), e.ws, huge)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) < 8 {
		t.Fatalf("got %d messages, want the 48,000 characters over at least 8", len(parts))
	}
	var text strings.Builder
	for i, m := range parts {
		total := 0
		for _, em := range m.embeds {
			if runes(em.Description) > maxDescription || runes(em.Title) > maxTitle {
				t.Errorf("message %d: embed over Discord's limits: title %d, description %d", i, runes(em.Title), runes(em.Description))
			}
			total += runes(em.Title) + runes(em.Description)
			text.WriteString(em.Description + "\n")
		}
		if total > maxEmbedTotal || len(m.embeds) > maxEmbeds || runes(m.content) > maxContent {
			t.Errorf("message %d: %d embeds of %d characters, content %d", i, len(m.embeds), total, runes(m.content))
		}
		if wantPing := i == 0; (m.content == "@here") != wantPing || (len(m.mentions.Parse) > 0) != wantPing {
			t.Errorf("message %d: content %q, parse %v; only the first may ping", i, m.content, m.mentions.Parse)
		}
		if wantButtons := i == len(parts)-1; (len(m.components) > 0) != wantButtons {
			t.Errorf("message %d: %d button rows; want them on the last message only", i, len(m.components))
		}
	}
	got := text.String()
	for i := range 400 {
		if !strings.Contains(got, fmt.Sprintf("row %03d %s\n", i, strings.Repeat("x", 92))) {
			t.Fatalf("row %d is missing or broken", i)
		}
	}
	if n := strings.Count(got, "word"); n != 1500 {
		t.Errorf("the long line kept %d of its 1500 words", n)
	}
	if !strings.HasSuffix(got, "last line\n") {
		t.Errorf("the message does not end with its last line: …%q", got[len(got)-40:])
	}
	if parts[0].embeds[0].Title != "Report" || parts[1].embeds[0].Title != "Report (continued)" {
		t.Errorf("titles %q, %q; want the block's heading, then that it goes on", parts[0].embeds[0].Title, parts[1].embeds[0].Title)
	}

	// A heading too long for a title leads its embed in bold instead.
	var titled bot.Message
	titled.Section(strings.Repeat("Heading ", 40))
	titled.Addf("%s", strings.Repeat("y", 2500))
	parts, err = e.a.render(context.Background(), e.ws, titled)
	if err != nil {
		t.Fatal(err)
	}
	if em := parts[0].embeds[0]; em.Title != "" || !strings.HasPrefix(em.Description, "**"+strings.Repeat("Heading ", 39)+"Heading**\n") {
		t.Errorf("got title %q and description %.80q; want the heading whole, in bold", em.Title, em.Description)
	}
}

func TestButtons(t *testing.T) {
	ws := bot.WorkspaceRef{Platform: bot.Discord, ID: guildID}
	many := func(n int) []bot.Button {
		var bs []bot.Button
		for i := range n {
			bs = append(bs, bot.Button{Label: "b", ActionID: "act", Value: string(rune('a' + i))})
		}
		return bs
	}
	rows, err := buttons(ws, many(7))
	if err != nil || len(rows) != 2 || len(rows[0].(discordgo.ActionsRow).Components) != 5 || len(rows[1].(discordgo.ActionsRow).Components) != 2 {
		t.Errorf("7 buttons: got %d rows (%v), want rows of 5 and 2", len(rows), err)
	}
	for _, tc := range []struct {
		name string
		bs   []bot.Button
	}{
		{"more than 25", many(26)},
		{"custom_id over 100 bytes", []bot.Button{{Label: "x", ActionID: "hosted", Value: strings.Repeat("9", 80)}}},
		{"colon in the action", []bot.Button{{Label: "x", ActionID: "a:b"}}},
	} {
		if _, err := buttons(ws, tc.bs); err == nil {
			t.Errorf("%s: got no error", tc.name)
		}
	}
	if _, err := buttons(bot.WorkspaceRef{Platform: bot.Console, ID: "local"}, many(1)); err == nil {
		t.Error("a button for a workspace that is not a guild: got no error")
	}
}

func TestCustomIDRoundTrip(t *testing.T) {
	b := bot.HostedButton(12, time.Unix(1796173200, 0))
	id, err := encodeCustomID(guildID, b)
	if err != nil {
		t.Fatal(err)
	}
	g, action, value, err := decodeCustomID(id)
	if err != nil || g != guildID || action != b.ActionID || value != b.Value {
		t.Errorf("decode(%q): got %q %q %q %v, want %q %q %q", id, g, action, value, err, guildID, b.ActionID, b.Value)
	}
	for _, bad := range []string{"", "hosted:1:2", "abc:hosted:1", guildID + "::1", guildID, strings.Repeat("1", 101)} {
		if _, _, _, err := decodeCustomID(bad); err == nil {
			t.Errorf("decode(%q): got no error", bad)
		}
	}
}

// TestEveryMessageSetsAllowedMentions sends every kind of message the
// adapter sends (an interaction reply, a refusal, the deferred reply to
// the public leaderboard with its edit and follow-up, a DM, a channel
// post) and checks that each carries allowed_mentions with a parse list.
func TestEveryMessageSetsAllowedMentions(t *testing.T) {
	e := newEnv(t)
	e.seed()
	ctx := context.Background()
	e.interact(interaction("1180000000000000980", 2, member(hostID, plainPerms), command([]string{"spaces", "status"})))
	e.interact(interaction("1180000000000000981", 2, member(hostID, plainPerms), command([]string{"spaces", "LOG"})))
	e.interact(interaction("1180000000000000982", 2, member(hostID, plainPerms), command([]string{"spaces", "leaderboard"})))
	if err := e.a.DM(ctx, e.ws, hostID, reminder()); err != nil {
		t.Fatal(err)
	}
	if err := e.a.Post(ctx, e.ws, channelID, reminder()); err != nil {
		t.Fatal(err)
	}
	e.fake.AwaitCount(t, "every callback", 3, fakediscord.To("POST", "/callback"))
	e.fake.Await(t, "the edit", fakediscord.To("PATCH", "/messages/@original")) // after the follow-up

	messages := 0
	for _, c := range e.fake.Calls() {
		if !strings.HasSuffix(c.Path, "/callback") && !strings.HasSuffix(c.Path, "/messages") && !strings.Contains(c.Path, "/webhooks/") {
			continue
		}
		messages++
		var got struct {
			Data struct {
				AllowedMentions *struct{ Parse []string } `json:"allowed_mentions"`
			} `json:"data"`
			AllowedMentions *struct{ Parse []string } `json:"allowed_mentions"`
		}
		if err := c.Decode(&got); err != nil {
			t.Fatalf("%s %s: %v", c.Method, c.Path, err)
		}
		am := got.AllowedMentions
		if strings.HasSuffix(c.Path, "/callback") {
			am = got.Data.AllowedMentions
		}
		if am == nil || am.Parse == nil {
			t.Errorf("%s %s: %s has no allowed_mentions with a parse list", c.Method, c.Path, c.JSON)
		}
	}
	if messages != 7 { // 3 callbacks, an edit, a follow-up, a DM, a post
		t.Errorf("checked %d messages, want 7", messages)
	}
}
