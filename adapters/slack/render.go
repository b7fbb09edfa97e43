package slack

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"sparkbot/adapters/internal/split"
	"sparkbot/bot"
)

// Block Kit limits, from Slack's reference.
const (
	maxBlocks      = 50
	maxSectionText = 3000
	maxHeaderText  = 150
	maxButtons     = 25
	maxButtonText  = 75
	maxButtonValue = 2000
	maxFallback    = 3000 // runes of the notification text
	// maxBlockText bounds the text over all of one message's blocks. Slack
	// documents no such limit, but refuses a message with
	// msg_blocks_too_long from about 11,000 characters on (slack bolt-js
	// issues 2509 and 2867).
	maxBlockText = 10_000
)

// actionsBlockID names the block holding a message's buttons, so a click's
// update can take them away.
const actionsBlockID = "sparkbot_actions"

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// broadcastWord matches the words a Slack client could read as a crowd
// mention when they are written out plainly.
var broadcastWord = regexp.MustCompile(`(?i)@(here|channel|everyone)`)

// escape makes text inert in Slack mrkdwn: &, < and > become entities, so
// nothing in it is read as a mention, link, date or command, and a word
// joiner after the @ of @here, @channel and @everyone keeps any client
// from linking them. Every text span goes through it: bot text can echo
// what a user typed.
func escape(s string) string {
	return broadcastWord.ReplaceAllString(escaper.Replace(s), "@\u2060$1")
}

// Slack ids as they appear in mentions: U/W users, C/G/D conversations.
var (
	slackUserID    = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)
	slackChannelID = regexp.MustCompile(`^[CGD][A-Z0-9]{2,20}$`)
)

// timeFormats are Slack's date tokens for each time style; a relative time
// is rendered as text, at the moment of sending.
var timeFormats = map[bot.TimeStyle]string{
	bot.TimeFull:  "{date_short_pretty} {time}",
	bot.TimeShort: "{time}",
	bot.TimeDate:  "{date_short_pretty}",
}

// renderer turns bot messages into Slack markup.
type renderer struct {
	now  time.Time
	name func(userID string) string // a display name, for SpanUserRef
}

func (r renderer) span(s bot.Span) string {
	switch s.Kind {
	case bot.SpanTime:
		fallback := escape(bot.FormatTime(s.At, s.Zone, s.Style, r.now))
		if f, ok := timeFormats[s.Style]; ok {
			return fmt.Sprintf("<!date^%d^%s|%s>", s.At.Unix(), f, fallback)
		}
		return fallback
	case bot.SpanMention:
		if slackUserID.MatchString(s.ID) {
			return "<@" + s.ID + ">"
		}
		return escape("@" + s.ID)
	case bot.SpanUserRef:
		return escape("@" + r.name(s.ID))
	case bot.SpanChannel:
		if slackChannelID.MatchString(s.ID) {
			return "<#" + s.ID + ">"
		}
		return escape("#" + s.ID)
	}
	return escape(s.Text) // SpanText, SpanUser
}

// maxWord bounds a piece of rendered text, so that every piece fits a
// field; a little under, for an entity moved whole to the next piece.
const maxWord = maxFieldText - len("&amp;")

// atoms renders l as pieces a long line may be broken between: a word of
// text, a mention, a date. Joined, they are the rendered line.
func (r renderer) atoms(l bot.Line) []string {
	var out []string
	for _, s := range l {
		if s.Kind != bot.SpanText && s.Kind != bot.SpanUser {
			out = append(out, r.span(s))
			continue
		}
		out = append(out, words(escape(s.Text), maxWord)...)
	}
	return out
}

// words breaks escaped text into pieces of at most max+4 characters, never
// inside an entity like &amp;.
func words(escaped string, max int) []string {
	out := split.Words(escaped, max)
	for i := 0; i+1 < len(out); i++ {
		if j := strings.LastIndexByte(out[i], '&'); j >= 0 && !strings.Contains(out[i][j:], ";") {
			out[i+1] = out[i][j:] + out[i+1]
			out[i] = out[i][:j]
		}
	}
	return out
}

