package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"sparkbot/bot"
)

func scanSchedule(row pgx.Row) (bot.Schedule, error) {
	var s bot.Schedule
	var id int64
	var number int
	var userID, doc []byte
	if err := row.Scan(&id, &userID, &number, &doc); err != nil {
		return s, err
	}
	if err := decodeDoc("schedule", doc, &s); err != nil {
		return s, err
	}
	s.ID, s.UserID, s.Number = id, string(userID), number
	return s, nil
}

// lockSchedules takes ws's schedule_ids row for the transaction, creating
// it: the one lock under which schedules are added and numbered, so two
// replicas never give a host the same Number.
func lockSchedules(ctx context.Context, tx pgx.Tx, ws bot.WorkspaceRef) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO schedule_ids (ws, last) VALUES ($1, 0)
		ON CONFLICT (ws) DO UPDATE SET last = schedule_ids.last`, wsKey(ws))
	return err
}

// freeNumber is the lowest Number userID's schedules in ws do not use.
const freeNumber = `
	SELECT n FROM generate_series(1, (SELECT count(*) + 1 FROM schedules WHERE ws = $1 AND user_id = $2)) AS n
	WHERE n NOT IN (SELECT number FROM schedules WHERE ws = $1 AND user_id = $2)
	ORDER BY n LIMIT 1`

// AddSchedule stores s under the workspace's next ID, and the lowest Number
// its owner has free, and returns it with both set. IDs are never reused,
// not even after a delete; a Number is, once its schedule is gone.
func (db *DB) AddSchedule(ctx context.Context, ws bot.WorkspaceRef, s bot.Schedule) (bot.Schedule, error) {
	if err := requireField("schedule", "UserID", s.UserID); err != nil {
		return bot.Schedule{}, err
	}
	err := db.tx(ctx, func(tx pgx.Tx) error {
		if err := lockSchedules(ctx, tx, ws); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `UPDATE schedule_ids SET last = last + 1 WHERE ws = $1 RETURNING last`, wsKey(ws)).Scan(&s.ID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, freeNumber, wsKey(ws), []byte(s.UserID)).Scan(&s.Number); err != nil {
			return err
		}
		return putSchedule(ctx, tx, ws, s)
	})
	if err != nil {
		return bot.Schedule{}, err
	}
	return s, nil
}

func putSchedule(ctx context.Context, tx pgx.Tx, ws bot.WorkspaceRef, s bot.Schedule) error {
	doc, err := encodeDoc("schedule", s)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO schedules (ws, id, user_id, number, doc) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (ws, id) DO UPDATE SET user_id = excluded.user_id, number = excluded.number, doc = excluded.doc`,
		wsKey(ws), s.ID, []byte(s.UserID), s.Number, doc)
	return err
}

// Schedule returns the schedule with id in ws, or ErrNotFound.
func (db *DB) Schedule(ctx context.Context, ws bot.WorkspaceRef, id int64) (bot.Schedule, error) {
	return schedule(ctx, db.pool, ws, id, "")
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func schedule(ctx context.Context, q querier, ws bot.WorkspaceRef, id int64, lock string) (bot.Schedule, error) {
	s, err := scanSchedule(q.QueryRow(ctx, `
		SELECT id, user_id, number, doc FROM schedules WHERE ws = $1 AND id = $2 `+lock, wsKey(ws), id))
	if errors.Is(err, pgx.ErrNoRows) {
		return s, fmt.Errorf("schedule %d: %w", id, bot.ErrNotFound)
	}
	return s, err
}

// PutSchedule replaces the schedule with s.ID, or returns ErrNotFound. The
// schedule keeps its Number (s.Number is ignored); moved to another user,
// it takes the lowest Number they have free.
func (db *DB) PutSchedule(ctx context.Context, ws bot.WorkspaceRef, s bot.Schedule) error {
	if err := requireField("schedule", "UserID", s.UserID); err != nil {
		return err
	}
	return db.tx(ctx, func(tx pgx.Tx) error {
		if err := lockSchedules(ctx, tx, ws); err != nil {
			return err
		}
		old, err := schedule(ctx, tx, ws, s.ID, "FOR UPDATE")
		if err != nil {
			return err
		}
		s.Number = old.Number
		if s.UserID != old.UserID {
			// The lowest free among the new owner's, this one not theirs yet.
			if err := tx.QueryRow(ctx, freeNumber, wsKey(ws), []byte(s.UserID)).Scan(&s.Number); err != nil {
				return err
			}
		}
		return putSchedule(ctx, tx, ws, s)
	})
}

// DeleteSchedule removes the schedule with id, or returns ErrNotFound.
func (db *DB) DeleteSchedule(ctx context.Context, ws bot.WorkspaceRef, id int64) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM schedules WHERE ws = $1 AND id = $2`, wsKey(ws), id)
	if err == nil && tag.RowsAffected() == 0 {
		err = fmt.Errorf("schedule %d: %w", id, bot.ErrNotFound)
	}
	return err
}

// SchedulesOf returns userID's schedules in ws, by ID.
func (db *DB) SchedulesOf(ctx context.Context, ws bot.WorkspaceRef, userID string) ([]bot.Schedule, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT id, user_id, number, doc FROM schedules WHERE ws = $1 AND user_id = $2 ORDER BY id`, wsKey(ws), []byte(userID))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSchedule)
}

// Schedules returns every schedule in ws, by ID.
func (db *DB) Schedules(ctx context.Context, ws bot.WorkspaceRef) ([]bot.Schedule, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, user_id, number, doc FROM schedules WHERE ws = $1 ORDER BY id`, wsKey(ws))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSchedule)
}
