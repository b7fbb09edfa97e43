package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"sparkbot/adapters/console"
	"sparkbot/bot"
	"sparkbot/scheduler"
	"sparkbot/storage/bolt"
)

// App is the sparkbot program: configuration in, adapters and storage wired
// and run. Tests start the same App on a temp dir.
type App struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Interactive overrides terminal detection when set (tests).
	Interactive *bool
}

// Config is what flags and SPARKBOT_* variables set.
type Config struct {
	DB       string
	Now      string // RFC3339; a fake clock starts there
	User     string
	Staff    bool
	LogLevel string
	HTTPAddr string
}

func (a *App) parseConfig(args []string) (Config, error) {
	fs := flag.NewFlagSet("sparkbot", flag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	cfg := Config{}
	fs.StringVar(&cfg.DB, "db", envOr(a.Getenv, "SPARKBOT_DB", "./data/sparkbot.db"), "bbolt database file (SPARKBOT_DB)")
	fs.StringVar(&cfg.Now, "now", "", "console: run on a fake clock starting at this RFC3339 time, moved with :advance")
	fs.StringVar(&cfg.User, "user", envOr(a.Getenv, "USER", "host"), "console: the user you act as at first")
	fs.BoolVar(&cfg.Staff, "staff", false, "console: act as program staff at first")
	fs.StringVar(&cfg.LogLevel, "log-level", envOr(a.Getenv, "SPARKBOT_LOG_LEVEL", "info"), "debug, info, warn or error (SPARKBOT_LOG_LEVEL)")
	fs.StringVar(&cfg.HTTPAddr, "http", envOr(a.Getenv, "SPARKBOT_HTTP_ADDR", ":8080"), "address of the HTTP listener: platform endpoints, dashboard, calendar feeds; the console's is on 127.0.0.1 unless a host is given (SPARKBOT_HTTP_ADDR)")
	fs.Usage = func() {
		fmt.Fprintf(a.Stderr, "Usage: sparkbot [flags]\n       sparkbot schedule preview --days tue,thu --at 20:00 --tz America/New_York [--from RFC3339] [--count N] [--json]\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q; see sparkbot -h", fs.Arg(0))
	}
	return cfg, nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// Main runs the program and returns its exit code.
func (a *App) Main(ctx context.Context, args []string) int {
	cfg, err := a.parseConfig(args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(a.Stderr, "sparkbot: %v\n", err)
		return 2
	}
	if err := a.run(ctx, cfg); err != nil {
		fmt.Fprintf(a.Stderr, "sparkbot: %v\n", err)
		return 1
	}
	return 0
}

func (a *App) run(ctx context.Context, cfg Config) error {
	logger, err := newLogger(a.Stderr, cfg.LogLevel)
	if err != nil {
		return err
	}
	var fake *bot.FakeClock
	var clock bot.Clock = bot.SystemClock{}
	zone := time.Local
	if cfg.Now != "" {
		start, err := time.Parse(time.RFC3339, cfg.Now)
		if err != nil {
			return fmt.Errorf("--now must be an RFC3339 time, like 2026-11-30T09:00:00-05:00")
		}
		fake = bot.NewFakeClock(start)
		clock, zone = fake, start.Location()
	}
	db, err := bolt.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	sched := scheduler.New(db, clock, logger, scheduler.Config{})
	router := bot.NewRouter(db, clock, logger)
	router.SetPlanner(sched)
	// Platforms check request signatures against the wall clock, always.
	platforms, err := startPlatforms(platformEnv{getenv: a.Getenv, router: router, clock: bot.SystemClock{}, logger: logger})
	if err != nil {
		return err
	}
	dashboard, err := a.newSite(db, router, clock, logger)
	if err != nil {
		return err
	}
	if len(platforms) == 0 {
		return dashboard.serveConsoleSite(ctx, cfg.HTTPAddr, func() error { return a.runConsole(ctx, cfg, router, sched, fake, zone) })
	}
	if fake != nil {
		return fmt.Errorf("--now is for the console only; unset the platform tokens to use it")
	}
	for _, p := range platforms {
		sched.SetNotifier(p.name, p.notifier)
	}
	platforms = append(platforms, dashboard.platformSite())
	platforms = append(platforms, &platform{name: "scheduler", run: sched.Run})
	return runPlatforms(ctx, platforms, cfg.HTTPAddr, logger)
}

// runConsole runs the console adapter. On a fake clock the console drives
// the scheduler itself (:advance delivers what falls due on the way, in
// order); on the wall clock the scheduler runs on its own.
func (a *App) runConsole(ctx context.Context, cfg Config, router *bot.Router, sched *scheduler.Scheduler, fake *bot.FakeClock, zone *time.Location) error {
	ccfg := console.Config{User: cfg.User, Staff: cfg.Staff, Interactive: a.interactive(), Clock: fake, Zone: zone,
		FileDir: filepath.Join(filepath.Dir(cfg.DB), "exports")}
	if fake != nil {
		ccfg.Advance = func(ctx context.Context, to time.Time) { sched.AdvanceTo(ctx, fake, to) }
		ccfg.Settle = sched.RunDue
	}
	con := console.New(ccfg, a.Stdout)
	sched.SetNotifier(bot.Console, con)
	if fake != nil {
		if err := sched.PlanAll(ctx); err != nil {
			return err
		}
		sched.RunDue(ctx)
		return con.Run(ctx, a.Stdin, router)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- sched.Run(ctx) }() // stopped by cancel when the console ends
	err := con.Run(ctx, a.Stdin, router)
	cancel()
	if serr := <-done; err == nil {
		err = serr
	}
	return err
}

func startPlatforms(env platformEnv) ([]*platform, error) {
	var out []*platform
	for _, factory := range platformFactories {
		p, err := factory(env)
		if err != nil {
			return nil, err
		}
		if p != nil {
			out = append(out, p)
		}
	}
	return out, nil
}

// runPlatforms runs every platform and, if any serves HTTP, the one HTTP
// listener, until ctx ends or one of them fails for good. On the way out
// the listener drains first and the platforms stop after it, so no request
// it accepted starts work on a platform that has stopped.
func runPlatforms(ctx context.Context, platforms []*platform, addr string, logger *slog.Logger) error {
	httpCtx, stopHTTP := context.WithCancel(ctx)
	defer stopHTTP()
	platformCtx, stopPlatforms := context.WithCancel(context.WithoutCancel(ctx))
	defer stopPlatforms()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	serveHTTP := false
	platformErrs := make(chan error, len(platforms))
	for _, p := range platforms {
		for pattern, h := range p.routes {
			mux.Handle(pattern, h)
			serveHTTP = true
		}
		go func() { platformErrs <- p.run(platformCtx) }()
	}
	httpErr := make(chan error, 1)
	if serveHTTP {
		srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { httpErr <- serveUntil(httpCtx, srv, logger) }()
	} else {
		httpErr <- nil
		httpErr = nil // nothing to wait for below
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
	case err := <-httpErr:
		keep(err)
		httpErr = nil
	case err := <-platformErrs:
		keep(err)
		running--
	}
	stopHTTP()
	if httpErr != nil {
		keep(<-httpErr)
	}
	stopPlatforms()
	for ; running > 0; running-- {
		keep(<-platformErrs)
	}
	return first
}

// serveUntil serves srv until ctx ends, then shuts it down gracefully.
func serveUntil(ctx context.Context, srv *http.Server, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		return fmt.Errorf("HTTP listener on %s: %w (set --http or SPARKBOT_HTTP_ADDR to another address)", srv.Addr, err)
	}
	logger.Info("HTTP listener started", "addr", ln.Addr().String())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(shutdownCtx)
	<-done
	return nil
}

// interactive reports whether standard input is a terminal.
func (a *App) interactive() bool {
	if a.Interactive != nil {
		return *a.Interactive
	}
	f, ok := a.Stdin.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level must be debug, info, warn or error, not %q", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}
