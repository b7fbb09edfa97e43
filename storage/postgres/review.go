package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"sparkbot/bot"
)

func scanReview(row pgx.Row) (bot.Review, error) {
	var rv bot.Review
	var spaceID, doc []byte
	if err := row.Scan(&spaceID, &doc); err != nil {
		return rv, err
	}
	if err := decodeDoc("review", doc, &rv); err != nil {
		return rv, err
	}
	rv.SpaceID = string(spaceID)
	return rv, nil
}

// Review returns the decision on ws's Space spaceID, or ErrNotFound.
func (db *DB) Review(ctx context.Context, ws bot.WorkspaceRef, spaceID string) (bot.Review, error) {
	rv, err := scanReview(db.pool.QueryRow(ctx, `SELECT space_id, doc FROM reviews WHERE ws = $1 AND space_id = $2`,
		wsKey(ws), []byte(spaceID)))
	if errors.Is(err, pgx.ErrNoRows) {
		return rv, fmt.Errorf("review of %s: %w", spaceID, bot.ErrNotFound)
	}
	return rv, err
}

// PutReview stores rv under its SpaceID, replacing any earlier decision.
func (db *DB) PutReview(ctx context.Context, ws bot.WorkspaceRef, rv bot.Review) error {
	if err := requireField("review", "SpaceID", rv.SpaceID); err != nil {
		return err
	}
	doc, err := encodeDoc("review", rv)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, `
		INSERT INTO reviews (ws, space_id, doc) VALUES ($1, $2, $3)
		ON CONFLICT (ws, space_id) DO UPDATE SET doc = excluded.doc`, wsKey(ws), []byte(rv.SpaceID), doc)
	return err
}

// ReviewsOf returns the reviews of those of spaceIDs that have one, in the
// order asked, in one query.
func (db *DB) ReviewsOf(ctx context.Context, ws bot.WorkspaceRef, spaceIDs []string) ([]bot.Review, error) {
	ids := make([][]byte, len(spaceIDs))
	for i, id := range spaceIDs {
		ids[i] = []byte(id)
	}
	rows, err := db.pool.Query(ctx, `
		SELECT r.space_id, r.doc FROM unnest($2::bytea[]) WITH ORDINALITY AS asked (id, n)
		JOIN reviews r ON r.ws = $1 AND r.space_id = asked.id
		ORDER BY asked.n`, wsKey(ws), ids)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanReview)
}
