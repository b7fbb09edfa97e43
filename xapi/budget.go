package xapi

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// Endpoint names one X API endpoint. Each has its own rate-limit window at X
// and its own Budget here, so lookups never eat the watcher's requests. The
// values are short and stable: ops uses them as a metric label.
type Endpoint string

// The endpoints the client calls.
const (
	EndpointUserByName       Endpoint = "users/by/username" // GET /2/users/by/username/:username
	EndpointSpace            Endpoint = "spaces/:id"        // GET /2/spaces/:id
	EndpointSpaces           Endpoint = "spaces"            // GET /2/spaces?ids=
	EndpointSpacesByCreators Endpoint = "spaces/by/creator_ids"
)

// Endpoints lists every endpoint, in the order Budgets reports them.
func Endpoints() []Endpoint {
	return []Endpoint{EndpointUserByName, EndpointSpace, EndpointSpaces, EndpointSpacesByCreators}
}

// creatorsInterval is X's "at most one request a second" for
// by/creator_ids. X counts requests as they arrive, which the client
// cannot see: a request may take its time to get there. So one is out at
// a time, and the next goes creatorsSpacing after the last one's answer
// (or failure) came back, by when X had it: two never arrive in one
// wall-clock second, whatever the network did. spacingMargin covers
// where in its front end X notes the arrival.
const (
	creatorsInterval = time.Second
	spacingMargin    = 100 * time.Millisecond
	creatorsSpacing  = creatorsInterval + spacingMargin
)

// Window is the length of X's rate-limit windows (15 minutes). The client
// learns each window's end from x-rate-limit-reset; this is the fallback
// back-off for a 429 that does not say.
const Window = 15 * time.Minute

// skewBackoff is how long the client waits after a 429 whose reset X says
// has already passed (the two clocks disagree).
const skewBackoff = time.Second

// Budget is what the client knows of one endpoint's rate limit, from X's
// x-rate-limit-* headers and its own count of what it sent since.
type Budget struct {
	Endpoint Endpoint
	// Limit is requests per window as X last said; 0 until X has answered.
	Limit int
	// Remaining is how many more requests the client will send before
	// Reset; -1 until X has answered once. After Reset it is Limit again,
	// and the next request (only one at a time) learns the new window.
	Remaining int
	// Reset is the wall time the window ends; zero when not known.
	Reset time.Time
}

// budget is the live state behind a Budget. The Client's mutex guards it.
type budget struct {
	endpoint Endpoint
	// interval is the least time from one request's answer to the next
	// request, which waits while one is out; 0: no pacing.
	interval  time.Duration
	known     bool // remaining and reset describe X's current window
	limit     int
	remaining int
	reset     time.Time
	last      time.Time // wall time of the last send, or of its answer once in
	inflight  int
	probing   bool          // a request is out to learn the window
	answered  chan struct{} // closed and replaced whenever a request is answered
}

func newBudget(e Endpoint, interval time.Duration) *budget {
	return &budget{endpoint: e, interval: interval, answered: make(chan struct{})}
}

// busy reports whether a request that would go now (as a probe, if probe)
// must first wait for one out to be answered: only one probe at a time,
// and a paced endpoint has one request out at a time.
func (b *budget) busy(probe bool) bool {
	return probe && b.probing || b.interval > 0 && b.inflight > 0
}

// roll forgets a window that has ended: the budget is X's limit again, but
// the client asks once (a probe) to learn the new window rather than trust
// that its clock and X's agree.
func (b *budget) roll(now time.Time) {
	if b.known && !now.Before(b.reset) {
		b.known = false
	}
}

// delay is how long a request must wait before it may go, and whether it
// would go as a probe (the window is not known, so only one may be out).
func (b *budget) delay(now time.Time) (time.Duration, bool) {
	b.roll(now)
	var at time.Time
	if b.interval > 0 && !b.last.IsZero() {
		at = b.last.Add(b.interval)
	}
	if b.known && b.remaining <= 0 && b.reset.After(at) {
		at = b.reset
	}
	return max(at.Sub(now), 0), !b.known
}

// take records a request sent at now.
func (b *budget) take(now time.Time, probe bool) {
	b.last = now
	b.inflight++
	if probe {
		b.probing = true
	} else {
		b.remaining--
	}
}

// done records the answer to a request taken earlier: hdr and status are
// nil and 0 when it got no answer.
func (b *budget) done(now time.Time, probe bool, hdr http.Header, status int) {
	b.inflight--
	if probe {
		b.probing = false
	}
	if b.interval > 0 {
		b.last = now // X had the request by the time its answer (or failure) came back
	}
	close(b.answered)
	b.answered = make(chan struct{})
	if hdr != nil {
		b.learn(now, hdr, status)
	}
}

