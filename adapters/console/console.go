// Package console is sparkbot's embedded default adapter: a prompt on
// standard input where a person types commands as a host or as staff, with
// the bot's DMs and channel posts printed inline. It needs no account, so a
// newcomer can try the whole bot, and with a fake clock (--now, :advance)
// watch a week pass in seconds. Read from a pipe, it runs a script.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"sparkbot/bot"
)

// Handler runs one request; *bot.Router satisfies it.
type Handler interface {
	Handle(ctx context.Context, req bot.Request) bot.Response
}

// Workspace is the console's one workspace.
var Workspace = bot.WorkspaceRef{Platform: bot.Console, ID: "local"}

// Config says how the console starts.
type Config struct {
	User  string // who types, at first; :as changes it
	Staff bool   // whether that first user is staff; :staff sets the current user's flag
	// Interactive prints a banner and prompts; otherwise input is a script
	// whose lines are echoed, so the output reads as a transcript.
	Interactive bool
	// Clock is the fake clock :advance moves; nil means the wall clock, and
	// :advance is refused.
	Clock *bot.FakeClock
	// Advance moves Clock to the given time, delivering what falls due on
	// the way (the scheduler's AdvanceTo); nil just sets the clock.
	Advance func(ctx context.Context, to time.Time)
	// Settle runs after each command, to deliver what it made due now (a
	// welcome DM) before the next prompt; nil when a scheduler runs on its own.
	Settle func(ctx context.Context)
	// Zone is the zone in which the console shows times and reads :now.
	Zone *time.Location
	// FileDir is where files the bot sends (a CSV export) are saved; the
	// console prints the path and the contents.
	FileDir string
}

// Adapter is the console adapter. It is also the console's bot.Notifier.
type Adapter struct {
	cfg   Config
	clock bot.Clock
	out   io.Writer
	mu    sync.Mutex // serialises writes to out: the scheduler prints too
	user  string
	// staff holds each user's :staff flag; a user never set is not staff.
	staff map[string]bool
	// buttons are the numbered buttons of each user's DMs, for :click.
	buttons *buttons
}

var _ bot.Notifier = (*Adapter)(nil)

// New returns a console adapter writing to out.
func New(cfg Config, out io.Writer) *Adapter {
	if cfg.User == "" {
		cfg.User = "host"
	}
	if cfg.Zone == nil {
		cfg.Zone = time.UTC
	}
	var clock bot.Clock = bot.SystemClock{}
	if cfg.Clock != nil {
		clock = cfg.Clock
	}
	user := strings.TrimPrefix(cfg.User, "@")
	return &Adapter{cfg: cfg, clock: clock, out: out, user: user, staff: map[string]bool{user: cfg.Staff},
		buttons: newButtons()}
}

// Run reads lines from in until it ends or ctx is done, sending each
// command to h and printing the reply.
func (a *Adapter) Run(ctx context.Context, in io.Reader, h Handler) error {
	if a.cfg.Interactive {
		a.printf("sparkbot console — you are @%s. Type /spaces help, /cohort help or :help; Ctrl-D quits.\n", a.user)
	}
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() { // exits when in ends; Run may return first on ctx.Done
		defer close(lines)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 64*1024)
		for sc.Scan() {
			lines <- sc.Text()
		}
		readErr <- sc.Err()
	}()
	for {
		a.prompt()
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				return <-readErr
			}
			if quit := a.runLine(ctx, line, h); quit {
				return nil
			}
		}
	}
}

func (a *Adapter) prompt() {
	if a.cfg.Interactive {
		a.printf("@%s%s> ", a.user, map[bool]string{true: " (staff)"}[a.staff[a.user]])
	}
}

// runLine handles one input line and reports whether the user asked to quit.
func (a *Adapter) runLine(ctx context.Context, line string, h Handler) bool {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return false
	}
	if !a.cfg.Interactive {
		a.printf("@%s> %s\n", a.user, line)
	}
	if strings.HasPrefix(line, ":") {
		return a.meta(ctx, line, h)
	}
	path, opts, err := bot.ParseCommandLine(line)
	if err != nil {
		a.printf("%s\n", bot.UserMessage(err))
		return false
	}
	a.handle(ctx, h, bot.Request{Path: path, Options: opts})
	return false
}

// handle sends a request as the current user and prints the reply.
func (a *Adapter) handle(ctx context.Context, h Handler, req bot.Request) {
	req.Workspace, req.UserID, req.UserName, req.Staff, req.Channel = Workspace, a.user, a.user, a.staff[a.user], "console"
	resp := h.Handle(ctx, req)
	a.printf("%s\n", a.render(resp.Message, nil))
	if a.cfg.Settle != nil {
		a.cfg.Settle(ctx)
	}
}

// DM prints a direct message to a user. Its buttons are numbered, in the
// order the user's DMs brought them, for :click N.
func (a *Adapter) DM(_ context.Context, _ bot.WorkspaceRef, userID string, msg bot.Message) error {
	plain := msg
	plain.Buttons = nil
	nums := a.buttons.add(userID, msg.Buttons, firstLine(a.render(plain, nil)))
	a.printf("[DM @%s] %s\n", userID, a.render(msg, nums))
	return nil
}

// Post prints a message posted in a channel.
func (a *Adapter) Post(_ context.Context, _ bot.WorkspaceRef, channelID string, msg bot.Message) error {
	a.printf("[#%s] %s\n", channelID, a.render(msg, nil))
	return nil
}

// render turns a message into console text: times in the span's zone,
// users as @name, buttons as [button N: label] (N from nums, when given)
// or [button: label], a file as its name and text.
func (a *Adapter) render(m bot.Message, nums []int) string {
	now := a.clock.Now()
	var b strings.Builder
	switch m.Ping.Kind {
	case bot.PingHere:
		b.WriteString("@here ")
	case bot.PingEveryone:
		b.WriteString("@everyone ")
	case bot.PingRole:
		b.WriteString("@" + m.Ping.Role + " ")
	}
	b.WriteString(m.PlainText(func(s bot.Span) string { return s.Plain(now) }))
	for i, btn := range m.Buttons {
		if i < len(nums) {
			fmt.Fprintf(&b, " [button %d: %s]", nums[i], btn.Label)
			continue
		}
		fmt.Fprintf(&b, " [button: %s]", btn.Label)
	}
	if m.File != nil {
		fmt.Fprintf(&b, "\n[file %s]\n%s", a.saveFile(m.File), strings.TrimRight(string(m.File.Data), "\n"))
	}
	return b.String()
}

// saveFile writes f into FileDir and returns where, or why it could not.
func (a *Adapter) saveFile(f *bot.File) string {
	if a.cfg.FileDir == "" {
		return f.Name + " (not saved: no file directory)"
	}
	path := filepath.Join(a.cfg.FileDir, filepath.Base(f.Name))
	if err := os.MkdirAll(a.cfg.FileDir, 0o700); err != nil {
		return f.Name + " (not saved: " + err.Error() + ")"
	}
	if err := os.WriteFile(path, f.Data, 0o600); err != nil {
		return f.Name + " (not saved: " + err.Error() + ")"
	}
	return "saved to " + path
}

func (a *Adapter) printf(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	fmt.Fprintf(a.out, format, args...)
}
