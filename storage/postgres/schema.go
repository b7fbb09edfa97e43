package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrations are the schema's versions, applied in order by goose: one
// file per version, named NNNNN_what.sql, each with its Up and Down. A
// change to the schema is a new file, never an edit of an applied one.
//
//go:embed migrations/*.sql
var migrations embed.FS

// NewerSchemaError is returned by Open for a database migrated by a newer
// sparkbot, which this binary must not write to.
type NewerSchemaError struct {
	Found, Known int64
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("storage: the database was migrated by a newer sparkbot (schema %d); this binary understands up to schema %d: upgrade sparkbot",
		e.Found, e.Known)
}

// SchemaVersion is the newest schema version this binary knows: the
// number of its last migration file.
func SchemaVersion() int64 {
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	var v int64
	for _, name := range names {
		n, _, _ := strings.Cut(path.Base(name), "_")
		if num, err := strconv.ParseInt(n, 10, 64); err == nil {
			v = max(v, num)
		}
	}
	return v
}

// migrate applies the migrations the database lacks, holding an advisory
// lock of this schema meanwhile: a replica starting at the same moment
// waits (polling each second, for up to 5 minutes), then finds nothing left
// to do. goose records the versions applied in goose_db_version.
func (db *DB) migrate(ctx context.Context) error {
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(db.lockKey("migrate")), lock.WithLockTimeout(1, 300))
	if err != nil {
		return fmt.Errorf("storage: migration lock: %w", err)
	}
	sqlDB := stdlib.OpenDBFromPool(db.pool)
	defer sqlDB.Close()
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, sub,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(slog.New(slog.DiscardHandler)))
	if err != nil {
		return fmt.Errorf("storage: migrations: %w", err)
	}
	// A newer binary's versions are unknown here: goose would leave them
	// be, but this binary must not write to what it does not understand.
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("storage: bring the PostgreSQL schema up to date: %w", err)
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("storage: read the schema version: %w", err)
	}
	if known := SchemaVersion(); current > known {
		return &NewerSchemaError{Found: current, Known: known}
	}
	return nil
}
