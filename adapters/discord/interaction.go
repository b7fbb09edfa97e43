package discord

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"sparkbot/bot"
)

// Limits on what an interaction may carry, beyond Discord's own checks.
const (
	maxOptions     = 25   // options at one level, Discord's limit
	maxOptionRunes = 6000 // a string option, Discord's hard maximum
	maxNameRunes   = 100  // a user's display name as passed to the router
	maxTokenLen    = 1000 // an interaction token
)

// User-facing lines for interactions the adapter cannot pass on.
const (
	msgUnreadable   = "Discord sent something sparkbot could not read; try the command again."
	msgNoGuild      = "Use sparkbot's commands in your cohort's server, not in a DM."
	msgUnknown      = "sparkbot doesn't handle that kind of interaction."
	msgBroken       = "Something went wrong; staff have been told."
	msgPosted       = "Done — posted in the channel."
	msgNotPosted    = "Discord would not take the reply for the channel; try again in a minute."
	msgPartlyPosted = "Discord took only the first part of the reply for the channel; try again in a minute."
)

// errUnreadable marks an interaction that does not have the shape Discord
// documents; its message is for the log.
var errUnreadable = errors.New("unreadable interaction")

func unreadable(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUnreadable, fmt.Sprintf(format, args...))
}

// responder sends an interaction's first response: the gateway posts it to
// the callback endpoint, the HTTP endpoint writes it as the reply body.
type responder struct {
	send func(ctx context.Context, payload any, files []*discordgo.File) error
	// files says whether send can carry attachments.
	files bool
}

// onInteraction is discordgo's handler for INTERACTION_CREATE. discordgo
// calls it on a goroutine of its own; the work moves to an adapter-owned
// goroutine that outlives the term of Run, so Drain can wait for it when
// the process stops.
func (a *Adapter) onInteraction(_ *discordgo.Session, ev *discordgo.InteractionCreate) {
	defer a.recoverPanic("gateway interaction", func() {})
	if ev == nil || ev.Interaction == nil {
		return
	}
	in := ev.Interaction
	started := a.spawn(func(ctx context.Context) {
		a.interact(ctx, in, responder{files: true, send: func(ctx context.Context, p any, files []*discordgo.File) error {
			return a.hooks.callback(ctx, in.ID, in.Token, p, files)
		}})
	})
	if !started {
		a.log.Info("stopping: dropped an interaction", "interaction", in.ID)
	}
}

// interact answers one interaction. It calls r.send exactly once, unless
// the interaction cannot be answered at all (no id or token).
func (a *Adapter) interact(ctx context.Context, in *discordgo.Interaction, r responder) {
	if !isSnowflake(in.ID) || !validToken(in.Token) {
		a.log.Warn("dropping an interaction without a valid id or token", "type", in.Type)
		return
	}
	sent := false
	deliver := r.send
	send := func(p any, files []*discordgo.File) {
		sent = true
		if err := deliver(ctx, p, files); err != nil {
			a.log.Error("answering an interaction", "interaction", in.ID, "err", err)
		}
	}
	defer a.recoverPanic("interaction "+in.ID, func() {
		if !sent {
			send(textReply(msgBroken), nil)
		}
	})
	r.send = func(_ context.Context, p any, files []*discordgo.File) error { send(p, files); return nil }
	switch in.Type {
	case discordgo.InteractionPing:
		send(callbackPayload{Type: discordgo.InteractionResponsePong}, nil)
	case discordgo.InteractionApplicationCommand:
		a.command(ctx, in, r)
	case discordgo.InteractionMessageComponent:
		a.component(ctx, in, r)
	case discordgo.InteractionApplicationCommandAutocomplete:
		a.autocomplete(ctx, in, r)
	default:
		send(textReply(msgUnknown), nil)
	}
}

