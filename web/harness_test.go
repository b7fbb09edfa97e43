package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/edge"
	"sparkbot/storage/bolt"
	"sparkbot/web"
)

// countingRandom is injected randomness: every read gives new bytes, the
// same in every run.
type countingRandom struct{ n byte }

func (r *countingRandom) Read(p []byte) (int, error) {
	for i := range p {
		r.n++
		p[i] = r.n
	}
	return len(p), nil
}

// site is a dashboard on real bbolt in a temp dir, a real router and a
// fake clock, served over loopback HTTP. The sign-in limit runs on a fake
// wall clock of its own, as in production it runs on the real one.
type site struct {
	t      *testing.T
	db     *bolt.DB
	clock  *bot.FakeClock
	wall   *bot.FakeClock
	router *bot.Router
	web    *web.Server
	srv    *httptest.Server
	ws     bot.WorkspaceRef
	logger *slog.Logger
}

func newSite(t *testing.T, now string) *site {
	t.Helper()
	start, err := time.Parse(time.RFC3339, now)
	if err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(t.TempDir(), "sparkbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := &site{t: t, db: db, clock: bot.NewFakeClock(start), wall: bot.NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)),
		ws: bot.WorkspaceRef{Platform: bot.Console, ID: "local"}, logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s.router = bot.NewRouter(db, s.clock, s.logger)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.web.ServeHTTP(w, r) }))
	t.Cleanup(s.srv.Close)
	s.serve(nil)
	s.router.SetDashboard(&bot.Dashboard{Tokens: db, Random: &countingRandom{}, URL: s.srv.URL})
	return s
}

// serve (re)builds the dashboard the site serves, trusting proxies.
func (s *site) serve(proxies []netip.Prefix) {
	s.t.Helper()
	var err error
	s.web, err = web.New(web.Config{Store: s.db, Router: s.router, Clock: s.clock, Random: &countingRandom{n: 100},
		PublicURL: s.srv.URL, Logger: s.logger, SignIns: edge.NewLimiter(s.wall, web.SignInsPerMinute), TrustedProxies: proxies})
	if err != nil {
		s.t.Fatal(err)
	}
}

// do runs one console-syntax command; its reply must contain want.
func (s *site) do(user string, staff bool, line, want string) string {
	s.t.Helper()
	path, opts, err := bot.ParseCommandLine(line)
	if err != nil {
		s.t.Fatalf("%s: %v", line, err)
	}
	resp := s.router.Handle(context.Background(), bot.Request{Workspace: s.ws, UserID: user, UserName: user, Staff: staff, Path: path, Options: opts})
	got := resp.PlainText(func(sp bot.Span) string { return sp.Plain(s.clock.Now()) })
	if !strings.Contains(got, want) {
		s.t.Fatalf("%s as %s:\n got %q\nwant it to contain %q", line, user, got, want)
	}
	return got
}

// seed is the standard cohort: staff "boss", hosts alice and bob.
func (s *site) seed() *site {
	s.t.Helper()
	s.do("boss", true, `/cohort create name:"Spark Phase 1" start:2026-11-30`, "Created")
	s.do("boss", true, "/cohort add user:@alice handle:@alice_x", "Added")
	s.do("boss", true, "/cohort add user:@bob handle:@bob_x", "Added")
	return s
}

var linkRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+(/dashboard/signin/[A-Za-z0-9_-]+|/ical/[A-Za-z0-9_-]+\.ics)`)

// link asks for a sign-in link in chat and returns its path.
func (s *site) link(user string, staff bool) string {
	s.t.Helper()
	cmd := "/spaces dashboard"
	if staff {
		cmd = "/cohort dashboard"
	}
	m := linkRE.FindStringSubmatch(s.do(user, staff, cmd, "Sign in"))
	if m == nil {
		s.t.Fatalf("no sign-in link in the reply to %s", cmd)
	}
	return m[1]
}

// browser is an HTTP client with its own cookies that does not follow
// redirects, so tests see each response.
type browser struct {
	t    *testing.T
	site *site
	c    *http.Client
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: s.t, site: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is a response read whole.
type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) get(path string) page {
	b.t.Helper()
	resp, err := b.c.Get(b.site.srv.URL + path)
	return b.read(resp, err)
}

func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	resp, err := b.c.PostForm(b.site.srv.URL+path, form)
	return b.read(resp, err)
}

func (b *browser) read(resp *http.Response, err error) page {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

var secretField = regexp.MustCompile(`name="secret" value="([^"]+)"`)
var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn opens link and presses Sign in, as a person would.
func (b *browser) signIn(link string) page {
	b.t.Helper()
	p := b.get(link)
	m := secretField.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil {
		b.t.Fatalf("GET %s: status %d, no Sign in form:\n%s", link, p.status, p.body)
	}
	return b.post("/dashboard/signin", url.Values{"secret": {m[1]}})
}

// csrf reads the form token of the page at path.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	p := b.get(path)
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		b.t.Fatalf("no csrf field on %s (status %d)", path, p.status)
	}
	return m[1]
}

func wantStatus(t *testing.T, what string, p page, status int, text string) {
	t.Helper()
	if p.status != status || !strings.Contains(p.body, text) {
		t.Fatalf("%s: status %d, want %d with %q; body:\n%s", what, p.status, status, text, p.body)
	}
}
