package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
)

// Router turns Requests into Responses: it finds the command in the table,
// checks who may run it, parses its options and runs its handler. Every
// adapter sends every command and button click through Handle.
type Router struct {
	store   Store
	clock   Clock
	log     *slog.Logger
	planner Planner
	// dashboard, if set, makes sign-in links and feeds (dashboard.go).
	dashboard *Dashboard
	// observer hears how each request ended (observer.go); nil: nobody.
	observer CommandObserver
	// x, if set, is X: links are resolved and pasted links checked (xcheck.go).
	x XSource
}

// NewRouter returns a Router over store, reading the time from clock.
func NewRouter(store Store, clock Clock, logger *slog.Logger) *Router {
	if logger == nil {
		logger = slog.Default()
	}
	return &Router{store: store, clock: clock, log: logger, planner: noPlanner{}}
}

// Call is a Request matched to its command, with options parsed by type.
type Call struct {
	Request
	Cmd  *Command
	opts map[string]any
}

// staff reports whether the caller is program staff, asking the platform
// (Request.Profile) if the adapter could not tell.
func (c *Call) staff(ctx context.Context) bool {
	if !c.Staff {
		c.ResolveProfile(ctx)
	}
	return c.Staff
}

// Has reports whether option name was given.
func (c *Call) Has(name string) bool { _, ok := c.opts[name]; return ok }

// optionValue returns option name as a T, or T's zero value when absent.
func optionValue[T any](c *Call, name string) T {
	v, _ := c.opts[name].(T)
	return v
}

// Handle runs one request and always returns a response a user may see.
func (r *Router) Handle(ctx context.Context, req Request) (resp Response) {
	start, outcome := r.clock.Now(), OutcomePanic
	defer func() { r.observe(ctx, req, outcome, start) }()
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("handler panicked", "workspace", req.Workspace.Key(), "command", CommandName(req),
				"outcome", OutcomePanic, "panic", p, "stack", string(debug.Stack()))
			resp = Reply("%s", UserText(UserMessage(errors.New("panic"))))
			resp.Failed = true
		}
	}()
	resp, err := r.handle(ctx, req)
	outcome = outcomeOf(err)
	if err == nil {
		return resp
	}
	switch KindOf(err) {
	case KindInternal:
		r.log.Error("command failed", "workspace", req.Workspace.Key(), "user", req.UserID,
			"path", strings.Join(req.Path, " "), "command", CommandName(req), "outcome", outcome, "err", err)
	case KindForbidden:
		r.log.Warn("command refused", "workspace", req.Workspace.Key(), "user", req.UserID,
			"path", strings.Join(req.Path, " "), "command", CommandName(req), "outcome", outcome, "reason", UserMessage(err))
	}
	// Error messages may quote what the user typed: never let that ping.
	resp = Reply("%s", UserText(UserMessage(err)))
	resp.Failed = true
	return resp
}

func (r *Router) handle(ctx context.Context, req Request) (Response, error) {
	if req.Action != nil {
		req.ResolveProfile(ctx)
		return r.handleAction(ctx, req)
	}
	cmd := Lookup(req.Path)
	if cmd == nil {
		return Response{}, unknownCommand(req.Path)
	}
	if !cmd.LazyProfile || cmd.Access == StaffOnly {
		req.ResolveProfile(ctx)
	}
	if cmd.Access == StaffOnly && !req.Staff {
		return Response{}, Forbiddenf("/%s is for program staff only.", cmd.Name())
	}
	opts, err := parseOptions(cmd, req.Options)
	if err != nil {
		return Response{}, err
	}
	return cmd.run(r, ctx, &Call{Request: req, Cmd: cmd, opts: opts})
}

