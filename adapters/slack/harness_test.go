package slack_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"sparkbot/adapters/slack"
	"sparkbot/adapters/slack/fakeslack"
	"sparkbot/bot"
	"sparkbot/storage/bolt"
)

// The fake workspace's people and channels.
const (
	alice   = "U0ALICE"   // a host, in Chicago
	bob     = "U0BOB"     // a member who is not staff
	staffer = "U0STAFF"   // staff by SPARKBOT_SLACK_STAFF
	admin   = "U0ADMIN"   // staff as a workspace admin
	owner   = "U0OWNER"   // staff as the workspace owner
	general = "C0GENERAL" // the bot is a member
	secret  = "8f742231b10e8888abcd99yyyzzz85a5"
	start   = "2026-12-01T15:00:00Z" // a Tuesday
)

// harness is the adapter on a fake Slack, over a real router on bbolt in a
// temp dir, on a fake clock.
type harness struct {
	t       *testing.T
	fake    *fakeslack.Server
	clock   *bot.FakeClock
	router  *bot.Router
	db      *bolt.DB
	seen    *recorder
	adapter *slack.Adapter
	logs    *logSink
	timers  chan timer
	http    *httptest.Server // HTTP mode's routes, when mounted
}

// timer is one wait the adapter asked for; the test fires it, or not.
type timer struct {
	d    time.Duration
	fire chan time.Time
}

type option func(*slack.Config)

func socketMode(c *slack.Config) { c.AppToken = fakeslack.AppToken; c.SigningSecret = "" }

func newHarness(t *testing.T, opts ...option) *harness {
	t.Helper()
	return newHarnessWith(t, nil, opts...)
}

// newHarnessWith is newHarness with handler standing in for the router,
// when it is not nil.
func newHarnessWith(t *testing.T, handler slack.Handler, opts ...option) *harness {
	t.Helper()
	now, _ := time.Parse(time.RFC3339, start)
	db, err := bolt.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h := &harness{t: t, fake: fakeslack.New(t), clock: bot.NewFakeClock(now), logs: newLogSink(),
		timers: make(chan timer, 100), db: db}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	h.router = bot.NewRouter(db, h.clock, quiet)
	if handler == nil {
		handler = h.router
	}
	h.seen = &recorder{next: handler, calls: make(chan call, 100)}
	h.addPeople()
	cfg := slack.Config{
		BotToken: fakeslack.BotToken, SigningSecret: secret, APIURL: h.fake.APIURL(),
		Staff: []string{staffer}, Clock: h.clock, Logger: slog.New(h.logs),
		After: func(d time.Duration) <-chan time.Time {
			tm := timer{d: d, fire: make(chan time.Time, 1)}
			select {
			case h.timers <- tm:
			default: // nobody is watching; the timer never fires
			}
			return tm.fire
		},
	}
	for _, o := range opts {
		o(&cfg)
	}
	h.adapter, err = slack.New(cfg, h.seen)
	if err != nil {
		t.Fatal(err)
	}
	if routes := h.adapter.Routes(); routes != nil {
		mux := http.NewServeMux()
		for pattern, handler := range routes {
			mux.Handle(pattern, handler)
		}
		h.http = httptest.NewServer(mux)
		t.Cleanup(h.http.Close)
	}
	return h
}

func (h *harness) addPeople() {
	for _, u := range []slackgo.User{
		{ID: alice, Name: "alice", TZ: "America/Chicago", Profile: slackgo.UserProfile{DisplayName: "Alice"}},
		{ID: bob, Name: "bob", TZ: "Europe/London", Profile: slackgo.UserProfile{DisplayName: "Bob"}},
		{ID: staffer, Name: "sam", Profile: slackgo.UserProfile{RealName: "Sam Staff"}},
		{ID: admin, Name: "ada", IsAdmin: true},
		{ID: owner, Name: "olga", IsOwner: true},
		{ID: "U0HELPER", Name: "helperbot", IsBot: true},
	} {
		h.fake.AddUser(u)
	}
	h.fake.AddChannel(fakeslack.Channel{ID: general, Name: "general", Member: true})
	h.fake.AddChannel(fakeslack.Channel{ID: "C0PRIVATE", Name: "staff-news", Member: false})
	h.fake.AddChannel(fakeslack.Channel{ID: "C0OLD", Name: "old-news", Member: true, Archived: true})
	h.fake.AddUserGroup(slackgo.UserGroup{ID: "S0DESIGN", Handle: "design", Name: "Design Team"})
}

