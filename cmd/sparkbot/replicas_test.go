package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"

	"sparkbot/adapters/slack/fakeslack"
	"sparkbot/bot"
	"sparkbot/storage/postgres"
	"sparkbot/storage/postgres/pgtest"
)

// buildSparkbot builds this program into a temporary directory, once per
// test binary.
var buildSparkbot = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "sparkbot-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "sparkbot")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// replica is one sparkbot child process.
type replica struct {
	cmd   *exec.Cmd
	leads chan time.Time // when it logged that it leads
	up    chan struct{}  // closed when its scheduler runs
}

// startReplica starts the built program with env, reading its JSON log
// lines for the moments the test waits on.
func startReplica(t *testing.T, bin string, env []string) *replica {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &replica{cmd: cmd, leads: make(chan time.Time, 4), up: make(chan struct{})}
	go r.read(stderr) // ends when the process's stderr closes
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	return r
}

func (r *replica) read(stderr io.Reader) {
	sc := bufio.NewScanner(stderr)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var upOnce sync.Once
	for sc.Scan() {
		var line struct{ Msg string }
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		switch {
		case line.Msg == "this replica leads: it plans and sends the digests and reports":
			r.leads <- time.Now()
		case strings.HasPrefix(line.Msg, "connected to Slack"):
			upOnce.Do(func() { close(r.up) })
		}
	}
}

// latentSlack forwards to the fake Slack, each chat.postMessage after delay,
// so that deliveries are still going out when a replica is killed.
func latentSlack(t *testing.T, fake *fakeslack.Server, delay time.Duration) string {
	target, err := url.Parse(fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = log.New(io.Discard, "", 0) // a killed replica's requests fail here, as they should
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/chat.postMessage") {
			select {
			case <-time.After(delay): // the platform's latency, not a wait of the test's
			case <-r.Context().Done():
			}
		}
		proxy.ServeHTTP(w, r)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/api/"
}

// TestTwoReplicasOneKilled runs two sparkbot processes on one PostgreSQL
// database and a fake Slack: 1,000 DMs fall due, the leader is killed
// with SIGKILL mid-run, and every DM still goes out, once, but for those
// the killed replica had in flight; the survivor leads within 30 s.
func TestTwoReplicasOneKilled(t *testing.T) {
	dbURL := pgtest.Schema(t)
	if testing.Short() {
		t.Skip("builds the binary and runs two processes")
	}
	bin, err := buildSparkbot()
	if err != nil {
		t.Fatal(err)
	}
	fake := fakeslack.New(t)
	const n = 1000
	users := make([]string, n)
	for i := range users {
		users[i] = fmt.Sprintf("U%07d", i)
		fake.AddUser(slackapi.User{ID: users[i], Name: users[i]})
	}
	env := []string{
		"SPARKBOT_DATABASE_URL=" + dbURL,
		"SPARKBOT_SLACK_BOT_TOKEN=" + fakeslack.BotToken,
		"SPARKBOT_SLACK_SIGNING_SECRET=replica-test-secret",
		"SPARKBOT_SLACK_API_URL=" + latentSlack(t, fake, 20*time.Millisecond),
		"SPARKBOT_HTTP_ADDR=127.0.0.1:0", "SPARKBOT_ADMIN_ADDR=",
		"SPARKBOT_LOG_FORMAT=json", "SPARKBOT_LOG_LEVEL=info",
		"SPARKBOT_CLAIM_LEASE=2s", "SPARKBOT_LEADER_POLL=250ms", "SPARKBOT_SHUTDOWN_GRACE=1s",
	}
	reps := []*replica{startReplica(t, bin, env), startReplica(t, bin, env)}
	for i, r := range reps {
		waitFor(t, r.up, "replica %d to start", i)
	}
	var leader, survivor *replica
	select {
	case <-reps[0].leads:
		leader, survivor = reps[0], reps[1]
	case <-reps[1].leads:
		leader, survivor = reps[1], reps[0]
	case <-time.After(30 * time.Second):
		t.Fatal("no replica leads")
	}

	// The DMs, added as a command on either replica would add them; each
	// replica hears of them by notification.
	db, err := postgres.Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sent := countPosts(fake)
	ws := bot.WorkspaceRef{Platform: bot.Slack, ID: fakeslack.TeamID}
	jobs := make([]bot.Job, n)
	for i, u := range users {
		msg := bot.Message{Blocks: []bot.Block{{Lines: []bot.Line{{bot.Text(fmt.Sprintf("note %d", i))}}}}}
		jobs[i] = bot.Job{Key: fmt.Sprintf("%s/notice/1/%d/test/%s", ws.Key(), i, u), Kind: bot.JobDM, Workspace: ws,
			Due: time.Now(), UserID: u, Personal: true, Message: &msg}
	}
	if err := db.AddJobs(t.Context(), jobs); err != nil {
		t.Fatal(err)
	}

	waitFor(t, sent.reached(300), "300 DMs to go out")
	if err := leader.cmd.Process.Kill(); err != nil { // SIGKILL: its connections drop, its claims stay
		t.Fatal(err)
	}
	leader.cmd.Wait()
	killed := time.Now()
	inFlight := claimsOf(t, dbURL, leader.cmd.Process.Pid)
	if got := sent.distinct(); got >= n {
		t.Fatalf("all %d DMs were out before the kill: the test did not kill a replica mid-run", got)
	}
	t.Logf("killed the leader after %d DMs, with %d claims in hand", sent.distinct(), len(inFlight))

	select {
	case at := <-survivor.leads:
		took := at.Sub(killed)
		if took > 30*time.Second {
			t.Errorf("the survivor led %v after the kill, want within 30s", took)
		}
		t.Logf("the survivor leads %v after the kill", took.Round(time.Millisecond))
	case <-time.After(30 * time.Second):
		t.Error("the survivor did not lead within 30s of the kill")
	}
	waitFor(t, sent.reached(n), "every DM to go out")
	waitFor(t, allFinished(t, db, n), "the survivor to record every DM's outcome")
	twice := 0
	for ch, times := range sent.byChannel() {
		user := "U" + strings.TrimPrefix(ch, "D")
		switch {
		case times > 1 && !inFlight[user]:
			t.Errorf("%s got %d DMs, and its job was not in flight on the killed replica", user, times)
		case times > 1:
			twice++
		}
	}
	t.Logf("%d DMs went out twice, of the %d in flight on the killed replica", twice, len(inFlight))
}

