package discord

import (
	"context"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sparkbot/adapters/discord/fakediscord"
	"sparkbot/bot"
)

// TestGateway runs the real discordgo session against the fake Discord's
// gateway: start-up through outages, registration, and interactions
// dispatched as INTERACTION_CREATE events. The subtests share one session
// (closing one costs discordgo a second) and run in order.
func TestGateway(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.GuildID = guildID })
	e.seed()
	unavailable := fakediscord.Reply{Status: 503, Body: `{"message": "upstream connect error", "code": 0}`}
	e.fake.Fail("GET", fakediscord.Prefix+"/gateway", unavailable)
	e.fake.Fail("GET", fakediscord.Prefix+"/gateway", unavailable)
	commandsPath := fakediscord.Prefix + "/applications/" + e.fake.AppID + "/guilds/" + guildID + "/commands"
	e.fake.Fail("PUT", commandsPath, fakediscord.Reply{Status: 500, Body: `{"message": "500: Internal Server Error", "code": 0}`})
	e.run()

	t.Run("keeps trying with back-off while Discord is unreachable", func(t *testing.T) {
		e.mu.Lock()
		got := e.waits
		e.mu.Unlock()
		// Two failed gateway lookups, then one failed registration.
		want := []time.Duration{time.Second, 2 * time.Second, time.Second}
		if !slices.Equal(got, want) {
			t.Errorf("back-off waits: got %v, want %v", got, want)
		}
	})

	t.Run("identifies with no privileged or other intents", func(t *testing.T) {
		ids, _ := e.fake.AwaitSession(t)
		if len(ids) != 1 {
			t.Fatalf("got %d IDENTIFYs, want 1", len(ids))
		}
		if got := ids[0].Data.Intents; got != 0 {
			t.Errorf("intents: got %d, want 0", got)
		}
		if got, want := ids[0].Data.Token, "Bot test-token"; got != want {
			t.Errorf("token: got %q, want %q", got, want)
		}
	})

	t.Run("registers the command table in the guild by bulk overwrite", func(t *testing.T) {
		if got := e.fake.Count(fakediscord.To("PUT", "/commands")); got != 2 {
			t.Errorf("got %d PUTs of the commands, want 2 (one failed, one succeeded)", got)
		}
		c := e.fake.Await(t, "the command registration", fakediscord.To("PUT", commandsPath))
		var cmds []*discordgo.ApplicationCommand
		if err := c.Decode(&cmds); err != nil {
			t.Fatal(err)
		}
		checkCommandsMatchTable(t, cmds)
	})

	t.Run("/spaces log gets its ephemeral callback and is stored", func(t *testing.T) {
		e.fake.Dispatch(t, "INTERACTION_CREATE", readTestdata(t, "interaction_spaces_log.json"))
		cb, call := e.callback("1180000000000000100")
		if cb.Type != 4 || cb.Data.Flags != 64 {
			t.Errorf("callback type %d flags %d, want 4 (message) and 64 (ephemeral)", cb.Type, cb.Data.Flags)
		}
		start := strconv.FormatInt(time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC).Unix(), 10) // at: noon in New York
		for _, want := range []string{"Logged Space 1eaKbrPAqbwKX", "<t:" + start + ":f>", "@\u200beveryone", `\*\*night owls\*\*`, "This week: 1 of 2"} {
			if !strings.Contains(cb.Data.Content, want) {
				t.Errorf("content %q does not contain %q", cb.Data.Content, want)
			}
		}
		if strings.Contains(cb.Data.Content, "<@&") {
			t.Errorf("content %q holds a live role mention", cb.Data.Content)
		}
		if !strings.Contains(string(call.JSON), `"allowed_mentions":{"parse":[]`) {
			t.Errorf("callback %s does not set allowed_mentions.parse to []", call.JSON)
		}
		req := e.h.last(t)
		wantOpts := map[string]string{
			"url": "https://x.com/i/spaces/1eaKbrPAqbwKX?s=20", "listeners": "120", "at": "2026-11-30 12:00",
			"title": "@everyone <@&539082325061836999> **night owls**",
		}
		if !slices.Equal(req.Path, []string{"spaces", "log"}) || !mapsEqual(req.Options, wantOpts) ||
			req.UserID != hostID || req.UserName != "Mason" || req.Staff || req.Channel != channelID || req.Workspace != e.ws {
			t.Errorf("request: got %+v", req)
		}
		l, err := e.db.Log(context.Background(), e.ws, "1eaKbrPAqbwKX")
		if err != nil {
			t.Fatalf("the log was not stored: %v", err)
		}
		if l.UserID != hostID || l.Listeners != 120 {
			t.Errorf("stored log: got user %s listeners %d, want %s and 120", l.UserID, l.Listeners, hostID)
		}
	})

	t.Run("a member who is not staff is refused a /cohort command", func(t *testing.T) {
		e.fake.Dispatch(t, "INTERACTION_CREATE", interaction("1180000000000000200", 2, member(otherID, plainPerms, hostRole),
			command([]string{"cohort", "settings"}, opt("quota", 4, 1))))
		cb, _ := e.callback("1180000000000000200")
		if got, want := cb.Data.Content, "/cohort settings is for program staff only."; got != want {
			t.Errorf("content: got %q, want %q", got, want)
		}
		co, err := e.db.Cohort(context.Background(), e.ws)
		if err != nil || co.Quota != 2 {
			t.Errorf("cohort quota: got %d (%v), want it unchanged at 2", co.Quota, err)
		}
	})

	t.Run("a member with the staff role runs it", func(t *testing.T) {
		e.fake.Dispatch(t, "INTERACTION_CREATE", interaction("1180000000000000201", 2, member(staffID, plainPerms, staffRole),
			command([]string{"cohort", "settings"}, opt("quota", 4, 3), opt("fallback", 7, "1190000000000000777"))))
		cb, _ := e.callback("1180000000000000201")
		if !strings.Contains(cb.Data.Content, "Saved.") || !strings.Contains(cb.Data.Content, "<#1190000000000000777>") {
			t.Errorf("content %q: want Saved. and the fallback channel as <#id>", cb.Data.Content)
		}
	})

	t.Run("the reminder's button, clicked in the DM, logs the occurrence", func(t *testing.T) {
		s, err := e.db.Schedule(context.Background(), e.ws, 1)
		if err != nil {
			t.Fatal(err)
		}
		ny, _ := time.LoadLocation("America/New_York")
		start := time.Date(2026, 12, 1, 20, 0, 0, 0, ny) // tonight's occurrence, three hours ago
		if err := e.a.DM(context.Background(), e.ws, hostID, bot.ReminderMessage(s, start, 10*time.Minute, ny)); err != nil {
			t.Fatal(err)
		}
		dm := e.fake.DMChannel(hostID)
		var sent wireMessage
		if err := e.fake.Await(t, "the DM", fakediscord.To("POST", "/channels/"+dm+"/messages")).Decode(&sent); err != nil {
			t.Fatal(err)
		}
		button := sent.Components[0].Components[0]
		value := "1:" + strconv.FormatInt(start.Unix(), 10)
		if want := guildID + ":hosted:" + value; button.CustomID != want || button.Label != "I hosted it" {
			t.Fatalf("button: got %q %q, want \"I hosted it\" %q", button.Label, button.CustomID, want)
		}

		e.fake.Dispatch(t, "INTERACTION_CREATE", dmClick("1180000000000000300", hostID, button.CustomID))
		cb, _ := e.callback("1180000000000000300")
		req := e.h.last(t)
		if req.Action == nil || *req.Action != (bot.Action{ID: "hosted", Value: value}) ||
			req.UserID != hostID || req.Workspace != e.ws || req.Staff || req.Path != nil {
			t.Errorf("request: got %+v action %+v", req, req.Action)
		}
		if cb.Type != 4 || !strings.Contains(cb.Data.Content, "Logged") {
			t.Errorf("callback: got type %d %q, want 4 and the router's Logged line", cb.Type, cb.Data.Content)
		}
		logs, err := e.db.LogsOf(context.Background(), e.ws, hostID, start, start.Add(time.Second))
		if err != nil || len(logs) != 1 || logs[0].ScheduleID != 1 {
			t.Errorf("logs of the occurrence: got %+v (%v), want one of schedule 1", logs, err)
		}
	})

	t.Run("autocomplete offers time zones and the user's own schedules", func(t *testing.T) {
		e.fake.Dispatch(t, "INTERACTION_CREATE", interaction("1180000000000000400", 4, member(hostID, plainPerms),
			command([]string{"spaces", "timezone"}, focused("tz", 3, "chic"))))
		e.fake.Dispatch(t, "INTERACTION_CREATE", interaction("1180000000000000401", 4, member(hostID, plainPerms),
			command([]string{"spaces", "schedule", "remove"}, focused("id", 4, ""))))
		zones, _ := e.callback("1180000000000000400")
		if zones.Type != 8 || len(zones.Data.Choices) != 1 || zones.Data.Choices[0].Value != "America/Chicago" {
			t.Errorf("tz choices: got type %d %+v, want 8 and America/Chicago", zones.Type, zones.Data.Choices)
		}
		ids, _ := e.callback("1180000000000000401")
		if len(ids.Data.Choices) != 1 || ids.Data.Choices[0].Value != float64(1) || !strings.Contains(ids.Data.Choices[0].Name, "Owls") {
			t.Errorf("id choices: got %+v, want schedule 1 (a number) named Owls", ids.Data.Choices)
		}
	})

	t.Run("a slow command is deferred first, then its reply is edited in", func(t *testing.T) {
		e.fake.Dispatch(t, "INTERACTION_CREATE", interaction("1180000000000000500", 2, member(hostID, plainPerms),
			command([]string{"spaces", "leaderboard"})))
		cb, _ := e.callback("1180000000000000500")
		if cb.Type != 5 || cb.Data.Flags != 64 {
			t.Errorf("callback: got type %d flags %d, want 5 (deferred) and 64", cb.Type, cb.Data.Flags)
		}
		edit := e.fake.Await(t, "the edit of the deferred reply",
			fakediscord.To("PATCH", "/webhooks/"+e.fake.AppID+"/token-1180000000000000500/messages/@original"))
		var got wireMessage
		if err := edit.Decode(&got); err != nil {
			t.Fatal(err)
		}
		if got.text() == "" || got.AllowedMentions == nil || got.AllowedMentions.Parse == nil {
			t.Errorf("edit: got %s, want the leaderboard with allowed_mentions", edit.JSON)
		}
	})

	t.Run("resumes after the connection drops", func(t *testing.T) {
		e.fake.Drop(t)
		e.fake.AwaitResume(t, 1)
		e.fake.Dispatch(t, "INTERACTION_CREATE", interaction("1180000000000000600", 2, member(hostID, plainPerms),
			command([]string{"spaces", "status"})))
		if cb, _ := e.callback("1180000000000000600"); cb.Type != 4 {
			t.Errorf("callback type after resuming: got %d, want 4", cb.Type)
		}
	})
}

