package console

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sparkbot/bot"
)

const metaHelp = `Console commands:
  :as NAME          act as another user (:as alice)
  :staff on|off     make the current user program staff, or not (each user keeps their own)
  :now              print the clock
  :advance 90m      move the fake clock on (needs --now); units m, h, d
  :click N          click the button your DMs show as [button N: …]
  :click            click the first button of your latest DM that has one
  :buttons          list the buttons you can click, with their numbers
  :help             this text
  :quit             leave (Ctrl-D works too)`

// meta runs a console-only line (":as bob") and reports whether to quit.
func (a *Adapter) meta(ctx context.Context, line string, h Handler) bool {
	word, arg, _ := strings.Cut(strings.TrimPrefix(line, ":"), " ")
	arg = strings.TrimSpace(arg)
	switch word {
	case "as":
		name := strings.TrimPrefix(arg, "@")
		switch {
		case !userName(name):
			a.printf(":as needs a user name of letters, digits, _ . or - (at most %d), like :as alice\n", maxUserName)
			return false
		case crowdNames[strings.ToLower(name)]:
			a.printf("@%s would name a crowd, not a person; pick another name, like :as alice\n", name)
			return false
		}
		a.user = name
		a.printf("You are @%s now%s.\n", a.user, map[bool]string{true: " (staff)"}[a.staff[a.user]])
	case "staff":
		if arg != "on" && arg != "off" {
			a.printf(":staff needs on or off, like :staff on\n")
			return false
		}
		a.staff[a.user] = arg == "on"
		a.printf("@%s is %s.\n", a.user, map[bool]string{true: "staff", false: "not staff"}[a.staff[a.user]])
	case "now":
		a.printf("%s\n", a.clock.Now().In(a.cfg.Zone).Format("Mon 2006-01-02 15:04 MST"))
	case "advance":
		a.advance(ctx, arg)
	case "click":
		a.click(ctx, arg, h)
	case "buttons":
		a.listButtons()
	case "help":
		a.printf("%s\n", metaHelp)
	case "quit", "exit", "q":
		return true
	case "":
		a.printf("Type a console command after the colon, like :help.\n")
	default:
		a.printf("Unknown console command :%s. Type :help.\n", word)
	}
	return false
}

// maxUserName bounds a console user's name, as bot bounds a user id.
const maxUserName = 64

// crowdNames are the names a user: option refuses, since they would
// notify a crowd: a console user by one of them could never be named.
var crowdNames = map[string]bool{"everyone": true, "here": true, "channel": true}

// userName reports whether s can be a console user's name: what a user:
// option accepts as an id, 1 to maxUserName of [A-Za-z0-9_.-], so that
// every user one can become can also be named (/cohort add user:@s).
func userName(s string) bool {
	if s == "" || len(s) > maxUserName {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// click presses a button of one of the current user's DMs: the one
// numbered arg, or with no arg the first of their latest DM with buttons.
func (a *Adapter) click(ctx context.Context, arg string, h Handler) {
	n := 0
	if arg != "" {
		v, err := strconv.Atoi(arg)
		if err != nil || v < 1 {
			a.printf(":click takes a button's number, like :click 2; :buttons lists them.\n")
			return
		}
		n = v
	}
	b, ok := a.buttons.find(a.user, n)
	switch {
	case ok:
		a.handle(ctx, h, bot.Request{Action: &bot.Action{ID: b.btn.ActionID, Value: b.btn.Value}})
	case len(a.buttons.list(a.user)) == 0:
		a.printf("@%s has no buttons to click; they come with reminder and nudge DMs.\n", a.user)
	default:
		a.printf("@%s has no button %d; :buttons lists the ones you can click.\n", a.user, n)
	}
}

// listButtons prints the current user's buttons with their numbers.
func (a *Adapter) listButtons() {
	bs := a.buttons.list(a.user)
	if len(bs) == 0 {
		a.printf("@%s has no buttons to click; they come with reminder and nudge DMs.\n", a.user)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Buttons in @%s's DMs (:click N presses one):", a.user)
	for _, btn := range bs {
		fmt.Fprintf(&b, "\n  %d: %s — %s", btn.n, btn.btn.Label, btn.from)
	}
	a.printf("%s\n", b.String())
}

// maxAdvance bounds one :advance, so a typo cannot spin the scheduler for years.
const maxAdvance = 366 * 24 * time.Hour

func (a *Adapter) advance(ctx context.Context, arg string) {
	if a.cfg.Clock == nil {
		a.printf(":advance needs a fake clock: start with --now 2026-11-30T09:00:00-05:00\n")
		return
	}
	d, err := ParseSpan(arg)
	if err != nil || d <= 0 || d > maxAdvance {
		a.printf(":advance needs a positive span up to 366d, like :advance 90m or :advance 7d\n")
		return
	}
	to := a.cfg.Clock.Now().Add(d)
	if a.cfg.Advance != nil {
		a.cfg.Advance(ctx, to)
	} else {
		a.cfg.Clock.Set(to)
	}
	now := a.cfg.Clock.Now()
	a.printf("It is now %s.\n", now.In(a.cfg.Zone).Format("Mon 2006-01-02 15:04 MST"))
}

// ParseSpan reads a Go duration that may also use days: "7d", "1d12h", "90m".
func ParseSpan(s string) (time.Duration, error) {
	days := time.Duration(0)
	if i := strings.Index(s, "d"); i >= 0 {
		n, err := time.ParseDuration(s[:i] + "h")
		if err != nil {
			return 0, err
		}
		days, s = n*24, s[i+1:]
	}
	if s == "" {
		return days, nil
	}
	rest, err := time.ParseDuration(s)
	return days + rest, err
}
