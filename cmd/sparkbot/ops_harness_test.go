package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	slackgo "github.com/slack-go/slack"

	"sparkbot/adapters/discord/fakediscord"
	"sparkbot/adapters/slack"
	"sparkbot/adapters/slack/fakeslack"
	"sparkbot/bot"
)

// The programs these tests run talk to fake platforms on 127.0.0.1 and
// listen on 127.0.0.1:0 for the public and admin listeners.

const (
	slackSecret = "e2e-signing-secret-0123456789"
	alice       = "U0ALICE" // a Slack member
	bob         = "U0BOB"   // another
	staffer     = "U0STAFF" // staff by SPARKBOT_SLACK_STAFF
)

// syncBuffer is the program's stderr: its log, read while it runs.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{} // closed and replaced at every write; nil until asked for
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.written != nil {
		close(b.written)
		b.written = nil
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// await waits until cond holds for the log so far, reading it again after
// each write, and reports false if that has not happened by deadline.
func (b *syncBuffer) await(deadline <-chan time.Time, cond func(log string) bool) bool {
	for {
		b.mu.Lock()
		log := b.buf.String()
		if b.written == nil {
			b.written = make(chan struct{})
		}
		written := b.written
		b.mu.Unlock()
		if cond(log) {
			return true
		}
		select {
		case <-written:
		case <-deadline:
			return false
		}
	}
}

// running is a sparkbot program started in this process with App.Main.
type running struct {
	t             *testing.T
	public, admin string // host:port of each listener
	logs          *syncBuffer
	db            string
	stop          context.CancelFunc
	code          chan int
}

// startApp runs the program with env (over the defaults: both listeners on
// 127.0.0.1:0, JSON logs) until the test ends, and waits for its listeners.
func startApp(t *testing.T, env map[string]string) *running {
	t.Helper()
	vars := map[string]string{
		"SPARKBOT_HTTP_ADDR": "127.0.0.1:0", "SPARKBOT_ADMIN_ADDR": "127.0.0.1:0", "SPARKBOT_LOG_FORMAT": "json",
	}
	for k, v := range env {
		vars[k] = v
	}
	r := &running{t: t, logs: &syncBuffer{}, db: filepath.Join(t.TempDir(), "sparkbot.db"), code: make(chan int, 1)}
	addrs := make(chan [2]string, 2)
	app := &App{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: r.logs,
		Getenv:    func(k string) string { return vars[k] },
		LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		Listening: func(name string, addr net.Addr) { addrs <- [2]string{name, addr.String()} }}
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	go func() { r.code <- app.Main(ctx, []string{"--db", r.db}) }()
	t.Cleanup(func() {
		cancel()
		if code := <-r.code; code != 0 {
			t.Errorf("the program exited with %d; its log:\n%s", code, r.logs.String())
		}
	})
	for r.public == "" || (r.admin == "" && vars["SPARKBOT_ADMIN_ADDR"] != "") {
		select {
		case a := <-addrs:
			if a[0] == "public" {
				r.public = a[1]
			} else {
				r.admin = a[1]
			}
		case code := <-r.code:
			t.Fatalf("the program exited with %d before listening; its log:\n%s", code, r.logs.String())
		case <-time.After(10 * time.Second):
			t.Fatalf("no listeners after 10s; the log:\n%s", r.logs.String())
		}
	}
	return r
}

// waitLog waits until the log holds want.
func (r *running) waitLog(want string) {
	r.t.Helper()
	r.waitLogLine(want)
}

// waitLogLine waits until one line of the log holds every one of want.
// It wakes at each write to the log; the deadline only stops a hung test.
func (r *running) waitLogLine(want ...string) {
	r.t.Helper()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	has := func(log string) bool {
		for line := range strings.Lines(log) {
			if !strings.HasSuffix(line, "\n") {
				break // a line still being written
			}
			if containsAll(line, want) {
				return true
			}
		}
		return false
	}
	if !r.logs.await(deadline.C, has) {
		r.t.Fatalf("no line of the log said all of %q:\n%s", want, r.logs.String())
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// slackEnv is a fake Slack with alice, bob and a staff member, and the
// variables that run sparkbot on it in HTTP mode.
func slackEnv(t *testing.T) (*fakeslack.Server, map[string]string) {
	t.Helper()
	fake := fakeslack.New(t)
	for _, u := range []slackgo.User{
		{ID: alice, Name: "alice", TZ: "America/Chicago", Profile: slackgo.UserProfile{DisplayName: "Alice"}},
		{ID: bob, Name: "bob", TZ: "America/New_York", Profile: slackgo.UserProfile{DisplayName: "Bob"}},
		{ID: staffer, Name: "sam", Profile: slackgo.UserProfile{RealName: "Sam Staff"}},
	} {
		fake.AddUser(u)
	}
	fake.AddChannel(fakeslack.Channel{ID: "C0GENERAL", Name: "general", Member: true})
	return fake, map[string]string{
		"SPARKBOT_SLACK_BOT_TOKEN": fakeslack.BotToken, "SPARKBOT_SLACK_SIGNING_SECRET": slackSecret,
		"SPARKBOT_SLACK_API_URL": fake.APIURL(), "SPARKBOT_SLACK_STAFF": staffer,
	}
}

// triggers numbers trigger_ids: each command Slack sends has its own.
var triggers atomic.Int64

// slashForm is a slash command as Slack posts it.
func slashForm(fake *fakeslack.Server, user, line string) url.Values {
	group, rest, _ := strings.Cut(line, " ")
	return url.Values{
		"team_id": {fakeslack.TeamID}, "team_domain": {"spark"}, "channel_id": {"C0GENERAL"}, "channel_name": {"general"},
		"user_id": {user}, "user_name": {strings.ToLower(user)}, "command": {"/" + group}, "text": {rest},
		"response_url": {fake.ResponseURL(user)}, "trigger_id": {strconv.FormatInt(triggers.Add(1), 10) + ".2.3"}, "api_app_id": {"A0FAKE"},
	}
}

// signedSlack is a request to path on the public listener, signed at ts.
func (r *running) signedSlack(path, body string, ts time.Time) *http.Request {
	r.t.Helper()
	stamp := strconv.FormatInt(ts.Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, "http://"+r.public+path, strings.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", slack.Signature(slackSecret, stamp, []byte(body)))
	return req
}

// do sends req and returns the status and body.
func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// slash runs a slash command in HTTP mode and returns the reply's text.
func (r *running) slash(fake *fakeslack.Server, user, line string) string {
	r.t.Helper()
	status, body := do(r.t, r.signedSlack("/slack/commands", slashForm(fake, user, line).Encode(), time.Now()))
	if status != http.StatusOK {
		r.t.Fatalf("/%s as %s: %d %s", line, user, status, body)
	}
	var msg struct{ Text string }
	json.Unmarshal([]byte(body), &msg)
	return msg.Text
}

// discordEnv is a fake Discord and the variables that run sparkbot on it
// with the Interactions Endpoint URL, signed with the returned key.
func discordEnv(t *testing.T) (*fakediscord.Server, ed25519.PrivateKey, map[string]string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	fake := fakediscord.New(t)
	return fake, priv, map[string]string{
		"SPARKBOT_DISCORD_TOKEN": "e2e-discord-token", "SPARKBOT_DISCORD_PUBLIC_KEY": hex.EncodeToString(pub),
		"SPARKBOT_DISCORD_API_URL": fake.URL(), "SPARKBOT_DISCORD_GUILD": "290926798626357999",
	}
}

// discordCommand is a signed-to-be slash command interaction: /spaces help.
func discordCommand(id string) []byte {
	in := map[string]any{
		"type": 2, "id": id, "application_id": "1180000000000000001", "token": "token-" + id, "version": 1,
		"guild_id": "290926798626357999", "channel_id": "645027906669510667", "app_permissions": "442368",
		"locale": "en-US", "guild_locale": "en-US",
		"member": map[string]any{
			"user":  map[string]any{"id": "53908232506183680", "username": "mason", "global_name": "Mason", "discriminator": "0"},
			"roles": []string{}, "permissions": "1071698660929", "joined_at": "2017-03-13T19:19:14.040000+00:00",
		},
		"data": map[string]any{"id": "1180000000000000100", "name": "spaces", "type": 1,
			"options": []map[string]any{{"type": 1, "name": "help", "options": []any{}}}},
	}
	b, _ := json.Marshal(in)
	return b
}

// postDiscord posts body to the Interactions Endpoint, signed with key.
func (r *running) postDiscord(key ed25519.PrivateKey, body []byte, ts time.Time) (int, string) {
	r.t.Helper()
	stamp := strconv.FormatInt(ts.Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, "http://"+r.public+"/discord/interactions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, append([]byte(stamp), body...))))
	req.Header.Set("X-Signature-Timestamp", stamp)
	return do(r.t, req)
}

// scrape reads the admin listener's /metrics.
func (r *running) scrape() map[string]*dto.MetricFamily {
	r.t.Helper()
	resp, err := http.Get("http://" + r.admin + "/metrics")
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	return families
}

// value is the value of the family's series with labels (a counter's or
// gauge's value, a histogram's sample count), or -1 when there is none.
func value(families map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	f := families[name]
	if f == nil {
		return -1
	}
	for _, m := range f.Metric {
		if !hasLabels(m, labels) {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

func hasLabels(m *dto.Metric, labels []string) bool {
	for i := 0; i+1 < len(labels); i += 2 {
		found := false
		for _, l := range m.Label {
			if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// sum adds up every series of a family.
func sum(families map[string]*dto.MetricFamily, name string) float64 {
	total := 0.0
	if f := families[name]; f != nil {
		for _, m := range f.Metric {
			total += m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	return total
}

// runScript runs the console on a fresh database with env and stdin, and
// returns what it printed.
func runScript(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	notTTY := false
	app := &App{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }, Interactive: &notTTY}
	db := filepath.Join(t.TempDir(), "data", "sparkbot.db")
	code = app.Main(context.Background(), append([]string{"--db", db, "--http", "127.0.0.1:0"}, args...))
	return out.String(), errOut.String(), code
}

func slackWorkspace() bot.WorkspaceRef {
	return bot.WorkspaceRef{Platform: bot.Slack, ID: fakeslack.TeamID}
}