// parseOptions checks raw options against cmd's table entry and parses them.
func parseOptions(cmd *Command, raw map[string]string) (map[string]any, error) {
	out := make(map[string]any, len(raw))
	for _, name := range sortedKeys(raw) {
		o := cmd.Option(name)
		if o == nil {
			return nil, Invalidf("/%s has no option %q. %s", cmd.Name(), name, optionList(cmd))
		}
		v, err := parseOption(o, raw[name])
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	for _, o := range cmd.Options {
		if _, ok := out[o.Name]; o.Required && !ok {
			return nil, Invalidf("%s is required — like %s", o.Name, cmd.Example)
		}
	}
	return out, nil
}

func optionList(cmd *Command) string {
	if len(cmd.Options) == 0 {
		return "It takes no options."
	}
	names := make([]string, len(cmd.Options))
	for i, o := range cmd.Options {
		names[i] = o.Name
	}
	return "Its options are: " + strings.Join(names, ", ") + "."
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func unknownCommand(path []string) error {
	if len(path) == 0 {
		return Invalidf("Type a command, like /spaces help.")
	}
	if isGroup(path[:1]) {
		return Invalidf("/%s is not a command. See /%s help.", strings.Join(path, " "), path[0])
	}
	return Invalidf("/%s is not a command. Try /spaces help or /cohort help.", strings.Join(path, " "))
}

// ParseCommandLine reads console/Slack syntax into a command path and raw
// options: the leading bare words name the longest matching command, one
// further bare word fills the command's positional option.
func ParseCommandLine(line string) (path []string, opts map[string]string, err error) {
	tokens, err := Tokenize(line)
	if err != nil {
		return nil, nil, err
	}
	var words []string
	opts = map[string]string{}
	for _, t := range tokens {
		if t.Key == "" {
			words = append(words, t.Value)
			continue
		}
		opts[t.Key] = t.Value
	}
	for n := len(words); n > 0; n-- {
		cmd := Lookup(words[:n])
		if cmd == nil {
			continue
		}
		rest := words[n:]
		if len(rest) == 0 {
			return words[:n], opts, nil
		}
		pos := positional(cmd)
		if len(rest) > 1 || pos == nil {
			return nil, nil, Invalidf("/%s doesn't take %q there; options are written name:value. %s",
				cmd.Name(), strings.Join(rest, " "), optionList(cmd))
		}
		if _, dup := opts[pos.Name]; dup {
			return nil, nil, Invalidf("%s is given twice.", pos.Name)
		}
		opts[pos.Name] = rest[0]
		return words[:n], opts, nil
	}
	if def := groupDefault(words); def != nil && len(opts) > 0 {
		return def.Path, opts, nil
	}
	if len(words) == 1 && len(opts) == 0 && isGroup(words) {
		// "/spaces" alone: show the group's help.
		return []string{words[0], "help"}, map[string]string{}, nil
	}
	if len(words) > 0 && isGroup(words) {
		// "/spaces schedule" or "/cohort days:tue": the options would be
		// lost on the group's help, so say which commands there are.
		return nil, nil, needsSubcommand(words)
	}
	return words, opts, nil
}

// needsSubcommand is the error for a group given without its subcommand:
// "/spaces schedule needs one of: add, list, … — like /spaces schedule add …".
func needsSubcommand(group []string) error {
	var subs []string
	var example string
	for _, c := range commands {
		if len(c.Path) <= len(group) || !slices.Equal(c.Path[:len(group)], group) {
			continue
		}
		if sub := c.Path[len(group)]; !slices.Contains(subs, sub) && sub != "help" {
			subs = append(subs, sub)
			if example == "" {
				example = c.Example
			}
		}
	}
	return Invalidf("/%s needs one of: %s — like %s. See /%s help.",
		strings.Join(group, " "), strings.Join(subs, ", "), example, group[0])
}

// groupDefault returns the GroupDefault command directly under path, or nil.
func groupDefault(path []string) *Command {
	for _, c := range commands {
		if c.GroupDefault && len(c.Path) == len(path)+1 && slices.Equal(c.Path[:len(path)], path) {
			return c
		}
	}
	return nil
}

func positional(cmd *Command) *Option {
	for i := range cmd.Options {
		if cmd.Options[i].Positional {
			return &cmd.Options[i]
		}
	}
	return nil
}

// more renders "1 more Space" / "2 more Spaces".
func more(n int) string {
	s := plural(n, "Space")
	num, word, _ := strings.Cut(s, " ")
	return num + " more " + word
}

// plural renders "1 Space" / "2 Spaces".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
