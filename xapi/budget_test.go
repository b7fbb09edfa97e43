package xapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"sparkbot/xapi"
	"sparkbot/xapi/fakex"
)

func TestBudgetFollowsHeaders(t *testing.T) {
	h := newHarness(t)
	e := xapi.EndpointSpace
	if got, want := h.c.Budget(e), (xapi.Budget{Endpoint: e, Remaining: -1}); got != want {
		t.Errorf("before any request: Budget = %+v, want %+v", got, want)
	}
	space := func() {
		t.Helper()
		if _, err := h.c.Space(context.Background(), liveSpace.ID); err != nil {
			t.Fatal(err)
		}
	}
	space()
	reset := t0.Add(xapi.Window)
	if got, want := h.c.Budget(e), (xapi.Budget{Endpoint: e, Limit: 300, Remaining: 299, Reset: reset}); got != want {
		t.Errorf("after one request: Budget = %+v, want %+v", got, want)
	}
	// Someone else (another process on the same app) spends most of it.
	h.x.SetRemaining(e, 5)
	space()
	if got := h.c.Budget(e).Remaining; got != 4 {
		t.Errorf("after X said 4 remain: Remaining = %d, want 4", got)
	}
	for _, other := range []xapi.Endpoint{xapi.EndpointSpaces, xapi.EndpointSpacesByCreators, xapi.EndpointUserByName} {
		if got := h.c.Budget(other).Remaining; got != -1 {
			t.Errorf("%s: Remaining = %d after requests to %s only, want -1", other, got, e)
		}
	}
	h.wall.Set(reset)
	if got, want := h.c.Budget(e), (xapi.Budget{Endpoint: e, Limit: 300, Remaining: 300}); got != want {
		t.Errorf("after the reset: Budget = %+v, want %+v", got, want)
	}
	if got := len(h.c.Budgets()); got != len(xapi.Endpoints()) {
		t.Errorf("Budgets has %d entries, want one per endpoint (%d)", got, len(xapi.Endpoints()))
	}
}

// TestSpentBudgetWaitsForReset: with nothing left, the client sends
// nothing until X's reset. A caller whose deadline comes first is told at
// once; one without waits on the wall clock, then succeeds.
func TestSpentBudgetWaitsForReset(t *testing.T) {
	h := newHarness(t)
	e := xapi.EndpointSpace
	h.x.SetRemaining(e, 1)
	if _, err := h.c.Space(context.Background(), liveSpace.ID); err != nil {
		t.Fatal(err)
	}
	reset := t0.Add(xapi.Window)

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := h.c.Space(ctx, liveSpace.ID)
	var rl *xapi.RateLimitError
	if !errors.As(err, &rl) || !rl.Reset.Equal(reset) || rl.Endpoint != e {
		t.Fatalf("with a 1 s deadline: error = %v, want *RateLimitError until %v", err, reset)
	}
	if got := h.x.Stats(e).Requests; got != 1 {
		t.Errorf("X got %d requests, want 1: nothing may be sent on a spent budget", got)
	}
	if now := h.wall.Now(); !now.Equal(t0) {
		t.Errorf("wall moved to %v while refusing, want no wait", now)
	}

	if _, err := h.c.Space(context.Background(), liveSpace.ID); err != nil {
		t.Fatalf("without a deadline: %v", err)
	}
	if now := h.wall.Now(); !now.Equal(reset) {
		t.Errorf("request went at %v, want at the reset %v", now, reset)
	}
	if st := h.x.Stats(e); st.Limited != 0 || st.Requests != 2 {
		t.Errorf("X stats %+v: want 2 requests and no 429", st)
	}
}

