package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/scheduler"
	"sparkbot/storage/bolt"
)

// The log benchmarks run late in a 12-week cohort: benchHosts hosts, each
// with two weekly schedules and benchLogsEach logs since the cohort began,
// and benchWriters of them logging at once. Each log is for the next host
// in turn, so the logs in flight together are all of different hosts.
const (
	benchWriters  = 64
	benchHosts    = 8 * benchWriters
	benchLogsEach = 50
)

var (
	// benchCohortStart is week 1's Monday; benchNow is the Friday of week 12.
	benchCohortStart = bot.Date{Year: 2026, Month: time.September, Day: 7}
	benchNow         = time.Date(2026, time.November, 27, 18, 0, 0, 0, newYork)
	// benchLogsFrom is where the benchmark's own logs begin, going back from
	// benchNow half an hour at a time: the seeded logs all started before.
	benchLogsFrom = benchNow.Add(-24 * time.Hour)
)

var newYork = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return loc
}()

// logWorld is the real program's path for a log: router, scheduler as
// planner (it re-checks warnings after each log), bbolt on disk, synced.
type logWorld struct {
	router *bot.Router
	clock  *bot.FakeClock
	ws     bot.WorkspaceRef
	users  []string
}

// newLogWorld seeds the cohort without fsync, then reopens the file as
// the program runs it.
func newLogWorld(b *testing.B) *logWorld {
	b.Helper()
	path := filepath.Join(b.TempDir(), "sparkbot.db")
	w := &logWorld{clock: bot.NewFakeClock(bot.LocalTime(benchCohortStart, bot.TimeOfDay{}, newYork).Add(-24 * time.Hour)), ws: bot.WorkspaceRef{Platform: bot.Console, ID: "bench"}}
	seed, err := bolt.OpenWith(path, bolt.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	w.router = bot.NewRouter(seed, w.clock, quietLogger)
	w.seed(b, seed)
	// The steady state: the scheduler has planned every host's reminders
	// and warnings for the week so far.
	w.clock.Set(benchNow)
	planner := scheduler.New(seed, w.clock, quietLogger, scheduler.Config{})
	for _, u := range w.users {
		planner.HostChanged(context.Background(), w.ws, u)
	}
	if err := seed.Close(); err != nil {
		b.Fatal(err)
	}
	db, err := bolt.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	w.router = bot.NewRouter(db, w.clock, quietLogger)
	w.router.SetPlanner(scheduler.New(db, w.clock, quietLogger, scheduler.Config{}))
	return w
}

var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

func (w *logWorld) seed(b *testing.B, db bot.Store) {
	w.do(b, "boss", `/cohort create name:"Spark Phase 1" start:`+benchCohortStart.String(), "Created")
	rng := rand.New(rand.NewPCG(11, 11))
	w.users = make([]string, benchHosts)
	for i := range w.users {
		w.users[i] = fmt.Sprintf("host%03d", i)
		w.do(b, "boss", "/cohort add user:@"+w.users[i]+" handle:@h"+w.users[i], "Added")
		for k := range 2 {
			days := bot.Weekdays(0).With(time.Weekday(rng.IntN(7))).With(time.Weekday(rng.IntN(7)))
			sc := bot.Schedule{UserID: w.users[i], Title: fmt.Sprintf("Show %d", k), Days: days,
				At: bot.TimeOfDay{Hour: 8 + rng.IntN(14), Minute: 5 + rng.IntN(20)}, Duration: time.Hour, Zone: "America/New_York"}
			if _, err := db.AddSchedule(context.Background(), w.ws, sc); err != nil {
				b.Fatal(err)
			}
		}
	}
	w.seedLogs(b, db)
}

// seedLogs gives every host benchLogsEach logs, evenly spread from the
// cohort's start to benchLogsFrom, an hour long each.
func (w *logWorld) seedLogs(b *testing.B, db bot.Store) {
	start := bot.LocalTime(benchCohortStart, bot.TimeOfDay{}, newYork)
	step := benchLogsFrom.Sub(start) / (benchLogsEach + 1)
	var wg sync.WaitGroup
	errs := make(chan error, benchHosts)
	for i, u := range w.users {
		wg.Go(func() { // AddLog batches concurrent writers
			for n := range benchLogsEach {
				at := start.Add(step*time.Duration(n+1) + time.Duration(i)*time.Minute).Truncate(time.Minute)
				l := bot.SpaceLog{SpaceID: fmt.Sprintf("1seed%03d%03d", i, n), UserID: u, Title: "Seeded", Start: at,
					Listeners: 10 + n, Minutes: 60, LoggedAt: at.Add(2 * time.Hour), Provenance: bot.LinkNotVerified}
				if err := db.AddLog(context.Background(), w.ws, l); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

func (w *logWorld) do(b *testing.B, user, line, want string) {
	b.Helper()
	path, opts, err := bot.ParseCommandLine(line)
	if err != nil {
		b.Fatal(err)
	}
	resp := w.router.Handle(context.Background(), bot.Request{Workspace: w.ws, UserID: user, UserName: user, Staff: user == "boss", Path: path, Options: opts})
	if text := resp.PlainText(func(s bot.Span) string { return s.Text }); !strings.Contains(text, want) {
		b.Fatalf("%s: got %q, want %q", line, text, want)
	}
}

// logRequest is log n of the run: host n mod benchHosts logs a Space that
// started a half hour further back than their previous one, so that no two
// logs of one host overlap (a host is on air once at a time).
func (w *logWorld) logRequest(b *testing.B, n int64) bot.Request {
	user := w.users[n%benchHosts]
	at := benchNow.Add(-time.Duration(n/benchHosts+1) * 30 * time.Minute)
	if at.Before(benchLogsFrom) {
		b.Fatalf("log %d would reach the seeded logs; run fewer (-benchtime %dx at most)", n, benchHosts*int(benchNow.Sub(benchLogsFrom)/(30*time.Minute)))
	}
	return bot.Request{Workspace: w.ws, UserID: user, UserName: user, Path: []string{"spaces", "log"},
		Options: map[string]string{"url": fmt.Sprintf("1bench%08d", n), "listeners": "12", "at": at.In(newYork).Format("2006-01-02 15:04")}}
}

func checkLogged(b *testing.B, resp bot.Response) {
	if text := resp.PlainText(func(s bot.Span) string { return s.Text }); !strings.HasPrefix(text, "Logged Space") {
		b.Fatalf("log failed: %s", text)
	}
}

// BenchmarkLogSequential is one /spaces log after another, each durable
// before the next starts.
func BenchmarkLogSequential(b *testing.B) {
	w := newLogWorld(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		checkLogged(b, w.router.Handle(ctx, w.logRequest(b, int64(i))))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logs/s")
}

// BenchmarkLogConcurrent is benchWriters hosts logging at once; AddLog's
// batches (storage/bolt/batch.go) coalesce their commits into shared
// fsyncs. Its reference is storage/bolt's BenchmarkRawBatch, the same
// writers committing through bbolt's Batch with the same window and
// nothing else to do. Beside logs/s it reports the CPU time the process
// used a log (all its threads: router, commits, collector).
func BenchmarkLogConcurrent(b *testing.B) { logConcurrently(b, newLogWorld(b)) }

// logConcurrently is BenchmarkLogConcurrent's run, on any store's world.
func logConcurrently(b *testing.B, w *logWorld) {
	ctx := context.Background()
	var next atomic.Int64
	b.SetParallelism(max(1, benchWriters/runtime.GOMAXPROCS(0))) // × GOMAXPROCS goroutines
	start, ok := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			checkLogged(b, w.router.Handle(ctx, w.logRequest(b, next.Add(1)-1)))
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logs/s")
	if end, ok2 := cpuTime(); ok && ok2 {
		b.ReportMetric(float64((end-start).Microseconds())/float64(b.N), "cpu-µs/log")
	}
}
