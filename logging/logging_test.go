package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"
)

func TestRedactorString(t *testing.T) {
	r := NewRedactor("s3cr3t-signing-secret", "short")
	tests := []struct{ in, want string }{
		{`Post "https://hooks.slack.com/commands/T0001/1234/AbCdEf": dial tcp: i/o timeout`,
			`Post "https://hooks.slack.com/[REDACTED]": dial tcp: i/o timeout`},
		{"https://discord.com/api/v10/webhooks/1180000000000000001/aW50ZXJhY3Rpb246MTI/messages/@original",
			"https://discord.com/[REDACTED]"},
		{"wss://wss-primary.slack.com/link/?ticket=abc&app_id=A1", "wss://wss-primary.slack.com/[REDACTED]"},
		{"http://127.0.0.1:8080/hooks/U0ALICE?x=1 failed", "http://127.0.0.1:8080/[REDACTED] failed"},
		{"see https://x.com/ or https://x.com", "see https://x.com/ or https://x.com"},
		{"token xoxb-1234-5678-AbCd and xapp-1-A1-2-ff", "token [REDACTED] and [REDACTED]"},
		{"Bot MTE4MDAwMDAwMDAwMDAwMDAwMQ.GxYzAb.abcdefghijklmnopqrstuvwxyz0123", "Bot [REDACTED]"},
		{"secret=s3cr3t-signing-secret!", "secret=[REDACTED]!"},
		{"short stays: too short to be a secret", "short stays: too short to be a secret"},
		{"nothing to hide", "nothing to hide"},
	}
	for _, tt := range tests {
		if got := r.String(tt.in); got != tt.want {
			t.Errorf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// TestHandlerRedactsEveryValue: messages, strings, errors, Stringers,
// groups, With attributes and arbitrary values are all redacted.
func TestHandlerRedactsEveryValue(t *testing.T) {
	var buf bytes.Buffer
	log, err := New(&buf, Options{Format: JSON, Level: slog.LevelDebug, Secrets: []string{"the-bot-token-123"}})
	if err != nil {
		t.Fatal(err)
	}
	hook := "https://hooks.slack.com/actions/T1/2/SECRETHOOK"
	log.With("url", hook).WithGroup("g").Info("posting to "+hook+" failed",
		"err", fmt.Errorf("wrapped: %w", errors.New("Post \""+hook+"\": EOF")),
		"stringer", stringer(hook),
		"data", map[string]string{"response_url": hook},
		"nested", slog.GroupValue(slog.String("token", "the-bot-token-123")),
		"n", 3, "d", time.Second)
	out := buf.String()
	for _, leak := range []string{"SECRETHOOK", "the-bot-token-123"} {
		if strings.Contains(out, leak) {
			t.Errorf("log line leaks %q:\n%s", leak, out)
		}
	}
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("not one JSON line: %v\n%s", err, out)
	}
	if g, _ := line["g"].(map[string]any); g["n"] != 3.0 || g["d"] != float64(time.Second) {
		t.Errorf("plain values changed: %s", out)
	}
}

type stringer string

func (s stringer) String() string { return "stringer " + string(s) }

// TestSlackGoWebhookErrorIsRedacted: the error slack-go returns for an
// unreachable response_url names the URL; logged, it does not.
func TestSlackGoWebhookErrorIsRedacted(t *testing.T) {
	hook := "http://127.0.0.1:1/commands/T0FAKE/1234/zzSecretPart"
	err := slackgo.PostWebhookCustomHTTPContext(context.Background(), hook, &http.Client{Timeout: time.Second}, &slackgo.WebhookMessage{Text: "x"})
	if err == nil || !strings.Contains(err.Error(), "zzSecretPart") {
		t.Fatalf("slack-go's error no longer names the URL (%v); this test no longer tests anything", err)
	}
	var buf bytes.Buffer
	log, _ := New(&buf, Options{Format: Text})
	log.Error("posting a reply to response_url failed", "err", err)
	if strings.Contains(buf.String(), "zzSecretPart") {
		t.Errorf("the response_url reached the log:\n%s", buf.String())
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		format string
		json   bool
	}{{"", true}, {JSON, true}, {Text, false}} {
		var buf bytes.Buffer
		log, err := New(&buf, Options{Format: tc.format}) // a buffer is no terminal: JSON by default
		if err != nil {
			t.Fatal(err)
		}
		log.Info("hello", "k", "v")
		if got := json.Valid(buf.Bytes()); got != tc.json {
			t.Errorf("format %q: JSON %v, want %v: %s", tc.format, got, tc.json, buf.String())
		}
	}
	if _, err := New(&bytes.Buffer{}, Options{Format: "xml"}); err == nil {
		t.Error("format xml: no error")
	}
}