// recoverPanic logs a panic with its stack and runs after; use it deferred.
func (a *Adapter) recoverPanic(where string, after func()) {
	if p := recover(); p != nil {
		a.log.Error("panic in "+where, "panic", p, "stack", string(debug.Stack()))
		after()
	}
}

func (a *Adapter) command(ctx context.Context, in *discordgo.Interaction, r responder) {
	req, _, err := a.commandRequest(in)
	if err != nil {
		a.refuse(ctx, in, err, r)
		return
	}
	cmd := bot.Lookup(req.Path)
	a.run(ctx, in, req, cmd != nil && cmd.Slow, r)
}

func (a *Adapter) component(ctx context.Context, in *discordgo.Interaction, r responder) {
	req, err := a.componentRequest(in)
	if err != nil {
		a.refuse(ctx, in, err, r)
		return
	}
	a.run(ctx, in, req, false, r)
}

// refuse answers an interaction the adapter could not turn into a request.
func (a *Adapter) refuse(ctx context.Context, in *discordgo.Interaction, err error, r responder) {
	msg := msgUnreadable
	if errors.Is(err, errNoGuild) {
		msg = msgNoGuild
	} else {
		a.log.Warn("refusing an interaction", "interaction", in.ID, "err", err)
	}
	r.send(ctx, textReply(msg), nil)
}

// run sends req to the router and answers with its response. A Slow
// command is deferred at once; any other is deferred if the router has not
// answered within deferAfter, so Discord's 3-second deadline always holds.
// A deferred reply is ephemeral; the follow-up replaces it.
func (a *Adapter) run(ctx context.Context, in *discordgo.Interaction, req bot.Request, slow bool, r responder) {
	done := make(chan bot.Response, 1)
	go func() { done <- a.handle(ctx, req) }() // ends when the router returns
	if !slow {
		t := time.NewTimer(a.deferAfter)
		select {
		case resp := <-done:
			t.Stop()
			a.answer(ctx, in, req.Workspace, resp, r)
			return
		case <-t.C:
		}
	}
	r.send(ctx, deferred(true), nil)
	select {
	case resp := <-done:
		a.followUp(ctx, in, req.Workspace, resp)
	case <-ctx.Done(): // stopping, or the token expired: nothing can be sent
		a.log.Error("gave up waiting for the router", "interaction", in.ID, "err", ctx.Err())
	}
}

// handle runs the router, turning a panic into the generic reply.
func (a *Adapter) handle(ctx context.Context, req bot.Request) (resp bot.Response) {
	defer a.recoverPanic("router", func() {
		resp = bot.Reply("%s", msgBroken)
		resp.Failed = true
	})
	return a.h.Handle(ctx, req)
}

// private reports whether resp is for the requester's eyes only: an
// ephemeral reply, or one saying the request failed, which never goes to
// the channel.
func private(resp bot.Response) bool { return resp.Ephemeral || resp.Failed }

// answer sends resp as the interaction's first response. A reply too long
// for one Discord message goes on in follow-ups, as private as the first.
func (a *Adapter) answer(ctx context.Context, in *discordgo.Interaction, ws bot.WorkspaceRef, resp bot.Response, r responder) {
	parts := a.renderReply(ctx, ws, resp.Message)
	f := flags(private(resp))
	if first := parts[0]; first.file != nil && !r.files {
		r.send(ctx, deferred(private(resp)), nil)
		a.edit(ctx, in, first)
		a.followUps(ctx, in, parts[1:], f)
		return
	}
	r.send(ctx, callbackPayload{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: parts[0].payload(f),
	}, parts[0].files())
	a.followUps(ctx, in, parts[1:], f)
}

// deferred is the response that shows "sparkbot is thinking…" until the
// reply is edited in.
func deferred(ephemeral bool) callbackPayload {
	return callbackPayload{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: deferredData{Flags: flags(ephemeral), AllowedMentions: noMentions(nil, nil)},
	}
}

