package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"sparkbot/bot"
)

// The Spaces the watcher saw: one row each in seen_spaces, and one per
// host it involves (its creator's host, its co-hosts) in seen_space_hosts,
// at its start, so a host's Spaces in a range are one index scan.

func scanSeenSpace(row pgx.Row) (bot.SeenSpace, error) {
	var s bot.SeenSpace
	var id, doc []byte
	if err := row.Scan(&id, &doc); err != nil {
		return s, err
	}
	if err := decodeDoc("seen Space", doc, &s); err != nil {
		return s, err
	}
	s.ID = string(id)
	return s, nil
}

// SeenSpace returns ws's record of Space id, or ErrNotFound.
func (db *DB) SeenSpace(ctx context.Context, ws bot.WorkspaceRef, id string) (bot.SeenSpace, error) {
	s, err := scanSeenSpace(db.pool.QueryRow(ctx, `SELECT id, doc FROM seen_spaces WHERE ws = $1 AND id = $2`,
		wsKey(ws), []byte(id)))
	if errors.Is(err, pgx.ErrNoRows) {
		return s, fmt.Errorf("seen Space %s: %w", id, bot.ErrNotFound)
	}
	return s, err
}

// seenHosts are the users s involves, each once.
func seenHosts(s bot.SeenSpace) [][]byte {
	var users [][]byte
	seen := map[string]bool{}
	for _, u := range append([]string{s.UserID}, s.CoHosts...) {
		if u != "" && !seen[u] {
			seen[u] = true
			users = append(users, []byte(u))
		}
	}
	return users
}

// PutSeenSpace stores s, replacing the record of its id and its host rows
// (its time and hosts may have changed).
func (db *DB) PutSeenSpace(ctx context.Context, ws bot.WorkspaceRef, s bot.SeenSpace) error {
	if err := requireField("seen Space", "ID", s.ID); err != nil {
		return err
	}
	doc, err := encodeDoc("seen Space", s)
	if err != nil {
		return err
	}
	key := []any{wsKey(ws), []byte(s.ID)}
	return db.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO seen_spaces (ws, id, cohort, open, doc) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (ws, id) DO UPDATE SET cohort = excluded.cohort, open = excluded.open, doc = excluded.doc`,
			append(key, s.Cohort, s.Open(), doc)...); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM seen_space_hosts WHERE ws = $1 AND id = $2`, key...); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO seen_space_hosts (ws, id, user_id, at, at_ns)
			SELECT $1, $2, u, $4, $5 FROM unnest($3::bytea[]) AS u`,
			append(key, seenHosts(s), s.At(), nanos(s.At()))...)
		return err
	})
}

// DeleteSeenSpace forgets ws's record of Space id; none is not an error.
func (db *DB) DeleteSeenSpace(ctx context.Context, ws bot.WorkspaceRef, id string) error {
	_, err := db.pool.Exec(ctx, `DELETE FROM seen_spaces WHERE ws = $1 AND id = $2`, wsKey(ws), []byte(id))
	return err
}

// OpenSeenSpaces returns ws's seen Spaces that are scheduled or live, by id.
func (db *DB) OpenSeenSpaces(ctx context.Context, ws bot.WorkspaceRef) ([]bot.SeenSpace, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, doc FROM seen_spaces WHERE ws = $1 AND open ORDER BY id`, wsKey(ws))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSeenSpace)
}

// SeenSpacesOf returns the seen Spaces userID created or co-hosts whose At
// is in [from, to), by At (then id).
func (db *DB) SeenSpacesOf(ctx context.Context, ws bot.WorkspaceRef, userID string, from, to time.Time) ([]bot.SeenSpace, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT s.id, s.doc FROM seen_space_hosts h JOIN seen_spaces s ON s.ws = h.ws AND s.id = h.id
		WHERE h.ws = $1 AND h.user_id = $2 AND (h.at, h.at_ns) >= ($3, $4) AND (h.at, h.at_ns) < ($5, $6)
		ORDER BY h.at, h.at_ns, h.id`, wsKey(ws), []byte(userID), from, nanos(from), to, nanos(to))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSeenSpace)
}

// DeleteSeenSpaces forgets every Space of ws seen in cohort, and returns
// how many.
func (db *DB) DeleteSeenSpaces(ctx context.Context, ws bot.WorkspaceRef, cohort int) (int, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM seen_spaces WHERE ws = $1 AND cohort = $2`, wsKey(ws), cohort)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}
