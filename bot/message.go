package bot

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SpanKind says how an adapter must render a Span.
type SpanKind int

const (
	// SpanText is text the bot wrote; adapters render it as is.
	SpanText SpanKind = iota
	// SpanUser is text a user typed (a title, an announcement). Adapters
	// neutralise every mention and markup token in it, so it never pings.
	SpanUser
	// SpanTime is an instant; adapters render it natively (Discord <t:…>,
	// Slack <!date^…>, the console in Zone).
	SpanTime
	// SpanMention is a deliberate mention of one user (ID): it notifies them.
	SpanMention
	// SpanUserRef names a user (ID) without notifying them: Discord renders
	// a mention with pings suppressed, Slack a display name.
	SpanUserRef
	// SpanChannel is a reference to a channel (ChannelID).
	SpanChannel
)

// TimeStyle selects how a SpanTime reads.
type TimeStyle int

const (
	TimeFull     TimeStyle = iota // "Tue 1 Dec 20:00 EST"
	TimeShort                     // "20:00"
	TimeDate                      // "Tue 1 Dec"
	TimeRelative                  // "in 2 hours"
)

// Span is one piece of a Line: plain bot text, untrusted user text, a time
// value, or a mention. Times are carried as values so each platform renders
// them in the reader's own zone where it can.
type Span struct {
	Kind  SpanKind
	Text  string         // SpanText, SpanUser
	At    time.Time      // SpanTime
	Style TimeStyle      // SpanTime
	Zone  *time.Location // SpanTime: the zone for renderers that cannot localise
	ID    string         // SpanMention, SpanUserRef: user id; SpanChannel: channel id
}

// Line is one line of a message.
type Line []Span

// Text returns a bot-authored text span.
func Text(s string) Span { return Span{Kind: SpanText, Text: s} }

// UserText returns a span of untrusted user text.
func UserText(s string) Span { return Span{Kind: SpanUser, Text: s} }

// At returns a time span rendered in style, in zone where the renderer cannot
// localise for the reader.
func At(t time.Time, zone *time.Location, style TimeStyle) Span {
	if zone == nil {
		zone = time.UTC
	}
	return Span{Kind: SpanTime, At: t, Zone: zone, Style: style}
}

// Mention returns a deliberate mention of a user.
func Mention(userID string) Span { return Span{Kind: SpanMention, ID: userID} }

// UserRef returns a span naming a user without notifying them.
func UserRef(userID string) Span { return Span{Kind: SpanUserRef, ID: userID} }

// ChannelRef returns a reference to a channel.
func ChannelRef(channelID string) Span { return Span{Kind: SpanChannel, ID: channelID} }

// spanMark brackets a placeholder index in Linef's intermediate string; NUL
// cannot appear in command input (the parser rejects control characters).
const spanMark = "\x00"

// Linef formats a Line like fmt.Sprintf, except that an argument of type Span
// becomes its own span in the line instead of being printed. Every other
// argument is printed into bot text, so untrusted input must be passed as
// UserText(s).
//
// Reports call it for each of 100,000 rows, so it formats once: each Span
// argument prints as a mark holding its index, and the marks are cut out
// of the result.
func Linef(format string, args ...any) Line {
	var spans []Span
	printed := make([]any, len(args))
	for i, a := range args {
		if s, ok := a.(Span); ok {
			printed[i] = placeholder(len(spans))
			spans = append(spans, s)
			continue
		}
		printed[i] = a
	}
	out := fmt.Sprintf(format, printed...)
	if len(spans) == 0 {
		return Line{Text(out)}
	}
	line := make(Line, 0, 2*len(spans)+1)
	for i := 0; ; i++ { // out's parts between marks: text, an index, text, …
		part, rest, more := strings.Cut(out, spanMark)
		switch {
		case i%2 == 1:
			line = append(line, spans[placeholderIndex(part)])
		case part != "":
			line = append(line, Text(part))
		}
		if !more {
			return line
		}
		out = rest
	}
}

// placeholders are the first placeholder strings, made once.
var placeholders = func() (p [16]string) {
	for i := range p {
		p[i] = spanMark + strconv.Itoa(i) + spanMark
	}
	return p
}()

// placeholder is what Linef prints for its n-th Span argument.
func placeholder(n int) string {
	if n < len(placeholders) {
		return placeholders[n]
	}
	return spanMark + strconv.Itoa(n) + spanMark
}

// placeholderIndex reads the index between two marks as Sscanf's %d does
// (0 if there is none).
func placeholderIndex(p string) int {
	if n, err := strconv.Atoi(p); err == nil {
		return n
	}
	var n int
	fmt.Sscanf(p, "%d", &n)
	return n
}

// Block is a titled group of lines: a section of a report, say. Adapters with
// rich layouts (Slack Block Kit, Discord embeds) render one section a block.
type Block struct {
	Heading string
	Lines   []Line
	// Style says what the lines are, for layouts that can show it.
	Style BlockStyle
}

// BlockStyle says how a block's lines read.
type BlockStyle int

const (
	// Prose lines read one after another.
	Prose BlockStyle = iota
	// Fields are short lines that may sit side by side, a table's rows
	// (Slack section fields): one host's week, one setting.
	Fields
	// Note is small print under the rest: a hint of what to do next
	// (Slack context).
	Note
)

// Button is a one-click action. ActionID is understood by Router.Handle when
// the click comes back as a Request with Action set.
type Button struct {
	Label    string
	ActionID string
	Value    string
}

// File is an attachment (a CSV export, say).
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// PingKind is an explicit, staff-requested mention of many people at once.
type PingKind int

