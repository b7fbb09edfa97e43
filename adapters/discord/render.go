package discord

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"sparkbot/bot"
)

// Discord's limits on one message.
const (
	maxContent     = 2000 // characters of content
	maxDescription = 4096 // characters of one embed's description
	maxTitle       = 256  // characters of one embed's title
	maxEmbeds      = 10
	maxEmbedTotal  = 6000 // characters over all embeds
	maxButtons     = 25   // five rows of five
	maxLabel       = 80
)

// cutNote ends a message that did not fit.
const cutNote = "… (cut: too long for one Discord message)"

// message is a bot.Message rendered for Discord. Every rendering carries
// allowed_mentions, so only what the message asks for pings.
type message struct {
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
	mentions   *discordgo.MessageAllowedMentions
	file       *bot.File
}

// messagePayload is a message on the wire: an interaction reply's data, a
// follow-up or an edit of one.
type messagePayload struct {
	Content         string                            `json:"content"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
	Components      []discordgo.MessageComponent      `json:"components"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Flags           discordgo.MessageFlags            `json:"flags,omitempty"`
}

func (m message) payload(f discordgo.MessageFlags) messagePayload {
	return messagePayload{Content: m.content, Embeds: m.embeds, Components: m.components, AllowedMentions: m.mentions, Flags: f}
}

// send is m as discordgo sends it to a channel.
func (m message) send() *discordgo.MessageSend {
	return &discordgo.MessageSend{
		Content: m.content, Embeds: m.embeds, Components: m.components,
		AllowedMentions: m.mentions, Files: m.files(), StickerIDs: []string{},
	}
}

// files returns m's attachment with a fresh reader, or nil.
func (m message) files() []*discordgo.File {
	if m.file == nil {
		return nil
	}
	ct := m.file.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	return []*discordgo.File{{Name: fileName(m.file.Name), ContentType: ct, Reader: bytes.NewReader(m.file.Data)}}
}

func flags(ephemeral bool) discordgo.MessageFlags {
	if ephemeral {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

// textMessage is a message of one line of bot text.
func textMessage(s string) bot.Message {
	var m bot.Message
	m.Add(bot.Line{bot.Text(s)})
	return m
}

// textReply is an ephemeral interaction reply of one line of bot text,
// with nothing allowed to ping.
func textReply(s string) callbackPayload {
	return callbackPayload{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: messagePayload{
			Content: escapeText(s), Embeds: []*discordgo.MessageEmbed{}, Components: []discordgo.MessageComponent{},
			AllowedMentions: noMentions(nil, nil), Flags: discordgo.MessageFlagsEphemeral,
		},
	}
}

// noMentions allows exactly users and roles to be pinged, and nothing by
// parsing: an explicit empty parse list, which discordgo would otherwise
// send as null.
func noMentions(users, roles []string) *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Users: users, Roles: roles}
}

// render turns msg into a Discord message for workspace ws. A role ping
// names the role; it is looked up in the guild. Errors are
// bot.DeliveryErrors.
func (a *Adapter) render(ctx context.Context, ws bot.WorkspaceRef, msg bot.Message) (message, error) {
	var out message
	var r spanRenderer
	prefix, mentions, err := a.ping(ctx, ws, msg.Ping)
	if err != nil {
		return out, err
	}
	blocks := make([]renderedBlock, len(msg.Blocks))
	for i, b := range msg.Blocks {
		blocks[i] = renderedBlock{heading: neutralise(b.Heading)}
		for _, l := range b.Lines {
			blocks[i].lines = append(blocks[i].lines, r.line(l))
		}
	}
	out.content, out.embeds = layout(prefix, blocks)
	if out.content == "" && len(out.embeds) == 0 && len(msg.Buttons) == 0 && msg.File == nil {
		out.content = "Done."
	}
	mentions.Users = dedupe(r.users)
	out.mentions = mentions
	if out.components, err = buttons(ws, msg.Buttons); err != nil {
		return out, bot.PermanentFailure("a button cannot be sent to Discord", err)
	}
	out.file = msg.File
	return out, nil
}