// part is one Slack message of a rendered bot.Message: the text Slack
// shows in notifications and where blocks cannot be shown, and the blocks.
type part struct {
	text   string
	blocks []slackgo.Block
}

// unit is one block of a message before it is packed into parts.
type unit struct {
	block   slackgo.Block
	size    int    // characters of text in it
	text    string // its share of the fallback text
	group   int    // which bot.Block it renders; -1 for none
	heading bool   // it is its group's header
}

// message renders m as Block Kit: one part, or as many as it takes to keep
// within Slack's limits on one message (maxBlocks blocks, maxBlockText
// characters). Nothing is cut: a line too long for a section or a field
// goes on in the next one, and a section that goes on in another message
// has its header again, marked as continued. ping, when not empty, is the
// markup of a deliberate group mention and leads the first part; the
// buttons end the last. It returns at least one part.
func (r renderer) message(m bot.Message, ping string) []part {
	var units []unit
	if ping != "" {
		units = append(units, unit{block: section(ping), size: split.Len(ping), text: ping, group: -1})
	}
	headings := make([]string, len(m.Blocks))
	for i, blk := range m.Blocks {
		if h := strings.TrimSpace(blk.Heading); h != "" {
			headings[i] = h
			units = append(units, header(h, i))
		}
		var lines [][]string
		for _, l := range blk.Lines {
			lines = append(lines, r.atoms(l))
		}
		for _, u := range layout(blk.Style, lines) {
			u.group = i
			units = append(units, u)
		}
	}
	if b, n := buttons(m.Buttons); b != nil {
		units = append(units, unit{block: b, size: n, group: -1})
	}
	return pack(units, headings)
}

// header is the header block of group i; a heading too long for a header
// block is a section in bold instead.
func header(h string, i int) unit {
	if split.Len(h) > maxHeaderText {
		text := "*" + escape(h) + "*"
		return unit{block: section(text), size: split.Len(text), text: text, group: i, heading: true}
	}
	return unit{
		block: slackgo.NewHeaderBlock(slackgo.NewTextBlockObject(slackgo.PlainTextType, h, true, false)),
		size:  split.Len(h), text: "*" + escape(h) + "*", group: i, heading: true,
	}
}

// pack fills parts with units in order, within Slack's limits. A part that
// starts inside a group with a heading starts with that heading: moved
// along when the last part would have ended with it, else again, continued.
func pack(units []unit, headings []string) []part {
	groups := [][]unit{nil}
	size := 0
	for _, u := range units {
		cur := groups[len(groups)-1]
		if len(cur) > 0 && (len(cur) == maxBlocks || size+u.size > maxBlockText) {
			var next []unit
			if last := cur[len(cur)-1]; last.heading && last.group == u.group && len(cur) > 1 {
				next, cur = []unit{last}, cur[:len(cur)-1]
			} else if g := u.group; g >= 0 && !u.heading && headings[g] != "" {
				next = []unit{header(split.Continued(headings[g]), g)}
			}
			groups[len(groups)-1] = cur
			groups = append(groups, next)
			size = 0
			for _, n := range next {
				size += n.size
			}
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], u)
		size += u.size
	}
	parts := make([]part, len(groups))
	for i, g := range groups {
		var text []string
		for _, u := range g {
			parts[i].blocks = append(parts[i].blocks, u.block)
			if u.text != "" {
				text = append(text, u.text)
			}
		}
		parts[i].text = clip(strings.Join(text, "\n"), maxFallback)
	}
	return parts
}

// Block Kit's limits on fields and context.
const (
	maxFields       = 10   // fields in one section
	maxFieldText    = 2000 // characters in one field
	maxContextItems = 10   // elements in one context block
)