// run starts the adapter's Run until the test ends.
func (h *harness) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.adapter.Run(ctx) }()
	h.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			h.t.Errorf("Run: %v", err)
		}
	})
}

// command is a slash command as Slack sends it: form-encoded.
func (h *harness) command(user, text string) url.Values {
	group, rest, _ := strings.Cut(text, " ")
	return url.Values{
		"token": {"legacy"}, "team_id": {fakeslack.TeamID}, "team_domain": {"spark"},
		"channel_id": {general}, "channel_name": {"general"}, "user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/" + group}, "text": {rest}, "response_url": {h.fake.ResponseURL(user)},
		"trigger_id": {"1.2.3"}, "api_app_id": {"A0FAKE"},
	}
}

// signed returns a request to path on the HTTP routes, signed now.
func (h *harness) signed(path string, body string) *http.Request {
	ts := strconv.FormatInt(h.clock.Now().Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, h.http.URL+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slack.Signature(secret, ts, []byte(body)))
	return req
}

// do sends req and returns the status and body.
func (h *harness) do(req *http.Request) (int, string) {
	h.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// slash runs a slash command in HTTP mode as user and returns Slack's
// view of the immediate reply.
func (h *harness) slash(user, text string) reply {
	h.t.Helper()
	status, body := h.do(h.signed("/slack/commands", h.command(user, text).Encode()))
	if status != http.StatusOK {
		h.t.Fatalf("/%s as %s: status %d, body %q", text, user, status, body)
	}
	return decodeReply(h.t, body)
}

// interact sends a block_actions payload to HTTP mode's interactivity
// endpoint, which must acknowledge it at once with an empty 200.
func (h *harness) interact(cb slackgo.InteractionCallback) {
	h.t.Helper()
	payload, err := json.Marshal(&cb)
	if err != nil {
		h.t.Fatal(err)
	}
	status, body := h.do(h.signed("/slack/interactivity", url.Values{"payload": {string(payload)}}.Encode()))
	if status != http.StatusOK || body != "" {
		h.t.Fatalf("click: status %d, body %q; want an empty 200", status, body)
	}
}

// must runs a command that has to succeed: its reply must contain want.
func (h *harness) must(user, text, want string) reply {
	h.t.Helper()
	r := h.slash(user, text)
	if !strings.Contains(r.Text, want) {
		h.t.Fatalf("/%s as %s:\n got %q\nwant it to contain %q", text, user, r.Text, want)
	}
	return r
}

// withCohort starts a cohort and makes alice a host in it, straight
// through the router.
func (h *harness) withCohort() {
	h.t.Helper()
	h.direct(staffer, `cohort create name:"Spark Phase 1" start:2026-11-30`, "Created")
	h.direct(staffer, "cohort add user:U0ALICE handle:@alice_x", "Added")
}

// withSchedule gives alice a recurring Space, schedule 1, on Tuesdays and
// Thursdays at 20:00 in her zone (Chicago), and returns its first start.
func (h *harness) withSchedule() time.Time {
	h.t.Helper()
	h.direct(alice, `spaces schedule add title:"Night owls" days:tue,thu time:20:00 duration:60m`, "Night owls")
	return time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC) // Tue 1 Dec 20:00 CST
}

