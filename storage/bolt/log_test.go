package bolt

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// BenchmarkAddLogConcurrent measures durable logs per second with 64
// concurrent writers, the load of a cohort logging at the top of the hour.
func BenchmarkAddLogConcurrent(b *testing.B) {
	db := openTemp(b)
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	start := time.Date(2025, time.March, 3, 20, 0, 0, 0, time.UTC)
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			l := bot.SpaceLog{
				SpaceID: fmt.Sprintf("1%012d", i),
				UserID:  fmt.Sprintf("u%d", i%500),
				Start:   start.Add(time.Duration(i) * time.Second),
			}
			if err := db.AddLog(b.Context(), ws, l); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logs/s")
}

// bbolt re-runs a batch without any function that failed in it. AddLog's
// function runs twice then, and must give the same answer both times.
func TestAddLogSurvivesBatchRerun(t *testing.T) {
	db := openTemp(t)
	// Exactly these three calls make up one batch, whatever the scheduling.
	db.bolt.MaxBatchSize, db.bolt.MaxBatchDelay = 3, time.Hour
	l := bot.SpaceLog{SpaceID: "s1", UserID: "u1", Start: time.Date(2025, time.March, 3, 20, 0, 0, 0, time.UTC)}

	errs := make([]error, 3)
	var wg sync.WaitGroup
	wg.Go(func() { errs[0] = db.AddLog(t.Context(), ws, l) })
	wg.Go(func() { errs[1] = db.AddLog(t.Context(), ws, l) })
	wg.Go(func() { errs[2] = db.bolt.Batch(func(*bbolt.Tx) error { return errFailing }) })
	wg.Wait()

	if !errors.Is(errs[2], errFailing) {
		t.Fatalf("failing batch function: got %v, want %v", errs[2], errFailing)
	}
	if ok, dup := countAddResults(errs[:2]); ok != 1 || dup != 1 {
		t.Errorf("got %d successes and %d ErrExists (errors %v), want 1 and 1", ok, dup, errs[:2])
	}
	logs, err := db.Logs(t.Context(), ws, l.Start, l.Start.Add(time.Hour))
	must(t, err)
	if len(logs) != 1 {
		t.Errorf("got %d logs, want 1", len(logs))
	}
}

var errFailing = errors.New("failing batch function")

func countAddResults(errs []error) (ok, dup int) {
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, bot.ErrExists):
			dup++
		}
	}
	return ok, dup
}
