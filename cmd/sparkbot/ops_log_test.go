package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestLogLinesCarryWorkspaceKindAndOutcome: with SPARKBOT_LOG_FORMAT=json
// (the default off a terminal) every line is JSON, and every command and
// delivery line says which workspace, which command or job kind, and how
// it ended.
func TestLogLinesCarryWorkspaceKindAndOutcome(t *testing.T) {
	script, err := os.ReadFile("testdata/scheduler.script")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"json", ""} {
		_, stderr, code := runScript(t, map[string]string{"SPARKBOT_LOG_FORMAT": format}, string(script),
			"--now", "2026-11-30T09:00:00-05:00", "--user", "boss", "--log-level", "debug")
		if code != 0 {
			t.Fatalf("format %q: exit %d\n%s", format, code, stderr)
		}
		seen := map[string]int{}
		for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("format %q: not a JSON line: %q", format, line)
			}
			msg, _ := rec["msg"].(string)
			want := map[string][]string{"command": {"workspace", "command", "outcome"}, "delivery": {"workspace", "kind", "outcome"}}[msg]
			for _, key := range want {
				if v, _ := rec[key].(string); v == "" {
					t.Errorf("a %s line without %s: %s", msg, key, line)
				}
			}
			seen[msg]++
		}
		if seen["command"] == 0 || seen["delivery"] == 0 {
			t.Errorf("format %q: %d command and %d delivery lines, want some of each", format, seen["command"], seen["delivery"])
		}
	}
	_, stderr, _ := runScript(t, map[string]string{"SPARKBOT_LOG_FORMAT": "text"}, "/spaces help\n", "--log-level", "debug")
	if !strings.HasPrefix(stderr, "time=") || !strings.Contains(stderr, "msg=command") {
		t.Errorf("text format: %q", stderr)
	}
	_, stderr, code := runScript(t, map[string]string{"SPARKBOT_LOG_FORMAT": "xml"}, "")
	if code == 0 || !strings.Contains(stderr, "the log format must be json or text") {
		t.Errorf("format xml: code %d, %q", code, stderr)
	}
}