// direct runs a command through the router, not Slack, as staff or as a
// Slack user in Chicago; its reply must contain want.
func (h *harness) direct(user, line, want string) {
	h.t.Helper()
	path, opts, err := bot.ParseCommandLine(line)
	if err != nil {
		h.t.Fatal(err)
	}
	resp := h.router.Handle(context.Background(), bot.Request{
		Workspace: bot.WorkspaceRef{Platform: bot.Slack, ID: fakeslack.TeamID},
		UserID:    user, UserZone: "America/Chicago", Staff: user == staffer, Path: path, Options: opts,
	})
	if got := resp.PlainText(func(s bot.Span) string { return s.Text + s.ID }); !strings.Contains(got, want) {
		h.t.Fatalf("%s: got %q, want %q", line, got, want)
	}
}

// reply is a message as Slack reads it from a reply, hook or ack.
type reply struct {
	Raw          string // the JSON, with escapes like \u003c for < undone
	Text         string
	ResponseType string
	Blocks       []map[string]any
}

func decodeReply(t *testing.T, raw string) reply {
	t.Helper()
	var msg struct {
		Text         string           `json:"text"`
		ResponseType string           `json:"response_type"`
		Blocks       []map[string]any `json:"blocks"`
	}
	if raw == "" {
		return reply{}
	}
	var all any
	if err := json.Unmarshal([]byte(raw), &msg); err != nil {
		t.Fatalf("reply %q: %v", raw, err)
	}
	json.Unmarshal([]byte(raw), &all)
	// encoding/json writes <, > and & as \u003c, \u003e and \u0026, where a
	// search for markup like <!channel> would never find them.
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(all); err != nil {
		t.Fatal(err)
	}
	return reply{Raw: b.String(), Text: msg.Text, ResponseType: msg.ResponseType, Blocks: msg.Blocks}
}

// blockTypes lists the types of r's blocks.
func (r reply) blockTypes() []string {
	var out []string
	for _, b := range r.Blocks {
		out = append(out, b["type"].(string))
	}
	return out
}

// recorder is the router as the adapter sees it, noting every call.
type recorder struct {
	next  slack.Handler
	calls chan call
	mu    sync.Mutex
	// gate, when set, holds each request until it is closed.
	gate chan struct{}
}

type call struct {
	req  bot.Request
	resp bot.Response
}

func (r *recorder) Handle(ctx context.Context, req bot.Request) bot.Response {
	r.mu.Lock()
	gate := r.gate
	r.mu.Unlock()
	if gate != nil {
		<-gate
	}
	resp := r.next.Handle(ctx, req)
	r.calls <- call{req, resp}
	return resp
}

func (r *recorder) hold() chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gate = make(chan struct{})
	return r.gate
}

// none checks that nothing reached the router.
func (r *recorder) none(t *testing.T) {
	t.Helper()
	select {
	case c := <-r.calls:
		t.Errorf("the router got %+v; want nothing routed", c.req)
	default:
	}
}

// resolved is req as the router sees it once it has asked for the user's
// profile (bot.Request.Profile).
func resolved(req bot.Request) bot.Request {
	req.ResolveProfile(context.Background())
	return req
}

// handlerFunc is a stand-in router.
type handlerFunc func(ctx context.Context, req bot.Request) bot.Response

func (f handlerFunc) Handle(ctx context.Context, req bot.Request) bot.Response { return f(ctx, req) }

// logSink is a slog handler that hands each record's message to the test.
type logSink struct{ msgs chan string }

func newLogSink() *logSink { return &logSink{msgs: make(chan string, 1000)} }

func (l *logSink) Enabled(context.Context, slog.Level) bool { return true }
func (l *logSink) Handle(_ context.Context, r slog.Record) error {
	select {
	case l.msgs <- r.Message:
	default:
	}
	return nil
}
func (l *logSink) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logSink) WithGroup(string) slog.Handler      { return l }

// waitLog waits for a log message containing want.
func (l *logSink) waitLog(t *testing.T, want string) {
	t.Helper()
	for {
		if msg := fakeslack.Receive(t, l.msgs); strings.Contains(msg, want) {
			return
		}
	}
}
