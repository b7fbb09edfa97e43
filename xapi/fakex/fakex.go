// Package fakex is a fake X API v2 for tests and for trying sparkbot by
// hand: the four endpoints xapi calls, on 127.0.0.1, speaking X's
// documented wire format (data, includes, errors, meta; the
// x-rate-limit-* headers; 429 with a reset; 401 for a wrong token;
// not-found errors for Spaces X no longer returns).
//
// A test scripts it from Go (users, Spaces going live and ending,
// participant counts, failures, outages) and reads what it counted: the
// requests per endpoint in each 15-minute window, the most in one
// wall-clock second, the shortest gap between two. Its rate windows run on
// the Clock it is given, the same wall clock the client under test uses.
// cmd/fakex serves it from a world file for a person to try the console
// against.
package fakex

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"sparkbot/xapi"
)

// Clock is the wall clock the fake's rate windows run on. An
// *xapi.FakeWall is one.
type Clock interface {
	Now() time.Time
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// Config is how a fake X behaves.
type Config struct {
	// Token is the one bearer token it accepts; every other gets 401.
	Token string
	// Clock runs the rate windows (default: real time).
	Clock Clock
	// Limit is requests per endpoint per window (default 300, X's limit
	// for the Spaces endpoints).
	Limit int
	// Window is the rate-limit window (default 15 minutes).
	Window time.Duration
}

// Server is a fake X API v2. It is safe for concurrent use.
type Server struct {
	// URL is where it listens, once started with Start.
	URL string

	cfg Config
	mux *http.ServeMux

	mu      sync.Mutex
	users   map[string]User   // by id
	byName  map[string]string // lower-case username → id
	spaces  map[string]*Space // by id
	limits  map[xapi.Endpoint]*limiter
	fails   map[xapi.Endpoint]*failure
	drops   map[xapi.Endpoint]int // requests still to count, then hang up on
	queries map[xapi.Endpoint]url.Values
	polls   map[string]int // by/creator_ids requests naming each user id (timeline.go)
	down    bool
	changed chan struct{} // closed and replaced on every request
}

type failure struct {
	status int
	left   int // requests still to fail; < 0: until Recover
}

// New returns a fake X that is not listening yet: serve it with Start, or
// as an http.Handler.
func New(cfg Config) *Server {
	if cfg.Clock == nil {
		cfg.Clock = realClock{}
	}
	if cfg.Limit <= 0 {
		cfg.Limit = 300
	}
	if cfg.Window <= 0 {
		cfg.Window = xapi.Window
	}
	s := &Server{
		cfg:     cfg,
		users:   map[string]User{},
		byName:  map[string]string{},
		spaces:  map[string]*Space{},
		limits:  map[xapi.Endpoint]*limiter{},
		fails:   map[xapi.Endpoint]*failure{},
		drops:   map[xapi.Endpoint]int{},
		queries: map[xapi.Endpoint]url.Values{},
		polls:   map[string]int{},
		changed: make(chan struct{}),
	}
	for _, e := range xapi.Endpoints() {
		s.limits[e] = &limiter{limit: cfg.Limit}
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /2/users/by/username/{username}", s.api(xapi.EndpointUserByName, s.userByName))
	s.mux.HandleFunc("GET /2/spaces/by/creator_ids", s.api(xapi.EndpointSpacesByCreators, s.spacesByCreators))
	s.mux.HandleFunc("GET /2/spaces/{id}", s.api(xapi.EndpointSpace, s.space))
	s.mux.HandleFunc("GET /2/spaces", s.api(xapi.EndpointSpaces, s.spacesByIDs))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, problem("Not Found Error", "Sorry, that page does not exist.", "about:blank", http.StatusNotFound))
	})
	return s
}

// Start serves a new fake X on 127.0.0.1 until tb ends.
func Start(tb testing.TB, cfg Config) *Server {
	tb.Helper()
	s := New(cfg)
	srv := httptest.NewServer(s)
	s.URL = srv.URL
	tb.Cleanup(srv.Close)
	return s
}

// ServeHTTP answers one request. Its arrival is read off the Clock first
// thing, before any lock, so the per-second count and the gaps are those
// of the moments requests reached the fake.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	arrived := s.cfg.Clock.Now()
	s.mu.Lock()
	down := s.down
	s.mu.Unlock()
	if down {
		hangUp(w)
		return
	}
	s.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), arrivalKey{}, arrived)))
}

