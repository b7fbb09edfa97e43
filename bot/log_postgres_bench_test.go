package bot_test

import (
	"context"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/scheduler"
	"sparkbot/storage/postgres"
	"sparkbot/storage/postgres/pgtest"
)

// newPostgresLogWorld is newLogWorld on PostgreSQL, a new schema of the
// server SPARKBOT_TEST_DATABASE_URL names: the same cohort late in its
// twelve weeks, the router, the scheduler as planner, and every write
// committed before its reply.
func newPostgresLogWorld(b *testing.B) *logWorld {
	b.Helper()
	db, err := postgres.Open(b.Context(), pgtest.Schema(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	w := &logWorld{clock: bot.NewFakeClock(bot.LocalTime(benchCohortStart, bot.TimeOfDay{}, newYork).Add(-24 * time.Hour)), ws: bot.WorkspaceRef{Platform: bot.Console, ID: "bench"}}
	w.router = bot.NewRouter(db, w.clock, quietLogger)
	w.seed(b, db)
	w.clock.Set(benchNow)
	planner := scheduler.New(db, w.clock, quietLogger, scheduler.Config{})
	for _, u := range w.users {
		planner.HostChanged(context.Background(), w.ws, u)
	}
	w.router.SetPlanner(planner)
	return w
}

// BenchmarkLogConcurrentPostgres is BenchmarkLogConcurrent on PostgreSQL:
// 64 hosts logging at once, each log its own transaction; PostgreSQL
// flushes commits that arrive together in one WAL write.
func BenchmarkLogConcurrentPostgres(b *testing.B) { logConcurrently(b, newPostgresLogWorld(b)) }
