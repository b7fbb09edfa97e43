package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"sparkbot/admin"
	"sparkbot/bot"
	"sparkbot/edge"
	"sparkbot/scheduler"
	"sparkbot/storage/bolt"
	"sparkbot/storage/postgres"
	"sparkbot/web"
)

// store is the database the program runs on: the bbolt file (one
// process), or PostgreSQL (any number of replicas).
type store interface {
	web.Store
	JobCounts(ctx context.Context, now time.Time) (pending, due int, err error)
	Probe(ctx context.Context, now time.Time) error
	Close() error
}

var (
	_ store = (*bolt.DB)(nil)
	_ store = (*postgres.DB)(nil)

	// The optional capabilities found by a type assertion: a method that
	// drifted from its interface would turn one off without a word.
	_ scheduler.Claimer     = (*postgres.DB)(nil)
	_ scheduler.Elector     = (*postgres.DB)(nil)
	_ scheduler.Waker       = (*postgres.DB)(nil)
	_ scheduler.WatchSharer = (*postgres.DB)(nil)
	_ admin.Backuper        = (*bolt.DB)(nil)
)

// databaseConfig is how PostgreSQL is chosen and tuned.
type databaseConfig struct {
	// URL selects PostgreSQL (postgres://…); empty: the bbolt file at --db.
	URL string
	// ClaimLease is how long a replica's claim on a due job lasts
	// unrenewed; LeaderPoll how often a replica tries to take a role (the
	// leader, the Discord gateway, a Slack socket) and its holder checks
	// its connection.
	ClaimLease, LeaderPoll time.Duration
	// SlackSockets is how many replicas open a Slack Socket Mode
	// connection (Slack allows 10 per app).
	SlackSockets int
}

const (
	defaultClaimLease   = 30 * time.Second
	defaultLeaderPoll   = 5 * time.Second
	defaultSlackSockets = 2
	maxSlackSockets     = 10 // Slack's limit of Socket Mode connections per app
	// maxLeaderPoll keeps the takeover of a vanished holder's role within
	// 30s (storage/postgres leader.go: the server ends its session within
	// 20s, then the others need a poll).
	maxLeaderPoll = 10 * time.Second
)

// databaseFlags registers --database-url and reads the replicas' tuning
// from SPARKBOT_CLAIM_LEASE, SPARKBOT_LEADER_POLL, SPARKBOT_SLACK_SOCKETS.
func databaseFlags(fs *flag.FlagSet, env *envReader, d *databaseConfig) {
	fs.StringVar(&d.URL, "database-url", env.str("SPARKBOT_DATABASE_URL", ""), "PostgreSQL to run on, postgres://user:password@host:5432/db, shared by every replica; unset, the bbolt file at --db (SPARKBOT_DATABASE_URL)")
	d.ClaimLease = env.duration("SPARKBOT_CLAIM_LEASE", defaultClaimLease)
	d.LeaderPoll = env.duration("SPARKBOT_LEADER_POLL", defaultLeaderPoll)
	d.SlackSockets = env.integer("SPARKBOT_SLACK_SOCKETS", defaultSlackSockets)
}

func (d databaseConfig) check() error {
	if d.URL == "" {
		return nil
	}
	if !strings.HasPrefix(d.URL, "postgres://") && !strings.HasPrefix(d.URL, "postgresql://") {
		return errors.New("--database-url (SPARKBOT_DATABASE_URL) must be a postgres:// URL, like postgres://sparkbot:secret@db:5432/sparkbot")
	}
	switch {
	case d.ClaimLease <= 0 || d.LeaderPoll <= 0:
		return errors.New("SPARKBOT_CLAIM_LEASE and SPARKBOT_LEADER_POLL must be positive durations, like 30s and 5s")
	case d.LeaderPoll > maxLeaderPoll:
		return fmt.Errorf("SPARKBOT_LEADER_POLL must be at most %s (default %s): a role whose holder vanished is taken over within 20s and one poll, and a holder cut off from the database must step down before that", maxLeaderPoll, defaultLeaderPoll)
	case d.SlackSockets < 1 || d.SlackSockets > maxSlackSockets:
		return fmt.Errorf("SPARKBOT_SLACK_SOCKETS must be 1 to %d: Slack takes at most %d Socket Mode connections per app", maxSlackSockets, maxSlackSockets)
	}
	return nil
}

