package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sparkbot/bot"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// runApp runs the program on a fresh database with the given arguments and
// standard input, and returns what it printed.
func runApp(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	notTTY := false
	app := &App{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }, Interactive: &notTTY}
	db := filepath.Join(t.TempDir(), "data", "sparkbot.db")
	code = app.Main(context.Background(), append([]string{"--db", db, "--http", "127.0.0.1:0"}, args...))
	return out.String(), errOut.String(), code
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/sparkbot -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (rerun with -update if the change is intended)\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestConsoleCoreScript is the newcomer's path: apply, approval, a schedule,
// two logs, on track. The transcript is the README's.
func TestConsoleCoreScript(t *testing.T) {
	script, err := os.ReadFile("testdata/core.script")
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runApp(t, string(script), "--now", "2026-11-30T09:00:00-05:00", "--user", "alice", "--log-level", "error")
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"Application received for @alice_x",
		"Approved @alice (@alice_x)",
		"Saved recurring Space #1",
		"This week: 1 of 2 — on pace",
		"This week: 2 of 2 — on track",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	golden(t, "core.golden", out)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), out) {
		t.Errorf("README.md does not hold the current console transcript (testdata/core.golden); paste it in")
	}
}

// TestConsoleSchedulerScript shows the bot acting on its own on a fake
// clock: a welcome, a quota warning, reminders, a nudge and a one-click log.
// The transcript is the README's.
func TestConsoleSchedulerScript(t *testing.T) {
	script, err := os.ReadFile("testdata/scheduler.script")
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runApp(t, string(script), "--now", "2026-11-30T09:00:00-05:00", "--user", "boss", "--log-level", "error")
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"[DM @alice] Welcome to Spark Phase 1",
		"[DM @alice] ⚠ At risk: 0 of 2 Spaces this week, 1 scheduled",
		"[DM @alice] ⏰ “Night owls” starts in 1h",
		"[DM @alice] ⏰ “Night owls” starts in 10m",
		"[DM @alice] Did “Night owls” happen",
		"[button 3: I hosted it]",
		"  1: I hosted it — ⏰ “Night owls” starts in 1h",
		"Logged “Night owls”, Tue 1 Dec 20:00 EST — unverified",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	golden(t, "scheduler.golden", out)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), out) {
		t.Errorf("README.md does not hold the current scheduler transcript (testdata/scheduler.golden); paste it in")
	}
}

func TestBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--now", "tomorrow"}, "--now must be an RFC3339 time"},
		{[]string{"--log-level", "loud"}, "--log-level must be"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		_, stderr, code := runApp(t, "", tt.args...)
		if code == 0 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: code %d, stderr %q; want non-zero and %q", tt.args, code, stderr, tt.want)
		}
	}
}

// TestREADMECommands keeps the README's command list the generated help.
func TestREADMECommands(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, group := range bot.Groups() {
		if help := bot.HelpText(group); !strings.Contains(string(readme), help) {
			t.Errorf("README.md lacks the current help of /%s; paste in bot.HelpText(%q):\n%s", group, group, help)
		}
	}
}

// TestPipedScriptEndsQuietly: a short script piped in on the wall clock
// ends with its input while the scheduler may still be planning; a normal
// end of input logs no error (planning cut short is not a failure).
func TestPipedScriptEndsQuietly(t *testing.T) {
	for _, script := range []string{
		"/spaces help\n",
		":staff on\n/cohort create name:\"Spark\" start:2026-11-30\n/cohort add user:@alice handle:@alice_x\n",
	} {
		for range 20 {
			_, stderr, code := runApp(t, script)
			if code != 0 || strings.Contains(stderr, `"level":"ERROR"`) {
				t.Fatalf("%q: exit code %d; stderr:\n%s\nwant 0 and no error logged", script, code, stderr)
			}
		}
	}
}
