package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"sparkbot/bot"
)

// Cohorts are kept one row each, by workspace and ID; a workspace's latest
// is its highest ID.

func scanCohort(row pgx.Row) (bot.Cohort, error) {
	var c bot.Cohort
	var id int
	var doc []byte
	if err := row.Scan(&id, &doc); err != nil {
		return c, err
	}
	if err := decodeDoc("cohort", doc, &c); err != nil {
		return c, err
	}
	c.ID = id
	return c, nil
}

// Cohort returns ws's latest cohort, or ErrNotFound if it has none.
func (db *DB) Cohort(ctx context.Context, ws bot.WorkspaceRef) (bot.Cohort, error) {
	c, err := scanCohort(db.pool.QueryRow(ctx, `
		SELECT id, doc FROM cohorts WHERE ws = $1 ORDER BY id DESC LIMIT 1`, wsKey(ws)))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("cohort of %s: %w", ws.Key(), bot.ErrNotFound)
	}
	return c, err
}

// CohortByID returns cohort id of ws, or ErrNotFound.
func (db *DB) CohortByID(ctx context.Context, ws bot.WorkspaceRef, id int) (bot.Cohort, error) {
	c, err := scanCohort(db.pool.QueryRow(ctx, `
		SELECT id, doc FROM cohorts WHERE ws = $1 AND id = $2`, wsKey(ws), id))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("cohort %d of %s: %w", id, ws.Key(), bot.ErrNotFound)
	}
	return c, err
}

// Cohorts returns every cohort of ws, by ID.
func (db *DB) Cohorts(ctx context.Context, ws bot.WorkspaceRef) ([]bot.Cohort, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, doc FROM cohorts WHERE ws = $1 ORDER BY id`, wsKey(ws))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCohort)
}

// AddCohort stores c as cohort after+1 of ws, if after is ws's latest. Two
// replicas adding at once both insert ID after+1: the primary key lets one
// in, and the other gets ErrExists.
func (db *DB) AddCohort(ctx context.Context, ws bot.WorkspaceRef, c bot.Cohort, after int) (bot.Cohort, error) {
	c.ID = after + 1
	doc, err := encodeDoc("cohort", c)
	if err != nil {
		return bot.Cohort{}, err
	}
	exists := fmt.Errorf("cohort %d of %s: %w", c.ID, ws.Key(), bot.ErrExists)
	err = db.tx(ctx, func(tx pgx.Tx) error {
		var latest int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM cohorts WHERE ws = $1`, wsKey(ws)).Scan(&latest); err != nil {
			return err
		}
		if latest != after {
			return exists
		}
		_, err := tx.Exec(ctx, `INSERT INTO cohorts (ws, id, doc) VALUES ($1, $2, $3)`, wsKey(ws), c.ID, doc)
		return err
	})
	if uniqueViolation(err) {
		err = exists
	}
	if err != nil {
		return bot.Cohort{}, err
	}
	return c, nil
}

// PutCohort stores c as cohort c.ID of ws (0: the latest, or 1).
func (db *DB) PutCohort(ctx context.Context, ws bot.WorkspaceRef, c bot.Cohort) error {
	doc, err := encodeDoc("cohort", c)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, `
		INSERT INTO cohorts (ws, id, doc)
		VALUES ($1, CASE WHEN $2 > 0 THEN $2 ELSE (SELECT coalesce(max(id), 1) FROM cohorts WHERE ws = $1) END, $3)
		ON CONFLICT (ws, id) DO UPDATE SET doc = excluded.doc`, wsKey(ws), c.ID, doc)
	return err
}

// collect scans every row with scan.
func collect[T any](rows pgx.Rows, scan func(pgx.Row) (T, error)) ([]T, error) {
	defer rows.Close()
	var all []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		all = append(all, v)
	}
	return all, rows.Err()
}
