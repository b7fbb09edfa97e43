package discord

import (
	"context"
	"log/slog"
	"testing"

	"github.com/bwmarrin/discordgo"

	"sparkbot/adapters/discord/fakediscord"
	"sparkbot/bot"
)

func TestRegisterScope(t *testing.T) {
	for _, tc := range []struct {
		name, guild, path string
	}{
		{"global without a guild", "", "/applications/1180000000000000001/commands"},
		{"in the development guild", guildID, "/applications/1180000000000000001/guilds/" + guildID + "/commands"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.GuildID = tc.guild })
			if err := e.a.register(context.Background(), e.fake.AppID); err != nil {
				t.Fatal(err)
			}
			calls := e.fake.Calls()
			if len(calls) != 1 || calls[0].Method != "PUT" || calls[0].Path != fakediscord.Prefix+tc.path {
				t.Fatalf("calls: got %+v, want one PUT %s", calls, tc.path)
			}
			var cmds []*discordgo.ApplicationCommand
			if err := calls[0].Decode(&cmds); err != nil {
				t.Fatal(err)
			}
			checkCommandsMatchTable(t, cmds)
			for _, c := range cmds {
				if c.Contexts == nil || len(*c.Contexts) != 1 || (*c.Contexts)[0] != discordgo.InteractionContextGuild {
					t.Errorf("/%s contexts: got %v, want guild only", c.Name, c.Contexts)
				}
			}
		})
	}
}

func TestCommandShapes(t *testing.T) {
	cmds := applicationCommands(bot.Commands())
	find := func(path ...string) *discordgo.ApplicationCommandOption {
		for _, c := range cmds {
			if c.Name != path[0] {
				continue
			}
			opts := c.Options
			var found *discordgo.ApplicationCommandOption
			for _, name := range path[1:] {
				found = nil
				for _, o := range opts {
					if o.Name == name {
						found, opts = o, o.Options
						break
					}
				}
				if found == nil {
					return nil
				}
			}
			return found
		}
		return nil
	}
	for _, tc := range []struct {
		path []string
		want discordgo.ApplicationCommandOptionType
	}{
		{[]string{"spaces", "schedule"}, discordgo.ApplicationCommandOptionSubCommandGroup},
		{[]string{"spaces", "schedule", "add"}, discordgo.ApplicationCommandOptionSubCommand},
		{[]string{"spaces", "schedule", "add", "tz"}, discordgo.ApplicationCommandOptionString},
		{[]string{"spaces", "log"}, discordgo.ApplicationCommandOptionSubCommand},
		{[]string{"spaces", "log", "listeners"}, discordgo.ApplicationCommandOptionInteger},
		{[]string{"cohort", "approve", "user"}, discordgo.ApplicationCommandOptionUser},
		{[]string{"cohort", "settings", "digest"}, discordgo.ApplicationCommandOptionChannel},
		{[]string{"spaces", "reminders", "state"}, discordgo.ApplicationCommandOptionString},
	} {
		o := find(tc.path...)
		if o == nil {
			t.Errorf("%v: not registered", tc.path)
			continue
		}
		if o.Type != tc.want {
			t.Errorf("%v: got type %v, want %v", tc.path, o.Type, tc.want)
		}
	}
	if o := find("spaces", "reminders", "state"); o != nil && (len(o.Choices) != 2 || o.Autocomplete) {
		t.Errorf("state: got choices %v autocomplete %v, want on/off choices and no autocomplete", o.Choices, o.Autocomplete)
	}
	if o := find("cohort", "settings", "digest"); o != nil && len(o.ChannelTypes) == 0 {
		t.Error("digest: want channel types limited to text and announcement channels")
	}
	for _, path := range [][]string{{"spaces", "timezone", "tz"}, {"spaces", "schedule", "remove", "id"}} {
		if o := find(path...); o == nil || !o.Autocomplete {
			t.Errorf("%v: want autocomplete", path)
		}
	}
}

// TestBaseURL: with BaseURL set (SPARKBOT_DISCORD_API_URL), REST calls go
// there instead of discord.com.
func TestBaseURL(t *testing.T) {
	fake := fakediscord.New(t)
	a, err := New(Config{Token: "t", BaseURL: fake.URL(), Logger: slog.New(slog.DiscardHandler)}, fixed{})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.register(context.Background(), fake.AppID); err != nil {
		t.Fatal(err)
	}
	fake.Await(t, "the registration", fakediscord.To("PUT", "/applications/"+fake.AppID+"/commands"))
	if _, err := New(Config{Token: "t", BaseURL: "discord.example"}, fixed{}); err == nil {
		t.Error("a base URL without a scheme: got no error")
	}
}
