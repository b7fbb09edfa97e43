package scheduler

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/storage/postgres"
	"sparkbot/storage/postgres/pgtest"
)

// pgBenchWorld is benchWorld on PostgreSQL: the same 100,000 hosts and
// 200,000 schedules, written into a new schema of the test server, with a
// scheduler on a fake clock at benchStart.
func pgBenchWorld(b *testing.B) (url string, db *postgres.DB, s *Scheduler, n *countingNotifier) {
	b.Helper()
	url = pgtest.Schema(b)
	db, err := postgres.OpenWith(b.Context(), url, postgres.Options{Logger: quiet, MaxConns: 16})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := writePGTemplate(b.Context(), db); err != nil {
		b.Fatal(err)
	}
	s = New(db, bot.NewFakeClock(benchStart), quiet, Config{Workers: 32})
	n = &countingNotifier{}
	s.SetNotifier(bot.Discord, n)
	return url, db, s, n
}

// writePGTemplate writes writeTemplate's cohort: hosts by 16 writers at
// once, schedules imported with their IDs a host's worth at a time.
func writePGTemplate(ctx context.Context, db *postgres.DB) error {
	co := bot.NewCohort("Bench", bot.Date{Year: 2026, Month: 11, Day: 30})
	if err := db.PutCohort(ctx, benchWS, co); err != nil {
		return err
	}
	joined := benchStart.Add(-time.Minute)
	errs := make(chan error, 16)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < benchHosts; i += 16 {
				h := bot.Host{UserID: fmt.Sprintf("U%06d", i), Memberships: []bot.Membership{{Cohort: 1, Joined: joined}}}
				if err := db.PutHost(ctx, benchWS, h); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var batch []bot.Schedule
	for i := 0; i < benchHosts; i++ {
		user := fmt.Sprintf("U%06d", i)
		for k := 0; k < 2; k++ {
			days := bot.Weekdays(0).With(time.Weekday(rng.IntN(7))).With(time.Weekday(rng.IntN(7)))
			at := bot.TimeOfDay{Hour: 2 + rng.IntN(22), Minute: rng.IntN(60)}
			batch = append(batch, bot.Schedule{ID: int64(2*i + k + 1), Number: k + 1, UserID: user, Title: "Bench " + strconv.Itoa(k),
				Days: days, At: at, Duration: time.Hour, Zone: "America/New_York", CreatedAt: joined})
		}
		if len(batch) >= 10_000 || i == benchHosts-1 {
			if err := db.ImportSchedules(ctx, benchWS, batch, 0); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return nil
}

// BenchmarkTickNothingDuePostgres is BenchmarkTickNothingDue on
// PostgreSQL: the full index planned, nothing due, each tick one read of
// the first claimable entry of the jobs_due index (the claim, UPDATE … FOR
// UPDATE SKIP LOCKED, runs only when that one is due). The table is
// vacuumed and analyzed first, as autovacuum leaves a table soon after
// 167,257 rows arrive: the statistics once decided whether PostgreSQL
// planned the claim once or at every tick (docs/BENCHMARKS.md).
func BenchmarkTickNothingDuePostgres(b *testing.B) {
	url, db, s, n := pgBenchWorld(b)
	ctx := context.Background()
	if err := s.PlanAll(ctx); err != nil {
		b.Fatal(err)
	}
	s.RunDue(ctx) // a cold start's late nudges, untimed (none at benchStart)
	pgtest.Exec(b, url, `VACUUM ANALYZE jobs`)
	pending, _, err := db.JobCounts(ctx, benchStart)
	if err != nil {
		b.Fatal(err)
	}
	before := n.n
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Tick(ctx)
	}
	b.StopTimer()
	s.Wait()
	if n.n != before {
		b.Fatalf("%d deliveries: something was due", n.n-before)
	}
	b.ReportMetric(float64(pending), "jobs")
}
