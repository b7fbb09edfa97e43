package main

import (
	"context"
	"log/slog"

	"sparkbot/bot"
	"sparkbot/metrics"
)

// limitedHandler is the router as Discord and Slack see it: each user may
// run limiter's number of commands and clicks a minute; past that they get
// a friendly refusal and the router never sees the request. The console,
// a person at their own keyboard, gets the router itself.
type limitedHandler struct {
	*bot.Router
	limiter rateLimiter // a nil *edge.Limiter: no limit
	metrics *metrics.Metrics
	log     *slog.Logger
}

// rateLimiter is edge.Limiter, or its PostgreSQL twin shared by replicas.
type rateLimiter interface {
	Allow(key string) bool
	PerMinute() int
}

func newLimitedHandler(r *bot.Router, l rateLimiter, m *metrics.Metrics, log *slog.Logger) *limitedHandler {
	return &limitedHandler{Router: r, limiter: l, metrics: m, log: log}
}

// outcomeRateLimited is a refused request's outcome in logs and metrics.
const outcomeRateLimited = "rate_limited"

// Handle runs req unless its user is over the limit.
func (h *limitedHandler) Handle(ctx context.Context, req bot.Request) bot.Response {
	if h.limiter.Allow(req.Workspace.Key() + "/" + req.UserID) {
		return h.Router.Handle(ctx, req)
	}
	command := bot.CommandName(req)
	h.log.Warn("command refused", "workspace", req.Workspace.Key(), "user", req.UserID,
		"command", command, "outcome", outcomeRateLimited, "limit_per_minute", h.limiter.PerMinute())
	if h.metrics != nil {
		h.metrics.CommandDone(ctx, bot.CommandEvent{Workspace: req.Workspace, Command: command, Outcome: outcomeRateLimited})
	}
	resp := bot.Reply("Slow down a little: sparkbot takes up to %d commands a minute from one person, so everyone gets a quick answer. Try again in a minute.",
		h.limiter.PerMinute())
	resp.Failed = true
	return resp
}
