package bolt

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"sparkbot/bot"
)

var (
	tokenWS   = bot.WorkspaceRef{Platform: bot.Discord, ID: "1001"}
	tokenWS2  = bot.WorkspaceRef{Platform: bot.Slack, ID: "1001"}
	tokenTime = time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
)

func signInGrant(user string, expires time.Time) bot.Grant {
	return bot.Grant{Kind: bot.TokenSignIn, Workspace: tokenWS, UserID: user, Name: user, Staff: true,
		Created: expires.Add(-bot.SignInLinkTTL), Expires: expires}
}

func TestTokenRoundTripAndSpend(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	hash := bot.HashToken("secret-1")
	g := signInGrant("alice", tokenTime.Add(15*time.Minute))
	if err := db.AddToken(ctx, hash, g); err != nil {
		t.Fatal(err)
	}
	if err := db.AddToken(ctx, hash, g); !errors.Is(err, bot.ErrExists) {
		t.Fatalf("second AddToken: got %v, want ErrExists", err)
	}
	got, err := db.Token(ctx, hash)
	if err != nil || !reflect.DeepEqual(got, g) {
		t.Fatalf("Token = %+v, %v; want %+v", got, err, g)
	}
	first, err := db.SpendToken(ctx, hash, tokenTime)
	if err != nil || !first.Used.IsZero() {
		t.Fatalf("first spend: got %+v, %v; want the unused grant", first, err)
	}
	second, err := db.SpendToken(ctx, hash, tokenTime.Add(time.Minute))
	if err != nil || !second.Used.Equal(tokenTime) {
		t.Fatalf("second spend: got Used %v, %v; want the first spend's time %v", second.Used, err, tokenTime)
	}
	if _, err := db.SpendToken(ctx, bot.HashToken("never made"), tokenTime); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("spending an unknown token: got %v, want ErrNotFound", err)
	}
	if err := db.DeleteToken(ctx, hash); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Token(ctx, hash); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("after delete: got %v, want ErrNotFound", err)
	}
	if err := db.DeleteToken(ctx, hash); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
}

func TestTokenPrune(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	old, fresh, feed := bot.HashToken("old"), bot.HashToken("fresh"), bot.HashToken("feed")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.AddToken(ctx, old, signInGrant("alice", tokenTime)))
	must(db.AddToken(ctx, fresh, signInGrant("bob", tokenTime.Add(time.Hour))))
	must(db.PutFeed(ctx, feed, bot.Grant{Kind: bot.TokenFeed, Workspace: tokenWS, UserID: "alice", Scope: bot.FeedHost, Created: tokenTime}))
	n, err := db.PruneTokens(ctx, tokenTime.Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("PruneTokens = %d, %v; want 1", n, err)
	}
	if _, err := db.Token(ctx, old); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("expired token survived the prune: %v", err)
	}
	for _, h := range []bot.TokenHash{fresh, feed} {
		if _, err := db.Token(ctx, h); err != nil {
			t.Errorf("prune removed a live token: %v", err)
		}
	}
	if n, _ := db.PruneTokens(ctx, tokenTime.Add(time.Minute)); n != 0 {
		t.Errorf("second prune removed %d, want 0", n)
	}
}

func TestFeedReplaceAndRevoke(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	feed := func(ws bot.WorkspaceRef, user string, scope bot.FeedScope) bot.Grant {
		return bot.Grant{Kind: bot.TokenFeed, Workspace: ws, UserID: user, Scope: scope, Created: tokenTime}
	}
	first, second := bot.HashToken("first"), bot.HashToken("second")
	if _, err := db.Feed(ctx, tokenWS, "alice", bot.FeedHost); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("Feed before any: got %v, want ErrNotFound", err)
	}
	for _, step := range []struct {
		hash bot.TokenHash
		g    bot.Grant
	}{
		{first, feed(tokenWS, "alice", bot.FeedHost)},
		{bot.HashToken("cohort"), feed(tokenWS, "alice", bot.FeedCohort)},
		{bot.HashToken("other ws"), feed(tokenWS2, "alice", bot.FeedHost)},
		{second, feed(tokenWS, "alice", bot.FeedHost)}, // replaces first
	} {
		if err := db.PutFeed(ctx, step.hash, step.g); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Token(ctx, first); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("the replaced feed still opens: %v", err)
	}
	if g, err := db.Token(ctx, second); err != nil || g.Scope != bot.FeedHost {
		t.Errorf("new feed: %+v, %v", g, err)
	}
	for _, other := range []string{"cohort", "other ws"} {
		if _, err := db.Token(ctx, bot.HashToken(other)); err != nil {
			t.Errorf("replacing alice's host feed removed the %s feed: %v", other, err)
		}
	}
	if err := db.DeleteFeed(ctx, tokenWS, "alice", bot.FeedHost); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Token(ctx, second); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("revoked feed still opens: %v", err)
	}
	if err := db.DeleteFeed(ctx, tokenWS, "alice", bot.FeedHost); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("revoking twice: got %v, want ErrNotFound", err)
	}
}

func TestTokenReadsOnFreshFile(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	if _, err := db.Token(ctx, bot.HashToken("x")); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Token on a file without token buckets: %v, want ErrNotFound", err)
	}
	if _, err := db.Feed(ctx, tokenWS, "alice", bot.FeedHost); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Feed on a file without token buckets: %v, want ErrNotFound", err)
	}
	if n, err := db.PruneTokens(ctx, tokenTime); err != nil || n != 0 {
		t.Errorf("PruneTokens on a fresh file = %d, %v", n, err)
	}
}
