package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"sparkbot/bot"
)

// Stipend reports as issued: one row per workspace, cohort and month, the
// month as YYYY-MM so that text order is month order.

func scanIssue(row pgx.Row) (bot.StipendIssue, error) {
	var is bot.StipendIssue
	var doc []byte
	if err := row.Scan(&doc); err != nil {
		return is, err
	}
	return is, decodeDoc("stipend issue", doc, &is)
}

// IssueStipend stores is unless its cohort and month have an issue already,
// and returns the one stored: the first issue stands.
func (db *DB) IssueStipend(ctx context.Context, ws bot.WorkspaceRef, is bot.StipendIssue) (bot.StipendIssue, error) {
	doc, err := encodeDoc("stipend issue", is)
	if err != nil {
		return bot.StipendIssue{}, err
	}
	if _, err := db.pool.Exec(ctx, `
		INSERT INTO stipends (ws, cohort, month, doc) VALUES ($1, $2, $3, $4)
		ON CONFLICT (ws, cohort, month) DO NOTHING`, wsKey(ws), is.Cohort, is.Month.String(), doc); err != nil {
		return bot.StipendIssue{}, err
	}
	return db.IssuedStipend(ctx, ws, is.Cohort, is.Month)
}

// IssuedStipend returns the issue of cohort's month m, or ErrNotFound.
func (db *DB) IssuedStipend(ctx context.Context, ws bot.WorkspaceRef, cohort int, m bot.Month) (bot.StipendIssue, error) {
	is, err := scanIssue(db.pool.QueryRow(ctx, `
		SELECT doc FROM stipends WHERE ws = $1 AND cohort = $2 AND month = $3`, wsKey(ws), cohort, m.String()))
	if errors.Is(err, pgx.ErrNoRows) {
		return is, fmt.Errorf("stipend issue %d/%s of %s: %w", cohort, m, ws.Key(), bot.ErrNotFound)
	}
	return is, err
}

// IssuedStipends returns every issue of cohort, by month.
func (db *DB) IssuedStipends(ctx context.Context, ws bot.WorkspaceRef, cohort int) ([]bot.StipendIssue, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT doc FROM stipends WHERE ws = $1 AND cohort = $2 ORDER BY month COLLATE "C"`, wsKey(ws), cohort)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanIssue)
}
