package bolt

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// Tokens (bot.TokenStore) live in global buckets, since a secret arrives
// without its workspace:
//
//	tokens/            hash → storedGrant
//	tokens_by_expiry/  timeKey(Expires) · hash → ∅ (expiring grants only)
//	feeds/             workspacePrefix · userPrefix · scope → hash
//
// Only hashes of secrets are kept. The buckets are made by the first write,
// so files written before them need no new schema; reads treat a missing
// bucket as empty.
var (
	tokensBucket   = []byte("tokens")
	tokenExpiry    = []byte("tokens_by_expiry")
	feedsBucket    = []byte("feeds")
	tokenHashBytes = len(bot.TokenHash{})
)

var _ bot.TokenStore = (*DB)(nil)

// storedGrant is a bot.Grant as the tokens bucket keeps it.
type storedGrant struct {
	Kind      bot.TokenKind    `json:",omitzero"`
	Workspace bot.WorkspaceRef `json:",omitzero"`
	UserID    string           `json:",omitzero"`
	Name      string           `json:",omitzero"`
	Staff     bool             `json:",omitzero"`
	Scope     bot.FeedScope    `json:",omitzero"`
	Created   time.Time        `json:",omitzero"`
	Expires   time.Time        `json:",omitzero"`
	Used      time.Time        `json:",omitzero"`
}

func decodeGrant(key, data []byte) (bot.Grant, error) {
	var s storedGrant
	if err := decodeRecord("token", key, data, &s); err != nil {
		return bot.Grant{}, err
	}
	return bot.Grant(s), nil
}

// tokenBuckets are the token buckets of a writable transaction.
type tokenBuckets struct{ tokens, expiry, feeds *bbolt.Bucket }

func writableTokenBuckets(tx *bbolt.Tx) (tokenBuckets, error) {
	var b tokenBuckets
	var err error
	for _, p := range []struct {
		dst  **bbolt.Bucket
		name []byte
	}{{&b.tokens, tokensBucket}, {&b.expiry, tokenExpiry}, {&b.feeds, feedsBucket}} {
		if *p.dst, err = tx.CreateBucketIfNotExists(p.name); err != nil {
			return b, err
		}
	}
	return b, nil
}

// put stores g under hash, with its expiry index entry.
func (b tokenBuckets) put(hash []byte, g bot.Grant) error {
	data, err := encodeRecord("token", storedGrant(g))
	if err != nil {
		return err
	}
	if !g.Expires.IsZero() {
		if err := b.expiry.Put(concat(timeKey(g.Expires), hash), nil); err != nil {
			return err
		}
	}
	return b.tokens.Put(hash, data)
}

// remove deletes the grant under hash and its index entry, if present.
func (b tokenBuckets) remove(hash []byte) error {
	data := b.tokens.Get(hash)
	if data == nil {
		return nil
	}
	g, err := decodeGrant(hash, data)
	if err != nil {
		return err
	}
	if !g.Expires.IsZero() {
		if err := b.expiry.Delete(concat(timeKey(g.Expires), hash)); err != nil {
			return err
		}
	}
	return b.tokens.Delete(hash)
}

// AddToken stores g under hash, or ErrExists.
func (db *DB) AddToken(ctx context.Context, hash bot.TokenHash, g bot.Grant) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b, err := writableTokenBuckets(tx)
		if err != nil {
			return err
		}
		if b.tokens.Get(hash[:]) != nil {
			return fmt.Errorf("token: %w", bot.ErrExists)
		}
		return b.put(hash[:], g)
	})
}

// Token returns the grant under hash, or ErrNotFound.
func (db *DB) Token(ctx context.Context, hash bot.TokenHash) (bot.Grant, error) {
	var g bot.Grant
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		g, err = grantIn(tx.Bucket(tokensBucket), hash[:])
		return err
	})
	return g, err
}

func grantIn(b *bbolt.Bucket, hash []byte) (bot.Grant, error) {
	g, found, err := getRecord(b, hash, decodeGrant)
	if err == nil && !found {
		err = fmt.Errorf("token: %w", bot.ErrNotFound)
	}
	return g, err
}

