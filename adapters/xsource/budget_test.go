package xsource_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/xapi"
	"sparkbot/xapi/fakex"
)

// polls is an X source that records, per host (X ids 100000+i), the
// longest time between two polls of it.
type polls struct {
	bot.XSource
	clock bot.Clock
	mu    sync.Mutex
	last  []time.Time
	gap   []time.Duration
}

func (p *polls) SpacesByCreators(ctx context.Context, xids []string) (bot.XSpaces, error) {
	r, err := p.XSource.SpacesByCreators(ctx, xids)
	if err == nil {
		p.mu.Lock()
		now := p.clock.Now()
		for _, id := range xids {
			i, _ := strconv.Atoi(id)
			if i -= 100000; i < 0 || i >= len(p.last) {
				continue
			}
			if !p.last[i].IsZero() {
				p.gap[i] = max(p.gap[i], now.Sub(p.last[i]))
			}
			p.last[i] = now
		}
		p.mu.Unlock()
	}
	return r, err
}

// longestGap is the longest host i went unpolled, until end.
func (p *polls) longestGap(i int, end time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last[i].IsZero() {
		return 24 * time.Hour
	}
	return max(p.gap[i], end.Sub(p.last[i]))
}

// addHosts makes n members of the cohort, linked to X ids 100000+i, and
// the accounts on the fake X.
func (w *world) addHosts(n int) []string {
	w.t.Helper()
	co, err := w.db.Cohort(w.ctx, w.ws)
	if err != nil {
		w.t.Fatal(err)
	}
	ids := make([]string, n)
	for i := range n {
		user, xid := fmt.Sprintf("h%04d", i), fmt.Sprint(100000+i)
		handle := "host" + xid
		h := bot.Host{UserID: user, Name: user, Handle: handle, Zone: "America/New_York"}
		h.Join(co, w.clock.Now().Add(-time.Hour))
		if err := w.db.PutHost(w.ctx, w.ws, h); err != nil {
			w.t.Fatal(err)
		}
		if err := w.db.PutXLink(w.ctx, w.ws, bot.XLink{UserID: user, Handle: handle, XID: xid, Resolved: w.clock.Now()}); err != nil {
			w.t.Fatal(err)
		}
		w.x.AddUser(fakex.User{ID: xid, Username: handle})
		ids[i] = xid
	}
	return ids
}

// TestTwoThousandHostsADay polls 2,000 linked hosts through a simulated
// day: X is never asked more than 300 times in a 15-minute window nor
// twice in a wall-clock second, never answers 429, every host is polled
// at least every two minutes, and every Space of five minutes, on a
// host's schedule or not, is logged verified by X.
func TestTwoThousandHostsADay(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulated day: skipped with -short")
	}
	rec := &polls{last: make([]time.Time, 2000), gap: make([]time.Duration, 2000)}
	w := newWorld(t, "2026-12-01T00:00:00-05:00")
	rec.clock = w.clock
	w.wrap = func(src bot.XSource) bot.XSource { rec.XSource = src; return rec }
	w.noSync = true
	w.restart() // with the recorder in place, without fsync
	w.must("boss", true, `/cohort create name:"Spark Phase 1" start:2026-12-01 weekstart:tue`, "Created")
	ids := w.addHosts(2000)
	start := w.clock.Now()
	rng := rand.New(rand.NewPCG(9, 9))
	type space struct {
		id, xid    string
		start, end time.Time
	}
	var spaces []space
	for i, xid := range ids {
		switch {
		case i%4 == 0: // 500 hosts on a registered schedule, live 5 minutes inside it
			at := start.Add(time.Duration(60+rng.IntN(22*60)) * time.Minute)
			local := at.In(mustZone(t, "America/New_York"))
			line := fmt.Sprintf(`/spaces schedule add title:"Show %d" days:%s time:%02d:%02d duration:60m`, i, local.Weekday().String()[:3], local.Hour(), local.Minute())
			w.must(fmt.Sprintf("h%04d", i), false, line, "Saved")
			live := at.Add(time.Duration(rng.IntN(50)) * time.Minute)
			spaces = append(spaces, space{fmt.Sprintf("1sched%04d", i), xid, live, live.Add(5 * time.Minute)})
		case i%10 == 1: // 200 more, live 5 minutes off any schedule
			live := start.Add(time.Duration(30+rng.IntN(23*60)) * time.Minute)
			spaces = append(spaces, space{fmt.Sprintf("1free%04d", i), xid, live, live.Add(5 * time.Minute)})
		}
	}
	sort.Slice(spaces, func(i, j int) bool { return spaces[i].start.Before(spaces[j].start) })
	end := start.Add(24 * time.Hour)
	for m := start; m.Before(end); m = m.Add(time.Minute) {
		for _, sp := range spaces {
			switch {
			case sp.start.Equal(m):
				w.x.AddSpace(fakex.Space{ID: sp.id, State: "live", CreatorID: sp.xid, StartedAt: m, ParticipantCount: 7})
			case sp.end.Equal(m):
				w.x.End(sp.id, m)
			}
		}
		w.advanceTo(m.Add(time.Minute))
	}
	st := w.x.Stats(xapi.EndpointSpacesByCreators)
	t.Logf("by/creator_ids: %d requests, most in a window %d, most in a second %d, windows %v", st.Requests, st.MaxPerWindow, st.MaxPerSecond, st.Windows)
	if st.MaxPerWindow > 300 || st.MaxPerSecond > 1 || st.Limited > 0 {
		t.Errorf("X's limits broken: %d in one window, %d in one second, %d answered 429", st.MaxPerWindow, st.MaxPerSecond, st.Limited)
	}
	worst := time.Duration(0)
	for i := range ids {
		worst = max(worst, rec.longestGap(i, end))
	}
	if worst > 2*time.Minute {
		t.Errorf("a host went %s unpolled; want every host polled at least every 2 minutes", worst)
	}
	logs := w.logs()
	logged := map[string]bool{}
	for _, l := range logs {
		if l.Provenance == bot.VerifiedByX && l.Minutes == 5 {
			logged[l.SpaceID] = true
		}
	}
	for _, sp := range spaces {
		if !logged[sp.id] {
			t.Errorf("Space %s (%s to %s) was not logged", sp.id, sp.start.Format("15:04"), sp.end.Format("15:04"))
		}
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
