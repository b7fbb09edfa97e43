package main

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/storage/postgres"
	"sparkbot/storage/postgres/pgtest"
)

// On PostgreSQL the Discord gateway runs on one replica at a time, and the
// others report ready for it; when the holder stops, another takes it.
func TestTheDiscordGatewayRunsOnOneReplica(t *testing.T) {
	url := pgtest.Schema(t)
	running := make(chan int, 4) // which replica's gateway started
	var stops []context.CancelFunc
	var wg sync.WaitGroup
	platforms := make([]*platform, 2)
	for i := range platforms {
		db, err := postgres.OpenWith(t.Context(), url, postgres.Options{LeaderPoll: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		platforms[i] = &platform{name: bot.Discord,
			run:   func(ctx context.Context) error { running <- i; <-ctx.Done(); return nil },
			ready: func() error { return errors.New("not connected to the Discord gateway") }}
		shareRoles(db, databaseConfig{}, platforms[i:i+1], func(string) string { return "" })
		ctx, stop := context.WithCancel(context.Background())
		stops = append(stops, stop)
		wg.Go(func() { platforms[i].run(ctx) })
	}
	defer func() {
		for _, stop := range stops {
			stop()
		}
		wg.Wait()
	}()
	first := waitForValue(t, running, "a gateway to start")
	other := 1 - first
	if err := platforms[other].ready(); err != nil {
		t.Errorf("the replica without the gateway is not ready: %v", err)
	}
	if err := platforms[first].ready(); err == nil {
		t.Error("the gateway's replica reports ready while its gateway is not connected")
	}
	select {
	case i := <-running:
		t.Fatalf("replica %d started a second gateway while %d holds it", i, first)
	case <-time.After(200 * time.Millisecond): // ten of the other's tries
	}
	stops[first]()
	if got := waitForValue(t, running, "the other replica to take the gateway"); got != other {
		t.Fatalf("replica %d took the gateway, want %d", got, other)
	}
}

func waitForValue[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("waited 30s for %s", what)
		panic("unreachable")
	}
}
