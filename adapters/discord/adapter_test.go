package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sparkbot/adapters/discord/fakediscord"
	"sparkbot/bot"
	"sparkbot/storage/bolt"
)

// The test server, shaped like the ids in Discord's documented examples.
const (
	guildID   = "290926798626357999"
	channelID = "645027906669510667"
	hostID    = "53908232506183680"
	staffID   = "53908232506183681"
	otherID   = "53908232506183682"
	staffRole = "539082325061836999"
	hostRole  = "539082325061836998"

	// Member permission sets: a plain member, and one with Manage Server.
	plainPerms  = "1071698660929"
	managePerms = "2147483647"
)

// env is the adapter on a real router over bbolt in a temp dir, a fake
// clock, and a fake Discord.
type env struct {
	t      testing.TB
	fake   *fakediscord.Server
	a      *Adapter
	h      *recorder
	router *bot.Router
	clock  *bot.FakeClock
	db     *bolt.DB
	ws     bot.WorkspaceRef
	logs   *syncBuffer

	mu    sync.Mutex
	waits []time.Duration // back-off waits Run asked for
}

func newEnv(t testing.TB, configure ...func(*Config)) *env {
	t.Helper()
	fake := fakediscord.New(t)
	db, err := bolt.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := bot.NewFakeClock(time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)) // Tue 23:00 in New York
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	router := bot.NewRouter(db, clock, logger)
	h := &recorder{next: router, answered: make(chan bot.Response, 10)}
	cfg := Config{
		Token: "test-token", StaffRole: staffRole, Clock: clock, Logger: logger, HTTPClient: fake.Client(),
	}
	for _, f := range configure {
		f(&cfg)
	}
	a, err := New(cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, fake: fake, a: a, h: h, router: router, clock: clock, db: db, logs: logs,
		ws: bot.WorkspaceRef{Platform: bot.Discord, ID: guildID}}
	a.wait = func(ctx context.Context, d time.Duration) error {
		e.mu.Lock()
		e.waits = append(e.waits, d)
		e.mu.Unlock()
		return ctx.Err()
	}
	t.Cleanup(func() {
		a.Drain()
		if t.Failed() || testing.Verbose() {
			t.Logf("adapter log:\n%s", logs.String())
		}
	})
	return e
}

// run starts the adapter's Run and waits until the commands are
// registered; the test's cleanup stops it.
func (e *env) run() {
	e.t.Helper()
	done, stop := e.startRun()
	e.t.Cleanup(stop)
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	select {
	case <-e.a.Registered():
	case err := <-done:
		e.t.Fatalf("Run returned before registering: %v", err)
	case <-timeout.C:
		e.t.Fatal("gave up waiting for the commands to be registered")
	}
}

// startRun starts one term of the adapter's Run (a replica's, while it
// holds the gateway); stop ends it and waits for Run to return. done
// receives Run's error if it returns by itself.
func (e *env) startRun() (done <-chan error, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 1)
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		errs <- e.a.Run(ctx)
	}()
	var once sync.Once
	return errs, func() {
		once.Do(func() {
			cancel()
			<-returned
			select {
			case err := <-errs:
				if err != nil {
					e.t.Errorf("Run: %v", err)
				}
			default: // already read by the caller
			}
		})
	}
}

// seed creates the cohort, makes hostID a host and gives them schedule 1,
// "Owls", Tuesdays and Thursdays 20:00 New York time, through the router.
func (e *env) seed() {
	e.t.Helper()
	e.must(staffID, true, `/cohort create name:"Spark Phase 1" start:2026-11-30`, "Created")
	e.must(staffID, true, "/cohort add user:"+hostID+" handle:@mason_x", "Added")
	e.must(hostID, false, "/spaces schedule add title:Owls days:tue,thu time:20:00", "Owls")
}

// must runs a console-syntax command through the router and checks the reply.
func (e *env) must(user string, staff bool, line, want string) {
	e.t.Helper()
	path, opts, err := bot.ParseCommandLine(line)
	if err != nil {
		e.t.Fatal(err)
	}
	resp := e.router.Handle(context.Background(), bot.Request{
		Workspace: e.ws, UserID: user, UserName: user, Staff: staff, Path: path, Options: opts,
	})
	got := resp.PlainText(func(s bot.Span) string { return s.Text + s.ID })
	if !strings.Contains(got, want) {
		e.t.Fatalf("%s: got %q, want it to contain %q", line, got, want)
	}
}

// interact hands an interaction to the adapter as the gateway would,
// without a websocket.
func (e *env) interact(payload any) {
	e.t.Helper()
	in := decodeInteraction(e.t, payload)
	e.a.onInteraction(nil, &discordgo.InteractionCreate{Interaction: in})
}

func decodeInteraction(t testing.TB, payload any) *discordgo.Interaction {
	t.Helper()
	raw, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	var in discordgo.Interaction
	if err := json.Unmarshal(raw, &in); err != nil {
		t.Fatal(err)
	}
	return &in
}

// callback waits for the interaction's callback and decodes it.
func (e *env) callback(id string) (callback, fakediscord.Call) {
	e.t.Helper()
	c := e.fake.Await(e.t, "the callback of interaction "+id, func(c fakediscord.Call) bool {
		return c.Method == "POST" && strings.HasPrefix(c.Path, fakediscord.Prefix+"/interactions/"+id+"/") &&
			strings.HasSuffix(c.Path, "/callback")
	})
	var cb callback
	if err := c.Decode(&cb); err != nil {
		e.t.Fatalf("callback of %s: %v in %s", id, err, c.JSON)
	}
	return cb, c
}