// followUp replaces a deferred (ephemeral) reply with resp. A response for
// the channel goes in follow-ups of its own, since the deferred reply
// cannot stop being ephemeral; the requester is told it was posted only
// once Discord has taken it.
func (a *Adapter) followUp(ctx context.Context, in *discordgo.Interaction, ws bot.WorkspaceRef, resp bot.Response) {
	parts := a.renderReply(ctx, ws, resp.Message)
	if private(resp) {
		a.edit(ctx, in, parts[0])
		a.followUps(ctx, in, parts[1:], discordgo.MessageFlagsEphemeral)
		return
	}
	status := msgPosted
	switch sent := a.followUps(ctx, in, parts, 0); {
	case sent == 0:
		status = msgNotPosted
	case sent < len(parts):
		status = msgPartlyPosted
	}
	a.edit(ctx, in, a.renderReply(ctx, ws, textMessage(status))[0])
}

// followUps sends parts as follow-up messages of the interaction, in
// order, and returns how many Discord took; it stops at the first it
// would not.
func (a *Adapter) followUps(ctx context.Context, in *discordgo.Interaction, parts []message, f discordgo.MessageFlags) int {
	if len(parts) == 0 {
		return 0
	}
	if !isSnowflake(in.AppID) {
		a.log.Error("cannot send an interaction follow-up: it has no application id", "interaction", in.ID)
		return 0
	}
	for i, m := range parts {
		if err := a.hooks.followup(ctx, in.AppID, in.Token, m.payload(f), m.files()); err != nil {
			a.log.Error("posting an interaction follow-up", "interaction", in.ID, "part", i+1, "of", len(parts), "err", err)
			return i
		}
	}
	return len(parts)
}

// edit replaces the interaction's original (deferred) response with m.
func (a *Adapter) edit(ctx context.Context, in *discordgo.Interaction, m message) {
	if !isSnowflake(in.AppID) {
		a.log.Error("cannot answer a deferred interaction: it has no application id", "interaction", in.ID)
		return
	}
	if err := a.hooks.editOriginal(ctx, in.AppID, in.Token, m.payload(0), m.files()); err != nil {
		a.log.Error("editing a deferred reply", "interaction", in.ID, "err", err)
	}
}

// renderReply renders a reply; if that fails (a button too long, say) it
// logs and renders the generic line instead. It returns at least one
// message.
func (a *Adapter) renderReply(ctx context.Context, ws bot.WorkspaceRef, msg bot.Message) []message {
	parts, err := a.render(ctx, ws, msg)
	if err != nil {
		a.log.Error("rendering a reply", "workspace", ws.Key(), "err", err)
		parts, _ = a.render(ctx, ws, textMessage(msgBroken))
	}
	return parts
}

func (a *Adapter) autocomplete(ctx context.Context, in *discordgo.Interaction, r responder) {
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	req, f, err := a.commandRequest(in)
	if err == nil && f != nil {
		if got := a.choices(ctx, req, f); got != nil {
			choices = got
		}
	} else if err != nil && !errors.Is(err, errNoGuild) {
		a.log.Warn("refusing an autocomplete", "interaction", in.ID, "err", err)
	}
	r.send(ctx, callbackPayload{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: choicesData{Choices: choices},
	}, nil)
}

// choices asks the router for suggestions and shapes them for Discord:
// integer options need integer values, names and values at most 100.
func (a *Adapter) choices(ctx context.Context, req bot.Request, f *focus) (out []*discordgo.ApplicationCommandOptionChoice) {
	out = []*discordgo.ApplicationCommandOptionChoice{}
	defer a.recoverPanic("suggest", func() { out = nil })
	cmd := bot.Lookup(req.Path)
	if cmd == nil || cmd.Option(f.option) == nil {
		return out
	}
	integer := cmd.Option(f.option).Type == bot.OptInt
	for _, s := range a.h.Suggest(ctx, req, f.option, f.typed) {
		c := &discordgo.ApplicationCommandOptionChoice{Name: clip(s.Label, 100), Value: clip(s.Value, 100)}
		if integer {
			n, err := strconv.ParseInt(s.Value, 10, 64)
			if err != nil {
				continue
			}
			c.Value = n
		}
		if c.Name == "" {
			c.Name = clip(s.Value, 100)
		}
		out = append(out, c)
		if len(out) == maxOptions {
			break
		}
	}
	return out
}