// arrivalKey keys a request's arrival time in its context.
type arrivalKey struct{}

func arrival(r *http.Request, clock Clock) time.Time {
	if t, ok := r.Context().Value(arrivalKey{}).(time.Time); ok {
		return t
	}
	return clock.Now()
}

// hangUp closes the connection without an answer: X unreachable.
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("fakex: cannot hang up on this connection")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // a reset, not a polite close
		}
		conn.Close()
	}
}

// handler answers a request that passed the token, the rate limit and the
// query check; it runs with s.mu held and returns the status and body.
type handler func(r *http.Request, q query) (int, any)

// api wraps an endpoint's handler with what X does first: count the
// request, check the token, apply injected failures, then the rate limit.
func (s *Server) api(e xapi.Endpoint, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, body := s.answer(e, h, w.Header(), r)
		if status == dropped {
			hangUp(w)
			return
		}
		writeJSON(w, status, body)
	}
}

// dropped is answer's status for a request counted, then hung up on.
const dropped = -1

func (s *Server) answer(e xapi.Endpoint, h handler, hdr http.Header, r *http.Request) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.limits[e]
	l.requests++
	s.queries[e] = r.URL.Query()
	close(s.changed)
	s.changed = make(chan struct{})
	if s.cfg.Token == "" || r.Header.Get("Authorization") != "Bearer "+s.cfg.Token {
		return http.StatusUnauthorized, problem("Unauthorized", "Unauthorized", "about:blank", http.StatusUnauthorized)
	}
	if status, ok := s.failing(e); ok {
		return status, problem(http.StatusText(status), http.StatusText(status), "about:blank", status)
	}
	remaining, reset, ok := l.admit(arrival(r, s.cfg.Clock), s.cfg.Window)
	if s.drops[e] > 0 {
		s.drops[e]--
		return dropped, nil
	}
	hdr.Set("x-rate-limit-limit", strconv.Itoa(l.limit))
	hdr.Set("x-rate-limit-remaining", strconv.Itoa(remaining))
	hdr.Set("x-rate-limit-reset", strconv.FormatInt(reset.Unix(), 10))
	if !ok {
		return http.StatusTooManyRequests, problem("Too Many Requests", "Too Many Requests", "about:blank", http.StatusTooManyRequests)
	}
	q, bad := checkQuery(e, r.URL.Query())
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	return h(r, q)
}

func (s *Server) failing(e xapi.Endpoint) (int, bool) {
	f := s.fails[e]
	if f == nil || f.left == 0 {
		return 0, false
	}
	if f.left > 0 {
		f.left--
	}
	return f.status, true
}

// Fail makes the next n requests to e answer status (n < 0: every request
// until Recover), before the rate limit counts them.
func (s *Server) Fail(e xapi.Endpoint, status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails[e] = &failure{status: status, left: n}
}

// Drop makes the next n requests to e reach X, which counts them against
// the rate limit, and then lose their connection without an answer: what
// a client must not silently send again, since X counted it.
func (s *Server) Drop(e xapi.Endpoint, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drops[e] = n
}

// SetDown makes every request's connection close without an answer (true)
// or X answer again (false).
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// Recover ends every injected failure and outage.
func (s *Server) Recover() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = map[xapi.Endpoint]*failure{}
	s.drops = map[xapi.Endpoint]int{}
	s.down = false
}

// SetRemaining makes e's current window (opened now if none is) have n
// requests left, as if others had used the rest.
func (s *Server) SetRemaining(e xapi.Endpoint, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits[e].setRemaining(s.cfg.Clock.Now(), s.cfg.Window, n)
}

// Stats is what the fake counted for one endpoint.
func (s *Server) Stats(e xapi.Endpoint) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limits[e].stats()
}

// AwaitRequests waits until n requests to e have come in and reports
// whether that happened within timeout (which only keeps a broken test
// from hanging).
func (s *Server) AwaitRequests(e xapi.Endpoint, n int, timeout time.Duration) bool {
	guard := time.NewTimer(timeout)
	defer guard.Stop()
	for {
		s.mu.Lock()
		got, changed := s.limits[e].requests, s.changed
		s.mu.Unlock()
		if got >= n {
			return true
		}
		select {
		case <-changed:
		case <-guard.C:
			return false
		}
	}
}

// LastQuery is the query string of the last request to e (nil if none).
func (s *Server) LastQuery(e xapi.Endpoint) url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries[e]
}
