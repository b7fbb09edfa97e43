package console

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sparkbot/bot"
)

const metaHelp = `Console commands:
  :as NAME          act as another user (:as alice)
  :staff on|off     act as program staff, or not
  :now              print the clock
  :advance 90m      move the fake clock on (needs --now); units m, h, d
  :click [N]         click button N (default 1) of the last DM you got
  :help             this text
  :quit             leave (Ctrl-D works too)`

// meta runs a console-only line (":as bob") and reports whether to quit.
func (a *Adapter) meta(ctx context.Context, line string, h Handler) bool {
	word, arg, _ := strings.Cut(strings.TrimPrefix(line, ":"), " ")
	arg = strings.TrimSpace(arg)
	switch word {
	case "as":
		name := strings.TrimPrefix(arg, "@")
		if name == "" || strings.ContainsAny(name, " \t:\"") {
			a.printf(":as needs a user name, like :as alice\n")
			return false
		}
		a.user = name
		a.printf("You are @%s now.\n", a.user)
	case "staff":
		if arg != "on" && arg != "off" {
			a.printf(":staff needs on or off, like :staff on\n")
			return false
		}
		a.staff = arg == "on"
		a.printf("@%s is %s.\n", a.user, map[bool]string{true: "staff", false: "not staff"}[a.staff])
	case "now":
		a.printf("%s\n", a.clock.Now().In(a.cfg.Zone).Format("Mon 2006-01-02 15:04 MST"))
	case "advance":
		a.advance(ctx, arg)
	case "click":
		a.click(ctx, arg, h)
	case "help":
		a.printf("%s\n", metaHelp)
	case "quit", "exit", "q":
		return true
	default:
		a.printf("Unknown console command :%s. Type :help.\n", word)
	}
	return false
}

// click presses a button of the current user's last DM.
func (a *Adapter) click(ctx context.Context, arg string, h Handler) {
	a.mu.Lock()
	buttons := a.buttons[a.user]
	a.mu.Unlock()
	n := 1
	if arg != "" {
		if _, err := fmt.Sscanf(arg, "%d", &n); err != nil {
			n = 0
		}
	}
	if n < 1 || n > len(buttons) {
		a.printf("No button %s to click: :click N presses button N of the last DM to @%s.\n", arg, a.user)
		return
	}
	b := buttons[n-1]
	a.handle(ctx, h, bot.Request{Action: &bot.Action{ID: b.ActionID, Value: b.Value}})
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
