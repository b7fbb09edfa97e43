package console

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

// echoHandler answers every command with its path and the user's name,
// and every button click with the button's value.
type echoHandler struct{ got []bot.Request }

func (h *echoHandler) Handle(_ context.Context, req bot.Request) bot.Response {
	h.got = append(h.got, req)
	if req.Action != nil {
		return bot.Reply("clicked %s", req.Action.Value)
	}
	return bot.Reply("ran /%s as @%s (staff %v)", strings.Join(req.Path, " "), req.UserID, req.Staff)
}

func run(t *testing.T, cfg Config, script string) (string, *echoHandler, *Adapter) {
	t.Helper()
	var out bytes.Buffer
	a := New(cfg, &out)
	h := &echoHandler{}
	if err := a.Run(context.Background(), strings.NewReader(script), h); err != nil {
		t.Fatal(err)
	}
	return out.String(), h, a
}

func TestMetaLines(t *testing.T) {
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		cfg    Config
		script string
		want   string
	}{
		{"switch user", Config{User: "alice"}, ":as bob\n/spaces status", "ran /spaces status as @bob (staff false)"},
		{"become staff", Config{User: "boss"}, ":staff on\n/cohort report", "ran /cohort report as @boss (staff true)"},
		{"bad :as", Config{}, ":as", ":as needs a user name"},
		{"bad :staff", Config{}, ":staff maybe", ":staff needs on or off"},
		{"advance needs a fake clock", Config{}, ":advance 1h", ":advance needs a fake clock"},
		{"advance moves the fake clock", Config{Clock: bot.NewFakeClock(start), Zone: time.UTC}, ":advance 1d2h\n:now", "It is now Tue 2026-12-01 11:00 UTC."},
		{"advance refuses nonsense", Config{Clock: bot.NewFakeClock(start)}, ":advance soon", ":advance needs a positive span"},
		{"advance refuses years", Config{Clock: bot.NewFakeClock(start)}, ":advance 400d", ":advance needs a positive span"},
		{"nothing to click", Config{User: "alice"}, ":click", "No button"},
		{"unknown meta", Config{}, ":dance", "Unknown console command :dance"},
		{"parse errors are shown", Config{}, `/spaces log title:"open`, "quote"},
		{"comments and blank lines are skipped", Config{}, "# hi\n\n/spaces help", "ran /spaces help"},
		{"script lines are echoed", Config{User: "alice"}, "/spaces status", "@alice> /spaces status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, _ := run(t, tt.cfg, tt.script)
			if !strings.Contains(out, tt.want) {
				t.Errorf("output:\n%s\nwant it to contain %q", out, tt.want)
			}
		})
	}
}

// TestClickPressesTheLastDMButton: a DM's buttons can be clicked, as the
// user it went to, with the button's action.
func TestClickPressesTheLastDMButton(t *testing.T) {
	var out bytes.Buffer
	a := New(Config{User: "alice"}, &out)
	msg := bot.Message{Buttons: []bot.Button{{Label: "I hosted it", ActionID: bot.ActionHosted, Value: "1:100"}}}
	msg.Addf("Did it happen?")
	if err := a.DM(context.Background(), Workspace, "alice", msg); err != nil {
		t.Fatal(err)
	}
	h := &echoHandler{}
	if err := a.Run(context.Background(), strings.NewReader(":click 2\n:click\n"), h); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "[DM @alice] Did it happen? [button: I hosted it]") ||
		!strings.Contains(got, "No button 2") || !strings.Contains(got, "clicked 1:100") {
		t.Errorf("output:\n%s", got)
	}
	if len(h.got) != 1 || h.got[0].UserID != "alice" || h.got[0].Action.ID != bot.ActionHosted {
		t.Errorf("requests %+v, want one hosted click as alice", h.got)
	}
}

// TestFilesAreSaved: a file the bot sends (a CSV export) is written to the
// file directory, and its path and contents are printed.
func TestFilesAreSaved(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	a := New(Config{FileDir: dir}, &out)
	msg := bot.Message{File: &bot.File{Name: "../stipend-2026-12.csv", Data: []byte("month,user_id\n2026-12,alice\n")}}
	if err := a.Post(context.Background(), Workspace, "staff", msg); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "stipend-2026-12.csv")
	data, err := os.ReadFile(path)
	if err != nil || string(data) != "month,user_id\n2026-12,alice\n" {
		t.Fatalf("saved file: %q, %v", data, err)
	}
	if got := out.String(); !strings.Contains(got, "[file saved to "+path+"]\nmonth,user_id\n2026-12,alice") {
		t.Errorf("output:\n%s", got)
	}
}

func TestParseSpan(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"90m", 90 * time.Minute},
		{"7d", 7 * 24 * time.Hour},
		{"1d12h", 36 * time.Hour},
		{"2h30m", 150 * time.Minute},
	}
	for _, tt := range tests {
		if got, err := ParseSpan(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseSpan(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if _, err := ParseSpan("soon"); err == nil {
		t.Error("ParseSpan(soon) succeeded")
	}
}
