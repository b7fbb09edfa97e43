package xapi

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"
)

var now0 = time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)

func headers(limit, remaining int, reset time.Time) http.Header {
	h := http.Header{}
	h.Set("x-rate-limit-limit", strconv.Itoa(limit))
	h.Set("x-rate-limit-remaining", strconv.Itoa(remaining))
	h.Set("x-rate-limit-reset", strconv.FormatInt(reset.Unix(), 10))
	return h
}

// TestBudgetLearn checks how X's headers (or their absence) change what the
// client believes it may still send.
func TestBudgetLearn(t *testing.T) {
	reset := now0.Add(Window)
	known := func(remaining int, reset time.Time) *budget {
		b := newBudget(EndpointSpace, 0)
		b.known, b.limit, b.remaining, b.reset = true, 300, remaining, reset
		return b
	}
	tests := []struct {
		name          string
		b             *budget
		inflight      int // other requests still out
		hdr           http.Header
		status        int
		wantRemaining int
		wantReset     time.Time
	}{
		{name: "first answer", b: newBudget(EndpointSpace, 0), hdr: headers(300, 299, reset), status: 200,
			wantRemaining: 299, wantReset: reset},
		{name: "others still out are taken off", b: newBudget(EndpointSpace, 0), inflight: 3,
			hdr: headers(300, 299, reset), status: 200, wantRemaining: 296, wantReset: reset},
		{name: "same window: the lower count wins", b: known(250, reset), hdr: headers(300, 260, reset),
			status: 200, wantRemaining: 250, wantReset: reset},
		{name: "same window: X counts more than the client did", b: known(250, reset), hdr: headers(300, 100, reset),
			status: 200, wantRemaining: 100, wantReset: reset},
		{name: "a new window", b: known(3, reset), hdr: headers(300, 299, reset.Add(Window)), status: 200,
			wantRemaining: 299, wantReset: reset.Add(Window)},
		{name: "a late answer from the last window is ignored", b: known(280, reset),
			hdr: headers(300, 1, reset.Add(-Window)), status: 200, wantRemaining: 280, wantReset: reset},
		{name: "no headers: nothing learned", b: known(42, reset), hdr: http.Header{}, status: 200,
			wantRemaining: 42, wantReset: reset},
		{name: "remaining above limit: headers ignored", b: known(42, reset), hdr: headers(10, 11, reset.Add(Window)),
			status: 200, wantRemaining: 42, wantReset: reset},
		{name: "429 with a reset", b: known(42, reset), hdr: headers(300, 0, reset), status: 429,
			wantRemaining: 0, wantReset: reset},
		{name: "429 without headers: back off a whole window", b: newBudget(EndpointSpace, 0), hdr: http.Header{},
			status: 429, wantRemaining: 0, wantReset: now0.Add(Window)},
		{name: "429 with a reset already past (clock skew): back off a second", b: newBudget(EndpointSpace, 0),
			hdr: headers(300, 0, now0.Add(-time.Minute)), status: 429, wantRemaining: 0, wantReset: now0.Add(time.Second)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.b
			b.inflight = tt.inflight + 1
			b.done(now0, false, tt.hdr, tt.status)
			got := b.report(now0)
			if got.Remaining != tt.wantRemaining || !got.Reset.Equal(tt.wantReset) {
				t.Errorf("Budget = %+v, want remaining %d until %v", got, tt.wantRemaining, tt.wantReset)
			}
		})
	}
}

