package bolt_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/scheduler"
	"sparkbot/storage/bolt"
)

// posts records what the scheduler posts and DMs.
type posts struct {
	mu   sync.Mutex
	sent []string
}

func (p *posts) DM(_ context.Context, _ bot.WorkspaceRef, userID string, m bot.Message) error {
	return p.record("@"+userID, m)
}

func (p *posts) Post(_ context.Context, _ bot.WorkspaceRef, channel string, m bot.Message) error {
	return p.record("#"+channel, m)
}

func (p *posts) record(target string, m bot.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent = append(p.sent, target+" "+m.PlainText(func(s bot.Span) string { return s.Text }))
	return nil
}

func (p *posts) count(prefix string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, s := range p.sent {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

// TestUpgradedFileSendsNothingTwice runs the scheduler on a schema-2 file:
// the digest it had already delivered (or given up on) is not planned
// again under its new key, and the one it had pending goes out once.
func TestUpgradedFileSendsNothingTwice(t *testing.T) {
	p := runUpgraded(t, bolt.WriteSchema2,
		time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC), // after week 1's digest
		time.Date(2026, 12, 14, 15, 0, 0, 0, time.UTC))
	if n := p.count("#c-digest Week 1 digest"); n != 0 {
		t.Errorf("week 1's digest, finished before the upgrade, went out %d times; want 0", n)
	}
	if n := p.count("#c-digest Week 2 digest"); n != 1 {
		t.Errorf("week 2's digest, pending at the upgrade, went out %d times; want once\n%q", n, p.sent)
	}
}

// TestUpgradedSchema7SendsNothingTwice runs the scheduler on a schema-7
// file, whose reminder, nudge, warning and alert keys named no cohort:
// what went out before the upgrade is not sent again under the new keys,
// and the reminder pending at the upgrade goes out once.
func TestUpgradedSchema7SendsNothingTwice(t *testing.T) {
	now := time.Date(2026, 12, 16, 0, 5, 0, 0, time.UTC)               // Tue 15 Dec 19:05 New York
	p := runUpgraded(t, bolt.WriteSchema7, now, now.Add(15*time.Hour)) // past the daily check
	for prefix, want := range map[string]int{
		"@alice ⏰ “Night owls” starts in":     1, // the 60m one was sent before the upgrade
		"@alice ⏰ “Night owls” starts in 10m": 1, // pending at the upgrade
		"@bob Did “Tea time” happen":          0,
		"@bob ⚠ At risk":                      0,
		"@carol Last week":                    0,
		"#c-staff ⚠":                          0, // carol's alert, sent before
	} {
		if n := p.count(prefix); n != want {
			t.Errorf("%q went out %d times, want %d\n%q", prefix, n, want, p.sent)
		}
	}
}

// runUpgraded writes an old file with write, opens it (upgrading it) and
// runs the scheduler on it from from to to, returning what it sent.
func runUpgraded(t *testing.T, write func(*testing.T, string), from, to time.Time) *posts {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sparkbot.db")
	write(t, path)
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := bot.NewFakeClock(from)
	sched := scheduler.New(db, clock, slog.New(slog.NewTextHandler(io.Discard, nil)), scheduler.Config{})
	p := &posts{}
	sched.SetNotifier(bot.Console, p)
	if err := sched.PlanAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	sched.AdvanceTo(t.Context(), clock, to)
	return p
}
