// Package logging builds sparkbot's logger: text or JSON lines on stderr,
// with every secret kept out of them. Tokens, signing secrets,
// interaction tokens, Slack response_urls and Discord webhook URLs reach
// log lines inside errors from slack-go, discordgo and net/http; the
// Redactor removes them from every message and attribute, whoever logged
// it, so no call site has to remember to.
package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
)

// Formats of log lines.
const (
	Text = "text"
	JSON = "json"
)

// Options say how to log.
type Options struct {
	// Format is Text or JSON; empty means text on a terminal, JSON
	// otherwise (a service manager, a container, a file).
	Format string
	Level  slog.Level
	// Secrets are configured values never to be written (tokens, signing
	// secrets); values shorter than 8 bytes are ignored.
	Secrets []string
}

// New returns a logger writing to w as opt says, redacting secrets.
func New(w io.Writer, opt Options) (*slog.Logger, error) {
	format := opt.Format
	if format == "" {
		format = JSON
		if IsTerminal(w) {
			format = Text
		}
	}
	ho := &slog.HandlerOptions{Level: opt.Level}
	var h slog.Handler
	switch format {
	case Text:
		h = slog.NewTextHandler(w, ho)
	case JSON:
		h = slog.NewJSONHandler(w, ho)
	default:
		return nil, fmt.Errorf("the log format must be json or text, not %q", opt.Format)
	}
	return slog.New(NewHandler(h, NewRedactor(opt.Secrets...))), nil
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Redactor removes secrets from text.
type Redactor struct {
	secrets []string
}

// Redacted stands where a secret was.
const Redacted = "[REDACTED]"

var (
	// A URL's path and query may hold a token (a response_url, a webhook,
	// an interaction callback); its scheme and host say enough for a log.
	urlPattern = regexp.MustCompile(`(?i)\b((?:https?|wss?)://[^/\s"'<>\\]+)(/[^\s"'<>\\]*)?`)
	// Slack tokens: bot, user, app-level, refresh and configuration ones.
	slackToken = regexp.MustCompile(`\bx(?:ox[abposre]|app)-[A-Za-z0-9-]+`)
	// Discord bot tokens: base64 id, timestamp, HMAC.
	discordToken = regexp.MustCompile(`\b[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}`)
)

// NewRedactor returns a redactor of the patterns above and of secrets.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if s = strings.TrimSpace(s); len(s) >= 8 && !slices.Contains(r.secrets, s) {
			r.secrets = append(r.secrets, s)
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	slices.SortFunc(r.secrets, func(a, b string) int { return len(b) - len(a) })
	return r
}

// String returns s without secrets.
func (r *Redactor) String(s string) string {
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, Redacted)
	}
	s = slackToken.ReplaceAllString(s, Redacted)
	s = discordToken.ReplaceAllString(s, Redacted)
	return urlPattern.ReplaceAllStringFunc(s, func(u string) string {
		m := urlPattern.FindStringSubmatch(u)
		if m[2] == "" || m[2] == "/" {
			return u
		}
		return m[1] + "/" + Redacted
	})
}

// Handler passes records to another handler with secrets redacted from
// the message and every attribute. Errors, Stringers and other values are
// written as their redacted text.
type Handler struct {
	next slog.Handler
	r    *Redactor
}

// NewHandler wraps next.
func NewHandler(next slog.Handler, r *Redactor) *Handler { return &Handler{next: next, r: r} }

func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *Handler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return &Handler{next: h.next.WithAttrs(clean), r: h.r}
}

func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name), r: h.r}
}

func (h *Handler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.r.String(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = h.attr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, h.r.String(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, h.r.String(x.String()))
		default:
			return slog.String(a.Key, h.r.String(fmt.Sprintf("%+v", x)))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
