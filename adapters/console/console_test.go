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
		{"staff is each user's own", Config{User: "boss"}, ":staff on\n:as alice\n/cohort report", "ran /cohort report as @alice (staff false)"},
		{"a user's staff flag waits for them", Config{User: "boss"}, ":staff on\n:as alice\n:as boss\n/cohort report", "ran /cohort report as @boss (staff true)"},
		{"switching to staff says so", Config{User: "boss"}, ":staff on\n:as alice\n:as boss", "You are @boss now (staff)."},
		{"--staff is the first user's", Config{User: "boss", Staff: true}, ":as alice\n/cohort report\n:as boss\n/cohort report",
			"ran /cohort report as @alice (staff false)\n@alice> :as boss\nYou are @boss now (staff).\n@boss> /cohort report\nran /cohort report as @boss (staff true)"},
		{"help says staff is per user", Config{}, ":help", ":staff on|off     make the current user program staff, or not (each user keeps their own)"},
		{"bad :as", Config{}, ":as", ":as needs a user name"},
		{":as refuses a name no user: option could name", Config{}, ":as @@@", ":as needs a user name of letters, digits"},
		{":as refuses two words", Config{}, ":as bob smith", ":as needs a user name of letters, digits"},
		{":as refuses a crowd", Config{}, ":as @Everyone", "@Everyone would name a crowd, not a person"},
		{":as takes dots and dashes", Config{}, ":as first.last-2", "You are @first.last-2 now."},
		{"bad :staff", Config{}, ":staff maybe", ":staff needs on or off"},
		{"advance needs a fake clock", Config{}, ":advance 1h", ":advance needs a fake clock"},
		{"advance moves the fake clock", Config{Clock: bot.NewFakeClock(start), Zone: time.UTC}, ":advance 1d2h\n:now", "It is now Tue 2026-12-01 11:00 UTC."},
		{"advance refuses nonsense", Config{Clock: bot.NewFakeClock(start)}, ":advance soon", ":advance needs a positive span"},
		{"advance refuses years", Config{Clock: bot.NewFakeClock(start)}, ":advance 400d", ":advance needs a positive span"},
		{"nothing to click", Config{User: "alice"}, ":click", "@alice has no buttons to click; they come with reminder and nudge DMs."},
		{"nothing to click by number", Config{User: "alice"}, ":click 3", "@alice has no buttons to click;"},
		{"no buttons to list", Config{User: "alice"}, ":buttons", "@alice has no buttons to click;"},
		{"click needs a number", Config{User: "alice"}, ":click two", ":click takes a button's number, like :click 2;"},
		{"a bare colon", Config{}, ":", "Type a console command after the colon, like :help."},
		{"help says how to click earlier DMs", Config{}, ":help", ":click N          click the button your DMs show as [button N: …]"},
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

// TestClickReachesEveryDM: each DM's buttons are numbered as they are
// printed; :click N presses any of them, as the user they went to, and
// :click alone the first button of the latest DM that has buttons.
func TestClickReachesEveryDM(t *testing.T) {
	var out bytes.Buffer
	a := New(Config{User: "alice"}, &out)
	ctx := context.Background()
	dm := func(user, text string, values ...string) {
		t.Helper()
		var msg bot.Message
		msg.Addf("%s", text)
		for _, v := range values {
			msg.Buttons = append(msg.Buttons, bot.Button{Label: "I hosted it", ActionID: bot.ActionHosted, Value: v})
		}
		if err := a.DM(ctx, Workspace, user, msg); err != nil {
			t.Fatal(err)
		}
	}
	dm("alice", "Did Monday's happen?", "1:100")
	dm("alice", "Did Tuesday's happen?", "1:200", "1:201")
	dm("bob", "Did yours happen?", "2:300")
	dm("alice", "At risk: 0 of 2.") // no buttons: :click still reaches the last ones
	h := &echoHandler{}
	if err := a.Run(ctx, strings.NewReader(":buttons\n:click 1\n:click 3\n:click\n:click 4\n:as bob\n:click 1\n"), h); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"[DM @alice] Did Monday's happen? [button 1: I hosted it]",
		"[DM @alice] Did Tuesday's happen? [button 2: I hosted it] [button 3: I hosted it]",
		"[DM @bob] Did yours happen? [button 1: I hosted it]",
		"[DM @alice] At risk: 0 of 2.\n",
		"Buttons in @alice's DMs (:click N presses one):\n  1: I hosted it — Did Monday's happen?\n  2: I hosted it — Did Tuesday's happen?\n  3: I hosted it — Did Tuesday's happen?\n",
		"@alice has no button 4; :buttons lists the ones you can click.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output:\n%s\nwant it to contain %q", got, want)
		}
	}
	var clicks []string
	for _, r := range h.got {
		clicks = append(clicks, r.UserID+" "+r.Action.Value)
	}
	if want := []string{"alice 1:100", "alice 1:201", "alice 1:200", "bob 2:300"}; strings.Join(clicks, ",") != strings.Join(want, ",") {
		t.Errorf("clicks %v, want %v", clicks, want)
	}
}

// TestButtonsKeptAreBounded: only the latest maxKept buttons of a user are
// kept; older numbers are gone, not reused.
func TestButtonsKeptAreBounded(t *testing.T) {
	k := newButtons()
	for range maxKept + 5 {
		k.add("alice", []bot.Button{{Label: "x", ActionID: "a"}}, "dm")
	}
	if _, ok := k.find("alice", 5); ok {
		t.Error("button 5 is still kept")
	}
	if b, ok := k.find("alice", 0); !ok || b.n != maxKept+5 {
		t.Errorf("latest: got %+v %v, want button %d", b, ok, maxKept+5)
	}
	if n := len(k.list("alice")); n != maxKept {
		t.Errorf("kept %d buttons, want %d", n, maxKept)
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
