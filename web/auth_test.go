package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/edge"
	"sparkbot/web"
)

func TestSignInByLink(t *testing.T) {
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	b := s.browser()
	link := s.link("boss", true)

	// Opening the link (what a link preview does too) spends nothing.
	for range 3 {
		wantStatus(t, "GET of the link", b.get(link), http.StatusOK, `<button type="submit" class="primary">Sign in</button>`)
	}
	if p := b.get("/dashboard/cohort"); p.status != http.StatusUnauthorized {
		t.Fatalf("before pressing Sign in, the cohort page gave %d, want 401", p.status)
	}
	p := b.signIn(link)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/dashboard/cohort" {
		t.Fatalf("Sign in: %d to %q, want 303 to /dashboard/cohort", p.status, p.header.Get("Location"))
	}
	wantStatus(t, "cohort page after sign-in", b.get("/dashboard/cohort"), http.StatusOK, "Every host's weeks")
	wantStatus(t, "home", b.get("/dashboard/"), http.StatusSeeOther, "")

	host := s.browser()
	if p := host.signIn(s.link("alice", false)); p.header.Get("Location") != "/dashboard/hosts/alice" {
		t.Fatalf("a host's sign-in goes to %q, want their page", p.header.Get("Location"))
	}
	wantStatus(t, "own page", host.get("/dashboard/hosts/alice"), http.StatusOK, "alice_x")
}

func TestBadLinks(t *testing.T) {
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	used := s.link("boss", true)
	s.browser().signIn(used)
	expired := s.link("boss", true)
	forged := bot.SignInPath + strings.Repeat("A", 43) // well-formed, never issued
	tests := []struct {
		name, path, want string
		advance          time.Duration
	}{
		{"reused", used, "used already", 0},
		{"expired", expired, "has expired", 16 * time.Minute},
		{"forged", forged, "not one of ours", 0},
		{"malformed", bot.SignInPath + "not-a-secret", "not a sign-in link of ours", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.clock.Advance(tt.advance)
			b := s.browser()
			p := b.get(tt.path)
			wantStatus(t, "GET", p, http.StatusUnauthorized, tt.want)
			wantStatus(t, "GET", p, http.StatusUnauthorized, "/cohort dashboard")
			// Posting the secret straight away is refused the same way.
			secret := strings.TrimPrefix(tt.path, bot.SignInPath)
			p = b.post("/dashboard/signin", url.Values{"secret": {secret}})
			wantStatus(t, "POST", p, http.StatusUnauthorized, tt.want)
			if c := p.header.Get("Set-Cookie"); c != "" {
				t.Errorf("a refused sign-in set a cookie: %s", c)
			}
		})
	}
}

// TestLinkExpiresBetweenOpenAndPress: the link is checked again when the
// button is pressed.
func TestLinkExpiresBetweenOpenAndPress(t *testing.T) {
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	b := s.browser()
	link := s.link("boss", true)
	p := b.get(link)
	secret := secretField.FindStringSubmatch(p.body)[1]
	s.clock.Advance(15 * time.Minute)
	wantStatus(t, "late press", b.post("/dashboard/signin", url.Values{"secret": {secret}}), http.StatusUnauthorized, "has expired")
}

func TestSessionCookieAndExpiry(t *testing.T) {
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	b := s.browser()
	p := b.signIn(s.link("boss", true))
	c := p.header.Get("Set-Cookie")
	for _, want := range []string{"sparkbot_session=", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=43200"} {
		if !strings.Contains(c, want) {
			t.Errorf("session cookie %q lacks %s", c, want)
		}
	}
	if strings.Contains(c, "Secure") {
		t.Errorf("cookie on an http address is Secure: %s", c)
	}
	s.clock.Advance(12*time.Hour - time.Minute)
	wantStatus(t, "just before 12h", b.get("/dashboard/cohort"), http.StatusOK, "Cohort")
	s.clock.Advance(time.Minute)
	wantStatus(t, "after 12h", b.get("/dashboard/cohort"), http.StatusUnauthorized, "after 12 hours")
}

