package main

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"sparkbot/bot"
	"sparkbot/web"
)

// The dashboard and calendar feeds (package web) on the public listener:
// with a platform, on the listener the platforms share; on the console, on
// a loopback listener of their own, so a newcomer can open the dashboard
// beside the console.

// defaultPublicURL is where links point when SPARKBOT_PUBLIC_URL is unset.
const defaultPublicURL = "http://127.0.0.1:8080"

// site is the dashboard, built and ready to be served.
type site struct {
	server    *web.Server
	dashboard *bot.Dashboard
	router    *bot.Router
	// explicitURL is whether SPARKBOT_PUBLIC_URL was set; if not, the
	// console's links follow the address it listens on.
	explicitURL bool
	// proxied is whether SPARKBOT_TRUSTED_PROXIES names the proxies in
	// front of sparkbot.
	proxied bool
	logger  *slog.Logger
}

// newSite builds the dashboard over db. It does not yet let the router
// hand out links: serving does (platformSite, serveConsoleSite). Sign-in
// attempts are limited on wall, the wall clock (in the database with
// replicas, as the commands' limit is).
func (a *App) newSite(db store, router *bot.Router, clock, wall bot.Clock, logger *slog.Logger) (*site, error) {
	public := a.Getenv("SPARKBOT_PUBLIC_URL")
	explicit := public != ""
	if !explicit {
		public = defaultPublicURL
	}
	public = strings.TrimSuffix(public, "/")
	proxies, err := web.ParseTrustedProxies(a.Getenv("SPARKBOT_TRUSTED_PROXIES"))
	if err != nil {
		return nil, err
	}
	srv, err := web.New(web.Config{Store: db, Router: router, Clock: clock, Random: rand.Reader, PublicURL: public, Logger: logger,
		SignIns: limiterOf(db, wall, web.SignInsPerMinute), TrustedProxies: proxies})
	if err != nil {
		return nil, errors.New("SPARKBOT_PUBLIC_URL must be the dashboard's public address, like https://bot.example.org")
	}
	return &site{server: srv, router: router, explicitURL: explicit, proxied: len(proxies) > 0, logger: logger,
		dashboard: &bot.Dashboard{Tokens: db, Random: rand.Reader, URL: public}}, nil
}

// platformSite mounts the dashboard on the platforms' shared listener. A
// loopback public address is worth a warning there: links in chat would
// open only on the machine sparkbot runs on.
func (s *site) platformSite() *platform {
	if loopbackURL(s.dashboard.URL) {
		s.logger.Warn("SPARKBOT_PUBLIC_URL is a loopback address: dashboard and calendar links will not open for anyone else; set it to sparkbot's public https address",
			"url", s.dashboard.URL)
	}
	if strings.HasPrefix(s.dashboard.URL, "https:") && !s.proxied {
		s.logger.Warn("SPARKBOT_TRUSTED_PROXIES is not set: behind a TLS proxy every sign-in comes from the proxy's address, so one client's attempts count against everyone's limit; set it to the proxy's address")
	}
	s.router.SetDashboard(s.dashboard)
	routes := map[string]http.Handler{}
	for _, pattern := range web.Routes() {
		routes[pattern] = s.server
	}
	return &platform{name: "dashboard", routes: routes, run: func(ctx context.Context) error { <-ctx.Done(); return nil }}
}

// serveConsoleSite serves the dashboard on addr (loopback when addr names
// no host) while fn runs. If addr cannot be listened on, the console runs
// without a dashboard and says so in the log.
func (s *site) serveConsoleSite(ctx context.Context, addr string, fn func() error) error {
	if host, _, err := net.SplitHostPort(addr); err == nil && host == "" {
		addr = "127.0.0.1" + addr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.logger.Warn("no dashboard: its listener could not start (set --http to a free address)", "addr", addr, "err", err)
		return fn()
	}
	if !s.explicitURL {
		s.dashboard.URL = "http://" + ln.Addr().String()
	}
	s.router.SetDashboard(s.dashboard)
	srv := &http.Server{Handler: s.server, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }() // ends with Shutdown below
	// The address and the path apart: the logging package redacts a URL's
	// path (a Slack response_url carries its secret there).
	s.logger.Info("dashboard listening; sign in with the link /cohort dashboard or /spaces dashboard prints",
		"addr", "http://"+ln.Addr().String(), "path", "/dashboard/")
	err = fn()
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	srv.Shutdown(shutdownCtx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// loopbackURL reports whether a URL's host is a loopback name or address.
func loopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && loopbackHost(u.Hostname())
}
