package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
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

// A batch is re-run without any function that failed in it. AddLog's
// function runs twice then, and must give the same answer both times.
func TestAddLogSurvivesBatchRerun(t *testing.T) {
	db := openTemp(t)
	// Exactly these three calls make up one batch, whatever the scheduling.
	db.batch.maxCalls, db.batch.window = 3, time.Hour
	l := bot.SpaceLog{SpaceID: "s1", UserID: "u1", Start: time.Date(2025, time.March, 3, 20, 0, 0, 0, time.UTC)}

	errs := make([]error, 3)
	var wg sync.WaitGroup
	wg.Go(func() { errs[0] = db.AddLog(t.Context(), ws, l) })
	wg.Go(func() { errs[1] = db.AddLog(t.Context(), ws, l) })
	wg.Go(func() { errs[2] = db.batch.do(func(*bbolt.Tx) error { return errFailing }) })
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

// Provenance is kept as one small number, never as its words, and a log's
// user index entry holds the same record as the logs bucket.
func TestProvenanceIsStoredCompactly(t *testing.T) {
	db := openTemp(t)
	l := bot.SpaceLog{SpaceID: "s1", UserID: "u1", Provenance: bot.StaffLogged, LoggedBy: "boss", Forced: true}
	must(t, db.AddLog(t.Context(), ws, l))
	must(t, db.bolt.View(func(tx *bbolt.Tx) error {
		b := readLogBuckets(tx, ws)
		got := string(b.bySpace.Get([]byte("s1")))
		// format, UserID, Start, Title, Listeners, Minutes, LoggedAt,
		// ScheduleID, Occurrence, Provenance 3, LoggedBy, flags (forced).
		if want := "\x01\x02u1\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x04boss\x01"; got != want {
			t.Errorf("stored %q, want %q", got, want)
		}
		if indexed := string(b.byUser.Get(userIndexKey(l))); indexed != got {
			t.Errorf("the user index holds %q, want the record %q", indexed, got)
		}
		return nil
	}))
}

// Every field of a log survives the binary form, times in UTC.
func TestLogRecordRoundTrips(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	must(t, err)
	for _, l := range []bot.SpaceLog{
		{SpaceID: "s1", UserID: "u1", Title: "Tea — ☕", Start: time.Date(2026, 12, 1, 20, 0, 0, 123, newYork), Listeners: 12_345, Minutes: 24 * 60,
			LoggedAt: time.Date(2026, 12, 2, 1, 2, 3, 4, time.UTC), ScheduleID: 1 << 40, Occurrence: time.Date(2026, 12, 1, 20, 0, 0, 0, newYork),
			Provenance: bot.VerifiedByX, LoggedBy: "staff", Forced: true},
		{SpaceID: "s2", UserID: "u\x00b", Start: time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC), Provenance: bot.OneClick},
		{SpaceID: "s3", Listeners: -1, Minutes: -5, ScheduleID: -7, Provenance: bot.LinkNotVerified},
	} {
		data, err := encodeLog(l)
		must(t, err)
		got, err := decodeLog([]byte(l.SpaceID), data)
		must(t, err)
		want := l
		want.Start, want.LoggedAt, want.Occurrence = l.Start.UTC(), l.LoggedAt.UTC(), l.Occurrence.UTC()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got  %+v\nwant %+v", got, want)
		}
		for n := range data { // every truncation is an error, never a log
			if _, err := decodeLog([]byte(l.SpaceID), data[:n]); err == nil {
				t.Errorf("%s cut to %d of %d bytes decoded", l.SpaceID, n, len(data))
			}
		}
		if _, err := decodeLog([]byte(l.SpaceID), append(data, 0)); err == nil {
			t.Errorf("%s with a byte more decoded", l.SpaceID)
		}
	}
}

func FuzzDecodeLog(f *testing.F) {
	data, _ := encodeLog(bot.SpaceLog{SpaceID: "s1", UserID: "u1", Title: "t", Start: time.Unix(1e9, 5), Provenance: bot.StaffLogged, LoggedBy: "b"})
	f.Add(data)
	f.Add([]byte(`{"UserID":"u1","Verified":true}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := decodeLog([]byte("s1"), data)
		if err != nil || len(data) == 0 || data[0] == '{' {
			return
		}
		again, err := encodeLog(l)
		must(t, err)
		if back, err := decodeLog([]byte("s1"), again); err != nil || !reflect.DeepEqual(back, l) {
			t.Fatalf("%+v re-encoded reads back as %+v, %v", l, back, err)
		}
	})
}

// BenchmarkRawBatch is the disk's pace, the reference of bot's
// BenchmarkLogConcurrent: 64 writers each committing one record the size
// of a stored log through bbolt's Batch, with the batch window sparkbot
// opens its file with, and nothing else.
func BenchmarkRawBatch(b *testing.B) {
	raw, err := bbolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, &bbolt.Options{InitialMmapSize: initialMmap})
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	raw.MaxBatchDelay = batchDelay
	name := []byte("records")
	if err := raw.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket(name); return err }); err != nil {
		b.Fatal(err)
	}
	value := make([]byte, 160)
	var n atomic.Uint64
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			key := binary.BigEndian.AppendUint64(nil, n.Add(1))
			if err := raw.Batch(func(tx *bbolt.Tx) error { return tx.Bucket(name).Put(key, value) }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}
