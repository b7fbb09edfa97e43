package main

import (
	"context"
	"log/slog"

	"sparkbot/bot"
	"sparkbot/metrics"
	"sparkbot/scheduler"
)

// observer writes one log line per command and per delivery attempt, with
// workspace, command or job kind and outcome, and counts them in the
// metrics when there are any.
type observer struct {
	metrics *metrics.Metrics // nil on the console
	log     *slog.Logger
	level   slog.Level
}

var (
	_ bot.CommandObserver        = observer{}
	_ scheduler.DeliveryObserver = observer{}
)

func (o observer) CommandDone(ctx context.Context, e bot.CommandEvent) {
	if o.metrics != nil {
		o.metrics.CommandDone(ctx, e)
	}
	o.log.Log(ctx, o.level, "command", "workspace", e.Workspace.Key(), "user", e.UserID,
		"command", e.Command, "outcome", e.Outcome, "duration", e.Duration)
}

func (o observer) DeliveryDone(ctx context.Context, e scheduler.DeliveryEvent) {
	if o.metrics != nil {
		o.metrics.DeliveryDone(ctx, e)
	}
	o.log.Log(ctx, o.level, "delivery", "workspace", e.Workspace.Key(), "kind", e.Kind,
		"outcome", e.Result, "late", e.Lateness, "attempts", e.Attempts)
}