const (
	PingNone PingKind = iota
	PingHere
	PingEveryone
	PingRole
)

// Ping asks an adapter to notify a group. Only staff announcements set it.
type Ping struct {
	Kind PingKind
	Role string // PingRole: the role (Discord) or user group (Slack) name
}

// Message is what the bot says: in a reply, a DM or a channel post.
type Message struct {
	Blocks  []Block
	Buttons []Button
	File    *File
	Ping    Ping
}

// Response is the router's answer to a Request.
type Response struct {
	Message
	// Ephemeral replies are seen only by the requester.
	Ephemeral bool
	// Failed is set when the request was refused or failed: an adapter
	// keeps the button that was clicked, so the user can try again.
	Failed bool
}

// Add appends lines to the message's last block, starting one if needed.
func (m *Message) Add(lines ...Line) {
	if len(m.Blocks) == 0 {
		m.Blocks = append(m.Blocks, Block{})
	}
	b := &m.Blocks[len(m.Blocks)-1]
	b.Lines = append(b.Lines, lines...)
}

// Addf appends one Linef line.
func (m *Message) Addf(format string, args ...any) { m.Add(Linef(format, args...)) }

// Section starts a new block with a heading.
func (m *Message) Section(heading string) { m.Blocks = append(m.Blocks, Block{Heading: heading}) }

// FieldSection starts a new block of Fields with a heading.
func (m *Message) FieldSection(heading string) {
	m.Blocks = append(m.Blocks, Block{Heading: heading, Style: Fields})
}

// Note adds a block of small print.
func (m *Message) Note(format string, args ...any) {
	m.Blocks = append(m.Blocks, Block{Style: Note, Lines: []Line{Linef(format, args...)}})
}

// Reply returns an ephemeral response holding one line.
func Reply(format string, args ...any) Response {
	r := Response{Ephemeral: true}
	r.Addf(format, args...)
	return r
}

// PlainText renders m without platform markup, using render for spans other
// than text. It is the fallback text for notifications and the base of the
// console renderer.
func (m Message) PlainText(render func(Span) string) string {
	var b strings.Builder
	for i, blk := range m.Blocks {
		if i > 0 {
			b.WriteString("\n")
		}
		if blk.Heading != "" {
			b.WriteString(blk.Heading)
			b.WriteString("\n")
		}
		for _, l := range blk.Lines {
			for _, s := range l {
				b.WriteString(render(s))
			}
			b.WriteString("\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// Plain renders s without platform markup: a time in its zone, a user as
// @id, a channel as #id, text as it is. The console shows spans this way.
func (s Span) Plain(now time.Time) string {
	switch s.Kind {
	case SpanTime:
		return FormatTime(s.At, s.Zone, s.Style, now)
	case SpanMention, SpanUserRef:
		return "@" + s.ID
	case SpanChannel:
		return "#" + s.ID
	}
	return s.Text
}

// FormatTime renders t in zone in the given style, the way a reader without
// platform-native time rendering sees it. A date outside now's year (in
// zone) carries its year: "Fri 1 Jan 2027".
func FormatTime(t time.Time, zone *time.Location, style TimeStyle, now time.Time) string {
	if zone == nil {
		zone = time.UTC
	}
	t = t.In(zone)
	date := "Mon 2 Jan"
	if t.Year() != now.In(zone).Year() {
		date = "Mon 2 Jan 2006"
	}
	switch style {
	case TimeShort:
		return t.Format("15:04")
	case TimeDate:
		return t.Format(date)
	case TimeRelative:
		return Relative(t.Sub(now))
	}
	return t.Format(date + " 15:04 MST")
}

// Relative renders a duration as "in 2h 5m" or "3d 4h ago".
func Relative(d time.Duration) string {
	if d < 0 {
		return HumanDuration(-d) + " ago"
	}
	return "in " + HumanDuration(d)
}

// HumanDuration renders d coarsely: "2d 3h", "5h 10m", "1h", "45m", "under a minute".
func HumanDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	var parts []string
	switch {
	case days > 0:
		parts = []string{unit(days, "d"), unit(hours, "h")}
	case hours > 0:
		parts = []string{unit(hours, "h"), unit(mins, "m")}
	case mins > 0:
		parts = []string{unit(mins, "m")}
	default:
		return "under a minute"
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}

// unit renders n with its suffix, or nothing for zero: "3h", "".
func unit(n int, suffix string) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// spanJSON is how a Span is stored in a queued job: the zone by its name,
// which a *time.Location does not keep through encoding/json.
type spanJSON struct {
	Kind  SpanKind  `json:"k"`
	Text  string    `json:"t,omitempty"`
	At    time.Time `json:"at,omitzero"`
	Style TimeStyle `json:"s,omitempty"`
	Zone  string    `json:"z,omitempty"`
	ID    string    `json:"id,omitempty"`
}

// MarshalJSON implements json.Marshaler.
func (s Span) MarshalJSON() ([]byte, error) {
	j := spanJSON{Kind: s.Kind, Text: s.Text, At: s.At, Style: s.Style, ID: s.ID}
	if s.Zone != nil {
		j.Zone = s.Zone.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *Span) UnmarshalJSON(b []byte) error {
	var j spanJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = Span{Kind: j.Kind, Text: j.Text, At: j.At, Style: j.Style, ID: j.ID}
	if j.Zone != "" {
		s.Zone = time.UTC
		if loc, err := LoadZone(j.Zone); err == nil {
			s.Zone = loc
		}
	}
	return nil
}