func TestRateHeaders(t *testing.T) {
	tests := []struct {
		limit, remaining, reset string
		ok                      bool
	}{
		{"300", "299", "1796155200", true},
		{"300", "0", "1796155200", true},
		{"", "299", "1796155200", false},
		{"300", "-1", "1796155200", false},
		{"300", "299", "soon", false},
		{"300", "299", "99999999999999999999", false},
		{"300", " 299", "1796155200", false},
	}
	for _, tt := range tests {
		h := http.Header{}
		h.Set("x-rate-limit-limit", tt.limit)
		h.Set("x-rate-limit-remaining", tt.remaining)
		h.Set("x-rate-limit-reset", tt.reset)
		if _, _, _, ok := rateHeaders(h); ok != tt.ok {
			t.Errorf("rateHeaders(%q, %q, %q) ok = %v, want %v", tt.limit, tt.remaining, tt.reset, ok, tt.ok)
		}
	}
}

// TestBudgetDelay checks when the next request may go.
func TestBudgetDelay(t *testing.T) {
	reset := now0.Add(10 * time.Minute)
	tests := []struct {
		name      string
		b         func() *budget
		wantDelay time.Duration
		wantProbe bool
	}{
		{"fresh: go, as a probe", func() *budget { return newBudget(EndpointSpace, 0) }, 0, true},
		{"budget left: go", func() *budget {
			b := newBudget(EndpointSpace, 0)
			b.known, b.remaining, b.reset = true, 1, reset
			return b
		}, 0, false},
		{"spent: wait for the reset", func() *budget {
			b := newBudget(EndpointSpace, 0)
			b.known, b.remaining, b.reset = true, 0, reset
			return b
		}, 10 * time.Minute, false},
		{"window over: probe the next", func() *budget {
			b := newBudget(EndpointSpace, 0)
			b.known, b.remaining, b.reset = true, 0, now0
			return b
		}, 0, true},
		{"paced: a second after the last", func() *budget {
			b := newBudget(EndpointSpacesByCreators, time.Second)
			b.known, b.remaining, b.reset, b.last = true, 10, reset, now0.Add(-300*time.Millisecond)
			return b
		}, 700 * time.Millisecond, false},
		{"paced and spent: the later of the two", func() *budget {
			b := newBudget(EndpointSpacesByCreators, time.Second)
			b.known, b.remaining, b.reset, b.last = true, 0, now0.Add(200*time.Millisecond), now0
			return b
		}, time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, probe := tt.b().delay(now0)
			if d != tt.wantDelay || probe != tt.wantProbe {
				t.Errorf("delay = %v, probe %v; want %v, %v", d, probe, tt.wantDelay, tt.wantProbe)
			}
		})
	}
}

// TestOneProbeAtATime: until X has said what the window holds (a fresh
// client, a restart, a window just over), only one request is out; the
// others wait for its answer, not for the clock.
func TestOneProbeAtATime(t *testing.T) {
	wall := NewFakeWall(now0)
	c, err := New(Config{BearerToken: "t", Wall: wall})
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{}, 1)
	testHookProbeWait = func() { waiting <- struct{}{} }
	defer func() { testHookProbeWait = nil }()
	b := c.budgets[EndpointSpace]
	first, err := c.wait(context.Background(), b)
	if err != nil || !first.probe {
		t.Fatalf("first request: %+v, %v; want a probe", first, err)
	}
	second := make(chan ticket, 1)
	go func() {
		tk, err := c.wait(context.Background(), b)
		if err != nil {
			t.Error(err)
		}
		second <- tk
	}()
	select {
	case tk := <-second:
		t.Fatalf("a second request went (%+v) while the probe was out", tk)
	case <-waiting:
	case <-time.After(10 * time.Second):
		t.Fatal("the second request never started waiting")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.wait(ctx, b); err != context.Canceled {
		t.Errorf("waiting with a cancelled context: %v, want context.Canceled", err)
	}
	<-waiting
	c.release(first, headers(300, 299, now0.Add(Window)), 200)
	select {
	case tk := <-second:
		if tk.probe {
			t.Errorf("second request went as a probe after X answered")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("second request never went after the probe's answer")
	}
	if got := c.Budget(EndpointSpace).Remaining; got != 298 {
		t.Errorf("Remaining = %d, want 298", got)
	}
}