// checkCommandsMatchTable checks registered commands against the command
// table, both ways, and against Discord's rules for commands.
func checkCommandsMatchTable(t *testing.T, cmds []*discordgo.ApplicationCommand) {
	t.Helper()
	registered := map[string]*discordgo.ApplicationCommandOption{} // "spaces schedule add" → subcommand
	for _, root := range cmds {
		checkDiscordRules(t, root.Name, root.Description, len(root.Options))
		if root.Type != discordgo.ChatApplicationCommand {
			t.Errorf("/%s: type %d, want a slash command", root.Name, root.Type)
		}
		for _, o := range root.Options {
			checkDiscordRules(t, root.Name+" "+o.Name, o.Description, len(o.Options))
			switch o.Type {
			case discordgo.ApplicationCommandOptionSubCommand:
				registered[root.Name+" "+o.Name] = o
			case discordgo.ApplicationCommandOptionSubCommandGroup:
				for _, sub := range o.Options {
					checkDiscordRules(t, root.Name+" "+o.Name+" "+sub.Name, sub.Description, len(sub.Options))
					registered[root.Name+" "+o.Name+" "+sub.Name] = sub
				}
			default:
				t.Errorf("/%s %s: a top-level option of type %v, want subcommands only", root.Name, o.Name, o.Type)
			}
		}
	}
	for _, c := range bot.Commands() {
		sub, ok := registered[c.Name()]
		if !ok {
			t.Errorf("/%s is in the table but not registered", c.Name())
			continue
		}
		delete(registered, c.Name())
		if got, want := sub.Description, clip(c.Help, 100); got != want {
			t.Errorf("/%s description: got %q, want %q", c.Name(), got, want)
		}
		checkOptions(t, c, sub.Options)
	}
	for name := range registered {
		t.Errorf("/%s is registered but not in the table", name)
	}
}