// ping renders an explicit group ping: the text that pings and the
// allowed_mentions that let it.
func (a *Adapter) ping(ctx context.Context, ws bot.WorkspaceRef, p bot.Ping) (string, *discordgo.MessageAllowedMentions, error) {
	switch p.Kind {
	case bot.PingHere:
		return "@here", &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeEveryone}}, nil
	case bot.PingEveryone:
		return "@everyone", &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeEveryone}}, nil
	case bot.PingRole:
		id, err := a.roleID(ctx, ws.ID, p.Role)
		if err != nil {
			return "", nil, err
		}
		return "<@&" + id + ">", noMentions(nil, []string{id}), nil
	}
	return "", noMentions(nil, nil), nil
}

// roleID resolves a role given by id, mention or name.
func (a *Adapter) roleID(ctx context.Context, guildID, role string) (string, error) {
	role = strings.TrimSpace(role)
	role = strings.TrimSuffix(strings.TrimPrefix(role, "<@&"), ">")
	role = strings.TrimPrefix(role, "@")
	if isSnowflake(role) {
		return role, nil
	}
	if !isSnowflake(guildID) {
		return "", bot.PermanentFailure(fmt.Sprintf("workspace %q is not a Discord server", guildID), nil)
	}
	roles, err := a.rest.GuildRoles(guildID, discordgo.WithContext(ctx))
	if err != nil {
		return "", deliveryError(err, "look up the server's roles")
	}
	for _, r := range roles {
		if r != nil && strings.EqualFold(r.Name, role) && isSnowflake(r.ID) {
			return r.ID, nil
		}
	}
	return "", bot.PermanentFailure(fmt.Sprintf("the server has no role named %q: create it, or ping another role", role), nil)
}

type renderedBlock struct {
	heading string
	lines   []string
}

// layout puts the blocks in the content when they fit, otherwise in
// embeds: one or more a block, the heading as the first one's title. What
// does not fit in Discord's limits is cut, and says so.
func layout(prefix string, blocks []renderedBlock) (string, []*discordgo.MessageEmbed) {
	var parts []string
	if prefix != "" {
		parts = append(parts, prefix)
	}
	for _, b := range blocks {
		if b.heading != "" {
			parts = append(parts, "**"+b.heading+"**")
		}
		parts = append(parts, b.lines...)
	}
	content := strings.Join(parts, "\n")
	if runes(content) <= maxContent {
		return content, []*discordgo.MessageEmbed{}
	}
	e := embedder{}
	for _, b := range blocks {
		e.block(b)
	}
	return prefix, e.done()
}

// embedder packs lines into embeds within Discord's limits.
type embedder struct {
	embeds []*discordgo.MessageEmbed
	total  int
	cut    bool
}

func (e *embedder) block(b renderedBlock) {
	if b.heading == "" && len(b.lines) == 0 {
		return
	}
	if !e.start(clip(b.heading, maxTitle)) {
		return
	}
	for _, l := range b.lines {
		l = clip(l, maxDescription)
		n := runes(l) + 1
		if e.total+n > embedBudget {
			e.cut = true
			return
		}
		if runes(e.last().Description)+n > maxDescription && !e.start("") {
			return
		}
		cur := e.last()
		if cur.Description != "" {
			cur.Description += "\n"
			e.total++
		}
		cur.Description += l
		e.total += runes(l)
	}
}

func (e *embedder) last() *discordgo.MessageEmbed { return e.embeds[len(e.embeds)-1] }

// embedBudget is what the embeds may hold, keeping room for cutNote.
var embedBudget = maxEmbedTotal - runes(cutNote) - 1

// start opens a new embed, reporting false if there is no room for one.
func (e *embedder) start(title string) bool {
	if e.cut || len(e.embeds) == maxEmbeds || e.total+runes(title) > embedBudget {
		e.cut = true
		return false
	}
	e.embeds = append(e.embeds, &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Title: title})
	e.total += runes(title)
	return true
}

func (e *embedder) done() []*discordgo.MessageEmbed {
	if e.cut && len(e.embeds) > 0 {
		last := e.embeds[len(e.embeds)-1]
		if runes(last.Description)+runes(cutNote)+1 > maxDescription {
			last.Description = clip(last.Description, maxDescription-runes(cutNote)-1)
		}
		last.Description = strings.TrimLeft(last.Description+"\n"+cutNote, "\n")
	}
	return e.embeds
}

