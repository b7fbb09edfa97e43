package main

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"sparkbot/xapi/fakex"
)

//go:embed world.example.json
var exampleWorld []byte

// app is the command, its outside world injected so tests run it whole.
type app struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	// listening, when set, gets the address once fakex serves.
	listening chan<- string
}

type options struct {
	addr  string
	token string
	world string
	poll  time.Duration
}

func (a *app) parse(args []string) (options, bool, error) {
	fs := flag.NewFlagSet("fakex", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	var o options
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8089", "where to listen (loopback only)")
	fs.StringVar(&o.token, "token", "", "the bearer token to accept (default: $SPARKBOT_X_BEARER_TOKEN)")
	fs.StringVar(&o.world, "world", "", "the world file: users and Spaces, JSON (see --example)")
	fs.DurationVar(&o.poll, "poll", time.Second, "how often to look for changes to the world file")
	example := fs.Bool("example", false, "print an example world file and exit")
	if err := fs.Parse(args); err != nil {
		return o, false, err
	}
	if fs.NArg() > 0 {
		return o, false, fmt.Errorf("unexpected argument %q; see fakex -h", fs.Arg(0))
	}
	if o.token == "" {
		o.token = a.getenv("SPARKBOT_X_BEARER_TOKEN")
	}
	return o, *example, nil
}

func (a *app) run(ctx context.Context, args []string) error {
	o, example, err := a.parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil || example {
		if example {
			_, err = a.stdout.Write(exampleWorld)
		}
		return err
	}
	if o.token == "" {
		return errors.New("no token: set SPARKBOT_X_BEARER_TOKEN (the same as sparkbot's) or pass --token")
	}
	if o.poll <= 0 {
		return errors.New("--poll must be positive, like 1s")
	}
	ln, err := listenLoopback(o.addr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(a.stderr, nil))
	x := fakex.New(fakex.Config{Token: o.token})
	w := &worldFile{path: o.world, x: x}
	if _, err := w.check(); err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: a.routes(x, w, log), ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintf(a.stdout, "fake X API v2 on http://%s (world: %s)\n", ln.Addr(), w.describe())
	if a.listening != nil {
		a.listening <- ln.Addr().String()
	}
	return serve(ctx, srv, ln, func() { w.watch(ctx, o.poll, log) })
}

// serve runs srv on ln and watch beside it until ctx ends, then shuts both
// down and returns once they have stopped.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, watch func()) error {
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		watch()
	}()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	var err error
	select {
	case err = <-served:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		err = srv.Shutdown(sctx)
		<-served
	}
	<-watched // watch returns when ctx ends
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// listenLoopback listens on addr, which must be a loopback address: this is
// a fake, for one person's machine.
func listenLoopback(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--addr %q: want host:port, like 127.0.0.1:8089", addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("--addr %q: fakex listens on loopback only, like 127.0.0.1:8089", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	return ln, nil
}

// routes is the fake X under /2/ and the control endpoints under /fakex/.
func (a *app) routes(x *fakex.Server, w *worldFile, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /fakex/world", func(rw http.ResponseWriter, r *http.Request) { writeJSON(rw, 200, x.World()) })
	mux.HandleFunc("PUT /fakex/world", func(rw http.ResponseWriter, r *http.Request) {
		world, err := fakex.ReadWorld(r.Body)
		if err == nil {
			err = x.SetWorld(world)
		}
		control(rw, log, "world replaced", err)
	})
	mux.HandleFunc("POST /fakex/reload", func(rw http.ResponseWriter, r *http.Request) {
		control(rw, log, "world re-read", w.reload())
	})
	mux.HandleFunc("POST /fakex/down", func(rw http.ResponseWriter, r *http.Request) {
		x.SetDown(true)
		control(rw, log, "X is down: connections close unanswered", nil)
	})
	mux.HandleFunc("POST /fakex/up", func(rw http.ResponseWriter, r *http.Request) {
		x.Recover()
		control(rw, log, "X is up", nil)
	})
	mux.HandleFunc("GET /fakex/stats", func(rw http.ResponseWriter, r *http.Request) { writeJSON(rw, 200, stats(x)) })
	mux.Handle("/", logRequests(x, log))
	return mux
}

func control(w http.ResponseWriter, log *slog.Logger, done string, err error) {
	if err != nil {
		log.Warn("control request refused", "error", err)
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	log.Info(done)
	writeJSON(w, http.StatusOK, map[string]string{"ok": done})
}

// logRequests logs each request to the fake X: what was asked, the answer
// and what remains of the window.
func logRequests(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		attrs := []any{"path", r.URL.Path, "status", rec.status}
		for _, key := range []string{"ids", "user_ids"} {
			if v := r.URL.Query().Get(key); v != "" {
				attrs = append(attrs, key, strings.Count(v, ",")+1)
			}
		}
		if left := w.Header().Get("x-rate-limit-remaining"); left != "" {
			attrs = append(attrs, "remaining", left)
		}
		log.Info(r.Method, attrs...)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// Hijack lets the fake hang up when it is told X is down.
func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("cannot hijack")
	}
	return hj.Hijack()
}
