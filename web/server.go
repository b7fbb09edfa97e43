// Package web serves sparkbot's staff and host dashboard and its calendar
// feeds: server-rendered pages from embedded templates, charts drawn as
// inline SVG, and ICS feeds, all from the same domain functions as the
// chat reports. Sign-in is by one-time link from a chat command (see
// auth.go); no page needs JavaScript.
package web

import (
	"context"
	"embed"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"sparkbot/bot"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Store is what the dashboard reads, and the tokens it signs in with.
type Store interface {
	bot.Store
	bot.TokenStore
	// Outcomes returns the outcomes of finished jobs whose keys start with
	// prefix, by key: sent announcements.
	Outcomes(ctx context.Context, prefix string) ([]bot.Outcome, error)
}

// Handler runs a command as if typed in chat; *bot.Router satisfies it.
// Staff actions on the pages go through it, so permissions, replies and
// DMs are those of chat.
type Handler interface {
	Handle(ctx context.Context, req bot.Request) bot.Response
}

// Config is what a Server is built from.
type Config struct {
	Store  Store
	Router Handler
	Clock  bot.Clock
	// Random is where session secrets come from (crypto/rand.Reader).
	Random io.Reader
	// PublicURL is the address the dashboard is reached at; an https one
	// makes the session cookie Secure.
	PublicURL string
	Logger    *slog.Logger
	// SignIns limits sign-in attempts to SignInsPerMinute a minute per
	// client address. It must run on the wall clock, not Clock: cmd gives
	// edge.Limiter (or PostgreSQL's, shared by replicas).
	SignIns Limiter
	// TrustedProxies are the proxies in front of sparkbot
	// (SPARKBOT_TRUSTED_PROXIES, see ParseTrustedProxies): only from them
	// is X-Forwarded-For read for the client's address (clientAddr).
	TrustedProxies []netip.Prefix
}

// Limiter is a rate limit per key: Allow spends one attempt of key's and
// reports whether it had one left. *edge.Limiter satisfies it.
type Limiter interface {
	Allow(key string) bool
}

// Server is the dashboard and the calendar feeds, as an http.Handler.
type Server struct {
	store   Store
	router  Handler
	clock   bot.Clock
	random  io.Reader
	secure  bool
	log     *slog.Logger
	pages   *pages
	limiter Limiter
	proxies []netip.Prefix
	mux     *http.ServeMux
	// crossOrigin refuses forms posted from other sites, before the CSRF
	// token is even read (Sec-Fetch-Site, Origin).
	crossOrigin *http.CrossOriginProtection
}

// New returns a Server for cfg.
func New(cfg Config) (*Server, error) {
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("web: the public URL must be an http or https address, like https://bot.example.org")
	}
	if cfg.SignIns == nil {
		return nil, errors.New("web: Config.SignIns is required: sign-in attempts must be limited")
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	s := &Server{
		store: cfg.Store, router: cfg.Router, clock: cfg.Clock, random: cfg.Random,
		secure: u.Scheme == "https", log: logger, pages: p, limiter: cfg.SignIns, proxies: cfg.TrustedProxies,
	}
	s.crossOrigin = http.NewCrossOriginProtection()
	s.crossOrigin.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, forbidden("This form was sent from another site; open the dashboard itself and try again."))
	}))
	s.routes()
	return s, nil
}