// focus is the option being typed in an autocomplete interaction.
type focus struct{ option, typed string }

var errNoGuild = errors.New("interaction outside a server")

// commandRequest turns a slash command (or its autocomplete) into a
// request: the path from the subcommand group and subcommand, options as
// the raw text the router parses.
func (a *Adapter) commandRequest(in *discordgo.Interaction) (bot.Request, *focus, error) {
	data, ok := in.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		return bot.Request{}, nil, unreadable("no command data")
	}
	if in.GuildID == "" {
		return bot.Request{}, nil, errNoGuild
	}
	req, err := a.baseRequest(in, in.GuildID)
	if err != nil {
		return bot.Request{}, nil, err
	}
	path, opts, f, err := flatten(data)
	if err != nil {
		return bot.Request{}, nil, err
	}
	req.Path, req.Options = path, opts
	return req, f, nil
}

// componentRequest turns a button click into a request carrying the
// button's action.
func (a *Adapter) componentRequest(in *discordgo.Interaction) (bot.Request, error) {
	data, ok := in.Data.(discordgo.MessageComponentInteractionData)
	if !ok {
		return bot.Request{}, unreadable("no component data")
	}
	guild, action, value, err := decodeCustomID(data.CustomID)
	if err != nil {
		return bot.Request{}, err
	}
	if in.GuildID != "" && in.GuildID != guild {
		return bot.Request{}, unreadable("button of guild %s clicked in guild %s", guild, in.GuildID)
	}
	req, err := a.baseRequest(in, guild)
	if err != nil {
		return bot.Request{}, err
	}
	req.Action = &bot.Action{ID: action, Value: value}
	return req, nil
}

// baseRequest reads who acted, and where.
func (a *Adapter) baseRequest(in *discordgo.Interaction, guildID string) (bot.Request, error) {
	if !isSnowflake(guildID) {
		return bot.Request{}, unreadable("guild id %q", clip(guildID, 40))
	}
	u := in.User
	if in.Member != nil {
		u = in.Member.User
	}
	if u == nil || !isSnowflake(u.ID) {
		return bot.Request{}, unreadable("no user")
	}
	if in.ChannelID != "" && !isSnowflake(in.ChannelID) {
		return bot.Request{}, unreadable("channel id %q", clip(in.ChannelID, 40))
	}
	return bot.Request{
		Workspace: bot.WorkspaceRef{Platform: bot.Discord, ID: guildID},
		UserID:    u.ID,
		UserName:  clip(displayName(in.Member, u), maxNameRunes),
		Staff:     a.isStaff(in.Member),
		Channel:   in.ChannelID,
	}, nil
}

// isStaff is the Discord staff mapping: the configured role, or Manage
// Server in the member's permissions as the interaction reports them.
// Nothing else counts; outside a server nobody is staff.
func (a *Adapter) isStaff(m *discordgo.Member) bool {
	if m == nil {
		return false
	}
	if a.cfg.StaffRole != "" && slices.Contains(m.Roles, a.cfg.StaffRole) {
		return true
	}
	return m.Permissions&discordgo.PermissionManageGuild != 0
}

func displayName(m *discordgo.Member, u *discordgo.User) string {
	switch {
	case m != nil && m.Nick != "":
		return m.Nick
	case u.GlobalName != "":
		return u.GlobalName
	}
	return u.Username
}

