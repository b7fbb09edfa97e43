package bot_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/storage/bolt"
)

// harness is a router over real bbolt in a temp dir, on a fake clock.
type harness struct {
	t      *testing.T
	router *bot.Router
	clock  *bot.FakeClock
	store  *bolt.DB
	ws     bot.WorkspaceRef
}

func newHarness(t *testing.T, now string) *harness {
	t.Helper()
	start, err := time.Parse(time.RFC3339, now)
	if err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(t.TempDir(), "sparkbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := bot.NewFakeClock(start)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	return &harness{t: t, router: bot.NewRouter(db, clock, logger), clock: clock, store: db,
		ws: bot.WorkspaceRef{Platform: bot.Console, ID: "test"}}
}

// do runs one console-syntax command as user and returns the reply as text.
func (h *harness) do(user string, staff bool, line string) string {
	h.t.Helper()
	path, opts, err := bot.ParseCommandLine(line)
	if err != nil {
		return bot.UserMessage(err)
	}
	resp := h.router.Handle(context.Background(), bot.Request{
		Workspace: h.ws, UserID: user, UserName: user, Staff: staff, Path: path, Options: opts,
	})
	return render(resp.Message, h.clock.Now())
}

// must runs a command that has to succeed: its reply must contain want.
func (h *harness) must(user string, staff bool, line, want string) string {
	h.t.Helper()
	got := h.do(user, staff, line)
	if !strings.Contains(got, want) {
		h.t.Fatalf("%s as %s:\n got %q\nwant it to contain %q", line, user, got, want)
	}
	return got
}

func render(m bot.Message, now time.Time) string {
	return m.PlainText(func(s bot.Span) string { return s.Plain(now) })
}

// withCohort creates a default cohort (staff "boss") and makes each user a host.
func (h *harness) withCohort(start string, hosts ...string) *harness {
	h.t.Helper()
	h.must("boss", true, `/cohort create name:"Spark Phase 1" start:`+start, "Created")
	for _, u := range hosts {
		h.must("boss", true, "/cohort add user:@"+u+" handle:@"+u+"_x", "Added")
	}
	return h
}

// dms returns the text of the DMs queued for user, in key order.
func (h *harness) dms(user string) []string {
	h.t.Helper()
	jobs, err := h.store.PendingJobs(context.Background(), h.ws.Key()+"/")
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, j := range jobs {
		if j.Kind == bot.JobDM && j.UserID == user && j.Message != nil && !strings.Contains(j.Key, "/welcome/") {
			out = append(out, render(*j.Message, h.clock.Now()))
		}
	}
	return out
}
