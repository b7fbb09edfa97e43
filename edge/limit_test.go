package edge

import (
	"testing"
	"time"

	"sparkbot/bot"
)

func TestLimiterAllowsABurstThenOneEveryPeriod(t *testing.T) {
	clock := bot.NewFakeClock(t0)
	l := NewLimiter(clock, 20)
	for i := range 20 {
		if !l.Allow("slack:T1/U1") {
			t.Fatalf("command %d of the first 20 refused", i+1)
		}
	}
	if l.Allow("slack:T1/U1") {
		t.Fatal("the 21st command in a minute was allowed")
	}
	if !l.Allow("slack:T1/U2") {
		t.Error("another user was limited by the first one's commands")
	}
	clock.Advance(2900 * time.Millisecond)
	if l.Allow("slack:T1/U1") {
		t.Error("a token came back before 3s (a minute / 20)")
	}
	clock.Advance(100 * time.Millisecond)
	if !l.Allow("slack:T1/U1") {
		t.Error("no token back after 3s")
	}
	if l.Allow("slack:T1/U1") {
		t.Error("two tokens back after 3s")
	}
	clock.Advance(time.Hour)
	for i := range 20 {
		if !l.Allow("slack:T1/U1") {
			t.Fatalf("after an hour, command %d refused: the bucket holds at most 20, so a full burst again", i+1)
		}
	}
	if l.Allow("slack:T1/U1") {
		t.Error("an hour idle saved up more than 20 tokens")
	}
}

func TestLimiterForgetsIdleUsers(t *testing.T) {
	clock := bot.NewFakeClock(t0)
	l := NewLimiter(clock, 2)
	l.Allow("a")
	l.Allow("b")
	clock.Advance(2 * time.Minute)
	l.Allow("c") // sweeps a and b, whose buckets have refilled
	if n := l.Len(); n != 1 {
		t.Errorf("remembers %d users, want 1", n)
	}
}

func TestLimiterOff(t *testing.T) {
	for _, n := range []int{0, -1} {
		l := NewLimiter(nil, n)
		if l != nil || l.PerMinute() != 0 {
			t.Errorf("NewLimiter(%d) = %v, want nil (no limit)", n, l)
		}
		for range 1000 {
			if !l.Allow("a") {
				t.Fatalf("NewLimiter(%d) refused a command", n)
			}
		}
	}
}
