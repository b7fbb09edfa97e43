package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"sparkbot/bot"
)

func scanApplication(row pgx.Row) (bot.Application, error) {
	var a bot.Application
	var userID, doc []byte
	if err := row.Scan(&userID, &doc); err != nil {
		return a, err
	}
	if err := decodeDoc("application", doc, &a); err != nil {
		return a, err
	}
	a.UserID = string(userID)
	return a, nil
}

// Application returns userID's application in ws, or ErrNotFound.
func (db *DB) Application(ctx context.Context, ws bot.WorkspaceRef, userID string) (bot.Application, error) {
	a, err := scanApplication(db.pool.QueryRow(ctx, `
		SELECT user_id, doc FROM applications WHERE ws = $1 AND user_id = $2`, wsKey(ws), []byte(userID)))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("application of %s: %w", userID, bot.ErrNotFound)
	}
	return a, err
}

// PutApplication stores a under its UserID, replacing any earlier one.
func (db *DB) PutApplication(ctx context.Context, ws bot.WorkspaceRef, a bot.Application) error {
	if err := requireField("application", "UserID", a.UserID); err != nil {
		return err
	}
	doc, err := encodeDoc("application", a)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, `
		INSERT INTO applications (ws, user_id, doc) VALUES ($1, $2, $3)
		ON CONFLICT (ws, user_id) DO UPDATE SET doc = excluded.doc`, wsKey(ws), []byte(a.UserID), doc)
	return err
}

// Applications returns every application in ws, by At (then UserID). A
// cohort gets a few hundred at most, so they are sorted here, as bbolt's.
func (db *DB) Applications(ctx context.Context, ws bot.WorkspaceRef) ([]bot.Application, error) {
	rows, err := db.pool.Query(ctx, `SELECT user_id, doc FROM applications WHERE ws = $1 ORDER BY user_id`, wsKey(ws))
	if err != nil {
		return nil, err
	}
	apps, err := collect(rows, scanApplication)
	slices.SortStableFunc(apps, func(a, b bot.Application) int { return a.At.Compare(b.At) }) // by user_id within an At
	return apps, err
}