// flatten reads the command path and the leaf options of a slash command.
func flatten(data discordgo.ApplicationCommandInteractionData) ([]string, map[string]string, *focus, error) {
	if !validName(data.Name) {
		return nil, nil, nil, unreadable("command name %q", clip(data.Name, 40))
	}
	path := []string{data.Name}
	opts := data.Options
	for len(opts) == 1 && opts[0] != nil && isSubcommand(opts[0].Type) {
		if len(path) == 3 || !validName(opts[0].Name) {
			return nil, nil, nil, unreadable("subcommand %q under /%s", clip(opts[0].Name, 40), strings.Join(path, " "))
		}
		path = append(path, opts[0].Name)
		opts = opts[0].Options
	}
	if len(opts) > maxOptions {
		return nil, nil, nil, unreadable("%d options", len(opts))
	}
	values := make(map[string]string, len(opts))
	var f *focus
	for _, o := range opts {
		if o == nil || isSubcommand(o.Type) || !validName(o.Name) {
			return nil, nil, nil, unreadable("an option of /%s", strings.Join(path, " "))
		}
		if _, dup := values[o.Name]; dup || (f != nil && f.option == o.Name) {
			return nil, nil, nil, unreadable("option %s given twice", o.Name)
		}
		v, ok := optionText(o.Value)
		if !ok {
			return nil, nil, nil, unreadable("option %s has a value of type %T", o.Name, o.Value)
		}
		if o.Focused {
			f = &focus{option: o.Name, typed: v}
			continue
		}
		if o.Value != nil {
			values[o.Name] = v
		}
	}
	return path, values, f, nil
}

func isSubcommand(t discordgo.ApplicationCommandOptionType) bool {
	return t == discordgo.ApplicationCommandOptionSubCommand || t == discordgo.ApplicationCommandOptionSubCommandGroup
}

// optionText renders an option value as the raw text the router parses:
// strings as they are, user and channel options as their ids (strings),
// integers in decimal. A number arrives as a JSON float.
func optionText(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "", true
	case string:
		return v, utf8.ValidString(v) && utf8.RuneCountInString(v) <= maxOptionRunes
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return strconv.FormatInt(int64(v), 10), true
		}
		return strconv.FormatFloat(v, 'f', -1, 64), !math.IsInf(v, 0) && !math.IsNaN(v)
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// validName reports whether s can be a command or option name sparkbot
// registered: 1–32 of a-z, 0-9, - and _.
func validName(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// validToken reports whether s can be an interaction token in a URL path.
func validToken(s string) bool {
	if len(s) == 0 || len(s) > maxTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~+=", c) >= 0) {
			return false
		}
	}
	return true
}

// A button's custom_id carries the workspace (a DM has no guild), the
// action and its value: "<guild id>:<action id>:<value>", at most 100
// characters.
const maxCustomID = 100

func encodeCustomID(guildID string, b bot.Button) (string, error) {
	if !isSnowflake(guildID) {
		return "", fmt.Errorf("button %q: workspace %q is not a Discord guild", b.ActionID, guildID)
	}
	if b.ActionID == "" || strings.Contains(b.ActionID, ":") {
		return "", fmt.Errorf("button action id %q must be non-empty and have no colon", b.ActionID)
	}
	id := guildID + ":" + b.ActionID + ":" + b.Value
	if len(id) > maxCustomID {
		return "", fmt.Errorf("button %q: custom_id of %d bytes is over Discord's %d", b.ActionID, len(id), maxCustomID)
	}
	return id, nil
}

func decodeCustomID(id string) (guild, action, value string, err error) {
	if len(id) > maxCustomID || !utf8.ValidString(id) {
		return "", "", "", unreadable("custom_id of %d bytes", len(id))
	}
	guild, rest, ok1 := strings.Cut(id, ":")
	action, value, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 || !isSnowflake(guild) || action == "" {
		return "", "", "", unreadable("custom_id %q", id)
	}
	return guild, action, value, nil
}

// clip cuts s to at most n runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
