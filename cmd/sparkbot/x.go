package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"sparkbot/adapters/xsource"
	"sparkbot/bot"
	"sparkbot/metrics"
	"sparkbot/scheduler"
	"sparkbot/xapi"
)

// X (issue 9) is on when SPARKBOT_X_BEARER_TOKEN is set: the router checks
// pasted links and resolves handles on X, and the scheduler's watch job
// polls linked hosts' Spaces. SPARKBOT_X_API_URL points the client at a
// fake X or a proxy (default https://api.x.com); the console honours both.
// Without the token nothing calls X and everything works as before.

// xTimeout bounds one request to X.
const xTimeout = 10 * time.Second

// wireX connects router and sched to X when a token is set. The client's
// rate limits run on the wall clock (a.XWall in tests), whatever clock the
// bot runs on, so :advance on the console waits for X's limits.
func (a *App) wireX(router *bot.Router, sched *scheduler.Scheduler, st bot.Store, clock bot.Clock, m *metrics.Metrics, logger *slog.Logger) error {
	token := a.getenv("SPARKBOT_X_BEARER_TOKEN")
	if token == "" {
		return nil
	}
	wall := a.XWall
	if wall == nil {
		wall = xapi.SystemWall{}
	}
	base := a.getenv("SPARKBOT_X_API_URL")
	c, err := xapi.New(xapi.Config{BaseURL: base, BearerToken: token, Wall: wall, Logger: logger,
		HTTPClient: &http.Client{Timeout: xTimeout, Transport: m.Transport("x", nil)}})
	if err != nil {
		return fmt.Errorf("X: %w (check SPARKBOT_X_BEARER_TOKEN and SPARKBOT_X_API_URL)", err)
	}
	src := xsource.New(c, wall, logger)
	router.SetX(src)
	sched.SetWatcher(bot.NewWatcher(st, src, clock, sched, logger))
	m.WatchXBudgets(c)
	if base == "" {
		base = xapi.DefaultBaseURL
	}
	logger.Info("watching X for linked hosts' Spaces", "api", base)
	return nil
}
