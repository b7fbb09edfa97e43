package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"sparkbot/bot"
)

// pages are the parsed templates: each page's file with the layout.
type pages struct{ byName map[string]*template.Template }

func parsePages() (*pages, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).ParseFS(templateFS, "templates/layout.html", f)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// render writes page name with data and status. It renders into a buffer
// first, so a template error never sends half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) {
	var b bytes.Buffer
	if err := s.pages.byName[name].ExecuteTemplate(&b, "layout", data); err != nil {
		s.log.Error("dashboard page could not be drawn", "page", name, "err", err)
		http.Error(w, "The page could not be drawn; it has been logged.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// layout is what every page's frame shows.
type layout struct {
	Title    string
	Cohort   string
	User     string
	Staff    bool
	CSRF     string
	Active   string // the nav item of this page
	HostPath string // the signed-in host's own page
	// Flash is the answer to the action just taken, as the chat would give it.
	Flash       []string
	FlashFailed bool
	// Cohorts is the cohort selector (cohorts.go), on pages that have one
	// in a workspace of more than one cohort; CohortQuery ("?cohort=N", or
	// empty for the latest) keeps the nav's links to the chosen cohort.
	Cohorts     []cohortLink
	CohortQuery string
}

// frame fills a layout for the session's page.
func frame(sess session, co bot.Cohort, title, active string) layout {
	return layout{Title: title, Cohort: co.Name, User: sess.Name, Staff: sess.Staff, CSRF: sess.csrf(),
		Active: active, HostPath: bot.HostPagePath(sess.UserID)}
}

type errorView struct {
	layout
	Message string
	SignIn  bool
}

type signInView struct {
	layout
	Secret, Name string
	Staff        bool
}

// clock is how pages show times: in one zone, relative to one now.
type clock struct {
	now time.Time
	loc *time.Location
}

func (c clock) full(t time.Time) string { return bot.FormatTime(t, c.loc, bot.TimeFull, c.now) }
func (c clock) date(t time.Time) string { return bot.FormatTime(t, c.loc, bot.TimeDate, c.now) }

// stamp is a time as a page shows it, with its machine-readable form.
type stamp struct {
	Text, ISO string
}

func (c clock) stamp(t time.Time) stamp { return stamp{Text: c.full(t), ISO: t.Format(time.RFC3339)} }

// names maps user ids to the names pages show.
type names map[string]bot.Host

// of is how a user is shown: their display name, or their id.
func (n names) of(userID string) string {
	if h, ok := n[userID]; ok && h.Name != "" {
		return h.Name
	}
	return userID
}

func namesOf(hosts []bot.Host) names {
	n := names{}
	for _, h := range hosts {
		n[h.UserID] = h
	}
	return n
}

// plainLines renders a chat response as lines of text for a page: user
// references by name, times in c's zone. The template escapes them.
func plainLines(m bot.Message, n names, c clock) []string {
	text := m.PlainText(func(s bot.Span) string {
		switch s.Kind {
		case bot.SpanUserRef, bot.SpanMention:
			return "@" + n.of(s.ID)
		case bot.SpanTime:
			return bot.FormatTime(s.At, c.loc, s.Style, c.now)
		}
		return s.Plain(c.now)
	})
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// handleURL is the X profile of a handle.
func handleURL(handle string) string { return "https://x.com/" + handle }

// spaceURL is the X address of a Space id.
func spaceURL(id string) string { return "https://x.com/i/spaces/" + id }
