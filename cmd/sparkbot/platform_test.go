package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sparkbot/bot"
)

// publicOn binds a public listener with routes on 127.0.0.1:0.
func publicOn(t *testing.T, routes map[string]http.Handler) servers {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := publicRoutes([]*platform{{routes: routes}})
	return servers{public: &server{name: "public", srv: &http.Server{Handler: mux}, ln: ln}, grace: time.Second}
}

// TestShutdownDrainsHTTPBeforePlatforms: when the program stops, the HTTP
// listener is closed before any platform is told to stop, so no request
// starts work on a stopped platform.
func TestShutdownDrainsHTTPBeforePlatforms(t *testing.T) {
	routes := map[string]http.Handler{"GET /ping": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "pong") })}
	srv := publicOn(t, routes)
	addr := srv.public.ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	up := make(chan struct{})
	listenerClosed := make(chan bool, 1)
	p := &platform{
		name:   "fake",
		routes: routes,
		run: func(ctx context.Context) error {
			close(up)
			<-ctx.Done()
			_, err := net.Dial("tcp", addr)
			listenerClosed <- err != nil
			return nil
		},
	}
	done := make(chan error, 1)
	go func() {
		done <- runPlatforms(ctx, []*platform{p}, srv, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	<-up
	for { // the listener starts in its own goroutine: wait until it answers
		if resp, err := http.Get("http://" + addr + "/ping"); err == nil {
			resp.Body.Close()
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !<-listenerClosed {
		t.Error("a platform was stopped while the HTTP listener still accepted connections")
	}
}

// TestOnePlatformFailingStopsTheRest: a platform that fails for good stops
// the program, with its error.
func TestOnePlatformFailingStopsTheRest(t *testing.T) {
	boom := errors.New("bad token")
	stopped := make(chan struct{})
	failing := &platform{name: "a", run: func(context.Context) error { return boom }}
	waiting := &platform{name: "b", run: func(ctx context.Context) error { <-ctx.Done(); close(stopped); return nil }}
	err := runPlatforms(context.Background(), []*platform{failing, waiting}, servers{grace: time.Second}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if !errors.Is(err, boom) {
		t.Errorf("got %v, want %v", err, boom)
	}
	<-stopped
}

// A platform's API client keeps its connections between bursts of calls,
// so a burst after the first pays no new connection (with Go's default
// of two idle connections per host, it would open all but two again).
func TestAPIClientKeepsConnectionsBetweenBursts(t *testing.T) {
	const calls = 16
	var opened atomic.Int32
	arrived, release := make(chan struct{}, calls), make(chan struct{}, calls)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release // every call of the burst is open at once
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	client := platformEnv{}.httpClient(bot.Slack, 10*time.Second)
	burst := func() int32 {
		before := opened.Load()
		var wg sync.WaitGroup
		for range calls {
			wg.Go(func() {
				resp, err := client.Get(srv.URL)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			})
		}
		for range calls {
			<-arrived
		}
		for range calls {
			release <- struct{}{}
		}
		wg.Wait()
		return opened.Load() - before
	}
	if got := burst(); got != calls {
		t.Fatalf("the first burst of %d calls opened %d connections", calls, got)
	}
	if got := burst(); got >= calls/2 {
		t.Errorf("the second burst opened %d new connections of %d, want the first's kept", got, calls)
	}
}
