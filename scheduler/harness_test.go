package scheduler

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

	"sparkbot/bot"
	"sparkbot/storage/bolt"
)

// delivery is one message a notifier was asked to send.
type delivery struct {
	At     time.Time
	Target string // "@user" or "#channel"
	Text   string
	File   *bot.File // the attachment, if any (a stipend report's CSV)
}

func (d delivery) String() string {
	return fmt.Sprintf("%s %s %s", d.At.UTC().Format("Mon 01-02 15:04"), d.Target, d.Text)
}

// recorder is a Notifier that records what it is asked to send. fail, if
// set, decides the error of each attempt.
type recorder struct {
	mu    sync.Mutex
	clock bot.Clock
	sent  []delivery
	fail  func(target string, attempt int) error
	tries map[string]int
	// attempts are every attempt, failed or not, by target.
	attempts map[string][]delivery
}

func newRecorder(clock bot.Clock) *recorder {
	return &recorder{clock: clock, tries: map[string]int{}, attempts: map[string][]delivery{}}
}

func (r *recorder) DM(_ context.Context, _ bot.WorkspaceRef, userID string, m bot.Message) error {
	return r.record("@"+userID, m)
}

func (r *recorder) Post(_ context.Context, _ bot.WorkspaceRef, channel string, m bot.Message) error {
	return r.record("#"+channel, m)
}

func (r *recorder) record(target string, m bot.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock.Now()
	text := plain(m, now)
	r.tries[target+text]++
	r.attempts[target] = append(r.attempts[target], delivery{At: now, Target: target, Text: text})
	if r.fail != nil {
		if err := r.fail(target, r.tries[target+text]); err != nil {
			return err
		}
	}
	r.sent = append(r.sent, delivery{At: now, Target: target, Text: text, File: m.File})
	return nil
}

// attemptTimes returns when target was tried with a message starting with prefix.
func (r *recorder) attemptTimes(target, prefix string) []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []time.Time
	for _, d := range r.attempts[target] {
		if strings.HasPrefix(d.Text, prefix) {
			out = append(out, d.At)
		}
	}
	return out
}

func (r *recorder) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.sent...)
}

// plain renders a message on one line: times in UTC, buttons as [label].
func plain(m bot.Message, now time.Time) string {
	text := m.PlainText(func(s bot.Span) string {
		s.Zone = time.UTC // the golden files read in UTC
		return s.Plain(now)
	})
	for _, b := range m.Buttons {
		text += " [" + b.Label + "]"
	}
	if m.File != nil {
		text += " [file " + m.File.Name + "]"
	}
	return strings.ReplaceAll(text, "\n", " / ")
}

// world is a workspace with a router and a scheduler over real bbolt on a
// fake clock. It can be stopped and reopened on the same file.
type world struct {
	t      *testing.T
	path   string
	clock  *bot.FakeClock
	notify *recorder
	db     *bolt.DB
	router *bot.Router
	sched  *Scheduler
	cfg    Config
	ws     bot.WorkspaceRef
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newWorld(t *testing.T, start time.Time) *world {
	t.Helper()
	clock := bot.NewFakeClock(start)
	w := &world{t: t, path: filepath.Join(t.TempDir(), "sparkbot.db"), clock: clock, notify: newRecorder(clock),
		cfg: Config{Jitter: func() float64 { return 0.5 }}, ws: bot.WorkspaceRef{Platform: bot.Console, ID: "sim"}}
	w.open()
	t.Cleanup(func() { w.db.Close() })
	return w
}

// open starts the program on the world's file, as a process start would.
func (w *world) open() {
	w.t.Helper()
	db, err := bolt.Open(w.path)
	if err != nil {
		w.t.Fatal(err)
	}
	w.db = db
	w.sched = New(db, w.clock, quiet, w.cfg)
	w.sched.SetNotifier(bot.Console, w.notify)
	w.router = bot.NewRouter(db, w.clock, quiet)
	w.router.SetPlanner(w.sched)
	if err := w.sched.PlanAll(context.Background()); err != nil {
		w.t.Fatal(err)
	}
	w.sched.RunDue(context.Background())
}

// restart closes the store and opens it again, as after a crash or deploy.
func (w *world) restart() {
	w.t.Helper()
	if err := w.db.Close(); err != nil {
		w.t.Fatal(err)
	}
	w.open()
}

// do runs a command as user (staff if the name is "boss") and delivers what
// it made due now, as the console does.
func (w *world) do(user, line string) string {
	w.t.Helper()
	path, opts, err := bot.ParseCommandLine(line)
	if err != nil {
		w.t.Fatalf("%s: %v", line, err)
	}
	resp := w.router.Handle(context.Background(), bot.Request{Workspace: w.ws, UserID: user, UserName: user,
		Staff: user == "boss", Path: path, Options: opts})
	w.sched.RunDue(context.Background())
	return plain(resp.Message, w.clock.Now())
}

func (w *world) must(user, line, want string) string {
	w.t.Helper()
	got := w.do(user, line)
	if !strings.Contains(got, want) {
		w.t.Fatalf("%s as %s:\n got %q\nwant it to contain %q", line, user, got, want)
	}
	return got
}

func (w *world) click(user string, b bot.Button) string {
	w.t.Helper()
	resp := w.router.Handle(context.Background(), bot.Request{Workspace: w.ws, UserID: user, UserName: user,
		Action: &bot.Action{ID: b.ActionID, Value: b.Value}})
	w.sched.RunDue(context.Background())
	return plain(resp.Message, w.clock.Now())
}

func (w *world) advanceTo(t time.Time) { w.sched.AdvanceTo(context.Background(), w.clock, t) }

// nightOwls is a cohort starting 2026-11-30 with one host, alice, who hosts
// "Night owls" on Tuesdays at 20:00 New York.
func (w *world) nightOwls() *world {
	w.t.Helper()
	w.must("boss", `/cohort create name:"Spark" start:2026-11-30`, "Created")
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
	w.must("alice", `/spaces schedule add title:"Night owls" days:tue time:20:00`, "Saved")
	return w
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
