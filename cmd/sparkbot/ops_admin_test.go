package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sparkbot/adapters/slack/fakeslack"
	"sparkbot/storage/bolt"
)

// thisMonday is the Monday of the current week in New York, the default
// cohort's zone, so a cohort started then is running now.
func thisMonday() string {
	ny, _ := time.LoadLocation("America/New_York")
	now := time.Now().In(ny)
	back := (int(now.Weekday()) + 6) % 7
	return now.AddDate(0, 0, -back).Format("2006-01-02")
}

// drainPosts empties the fake's post channel until the test ends, and
// hands each post to seen.
func drainPosts(t *testing.T, fake *fakeslack.Server) <-chan fakeslack.Post {
	seen := make(chan fakeslack.Post, 1000)
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	go func() {
		for {
			select {
			case p := <-fake.Posts:
				select {
				case seen <- p:
				default:
				}
			case <-done:
				return
			}
		}
	}()
	return seen
}

// TestMetricsAfterKnownCommandsAndDeliveries scrapes /metrics during a run
// on a fake Slack and checks each family against what the test did.
func TestMetricsAfterKnownCommandsAndDeliveries(t *testing.T) {
	fake, env := slackEnv(t)
	posts := drainPosts(t, fake)
	app := startApp(t, env)
	app.waitLog("connected to Slack")

	app.slash(fake, alice, "spaces help")
	app.slash(fake, alice, "spaces help")
	app.slash(fake, alice, `cohort create name:"Spark" start:`+thisMonday())
	if got := app.slash(fake, staffer, `cohort create name:"Spark" start:`+thisMonday()); !strings.Contains(got, "Created") {
		t.Fatalf("cohort create: %s", got)
	}
	if got := app.slash(fake, staffer, "cohort add user:<@U0ALICE|alice> handle:@alice_x"); !strings.Contains(got, "Added") {
		t.Fatalf("cohort add: %s", got)
	}
	if p := fakeslack.Receive(t, posts); !strings.Contains(p.Text, "Welcome") {
		t.Fatalf("the first post is %q, want the welcome DM", p.Text)
	}
	// Slack took the DM before the scheduler heard so, and the observer
	// counts a delivery in two families one after the other: scrape once
	// it has logged the delivery, after counting it in both.
	app.waitLogLine(`"msg":"delivery"`, `"kind":"dm"`, `"outcome":"sent"`)
	m := app.scrape()

	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"sparkbot_commands_total", []string{"command", "spaces help", "outcome", "ok"}, 2},
		{"sparkbot_commands_total", []string{"command", "cohort create", "outcome", "forbidden"}, 1},
		{"sparkbot_commands_total", []string{"command", "cohort create", "outcome", "ok"}, 1},
		{"sparkbot_commands_total", []string{"command", "cohort add", "outcome", "ok"}, 1},
		{"sparkbot_command_duration_seconds", []string{"command", "spaces help"}, 2},
		{"sparkbot_deliveries_total", []string{"kind", "dm", "result", "sent"}, 1},
		{"sparkbot_delivery_lateness_seconds", []string{"kind", "dm"}, 1},
		{"sparkbot_platform_api_rate_limited_total", []string{"platform", "slack"}, -1}, // none yet: no series
	} {
		if got := value(m, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// auth.test, users.info, conversations.open, chat.postMessage at least.
	if got := value(m, "sparkbot_platform_api_requests_total", "platform", "slack"); got < 4 {
		t.Errorf("Slack API requests counted %v, want at least 4", got)
	}
	if got := sum(m, "sparkbot_hosts"); got != 1 {
		t.Errorf("hosts by standing add up to %v, want 1 (alice)", got)
	}
	for _, name := range []string{"sparkbot_due_index_jobs", "sparkbot_outbox_due_jobs", "go_goroutines", "process_cpu_seconds_total", "process_resident_memory_bytes"} {
		if m[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	for name, f := range m {
		for _, s := range f.Metric {
			for _, l := range s.Label {
				if v := l.GetValue(); strings.HasPrefix(v, "U0") || strings.Contains(v, "xox") || strings.Contains(v, "Spark") {
					t.Errorf("%s has a label %s=%q: a user id, token or typed text", name, l.GetName(), v)
				}
			}
		}
	}
	if status, body := get(t, "http://"+app.admin+"/readyz"); status != http.StatusOK ||
		!strings.Contains(body, "ok   database") || !strings.Contains(body, "ok   scheduler") || !strings.Contains(body, "ok   slack") {
		t.Errorf("/readyz: %d\n%s", status, body)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestBackupAndRestoreCommands: sparkbot backup asks the running bot's
// admin listener; restore refuses while it runs; once it has stopped,
// backup copies the file itself and restore puts a copy back.
func TestBackupAndRestoreCommands(t *testing.T) {
	fake, env := slackEnv(t)
	app := startApp(t, env)
	app.slash(fake, staffer, `cohort create name:"Spark" start:`+thisMonday())
	dir := t.TempDir()
	cli := func(args ...string) (int, string) {
		var out, errOut strings.Builder
		a := &App{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
		code := a.runDataCommand(context.Background(), args[0], args[1:])
		return code, out.String() + errOut.String()
	}
	live := filepath.Join(dir, "live.db")
	if code, out := cli("backup", "--db", app.db, "--admin", app.admin, "--to", live); code != 0 || !strings.Contains(out, "from the running bot") {
		t.Fatalf("backup from the running bot: %d %s", code, out)
	}
	if _, err := bolt.CheckFile(live); err != nil {
		t.Fatal(err)
	}
	if code, out := cli("restore", "--db", app.db, "--from", live); code == 0 || !strings.Contains(out, "a running sparkbot holds") {
		t.Errorf("restore while the bot runs: %d %s", code, out)
	}
	app.stop()
	if code := <-app.code; code != 0 {
		t.Fatalf("stopping: exit %d\n%s", code, app.logs.String())
	}
	app.code <- 0 // for the cleanup
	offline := filepath.Join(dir, "offline.db")
	if code, out := cli("backup", "--db", app.db, "--admin", freeAddr(t), "--to", offline); code != 0 || !strings.Contains(out, "no bot was running") {
		t.Fatalf("backup of the file: %d %s", code, out)
	}
	if code, out := cli("restore", "--db", app.db, "--from", live); code != 0 || !strings.Contains(out, "is kept at sparkbot.db.before-restore-") {
		t.Errorf("restore: %d %s", code, out)
	}
	db, err := bolt.Open(app.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if co, err := db.Cohort(context.Background(), slackWorkspace()); err != nil || co.Name != "Spark" {
		t.Errorf("the restored database's cohort: %+v, %v", co, err)
	}
	if code, out := cli("restore", "--db", app.db, "--from", filepath.Join(dir, "missing.db")); code == 0 {
		t.Errorf("restore from a missing file: %d %s", code, out)
	}
}

// TestAdminListenerSettings: a taken port stops the start naming the
// flag; off loopback the listener needs a token; a token is then asked for.
func TestAdminListenerSettings(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	_, env := slackEnv(t)
	env["SPARKBOT_ADMIN_ADDR"] = taken.Addr().String()
	_, stderr, code := runSlackApp(t, env)
	if code == 0 || !strings.Contains(stderr, "set --admin or SPARKBOT_ADMIN_ADDR") {
		t.Errorf("admin port taken: code %d, stderr %q", code, stderr)
	}
	env["SPARKBOT_ADMIN_ADDR"] = "0.0.0.0:9090"
	_, stderr, code = runSlackApp(t, env)
	if code == 0 || !strings.Contains(stderr, "is not on loopback: set SPARKBOT_ADMIN_TOKEN") {
		t.Errorf("admin off loopback without a token: code %d, stderr %q", code, stderr)
	}

	_, env = slackEnv(t)
	env["SPARKBOT_ADMIN_TOKEN"] = "e2e-admin-token-42"
	app := startApp(t, env)
	if status, _ := get(t, "http://"+app.admin+"/metrics"); status != http.StatusUnauthorized {
		t.Errorf("/metrics without the token: %d, want 401", status)
	}
	req, _ := http.NewRequest("GET", "http://"+app.admin+"/healthz", nil)
	req.Header.Set("Authorization", "Bearer e2e-admin-token-42")
	if status, body := do(t, req); status != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz with the token: %d %q", status, body)
	}
}

// runSlackApp runs the program with env to its end (a start that fails).
func runSlackApp(t *testing.T, env map[string]string) (string, string, int) {
	t.Helper()
	var out, errOut strings.Builder
	a := &App{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] },
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	code := a.Main(ctx, []string{"--db", filepath.Join(t.TempDir(), "db"), "--http", "127.0.0.1:0"})
	return out.String(), errOut.String(), code
}
