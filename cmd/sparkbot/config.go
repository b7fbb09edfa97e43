package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is what flags and SPARKBOT_* variables set.
type Config struct {
	DB        string
	Now       string // RFC3339; a fake clock starts there
	User      string
	Staff     bool
	LogLevel  string
	LogFormat string // json, text, or "" for: text on a terminal, json otherwise
	HTTPAddr  string
	// AdminAddr is the admin listener's address; "" turns it off.
	AdminAddr  string
	AdminToken string // SPARKBOT_ADMIN_TOKEN only: a secret has no flag
	// UserRate is how many commands one user may run a minute on a chat
	// platform; 0 turns the limit off.
	UserRate int
	// Timeouts of the public listener.
	HeaderTimeout, BodyTimeout, IdleTimeout time.Duration
	// ShutdownGrace bounds how long a stop waits for replies and
	// deliveries in flight.
	ShutdownGrace time.Duration
	// Database selects and tunes PostgreSQL (postgres.go).
	Database databaseConfig
	// Exports is where the console saves the files the bot sends (a CSV
	// export); "" means exportDir's default.
	Exports string
}

// exportDir is where the console saves files: --exports, else beside the
// bbolt file (./data/exports), else, on PostgreSQL, which has no file to
// keep them beside, ./exports in the working directory.
func (cfg Config) exportDir() string {
	switch {
	case cfg.Exports != "":
		return cfg.Exports
	case cfg.Database.URL != "":
		return "exports"
	}
	return filepath.Join(filepath.Dir(cfg.DB), "exports")
}

// Defaults of the operational settings.
const (
	defaultAdminAddr     = "127.0.0.1:9090"
	defaultUserRate      = 20
	defaultHeaderTimeout = 10 * time.Second
	defaultBodyTimeout   = 15 * time.Second
	defaultIdleTimeout   = 120 * time.Second
	defaultShutdownGrace = 10 * time.Second
	// maxHeaderBytes bounds a request's headers on the public listener;
	// Slack's and Discord's are well under 8 KiB.
	maxHeaderBytes = 16 << 10
)

const usage = `Usage: sparkbot [flags]
       sparkbot backup --to FILE [--db FILE] [--admin ADDR]
       sparkbot restore --from FILE [--db FILE]
       sparkbot migrate --from FILE --to postgres://…
       sparkbot schedule preview --days tue,thu --at 20:00 --tz America/New_York [--from RFC3339] [--count N] [--json]

Flags:
`

// usageEnvironment ends the usage: what is set only in the environment.
const usageEnvironment = `
Discord and Slack start when their tokens are set (SPARKBOT_DISCORD_TOKEN,
SPARKBOT_SLACK_BOT_TOKEN, …); with neither, the console runs. X is on with
SPARKBOT_X_BEARER_TOKEN, on either. These and the other settings without a
flag (SPARKBOT_PUBLIC_URL, SPARKBOT_ADMIN_TOKEN, the replicas' tuning) are
in README.md's Configuration and the sections it points to.
`

