package edge

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sparkbot/bot"
)

var t0 = time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)

func TestReplaySetRefusesASecondSight(t *testing.T) {
	clock := bot.NewFakeClock(t0)
	s := NewReplaySet(clock, 10)
	signedAtT0 := t0.Add(5 * time.Minute) // the life of a request signed at t0
	steps := []struct {
		advance time.Duration
		key     string
		until   time.Time
		want    bool
	}{
		{0, "discord:1", signedAtT0, true},
		{0, "discord:1", signedAtT0, false},
		{0, "discord:2", signedAtT0, true},
		{4*time.Minute + 59*time.Second, "discord:1", signedAtT0, false}, // inside its window
		{time.Second, "discord:1", t0.Add(10 * time.Minute), true},       // it expired at t0+5m
		{0, "discord:1", t0.Add(10 * time.Minute), false},
		{0, "discord:3", t0, true}, // expired already: still kept a moment
		{0, "discord:3", t0, false},
	}
	for i, st := range steps {
		clock.Advance(st.advance)
		got, err := s.FirstSeen(context.Background(), st.key, st.until)
		if err != nil {
			t.Fatal(err)
		}
		if got != st.want {
			t.Errorf("step %d (%s at +%s): first %v, want %v", i, st.key, clock.Now().Sub(t0), got, st.want)
		}
	}
}

func TestReplaySetFullRefusesRatherThanForgets(t *testing.T) {
	clock := bot.NewFakeClock(t0)
	s := NewReplaySet(clock, 2)
	ctx := context.Background()
	until := t0.Add(time.Minute)
	for _, k := range []string{"a", "b"} {
		if ok, err := s.FirstSeen(ctx, k, until); !ok || err != nil {
			t.Fatalf("%s: %v, %v", k, ok, err)
		}
	}
	if _, err := s.FirstSeen(ctx, "c", until); !errors.Is(err, ErrFull) {
		t.Fatalf("third key: err %v, want ErrFull", err)
	}
	if ok, _ := s.FirstSeen(ctx, "a", until); ok {
		t.Error("a full set forgot a key it held")
	}
	clock.Advance(time.Minute)
	if ok, err := s.FirstSeen(ctx, "c", t0.Add(2*time.Minute)); !ok || err != nil {
		t.Errorf("after expiry: %v, %v; want room again", ok, err)
	}
	if n := s.Len(); n != 1 {
		t.Errorf("Len %d, want 1", n)
	}
}

func TestReplaySetOneWinnerUnderConcurrency(t *testing.T) {
	s := NewReplaySet(bot.NewFakeClock(t0), 100)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			if ok, _ := s.FirstSeen(context.Background(), "same", t0.Add(time.Minute)); ok {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Errorf("%d goroutines saw the key first, want 1", wins.Load())
	}
}

// BenchmarkReplaySetFull fills a default-size set and reports the heap it
// holds (MiB), the figure in DefaultReplayCapacity's comment:
//
//	go test -run x -bench ReplaySetFull -benchtime 1x ./edge
func BenchmarkReplaySetFull(b *testing.B) {
	for range b.N {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s := NewReplaySet(bot.NewFakeClock(t0), DefaultReplayCapacity)
		for i := range DefaultReplayCapacity {
			if ok, err := s.FirstSeen(context.Background(), fmt.Sprintf("slack:%d:v0=%064d", i, i), t0.Add(5*time.Minute)); !ok || err != nil {
				b.Fatalf("entry %d: %v, %v", i, ok, err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB")
		runtime.KeepAlive(s)
	}
}
