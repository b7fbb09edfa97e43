package bot_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/storage/bolt"
)

// countingRandom is an injected randomness source whose bytes differ at
// every read, so each secret is new and tests are repeatable.
type countingRandom struct{ n byte }

func (r *countingRandom) Read(p []byte) (int, error) {
	for i := range p {
		r.n++
		p[i] = r.n
	}
	return len(p), nil
}

// newHarnessAt is newHarness on the database file path, which the test reads.
func newHarnessAt(t *testing.T, now, path string) *harness {
	t.Helper()
	h := newHarness(t, now)
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h.store = db
	h.router = bot.NewRouter(db, h.clock, nil)
	return h
}

func (h *harness) withDashboard() *harness {
	h.router.SetDashboard(&bot.Dashboard{Tokens: h.store, Random: &countingRandom{}, URL: "https://bot.example.org/"})
	return h
}

var linkRE = regexp.MustCompile(`https://bot\.example\.org(/dashboard/signin/|/ical/)([A-Za-z0-9_-]+)(\.ics)?`)

// secretIn returns the secret of the one link in reply.
func secretIn(t *testing.T, reply string) string {
	t.Helper()
	m := linkRE.FindAllStringSubmatch(reply, -1)
	if len(m) != 1 {
		t.Fatalf("want one link in the reply, got %d:\n%s", len(m), reply)
	}
	return m[0][2]
}

func TestDashboardSignInLinks(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice").withDashboard()
	ctx := context.Background()
	reply := h.must("boss", true, "/cohort dashboard", "works once")
	secret := secretIn(t, reply)
	if !bot.ValidSecret(secret) {
		t.Errorf("secret %q is not 256 bits of URL-safe base64", secret)
	}
	g, err := h.store.Token(ctx, bot.HashToken(secret))
	if err != nil {
		t.Fatal(err)
	}
	want := bot.Grant{Kind: bot.TokenSignIn, Workspace: h.ws, UserID: "boss", Name: "boss", Staff: true,
		Created: h.clock.Now(), Expires: h.clock.Now().Add(15 * time.Minute)}
	if !g.Created.Equal(want.Created) || !g.Expires.Equal(want.Expires) {
		t.Errorf("link times: created %v expires %v, want %v and %v", g.Created, g.Expires, want.Created, want.Expires)
	}
	g.Created, g.Expires = want.Created, want.Expires
	if g != want {
		t.Errorf("grant = %+v\nwant    %+v", g, want)
	}

	host := secretIn(t, h.must("alice", false, "/spaces dashboard", "your page"))
	if g, _ := h.store.Token(ctx, bot.HashToken(host)); g.Staff || g.UserID != "alice" {
		t.Errorf("host link grant = %+v, want alice without staff rights", g)
	}
	if host == secret {
		t.Error("two links share a secret")
	}
	h.must("alice", false, "/cohort dashboard", "for program staff only")
	h.must("carol", false, "/spaces dashboard", "not a host")
}

// TestSecretsAreNotStored reads the database file: a link's secret must
// not be in it, only its hash.
func TestSecretsAreNotStored(t *testing.T) {
	dir := t.TempDir()
	h := newHarnessAt(t, "2026-11-30T09:00:00-05:00", filepath.Join(dir, "sparkbot.db")).withCohort("2026-11-30", "alice").withDashboard()
	secrets := []string{
		secretIn(t, h.must("boss", true, "/cohort dashboard", "works once")),
		secretIn(t, h.must("alice", false, "/spaces calendar", "calendar feed")),
	}
	h.store.Close()
	data, err := os.ReadFile(filepath.Join(dir, "sparkbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("the database file holds secret %q", s)
		}
		hash := bot.HashToken(s)
		if !bytes.Contains(data, hash[:]) {
			t.Errorf("the database file lacks the hash of %q", s)
		}
	}
}

func TestCalendarFeedCommands(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice").withDashboard()
	ctx := context.Background()
	first := secretIn(t, h.must("alice", false, "/spaces calendar", "Google refreshes"))
	again := h.must("alice", false, "/spaces calendar", "shown only when it is made")
	if linkRE.MatchString(again) {
		t.Errorf("asking again showed an address:\n%s", again)
	}
	second := secretIn(t, h.must("alice", false, "/spaces calendar reset", "old feed address has stopped working"))
	if _, err := h.store.Token(ctx, bot.HashToken(first)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("reset left the old feed working: %v", err)
	}
	g, err := h.store.Token(ctx, bot.HashToken(second))
	if err != nil || g.Scope != bot.FeedHost || g.UserID != "alice" || !g.Expires.IsZero() {
		t.Errorf("new feed = %+v, %v", g, err)
	}

	staff := secretIn(t, h.must("boss", true, "/cohort calendar", "every host's recurring Spaces"))
	h.must("alice", false, "/cohort calendar", "for program staff only")
	h.must("judy", true, "/cohort calendar user:@boss", "/cohort calendar reset user:@boss")
	h.must("judy", true, "/cohort calendar reset user:@boss", "Revoked the cohort calendar feed of @boss")
	if _, err := h.store.Token(ctx, bot.HashToken(staff)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("revoked staff feed still works: %v", err)
	}
	h.must("judy", true, "/cohort calendar reset user:@boss", "has no cohort calendar feed")
}

func TestDashboardCommandsWithoutDashboard(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice")
	for _, line := range []string{"/spaces dashboard", "/spaces calendar"} {
		h.must("alice", false, line, "no web dashboard")
	}
	h.must("boss", true, "/cohort dashboard", "no web dashboard")
}

func TestNewSecret(t *testing.T) {
	a, err := bot.NewSecret(&countingRandom{})
	if err != nil {
		t.Fatal(err)
	}
	if !bot.ValidSecret(a) || len(a) != 43 {
		t.Errorf("secret %q: want 43 characters of URL-safe base64", a)
	}
	if _, err := bot.NewSecret(strings.NewReader("short")); err == nil {
		t.Error("a random source that runs dry gave a secret")
	}
	for _, bad := range []string{"", "abc", strings.Repeat("a", 42), strings.Repeat("!", 43), strings.Repeat("a", 44)} {
		if bot.ValidSecret(bad) {
			t.Errorf("ValidSecret(%q) = true", bad)
		}
	}
}