// routes is the Server's URL table.
func (s *Server) routes() {
	m := http.NewServeMux()
	m.Handle("GET /dashboard/{$}", s.page(s.home))
	m.Handle("GET "+bot.SignInPath+"{secret}", s.limited(s.page(s.signInPage)))
	m.Handle("POST /dashboard/signin", s.limited(s.page(s.signIn)))
	m.Handle("POST /dashboard/signout", s.page(s.signOut))
	m.Handle("GET /dashboard/cohort", s.page(s.cohortPage))
	m.Handle("GET /dashboard/hosts/{user}", s.page(s.hostPage))
	m.Handle("POST /dashboard/hosts/{user}/excuse", s.page(s.excuse))
	m.Handle("GET /dashboard/stipend", s.page(s.stipendPage))
	m.Handle("GET /dashboard/stipend.csv", s.page(s.stipendCSV))
	m.Handle("GET /dashboard/spaces", s.page(s.spacesPage))
	m.Handle("GET /dashboard/applications", s.page(s.applicationsPage))
	m.Handle("POST /dashboard/applications/{user}/{decision}", s.page(s.decide))
	m.Handle("GET /dashboard/static/", http.StripPrefix("/dashboard/", http.FileServerFS(staticFS)))
	m.Handle("GET "+bot.FeedPath+"{file}", s.page(s.feed))
	m.Handle("/dashboard/", s.page(func(http.ResponseWriter, *http.Request) error {
		return notFound("There is no such page.")
	}))
	s.mux = m
}

// Routes are the patterns to mount the Server under on a shared listener.
func Routes() []string { return []string{"/dashboard/", bot.FeedPath} }

// ServeHTTP serves the dashboard and the feeds.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer") // sign-in and feed links carry secrets
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	s.crossOrigin.Handler(s.mux).ServeHTTP(w, r)
}

// handlerFunc is a page handler: it writes a page, or returns the error
// the one error page shows.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// page adapts a handlerFunc, rendering its error.
func (s *Server) page(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// httpError is an error with the status and words a page shows for it.
type httpError struct {
	status  int
	title   string
	message string
	// signIn says the page should tell how to get a sign-in link.
	signIn bool
}

func (e *httpError) Error() string { return e.title + ": " + e.message }

func notFound(msg string) error {
	return &httpError{status: http.StatusNotFound, title: "Not found", message: msg}
}
func badRequest(msg string) error {
	return &httpError{status: http.StatusBadRequest, title: "That request is not right", message: msg}
}
func forbidden(msg string) error {
	return &httpError{status: http.StatusForbidden, title: "Not yours to see", message: msg}
}
func unauthorized(msg string) error {
	return &httpError{status: http.StatusUnauthorized, title: "Sign in", message: msg, signIn: true}
}

// fail renders err as the error page: an httpError as it says, a bot
// error by its kind, anything else as a generic 500 that is logged.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	if !errors.As(err, &he) {
		he = fromBotError(err)
	}
	if he.status == http.StatusInternalServerError {
		s.log.Error("dashboard request failed", "method", r.Method, "path", redactPath(r.URL.Path), "err", err)
	}
	if he.status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "60")
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, he.status, "error", errorView{layout: layout{Title: he.title}, Message: he.message, SignIn: he.signIn})
}

// fromBotError maps a domain error to a page: its kind to a status, its
// message (written for users) as is.
func fromBotError(err error) *httpError {
	msg := bot.UserMessage(err)
	switch bot.KindOf(err) {
	case bot.KindInvalid:
		return &httpError{status: http.StatusBadRequest, title: "That request is not right", message: msg}
	case bot.KindNotFound:
		return &httpError{status: http.StatusNotFound, title: "Not found", message: msg}
	case bot.KindForbidden:
		return &httpError{status: http.StatusForbidden, title: "Not allowed", message: msg}
	case bot.KindConflict:
		return &httpError{status: http.StatusConflict, title: "Not now", message: msg}
	}
	return &httpError{status: http.StatusInternalServerError, title: "Something went wrong", message: "Something went wrong; it has been logged. Try again in a moment."}
}

// redactPath hides the secret in a sign-in or feed path before it is logged.
func redactPath(p string) string {
	for _, prefix := range []string{bot.SignInPath, bot.FeedPath} {
		if strings.HasPrefix(p, prefix) {
			return prefix + "…"
		}
	}
	return p
}

// now is the Server's clock reading.
func (s *Server) now() time.Time { return s.clock.Now() }