// SpendToken marks the grant under hash used at at, if it is unused, in
// one transaction, and returns it as it was.
func (db *DB) SpendToken(ctx context.Context, hash bot.TokenHash, at time.Time) (bot.Grant, error) {
	var before bot.Grant
	err := db.update(ctx, func(tx *bbolt.Tx) (err error) {
		b, err := writableTokenBuckets(tx)
		if err != nil {
			return err
		}
		if before, err = grantIn(b.tokens, hash[:]); err != nil || !before.Used.IsZero() {
			return err
		}
		spent := before
		spent.Used = at
		return b.put(hash[:], spent)
	})
	return before, err
}

// DeleteToken forgets the grant under hash.
func (db *DB) DeleteToken(ctx context.Context, hash bot.TokenHash) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b, err := writableTokenBuckets(tx)
		if err != nil {
			return err
		}
		return b.remove(hash[:])
	})
}

// feedKey names an owner's feed of one scope.
func feedKey(ws bot.WorkspaceRef, userID string, scope bot.FeedScope) []byte {
	return concat(workspacePrefix(ws), userPrefix(userID), []byte(scope))
}

// PutFeed stores g under hash as its owner's one feed of g.Scope, deleting
// the feed it replaces.
func (db *DB) PutFeed(ctx context.Context, hash bot.TokenHash, g bot.Grant) error {
	if err := requireField("feed", "UserID", g.UserID); err != nil {
		return err
	}
	key := feedKey(g.Workspace, g.UserID, g.Scope)
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b, err := writableTokenBuckets(tx)
		if err != nil {
			return err
		}
		if b.tokens.Get(hash[:]) != nil {
			return fmt.Errorf("token: %w", bot.ErrExists)
		}
		if old := b.feeds.Get(key); old != nil {
			if err := b.remove(bytes.Clone(old)); err != nil {
				return err
			}
		}
		if err := b.put(hash[:], g); err != nil {
			return err
		}
		return b.feeds.Put(key, hash[:])
	})
}

// Feed returns the owner's feed in scope, or ErrNotFound.
func (db *DB) Feed(ctx context.Context, ws bot.WorkspaceRef, userID string, scope bot.FeedScope) (bot.Grant, error) {
	var g bot.Grant
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		hash, err := feedHash(tx.Bucket(feedsBucket), feedKey(ws, userID, scope))
		if err != nil {
			return err
		}
		g, err = grantIn(tx.Bucket(tokensBucket), hash)
		return err
	})
	return g, err
}

func feedHash(feeds *bbolt.Bucket, key []byte) ([]byte, error) {
	if feeds != nil {
		if hash := feeds.Get(key); len(hash) == tokenHashBytes {
			return hash, nil
		}
	}
	return nil, fmt.Errorf("feed: %w", bot.ErrNotFound)
}

// DeleteFeed revokes the owner's feed in scope, or returns ErrNotFound.
func (db *DB) DeleteFeed(ctx context.Context, ws bot.WorkspaceRef, userID string, scope bot.FeedScope) error {
	key := feedKey(ws, userID, scope)
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b, err := writableTokenBuckets(tx)
		if err != nil {
			return err
		}
		hash, err := feedHash(b.feeds, key)
		if err != nil {
			return err
		}
		if err := b.remove(bytes.Clone(hash)); err != nil {
			return err
		}
		return b.feeds.Delete(key)
	})
}

// PruneTokens forgets the grants that expired before before: a walk from
// the start of the expiry index.
func (db *DB) PruneTokens(ctx context.Context, before time.Time) (int, error) {
	end := timeKey(before)
	n := 0
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		n = 0
		b, err := writableTokenBuckets(tx)
		if err != nil {
			return err
		}
		c := b.expiry.Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k[:timeKeyLen], end) < 0; k, _ = c.First() {
			k = bytes.Clone(k)
			if err := b.remove(k[timeKeyLen:]); err != nil {
				return err
			}
			if err := b.expiry.Delete(k); err != nil { // a stale entry, if remove left it
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