func TestRateLimitedThenSuccessAfterReset(t *testing.T) {
	h := newHarness(t)
	e := xapi.EndpointSpacesByCreators
	h.x.SetRemaining(e, 0) // a fresh client cannot know; X answers 429
	reset := t0.Add(xapi.Window)

	_, err := h.c.SpacesByCreators(context.Background(), []string{alice.ID})
	var rl *xapi.RateLimitError
	if !errors.As(err, &rl) || !rl.Reset.Equal(reset) {
		t.Fatalf("error = %v, want *RateLimitError until %v", err, reset)
	}
	if got := h.c.Budget(e); got.Remaining != 0 || !got.Reset.Equal(reset) {
		t.Errorf("after 429: Budget = %+v, want 0 remaining until %v", got, reset)
	}
	got, err := h.c.SpacesByCreators(context.Background(), []string{alice.ID})
	if err != nil {
		t.Fatalf("after the reset: %v", err)
	}
	if len(got.Spaces) != 2 {
		t.Errorf("got %d Spaces, want 2", len(got.Spaces))
	}
	if now := h.wall.Now(); !now.Equal(reset) {
		t.Errorf("retry went at %v, want at the reset %v", now, reset)
	}
	if st := h.x.Stats(e); st.Requests != 2 || st.Limited != 1 {
		t.Errorf("X stats %+v, want exactly 2 requests, 1 answered 429", st)
	}
}

func TestEndpointsHaveTheirOwnBudgets(t *testing.T) {
	h := newHarness(t)
	h.x.SetRemaining(xapi.EndpointSpacesByCreators, 0)
	if _, err := h.c.SpacesByCreators(context.Background(), []string{alice.ID}); err == nil {
		t.Fatal("want a 429 from by/creator_ids")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := h.c.Space(ctx, liveSpace.ID); err != nil {
		t.Errorf("Space while by/creator_ids is limited: %v", err)
	}
	if _, err := h.c.Spaces(ctx, []string{liveSpace.ID}); err != nil {
		t.Errorf("Spaces while by/creator_ids is limited: %v", err)
	}
	if _, err := h.c.UserByName(ctx, "alice_x"); err != nil {
		t.Errorf("UserByName while by/creator_ids is limited: %v", err)
	}
	if now := h.wall.Now(); !now.Equal(t0) {
		t.Errorf("lookups waited until %v, want no wait", now)
	}
}

// TestLookupsAreNotPaced: the one-a-second rule is by/creator_ids' only.
func TestLookupsAreNotPaced(t *testing.T) {
	h := newHarness(t)
	for range 5 {
		if _, err := h.c.Space(context.Background(), liveSpace.ID); err != nil {
			t.Fatal(err)
		}
	}
	if now := h.wall.Now(); !now.Equal(t0) {
		t.Errorf("5 lookups took the wall to %v, want no wait", now)
	}
	if got := h.x.Stats(xapi.EndpointSpace).MaxPerSecond; got != 5 {
		t.Errorf("MaxPerSecond = %d, want 5", got)
	}
}

// TestCreatorsOneRequestASecond runs concurrent callers on a manual wall
// clock: one request is out at a time, and each 1.1 s of wall time after
// its answer (a second and the client's margin) lets exactly one more out.
func TestCreatorsOneRequestASecond(t *testing.T) {
	h := newHarness(t)
	h.wall.SetAuto(false)
	const callers = 5
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			_, err := h.c.SpacesByCreators(context.Background(), []string{alice.ID})
			errs <- err
		})
	}
	e := xapi.EndpointSpacesByCreators
	for sent := 1; sent <= callers; sent++ {
		if !h.wall.AwaitSleepers(callers-sent, awaitTimeout) {
			t.Fatalf("after %d sent: %d callers waiting on the wall, want %d", sent, h.wall.Sleepers(), callers-sent)
		}
		if !h.x.AwaitRequests(e, sent, awaitTimeout) {
			t.Fatalf("X counted %d requests, want %d", h.x.Stats(e).Requests, sent)
		}
		if got := h.x.Stats(e).Requests; got != sent {
			t.Fatalf("X counted %d requests after %d s, want %d", got, sent-1, sent)
		}
		h.wall.Advance(1100 * time.Millisecond)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	st := h.x.Stats(e)
	if st.Requests != callers || st.MaxPerSecond != 1 || st.MinGap < time.Second {
		t.Errorf("X stats %+v: want %d requests, at most 1 a second, at least 1 s apart", st, callers)
	}
}

