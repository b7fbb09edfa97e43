package bot

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"time"
)

// Tokens are the secrets the web dashboard and the calendar feeds are
// entered with: one-time sign-in links, the sessions they open, and feed
// addresses. Only a token's hash is stored; the secret itself is shown once,
// in the link, and never kept.

// TokenKind says what a token opens.
type TokenKind string

const (
	TokenSignIn  TokenKind = "signin"  // a one-time sign-in link
	TokenSession TokenKind = "session" // a signed-in browser
	TokenFeed    TokenKind = "feed"    // a calendar feed address
)

// FeedScope says whose Spaces a calendar feed holds.
type FeedScope string

const (
	FeedHost   FeedScope = "host"   // one host's own recurring Spaces, with alarms
	FeedCohort FeedScope = "cohort" // every host's, for staff, without alarms
)

// How long tokens last.
const (
	SignInLinkTTL = 15 * time.Minute
	SessionTTL    = 12 * time.Hour
)

// secretBytes is a token's length: 256 random bits, twice the least the
// dashboard needs, so a guess never finds one.
const secretBytes = 32

// Grant is what a token's secret opens: whose it is, in which workspace, and with
// which rights. Staff is the platform's staff mapping read when the sign-in
// link was made; nothing re-reads it before the session ends.
type Grant struct {
	Kind      TokenKind
	Workspace WorkspaceRef
	UserID    string
	Name      string // display name when the token was made
	Staff     bool
	Scope     FeedScope // TokenFeed only
	Created   time.Time
	// Expires is when the token stops working; zero for feeds, which last
	// until revoked.
	Expires time.Time
	// Used is when a sign-in link was spent; zero while unused.
	Used time.Time
}

// Expired reports whether t no longer works at now.
func (t Grant) Expired(now time.Time) bool { return !t.Expires.IsZero() && !now.Before(t.Expires) }

// TokenHash is the SHA-256 of a secret: what stores keep and look up.
type TokenHash [sha256.Size]byte

// HashToken returns the hash a secret is stored under.
func HashToken(secret string) TokenHash { return sha256.Sum256([]byte(secret)) }

// NewSecret returns a new secret read from random, in URL-safe base64.
func NewSecret(random io.Reader) (string, error) {
	b := make([]byte, secretBytes)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("bot: read random bytes for a token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// ValidSecret reports whether s has the shape NewSecret gives, so a
// malformed one is refused before any store is asked.
func ValidSecret(s string) bool {
	if len(s) != base64.RawURLEncoding.EncodedLen(secretBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// TokenStore keeps tokens by hash. Sign-in links and sessions expire; a
// feed lasts until replaced, and each owner has at most one feed per scope.
type TokenStore interface {
	// AddToken stores t under hash; ErrExists if the hash is taken.
	AddToken(ctx context.Context, hash TokenHash, t Grant) error
	// Token returns the grant stored under hash; ErrNotFound if none.
	Token(ctx context.Context, hash TokenHash) (Grant, error)
	// SpendToken marks the token under hash used at at, unless it was used
	// already, atomically, and returns it as it was before: a Used time
	// set means someone spent it first. ErrNotFound if none.
	SpendToken(ctx context.Context, hash TokenHash, at time.Time) (Grant, error)
	// DeleteToken forgets the token under hash; not found is not an error.
	DeleteToken(ctx context.Context, hash TokenHash) error
	// PutFeed makes hash the one feed of t's owner (Workspace, UserID) and
	// Scope, deleting the one it replaces, if any.
	PutFeed(ctx context.Context, hash TokenHash, t Grant) error
	// Feed returns the feed of the owner in scope; ErrNotFound if none.
	Feed(ctx context.Context, ws WorkspaceRef, userID string, scope FeedScope) (Grant, error)
	// DeleteFeed revokes the owner's feed in scope; ErrNotFound if none.
	DeleteFeed(ctx context.Context, ws WorkspaceRef, userID string, scope FeedScope) error
	// PruneTokens forgets every token that expired before before, and
	// returns how many.
	PruneTokens(ctx context.Context, before time.Time) (int, error)
}
