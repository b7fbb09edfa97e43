package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"sparkbot/bot"
	"sparkbot/metrics"
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
	// drain, if set, is called once run has returned, when the process
	// stops: it waits for the platform's replies in flight. run may be
	// called more than once before it (holdRole's terms), so its own end
	// is not the platform's.
	drain func()
	// routes are mounted on the process's public HTTP listener ("POST /slack/commands").
	routes map[string]http.Handler
	// ready reports whether the platform can take commands (/readyz).
	ready func() error
}

// platformEnv is what a platform factory may read.
type platformEnv struct {
	getenv func(string) string
	router *bot.Router
	// handler is the router as chat platforms see it: rate limited per
	// user. Nil means the router itself (tests).
	handler *limitedHandler
	clock   bot.Clock
	logger  *slog.Logger
	replay  replayGuard      // nil: no replay check (tests)
	metrics *metrics.Metrics // nil: nothing counted (tests)
}

// chatHandler is what the chat adapters send requests to.
type chatHandler interface {
	Handle(ctx context.Context, req bot.Request) bot.Response
	Suggest(ctx context.Context, req bot.Request, option, typed string) []bot.Suggestion
}

// chat is the handler the chat adapters get.
func (env platformEnv) chat() chatHandler {
	if env.handler == nil {
		return env.router
	}
	return env.handler
}

// replayGuard is what the adapters remember signed requests in.
type replayGuard interface {
	FirstSeen(ctx context.Context, key string, until time.Time) (bool, error)
}

// httpClient is a client for platform's API with timeout, its requests
// counted in the metrics. It keeps up to apiIdleConns connections open
// between calls: Go's default of two per host would close the rest after
// every burst (a reminder run's DMs, many users' commands at once) and
// make the next burst pay a TLS handshake for each.
func (env platformEnv) httpClient(platform bot.Platform, timeout time.Duration) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = apiIdleConns
	c := &http.Client{Timeout: timeout, Transport: transport}
	if env.metrics != nil {
		c.Transport = env.metrics.Transport(string(platform), transport)
	}
	return c
}

// apiIdleConns is how many idle connections a platform's API client keeps
// to its host: about as many calls as sparkbot makes at once.
const apiIdleConns = 32

// platformFactories build the platforms whose settings are present; each
// platform's file registers its factory in init. A factory returns nil, nil
// when its platform is not configured.
var platformFactories []func(env platformEnv) (*platform, error)

// serve runs p until ctx ends, then drains it.
func (p *platform) serve(ctx context.Context) error {
	err := p.run(ctx)
	if p.drain != nil {
		p.drain()
	}
	return err
}
