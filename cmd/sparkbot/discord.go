package main

import (
	"fmt"
	"strings"
	"time"

	"sparkbot/adapters/discord"
	"sparkbot/bot"
)

func init() { platformFactories = append(platformFactories, discordPlatform) }

// discordPlatform starts Discord when SPARKBOT_DISCORD_TOKEN is set: the
// gateway, with the slash commands registered in SPARKBOT_DISCORD_GUILD
// (instant, for development) or globally. SPARKBOT_DISCORD_STAFF_ROLE is
// the staff role's id; members with Manage Server are staff too. With
// SPARKBOT_DISCORD_PUBLIC_KEY set, interactions are also served on
// POST /discord/interactions (an Interactions Endpoint URL).
// SPARKBOT_DISCORD_API_URL replaces https://discord.com (tests, proxies).
// SPARKBOT_DISCORD_EVENTS=on shows hosts' coming Spaces as Scheduled Events.
func discordPlatform(env platformEnv) (*platform, error) {
	token := strings.TrimSpace(env.getenv("SPARKBOT_DISCORD_TOKEN"))
	if token == "" {
		return nil, nil
	}
	a, err := discord.New(discord.Config{
		Token:      token,
		GuildID:    strings.TrimSpace(env.getenv("SPARKBOT_DISCORD_GUILD")),
		StaffRole:  strings.TrimSpace(env.getenv("SPARKBOT_DISCORD_STAFF_ROLE")),
		PublicKey:  strings.TrimSpace(env.getenv("SPARKBOT_DISCORD_PUBLIC_KEY")),
		BaseURL:    strings.TrimSpace(env.getenv("SPARKBOT_DISCORD_API_URL")),
		Clock:      env.clock,
		Logger:     env.logger,
		HTTPClient: env.httpClient(bot.Discord, 20*time.Second),
		Replay:     env.replay,
	}, env.chat())
	if err != nil {
		return nil, err
	}
	var notifier bot.Notifier = a // publishes Scheduled Events too
	switch v := strings.TrimSpace(env.getenv("SPARKBOT_DISCORD_EVENTS")); v {
	case "on":
	case "", "off":
		notifier = notifierOnly{a} // hide the capability: no events
	default:
		return nil, fmt.Errorf("SPARKBOT_DISCORD_EVENTS must be on or off, not %q", v)
	}
	return &platform{name: bot.Discord, notifier: notifier, run: a.Run, drain: a.Drain, routes: a.Routes(), ready: a.Ready}, nil
}

// notifierOnly exposes a notifier's DMs and posts and none of its optional
// capabilities.
type notifierOnly struct{ bot.Notifier }
