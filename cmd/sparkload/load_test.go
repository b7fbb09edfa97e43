package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"sparkbot/adapters/slack"
)

// TestCommandIsWhatSlackSends: the request verifies against the signing
// secret and parses as a slash command from a seeded host.
func TestCommandIsWhatSlackSends(t *testing.T) {
	r := &rig{}
	hosts := hostRange{start: 10, n: 5}
	now := time.Now()
	for i, want := range []string{"U00000010", "U00000011"} {
		c := r.commands("log", hosts)(i)
		req, err := c.request("http://127.0.0.1/slack/commands", now)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(req.Body)
		if err := slack.Verify(signingSecret, req.Header, body, now); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		req.Body = io.NopCloser(strings.NewReader(string(body)))
		cmd, err := slackgo.SlashCommandParse(req)
		if err != nil {
			t.Fatal(err)
		}
		if cmd.UserID != want || cmd.TeamID != teamID || cmd.Command != "/spaces" || !strings.HasPrefix(cmd.Text, "log url:https://x.com/i/spaces/1LOAD") {
			t.Errorf("request %d: %+v", i, cmd)
		}
	}
}

func TestHostRangesDoNotOverlap(t *testing.T) {
	tests := []struct {
		name string
		cfg  config
		want hostRanges
	}{
		{"both", config{rate: 100, duration: 10 * time.Second, warmup: 2 * time.Second, paths: []string{"status", "log"}},
			hostRanges{warmup: hostRange{0, 200}, status: hostRange{200, 1000}, log: hostRange{1200, 1000}}},
		{"a log phase longer than the overlap gap reuses hosts", config{rate: 2, duration: time.Hour, paths: []string{"log"}},
			hostRanges{warmup: hostRange{0, 1}, log: hostRange{1, 2 * 31 * 60}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := planHosts(tt.cfg); got != tt.want {
				t.Errorf("planHosts = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	var out []outcome
	for i := 1; i <= 100; i++ {
		out = append(out, outcome{latency: time.Duration(i) * time.Millisecond})
	}
	out[0].deferred = true
	out[1].err = "HTTP 500"
	s := summarize(out, 2*time.Second)
	if s.p50 != 50*time.Millisecond || s.p99 != 99*time.Millisecond || s.max != 100*time.Millisecond {
		t.Errorf("p50 %s p99 %s max %s, want 50ms 99ms 100ms", s.p50, s.p99, s.max)
	}
	if s.failed != 1 || s.deferred != 1 || s.sample != "HTTP 500" || s.achieved() != 49 {
		t.Errorf("failed %d deferred %d sample %q achieved %.1f; want 1, 1, HTTP 500, 49/s", s.failed, s.deferred, s.sample, s.achieved())
	}
}

// TestLoadSendsEveryRequest: the generator sends each request once and
// tells the answers apart.
func TestLoadSendsEveryRequest(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) % 3 {
		case 0:
			io.WriteString(w, `{"text":"Logged"}`)
		case 1:
			w.WriteHeader(http.StatusOK) // an ack without the reply
		case 2:
			http.Error(w, "no", http.StatusConflict)
		}
	}))
	defer srv.Close()
	r := &rig{}
	s := load(context.Background(), srv.Client(), srv.URL, 3000, time.Second/100, r.commands("log", hostRange{0, 1}))
	if s.sent != 30 || n.Load() != 30 {
		t.Fatalf("sent %d, server saw %d; want 30", s.sent, n.Load())
	}
	if s.failed != 10 || s.deferred != 10 {
		t.Errorf("failed %d, deferred %d; want 10 each", s.failed, s.deferred)
	}
}
