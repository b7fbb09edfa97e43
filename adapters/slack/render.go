package slack

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

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

func (r renderer) line(l bot.Line) string {
	var b strings.Builder
	for _, s := range l {
		b.WriteString(r.span(s))
	}
	return b.String()
}

// message renders m as Block Kit blocks and the text Slack shows in
// notifications and where blocks cannot be shown. ping, when not empty,
// is the markup of a deliberate group mention and leads both.
func (r renderer) message(m bot.Message, ping string) (string, []slackgo.Block) {
	var text []string
	var blocks []slackgo.Block
	if ping != "" {
		text = append(text, ping)
		blocks = append(blocks, section(ping))
	}
	for _, blk := range m.Blocks {
		if h := strings.TrimSpace(blk.Heading); h != "" {
			text = append(text, "*"+escape(h)+"*")
			blocks = append(blocks, slackgo.NewHeaderBlock(
				slackgo.NewTextBlockObject(slackgo.PlainTextType, clip(h, maxHeaderText), true, false)))
		}
		lines := make([]string, len(blk.Lines))
		for i, l := range blk.Lines {
			lines[i] = r.line(l)
		}
		text = append(text, lines...)
		blocks = append(blocks, layout(blk.Style, lines)...)
	}
	if len(blocks) > maxBlocks-1 {
		blocks = append(blocks[:maxBlocks-2], section("_…cut short: too long for one Slack message._"))
	}
	if b := buttons(m.Buttons); b != nil {
		blocks = append(blocks, b)
	}
	return clip(strings.Join(text, "\n"), maxFallback), blocks
}

// Block Kit's limits on fields and context.
const (
	maxFields       = 10   // fields in one section
	maxFieldText    = 2000 // characters in one field
	maxContextItems = 10   // elements in one context block
)

// layout renders a block's lines by their style: section fields for
// Fields (a table's rows), a context block for a Note, sections otherwise.
func layout(style bot.BlockStyle, lines []string) []slackgo.Block {
	var blocks []slackgo.Block
	switch style {
	case bot.Fields:
		for start := 0; start < len(lines); start += maxFields {
			var fields []*slackgo.TextBlockObject
			for _, l := range lines[start:min(start+maxFields, len(lines))] {
				fields = append(fields, slackgo.NewTextBlockObject(slackgo.MarkdownType, clip(l, maxFieldText), false, true))
			}
			blocks = append(blocks, slackgo.NewSectionBlock(nil, fields, nil))
		}
	case bot.Note:
		for start := 0; start < len(lines); start += maxContextItems {
			var items []slackgo.MixedElement
			for _, l := range lines[start:min(start+maxContextItems, len(lines))] {
				items = append(items, slackgo.NewTextBlockObject(slackgo.MarkdownType, clip(l, maxFieldText), false, true))
			}
			blocks = append(blocks, slackgo.NewContextBlock("", items...))
		}
	default:
		for _, chunk := range chunks(lines, maxSectionText) {
			blocks = append(blocks, section(chunk))
		}
	}
	return blocks
}

// section is a mrkdwn section block; verbatim, so Slack links nothing that
// the text does not spell out in markup.
func section(text string) *slackgo.SectionBlock {
	return slackgo.NewSectionBlock(slackgo.NewTextBlockObject(slackgo.MarkdownType, text, false, true), nil, nil)
}

// buttons is the actions block for bs, or nil.
func buttons(bs []bot.Button) slackgo.Block {
	if len(bs) == 0 {
		return nil
	}
	var els []slackgo.BlockElement
	for _, b := range bs[:min(len(bs), maxButtons)] {
		if len(b.Value) > maxButtonValue {
			continue // Slack would refuse the whole message
		}
		label := slackgo.NewTextBlockObject(slackgo.PlainTextType, clip(b.Label, maxButtonText), true, false)
		els = append(els, slackgo.NewButtonBlockElement(b.ActionID, b.Value, label))
	}
	if len(els) == 0 {
		return nil
	}
	return slackgo.NewActionBlock(actionsBlockID, els...)
}

// chunks joins lines with newlines into pieces of at most max runes, cutting
// a single longer line.
func chunks(lines []string, max int) []string {
	var out []string
	var cur strings.Builder
	n := 0
	for _, l := range lines {
		l = clip(l, max)
		ln := utf8.RuneCountInString(l)
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
