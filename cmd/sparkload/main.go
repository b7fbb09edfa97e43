// Command sparkload measures sparkbot's HTTP edge under load. It builds
// the real sparkbot and starts it in Slack HTTP mode against a fake Slack
// Web API on 127.0.0.1, seeds as many hosts as the load needs, sends
// correctly signed slash commands open-loop at a fixed rate, and reports
// the achieved rate, ack latency (p50, p99, max), errors and deferred acks,
// beside the same figures for a trivial net/http handler measured the same
// way in the same run: the floor.
//
//	go run ./cmd/sparkload -rate 1000 -duration 20s -path log
//
// Everything runs on this machine, so the load generator, the fake Slack
// and sparkbot share its cores; the floor shares them the same way.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "sparkload: %v\n", err)
		os.Exit(1)
	}
}

// config is what the flags say.
type config struct {
	rate     int
	duration time.Duration
	warmup   time.Duration
	paths    []string // commandPaths keys, in order
	bin      string   // a sparkbot binary to run; built when empty
	keep     bool     // keep the temporary directory (database, sparkbot's log)
	logLevel string
}

func parseConfig(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("sparkload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config{}
	path := "both"
	fs.IntVar(&cfg.rate, "rate", 1000, "requests a second, sent open-loop")
	fs.DurationVar(&cfg.duration, "duration", 20*time.Second, "how long each measured phase sends")
	fs.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "unmeasured load before each measured phase")
	fs.StringVar(&path, "path", path, "what to send: status (the read path), log (the write path) or both")
	fs.StringVar(&cfg.bin, "bin", "", "a sparkbot binary to run (default: build ./cmd/sparkbot into a temporary directory)")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the temporary directory with sparkbot's database and log")
	fs.StringVar(&cfg.logLevel, "log-level", "warn", "sparkbot's log level")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	switch {
	case fs.NArg() > 0:
		return cfg, fmt.Errorf("unexpected argument %q; see sparkload -h", fs.Arg(0))
	case cfg.rate < 1 || cfg.rate > 100_000:
		return cfg, errors.New("-rate must be between 1 and 100000 requests a second")
	case cfg.duration < time.Second || cfg.warmup < 0:
		return cfg, errors.New("-duration must be at least 1s, and -warmup not negative")
	}
	switch path {
	case "both":
		cfg.paths = []string{"status", "log"}
	case "status", "log":
		cfg.paths = []string{path}
	default:
		return cfg, fmt.Errorf("-path must be status, log or both, not %q", path)
	}
	return cfg, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "sparkload-")
	if err != nil {
		return err
	}
	if cfg.keep {
		fmt.Fprintf(stderr, "sparkload: keeping %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	bench, err := setUp(ctx, cfg, dir, stderr)
	if err != nil {
		return err
	}
	defer bench.close(stderr)
	fmt.Fprintf(stdout, "sparkload: %d req/s open-loop for %s a phase (after %s unmeasured); sparkbot in Slack HTTP mode, %d hosts seeded\n\n",
		cfg.rate, cfg.duration, cfg.warmup, bench.hosts)
	var rows []summary
	for _, path := range cfg.paths {
		floor, target, err := bench.measure(ctx, path)
		if err != nil {
			return err
		}
		rows = append(rows, floor, target)
	}
	report(stdout, rows)
	if bench.deferredHooks() > 0 {
		fmt.Fprintf(stdout, "\n%d replies came later through response_url (deferred acks)\n", bench.deferredHooks())
	}
	return nil
}

// report prints one line per phase, and each target's p99 over its floor's.
func report(w io.Writer, rows []summary) {
	fmt.Fprintf(w, "%-26s %8s %9s %8s %7s %9s %9s %9s %9s\n", "phase", "sent", "achieved", "errors", "deferred", "p50", "p99", "max", "p99/floor")
	var floor summary
	for _, r := range rows {
		ratio := "-"
		if r.floor {
			floor = r
		} else if floor.p99 > 0 {
			ratio = fmt.Sprintf("%.1f", float64(r.p99)/float64(floor.p99))
		}
		fmt.Fprintf(w, "%-26s %8d %7.0f/s %8d %7d %9s %9s %9s %9s\n", r.name, r.sent, r.achieved(), r.failed, r.deferred,
			ms(r.p50), ms(r.p99), ms(r.max), ratio)
	}
	for _, r := range rows {
		if r.sample != "" {
			fmt.Fprintf(w, "\n%s: first error: %s", r.name, strings.TrimSpace(r.sample))
		}
	}
	fmt.Fprintln(w)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }
