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
