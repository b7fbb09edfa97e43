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

// Logs written before provenance carry a Verified flag instead: in full
// (schema 1, "Verified":false spelled out) or compact (schema 2, false left
// out). They read as a link when Verified, else as one-click; a staff log of
// then is a link log, and says nothing of who made it.
func TestLogsBeforeProvenance(t *testing.T) {
	tests := []struct {
		name, stored string
		want         bot.Provenance
	}{
		{"schema 2, verified", `{"UserID":"u1","Verified":true}`, bot.LinkNotVerified},
		{"schema 2, one-click", `{"UserID":"u1","ScheduleID":3}`, bot.OneClick},
		{"schema 1, verified", `{"SpaceID":"s1","UserID":"u1","Verified":true,"ScheduleID":0}`, bot.LinkNotVerified},
		{"schema 1, one-click", `{"SpaceID":"s1","UserID":"u1","Verified":false,"ScheduleID":3}`, bot.OneClick},
		{"provenance wins over a stray flag", `{"UserID":"u1","Provenance":4,"Verified":false}`, bot.VerifiedByX},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTemp(t)
			must(t, db.bolt.Update(func(tx *bbolt.Tx) error {
				b, err := writableLogBuckets(tx, ws)
				if err != nil {
					return err
				}
				return b.put(bot.SpaceLog{SpaceID: "s1", UserID: "u1"}, []byte(tt.stored))
			}))
			got, err := db.Log(t.Context(), ws, "s1")
			must(t, err)
			if got.Provenance != tt.want || got.LoggedBy != "" || got.Forced {
				t.Errorf("got provenance %v, logged by %q, forced %v; want %v, nobody, not forced", got.Provenance, got.LoggedBy, got.Forced, tt.want)
			}
		})
	}
}

// Provenance is kept as one small number, never as its words.
func TestProvenanceIsStoredCompactly(t *testing.T) {
	db := openTemp(t)
	l := bot.SpaceLog{SpaceID: "s1", UserID: "u1", Provenance: bot.StaffLogged, LoggedBy: "boss", Forced: true}
	must(t, db.AddLog(t.Context(), ws, l))
	must(t, db.bolt.View(func(tx *bbolt.Tx) error {
		got := string(readLogBuckets(tx, ws).bySpace.Get([]byte("s1")))
		if want := `{"UserID":"u1","Provenance":3,"LoggedBy":"boss","Forced":true}`; got != want {
			t.Errorf("stored %s, want %s", got, want)
		}
		return nil
	}))
}