// learn takes in X's rate-limit headers. X counts what it has received; the
// client's other requests still out may not be in that count yet, so they
// are taken off what X says remains.
func (b *budget) learn(now time.Time, hdr http.Header, status int) {
	limit, remaining, reset, ok := rateHeaders(hdr)
	if status == http.StatusTooManyRequests {
		switch {
		case !ok:
			reset = now.Add(Window)
		case !reset.After(now):
			reset = now.Add(skewBackoff)
		}
		if ok {
			b.limit = limit
		}
		b.known, b.remaining = true, 0
		b.reset = later(b.reset, reset)
		return
	}
	if !ok || (b.known && reset.Before(b.reset)) {
		return // no headers, or a late answer from an earlier window
	}
	est := max(remaining-b.inflight, 0)
	if !b.known || reset.After(b.reset) {
		b.known, b.remaining, b.reset = true, est, reset
	} else {
		b.remaining = min(b.remaining, est)
	}
	b.limit = limit
}

// report is the Budget a caller sees.
func (b *budget) report(now time.Time) Budget {
	b.roll(now)
	r := Budget{Endpoint: b.endpoint, Limit: b.limit, Remaining: -1}
	switch {
	case b.known:
		r.Remaining, r.Reset = b.remaining, b.reset
	case b.limit > 0:
		r.Remaining = b.limit
	}
	return r
}

// rateHeaders parses x-rate-limit-limit, -remaining and -reset (Unix
// seconds, wall time). ok is false unless all three are present and sane.
func rateHeaders(h http.Header) (limit, remaining int, reset time.Time, ok bool) {
	limit, okL := headerInt(h, "x-rate-limit-limit")
	remaining, okR := headerInt(h, "x-rate-limit-remaining")
	secs, okS := headerInt(h, "x-rate-limit-reset")
	if !okL || !okR || !okS || remaining > limit {
		return 0, 0, time.Time{}, false
	}
	return limit, remaining, time.Unix(int64(secs), 0).UTC(), true
}

// maxHeaderInt bounds header numbers: a limit, a count, or Unix seconds
// well past this century.
const maxHeaderInt = 1 << 40

func headerInt(h http.Header, key string) (int, bool) {
	v := h.Get(key)
	if v == "" || len(v) > 13 {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxHeaderInt {
		return 0, false
	}
	return n, true
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// ticket is a permission to send one request.
type ticket struct {
	b     *budget
	probe bool
}

// wait blocks until b allows a request and takes it. It waits on the wall
// clock for pacing and for a spent window's reset, and for an answer to
// the request out when the window is not known (a probe) or the endpoint
// is paced. A wait that would outlast ctx's deadline returns a
// *RateLimitError at once, sending nothing.
func (c *Client) wait(ctx context.Context, b *budget) (ticket, error) {
	for {
		c.mu.Lock()
		now := c.wall.Now()
		d, probe := b.delay(now)
		busy := b.busy(probe)
		if d == 0 && !busy {
			b.take(now, probe)
			c.mu.Unlock()
			return ticket{b: b, probe: probe}, nil
		}
		answered := b.answered
		c.mu.Unlock()
		if busy {
			if testHookProbeWait != nil {
				testHookProbeWait()
			}
			select {
			case <-answered:
				continue
			case <-ctx.Done():
				return ticket{}, ctx.Err()
			}
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
			return ticket{}, &RateLimitError{Endpoint: b.endpoint, Reset: now.Add(d)}
		}
		if err := c.wall.Sleep(ctx, d); err != nil {
			return ticket{}, err
		}
	}
}

// testHookProbeWait, when set by a test, runs each time a request starts
// waiting for an answer to the one out (a probe's, or a paced endpoint's).
var testHookProbeWait func()

// release records the answer (or none) to a ticket's request.
func (c *Client) release(t ticket, hdr http.Header, status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t.b.done(c.wall.Now(), t.probe, hdr, status)
}

// Budget reports what the client knows of endpoint e's rate limit. Ops
// exports Budget(e).Remaining as a gauge per endpoint.
func (c *Client) Budget(e Endpoint) Budget {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.budgets[e]
	if !ok {
		return Budget{Endpoint: e, Remaining: -1}
	}
	return b.report(c.wall.Now())
}

// Budgets reports every endpoint's Budget, in the order of Endpoints.
func (c *Client) Budgets() []Budget {
	out := make([]Budget, 0, len(c.budgets))
	for _, e := range Endpoints() {
		out = append(out, c.Budget(e))
	}
	return out
}
