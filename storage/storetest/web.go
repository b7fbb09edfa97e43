package storetest

import (
	"context"
	"testing"
	"time"

	"sparkbot/bot"
)

// WebStore is what the dashboard needs of a store beyond bot.Store (see
// web.Store): tokens, and the outcomes of finished jobs by key prefix.
type WebStore interface {
	bot.TokenStore
	FinishJob(ctx context.Context, o bot.Outcome) error
	Outcomes(ctx context.Context, prefix string) ([]bot.Outcome, error)
}

// RunWebStore checks store against the contract of bot.TokenStore and of
// Outcomes. open returns a new, empty store for each subtest and arranges
// (t.Cleanup) to close it.
func RunWebStore(t *testing.T, open func(t *testing.T) WebStore) {
	for _, tt := range webTests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}

var webTests = []struct {
	name string
	run  func(t *testing.T, s WebStore)
}{
	{"a token round trips, once, and is spent once", testTokenSpend},
	{"prune forgets expired tokens, never feeds", testTokenPrune},
	{"a feed replaces its owner's feed of its scope only", testFeeds},
	{"an empty store has no tokens", func(t *testing.T, s WebStore) {
		_, err := s.Token(t.Context(), bot.HashToken("x"))
		wantErrIs(t, err, bot.ErrNotFound)
		_, err = s.Feed(t.Context(), wsA, "alice", bot.FeedHost)
		wantErrIs(t, err, bot.ErrNotFound)
		n, err := s.PruneTokens(t.Context(), day0)
		must(t, err)
		wantEqual(t, n, 0)
	}},
	{"outcomes by prefix, by key", func(t *testing.T, s WebStore) {
		for _, key := range []string{"discord:1/announce/1/post", "discord:1/announce/1/dm/alice", "discord:1/announce/2/post",
			"discord:10/announce/1/post", "discord:1/welcome/alice/1"} {
			must(t, s.FinishJob(t.Context(), bot.Outcome{Key: key, Kind: bot.JobAnnounce, Workspace: wsA, Result: bot.Sent, At: day0}))
		}
		got, err := s.Outcomes(t.Context(), "discord:1/announce/")
		must(t, err)
		var keys []string
		for _, o := range got {
			keys = append(keys, o.Key)
		}
		wantEqual(t, keys, []string{"discord:1/announce/1/dm/alice", "discord:1/announce/1/post", "discord:1/announce/2/post"})
		wantEqual(t, got[0], bot.Outcome{Key: "discord:1/announce/1/dm/alice", Kind: bot.JobAnnounce, Workspace: wsA, Result: bot.Sent, At: day0})
	}},
}

func signInGrant(user string, expires time.Time) bot.Grant {
	return bot.Grant{Kind: bot.TokenSignIn, Workspace: wsA, UserID: user, Name: user, Staff: true,
		Created: expires.Add(-bot.SignInLinkTTL), Expires: expires.Add(123)}
}

func feedGrant(ws bot.WorkspaceRef, user string, scope bot.FeedScope) bot.Grant {
	return bot.Grant{Kind: bot.TokenFeed, Workspace: ws, UserID: user, Scope: scope, Created: day0}
}

func testTokenSpend(t *testing.T, s WebStore) {
	ctx := t.Context()
	hash := bot.HashToken("secret-1")
	g := signInGrant("alice", day0.Add(15*time.Minute))
	must(t, s.AddToken(ctx, hash, g))
	wantErrIs(t, s.AddToken(ctx, hash, signInGrant("bob", day0)), bot.ErrExists)
	got, err := s.Token(ctx, hash)
	must(t, err)
	wantEqual(t, got, g)
	first, err := s.SpendToken(ctx, hash, day0)
	must(t, err)
	wantEqual(t, first, g)
	second, err := s.SpendToken(ctx, hash, day0.Add(time.Minute))
	must(t, err)
	wantEqual(t, second.Used, day0) // the first spend's, kept
	_, err = s.SpendToken(ctx, bot.HashToken("never made"), day0)
	wantErrIs(t, err, bot.ErrNotFound)
	must(t, s.DeleteToken(ctx, hash))
	_, err = s.Token(ctx, hash)
	wantErrIs(t, err, bot.ErrNotFound)
	must(t, s.DeleteToken(ctx, hash)) // not found is not an error
}

func testTokenPrune(t *testing.T, s WebStore) {
	ctx := t.Context()
	old, edge, fresh, feed := bot.HashToken("old"), bot.HashToken("edge"), bot.HashToken("fresh"), bot.HashToken("feed")
	must(t, s.AddToken(ctx, old, signInGrant("alice", day0)))
	must(t, s.AddToken(ctx, edge, signInGrant("carol", day0.Add(time.Minute))))
	must(t, s.AddToken(ctx, fresh, signInGrant("bob", day0.Add(time.Hour))))
	must(t, s.PutFeed(ctx, feed, feedGrant(wsA, "alice", bot.FeedHost)))
	n, err := s.PruneTokens(ctx, day0.Add(time.Minute+123)) // edge expires at exactly this instant: kept
	must(t, err)
	wantEqual(t, n, 1)
	_, err = s.Token(ctx, old)
	wantErrIs(t, err, bot.ErrNotFound)
	for _, h := range []bot.TokenHash{edge, fresh, feed} {
		_, err := s.Token(ctx, h)
		must(t, err)
	}
	n, err = s.PruneTokens(ctx, day0.Add(time.Minute))
	must(t, err)
	wantEqual(t, n, 0)
}

func testFeeds(t *testing.T, s WebStore) {
	ctx := t.Context()
	first, second := bot.HashToken("first"), bot.HashToken("second")
	_, err := s.Feed(ctx, wsA, "alice", bot.FeedHost)
	wantErrIs(t, err, bot.ErrNotFound)
	for _, step := range []struct {
		hash bot.TokenHash
		g    bot.Grant
	}{
		{first, feedGrant(wsA, "alice", bot.FeedHost)},
		{bot.HashToken("cohort"), feedGrant(wsA, "alice", bot.FeedCohort)},
		{bot.HashToken("other ws"), feedGrant(wsB, "alice", bot.FeedHost)},
		{bot.HashToken("a\x00b"), feedGrant(wsA, "a\x00b", bot.FeedHost)},
		{second, feedGrant(wsA, "alice", bot.FeedHost)}, // replaces first
	} {
		must(t, s.PutFeed(ctx, step.hash, step.g))
	}
	wantErrIs(t, s.PutFeed(ctx, second, feedGrant(wsA, "bob", bot.FeedHost)), bot.ErrExists)
	_, err = s.Token(ctx, first)
	wantErrIs(t, err, bot.ErrNotFound)
	got, err := s.Feed(ctx, wsA, "alice", bot.FeedHost)
	must(t, err)
	wantEqual(t, got, feedGrant(wsA, "alice", bot.FeedHost))
	for _, other := range []string{"cohort", "other ws", "a\x00b"} {
		_, err := s.Token(ctx, bot.HashToken(other))
		must(t, err)
	}
	_, err = s.Feed(ctx, wsA, "bob", bot.FeedHost)
	wantErrIs(t, err, bot.ErrNotFound)
	must(t, s.DeleteFeed(ctx, wsA, "alice", bot.FeedHost))
	_, err = s.Token(ctx, second)
	wantErrIs(t, err, bot.ErrNotFound)
	wantErrIs(t, s.DeleteFeed(ctx, wsA, "alice", bot.FeedHost), bot.ErrNotFound)
}
