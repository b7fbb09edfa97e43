package main

import (
	"strings"
	"time"

	"sparkbot/adapters/slack"
	"sparkbot/bot"
)

func init() { platformFactories = append(platformFactories, slackPlatform) }

// slackPlatform starts Slack when its tokens are set: Socket Mode with
// SPARKBOT_SLACK_APP_TOKEN and SPARKBOT_SLACK_BOT_TOKEN, HTTP mode (routes
// on the shared listener) with SPARKBOT_SLACK_SIGNING_SECRET and the bot
// token. SPARKBOT_SLACK_STAFF lists staff user ids, comma-separated;
// SPARKBOT_SLACK_API_URL overrides the Web API base URL.
func slackPlatform(env platformEnv) (*platform, error) {
	cfg := slack.Config{
		BotToken:      strings.TrimSpace(env.getenv("SPARKBOT_SLACK_BOT_TOKEN")),
		AppToken:      strings.TrimSpace(env.getenv("SPARKBOT_SLACK_APP_TOKEN")),
		SigningSecret: strings.TrimSpace(env.getenv("SPARKBOT_SLACK_SIGNING_SECRET")),
		APIURL:        strings.TrimSpace(env.getenv("SPARKBOT_SLACK_API_URL")),
		Staff:         strings.Split(env.getenv("SPARKBOT_SLACK_STAFF"), ","),
		Clock:         env.clock,
		Logger:        env.logger,
		HTTPClient:    env.httpClient(bot.Slack, 30*time.Second),
		Replay:        env.replay,
	}
	if cfg.BotToken == "" && cfg.AppToken == "" && cfg.SigningSecret == "" {
		return nil, nil
	}
	a, err := slack.New(cfg, env.chat())
	if err != nil {
		return nil, err
	}
	return &platform{name: bot.Slack, notifier: a, run: a.Run, routes: a.Routes(), ready: a.Ready}, nil
}
