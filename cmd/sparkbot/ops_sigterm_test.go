package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/storage/bolt"
)

// TestSIGTERMDuringADeliveryBurst runs the built binary as a child
// process, sends it SIGTERM while a burst of deliveries is going out, and
// checks that every delivery was either sent once (and recorded so) or is
// still pending; a restart then sends exactly the pending ones.
func TestSIGTERMDuringADeliveryBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	fake, env := slackEnv(t)
	drainPosts(t, fake)
	slow := newSlowSlack(t, fake.URL, 40*time.Millisecond)
	env["SPARKBOT_SLACK_API_URL"] = slow.URL + "/api/"
	env["SPARKBOT_ADMIN_ADDR"] = ""
	env["SPARKBOT_HTTP_ADDR"] = "127.0.0.1:0"
	env["SPARKBOT_LOG_FORMAT"] = "json"

	const n = 300
	db := filepath.Join(t.TempDir(), "sparkbot.db")
	keys := seedBurst(t, db, n)

	first := startChild(t, bin, db, env)
	slow.waitSent(t, 30)
	slow.waitHeld(t, 16) // the signal lands with many posts on the wire
	first.stop(t)
	slow.waitIdle(t) // posts the child gave up on may still reach Slack
	sent, pending := outcomes(t, db, keys)
	got := slow.sentTexts()
	for i, k := range keys {
		text := burstText(i)
		switch {
		case got[text] > 1:
			t.Errorf("%s was posted %d times before the restart", text, got[text])
		case sent[k] && got[text] != 1:
			t.Errorf("%s is recorded as sent but was posted %d times", text, got[text])
		case pending[k] && got[text] != 0:
			t.Errorf("%s is still pending but was posted: it will go out twice", text)
		case !sent[k] && !pending[k]:
			t.Errorf("%s is neither sent nor pending", text)
		}
	}
	if len(pending) == 0 || len(sent) == 0 {
		t.Fatalf("%d sent and %d pending at SIGTERM: the signal did not land during the burst", len(sent), len(pending))
	}
	t.Logf("at SIGTERM: %d sent, %d pending", len(sent), len(pending))

	second := startChild(t, bin, db, env)
	slow.waitSent(t, n)
	second.stop(t)
	sent, pending = outcomes(t, db, keys)
	got = slow.sentTexts()
	for i := range keys {
		if text := burstText(i); got[text] != 1 {
			t.Errorf("after the restart %s was posted %d times, want once", text, got[text])
		}
	}
	if len(sent) != n || len(pending) != 0 {
		t.Errorf("after the restart: %d sent, %d pending; want all %d sent", len(sent), len(pending), n)
	}
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sparkbot")
	args := []string{"build", "-o", bin}
	if raceEnabled { // a race in the child (the outbox, a batched commit) fails the test too
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, ".")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func burstText(i int) string { return fmt.Sprintf("burst message %03d", i) }

// seedBurst queues n channel posts, due now, in a new database.
func seedBurst(t *testing.T, path string, n int) []string {
	t.Helper()
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ws := slackWorkspace()
	now := time.Now()
	jobs := make([]bot.Job, n)
	keys := make([]string, n)
	for i := range jobs {
		msg := bot.Message{Blocks: []bot.Block{{Lines: []bot.Line{{bot.Text(burstText(i))}}}}}
		keys[i] = fmt.Sprintf("%s/post/burst/%03d", ws.Key(), i)
		jobs[i] = bot.Job{Key: keys[i], Kind: bot.JobPost, Workspace: ws, Due: now, Channel: "C0GENERAL", Message: &msg}
	}
	if err := db.AddJobs(context.Background(), jobs); err != nil {
		t.Fatal(err)
	}
	return keys
}

