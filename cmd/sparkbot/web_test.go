package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sparkbot/bot"
	"sparkbot/logging"
	"sparkbot/storage/bolt"
)

// TestConsoleServesDashboard: go run ./cmd/sparkbot serves the dashboard
// beside the console, and the console's sign-in links open it.
func TestConsoleServesDashboard(t *testing.T) {
	addr := freeAddr(t)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	notTTY := false
	app := &App{Stdin: inR, Stdout: outW, Stderr: io.Discard, Getenv: func(string) string { return "" }, Interactive: &notTTY}
	db := filepath.Join(t.TempDir(), "sparkbot.db")
	code := make(chan int, 1)
	go func() {
		code <- app.Main(context.Background(), []string{"--db", db, "--http", addr, "--user", "boss", "--staff", "--log-level", "error"})
		outW.Close()
	}()
	go io.WriteString(inW, ":staff on\n/cohort create name:\"Spark\" start:2026-11-30\n/cohort dashboard\n")
	link := regexp.MustCompile(`http://` + regexp.QuoteMeta(addr) + `/dashboard/signin/[A-Za-z0-9_-]{43}`)
	lines := bufio.NewScanner(outR)
	var found string
	for found == "" && lines.Scan() {
		found = link.FindString(lines.Text())
	}
	if found == "" {
		t.Fatal("the console printed no sign-in link on its own address")
	}
	resp, err := http.Get(found)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Sign in") {
		t.Errorf("GET %s: %d\n%s", found, resp.StatusCode, body)
	}
	inW.Close()
	go io.Copy(io.Discard, outR)
	if c := <-code; c != 0 {
		t.Fatalf("exit code %d", c)
	}
}

func TestLoopbackPublicURLWarning(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "sparkbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tt := range []struct {
		url  string
		warn bool
	}{
		{"", true}, {"http://localhost:8080", true}, {"http://[::1]:8080", true}, {"http://127.0.0.2", true},
		{"https://bot.example.org", false}, {"https://10.0.0.5", false},
	} {
		var logs bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&logs, nil))
		app := &App{Getenv: func(k string) string {
			if k == "SPARKBOT_PUBLIC_URL" {
				return tt.url
			}
			return ""
		}}
		router := bot.NewRouter(db, bot.SystemClock{}, logger)
		s, err := app.newSite(db, router, bot.SystemClock{}, bot.SystemClock{}, logger)
		if err != nil {
			t.Fatal(err)
		}
		p := s.platformSite()
		if got := strings.Contains(logs.String(), "will not open for anyone else"); got != tt.warn {
			t.Errorf("SPARKBOT_PUBLIC_URL=%q: warned %v, want %v\n%s", tt.url, got, tt.warn, logs.String())
		}
		if len(p.routes) == 0 {
			t.Error("the dashboard mounts no routes on the shared listener")
		}
	}
}

func TestBadPublicURL(t *testing.T) {
	_, stderr, code := runAppEnv(t, map[string]string{"SPARKBOT_PUBLIC_URL": "bot.example.org"})
	if code == 0 || !strings.Contains(stderr, "SPARKBOT_PUBLIC_URL must be") {
		t.Errorf("code %d, stderr %q", code, stderr)
	}
}

// runAppEnv is runApp with environment variables.
func runAppEnv(t *testing.T, env map[string]string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	notTTY := false
	app := &App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }, Interactive: &notTTY}
	db := filepath.Join(t.TempDir(), "data", "sparkbot.db")
	code = app.Main(context.Background(), []string{"--db", db, "--http", "127.0.0.1:0"})
	return out.String(), errOut.String(), code
}

// freeAddr is a loopback address no listener holds, for a test that must
// give --http an address before the program starts.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestTrustedProxiesSetting: SPARKBOT_TRUSTED_PROXIES is read strictly, and
// an https public address (so a TLS proxy in front) without it is warned
// about: every sign-in would share the proxy's limit.
func TestTrustedProxiesSetting(t *testing.T) {
	_, stderr, code := runAppEnv(t, map[string]string{"SPARKBOT_TRUSTED_PROXIES": "proxy.internal"})
	if code == 0 || !strings.Contains(stderr, "SPARKBOT_TRUSTED_PROXIES must be") {
		t.Errorf("a host name: code %d, stderr %q", code, stderr)
	}
	db, err := bolt.Open(filepath.Join(t.TempDir(), "sparkbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tt := range []struct {
		url, proxies string
		warn         bool
	}{
		{"https://bot.example.org", "", true}, {"https://bot.example.org", "127.0.0.1", false}, {"http://10.0.0.5:8080", "", false},
	} {
		var logs bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&logs, nil))
		env := map[string]string{"SPARKBOT_PUBLIC_URL": tt.url, "SPARKBOT_TRUSTED_PROXIES": tt.proxies}
		app := &App{Getenv: func(k string) string { return env[k] }}
		s, err := app.newSite(db, bot.NewRouter(db, bot.SystemClock{}, logger), bot.SystemClock{}, bot.SystemClock{}, logger)
		if err != nil {
			t.Fatal(err)
		}
		s.platformSite()
		if got := strings.Contains(logs.String(), "SPARKBOT_TRUSTED_PROXIES is not set"); got != tt.warn {
			t.Errorf("%s with proxies %q: warned %v, want %v\n%s", tt.url, tt.proxies, got, tt.warn, logs.String())
		}
	}
}

// TestDashboardListeningLine: the console's log says where the dashboard
// is, whole, through the logging package's redaction of URL paths.
func TestDashboardListeningLine(t *testing.T) {
	_, stderr, code := runAppEnv(t, nil)
	if code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr)
	}
	var line string
	for l := range strings.Lines(stderr) {
		if strings.Contains(l, "dashboard listening") {
			line = l
		}
	}
	if line == "" || strings.Contains(line, logging.Redacted) || !regexp.MustCompile(`http://127\.0\.0\.1:\d+\b`).MatchString(line) ||
		!strings.Contains(line, "/dashboard/") {
		t.Errorf("the dashboard's log line does not say where it is: %q", line)
	}
}
