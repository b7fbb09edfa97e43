package bot_test

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/scheduler"
	"sparkbot/storage/postgres"
	"sparkbot/storage/postgres/pgtest"
)

// pgBenchHarness is benchHarness on PostgreSQL, a new schema of the
// server SPARKBOT_TEST_DATABASE_URL names: the router, the scheduler as
// planner, and every write committed before its reply.
func pgBenchHarness(b *testing.B) (*harness, []string) {
	db, err := postgres.Open(b.Context(), pgtest.Schema(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	start, _ := time.Parse(time.RFC3339, "2026-12-02T18:00:00-05:00")
	clock := bot.NewFakeClock(start)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := &harness{t: &testing.T{}, router: bot.NewRouter(db, clock, logger), clock: clock,
		ws: bot.WorkspaceRef{Platform: bot.Console, ID: "test"}}
	h.router.SetPlanner(scheduler.New(db, clock, logger, scheduler.Config{}))
	h.withCohort("2026-11-30")
	users := make([]string, benchUsers)
	for i := range users {
		users[i] = fmt.Sprintf("host%02d", i)
		h.must("boss", true, "/cohort add user:@"+users[i]+" handle:@h"+users[i], "Added")
	}
	return h, users
}

// BenchmarkLogConcurrentPostgres is BenchmarkLogConcurrent on PostgreSQL:
// 64 hosts logging at once, each log its own transaction; PostgreSQL
// flushes commits that arrive together in one WAL write.
func BenchmarkLogConcurrentPostgres(b *testing.B) {
	h, users := pgBenchHarness(b)
	logConcurrently(b, h, users)
}
