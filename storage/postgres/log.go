package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"sparkbot/bot"
)

// Logs are kept one row per workspace and Space id, indexed by start time
// (logs_by_time) and by user and start time (logs_by_user), so each range
// query is one index scan.

const logColumns = `space_id, doc`

func scanLog(row pgx.Row) (bot.SpaceLog, error) {
	var l bot.SpaceLog
	var spaceID, doc []byte
	if err := row.Scan(&spaceID, &doc); err != nil {
		return l, err
	}
	if err := decodeDoc("log", doc, &l); err != nil {
		return l, err
	}
	l.SpaceID = string(spaceID)
	return l, nil
}

// insertLog adds l, or does nothing if ws has a log of its SpaceID.
const insertLog = `
	INSERT INTO logs (ws, space_id, user_id, start, start_ns, doc) VALUES ($1, $2, $3, $4, $5, $6)
	ON CONFLICT (ws, space_id) DO NOTHING`

func logArgs(ws bot.WorkspaceRef, l bot.SpaceLog) ([]any, error) {
	doc, err := encodeDoc("log", l)
	if err != nil {
		return nil, err
	}
	return []any{wsKey(ws), []byte(l.SpaceID), []byte(l.UserID), l.Start, nanos(l.Start), doc}, nil
}

// AddLog stores l, or returns ErrExists if ws has a log of l.SpaceID.
// Concurrent logs commit side by side: each is its own small transaction,
// and PostgreSQL groups their commits' flushes.
func (db *DB) AddLog(ctx context.Context, ws bot.WorkspaceRef, l bot.SpaceLog) error {
	if err := requireField("log", "SpaceID", l.SpaceID); err != nil {
		return err
	}
	args, err := logArgs(ws, l)
	if err != nil {
		return err
	}
	tag, err := db.pool.Exec(ctx, insertLog, args...)
	if err == nil && tag.RowsAffected() == 0 {
		err = fmt.Errorf("space %s: %w", l.SpaceID, bot.ErrExists)
	}
	return err
}

// Log returns ws's log of spaceID, or ErrNotFound.
func (db *DB) Log(ctx context.Context, ws bot.WorkspaceRef, spaceID string) (bot.SpaceLog, error) {
	l, err := scanLog(db.pool.QueryRow(ctx, `SELECT `+logColumns+` FROM logs WHERE ws = $1 AND space_id = $2`,
		wsKey(ws), []byte(spaceID)))
	if errors.Is(err, pgx.ErrNoRows) {
		return l, fmt.Errorf("space %s: %w", spaceID, bot.ErrNotFound)
	}
	return l, err
}

// DeleteLog removes ws's log of spaceID, or returns ErrNotFound.
func (db *DB) DeleteLog(ctx context.Context, ws bot.WorkspaceRef, spaceID string) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM logs WHERE ws = $1 AND space_id = $2`, wsKey(ws), []byte(spaceID))
	if err == nil && tag.RowsAffected() == 0 {
		err = fmt.Errorf("space %s: %w", spaceID, bot.ErrNotFound)
	}
	return err
}

// ReplaceLog removes ws's log of oldSpaceID, if there is one, and adds l,
// in one transaction. If l.SpaceID is logged already, other than as
// oldSpaceID, it returns ErrExists and changes nothing. Replacing a log
// with one of the same SpaceID rewrites it.
func (db *DB) ReplaceLog(ctx context.Context, ws bot.WorkspaceRef, oldSpaceID string, l bot.SpaceLog) error {
	if err := requireField("log", "SpaceID", l.SpaceID); err != nil {
		return err
	}
	args, err := logArgs(ws, l)
	if err != nil {
		return err
	}
	exists := fmt.Errorf("space %s: %w", l.SpaceID, bot.ErrExists)
	err = db.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM logs WHERE ws = $1 AND space_id = $2`, wsKey(ws), []byte(oldSpaceID)); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, insertLog, args...)
		if err == nil && tag.RowsAffected() == 0 {
			return exists // rolled back: the old log stays
		}
		return err
	})
	if uniqueViolation(err) {
		err = exists
	}
	return err
}

// LogsOf returns userID's logs that started in [from, to), by Start.
func (db *DB) LogsOf(ctx context.Context, ws bot.WorkspaceRef, userID string, from, to time.Time) ([]bot.SpaceLog, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT `+logColumns+` FROM logs
		WHERE ws = $1 AND user_id = $2 AND (start, start_ns) >= ($3, $4) AND (start, start_ns) < ($5, $6)
		ORDER BY start, start_ns, space_id`,
		wsKey(ws), []byte(userID), from, nanos(from), to, nanos(to))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanLog)
}

// Logs returns every log in ws that started in [from, to), by Start.
func (db *DB) Logs(ctx context.Context, ws bot.WorkspaceRef, from, to time.Time) ([]bot.SpaceLog, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT `+logColumns+` FROM logs
		WHERE ws = $1 AND (start, start_ns) >= ($2, $3) AND (start, start_ns) < ($4, $5)
		ORDER BY start, start_ns, space_id`,
		wsKey(ws), from, nanos(from), to, nanos(to))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanLog)
}
