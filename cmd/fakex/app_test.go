package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sparkbot/xapi"
	"sparkbot/xapi/fakex"
)

const token = "dev-token"

// started is a fakex command running in the test.
type started struct {
	base   string
	stdout *syncBuffer
	stderr *syncBuffer
	stop   func() error
}

// syncBuffer is a bytes.Buffer for output written by the server's
// goroutines (a hung-up request's handler may log after Shutdown).
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startApp(t *testing.T, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	listening := make(chan string, 1)
	s := &started{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	a := &app{getenv: func(k string) string {
		if k == "SPARKBOT_X_BEARER_TOKEN" {
			return token
		}
		return ""
	}, stdout: s.stdout, stderr: s.stderr, listening: listening}
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...)) }()
	select {
	case addr := <-listening:
		s.base = "http://" + addr
	case err := <-done:
		cancel()
		t.Fatalf("fakex stopped at once: %v\n%s", err, s.stderr)
	case <-time.After(10 * time.Second):
		t.Fatal("fakex never listened")
	}
	stopped := false
	s.stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { _ = s.stop() })
	return s
}

func writeWorld(t *testing.T, path string, world []byte) {
	t.Helper()
	if err := os.WriteFile(path, world, 0o600); err != nil {
		t.Fatal(err)
	}
}

func post(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Post(url, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestConsoleTry is what a person does: run fakex on the example world,
// point the real client at it, end a Space by editing the file.
func TestConsoleTry(t *testing.T) {
	path := filepath.Join(t.TempDir(), "world.json")
	writeWorld(t, path, exampleWorld)
	s := startApp(t, "--world", path)
	c, err := xapi.New(xapi.Config{BaseURL: s.base, BearerToken: token})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	alice, err := c.UserByName(ctx, "@alice_x")
	if err != nil || alice.ID != "1001" || alice.Followers != 12000 {
		t.Fatalf("UserByName = %+v, %v", alice, err)
	}
	r, err := c.SpacesByCreators(ctx, []string{alice.ID})
	if err != nil || len(r.Spaces) != 2 {
		t.Fatalf("SpacesByCreators = %+v, %v; want the live and the scheduled Space", r, err)
	}
	if _, err := c.Space(ctx, "1OdJrBwXgjXGX"); !errors.Is(err, xapi.ErrNotFound) {
		t.Errorf("gone Space: %v, want ErrNotFound", err)
	}

	ended := bytes.Replace(exampleWorld, []byte(`"state": "live"`), []byte(`"state": "ended"`), 1)
	writeWorld(t, path, ended)
	if got := post(t, s.base+"/fakex/reload"); got != 200 {
		t.Fatalf("reload: %d\n%s", got, s.stderr)
	}
	sp, err := c.Space(ctx, "1eaKbrPAqbwKX")
	if err != nil || sp.State != xapi.StateEnded {
		t.Errorf("after editing the file: %+v, %v; want it ended", sp, err)
	}

	if got := post(t, s.base+"/fakex/down"); got != 200 {
		t.Fatalf("down: %d", got)
	}
	if _, err := c.Space(ctx, "1eaKbrPAqbwKX"); !errors.Is(err, xapi.ErrUnavailable) {
		t.Errorf("X down: %v, want ErrUnavailable", err)
	}
	if got := post(t, s.base+"/fakex/up"); got != 200 {
		t.Fatalf("up: %d", got)
	}

	resp, err := http.Get(s.base + "/fakex/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st map[string]struct{ Requests int }
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	// The request made while X was down never reached it.
	if st["spaces/:id"].Requests != 2 || st["spaces/by/creator_ids"].Requests != 1 {
		t.Errorf("stats = %+v", st)
	}
	if err := s.stop(); err != nil {
		t.Errorf("stopping: %v", err)
	}
	for _, want := range []string{"fake X API v2 on http://127.0.0.1:", "world: " + path} {
		if !strings.Contains(s.stdout.String(), want) {
			t.Errorf("stdout %q lacks %q", s.stdout, want)
		}
	}
	if !strings.Contains(s.stderr.String(), "path=/2/spaces/by/creator_ids status=200 user_ids=1 remaining=299") {
		t.Errorf("request log lacks the by/creator_ids line:\n%s", s.stderr)
	}
}

func TestPutWorld(t *testing.T) {
	s := startApp(t)
	body := `{"users":[{"id":"7","username":"zed"}],"spaces":[]}`
	req, err := http.NewRequest("PUT", s.base+"/fakex/world", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PUT: %d", resp.StatusCode)
	}
	c, err := xapi.New(xapi.Config{BaseURL: s.base, BearerToken: token})
	if err != nil {
		t.Fatal(err)
	}
	if u, err := c.UserByName(context.Background(), "zed"); err != nil || u.ID != "7" {
		t.Errorf("UserByName after PUT = %+v, %v", u, err)
	}
	if got := post(t, s.base+"/fakex/reload"); got != 400 {
		t.Errorf("reload without a file: %d, want 400", got)
	}
}

func TestRunRefuses(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	writeWorld(t, bad, []byte(`{"users":[{"id":"x"}]}`))
	tests := []struct {
		name  string
		args  []string
		token string
		want  string
	}{
		{"no token", nil, "", "no token"},
		{"not loopback", []string{"--addr", "0.0.0.0:0"}, token, "loopback only"},
		{"bad world", []string{"--world", bad}, token, "id must be"},
		{"missing world", []string{"--world", filepath.Join(dir, "none.json")}, token, "world file"},
		{"stray argument", []string{"world.json"}, token, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &app{getenv: func(string) string { return tt.token }, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
			err := a.run(context.Background(), append([]string{"--addr", "127.0.0.1:0"}, tt.args...))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run error = %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestExample(t *testing.T) {
	out := &bytes.Buffer{}
	a := &app{getenv: func(string) string { return "" }, stdout: out, stderr: &bytes.Buffer{}}
	if err := a.run(context.Background(), []string{"--example"}); err != nil {
		t.Fatal(err)
	}
	if _, err := fakex.ReadWorld(out); err != nil {
		t.Errorf("the example world does not read: %v", err)
	}
}

// TestWorldFileCheck: the watcher re-reads a changed file, and keeps the
// world when the new file is bad.
func TestWorldFileCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "world.json")
	writeWorld(t, path, []byte(`{"users":[{"id":"1","username":"a"}]}`))
	x := fakex.New(fakex.Config{Token: token})
	w := &worldFile{path: path, x: x}
	step := func(name string, wantChanged, wantErr bool, wantUsers int) {
		t.Helper()
		changed, err := w.check()
		if changed != wantChanged || (err != nil) != wantErr || len(x.World().Users) != wantUsers {
			t.Errorf("%s: changed %v, error %v, %d users; want %v, error %v, %d users",
				name, changed, err, len(x.World().Users), wantChanged, wantErr, wantUsers)
		}
	}
	step("first read", true, false, 1)
	step("unchanged", false, false, 1)
	later := time.Now().Add(time.Minute)
	writeWorld(t, path, []byte(`{"users":[{"id":"1","username":"a"},{"id":"2","username":"b"}]}`))
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	step("changed", true, false, 2)
	writeWorld(t, path, []byte(`{"users":[`))
	if err := os.Chtimes(path, later.Add(time.Minute), later.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	step("broken", true, true, 2)
	step("broken, unchanged since", false, false, 2)
}
