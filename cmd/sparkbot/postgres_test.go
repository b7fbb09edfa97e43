package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sparkbot/storage/postgres/pgtest"
)

// runOn runs the program with SPARKBOT_DATABASE_URL set to url.
func runOn(t *testing.T, url, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	notTTY := false
	env := map[string]string{"SPARKBOT_DATABASE_URL": url}
	app := &App{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }, Interactive: &notTTY}
	code = app.Main(context.Background(), append([]string{"--db", filepath.Join(t.TempDir(), "unused.db"), "--http", "127.0.0.1:0", "--admin", ""}, args...))
	return out.String(), errOut.String(), code
}

// The README's transcripts are the same on PostgreSQL: the console, the
// router and the scheduler see one store as they see the other.
func TestConsoleTranscriptsOnPostgreSQL(t *testing.T) {
	for _, tt := range []struct{ script, golden, user string }{
		{"core.script", "core.golden", "alice"},
		{"scheduler.script", "scheduler.golden", "boss"},
	} {
		t.Run(tt.script, func(t *testing.T) {
			script, err := os.ReadFile(filepath.Join("testdata", tt.script))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("testdata", tt.golden))
			if err != nil {
				t.Fatal(err)
			}
			out, stderr, code := runOn(t, pgtest.Schema(t), string(script), "--now", "2026-11-30T09:00:00-05:00", "--user", tt.user, "--log-level", "error")
			if code != 0 {
				t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
			}
			if out != string(want) {
				t.Errorf("on PostgreSQL the transcript differs from %s\n got:\n%s\nwant:\n%s", tt.golden, out, want)
			}
		})
	}
}

func TestBackupAndRestoreOnPostgreSQLPointToPgDump(t *testing.T) {
	for command, args := range map[string][]string{"backup": {"--to", "x.db"}, "restore": {"--from", "x.db"}} {
		var out, errOut bytes.Buffer
		app := &App{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string {
			if k == "SPARKBOT_DATABASE_URL" {
				return "postgres://sparkbot@db/sparkbot"
			}
			return ""
		}}
		code := app.runDataCommand(context.Background(), command, args)
		if code != 1 || !strings.Contains(errOut.String(), "pg_") {
			t.Errorf("sparkbot %s on PostgreSQL: exit %d, %q; want exit 1 and the pg_dump/pg_restore way", command, code, errOut.String())
		}
	}
}

func TestDatabasePasswordIsASecret(t *testing.T) {
	for url, want := range map[string][]string{
		"postgres://sparkbot:s3cret@db:5432/sparkbot": {"s3cret"},
		"postgres://sparkbot@db/sparkbot":             nil,
		"":                                            nil,
	} {
		got := databaseSecrets(url)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("databaseSecrets(%q) = %q, want %q", url, got, want)
		}
	}
}

// The replicas' tuning is checked at start: a leader poll over 10s would
// break the 30s takeover, and let a holder cut off from the database act
// on its role after the server gave it to another.
func TestDatabaseSettingsAreChecked(t *testing.T) {
	ok := databaseConfig{URL: "postgres://db/sparkbot", ClaimLease: defaultClaimLease, LeaderPoll: defaultLeaderPoll, SlackSockets: defaultSlackSockets}
	tests := []struct {
		name   string
		change func(*databaseConfig)
		want   string // in the error; "" for none
	}{
		{"the defaults", func(*databaseConfig) {}, ""},
		{"a 10s poll", func(d *databaseConfig) { d.LeaderPoll = 10 * time.Second }, ""},
		{"an 11s poll", func(d *databaseConfig) { d.LeaderPoll = 11 * time.Second }, "SPARKBOT_LEADER_POLL must be at most 10s"},
		{"no poll", func(d *databaseConfig) { d.LeaderPoll = 0 }, "must be positive durations"},
		{"eleven sockets", func(d *databaseConfig) { d.SlackSockets = 11 }, "SPARKBOT_SLACK_SOCKETS must be 1 to 10"},
		{"not postgres", func(d *databaseConfig) { d.URL = "mysql://db" }, "must be a postgres:// URL"},
	}
	for _, tt := range tests {
		d := ok
		tt.change(&d)
		err := d.check()
		if got := fmt.Sprint(err); (tt.want == "") != (err == nil) || !strings.Contains(got, tt.want) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
		}
	}
}

// On PostgreSQL there is no database file to keep the console's exports
// beside: they go to ./exports in the working directory (or --exports),
// not into the directory of a --db file that is not used.
func TestConsoleExportsOnPostgreSQLGoToTheWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	script := "/cohort create name:Spark start:2026-11-30\n/cohort export month:2026-12\n"
	out, stderr, code := runOn(t, pgtest.Schema(t), script, "--now", "2026-12-02T09:00:00-05:00", "--user", "boss", "--staff", "--log-level", "error")
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	saved, err := filepath.Glob(filepath.Join(dir, "exports", "*.csv"))
	if err != nil || len(saved) != 1 {
		t.Fatalf("files in ./exports: %v, %v; want the export; output:\n%s", saved, err, out)
	}
	if want := "saved to " + filepath.Join("exports", filepath.Base(saved[0])); !strings.Contains(out, want) {
		t.Errorf("the console did not say %q:\n%s", want, out)
	}
}

// On PostgreSQL the running bot's admin listener has no /backup: it
// answers 501 and points to pg_dump, rather than stream an empty or
// partial file someone would keep as a backup; the rest of the listener
// works as on bbolt.
func TestAdminBackupOnPostgreSQLIsNotImplemented(t *testing.T) {
	_, env := slackEnv(t)
	env["SPARKBOT_DATABASE_URL"] = pgtest.Schema(t)
	app := startApp(t, env)
	resp, err := http.Get("http://" + app.admin + "/backup")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotImplemented || !strings.Contains(string(body), "pg_dump") {
		t.Errorf("GET /backup on PostgreSQL: %d %q, want 501 pointing to pg_dump", resp.StatusCode, body)
	}
	if disposition := resp.Header.Get("Content-Disposition"); disposition != "" {
		t.Errorf("the 501 offers a file to save: %q", disposition)
	}
	if code, _ := get(t, "http://"+app.admin+"/healthz"); code != http.StatusOK {
		t.Errorf("GET /healthz beside it: %d, want 200", code)
	}
}