// buttons renders up to five rows of five buttons.
func buttons(ws bot.WorkspaceRef, bs []bot.Button) ([]discordgo.MessageComponent, error) {
	if len(bs) > maxButtons {
		return nil, fmt.Errorf("%d buttons; Discord allows %d", len(bs), maxButtons)
	}
	rows := []discordgo.MessageComponent{}
	var row discordgo.ActionsRow
	for i, b := range bs {
		id, err := encodeCustomID(ws.ID, b)
		if err != nil {
			return nil, err
		}
		row.Components = append(row.Components, discordgo.Button{
			Label: clip(oneLine(b.Label), maxLabel), Style: discordgo.PrimaryButton, CustomID: id,
		})
		if len(row.Components) == 5 || i == len(bs)-1 {
			rows = append(rows, row)
			row = discordgo.ActionsRow{}
		}
	}
	return rows, nil
}

// spanRenderer renders spans and collects the users a line deliberately
// mentions.
type spanRenderer struct{ users []string }

func (r *spanRenderer) line(l bot.Line) string {
	var b strings.Builder
	for _, s := range l {
		b.WriteString(r.span(s))
	}
	return b.String()
}

// timeStyles are Discord's timestamp styles for each bot.TimeStyle.
var timeStyles = map[bot.TimeStyle]string{
	bot.TimeFull: "f", bot.TimeShort: "t", bot.TimeDate: "D", bot.TimeRelative: "R",
}

func (r *spanRenderer) span(s bot.Span) string {
	switch s.Kind {
	case bot.SpanText:
		return escapeText(s.Text)
	case bot.SpanTime:
		style, ok := timeStyles[s.Style]
		if !ok {
			style = "f"
		}
		return "<t:" + strconv.FormatInt(s.At.Unix(), 10) + ":" + style + ">"
	case bot.SpanMention:
		if isSnowflake(s.ID) {
			r.users = append(r.users, s.ID)
			return "<@" + s.ID + ">"
		}
		return neutralise("@" + s.ID)
	case bot.SpanUserRef:
		if isSnowflake(s.ID) {
			return "<@" + s.ID + ">" // not in allowed_mentions: shown, never pinged
		}
		return neutralise("@" + s.ID)
	case bot.SpanChannel:
		if isSnowflake(s.ID) {
			return "<#" + s.ID + ">"
		}
		return neutralise("#" + s.ID)
	}
	return neutralise(s.Text) // SpanUser, and any kind added later
}

const zwsp = '\u200b'

// userMarkdown are the characters that make Discord markdown in user text:
// emphasis, code, spoilers, quotes, headings, lists, masked links.
const userMarkdown = "\\*_~`|>[]()#-"

// neutralise makes untrusted text inert: a zero-width space after every @
// and < breaks @everyone, @here and every <@user>, <@&role>, <#channel>,
// <t:…>, </command:…> and <:emoji:…> form; markdown characters are
// escaped; line breaks and other control characters become spaces.
func neutralise(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, c := range s {
		switch {
		case c == '@' || c == '<':
			b.WriteRune(c)
			b.WriteRune(zwsp)
		case strings.ContainsRune(userMarkdown, c):
			b.WriteByte('\\')
			b.WriteRune(c)
		case unicode.IsControl(c) || c == '\u2028' || c == '\u2029':
			b.WriteByte(' ')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// textMarkdown are the emphasis characters escaped in bot text, so that
// "America/New_York … America/Los_Angeles" is not read as italics.
const textMarkdown = "\\*_~`|"

// escapeText escapes the emphasis characters in bot-written text.
func escapeText(s string) string {
	if !strings.ContainsAny(s, textMarkdown) {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(textMarkdown, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.Map(func(c rune) rune {
		if unicode.IsControl(c) {
			return ' '
		}
		return c
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// fileName keeps an attachment's name to safe characters.
func fileName(s string) string {
	name := strings.Map(func(c rune) rune {
		if c < 128 && (unicode.IsLetter(c) || unicode.IsDigit(c) || c == '.' || c == '-' || c == '_') {
			return c
		}
		return '_'
	}, s)
	if name == "" || strings.Trim(name, "._") == "" {
		return "file"
	}
	return clip(name, 100)
}

func dedupe(ids []string) []string {
	var out []string
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func runes(s string) int { return utf8.RuneCountInString(s) }