// TestGreedyCallerHeldToBudget polls 2,000 creators (20 requests of 100)
// back to back for 40 minutes of wall time, asking far more than X allows: the
// client holds every window to X's 300 and every second to one request,
// and X never answers 429.
func TestGreedyCallerHeldToBudget(t *testing.T) {
	h := newHarness(t)
	ids := make([]string, 2000)
	for i := range ids {
		ids[i] = fmt.Sprint(2000 + i)
		h.x.AddUser(fakex.User{ID: ids[i], Username: fmt.Sprintf("host%d", i)})
	}
	end := t0.Add(40 * time.Minute)
	for round := 0; h.wall.Now().Before(end); round++ {
		for b := 0; b < len(ids); b += 100 {
			if _, err := h.c.SpacesByCreators(context.Background(), ids[b:b+100]); err != nil {
				t.Fatalf("round %d, batch %d: %v", round, b/100, err)
			}
		}
	}
	st := h.x.Stats(xapi.EndpointSpacesByCreators)
	if st.Limited != 0 || st.MaxPerWindow > 300 || st.MaxPerSecond != 1 {
		t.Errorf("X stats: %d answered 429, at most %d a window (limit 300), %d a second; want 0, ≤300, 1",
			st.Limited, st.MaxPerWindow, st.MaxPerSecond)
	}
	if len(st.Windows) < 3 || slices.ContainsFunc(st.Windows[:len(st.Windows)-1], func(n int) bool { return n != 300 }) {
		t.Errorf("windows %v: want the budget used in full, window after window", st.Windows)
	}
}

// latent is a transport whose requests take their time to reach X: each
// waits delays[i] of wall time (the last delay repeats) before it is sent
// on, as over a slow dial or a slow network.
type latent struct {
	wall   *xapi.FakeWall
	next   http.RoundTripper
	mu     sync.Mutex
	delays []time.Duration
	n      int
}

func (l *latent) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	d := l.delays[min(l.n, len(l.delays)-1)]
	l.n++
	l.mu.Unlock()
	if err := l.wall.Sleep(r.Context(), d); err != nil {
		return nil, err
	}
	return l.next.RoundTrip(r)
}

// TestCreatorsSpacedByArrival: X counts by/creator_ids requests by when
// they arrive. A request that takes 900 ms to reach X must not let the
// next one arrive in the same wall-clock second: the spacing runs from
// its answer, with a margin.
func TestCreatorsSpacedByArrival(t *testing.T) {
	h := newHarness(t)
	h.wall.Set(t0.Add(500 * time.Millisecond))
	c, err := xapi.New(xapi.Config{BaseURL: h.x.URL, BearerToken: token, Wall: h.wall,
		HTTPClient: &http.Client{Transport: &latent{wall: h.wall, next: http.DefaultTransport, delays: []time.Duration{900 * time.Millisecond, 0}}}})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.SpacesByCreators(context.Background(), []string{alice.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if st := h.x.Stats(xapi.EndpointSpacesByCreators); st.MaxPerSecond != 1 || st.MinGap <= time.Second {
		t.Errorf("X saw %d requests arrive in one second, %v apart at least; want 1, more than a second apart", st.MaxPerSecond, st.MinGap)
	}
}

// TestCreatorsNoSilentRetry: a by/creator_ids request X counted but
// answered only by closing the connection is not sent again by Go's
// transport at once; the client tries again itself, a second later, and
// counts both against the budget.
func TestCreatorsNoSilentRetry(t *testing.T) {
	h := newHarness(t)
	e := xapi.EndpointSpacesByCreators
	if _, err := h.c.SpacesByCreators(context.Background(), []string{alice.ID}); err != nil {
		t.Fatal(err) // the connection is kept alive for the next
	}
	h.x.Drop(e, 1)
	if _, err := h.c.SpacesByCreators(context.Background(), []string{alice.ID}); err != nil {
		t.Fatalf("dropped once, then tried again: %v", err)
	}
	st := h.x.Stats(e)
	if st.Requests != 3 || st.MaxPerSecond != 1 || st.MinGap <= time.Second {
		t.Errorf("X stats %+v: want 3 requests, one a second, more than a second apart", st)
	}
	if got := h.c.Budget(e).Remaining; got != 297 {
		t.Errorf("Remaining = %d, want 297: X counted the dropped request", got)
	}
}
