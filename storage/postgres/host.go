package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"sparkbot/bot"
)

func scanHost(row pgx.Row) (bot.Host, error) {
	var h bot.Host
	var userID, doc []byte
	if err := row.Scan(&userID, &doc); err != nil {
		return h, err
	}
	if err := decodeDoc("host", doc, &h); err != nil {
		return h, err
	}
	h.UserID = string(userID)
	return h, nil
}

// Host returns ws's record of userID, or ErrNotFound.
func (db *DB) Host(ctx context.Context, ws bot.WorkspaceRef, userID string) (bot.Host, error) {
	h, err := scanHost(db.pool.QueryRow(ctx, `
		SELECT user_id, doc FROM hosts WHERE ws = $1 AND user_id = $2`, wsKey(ws), []byte(userID)))
	if errors.Is(err, pgx.ErrNoRows) {
		return h, fmt.Errorf("host %s: %w", userID, bot.ErrNotFound)
	}
	return h, err
}

// PutHost stores h under its UserID, replacing any earlier record.
func (db *DB) PutHost(ctx context.Context, ws bot.WorkspaceRef, h bot.Host) error {
	if err := requireField("host", "UserID", h.UserID); err != nil {
		return err
	}
	doc, err := encodeDoc("host", h)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, `
		INSERT INTO hosts (ws, user_id, doc) VALUES ($1, $2, $3)
		ON CONFLICT (ws, user_id) DO UPDATE SET doc = excluded.doc`, wsKey(ws), []byte(h.UserID), doc)
	return err
}

// Hosts returns every host of ws, by UserID.
func (db *DB) Hosts(ctx context.Context, ws bot.WorkspaceRef) ([]bot.Host, error) {
	rows, err := db.pool.Query(ctx, `SELECT user_id, doc FROM hosts WHERE ws = $1 ORDER BY user_id`, wsKey(ws))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanHost)
}
