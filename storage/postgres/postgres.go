// Package postgres is the PostgreSQL implementation of the stores bot
// needs, for sparkbot run as several processes (replicas) on one database.
//
// A DB owns a pgx connection pool. Open brings the schema up to date with
// the migrations embedded from migrations/ (goose, under an advisory lock,
// so replicas starting together migrate once). Each domain noun has its
// file, as in storage/bolt, with the SQL beside the Go that runs it: the
// one contract suite, storage/storetest, holds both stores to the same
// behaviour. Every write returns after its transaction committed, and
// PostgreSQL commits durably (synchronous_commit on, its default), so a
// user told "saved" is never told wrong.
//
// Replicas share the due index: claim.go claims due jobs with FOR UPDATE
// SKIP LOCKED and a lease, leader.go elects the one replica that runs the
// periodic work with an advisory lock held on its own connection (and,
// with Campaign, the holders of the Discord gateway and the Slack
// sockets), notify.go wakes every replica's timer when jobs are added
// (LISTEN/NOTIFY), and watch.go tells the leader's X watcher of changes
// made on any replica. replay.go and limit.go keep the public endpoints'
// replay set and per-user limit in the database, so every replica refuses
// a replay and counts a user's commands alike; import.go is what
// `sparkbot migrate` copies a bbolt file in with.
//
// Several sparkbot deployments may share a database in separate schemas
// (search_path in the URL): the advisory locks and the notification
// channel are named after the schema.
package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"sparkbot/bot"
)

// DB is a PostgreSQL database holding every workspace's data. It is safe
// for concurrent use, by many goroutines and many processes.
type DB struct {
	pool *pgxpool.Pool
	opt  Options
	// schema is the schema the tables live in (current_schema()), which
	// names the locks and the channel.
	schema string
	// replica names this process in claims (claimed_by).
	replica string
}

var (
	_ bot.Store      = (*DB)(nil)
	_ bot.TokenStore = (*DB)(nil)
)

// Options tune Open. The zero value is what the program runs with.
type Options struct {
	// LeaderPoll is how often a replica that is not the leader tries to
	// become it, and how often the leader checks its connection
	// (defaultLeaderPoll). A killed leader is replaced within about this
	// long, one whose machine vanished within sessionTimeout more
	// (leader.go); keep it at most 10s.
	LeaderPoll time.Duration
	// ClaimLease is how long a replica's claim on a due job lasts unless
	// renewed (30s): a dead replica's jobs are taken over after it.
	ClaimLease time.Duration
	// Replica names this process in job claims; default host-pid-random.
	Replica string
	// MaxConns bounds the pool; default defaultMaxConns, unless the URL
	// sets pool_max_conns.
	MaxConns int32
	// Logger hears about lost connections of the listener and the leader
	// election (default: slog's).
	Logger *slog.Logger
}

// defaultMaxConns is the pool's size: the scheduler's 32 workers and the
// commands in flight share it, and a commit holds its connection for an
// fsync, so pgxpool's default of 4 would let only 4 writes commit at once
// (BenchmarkLogConcurrentPostgres: ~700 logs/s with 4, see BENCHMARKS.md).
// Each replica holds up to this many, and two more (the listener and the
// role locks), of the server's max_connections (100 by default).
const defaultMaxConns = 16

// defaultLeaderPoll is Options.LeaderPoll's default.
const defaultLeaderPoll = 5 * time.Second

func (o Options) withDefaults() Options {
	if o.LeaderPoll <= 0 {
		o.LeaderPoll = defaultLeaderPoll
	}
	if o.ClaimLease <= 0 {
		o.ClaimLease = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Replica == "" {
		o.Replica = replicaName()
	}
	return o
}

// replicaName is this host's name, the process id and a random suffix, so
// that a restarted process never takes a dead one's claims for its own.
func replicaName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Open connects to the database at url (postgres://user:pass@host/db?…),
// and brings its schema up to date.
func Open(ctx context.Context, url string) (*DB, error) { return OpenWith(ctx, url, Options{}) }

// OpenWith is Open with options.
func OpenWith(ctx context.Context, url string, opt Options) (*DB, error) {
	opt = opt.withDefaults()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("storage: the database URL is not one PostgreSQL understands (postgres://user:password@host:5432/dbname): %w", redact(err))
	}
	switch {
	case opt.MaxConns > 0:
		cfg.MaxConns = opt.MaxConns
	case !strings.Contains(url, "pool_max_conns"):
		cfg.MaxConns = defaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("storage: connect to PostgreSQL: %w", err)
	}
	db := &DB{pool: pool, opt: opt, replica: opt.Replica}
	if err := db.prepare(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// prepare checks the connection, reads the schema name and migrates.
func (db *DB) prepare(ctx context.Context) error {
	err := db.pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&db.schema)
	if err != nil {
		return fmt.Errorf("storage: connect to PostgreSQL at %s: %w", db.where(), err)
	}
	if db.schema == "" {
		return fmt.Errorf("storage: PostgreSQL at %s has no schema to create tables in: check search_path", db.where())
	}
	return db.migrate(ctx)
}

// where names the server for error messages, without the password.
func (db *DB) where() string {
	c := db.pool.Config().ConnConfig
	return fmt.Sprintf("%s:%d/%s", c.Host, c.Port, c.Database)
}

// redact drops the URL from a parse error, which may hold a password.
func redact(err error) error {
	var pe *pgconn.ParseConfigError
	if !errors.As(err, &pe) {
		return err
	}
	if inner := pe.Unwrap(); inner != nil {
		return inner
	}
	return errors.New("it cannot be parsed")
}

// Close closes the pool. Every write has already been committed.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// lockKey is the advisory lock key of name in this schema: a 64-bit FNV
// hash, so deployments in other schemas of the database never contend.
func (db *DB) lockKey(name string) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "sparkbot\x00%s\x00%s", db.schema, name)
	return int64(h.Sum64())
}

// tx runs fn in a transaction and commits it, unless fn fails.
func (db *DB) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.pool, fn)
}

// wsKey is how a workspace is kept: its Key(), as bytes.
func wsKey(ws bot.WorkspaceRef) []byte { return []byte(ws.Key()) }
