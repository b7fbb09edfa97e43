package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"sparkbot/bot"
)

// Tokens (bot.TokenStore) are kept by hash, since a secret arrives without
// its workspace; feeds names each owner's one feed of a scope. Only hashes
// of secrets are kept.

func scanGrant(row pgx.Row) (bot.Grant, error) {
	var g bot.Grant
	var doc []byte
	if err := row.Scan(&doc); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return g, fmt.Errorf("token: %w", bot.ErrNotFound)
		}
		return g, err
	}
	return g, decodeDoc("token", doc, &g)
}

// expiry is the expires and expires_ns of g: NULL for a grant that lasts
// until revoked.
func expiry(g bot.Grant) (any, any) {
	if g.Expires.IsZero() {
		return nil, nil
	}
	return g.Expires, nanos(g.Expires)
}

func putGrant(ctx context.Context, tx pgx.Tx, hash bot.TokenHash, g bot.Grant, upsert bool) error {
	doc, err := encodeDoc("token", g)
	if err != nil {
		return err
	}
	exp, expNs := expiry(g)
	q := `INSERT INTO tokens (hash, expires, expires_ns, grant_doc) VALUES ($1, $2, $3, $4)`
	if upsert {
		q += ` ON CONFLICT (hash) DO UPDATE SET expires = excluded.expires, expires_ns = excluded.expires_ns, grant_doc = excluded.grant_doc`
	}
	_, err = tx.Exec(ctx, q, hash[:], exp, expNs, doc)
	if uniqueViolation(err) {
		return fmt.Errorf("token: %w", bot.ErrExists)
	}
	return err
}

// AddToken stores g under hash, or ErrExists.
func (db *DB) AddToken(ctx context.Context, hash bot.TokenHash, g bot.Grant) error {
	return db.tx(ctx, func(tx pgx.Tx) error { return putGrant(ctx, tx, hash, g, false) })
}

// Token returns the grant under hash, or ErrNotFound.
func (db *DB) Token(ctx context.Context, hash bot.TokenHash) (bot.Grant, error) {
	return scanGrant(db.pool.QueryRow(ctx, `SELECT grant_doc FROM tokens WHERE hash = $1`, hash[:]))
}

// SpendToken marks the grant under hash used at at, if it is unused, and
// returns it as it was: the row is locked while it is read and written, so
// of two replicas spending one link, one sees it used.
func (db *DB) SpendToken(ctx context.Context, hash bot.TokenHash, at time.Time) (bot.Grant, error) {
	var before bot.Grant
	err := db.tx(ctx, func(tx pgx.Tx) (err error) {
		before, err = scanGrant(tx.QueryRow(ctx, `SELECT grant_doc FROM tokens WHERE hash = $1 FOR UPDATE`, hash[:]))
		if err != nil || !before.Used.IsZero() {
			return err
		}
		spent := before
		spent.Used = at
		return putGrant(ctx, tx, hash, spent, true)
	})
	return before, err
}

// DeleteToken forgets the grant under hash, and its feed name if it is a feed.
func (db *DB) DeleteToken(ctx context.Context, hash bot.TokenHash) error {
	_, err := db.pool.Exec(ctx, `DELETE FROM tokens WHERE hash = $1`, hash[:])
	return err
}

// PutFeed stores g under hash as its owner's one feed of g.Scope, deleting
// the feed it replaces.
func (db *DB) PutFeed(ctx context.Context, hash bot.TokenHash, g bot.Grant) error {
	if err := requireField("feed", "UserID", g.UserID); err != nil {
		return err
	}
	owner := []any{wsKey(g.Workspace), []byte(g.UserID), string(g.Scope)}
	return db.tx(ctx, func(tx pgx.Tx) error {
		if err := putGrant(ctx, tx, hash, g, false); err != nil {
			return err
		}
		var old []byte
		err := tx.QueryRow(ctx, `SELECT hash FROM feeds WHERE ws = $1 AND user_id = $2 AND scope = $3 FOR UPDATE`, owner...).Scan(&old)
		switch {
		case err == nil:
			if _, err := tx.Exec(ctx, `DELETE FROM tokens WHERE hash = $1`, old); err != nil { // its feed row goes too
				return err
			}
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO feeds (ws, user_id, scope, hash) VALUES ($1, $2, $3, $4)`, append(owner, hash[:])...)
		return err
	})
}

// Feed returns the owner's feed in scope, or ErrNotFound.
func (db *DB) Feed(ctx context.Context, ws bot.WorkspaceRef, userID string, scope bot.FeedScope) (bot.Grant, error) {
	g, err := scanGrant(db.pool.QueryRow(ctx, `
		SELECT t.grant_doc FROM feeds f JOIN tokens t ON t.hash = f.hash
		WHERE f.ws = $1 AND f.user_id = $2 AND f.scope = $3`, wsKey(ws), []byte(userID), string(scope)))
	if errors.Is(err, bot.ErrNotFound) {
		return g, fmt.Errorf("feed: %w", bot.ErrNotFound)
	}
	return g, err
}

// DeleteFeed revokes the owner's feed in scope, or returns ErrNotFound.
func (db *DB) DeleteFeed(ctx context.Context, ws bot.WorkspaceRef, userID string, scope bot.FeedScope) error {
	tag, err := db.pool.Exec(ctx, `
		DELETE FROM tokens WHERE hash = (SELECT hash FROM feeds WHERE ws = $1 AND user_id = $2 AND scope = $3)`,
		wsKey(ws), []byte(userID), string(scope))
	if err == nil && tag.RowsAffected() == 0 {
		err = fmt.Errorf("feed: %w", bot.ErrNotFound)
	}
	return err
}

// PruneTokens forgets every grant that expired before before, and returns
// how many.
func (db *DB) PruneTokens(ctx context.Context, before time.Time) (int, error) {
	tag, err := db.pool.Exec(ctx, `
		DELETE FROM tokens WHERE expires IS NOT NULL AND (expires, expires_ns) < ($1, $2)`, before, nanos(before))
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}
