package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sparkbot/xapi"
	"sparkbot/xapi/fakex"
)

// TestConsoleXScript runs the README's X transcript: the console on a
// fake clock against the fake X (as `go run ./cmd/fakex --world
// cmd/sparkbot/testdata/x.world.json` serves it), whose timeline takes
// alice's "Night owls" live and ends it as the watcher polls. X's rate
// limits run on a fake wall clock here, which the client's waits move on;
// run by hand, :advance 20m takes about 20 seconds.
func TestConsoleXScript(t *testing.T) {
	script, err := os.ReadFile("testdata/x.script")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/x.world.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	world, err := fakex.ReadWorld(f)
	if err != nil {
		t.Fatal(err)
	}
	wall := xapi.NewFakeWall(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC))
	wall.SetAuto(true)
	x := fakex.Start(t, fakex.Config{Token: "dev", Clock: wall})
	if err := x.SetWorld(world); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SPARKBOT_X_BEARER_TOKEN": "dev", "SPARKBOT_X_API_URL": x.URL}
	var out, errOut bytes.Buffer
	notTTY := false
	app := &App{Stdin: strings.NewReader(string(script)), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return env[k] }, Interactive: &notTTY, XWall: wall}
	db := filepath.Join(t.TempDir(), "data", "sparkbot.db")
	code := app.Main(context.Background(), []string{"--db", db, "--http", "127.0.0.1:0",
		"--now", "2026-11-30T19:45:00-06:00", "--user", "boss", "--log-level", "error"})
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, errOut.String())
	}
	got := out.String()
	for _, want := range []string{
		"◷ Night owls, Mon 30 Nov 20:00 CST (in 14m) — scheduled on X",
		"@alice: @alice_x — X id 1001",
		"[#live] 🔴 @alice_x is live: ‘Night owls’ https://x.com/i/spaces/1eaKbrPAqbwKX",
		"[DM @alice] ✓ Logged automatically: ‘Night owls’, 20:02–20:22, 143 listeners at peak. This week: 1 of 2 — at risk.",
		"✓ Space 1eaKbrPAqbwKX (Night owls), Mon 30 Nov 20:02 CST — verified by X, 143 listeners at peak",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	if st := x.Stats(xapi.EndpointSpacesByCreators); st.MaxPerSecond > 1 || st.Limited > 0 {
		t.Errorf("the console broke X's limits: %d requests in a second, %d answered 429", st.MaxPerSecond, st.Limited)
	}
	golden(t, "x.golden", got)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), got) {
		t.Errorf("README.md does not hold the current X transcript (testdata/x.golden); paste it in")
	}
}
