package bot

import (
	"context"
	"strings"
	"time"
)

// CommandObserver hears how each request the router handled ended, for
// metrics and logs. Nothing in a CommandEvent is text a user typed; its
// Workspace and UserID are for log lines, never for metric labels.
type CommandObserver interface {
	CommandDone(ctx context.Context, e CommandEvent)
}

// CommandEvent is one handled request.
type CommandEvent struct {
	Workspace WorkspaceRef
	UserID    string
	// Command is the command table's path ("spaces log"), ClickCommand
	// for a button click, or UnknownCommand for a path not in the table:
	// a bounded set of values.
	Command string
	// Outcome is OutcomeOK, or how the request failed.
	Outcome  string
	Duration time.Duration // on the router's clock
}

// Values of CommandEvent.Command beside the table's paths.
const (
	ClickCommand   = "click"
	UnknownCommand = "unknown"
)

// Outcomes of a request: OutcomeOK, one per ErrorKind ("invalid",
// "not_found", "forbidden", "conflict", "internal"), and OutcomePanic.
const (
	OutcomeOK    = "ok"
	OutcomePanic = "panic"
)

// SetObserver makes the router tell o about every request it handles.
// Call it before the router serves requests.
func (r *Router) SetObserver(o CommandObserver) { r.observer = o }

// observe tells the observer, if any, how req ended.
func (r *Router) observe(ctx context.Context, req Request, outcome string, start time.Time) {
	if r.observer == nil {
		return
	}
	r.observer.CommandDone(ctx, CommandEvent{Workspace: req.Workspace, UserID: req.UserID,
		Command: CommandName(req), Outcome: outcome, Duration: r.clock.Now().Sub(start)})
}

// CommandName names req's command from the table, never from its text:
// the Command of its CommandEvent.
func CommandName(req Request) string {
	if req.Action != nil {
		return ClickCommand
	}
	if cmd := Lookup(req.Path); cmd != nil {
		return cmd.Name()
	}
	return UnknownCommand
}

// outcomeOf is the Outcome of a request that returned err.
func outcomeOf(err error) string {
	if err == nil {
		return OutcomeOK
	}
	return strings.ReplaceAll(KindOf(err).String(), " ", "_")
}
