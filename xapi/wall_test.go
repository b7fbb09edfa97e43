package xapi_test

import (
	"context"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/xapi"
)

// TestBotClockIsNotAWall: the bot's clock (fake under --now) cannot be
// handed to the client as X's wall clock by mistake.
func TestBotClockIsNotAWall(t *testing.T) {
	for _, c := range []any{bot.SystemClock{}, bot.NewFakeClock(t0)} {
		if _, ok := c.(xapi.WallClock); ok {
			t.Errorf("%T is an xapi.WallClock; X's limits would follow the bot's clock", c)
		}
	}
}

func TestFakeWallManual(t *testing.T) {
	w := xapi.NewFakeWall(t0)
	done := make(chan error, 1)
	go func() { done <- w.Sleep(context.Background(), time.Minute) }()
	if !w.AwaitSleepers(1, awaitTimeout) {
		t.Fatal("the sleep never started")
	}
	w.Advance(59 * time.Second)
	if w.Sleepers() != 1 {
		t.Fatal("woke a second early")
	}
	w.Advance(time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if w.Sleepers() != 0 {
		t.Errorf("Sleepers = %d after waking, want 0", w.Sleepers())
	}

	ctx, cancel := context.WithCancel(context.Background())
	go func() { done <- w.Sleep(ctx, time.Hour) }()
	if !w.AwaitSleepers(1, awaitTimeout) {
		t.Fatal("the second sleep never started")
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("cancelled sleep: %v, want context.Canceled", err)
	}
	if !w.AwaitSleepers(0, awaitTimeout) {
		t.Error("a cancelled sleep is still counted")
	}
}

func TestFakeWallAuto(t *testing.T) {
	w := xapi.NewFakeWall(t0)
	w.SetAuto(true)
	if err := w.Sleep(context.Background(), 90*time.Second); err != nil {
		t.Fatal(err)
	}
	if got, want := w.Now(), t0.Add(90*time.Second); !got.Equal(want) {
		t.Errorf("after an auto sleep: %v, want %v", got, want)
	}
}