func (a *App) parseConfig(args []string) (Config, error) {
	fs := flag.NewFlagSet("sparkbot", flag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	env := envReader{a: a}
	cfg := Config{AdminToken: strings.TrimSpace(a.getenv("SPARKBOT_ADMIN_TOKEN"))}
	fs.StringVar(&cfg.DB, "db", env.str("SPARKBOT_DB", "./data/sparkbot.db"), "bbolt database file (SPARKBOT_DB)")
	fs.StringVar(&cfg.Now, "now", "", "console: run on a fake clock starting at this RFC3339 time, moved with :advance")
	fs.StringVar(&cfg.User, "user", env.str("USER", "host"), "console: the user you act as at first")
	fs.BoolVar(&cfg.Staff, "staff", false, "console: act as program staff at first")
	fs.StringVar(&cfg.Exports, "exports", env.str("SPARKBOT_EXPORTS", ""), "console: where files the bot sends you (an export's CSV) are saved; default exports beside --db, or ./exports on PostgreSQL (SPARKBOT_EXPORTS)")
	fs.StringVar(&cfg.LogLevel, "log-level", env.str("SPARKBOT_LOG_LEVEL", "info"), "debug, info, warn or error (SPARKBOT_LOG_LEVEL)")
	fs.StringVar(&cfg.LogFormat, "log-format", env.str("SPARKBOT_LOG_FORMAT", ""), "json or text; default text on a terminal, json otherwise (SPARKBOT_LOG_FORMAT)")
	fs.StringVar(&cfg.HTTPAddr, "http", env.str("SPARKBOT_HTTP_ADDR", ":8080"), "address of the public HTTP listener: platform endpoints, dashboard, calendar feeds; the console's is on 127.0.0.1 unless a host is given (SPARKBOT_HTTP_ADDR)")
	fs.StringVar(&cfg.AdminAddr, "admin", env.set("SPARKBOT_ADMIN_ADDR", defaultAdminAddr), "address of the admin listener (metrics, health, backup); empty turns it off (SPARKBOT_ADMIN_ADDR)")
	fs.IntVar(&cfg.UserRate, "user-rate", env.integer("SPARKBOT_USER_RATE", defaultUserRate), "commands one user may run a minute on Discord and Slack; 0 turns the limit off (SPARKBOT_USER_RATE)")
	fs.DurationVar(&cfg.HeaderTimeout, "http-header-timeout", env.duration("SPARKBOT_HTTP_HEADER_TIMEOUT", defaultHeaderTimeout), "public listener: time to read a request's headers (SPARKBOT_HTTP_HEADER_TIMEOUT)")
	fs.DurationVar(&cfg.BodyTimeout, "http-body-timeout", env.duration("SPARKBOT_HTTP_BODY_TIMEOUT", defaultBodyTimeout), "public listener: time to read a whole request, body included (SPARKBOT_HTTP_BODY_TIMEOUT)")
	fs.DurationVar(&cfg.IdleTimeout, "http-idle-timeout", env.duration("SPARKBOT_HTTP_IDLE_TIMEOUT", defaultIdleTimeout), "public listener: how long an idle keep-alive connection stays open (SPARKBOT_HTTP_IDLE_TIMEOUT)")
	fs.DurationVar(&cfg.ShutdownGrace, "shutdown-grace", env.duration("SPARKBOT_SHUTDOWN_GRACE", defaultShutdownGrace), "on SIGTERM, how long replies and deliveries in flight may take (SPARKBOT_SHUTDOWN_GRACE)")
	databaseFlags(fs, &env, &cfg.Database)
	fs.Usage = func() {
		fmt.Fprint(a.Stderr, usage)
		fs.PrintDefaults()
		fmt.Fprint(a.Stderr, usageEnvironment)
	}
	if err := errors.Join(env.errs...); err != nil {
		return cfg, err
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q; see sparkbot -h", fs.Arg(0))
	}
	return cfg, cfg.check()
}

// check refuses settings that cannot work.
func (cfg Config) check() error {
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"--http-header-timeout", cfg.HeaderTimeout}, {"--http-body-timeout", cfg.BodyTimeout},
		{"--http-idle-timeout", cfg.IdleTimeout}, {"--shutdown-grace", cfg.ShutdownGrace}} {
		if d.v <= 0 {
			return fmt.Errorf("%s must be a positive duration, like 10s or 500ms", d.flag)
		}
	}
	if cfg.UserRate < 0 {
		return errors.New("--user-rate (SPARKBOT_USER_RATE) must be 0 (no limit) or more commands a minute")
	}
	if cfg.AdminAddr != "" && cfg.AdminToken == "" && !loopbackAddr(cfg.AdminAddr) {
		return fmt.Errorf("the admin listener --admin %s is not on loopback: set SPARKBOT_ADMIN_TOKEN (sent as a bearer token), or bind it to 127.0.0.1", cfg.AdminAddr)
	}
	return nil
}

// loopbackAddr reports whether a listen address can only be reached from
// this machine.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && loopbackHost(host)
}

// loopbackHost reports whether host is a loopback name or address.
func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// envReader reads SPARKBOT_* defaults for flags, collecting what it cannot parse.
type envReader struct {
	a    *App
	errs []error
}

// str is the variable's value, or def when it is unset or empty.
func (e *envReader) str(key, def string) string {
	if v := e.a.getenv(key); v != "" {
		return v
	}
	return def
}

// set is the variable's value when it is set, even empty; def when unset.
func (e *envReader) set(key, def string) string {
	if v, ok := e.a.lookupEnv(key); ok {
		return strings.TrimSpace(v)
	}
	return def
}

func (e *envReader) integer(key string, def int) int {
	v := strings.TrimSpace(e.a.getenv(key))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s must be a whole number, not %q", key, v))
		return def
	}
	return n
}

func (e *envReader) duration(key string, def time.Duration) time.Duration {
	v := strings.TrimSpace(e.a.getenv(key))
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s must be a duration like 10s or 500ms, not %q", key, v))
		return def
	}
	return d
}
