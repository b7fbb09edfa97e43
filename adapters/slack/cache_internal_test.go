package slack

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"sparkbot/bot"
)

// countingUsers answers users.info for anyone, counting the calls.
type countingUsers struct {
	webAPI
	calls atomic.Int64
}

func (c *countingUsers) GetUserInfoContext(_ context.Context, id string, _ ...slackgo.GetUserInfoOption) (*slackgo.User, error) {
	c.calls.Add(1)
	return &slackgo.User{ID: id, Name: "user " + id}, nil
}

// TestUserCacheIsBounded: a flood of distinct users keeps at most
// maxCachedUsers, dropping the least recently used.
func TestUserCacheIsBounded(t *testing.T) {
	api := &countingUsers{}
	c := newUserCache(api, bot.NewFakeClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)))
	ctx := context.Background()
	for i := range maxCachedUsers + 10 {
		c.get(ctx, fmt.Sprintf("U%06d", i))
	}
	if n := c.entries.Len(); n != maxCachedUsers {
		t.Errorf("cache holds %d users, want at most %d", n, maxCachedUsers)
	}
	before := api.calls.Load()
	c.get(ctx, fmt.Sprintf("U%06d", maxCachedUsers+9)) // recent: cached
	c.get(ctx, "U000000")                              // oldest: evicted
	if got := api.calls.Load() - before; got != 1 {
		t.Errorf("%d users.info calls, want 1 (for the evicted user only)", got)
	}
}

// TestDMCacheExpiresAndIsBounded.
func TestDMCacheExpiresAndIsBounded(t *testing.T) {
	clock := bot.NewFakeClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	c := newDMCache(clock)
	c.Store("T1/U1", "D1")
	if ch, ok := c.Load("T1/U1"); !ok || ch != "D1" {
		t.Fatalf("Load = %q, %v", ch, ok)
	}
	clock.Advance(dmTTL)
	if _, ok := c.Load("T1/U1"); ok {
		t.Error("a DM channel is still trusted after dmTTL")
	}
	for i := range maxCachedUsers + 1 {
		c.Store(fmt.Sprintf("T1/U%d", i), "D")
	}
	if n := c.entries.Len(); n != maxCachedUsers {
		t.Errorf("cache holds %d channels, want %d", n, maxCachedUsers)
	}
	c.Delete("T1/U5")
	if _, ok := c.Load("T1/U5"); ok {
		t.Error("Delete kept the entry")
	}
}