// layout renders a block's lines by their style: section fields for
// Fields (a table's rows), a context block for a Note, sections otherwise.
// A line longer than a field or section goes on in the next one.
func layout(style bot.BlockStyle, lines [][]string) []unit {
	var units []unit
	wrapped := func(max int) []string {
		var out []string
		for _, l := range lines {
			out = append(out, split.Wrap(l, max)...)
		}
		return out
	}
	switch style {
	case bot.Fields:
		ls := wrapped(maxFieldText)
		for start := 0; start < len(ls); start += maxFields {
			chunk := ls[start:min(start+maxFields, len(ls))]
			var fields []*slackgo.TextBlockObject
			for _, l := range chunk {
				fields = append(fields, slackgo.NewTextBlockObject(slackgo.MarkdownType, l, false, true))
			}
			units = append(units, unit{block: slackgo.NewSectionBlock(nil, fields, nil), size: total(chunk), text: strings.Join(chunk, "\n")})
		}
	case bot.Note:
		ls := wrapped(maxFieldText)
		for start := 0; start < len(ls); start += maxContextItems {
			chunk := ls[start:min(start+maxContextItems, len(ls))]
			var items []slackgo.MixedElement
			for _, l := range chunk {
				items = append(items, slackgo.NewTextBlockObject(slackgo.MarkdownType, l, false, true))
			}
			units = append(units, unit{block: slackgo.NewContextBlock("", items...), size: total(chunk), text: strings.Join(chunk, "\n")})
		}
	default:
		for _, chunk := range chunks(wrapped(maxSectionText), maxSectionText) {
			units = append(units, unit{block: section(chunk), size: split.Len(chunk), text: chunk})
		}
	}
	return units
}

// total is the characters of lines together.
func total(lines []string) int {
	n := 0
	for _, l := range lines {
		n += split.Len(l)
	}
	return n
}

// section is a mrkdwn section block; verbatim, so Slack links nothing that
// the text does not spell out in markup.
func section(text string) *slackgo.SectionBlock {
	return slackgo.NewSectionBlock(slackgo.NewTextBlockObject(slackgo.MarkdownType, text, false, true), nil, nil)
}

// buttons is the actions block for bs, or nil, and the characters of its
// labels.
func buttons(bs []bot.Button) (slackgo.Block, int) {
	var els []slackgo.BlockElement
	n := 0
	for _, b := range bs[:min(len(bs), maxButtons)] {
		if len(b.Value) > maxButtonValue {
			continue // Slack would refuse the whole message
		}
		text := clip(b.Label, maxButtonText)
		n += split.Len(text)
		label := slackgo.NewTextBlockObject(slackgo.PlainTextType, text, true, false)
		els = append(els, slackgo.NewButtonBlockElement(b.ActionID, b.Value, label))
	}
	if len(els) == 0 {
		return nil, 0
	}
	return slackgo.NewActionBlock(actionsBlockID, els...), n
}

// chunks joins lines with newlines into pieces of at most max runes; a
// line is never longer than max (layout wrapped it).
func chunks(lines []string, max int) []string {
	var out []string
	var cur strings.Builder
	n := 0
	for _, l := range lines {
		ln := split.Len(l)
		if n > 0 && n+1+ln > max {
			out = append(out, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte('\n')
			n++
		}
		cur.WriteString(l)
		n += ln
	}
	if n > 0 {
		out = append(out, cur.String())
	}
	return out
}

// clip cuts s to at most max runes, ending it with "…" when cut.
func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// pingMarkup is the markup of an explicit group mention; a role is a user
// group's id, resolved by the caller.
func pingMarkup(p bot.Ping, groupID string) string {
	switch p.Kind {
	case bot.PingHere:
		return "<!here>"
	case bot.PingEveryone:
		// <!everyone> works only in #general; a channel announcement means
		// everyone in the channel.
		return "<!channel>"
	case bot.PingRole:
		if groupID != "" {
			return "<!subteam^" + groupID + ">"
		}
	}
	return ""
}