func checkOptions(t *testing.T, c *bot.Command, got []*discordgo.ApplicationCommandOption) {
	t.Helper()
	if len(got) != len(c.Options) {
		t.Errorf("/%s: %d options registered, want %d", c.Name(), len(got), len(c.Options))
	}
	seenOptional := false
	for _, g := range got {
		checkDiscordRules(t, c.Name()+" "+g.Name, g.Description, 0)
		if !g.Required {
			seenOptional = true
		} else if seenOptional {
			t.Errorf("/%s: required option %s after an optional one", c.Name(), g.Name)
		}
		o := c.Option(g.Name)
		if o == nil {
			t.Errorf("/%s: option %s is not in the table", c.Name(), g.Name)
			continue
		}
		wantType := discordgo.ApplicationCommandOptionString
		if t, ok := optionTypes[o.Type]; ok {
			wantType = t
		}
		var choices []string
		for _, ch := range g.Choices {
			choices = append(choices, ch.Value.(string))
		}
		wantAuto := o.Type == bot.OptTimeZone || (o.Name == "id" && c.Path[1] == "schedule")
		if g.Type != wantType || g.Required != o.Required || g.Description != clip(o.Help, 100) ||
			!slices.Equal(choices, o.Choices) || g.Autocomplete != wantAuto {
			t.Errorf("/%s %s: got type %v required %v autocomplete %v choices %v %q; want %v %v %v %v %q",
				c.Name(), g.Name, g.Type, g.Required, g.Autocomplete, choices, g.Description,
				wantType, o.Required, wantAuto, o.Choices, o.Help)
		}
		if o.Type == bot.OptInt && (g.MinValue == nil || *g.MinValue != float64(o.Min) || g.MaxValue != float64(o.Max)) {
			t.Errorf("/%s %s: bounds %v..%v, want %d..%d", c.Name(), g.Name, g.MinValue, g.MaxValue, o.Min, o.Max)
		}
	}
}

