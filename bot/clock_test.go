package bot

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestFakeClockTimers(t *testing.T) {
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		after []time.Duration // one timer each, named by its index
		stop  []int           // timers stopped before the clock moves
		move  func(c *FakeClock)
		want  []int // timers fired, in order
	}{
		{"advance fires what it passes, in time order", []time.Duration{3 * time.Second, time.Second, 5 * time.Second},
			nil, func(c *FakeClock) { c.Advance(4 * time.Second) }, []int{1, 0}},
		{"set fires a timer at exactly its time", []time.Duration{time.Minute},
			nil, func(c *FakeClock) { c.Set(start.Add(time.Minute)) }, []int{0}},
		{"short of the time nothing fires", []time.Duration{time.Minute},
			nil, func(c *FakeClock) { c.Advance(time.Minute - time.Nanosecond) }, nil},
		{"a stopped timer never fires", []time.Duration{time.Second, 2 * time.Second},
			[]int{0}, func(c *FakeClock) { c.Advance(time.Hour) }, []int{1}},
		{"moving back fires nothing", []time.Duration{time.Second},
			nil, func(c *FakeClock) { c.Set(start.Add(-time.Hour)) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewFakeClock(start)
			var fired []int
			var timers []Timer
			for i, d := range tt.after {
				timers = append(timers, c.AfterFunc(d, func() { fired = append(fired, i) }))
			}
			for _, i := range tt.stop {
				if !timers[i].Stop() {
					t.Errorf("Stop of pending timer %d = false", i)
				}
			}
			tt.move(c)
			if !slices.Equal(fired, tt.want) {
				t.Errorf("fired %v, want %v", fired, tt.want)
			}
			for _, i := range tt.want {
				if timers[i].Stop() {
					t.Errorf("Stop of fired timer %d = true", i)
				}
			}
		})
	}
}

func TestFakeClockTimerDueNowFiresAtOnce(t *testing.T) {
	c := NewFakeClock(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
	fired := false
	c.AfterFunc(0, func() { fired = true })
	if !fired {
		t.Error("AfterFunc(0) did not call f")
	}
}

func TestFakeClockTimerSeesItsTime(t *testing.T) {
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	c := NewFakeClock(start)
	var at time.Time
	c.AfterFunc(time.Minute, func() { at = c.Now() })
	c.Advance(time.Hour)
	if want := start.Add(time.Hour); !at.Equal(want) {
		t.Errorf("Now() inside f = %s, want the time moved to, %s", at, want)
	}
}

func TestFakeClockWaitForTimer(t *testing.T) {
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	c := NewFakeClock(start)
	armed := make(chan struct{})
	go func() {
		<-armed
		c.AfterFunc(time.Minute, func() {})
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	close(armed)
	if err := c.WaitForTimer(ctx, start.Add(time.Minute)); err != nil {
		t.Fatalf("WaitForTimer: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if err := c.WaitForTimer(ctx, start.Add(time.Hour)); err == nil {
		t.Error("WaitForTimer for a time no timer has returned nil")
	}
}
