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

	"sparkbot/adapters/internal/split"
	"sparkbot/bot"
)

// Discord's limits on one message.
const (
	maxContent     = 2000 // characters of content
	maxDescription = 4096 // characters of one embed's description
	maxTitle       = 256  // characters of one embed's title
	maxEmbeds      = 10
	maxEmbedTotal  = 6000 // characters over all of a message's embeds
	maxButtons     = 25   // five rows of five
	maxLabel       = 80
)

// message is one Discord message of a rendered bot.Message. Every rendering
// carries allowed_mentions, so only what the message asks for pings.
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

// render turns msg into Discord messages for workspace ws: one, or as many
// as it takes to say all of it within Discord's limits. The first carries
// the ping, the last the buttons and the file. A role ping names the role;
// it is looked up in the guild. Errors are bot.DeliveryErrors.
func (a *Adapter) render(ctx context.Context, ws bot.WorkspaceRef, msg bot.Message) ([]message, error) {
	var r spanRenderer
	prefix, mentions, err := a.ping(ctx, ws, msg.Ping)
	if err != nil {
		return nil, err
	}
	blocks := make([]renderedBlock, len(msg.Blocks))
	for i, b := range msg.Blocks {
		blocks[i] = renderedBlock{heading: neutralise(strings.TrimSpace(b.Heading))}
		for _, l := range b.Lines {
			blocks[i].lines = append(blocks[i].lines, r.atoms(l))
		}
	}
	parts := layout(prefix, blocks)
	components, err := buttons(ws, msg.Buttons)
	if err != nil {
		return nil, bot.PermanentFailure("a button cannot be sent to Discord", err)
	}
	users := dedupe(r.users)
	for i := range parts {
		parts[i].mentions = noMentions(users, nil) // the ping is the first part's alone
	}
	mentions.Users = users
	parts[0].mentions = mentions
	last := &parts[len(parts)-1]
	last.components, last.file = components, msg.File
	if len(parts) == 1 && last.content == "" && len(last.embeds) == 0 && len(msg.Buttons) == 0 && msg.File == nil {
		last.content = "Done."
	}
	return parts, nil
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

// renderedBlock is a block rendered for Discord: each line as the atoms
// it may be broken between.
type renderedBlock struct {
	heading string
	lines   [][]string
}

// layout puts the blocks in one message's content when they fit, and
// otherwise in embeds, one or more a block with its heading as the first
// one's title, over as many messages as it takes to keep within Discord's
// limits. Nothing is cut: a line too long for one embed goes on in the
// next, and a block that goes on in another message says so in its title.
// It returns at least one message.
func layout(prefix string, blocks []renderedBlock) []message {
	var parts []string
	if prefix != "" {
		parts = append(parts, prefix)
	}
	for _, b := range blocks {
		if b.heading != "" {
			parts = append(parts, "**"+b.heading+"**")
		}
		for _, l := range b.lines {
			parts = append(parts, strings.Join(l, ""))
		}
	}
	if content := strings.Join(parts, "\n"); runes(content) <= maxContent {
		return []message{{content: content, embeds: []*discordgo.MessageEmbed{}}}
	}
	p := packer{msgs: []message{{content: prefix, embeds: []*discordgo.MessageEmbed{}}}}
	for _, b := range blocks {
		p.block(b)
	}
	return p.msgs
}

// packer fills messages with embeds within Discord's limits.
type packer struct {
	msgs  []message
	total int // embed characters in the last message
}

func (p *packer) block(b renderedBlock) {
	var lines []string
	for _, l := range b.lines {
		lines = append(lines, split.Wrap(l, maxDescription)...)
	}
	if b.heading == "" && len(lines) == 0 {
		return
	}
	title := b.heading
	if runes(title) > maxTitle { // too long for a title: the first line, in bold
		lines = append(split.Wrap([]string{"**" + title + "**"}, maxDescription), lines...)
		title = ""
	}
	first := 0
	if len(lines) > 0 {
		first = runes(lines[0])
	}
	e := p.embed(title, first, false)
	for _, l := range lines {
		n := runes(l)
		sep := 0
		if e.Description != "" {
			sep = 1
		}
		if runes(e.Description)+sep+n > maxDescription || p.total+sep+n > maxEmbedTotal {
			e, sep = p.embed(title, n, true), 0
		}
		if sep == 1 {
			e.Description += "\n"
		}
		e.Description += l
		p.total += sep + n
	}
}

// embed opens an embed for a block titled title whose next line has n
// characters: in the last message if it has room, else in a new one. An
// embed that continues its block has no title, unless it starts a new
// message, where the title says the block goes on.
func (p *packer) embed(title string, n int, more bool) *discordgo.MessageEmbed {
	m := &p.msgs[len(p.msgs)-1]
	t := title
	if more {
		t = ""
	}
	if len(m.embeds) == maxEmbeds || p.total+runes(t)+n > maxEmbedTotal {
		p.msgs = append(p.msgs, message{embeds: []*discordgo.MessageEmbed{}})
		m, p.total = &p.msgs[len(p.msgs)-1], 0
		if more {
			t = clip(split.Continued(title), maxTitle)
		}
	}
	e := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Title: t}
	m.embeds = append(m.embeds, e)
	p.total += runes(t)
	return e
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

func (r *spanRenderer) line(l bot.Line) string { return strings.Join(r.atoms(l), "") }

// maxRawWord bounds a piece of text rendered on its own: rendering at most
// doubles it (\* for *, @ and a zero-width space for @), so a rendered
// piece always fits one embed description.
const maxRawWord = maxDescription / 2

// atoms renders l as pieces a long line may be broken between: a word of
// text, a mention, a time. Joined, they are the rendered line.
func (r *spanRenderer) atoms(l bot.Line) []string {
	var out []string
	for _, s := range l {
		if s.Kind != bot.SpanText && s.Kind != bot.SpanUser {
			out = append(out, r.span(s))
			continue
		}
		for _, w := range split.Words(s.Text, maxRawWord) {
			out = append(out, r.span(bot.Span{Kind: s.Kind, Text: w}))
		}
	}
	return out
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
