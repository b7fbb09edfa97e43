package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"sparkbot/adapters/console"
	"sparkbot/bot"
	"sparkbot/logging"
	"sparkbot/metrics"
	"sparkbot/scheduler"
	"sparkbot/xapi"
)

// App is the sparkbot program: configuration in, adapters and storage wired
// and run. Tests start the same App on a temp dir.
type App struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// LookupEnv tells a variable set empty from one unset
	// (SPARKBOT_ADMIN_ADDR= turns the admin listener off); when nil, an
	// empty Getenv value counts as unset.
	LookupEnv func(string) (string, bool)
	// Environ lists the environment, so every SPARKBOT_ secret is kept
	// out of the logs; when nil, the known secret variables are read.
	Environ func() []string
	// Interactive overrides terminal detection when set (tests).
	Interactive *bool
	// Listening, when set, hears each listener's address once it is bound
	// ("public", "admin"): tests start on :0 ports.
	Listening func(name string, addr net.Addr)
	// XWall is the wall clock X's rate limits run on (x.go); nil: real time.
	XWall xapi.WallClock
}

func (a *App) getenv(key string) string { return a.Getenv(key) }

func (a *App) lookupEnv(key string) (string, bool) {
	if a.LookupEnv != nil {
		return a.LookupEnv(key)
	}
	v := a.Getenv(key)
	return v, v != ""
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
	logger, err := a.newLogger(cfg)
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
	db, err := a.openStore(ctx, cfg, logger) // bbolt, or PostgreSQL (postgres.go)
	if err != nil {
		return err
	}
	defer db.Close()
	sched := scheduler.New(db, clock, logger, scheduler.Config{ShutdownGrace: cfg.ShutdownGrace})
	router := bot.NewRouter(db, clock, logger)
	router.SetPlanner(sched)
	wall := bot.SystemClock{} // signatures, rate limits and metrics run on the wall clock, always
	m := metrics.New()
	if err := a.wireX(router, sched, db, clock, m, logger); err != nil {
		return err
	}
	env := platformEnv{getenv: a.Getenv, router: router, clock: wall, logger: logger, metrics: m,
		replay:  replayGuardOf(db, wall),
		handler: newLimitedHandler(router, limiterOf(db, wall, cfg.UserRate), m, logger)}
	platforms, err := startPlatforms(env)
	if err != nil {
		return err
	}
	shareRoles(db, cfg.Database, platforms, a.getenv)
	dashboard, err := a.newSite(db, router, clock, wall, logger)
	if err != nil {
		return err
	}
	if len(platforms) == 0 {
		obs := observer{log: logger, level: slog.LevelDebug} // a person at a console: their own lines
		router.SetObserver(obs)
		sched.SetObserver(obs)
		return dashboard.serveConsoleSite(ctx, cfg.HTTPAddr, func() error { return a.runConsole(ctx, cfg, router, sched, fake, zone) })
	}
	if fake != nil {
		return fmt.Errorf("--now is for the console only; unset the platform tokens to use it")
	}
	obs := observer{metrics: m, log: logger, level: slog.LevelInfo}
	router.SetObserver(obs)
	sched.SetObserver(obs)
	m.WatchState(wall, db, func(ctx context.Context, now time.Time) (map[bot.Standing]int, error) {
		return bot.CountStandings(ctx, db, now)
	})
	for _, p := range platforms {
		sched.SetNotifier(p.name, p.notifier)
	}
	platforms = append(platforms, dashboard.platformSite())
	srv, err := a.listen(cfg, platforms, logger, adminDeps{metrics: m, db: db, sched: sched, clock: wall})
	if err != nil {
		return err
	}
	platforms = append(platforms, &platform{name: "scheduler", run: sched.Run})
	return runPlatforms(ctx, platforms, srv, logger)
}

// newLogger is the program's logger, also set as slog's default so that
// discordgo's log lines pass through the same redaction.
func (a *App) newLogger(cfg Config) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level must be debug, info, warn or error, not %q", cfg.LogLevel)
	}
	logger, err := logging.New(a.Stderr, logging.Options{Format: cfg.LogFormat, Level: level, Secrets: a.secrets()})
	if err != nil {
		return nil, fmt.Errorf("--log-format (SPARKBOT_LOG_FORMAT): %w", err)
	}
	slog.SetDefault(logger)
	return logger, nil
}

// secretVars are the variables that hold secrets, read when the whole
// environment cannot be listed.
var secretVars = []string{"SPARKBOT_DISCORD_TOKEN", "SPARKBOT_SLACK_BOT_TOKEN", "SPARKBOT_SLACK_APP_TOKEN",
	"SPARKBOT_SLACK_SIGNING_SECRET", "SPARKBOT_ADMIN_TOKEN", "SPARKBOT_X_BEARER_TOKEN"}

// secrets are the values of SPARKBOT_ variables named like secrets
// (TOKEN, SECRET), never to be logged.
func (a *App) secrets() []string {
	out := databaseSecrets(a.getenv("SPARKBOT_DATABASE_URL")) // postgres.go
	if a.Environ == nil {
		for _, k := range secretVars {
			out = append(out, a.getenv(k))
		}
		return out
	}
	for _, kv := range a.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "SPARKBOT_") && (strings.Contains(k, "TOKEN") || strings.Contains(k, "SECRET")) {
			out = append(out, v)
		}
	}
	return out
}

// runConsole runs the console adapter. On a fake clock the console drives
// the scheduler itself (:advance delivers what falls due on the way, in
// order); on the wall clock the scheduler runs on its own.
func (a *App) runConsole(ctx context.Context, cfg Config, router *bot.Router, sched *scheduler.Scheduler, fake *bot.FakeClock, zone *time.Location) error {
	ccfg := console.Config{User: cfg.User, Staff: cfg.Staff, Interactive: a.interactive(), Clock: fake, Zone: zone,
		FileDir: cfg.exportDir()}
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