// databaseSecrets are what of a database URL is never to be logged: its
// password.
func databaseSecrets(dbURL string) []string {
	u, err := url.Parse(dbURL)
	if err != nil || u.User == nil {
		return nil
	}
	if pw, ok := u.User.Password(); ok && pw != "" {
		return []string{pw}
	}
	return nil
}

// openStore opens PostgreSQL when a database URL is set, else the bbolt file.
func (a *App) openStore(ctx context.Context, cfg Config, logger *slog.Logger) (store, error) {
	if err := cfg.Database.check(); err != nil {
		return nil, err
	}
	if cfg.Database.URL == "" {
		return bolt.Open(cfg.DB)
	}
	db, err := postgres.OpenWith(ctx, cfg.Database.URL, postgres.Options{
		ClaimLease: cfg.Database.ClaimLease, LeaderPoll: cfg.Database.LeaderPoll, Logger: logger})
	if err != nil {
		return nil, err
	}
	logger.Info("running on PostgreSQL: replicas share the work", "schema_version", postgres.SchemaVersion())
	return db, nil
}

// replayGuardOf is where the adapters remember signed requests: in the
// database, when replicas share it, so that none acts on a replay another
// already acted on; in memory otherwise.
func replayGuardOf(db store, wall bot.Clock) replayGuard {
	if pg, ok := db.(*postgres.DB); ok {
		return pg.ReplaySet()
	}
	return edge.NewReplaySet(wall, edge.DefaultReplayCapacity)
}

// limiterOf is the per-user rate limit: shared by the replicas in the
// database, in memory otherwise.
func limiterOf(db store, wall bot.Clock, perMinute int) rateLimiter {
	if pg, ok := db.(*postgres.DB); ok {
		return pg.Limiter(perMinute)
	}
	return edge.NewLimiter(wall, perMinute)
}

// backuperOf is what the admin listener's /backup streams: the bbolt file;
// nothing on PostgreSQL, whose backups are pg_dump's.
func backuperOf(db store) admin.Backuper {
	b, _ := db.(admin.Backuper)
	return b
}

// pgDumpAdvice is what `sparkbot backup` and `restore` say on PostgreSQL.
func pgDumpAdvice(command string) error {
	if command == "restore" {
		return errors.New("sparkbot runs on PostgreSQL here (--database-url): restore with PostgreSQL's own tools, like pg_restore --clean --dbname \"$SPARKBOT_DATABASE_URL\" sparkbot.dump, with every replica stopped")
	}
	return errors.New("sparkbot runs on PostgreSQL here (--database-url): back it up with PostgreSQL's own tools, like pg_dump --format=custom --file=sparkbot.dump \"$SPARKBOT_DATABASE_URL\"; it copies a consistent snapshot while the replicas run")
}

// shareRoles makes a platform part that must run on few replicas run only
// where it holds a role in the database: the Discord gateway on one
// replica (a bot has one gateway session unless sharded, and every
// session would get every interaction), a Slack Socket Mode connection on
// at most SlackSockets (Slack spreads events over an app's connections).
// The others serve HTTP and deliver; when a holder dies, another takes its
// role within LeaderPoll. On bbolt there is one process: nothing changes.
func shareRoles(db store, d databaseConfig, platforms []*platform, getenv func(string) string) {
	pg, ok := db.(*postgres.DB)
	if !ok {
		return
	}
	for _, p := range platforms {
		switch {
		case p.name == bot.Discord:
			p.holdRole(pg, "discord-gateway", 1)
		case p.name == bot.Slack && strings.TrimSpace(getenv("SPARKBOT_SLACK_APP_TOKEN")) != "":
			p.holdRole(pg, "slack-socket", d.SlackSockets)
		}
	}
}

// holdRole runs p only while this replica holds one of slots locks of
// role. A replica without one is ready as far as p goes: it still serves
// p's HTTP endpoints and deliveries.
func (p *platform) holdRole(pg *postgres.DB, role string, slots int) {
	run, ready := p.run, p.ready
	var holding atomic.Bool
	p.run = func(ctx context.Context) error {
		return pg.Campaign(ctx, role, slots, func(ctx context.Context) {
			holding.Store(true)
			defer holding.Store(false)
			if err := run(ctx); err != nil && ctx.Err() == nil {
				slog.Error("a platform stopped; another replica may take its role", "role", role, "err", err)
			}
		})
	}
	if ready != nil {
		p.ready = func() error {
			if !holding.Load() {
				return nil
			}
			return ready()
		}
	}
}
