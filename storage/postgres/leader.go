package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// A replica holds a role (the leader, the Discord gateway, one of the
// Slack Socket Mode connections) for as long as it holds a session-level
// advisory lock, on a connection of its own, outside the pool. PostgreSQL
// releases the lock when that session ends: at once when the process is
// killed (its socket closes), and within sessionTimeout when its machine
// vanishes from the network (the session's TCP settings, below). The
// others try for the lock every LeaderPoll, so a role is taken over
// within LeaderPoll of a kill, and within sessionTimeout + LeaderPoll of a
// vanished machine: 25 s with the defaults. The holder pings the server
// every LeaderPoll and steps down when a ping fails or takes pingTimeout,
// so a holder cut off from the database has stopped acting on its role
// before the server lets another take it (LeaderPoll + pingTimeout, 10 s,
// is under sessionTimeout; cmd/sparkbot refuses a LeaderPoll over 10 s).

// sessionTimeout bounds how long the server keeps the session of a role
// holder whose machine vanished: keepalives (idle 5 s, then 3 probes 5 s
// apart) end an idle session, and tcp_user_timeout one with data the
// server sent still unacknowledged, for which keepalives do not run (and
// retransmissions alone would keep it about 15 minutes).
const sessionTimeout = 20 * time.Second

// sessionSettings are the role session's TCP settings (sessionTimeout).
// PostgreSQL applies them to the server's end of the connection; a
// server on a system without TCP_USER_TIMEOUT logs that it has none, and
// then keepalives alone bound an idle session.
const sessionSettings = `SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3; SET tcp_user_timeout = 20000`

// pingTimeout is how long a holder's check of its connection may take.
func pingTimeout(leaderPoll time.Duration) time.Duration {
	return min(max(leaderPoll, time.Second), 5*time.Second)
}

// Lead campaigns for the scheduler's leadership (scheduler.Elector).
func (db *DB) Lead(ctx context.Context, lead func(ctx context.Context)) error {
	return db.Campaign(ctx, "leader", 1, lead)
}

// Campaign holds one of slots locks of the role name while it can, until
// ctx ends: each time it gets one it calls run with a context that ends
// when the lock is lost (or ctx ends), waits for run to return, and tries
// again. Replicas holding the locks of a role are at most slots at once.
func (db *DB) Campaign(ctx context.Context, name string, slots int, run func(ctx context.Context)) error {
	for ctx.Err() == nil {
		conn, err := db.sessionConn(ctx)
		if err != nil {
			if ctx.Err() == nil {
				db.opt.Logger.Warn("campaigning for a role: cannot connect; retrying", "role", name, "in", db.opt.LeaderPoll, "err", err)
			}
			sleep(ctx, db.opt.LeaderPoll)
			continue
		}
		db.holdRole(ctx, conn, name, slots, run)
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn.Close(closeCtx) // releases the lock, if the session still has it
		cancel()
		sleep(ctx, db.opt.LeaderPoll) // a run that ends at once does not spin
	}
	return nil
}

// sessionConn opens a connection whose server side notices a vanished
// client within sessionTimeout, so a lock it holds does not outlive it.
func (db *DB) sessionConn(ctx context.Context) (*pgx.Conn, error) {
	conn, err := db.connect(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, sessionSettings); err != nil {
		conn.Close(ctx)
		return nil, err
	}
	return conn, nil
}

// holdRole waits on conn for one of the role's locks, then runs run while
// conn answers. It returns when ctx ends or conn fails.
func (db *DB) holdRole(ctx context.Context, conn *pgx.Conn, name string, slots int, run func(ctx context.Context)) {
	for {
		got, err := db.tryRole(ctx, conn, name, slots)
		if err != nil {
			if ctx.Err() == nil {
				db.opt.Logger.Warn("campaigning for a role; reconnecting", "role", name, "err", err)
			}
			return
		}
		if got {
			break
		}
		if !sleep(ctx, db.opt.LeaderPoll) {
			return
		}
	}
	held, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() { // owned here: holdRole returns only after it
		defer close(done)
		run(held)
	}()
	defer func() { stop(); <-done }()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-time.After(db.opt.LeaderPoll):
		}
		pingCtx, cancel := context.WithTimeout(ctx, pingTimeout(db.opt.LeaderPoll))
		err := conn.Ping(pingCtx)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				db.opt.Logger.Error("lost the connection holding a role; stepping down", "role", name, "err", err)
			}
			return
		}
	}
}

// tryRole takes the first free lock of the role's slots on conn.
func (db *DB) tryRole(ctx context.Context, conn *pgx.Conn, name string, slots int) (bool, error) {
	for i := range max(slots, 1) {
		var got bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, db.lockKey(fmt.Sprintf("%s/%d", name, i))).Scan(&got); err != nil {
			return false, err
		}
		if got {
			return true, nil
		}
	}
	return false, nil
}

// sleep waits d, and reports false if ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
