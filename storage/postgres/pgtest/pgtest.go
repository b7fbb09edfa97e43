// Package pgtest gives each test a PostgreSQL schema of its own, on the
// server SPARKBOT_TEST_DATABASE_URL names (.ci/run starts a throwaway one),
// so tests of several packages run against one server at once.
//
// Without the variable a test that needs PostgreSQL skips, except under
// CI=true, where a missing database fails it: CI must never pass for want
// of a server.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL is the variable that names the test server.
const EnvURL = "SPARKBOT_TEST_DATABASE_URL"

// URL returns the test server's URL, skipping t (failing it under CI=true)
// when there is none.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI needs a PostgreSQL server for this test (.ci/run starts one)", EnvURL)
		}
		t.Skipf("%s is not set: start a PostgreSQL server and set it (see .ci/run) to run this test", EnvURL)
	}
	return u
}

// Schema creates an empty schema for t, dropped when t ends, and returns
// the URL of the test server with its search_path set to it: a sparkbot
// opened on it keeps its tables, locks and notifications to itself.
func Schema(t testing.TB) string {
	t.Helper()
	base := URL(t)
	b := make([]byte, 6)
	rand.Read(b)
	name := "test_" + hex.EncodeToString(b)
	exec(t, base, `CREATE SCHEMA `+name)
	t.Cleanup(func() { exec(t, base, `DROP SCHEMA `+name+` CASCADE`) })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s is not a URL: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// Exec runs one statement on the database at dsn (a Schema URL), on a
// connection of its own: outside any transaction, so VACUUM may be one.
func Exec(t testing.TB, dsn, sql string) { t.Helper(); exec(t, dsn, sql) }

// exec runs one statement on its own connection.
func exec(t testing.TB, dsn, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to the test database: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// Named returns url (a Schema URL) with its sessions named name, as
// pg_stat_activity shows them: qualified by the schema, so that tests
// running at once on the server never share a name.
func Named(t testing.TB, dsn, name string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s is not a URL: %v", dsn, err)
	}
	q := u.Query()
	q.Set("application_name", appName(q.Get("search_path"), name))
	u.RawQuery = q.Encode()
	return u.String()
}

func appName(schema, name string) string { return schema + "/" + name }

// AwaitLockTries waits until the sessions of a Named url have tried for an
// advisory lock (pg_try_advisory_lock) n more times, as pg_stat_activity
// shows them: each try seen to end counts once. A test that a replica
// keeps trying for a lock another holds, without getting it, waits for
// its tries rather than for time to pass. It fails t after 30 s.
func AwaitLockTries(t testing.TB, dsn, name string, n int) {
	t.Helper()
	conn, app := watch(t, dsn, name)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	seen := map[int]time.Time{} // pid → the end of its last try seen
	for tries := 0; tries < n; {
		rows, err := conn.Query(ctx, `
			SELECT pid, state_change FROM pg_stat_activity
			WHERE application_name = $1 AND state = 'idle' AND query LIKE '%pg_try_advisory_lock%'`, app)
		if err != nil {
			t.Fatalf("waiting for %d tries for a lock by %s: %v (%d seen): has it stopped trying?", n, name, err, tries)
		}
		for rows.Next() {
			var pid int
			var at time.Time
			if rows.Scan(&pid, &at) == nil && at.After(seen[pid]) {
				if !seen[pid].IsZero() {
					tries++
				}
				seen[pid] = at
			}
		}
		rows.Close()
		time.Sleep(time.Millisecond) // polling the server's view, not waiting out a clock
	}
}

// Terminate ends every session of a Named url on the server, as a
// failover or a network failure would, and fails t if there was none.
func Terminate(t testing.TB, dsn, name string) {
	t.Helper()
	conn, app := watch(t, dsn, name)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`,
		app).Scan(&n); err != nil {
		t.Fatalf("terminating the sessions of %s: %v", name, err)
	}
	if n == 0 {
		t.Fatalf("no database session of %s to terminate", name)
	}
}

// watch connects to the test server, for a look at the sessions of a
// Named url, whose application_name it returns; the connection closes
// when t ends.
func watch(t testing.TB, dsn, name string) (*pgx.Conn, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s is not a URL: %v", dsn, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to the test database: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn, appName(u.Query().Get("search_path"), name)
}
