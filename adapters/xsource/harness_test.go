package xsource_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sparkbot/adapters/xsource"
	"sparkbot/bot"
	"sparkbot/scheduler"
	"sparkbot/storage/bolt"
	"sparkbot/xapi"
	"sparkbot/xapi/fakex"
)

// The tests here run sparkbot's X integration whole: the router and the
// scheduler over real bbolt, the watcher, this adapter and the xapi
// client, against a fake X API v2 on 127.0.0.1 (xapi/fakex). The bot's
// clock is a bot.FakeClock; X's rate limits run on an xapi.FakeWall that
// keeps up with it (auto mode: the client's waits move it on at once), so
// a simulated day takes seconds.

const token = "test-token"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// note is one DM or post the bot sent.
type note struct {
	At     time.Time
	Target string // "@user" or "#channel"
	Text   string
}

// notes records what the scheduler delivers.
type notes struct {
	mu    sync.Mutex
	clock bot.Clock
	sent  []note
}

func (n *notes) DM(_ context.Context, _ bot.WorkspaceRef, userID string, m bot.Message) error {
	return n.add("@"+userID, m)
}

func (n *notes) Post(_ context.Context, _ bot.WorkspaceRef, channel string, m bot.Message) error {
	return n.add("#"+channel, m)
}

func (n *notes) add(target string, m bot.Message) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	now := n.clock.Now()
	n.sent = append(n.sent, note{At: now, Target: target, Text: plain(m, now)})
	return nil
}

// to returns the texts sent to target that contain want.
func (n *notes) to(target, want string) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []string
	for _, s := range n.sent {
		if s.Target == target && strings.Contains(s.Text, want) {
			out = append(out, s.Text)
		}
	}
	return out
}

func plain(m bot.Message, now time.Time) string {
	return m.PlainText(func(s bot.Span) string { return s.Plain(now) })
}

// world is one workspace with the whole bot running against a fake X.
type world struct {
	t      testing.TB
	ctx    context.Context
	path   string
	clock  *bot.FakeClock
	wall   *xapi.FakeWall
	x      *fakex.Server
	notes  *notes
	ws     bot.WorkspaceRef
	db     *bolt.DB
	router *bot.Router
	sched  *scheduler.Scheduler
	watch  *bot.Watcher
	src    bot.XSource
	// wrap, if set, wraps the X source the bot uses (a test's recorder).
	wrap func(bot.XSource) bot.XSource
	// noSync opens the database without fsync: for the long simulations,
	// whose point is X's budget, not crash safety.
	noSync bool
	// botStart and wallStart are where the two clocks began: the wall
	// keeps up with the bot's clock (see sync).
	botStart, wallStart time.Time
	// token is the bearer token the bot sends from its next (re)start:
	// the fake's token unless a test says otherwise.
	token string
}

func newWorld(t testing.TB, now string) *world {
	t.Helper()
	start, err := time.Parse(time.RFC3339, now)
	if err != nil {
		t.Fatal(err)
	}
	wall := xapi.NewFakeWall(time.Date(2031, 1, 1, 12, 0, 0, 0, time.UTC))
	wall.SetAuto(true)
	w := &world{
		t: t, ctx: context.Background(), path: filepath.Join(t.TempDir(), "sparkbot.db"),
		clock: bot.NewFakeClock(start), wall: wall,
		x:        fakex.Start(t, fakex.Config{Token: token, Clock: wall}),
		ws:       bot.WorkspaceRef{Platform: bot.Console, ID: "test"},
		botStart: start, wallStart: wall.Now(), token: token,
	}
	w.notes = &notes{clock: w.clock}
	w.open()
	return w
}

// open starts the bot on the database file: as at a (re)start.
func (w *world) open() {
	w.t.Helper()
	db, err := bolt.OpenWith(w.path, bolt.Options{NoSync: w.noSync})
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { db.Close() })
	c, err := xapi.New(xapi.Config{BaseURL: w.x.URL, BearerToken: w.token, Wall: w.wall})
	if err != nil {
		w.t.Fatal(err)
	}
	var src bot.XSource = xsource.New(c, w.wall, quiet)
	if w.wrap != nil {
		src = w.wrap(src)
	}
	w.db, w.src = db, src
	w.sched = scheduler.New(db, w.clock, quiet, scheduler.Config{Jitter: func() float64 { return 0.5 }})
	w.sched.SetNotifier(bot.Console, w.notes)
	w.router = bot.NewRouter(db, w.clock, quiet)
	w.router.SetPlanner(w.sched)
	w.router.SetX(src)
	w.watch = bot.NewWatcher(db, src, w.clock, w.sched, quiet)
	w.sched.SetWatcher(w.watch)
	if err := w.sched.PlanAll(w.ctx); err != nil {
		w.t.Fatal(err)
	}
	w.sched.RunDue(w.ctx)
}