// outcomes reads which jobs are recorded as sent and which are pending.
func outcomes(t *testing.T, path string, keys []string) (sent, pending map[string]bool) {
	t.Helper()
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sent, pending = map[string]bool{}, map[string]bool{}
	ctx := context.Background()
	for _, k := range keys {
		if o, err := db.JobOutcome(ctx, k); err == nil && o.Result == bot.Sent {
			sent[k] = true
		}
		if _, err := db.PendingJob(ctx, k); err == nil {
			pending[k] = true
		} else if !errors.Is(err, bot.ErrNotFound) {
			t.Fatal(err)
		}
	}
	return sent, pending
}

// child is the binary running as its own process.
type child struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
}

func startChild(t *testing.T, bin, db string, env map[string]string) *child {
	t.Helper()
	c := &child{stderr: &syncBuffer{}}
	c.cmd = exec.Command(bin, "--db", db)
	c.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		c.cmd.Env = append(c.cmd.Env, k+"="+v)
	}
	c.cmd.Stdout, c.cmd.Stderr = io.Discard, c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			c.cmd.Process.Kill()
			c.cmd.Wait()
		}
	})
	return c
}

// stop sends SIGTERM and waits for a clean exit.
func (c *child) stop(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the child exited with %v; its log:\n%s", err, c.stderr.String())
		}
	case <-time.After(30 * time.Second):
		c.cmd.Process.Kill()
		t.Fatalf("the child did not stop within 30s of SIGTERM; its log:\n%s", c.stderr.String())
	}
	if !strings.Contains(c.stderr.String(), "stopping: no new commands") {
		t.Errorf("the child did not log its graceful stop:\n%s", c.stderr.String())
	}
}

// slowSlack stands in front of a fake Slack and holds each request a
// while, so deliveries are in flight when the signal comes. It counts the
// posts the fake accepted, by text.
type slowSlack struct {
	*httptest.Server
	mu      sync.Mutex
	texts   map[string]int
	held    int // posts being held now
	changed chan struct{}
}

func newSlowSlack(t *testing.T, upstream string, delay time.Duration) *slowSlack {
	s := &slowSlack{texts: map[string]int{}, changed: make(chan struct{}, 1)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		post := strings.HasSuffix(r.URL.Path, "/chat.postMessage")
		if post {
			s.hold(1)
			defer s.hold(-1)
		}
		time.Sleep(delay) // the slow platform this stands for
		req, _ := http.NewRequest(r.Method, upstream+r.URL.RequestURI(), bytes.NewReader(body))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		answer, _ := io.ReadAll(resp.Body)
		if post && bytes.Contains(answer, []byte(`"ok":true`)) {
			form, _ := url.ParseQuery(string(body))
			s.mu.Lock()
			s.texts[form.Get("text")]++
			s.mu.Unlock()
			s.notify()
		}
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		w.Write(answer)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *slowSlack) hold(d int) {
	s.mu.Lock()
	s.held += d
	s.mu.Unlock()
	s.notify()
}

func (s *slowSlack) notify() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// waitHeld waits until at least n posts are being held at once.
func (s *slowSlack) waitHeld(t *testing.T, n int) {
	t.Helper()
	s.waitFor(t, fmt.Sprintf("%d posts in flight at once", n), func(held int) bool { return held >= n })
}

// waitIdle waits until no post is being held.
func (s *slowSlack) waitIdle(t *testing.T) {
	t.Helper()
	s.waitFor(t, "no post in flight", func(held int) bool { return held == 0 })
}

func (s *slowSlack) waitFor(t *testing.T, what string, cond func(held int) bool) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		s.mu.Lock()
		held := s.held
		s.mu.Unlock()
		if cond(held) {
			return
		}
		select {
		case <-s.changed:
		case <-timeout:
			t.Fatalf("60s passed without %s", what)
		}
	}
}

func (s *slowSlack) sentTexts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.texts))
	for k, v := range s.texts {
		out[k] = v
	}
	return out
}

// waitSent waits until at least n posts were accepted.
func (s *slowSlack) waitSent(t *testing.T, n int) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		total := 0
		for _, c := range s.sentTexts() {
			total += c
		}
		if total >= n {
			return
		}
		select {
		case <-s.changed:
		case <-timeout:
			t.Fatalf("only %d posts after 60s, want %d", total, n)
		}
	}
}
