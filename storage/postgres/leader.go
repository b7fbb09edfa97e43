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
// killed (its socket closes), and after TCP keepalives fail (about 25 s,
// set below) when its machine vanishes. The holder checks its connection
// every LeaderPoll and steps down when it fails, so two replicas never
// act as the one; the others try for the lock every LeaderPoll, so a dead
// holder is replaced within LeaderPoll (the keepalives' 25 s at worst).

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
// client within about 25 s, so a lock it holds does not outlive it long.
func (db *DB) sessionConn(ctx context.Context) (*pgx.Conn, error) {
	conn, err := db.connect(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3`); err != nil {
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
		pingCtx, cancel := context.WithTimeout(ctx, max(db.opt.LeaderPoll, time.Second))
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
