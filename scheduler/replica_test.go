package scheduler

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/storage/postgres"
	"sparkbot/storage/postgres/pgtest"
)

// tally counts what a notifier is asked to post, by channel, and says
// when it has heard want posts.
type tally struct {
	mu    sync.Mutex
	posts map[string]int
	total int
	want  int
	all   chan struct{}
}

func (c *tally) DM(context.Context, bot.WorkspaceRef, string, bot.Message) error { return nil }

func (c *tally) Post(_ context.Context, _ bot.WorkspaceRef, channel string, _ bot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.posts[channel]++
	c.total++
	if c.total == c.want {
		close(c.all)
	}
	return nil
}

func TestReplicasOnOneDatabaseSendEachJobOnce(t *testing.T) {
	url := pgtest.Schema(t)
	clock := bot.NewFakeClock(mustTime(t, "2026-12-01T15:00:00Z"))
	const n = 400
	heard := &tally{posts: map[string]int{}, want: n, all: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	scheds := make([]*Scheduler, 2)
	for i := range scheds {
		db, err := postgres.OpenWith(ctx, url, postgres.Options{Replica: fmt.Sprintf("r%d", i),
			LeaderPoll: 20 * time.Millisecond, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		scheds[i] = New(db, clock, quiet, Config{Workers: 4, Jitter: func() float64 { return 0.5 }})
		scheds[i].SetNotifier(bot.Console, heard)
		wg.Go(func() { scheds[i].Run(ctx) })
	}
	defer func() { cancel(); wg.Wait() }()

	ws := bot.WorkspaceRef{Platform: bot.Console, ID: "replicas"}
	jobs := make([]bot.Job, n)
	for i := range jobs {
		msg := bot.Message{Blocks: []bot.Block{{Lines: []bot.Line{{bot.Text("post")}}}}}
		jobs[i] = bot.Job{Key: fmt.Sprintf("%s/post/%04d", ws.Key(), i), Kind: bot.JobPost, Workspace: ws,
			Due: clock.Now(), Channel: fmt.Sprintf("c%04d", i), Message: &msg}
	}
	// Added through the first replica's store, as a command on it would:
	// the second hears of them by notification, not by its own Dispatch.
	if err := scheds[0].store.AddJobs(ctx, jobs); err != nil {
		t.Fatal(err)
	}
	scheds[0].Dispatch()
	select {
	case <-heard.all:
	case <-time.After(60 * time.Second):
		t.Fatalf("only %d of %d posts went out", heard.total, n)
	}
	if leaders := boolCount(scheds[0].Leading(), scheds[1].Leading()); leaders > 1 {
		t.Errorf("%d replicas lead", leaders)
	}
	cancel()
	wg.Wait()
	heard.mu.Lock()
	defer heard.mu.Unlock()
	for channel, times := range heard.posts {
		if times != 1 {
			t.Errorf("#%s was posted %d times", channel, times)
		}
	}
}

func boolCount(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// leaderWorkWords are how the README's list of the leader's work names
// each of leaderKinds.
var leaderWorkWords = map[bot.JobKind]string{
	bot.JobPlan:    "planning",
	bot.JobCheck:   "the daily quota checks",
	bot.JobDigest:  "the weekly digests",
	bot.JobStipend: "the stipend",
	bot.JobFinal:   "final reports",
	bot.JobEvents:  "the Discord Scheduled Events sync",
	bot.JobWatch:   "polling X",
	bot.JobRecheck: "the re-checks of pasted links",
}

// The README says what the leader does: every kind only the leader takes.
func TestTheREADMEListsTheLeadersWork(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, bullet, ok := strings.Cut(string(readme), "- **One replica, the leader, does the periodic work**")
	if !ok {
		t.Fatal("README.md has no bullet on the leader's work")
	}
	bullet, _, _ = strings.Cut(bullet, "\n- ")
	bullet = strings.Join(strings.Fields(bullet), " ")
	for _, k := range leaderKinds {
		words, ok := leaderWorkWords[k]
		if !ok {
			t.Errorf("leader kind %q: add the README's words for it to leaderWorkWords", k)
			continue
		}
		if !strings.Contains(bullet, words) {
			t.Errorf("the README's bullet on the leader's work leaves out %s (%q):\n%s", k, words, bullet)
		}
	}
}
