package xapi_test

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"sparkbot/xapi"
	"sparkbot/xapi/fakex"
)

// token is the bearer token every test uses; no error or log may show it.
const token = "sekrit-T0KEN-4f9c2e"

// t0 is the wall time tests start at.
var t0 = time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)

// awaitTimeout keeps a broken concurrent test from hanging.
const awaitTimeout = 10 * time.Second

// The world every test starts with.
var (
	alice = fakex.User{ID: "1001", Username: "alice_x", Name: "Alice", Followers: 12000}
	bob   = fakex.User{ID: "1002", Username: "bob_x", Name: "Bob", Followers: 300}

	liveSpace = fakex.Space{ID: "1eaKbrPAqbwKX", State: "live", Title: "Night owls", CreatorID: alice.ID,
		HostIDs: []string{alice.ID, bob.ID}, SpeakerIDs: []string{bob.ID},
		StartedAt: t0.Add(2 * time.Minute), ParticipantCount: 143}
	scheduledSpace = fakex.Space{ID: "1YqKDqWqdPLJV", State: "scheduled", Title: "Morning show",
		CreatorID: alice.ID, ScheduledStart: t0.Add(13 * time.Hour)}
	endedSpace = fakex.Space{ID: "1OdJrBwXgjXGX", State: "ended", Title: "Done", CreatorID: bob.ID,
		StartedAt: t0.Add(-2 * time.Hour), EndedAt: t0.Add(-time.Hour), ParticipantCount: 12}
	goneSpace = fakex.Space{ID: "1lDxLnrWqZnxm", State: "ended", CreatorID: bob.ID, Gone: true,
		StartedAt: t0.Add(-5 * time.Hour), EndedAt: t0.Add(-4 * time.Hour)}
)

// harness is a client and a fake X sharing one fake wall clock.
type harness struct {
	x    *fakex.Server
	wall *xapi.FakeWall
	c    *xapi.Client
	logs *syncBuffer
}

// newHarness starts a fake X with the test world and a client on it. The
// wall is in auto mode: a client's waits move it at once.
func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{wall: xapi.NewFakeWall(t0), logs: &syncBuffer{}}
	h.wall.SetAuto(true)
	h.x = fakex.Start(t, fakex.Config{Token: token, Clock: h.wall})
	for _, u := range []fakex.User{alice, bob} {
		h.x.AddUser(u)
	}
	for _, sp := range []fakex.Space{liveSpace, scheduledSpace, endedSpace, goneSpace} {
		h.x.AddSpace(sp)
	}
	h.c = h.client(t, token)
	return h
}

// client is another client on the harness's fake, with its own budgets.
func (h *harness) client(t *testing.T, tok string) *xapi.Client {
	t.Helper()
	c, err := xapi.New(xapi.Config{BaseURL: h.x.URL, BearerToken: tok, Wall: h.wall, Logger: newDebugLogger(h.logs)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newDebugLogger logs every level to w.
func newDebugLogger(w *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// syncBuffer is a bytes.Buffer that concurrent log lines can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
