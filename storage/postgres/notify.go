package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"
)

// Replicas wake each other with LISTEN/NOTIFY: AddJobs and ReleaseClaim
// notify the schema's channel in the transaction that changed the due
// index (PostgreSQL delivers it at commit, once per transaction), and
// WatchJobs hears it on a connection of its own.

// channel is the notification channel of this schema's due index.
func (db *DB) channel() string { return fmt.Sprintf("sparkbot_jobs_%016x", uint64(db.lockKey("jobs"))) }

// connect opens a connection outside the pool, with the pool's settings,
// for a session that must outlive any one query (LISTEN, a held lock).
func (db *DB) connect(ctx context.Context) (*pgx.Conn, error) {
	return pgx.ConnectConfig(ctx, db.pool.Config().ConnConfig.Copy())
}

// WatchJobs calls wake whenever another replica (or this one) added jobs
// to the due index or gave one back, and each time it (re)connects, since
// notifications sent while it was away are lost. It blocks until ctx ends;
// a lost connection is retried every LeaderPoll.
func (db *DB) WatchJobs(ctx context.Context, wake func()) error {
	l := &pgxlisten.Listener{
		Connect:        db.connect,
		ReconnectDelay: db.opt.LeaderPoll,
		LogError: func(ctx context.Context, err error) {
			if ctx.Err() == nil {
				db.opt.Logger.Warn("listening for new jobs; reconnecting", "in", db.opt.LeaderPoll, "err", err)
			}
		},
	}
	l.Handle(db.channel(), wakeHandler(wake))
	l.Listen(ctx) // returns only when ctx ends
	return nil
}

// wakeHandler wakes on every notification and on every (re)connect.
type wakeHandler func()

func (w wakeHandler) HandleNotification(context.Context, *pgconn.Notification, *pgx.Conn) error {
	w()
	return nil
}

func (w wakeHandler) HandleBacklog(context.Context, string, *pgx.Conn) error {
	w()
	return nil
}