// posts counts the DMs the fake Slack accepted, by channel.
type posts struct {
	mu      sync.Mutex
	by      map[string]int
	waiters map[int]chan struct{}
}

func countPosts(fake *fakeslack.Server) *posts {
	p := &posts{by: map[string]int{}, waiters: map[int]chan struct{}{}}
	go func() { // ends with the test binary; the fake's channel is never closed
		for post := range fake.Posts {
			p.mu.Lock()
			p.by[post.Channel]++
			for n, ch := range p.waiters {
				if len(p.by) >= n {
					close(ch)
					delete(p.waiters, n)
				}
			}
			p.mu.Unlock()
		}
	}()
	return p
}

// reached is closed once n channels have had a DM.
func (p *posts) reached(n int) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	ch := make(chan struct{})
	if len(p.by) >= n {
		close(ch)
		return ch
	}
	p.waiters[n] = ch
	return ch
}

func (p *posts) distinct() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.by)
}

func (p *posts) byChannel() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.by))
	for k, v := range p.by {
		out[k] = v
	}
	return out
}

// claimsOf is the users whose DM the process pid held a claim on when it
// died: in flight, or about to be.
func claimsOf(t *testing.T, dbURL string, pid int) map[string]bool {
	t.Helper()
	db, err := postgres.Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	claims, err := db.Claims(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]bool{}
	for _, c := range claims {
		if strings.Contains(c.Replica, fmt.Sprintf("-%d-", pid)) {
			users[c.Key[strings.LastIndex(c.Key, "/")+1:]] = true
		}
	}
	return users
}

// allFinished is closed once n jobs have an outcome and none is pending;
// it checks the database every 100ms.
func allFinished(t *testing.T, db *postgres.DB, n int) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for range tick.C {
			pending, err := db.PendingJobs(context.Background(), "slack:")
			outcomes, err2 := db.Outcomes(context.Background(), "slack:")
			if err == nil && err2 == nil && len(pending) == 0 && len(outcomes) >= n {
				close(done)
				return
			}
			if t.Context().Err() != nil {
				return
			}
		}
	}()
	return done
}

// waitFor fails t if ch is not closed within a minute: a bound on a hang.
func waitFor(t *testing.T, ch <-chan struct{}, what string, args ...any) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute):
		t.Fatalf("waited a minute for "+what, args...)
	}
}
