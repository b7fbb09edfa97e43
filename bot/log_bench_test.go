package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/scheduler"
)

// benchUsers is how many hosts log concurrently in BenchmarkLogConcurrent.
const benchUsers = 64

// benchHarness is the real program's path for a log: router, scheduler as
// planner (it re-checks warnings after each log), bbolt on disk.
func benchHarness(b *testing.B) (*harness, []string) {
	h := newHarness(&testing.T{}, "2026-12-02T18:00:00-05:00")
	b.Cleanup(func() { h.store.Close() })
	h.router.SetPlanner(scheduler.New(h.store, h.clock, nil, scheduler.Config{}))
	h.t = &testing.T{}
	h.withCohort("2026-11-30")
	users := make([]string, benchUsers)
	for i := range users {
		users[i] = fmt.Sprintf("host%02d", i)
		h.must("boss", true, "/cohort add user:@"+users[i]+" handle:@h"+users[i], "Added")
	}
	return h, users
}

// logRequest is log n of the run, by user: a Space that started n half
// hours before now, so that no two logs of one host overlap (a host is on
// air once at a time). The request is marked staff, as a host who is staff
// too, so logs older than the backfill window are taken; it still logs
// the caller's own Space, by the host's path.
func logRequest(h *harness, user string, n int64) bot.Request {
	at := h.clock.Now().Add(-time.Duration(n+1) * 30 * time.Minute).In(newYork)
	return bot.Request{Workspace: h.ws, UserID: user, UserName: user, Staff: true, Path: []string{"spaces", "log"},
		Options: map[string]string{"url": fmt.Sprintf("1bench%08d", n), "listeners": "12", "at": at.Format("2006-01-02 15:04")}}
}

var newYork = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return loc
}()

func checkLogged(b *testing.B, resp bot.Response) {
	if text := resp.PlainText(func(s bot.Span) string { return s.Text }); !strings.HasPrefix(text, "Logged Space") {
		b.Fatalf("log failed: %s", text)
	}
}

// BenchmarkLogSequential is one /spaces log after another, each durable
// before the next starts.
func BenchmarkLogSequential(b *testing.B) {
	h, users := benchHarness(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		checkLogged(b, h.router.Handle(ctx, logRequest(h, users[i%benchUsers], int64(i))))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logs/s")
}

// BenchmarkLogConcurrent is 64 hosts logging at once; bbolt's Batch
// coalesces their commits into shared fsyncs.
func BenchmarkLogConcurrent(b *testing.B) {
	h, users := benchHarness(b)
	logConcurrently(b, h, users)
}

// logConcurrently is BenchmarkLogConcurrent's run, on any harness.
func logConcurrently(b *testing.B, h *harness, users []string) {
	ctx := context.Background()
	var next, user atomic.Int64
	b.SetParallelism((benchUsers + 1) / 2) // ×GOMAXPROCS(2) = 64 goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		me := users[int(user.Add(1)-1)%benchUsers]
		for pb.Next() {
			checkLogged(b, h.router.Handle(ctx, logRequest(h, me, next.Add(1))))
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logs/s")
}
