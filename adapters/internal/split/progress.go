package split

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"
	"time"

	"sparkbot/bot"
)

// progressTTL is how long the parts already sent of a failed delivery are
// remembered: longer than the outbox waits between attempts.
const progressTTL = 24 * time.Hour

// maxProgress bounds how many failed deliveries are remembered.
const maxProgress = 10_000

// Progress remembers, for deliveries of several messages that failed part
// way, how many of their messages went out, so that the outbox's retry of
// the same delivery sends only the rest. A delivery is known by its Key:
// where it goes and what it says. Nothing is remembered of a delivery that
// succeeded, so the same message sent again later goes out in full. It
// lives in memory: after a restart a retry sends every part again, as a
// delivery cut off by a crash is sent again (never lost).
type Progress struct {
	clock bot.Clock

	mu   sync.Mutex
	sent map[string]progressEntry
}

type progressEntry struct {
	parts   int
	expires time.Time
}

// NewProgress returns an empty memory that reads the time from clock.
func NewProgress(clock bot.Clock) *Progress {
	return &Progress{clock: clock, sent: map[string]progressEntry{}}
}

// Key names a delivery of msg to target (a user or channel id, with its
// workspace).
func Key(ws bot.WorkspaceRef, target string, msg bot.Message) string {
	data, err := json.Marshal(msg)
	if err != nil {
		return "" // not resumable; every attempt sends every part
	}
	sum := sha256.Sum256(append([]byte(ws.Key()+"\x00"+target+"\x00"), data...))
	return hex.EncodeToString(sum[:])
}

// Send sends parts 0..n-1 of the delivery key, in order, with send, skipping
// those a failed attempt already sent. It stops at the first error and
// remembers how far it got.
func (p *Progress) Send(key string, n int, send func(i int) error) error {
	start := p.start(key)
	for i := start; i < n; i++ {
		if err := send(i); err != nil {
			p.record(key, i)
			return err
		}
	}
	p.forget(key)
	return nil
}

func (p *Progress) start(key string) int {
	if key == "" {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.sent[key]
	if !ok || !p.clock.Now().Before(e.expires) {
		delete(p.sent, key)
		return 0
	}
	return e.parts
}

func (p *Progress) record(key string, parts int) {
	if key == "" || parts == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.sent) >= maxProgress {
		clear(p.sent) // crude but bounded: the worst is a part sent twice
	}
	p.sent[key] = progressEntry{parts: parts, expires: p.clock.Now().Add(progressTTL)}
}

func (p *Progress) forget(key string) {
	if key == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.sent, key)
}