// callback is an interaction response as the fake received it.
type callback struct {
	Type int         `json:"type"`
	Data wireMessage `json:"data"`
}

// wireMessage is a message as Discord receives it.
type wireMessage struct {
	Content string `json:"content"`
	Flags   int    `json:"flags"`
	Embeds  []struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"embeds"`
	Components []struct {
		Type       int `json:"type"`
		Components []struct {
			Type     int    `json:"type"`
			Label    string `json:"label"`
			CustomID string `json:"custom_id"`
		} `json:"components"`
	} `json:"components"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
		Users []string `json:"users"`
		Roles []string `json:"roles"`
	} `json:"allowed_mentions"`
	Choices []struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	} `json:"choices"`
}

// text is everything a reader sees: content and embeds.
func (m wireMessage) text() string {
	var b strings.Builder
	b.WriteString(m.Content)
	for _, e := range m.Embeds {
		b.WriteString("\n" + e.Title + "\n" + e.Description)
	}
	return b.String()
}

// --- interaction payloads, shaped like Discord's documented examples

// member is a guild member object.
func member(userID, perms string, roles ...string) map[string]any {
	if roles == nil {
		roles = []string{}
	}
	return map[string]any{
		"user": map[string]any{
			"id": userID, "username": "user" + userID[len(userID)-2:], "global_name": "User " + userID[len(userID)-2:],
			"avatar": nil, "discriminator": "0", "public_flags": 0,
		},
		"roles": roles, "permissions": perms, "nick": nil, "premium_since": nil,
		"joined_at": "2017-03-13T19:19:14.040000+00:00", "deaf": false, "mute": false, "pending": false,
	}
}

// interaction is an interaction of type typ in the test guild by m.
func interaction(id string, typ int, m map[string]any, data map[string]any) map[string]any {
	return map[string]any{
		"type": typ, "id": id, "application_id": "1180000000000000001", "token": "token-" + id, "version": 1,
		"guild_id": guildID, "channel_id": channelID, "app_permissions": "442368",
		"locale": "en-US", "guild_locale": "en-US", "context": 0, "member": m, "data": data,
	}
}

// command is the data of a slash command: path ["spaces","schedule","add"]
// nests the options in a subcommand group and a subcommand.
func command(path []string, opts ...map[string]any) map[string]any {
	if opts == nil {
		opts = []map[string]any{}
	}
	leaf := opts
	for i := len(path) - 1; i >= 1; i-- {
		typ := 1
		if i < len(path)-1 {
			typ = 2
		}
		leaf = []map[string]any{{"type": typ, "name": path[i], "options": leaf}}
	}
	return map[string]any{"id": "771825006014889984", "name": path[0], "type": 1, "options": leaf}
}

// opt is one option value; typ 3 string, 4 integer, 6 user, 7 channel.
func opt(name string, typ int, value any) map[string]any {
	return map[string]any{"name": name, "type": typ, "value": value}
}

func focused(name string, typ int, value any) map[string]any {
	o := opt(name, typ, value)
	o["focused"] = true
	return o
}

// click is the data of a button click.
func click(customID string) map[string]any {
	return map[string]any{"custom_id": customID, "component_type": 2}
}

// dmClick is a button click in a DM: a user, no member, no guild.
func dmClick(id, userID, customID string) map[string]any {
	in := interaction(id, 3, nil, click(customID))
	delete(in, "member")
	delete(in, "guild_id")
	in["user"] = member(userID, "0")["user"]
	in["context"] = 1
	in["channel_id"] = "1190000000000000500"
	return in
}

func readTestdata(t testing.TB, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// --- a handler that records what the router is asked

type recorder struct {
	next Handler

	mu    sync.Mutex
	reqs  []bot.Request
	resps []bot.Response
	// before, if set, runs before each request reaches the router.
	before func(bot.Request)
	// answered gets every response, for awaitResponse.
	answered chan bot.Response
}

func (r *recorder) Handle(ctx context.Context, req bot.Request) bot.Response {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	before := r.before
	r.mu.Unlock()
	if before != nil {
		before(req)
	}
	resp := r.next.Handle(ctx, req)
	r.mu.Lock()
	r.resps = append(r.resps, resp)
	r.mu.Unlock()
	select {
	case r.answered <- resp:
	default: // nobody is waiting for so many
	}
	return resp
}

// awaitResponse returns the router's next response to an interaction.
func (r *recorder) awaitResponse(t testing.TB) bot.Response {
	t.Helper()
	select {
	case resp := <-r.answered:
		return resp
	case <-time.After(10 * time.Second): // guards against a hang; does not pace the test
		t.Fatal("the router answered nothing")
		return bot.Response{}
	}
}

func (r *recorder) Suggest(ctx context.Context, req bot.Request, option, typed string) []bot.Suggestion {
	r.mu.Lock()
	before := r.before
	r.mu.Unlock()
	if before != nil {
		before(req)
	}
	return r.next.Suggest(ctx, req, option, typed)
}

func (r *recorder) setBefore(f func(bot.Request)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.before = f
}

// last returns the last request that reached the router.
func (r *recorder) last(t testing.TB) bot.Request {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		t.Fatal("no request reached the router")
	}
	return r.reqs[len(r.reqs)-1]
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
