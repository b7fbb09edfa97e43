package postgres

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"

	"sparkbot/bot"
)

// Writing records as another store kept them (sparkbot migrate): schedules
// with their IDs and Numbers, counters at their values, and logs and
// outcomes in batches; and how many records of each kind the database
// holds, to check a copy by.

// importBatch is how many statements one round trip sends.
const importBatch = 1000

// ImportSchedules stores schedules with the IDs and Numbers they have, and
// makes ws's next schedule ID come after lastID and after each of them.
func (db *DB) ImportSchedules(ctx context.Context, ws bot.WorkspaceRef, list []bot.Schedule, lastID int64) error {
	for _, s := range list {
		lastID = max(lastID, s.ID)
	}
	return db.tx(ctx, func(tx pgx.Tx) error {
		for _, s := range list {
			if err := putSchedule(ctx, tx, ws, s); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO schedule_ids (ws, last) VALUES ($1, $2)
			ON CONFLICT (ws) DO UPDATE SET last = greatest(schedule_ids.last, excluded.last)`, wsKey(ws), lastID)
		return err
	})
}

// SetSequence sets ws's counter name, so that NextSequence returns value+1.
func (db *DB) SetSequence(ctx context.Context, ws bot.WorkspaceRef, name string, value int64) error {
	_, err := db.pool.Exec(ctx, `
		INSERT INTO sequences (ws, name, value) VALUES ($1, $2, $3)
		ON CONFLICT (ws, name) DO UPDATE SET value = excluded.value`, wsKey(ws), []byte(name), value)
	return err
}

// ImportLogs adds logs to ws as AddLog would, a batch at a time.
func (db *DB) ImportLogs(ctx context.Context, ws bot.WorkspaceRef, logs []bot.SpaceLog) error {
	for chunk := range slices.Chunk(logs, importBatch) {
		b := &pgx.Batch{}
		for _, l := range chunk {
			args, err := logArgs(ws, l)
			if err != nil {
				return err
			}
			b.Queue(insertLog, args...)
		}
		if err := db.pool.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
	}
	return nil
}

// ImportOutcomes records outcomes as FinishJob would, a batch at a time.
func (db *DB) ImportOutcomes(ctx context.Context, outcomes []bot.Outcome) error {
	for chunk := range slices.Chunk(outcomes, importBatch) {
		b := &pgx.Batch{}
		for _, o := range chunk {
			args, err := outcomeArgs(o)
			if err != nil {
				return err
			}
			b.Queue(finishJob, args...)
		}
		if err := db.pool.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
	}
	return nil
}

// Counts counts the database's records of each kind, named as bbolt's
// Counts names them.
func (db *DB) Counts(ctx context.Context) (map[string]int, error) {
	counts := map[string]int{}
	for kind, query := range map[string]string{
		"cohorts":        `SELECT count(*) FROM cohorts`,
		"hosts":          `SELECT count(*) FROM hosts`,
		"applications":   `SELECT count(*) FROM applications`,
		"schedules":      `SELECT count(*) FROM schedules`,
		"logs":           `SELECT count(*) FROM logs`,
		"stipend issues": `SELECT count(*) FROM stipends`,
		"sequences":      `SELECT count(*) FROM sequences`,
		"X links":        `SELECT count(*) FROM xlinks`,
		"seen Spaces":    `SELECT count(*) FROM seen_spaces`,
		"reviews":        `SELECT count(*) FROM reviews`,
		"pending jobs":   `SELECT count(*) FROM jobs WHERE result IS NULL`,
		"outcomes":       `SELECT count(*) FROM jobs WHERE result IS NOT NULL`,
		"tokens":         `SELECT count(*) FROM tokens`,
		"feeds":          `SELECT count(*) FROM feeds`,
	} {
		var n int
		if err := db.pool.QueryRow(ctx, query).Scan(&n); err != nil {
			return nil, err
		}
		counts[kind] = n
	}
	return counts, nil
}
