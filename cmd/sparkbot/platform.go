package main

import (
	"context"
	"log/slog"
	"net/http"

	"sparkbot/bot"
)

// platform is one started chat platform (Discord, Slack): what the rest of
// the program needs from it.
type platform struct {
	name     bot.Platform
	notifier bot.Notifier
	// run blocks until ctx ends. A platform that cannot reach its service
	// logs and retries inside run rather than returning an error, so the
	// other platforms and the HTTP listener keep working.
	run func(ctx context.Context) error
	// routes are mounted on the process's one HTTP listener ("POST /slack/commands").
	routes map[string]http.Handler
}

// platformEnv is what a platform factory may read.
type platformEnv struct {
	getenv func(string) string
	router *bot.Router
	clock  bot.Clock
	logger *slog.Logger
}

// platformFactories build the platforms whose settings are present; each
// platform's file registers its factory in init. A factory returns nil, nil
// when its platform is not configured.
var platformFactories []func(env platformEnv) (*platform, error)