// TestSecureCookieOnHTTPS: with an https public URL the cookie is Secure
// and __Host- prefixed.
func TestSecureCookieOnHTTPS(t *testing.T) {
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	secure, err := web.New(web.Config{Store: s.db, Router: s.router, Clock: s.clock, Random: &countingRandom{n: 7}, PublicURL: "https://bot.example.org",
		SignIns: edge.NewLimiter(s.wall, web.SignInsPerMinute)})
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimPrefix(s.link("boss", true), bot.SignInPath)
	req := httptest.NewRequest("POST", "https://bot.example.org/dashboard/signin", strings.NewReader(url.Values{"secret": {secret}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	secure.ServeHTTP(rec, req)
	c := rec.Header().Get("Set-Cookie")
	for _, want := range []string{"__Host-sparkbot_session=", "Secure", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(c, want) {
			t.Errorf("https session cookie %q lacks %s", c, want)
		}
	}
}

func TestForgedSessionCookie(t *testing.T) {
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	for _, value := range []string{strings.Repeat("A", 43), "garbage", ""} {
		req, _ := http.NewRequest("GET", s.srv.URL+"/dashboard/cohort", nil)
		req.AddCookie(&http.Cookie{Name: "sparkbot_session", Value: value})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("cookie %q: status %d, want 401", value, resp.StatusCode)
		}
	}
	// A sign-in link's secret is not a session.
	b := s.browser()
	link := s.link("boss", true)
	req, _ := http.NewRequest("GET", s.srv.URL+"/dashboard/cohort", nil)
	req.AddCookie(&http.Cookie{Name: "sparkbot_session", Value: strings.TrimPrefix(link, bot.SignInPath)})
	p := b.read(http.DefaultClient.Do(req))
	wantStatus(t, "link secret as cookie", p, http.StatusUnauthorized, "session has ended")
}

func TestHostOnAnotherHostsPage(t *testing.T) {
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	alice := s.browser()
	alice.signIn(s.link("alice", false))
	wantStatus(t, "bob's page", alice.get("/dashboard/hosts/bob"), http.StatusForbidden, "another host&#39;s page")
	for _, path := range []string{"/dashboard/cohort", "/dashboard/stipend", "/dashboard/spaces", "/dashboard/applications", "/dashboard/stipend.csv"} {
		wantStatus(t, path, alice.get(path), http.StatusForbidden, "for program staff")
	}
	csrf := alice.csrf("/dashboard/hosts/alice")
	p := alice.post("/dashboard/applications/bob/approve", url.Values{"csrf": {csrf}})
	wantStatus(t, "host approving", p, http.StatusForbidden, "for program staff")
	p = alice.post("/dashboard/hosts/alice/excuse", url.Values{"csrf": {csrf}, "week": {"2026-12-01"}, "reason": {"me"}})
	wantStatus(t, "host excusing themself", p, http.StatusForbidden, "for program staff")

	boss := s.browser()
	boss.signIn(s.link("boss", true))
	wantStatus(t, "staff on a host's page", boss.get("/dashboard/hosts/bob"), http.StatusOK, "bob_x")
}

func TestCSRF(t *testing.T) {
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	s.do("carol", false, "/spaces apply handle:@carol_x followers:9000 country:US", "Application received")
	boss := s.browser()
	boss.signIn(s.link("boss", true))
	other := s.browser()
	other.signIn(s.link("judy", true))
	otherToken := other.csrf("/dashboard/applications")
	for _, tt := range []struct {
		name string
		form url.Values
	}{
		{"no token", url.Values{}},
		{"another session's token", url.Values{"csrf": {otherToken}}},
		{"a made-up token", url.Values{"csrf": {strings.Repeat("x", 43)}}},
	} {
		p := boss.post("/dashboard/applications/carol/approve", tt.form)
		wantStatus(t, tt.name, p, http.StatusForbidden, "did not come from your current session")
	}
	if a, _ := s.db.Application(t.Context(), s.ws, "carol"); a.State != bot.Pending {
		t.Fatalf("a forged form changed the application: %s", a.State)
	}
	p := boss.post("/dashboard/applications/carol/approve", url.Values{"csrf": {boss.csrf("/dashboard/applications")}})
	wantStatus(t, "with the token", p, http.StatusOK, "Approved @carol")
	// Signing out needs the token too.
	wantStatus(t, "sign out without token", boss.post("/dashboard/signout", nil), http.StatusForbidden, "did not come from")
	wantStatus(t, "sign out", boss.post("/dashboard/signout", url.Values{"csrf": {boss.csrf("/dashboard/cohort")}}), http.StatusOK, "signed out")
	wantStatus(t, "after sign out", boss.get("/dashboard/cohort"), http.StatusUnauthorized, "not signed in")
}

func TestSignInRateLimit(t *testing.T) {
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	b := s.browser()
	forged := bot.SignInPath + strings.Repeat("B", 43)
	limited := 0
	for range 25 {
		if b.get(forged).status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited != 5 {
		t.Fatalf("%d of 25 attempts in a minute were refused, want the 5 over the limit of 20", limited)
	}
	p := b.get(s.link("boss", true))
	wantStatus(t, "a good link while limited", p, http.StatusTooManyRequests, "Wait a minute")
	if p.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// The limit is on the wall clock: the bot's clock (--now on the
	// console) moving on lifts nothing.
	s.clock.Advance(time.Hour)
	wantStatus(t, "an hour later by the bot's clock", b.get(s.link("boss", true)), http.StatusTooManyRequests, "Wait a minute")
	s.wall.Advance(time.Minute)
	wantStatus(t, "a minute later", b.get(s.link("boss", true)), http.StatusOK, "Sign in")
}

// TestSignInRateLimitBehindProxy: behind a trusted proxy each client has
// its own limit, told by the right-most address in X-Forwarded-For that
// is not a trusted proxy's, which a client cannot forge; without trusted
// proxies the header is not read at all.
func TestSignInRateLimitBehindProxy(t *testing.T) {
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	forged := bot.SignInPath + strings.Repeat("B", 43)
	refused := func(xff string, n int) int {
		t.Helper()
		req, _ := http.NewRequest("GET", s.srv.URL+forged, nil)
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		k := 0
		for range n {
			if s.browser().read(http.DefaultClient.Do(req)).status == http.StatusTooManyRequests {
				k++
			}
		}
		return k
	}
	s.serve([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8")})
	if got := refused("203.0.113.5", web.SignInsPerMinute+1); got != 1 {
		t.Fatalf("client 203.0.113.5: %d refused of %d, want 1", got, web.SignInsPerMinute+1)
	}
	for _, tt := range []struct {
		xff     string
		refused bool
	}{
		{"203.0.113.9", false},                  // another client behind the proxy
		{"198.51.100.7, 203.0.113.5", true},     // the limited client, with a forged hop of its own
		{"203.0.113.5, 10.1.2.3", true},         // through a second trusted proxy
		{"203.0.113.5:4711", true},              // with its port
		{"2001:db8::1", false},                  // IPv6 clients count by their /64
		{"2001:db8::2", false},                  //
		{"10.9.9.9", false},                     // every hop trusted: the first one is the client
		{"garbage, 203.0.113.10", false},        // the proxy's hop is what counts
		{"", false},                             // straight to sparkbot: the connection's address
		{"2001:db8:0:1::1", false},              // another /64
		{"[2001:db8::3]:80, 203.0.113.5", true}, // the limited one again
		{"203.0.113.5 , ,10.0.0.1", true},       // sloppy but readable
	} {
		if got := refused(tt.xff, 1) == 1; got != tt.refused {
			t.Errorf("X-Forwarded-For %q: refused %v, want %v", tt.xff, got, tt.refused)
		}
	}
	if got := refused("2001:db8::2", web.SignInsPerMinute); got != 2 {
		t.Errorf("after ::1 and ::2 tried once each, %d of %d more from 2001:db8::2 were refused, want 2: one /64 shares one limit", got, web.SignInsPerMinute)
	}

	s.serve(nil) // no trusted proxy: the header is the client's say, not read
	if got := refused("203.0.113.20", web.SignInsPerMinute); got != 0 {
		t.Fatalf("%d refused of the first %d", got, web.SignInsPerMinute)
	}
	if refused("203.0.113.21", 1) != 1 {
		t.Error("without trusted proxies, a new X-Forwarded-For escaped the limit")
	}
}

func TestParseTrustedProxies(t *testing.T) {
	for _, tt := range []struct {
		in, want string // want: the prefixes, or "error"
	}{
		{"", ""},
		{"10.0.0.0/8", "10.0.0.0/8"},
		{" 127.0.0.1 , 10.0.0.0/8,fd00::/8 ", "127.0.0.1/32 10.0.0.0/8 fd00::/8"},
		{"::1", "::1/128"},
		{"10.0.0.1/8", "10.0.0.0/8"},
		{"10.0.0.0/33", "error"},
		{"bot.example.org", "error"},
		{"10.0.0.0/8,,", "error"},
	} {
		got, err := web.ParseTrustedProxies(tt.in)
		var s []string
		for _, p := range got {
			s = append(s, p.String())
		}
		if err != nil {
			s = []string{"error"}
			if !strings.Contains(err.Error(), "like 127.0.0.1,10.0.0.0/8") {
				t.Errorf("%q: error %q says no example", tt.in, err)
			}
		}
		if strings.Join(s, " ") != tt.want {
			t.Errorf("ParseTrustedProxies(%q) = %q, want %q", tt.in, strings.Join(s, " "), tt.want)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	p := s.browser().get(s.link("boss", true))
	for header, want := range map[string]string{
		"Referrer-Policy":         "no-referrer",
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'",
		"Cache-Control":           "no-store",
	} {
		if got := p.header.Get(header); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
}

// TestCrossSitePost: a form posted from another site is refused before
// its fields are read, whatever it carries.
func TestCrossSitePost(t *testing.T) {
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	secret := strings.TrimPrefix(s.link("boss", true), bot.SignInPath)
	req, _ := http.NewRequest("POST", s.srv.URL+"/dashboard/signin", strings.NewReader(url.Values{"secret": {secret}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	p := s.browser().read(http.DefaultClient.Do(req))
	wantStatus(t, "cross-site sign-in", p, http.StatusForbidden, "sent from another site")
	if g, _ := s.db.Token(t.Context(), bot.HashToken(secret)); !g.Used.IsZero() {
		t.Error("a cross-site post spent the link")
	}
}