// restart stops the bot (nothing in memory survives) and starts it again.
func (w *world) restart() {
	w.t.Helper()
	if err := w.db.Close(); err != nil {
		w.t.Fatal(err)
	}
	w.open()
}

// do runs a command as user and returns the reply.
func (w *world) do(user string, staff bool, line string) string {
	w.t.Helper()
	path, opts, err := bot.ParseCommandLine(line)
	if err != nil {
		return bot.UserMessage(err)
	}
	resp := w.router.Handle(w.ctx, bot.Request{Workspace: w.ws, UserID: user, UserName: user, Staff: staff, Path: path, Options: opts})
	w.sched.RunDue(w.ctx)
	return plain(resp.Message, w.clock.Now())
}

// must runs a command whose reply must contain want.
func (w *world) must(user string, staff bool, line, want string) string {
	w.t.Helper()
	got := w.do(user, staff, line)
	if !strings.Contains(got, want) {
		w.t.Fatalf("%s as %s:\n got %q\nwant it to contain %q", line, user, got, want)
	}
	return got
}

// sync moves the wall clock up to where the bot's clock is (never back:
// the client's waits may have moved it on already).
func (w *world) sync() {
	if t := w.wallStart.Add(w.clock.Now().Sub(w.botStart)); t.After(w.wall.Now()) {
		w.wall.Set(t)
	}
}

// advance moves both clocks on by d a minute at a time, delivering what
// falls due on the way: every watch round among it.
func (w *world) advance(d time.Duration) {
	w.t.Helper()
	w.advanceTo(w.clock.Now().Add(d))
}

func (w *world) advanceTo(target time.Time) {
	w.t.Helper()
	for w.clock.Now().Before(target) {
		next := w.clock.Now().Truncate(time.Minute).Add(time.Minute)
		if next.After(target) {
			next = target
		}
		w.sched.AdvanceTo(w.ctx, w.clock, next)
		w.sync()
	}
}

// at is a time of day on a date in America/Chicago, alice's zone.
func at(t *testing.T, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// withAlice starts a cohort (weeks from Tuesday, so that joining on
// Tuesday counts) with alice (@alice_x, X id 1001, America/Chicago)
// and bob (@bob_x, 1002), both linked once the watcher has run.
func (w *world) withAlice() *world {
	w.t.Helper()
	w.x.AddUser(fakex.User{ID: "1001", Username: "alice_x", Followers: 12000})
	w.x.AddUser(fakex.User{ID: "1002", Username: "bob_x", Followers: 8000})
	w.must("boss", true, `/cohort create name:"Spark Phase 1" start:2026-12-01 weekstart:tue`, "Created")
	w.must("boss", true, "/cohort settings live:#live", "Saved")
	w.must("boss", true, "/cohort add user:@alice handle:@alice_x", "Added")
	w.must("boss", true, "/cohort add user:@bob handle:@bob_x", "Added")
	w.must("alice", false, "/spaces timezone tz:America/Chicago", "Saved")
	w.advance(time.Minute) // a round resolves both handles
	return w
}

// logs returns the workspace's logs of the cohort's first weeks.
func (w *world) logs() []bot.SpaceLog {
	w.t.Helper()
	logs, err := w.db.Logs(w.ctx, w.ws, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		w.t.Fatal(err)
	}
	return logs
}

func describe(logs []bot.SpaceLog) string {
	var b strings.Builder
	for _, l := range logs {
		fmt.Fprintf(&b, "%s by %s at %s, %d listeners, %dm, %s; ", l.SpaceID, l.UserID, l.Start.UTC().Format("01-02 15:04"),
			l.Listeners, l.Minutes, l.Provenance)
	}
	return b.String()
}
