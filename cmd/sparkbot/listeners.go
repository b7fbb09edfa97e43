package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"sparkbot/admin"
	"sparkbot/bot"
	"sparkbot/metrics"
	"sparkbot/scheduler"
)

// server is one HTTP listener, bound before anything starts so that a
// taken port stops the start at once.
type server struct {
	name string // "public", "admin"
	srv  *http.Server
	ln   net.Listener
}

// servers are the process's listeners and how long a stop may take.
type servers struct {
	public, admin *server // nil when not started
	grace         time.Duration
}

// adminDeps is what the admin listener serves from.
type adminDeps struct {
	metrics *metrics.Metrics
	db      store
	sched   *scheduler.Scheduler
	clock   bot.Clock
}

// listen binds the public listener (when a platform serves HTTP) and the
// admin listener (unless turned off).
func (a *App) listen(cfg Config, platforms []*platform, logger *slog.Logger, deps adminDeps) (servers, error) {
	srv := servers{grace: cfg.ShutdownGrace}
	if mux := publicRoutes(platforms); mux != nil {
		s, err := a.bind("public", cfg.HTTPAddr, "--http or SPARKBOT_HTTP_ADDR", publicServer(cfg, mux, logger))
		if err != nil {
			return srv, err
		}
		srv.public = s
	}
	if cfg.AdminAddr != "" {
		h := admin.Handler(admin.Config{Token: cfg.AdminToken, Metrics: deps.metrics.Handler(), Backup: backuperOf(deps.db),
			Checks: readiness(deps, platforms), Logger: logger})
		s, err := a.bind("admin", cfg.AdminAddr, "--admin or SPARKBOT_ADMIN_ADDR (empty turns it off)", adminServer(h, logger))
		if err != nil {
			if srv.public != nil {
				srv.public.ln.Close()
			}
			return srv, err
		}
		srv.admin = s
	}
	return srv, nil
}

func (a *App) bind(name, addr, setting string, hs *http.Server) (*server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s listener on %s: %w (set %s to another address)", name, addr, err, setting)
	}
	if a.Listening != nil {
		a.Listening(name, ln.Addr())
	}
	return &server{name: name, srv: hs, ln: ln}, nil
}

// publicRoutes mounts every platform's routes, or returns nil when none
// serves HTTP.
func publicRoutes(platforms []*platform) *http.ServeMux {
	mux := http.NewServeMux()
	serve := false
	for _, p := range platforms {
		for pattern, h := range p.routes {
			mux.Handle(pattern, h)
			serve = true
		}
	}
	if !serve {
		return nil
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	return mux
}

// publicServer is the listener the platforms post to: bounded headers, a
// deadline on reading each request (a trickled body is cut off), a bound
// on idle keep-alive connections, and on writing a response.
func publicServer(cfg Config, h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: cfg.HeaderTimeout,
		ReadTimeout:       cfg.BodyTimeout,
		WriteTimeout:      cfg.BodyTimeout + publicWriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// publicWriteTimeout is how long a handler and its response may take after
// the request was read: platform replies are due within 3 s.
const publicWriteTimeout = 30 * time.Second

// adminServer bounds headers and idle connections; its write timeout is
// lifted by /backup alone.
func adminServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: defaultHeaderTimeout, ReadTimeout: defaultBodyTimeout,
		WriteTimeout: time.Minute, IdleTimeout: defaultIdleTimeout, MaxHeaderBytes: maxHeaderBytes,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
}

// readiness are /readyz's checks: the database takes a write, the
// scheduler looked at its due index within two periods, each platform is
// connected.
func readiness(deps adminDeps, platforms []*platform) []admin.Check {
	checks := []admin.Check{
		{Name: "database", Run: func(ctx context.Context) error { return deps.db.Probe(ctx, deps.clock.Now()) }},
		{Name: "scheduler", Run: func(context.Context) error { return schedulerAwake(deps.sched, deps.clock.Now()) }},
	}
	for _, p := range platforms {
		if p.ready != nil {
			checks = append(checks, admin.Check{Name: string(p.name), Run: func(context.Context) error { return p.ready() }})
		}
	}
	return checks
}

// schedulerAwake fails when the scheduler has not looked at the due index
// within two of its periods.
func schedulerAwake(s *scheduler.Scheduler, now time.Time) error {
	last := s.LastWake()
	if last.IsZero() {
		return errors.New("has not looked at the due index yet")
	}
	if age := now.Sub(last); age > 2*s.Period() {
		return fmt.Errorf("last looked at the due index %s ago (it should every %s)", age.Round(time.Second), s.Period())
	}
	return nil
}

// runPlatforms runs every platform and the listeners until ctx ends or one
// of them fails for good. On the way out the public listener drains first
// (no new command is taken, requests in flight are answered), then the
// platforms and the scheduler stop, finishing what is in flight, within
// the grace; the admin listener answers until the end.
func runPlatforms(ctx context.Context, platforms []*platform, srv servers, logger *slog.Logger) error {
	platformCtx, stopPlatforms := context.WithCancel(context.WithoutCancel(ctx))
	defer stopPlatforms()
	platformErrs := make(chan error, len(platforms))
	for _, p := range platforms {
		go func() { platformErrs <- p.serve(platformCtx) }()
	}
	serveErrs := make(chan error, 2)
	for _, s := range []*server{srv.public, srv.admin} {
		if s != nil {
			logger.Info("HTTP listener started", "listener", s.name, "addr", s.ln.Addr().String())
			go func() { serveErrs <- serve(s) }()
		}
	}
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	running := len(platforms)
	select {
	case <-ctx.Done():
		logger.Info("stopping: no new commands; finishing replies and deliveries in flight", "grace", srv.grace)
	case err := <-serveErrs:
		keep(err)
	case err := <-platformErrs:
		keep(err)
		running--
	}
	deadline := time.Now().Add(srv.grace)
	keep(shutdown(srv.public, deadline))
	stopPlatforms()
	keep(waitPlatforms(platformErrs, running, deadline, logger))
	keep(shutdown(srv.admin, time.Now().Add(time.Second)))
	return first
}

// serve serves s until it is shut down.
func serve(s *server) error {
	if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("%s listener: %w", s.name, err)
	}
	return nil
}

// shutdown stops s gracefully, giving requests in flight until deadline.
func shutdown(s *server, deadline time.Time) error {
	if s == nil {
		return nil
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.srv.Close()
	}
	return nil
}

// waitPlatforms waits for running platforms to return, until deadline and a
// moment more; one that is still busy then is left behind (the process is
// ending) and logged.
func waitPlatforms(errs <-chan error, running int, deadline time.Time, logger *slog.Logger) error {
	var first error
	timeout := time.NewTimer(time.Until(deadline) + time.Second)
	defer timeout.Stop()
	for ; running > 0; running-- {
		select {
		case err := <-errs:
			if err != nil && first == nil {
				first = err
			}
		case <-timeout.C:
			logger.Error("stopping: gave up waiting for work in flight", "still_running", running)
			return first
		}
	}
	return first
}
