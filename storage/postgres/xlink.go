package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"sparkbot/bot"
)

func scanXLink(row pgx.Row) (bot.XLink, error) {
	var l bot.XLink
	var userID, doc []byte
	if err := row.Scan(&userID, &doc); err != nil {
		return l, err
	}
	if err := decodeDoc("X link", doc, &l); err != nil {
		return l, err
	}
	l.UserID = string(userID)
	return l, nil
}

// XLink returns userID's X link in ws, or ErrNotFound.
func (db *DB) XLink(ctx context.Context, ws bot.WorkspaceRef, userID string) (bot.XLink, error) {
	l, err := scanXLink(db.pool.QueryRow(ctx, `SELECT user_id, doc FROM xlinks WHERE ws = $1 AND user_id = $2`,
		wsKey(ws), []byte(userID)))
	if errors.Is(err, pgx.ErrNoRows) {
		return l, fmt.Errorf("X link of %s: %w", userID, bot.ErrNotFound)
	}
	return l, err
}

// PutXLink stores l under its UserID, replacing any earlier one.
func (db *DB) PutXLink(ctx context.Context, ws bot.WorkspaceRef, l bot.XLink) error {
	if err := requireField("X link", "UserID", l.UserID); err != nil {
		return err
	}
	doc, err := encodeDoc("X link", l)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, `
		INSERT INTO xlinks (ws, user_id, doc) VALUES ($1, $2, $3)
		ON CONFLICT (ws, user_id) DO UPDATE SET doc = excluded.doc`, wsKey(ws), []byte(l.UserID), doc)
	return err
}

// DeleteXLink forgets userID's X link; none is not an error.
func (db *DB) DeleteXLink(ctx context.Context, ws bot.WorkspaceRef, userID string) error {
	_, err := db.pool.Exec(ctx, `DELETE FROM xlinks WHERE ws = $1 AND user_id = $2`, wsKey(ws), []byte(userID))
	return err
}

// XLinks returns every X link in ws, by UserID.
func (db *DB) XLinks(ctx context.Context, ws bot.WorkspaceRef) ([]bot.XLink, error) {
	rows, err := db.pool.Query(ctx, `SELECT user_id, doc FROM xlinks WHERE ws = $1 ORDER BY user_id`, wsKey(ws))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanXLink)
}