// checkDiscordRules checks a name, description and option count against
// Discord's limits.
func checkDiscordRules(t *testing.T, name, description string, options int) {
	t.Helper()
	last := name[strings.LastIndex(name, " ")+1:]
	if !validName(last) {
		t.Errorf("%q: not a valid Discord command or option name", name)
	}
	if n := len([]rune(description)); n < 1 || n > 100 {
		t.Errorf("/%s: description of %d characters, want 1–100", name, n)
	}
	if options > 25 {
		t.Errorf("/%s: %d options, want at most 25", name, options)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestTheGatewayServesASecondTerm: on replicas Run is called each time
// this replica takes the gateway role back (after a database failover or
// a network blip broke its hold). The second term identifies a new
// session, not a resume of the one the first closed, and answers the
// gateway's interactions.
func TestTheGatewayServesASecondTerm(t *testing.T) {
	e := newEnv(t)
	e.seed()
	_, stop := e.startRun()
	<-e.a.Registered()
	e.fake.AwaitIdentifies(t, 1)
	stop() // the role is lost
	e.run()
	e.fake.AwaitIdentifies(t, 2)
	e.fake.AwaitCount(t, "the commands registered in each term", 2, fakediscord.To("PUT", "/commands"))
	e.fake.Dispatch(t, "INTERACTION_CREATE", interaction("1180000000000000700", 2, member(hostID, plainPerms),
		command([]string{"spaces", "status"})))
	if cb, _ := e.callback("1180000000000000700"); cb.Type != 4 {
		t.Errorf("callback type in the second term: got %d, want 4", cb.Type)
	}
	if strings.Contains(e.logs.String(), "dropped an interaction") {
		t.Errorf("the second term dropped an interaction; log:\n%s", e.logs.String())
	}
}

// TestEndedTermsLeaveNoSessionDialling: a term's end closes its session
// for good. discordgo's own reconnect loop outlives Close: a term stopped
// while Open was under way has its late session closed as soon as Open
// returns, before the session's heartbeat goroutine first writes; that
// write then fails on the closed connection and starts a reconnect loop
// that calls Open until it succeeds: the ended term's session is connected
// again, with nobody to close it (or, Discord gone, dials forever, logging
// through slog's default logger). Each term here is stopped so; the test
// waits until no session heartbeats (a connected one does) and none is in
// discordgo's reconnect loop. With discordgo reconnecting, 6 of 20 were
// connected again.
func TestEndedTermsLeaveNoSessionDialling(t *testing.T) {
	e := newEnv(t)
	const terms = 20
	for i := range terms {
		_, stop := e.startRun()
		e.fake.AwaitIdentifies(t, i+1) // READY is on its way: Open has not returned
		stop()
	}
	guard := time.NewTimer(20 * time.Second) // each late Close takes discordgo a second
	defer guard.Stop()
	poll := time.NewTicker(10 * time.Millisecond) // polling goroutines' state, not waiting out a clock
	defer poll.Stop()
	for {
		stacks := goroutineStacks()
		beating := strings.Count(stacks, "discordgo.(*Session).heartbeat(")
		looping := strings.Count(stacks, "discordgo.(*Session).reconnect(")
		if beating == 0 && looping == 0 {
			return
		}
		select {
		case <-poll.C:
		case <-guard.C:
			t.Fatalf("after %d terms ended, %d sessions still heartbeat (connected again) and %d are in discordgo's reconnect loop", terms, beating, looping)
		}
	}
}

// goroutineStacks is every goroutine's stack.
func goroutineStacks() string {
	buf := make([]byte, 8<<20)
	return string(buf[:runtime.Stack(buf, true)])
}
