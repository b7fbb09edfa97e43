package postgres

import "context"

// The X watcher runs its rounds on the leader, while hosts, links,
// schedules and cohorts change on whichever replica served the command.
// The scheduler there calls MarkWatchStale after the change has
// committed; the leader's scheduler reads WatchGeneration before each
// round and has its watcher read everything again when it moved
// (scheduler.WatchSharer).

// MarkWatchStale records that what the watcher watches changed.
func (db *DB) MarkWatchStale(ctx context.Context) error {
	_, err := db.pool.Exec(ctx, `SELECT nextval('watch_generation')`)
	return err
}

// WatchGeneration is a number that moves each time any replica calls
// MarkWatchStale: 0 before the first.
func (db *DB) WatchGeneration(ctx context.Context) (int64, error) {
	var g int64
	err := db.pool.QueryRow(ctx, `SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM watch_generation`).Scan(&g)
	return g, err
}
