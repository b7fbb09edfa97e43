package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sparkbot/bot"
)

// memX is an in-memory X for the watcher's rules: accounts, Spaces, and a
// budget it reports as it is told. (adapters/xsource tests the real
// client against the fake X server.)
type memX struct {
	mu     sync.Mutex
	users  map[string]bot.XUser // by lower-case handle
	spaces map[string]bot.XSpace
	budget bot.XBudget
	down   bool
	polled [][]string // each SpacesByCreators call's ids
	asked  []string   // each UserByName call's handle
}

func newMemX() *memX {
	return &memX{users: map[string]bot.XUser{}, spaces: map[string]bot.XSpace{}, budget: bot.XBudget{Remaining: -1}}
}

var errDown = errors.New("X is down")

func (x *memX) UserByName(_ context.Context, handle string) (bot.XUser, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.asked = append(x.asked, handle)
	if x.down {
		return bot.XUser{}, errDown
	}
	u, ok := x.users[strings.ToLower(handle)]
	if !ok {
		return bot.XUser{}, bot.ErrXNotFound
	}
	return u, nil
}

func (x *memX) Space(_ context.Context, id string) (bot.XSpace, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.down {
		return bot.XSpace{}, errDown
	}
	sp, ok := x.spaces[id]
	if !ok {
		return bot.XSpace{}, bot.ErrXNotFound
	}
	return sp, nil
}

func (x *memX) Spaces(ctx context.Context, ids []string) (bot.XSpaces, error) {
	var out bot.XSpaces
	for _, id := range ids {
		sp, err := x.Space(ctx, id)
		switch {
		case errors.Is(err, bot.ErrXNotFound):
			out.NotFound = append(out.NotFound, id)
		case err != nil:
			return bot.XSpaces{}, err
		default:
			out.Spaces = append(out.Spaces, sp)
		}
	}
	return out, nil
}

func (x *memX) SpacesByCreators(_ context.Context, xids []string) (bot.XSpaces, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.polled = append(x.polled, slices.Clone(xids))
	if x.down {
		return bot.XSpaces{}, errDown
	}
	var out bot.XSpaces
	for _, sp := range x.spaces {
		if slices.Contains(xids, sp.CreatorID) && sp.State != bot.XEnded {
			out.Spaces = append(out.Spaces, sp)
		}
	}
	return out, nil
}

func (x *memX) CreatorBudget() bot.XBudget {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.budget
}

func (x *memX) addUser(handle, id string, followers int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.users[strings.ToLower(handle)] = bot.XUser{ID: id, Username: handle, Followers: followers}
}

func (x *memX) put(sp bot.XSpace) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.spaces[sp.ID] = sp
}

// xHarness is the router's harness with X on: a watcher over memX.
type xHarness struct {
	*harness
	x *memX
	w *bot.Watcher
}

func newXHarness(t *testing.T, now string) *xHarness {
	h := newHarness(t, now)
	x := newMemX()
	h.router.SetX(x)
	return &xHarness{harness: h, x: x, w: bot.NewWatcher(h.store, x, h.clock, nil, slog.New(slog.DiscardHandler))}
}

func (h *xHarness) round() { h.w.Round(context.Background()) }

// addLinkedHosts adds n hosts, h000 on, each linked to X account 5000+i
// (resolved now), as staff's /cohort add and link would leave them.
func (h *xHarness) addLinkedHosts(n int) {
	h.t.Helper()
	now := h.clock.Now()
	for i := range n {
		user := fmt.Sprintf("h%03d", i)
		h.must("boss", true, fmt.Sprintf("/cohort add user:@%s handle:@%s_x", user, user), "Added")
		link := bot.XLink{UserID: user, Handle: user + "_x", XID: fmt.Sprint(5000 + i), Resolved: now}
		if err := h.store.PutXLink(context.Background(), h.ws, link); err != nil {
			h.t.Fatal(err)
		}
	}
}

func TestPollAllowance(t *testing.T) {
	now := time.Date(2031, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		b    bot.XBudget
		want int
	}{
		{"X has not said: a fair share of 300", bot.XBudget{Remaining: -1, Now: now}, 20},
		{"a fresh window", bot.XBudget{Limit: 300, Remaining: 299, Reset: now.Add(15 * time.Minute), Now: now}, 19},
		{"half spent halfway", bot.XBudget{Limit: 300, Remaining: 150, Reset: now.Add(450 * time.Second), Now: now}, 18},
		{"spent early: nothing until the reset", bot.XBudget{Limit: 300, Remaining: 0, Reset: now.Add(10 * time.Minute), Now: now}, 0},
		{"the window resets within the round", bot.XBudget{Limit: 300, Remaining: 0, Reset: now.Add(10 * time.Second), Now: now}, 20},
		{"the last minute gets what is left", bot.XBudget{Limit: 300, Remaining: 27, Reset: now.Add(50 * time.Second), Now: now}, 27},
		{"a smaller limit", bot.XBudget{Limit: 75, Remaining: -1, Now: now}, 5},
		{"no more than a round can send, a request at a time", bot.XBudget{Limit: 300, Remaining: 280, Reset: now.Add(20 * time.Second), Now: now}, 30},
	}
	for _, tt := range tests {
		if got := bot.PollAllowance(tt.b, time.Minute); got != tt.want {
			t.Errorf("%s: PollAllowance = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestRoundRobinWithinBudget: with room for one batch a round, the hosts
// on schedule come first every round, then, once seen live, the host
// live before them; the rest take turns.
func TestRoundRobinWithinBudget(t *testing.T) {
	h := newXHarness(t, "2026-12-01T12:00:00-05:00")
	h.withCohort("2026-11-30")
	now := h.clock.Now()
	h.addLinkedHosts(250)
	h.must("h007", false, `/spaces schedule add title:"Noon" days:tue time:12:05 tz:America/New_York`, "Saved")
	h.x.put(bot.XSpace{ID: "1live", State: bot.XLive, CreatorID: "5200", StartedAt: now, Participants: 3})
	h.x.budget = bot.XBudget{Limit: 300, Remaining: 100, Reset: now.Add(100 * time.Minute), Now: now} // one batch a round
	for range 4 {
		h.round()
		h.clock.Advance(time.Minute)
	}
	batches := h.x.polled
	if len(batches) != 4 {
		t.Fatalf("got %d batches in 4 rounds, want one a round", len(batches))
	}
	seen := map[string]int{}
	for i, b := range batches {
		if len(b) != 100 {
			t.Errorf("round %d polled %d hosts, want a full batch of 100", i+1, len(b))
		}
		switch want := []string{"5007", "5007", "5007", "5200"}[i]; {
		case b[0] != want:
			t.Errorf("round %d began with %s, want %s", i+1, b[0], want)
		case i == 3 && b[1] != "5007":
			t.Errorf("round 4 polled the live host, then %s, want 5007, on schedule", b[1])
		}
		for _, id := range b {
			seen[id]++
		}
	}
	if len(seen) != 250 {
		t.Errorf("in 4 rounds %d of 250 hosts were polled, want all of them in turn", len(seen))
	}
}

// TestHandlesResolvedOnce: a handle is resolved once; one X does not know
// is told to staff once, and asked about again a day later.
func TestHandlesResolvedOnce(t *testing.T) {
	h := newXHarness(t, "2026-12-01T12:00:00-05:00")
	h.withCohort("2026-11-30", "alice", "bob")
	h.must("boss", true, "/cohort settings staff:#staff", "Saved")
	h.x.addUser("alice_x", "1001", 12000)
	for range 3 {
		h.round()
		h.clock.Advance(time.Minute)
	}
	if got := strings.Join(h.x.asked, ","); got != "alice_x,bob_x" {
		t.Errorf("asked X for %s, want alice_x and bob_x once each", got)
	}
	links := h.must("boss", true, "/cohort links", "X accounts")
	for _, want := range []string{"@alice: @alice_x — X id 1001, not seen live yet", "@bob: @bob_x — X has no such account"} {
		if !strings.Contains(links, want) {
			t.Errorf("/cohort links lacks %q:\n%s", want, links)
		}
	}
	jobs, err := h.store.PendingJobs(context.Background(), h.ws.Key()+"/xlink/")
	if err != nil || len(jobs) != 1 || jobs[0].Channel != "staff" || !strings.Contains(render(*jobs[0].Message, h.clock.Now()), "X has no account @bob_x, the handle of @bob") {
		t.Fatalf("staff's notices: %+v, %v; want one post in #staff about @bob_x", jobs, err)
	}
	h.clock.Advance(24 * time.Hour)
	h.round()
	if got := strings.Join(h.x.asked, ","); got != "alice_x,bob_x,bob_x" {
		t.Errorf("a day later, asked X for %s, want bob_x once more", got)
	}
	if jobs, _ := h.store.PendingJobs(context.Background(), h.ws.Key()+"/xlink/"); len(jobs) != 1 {
		t.Errorf("staff were told %d times, want once", len(jobs))
	}
}

// TestCohortLink: staff set a host's account, resolved at once; nobody
// sets their own, and one account is one host.
func TestCohortLink(t *testing.T) {
	h := newXHarness(t, "2026-12-01T12:00:00-05:00")
	h.withCohort("2026-11-30", "alice", "bob", "boss")
	h.x.addUser("alice_real", "1001", 12000)
	h.must("boss", true, "/cohort link user:@alice handle:@alice_real", "Linked @alice to @alice_real on X (X id 1001): their Spaces there are seen and logged for them.")
	for _, tt := range []struct{ user, line, want string }{
		{"alice", "/cohort link user:@alice handle:@other", "/cohort link is for program staff only."},
		{"boss", "/cohort link user:@boss handle:@boss_2", "Another staff member must change your own X link"},
		{"boss", "/cohort link user:@bob handle:@Alice_Real", "@Alice_Real is the X account of @alice already: one X account is one host."},
		{"boss", "/cohort link user:@bob handle:@nobody_here", "Linked @bob to @nobody_here on X, but X has no account @nobody_here"},
	} {
		if got := h.do(tt.user, tt.user == "boss", tt.line); !strings.Contains(got, tt.want) {
			t.Errorf("%s as %s:\n got %q\nwant %q", tt.line, tt.user, got, tt.want)
		}
	}
	host, err := h.store.Host(context.Background(), h.ws, "alice")
	if err != nil || host.Handle != "alice_real" {
		t.Errorf("alice's handle is %q (%v), want alice_real", host.Handle, err)
	}
}

// TestFollowersCheckedOnX: staff see X's follower count beside the
// applicant's, and an applicant below the minimum on X is told so.
func TestFollowersCheckedOnX(t *testing.T) {
	h := newXHarness(t, "2026-11-30T09:00:00-05:00")
	h.withCohort("2026-11-30")
	h.x.addUser("carol_x", "1003", 3400)
	got := h.must("carol", false, "/spaces apply handle:@carol_x followers:12000 country:US", "doesn't meet the cohort's rules")
	if !strings.Contains(got, "followers on X: @carol_x has 3,400, below the cohort's minimum of 5,000") {
		t.Errorf("carol's reply: %q", got)
	}
	h.must("dan", false, "/spaces apply handle:@dan_x followers:9000 country:US", "X has no account @dan_x")
	list := h.must("boss", true, "/cohort applications", "Pending applications")
	for _, want := range []string{"@carol_x, 12,000 followers (3,400 on X), US", "@dan_x, 9,000 followers (no such account on X), US"} {
		if !strings.Contains(list, want) {
			t.Errorf("/cohort applications lacks %q:\n%s", want, list)
		}
	}
}

// TestUnansweredLinkResolvedLater: a /cohort link X does not answer in
// time is resolved later by the watcher, backing off while X stays
// silent; meanwhile nothing says X has no such account, /cohort links
// says it is not resolved yet, and a pasted link is rechecked later.
func TestUnansweredLinkResolvedLater(t *testing.T) {
	h := newXHarness(t, "2026-12-01T12:00:00-05:00")
	h.withCohort("2026-11-30", "carol")
	h.x.addUser("carol_x", "1003", 9000)
	h.x.down = true
	got := h.must("boss", true, "/cohort link user:@carol handle:@carol_x", "Linked @carol to @carol_x on X")
	if !strings.Contains(got, "X did not answer") || strings.Contains(got, "no account") {
		t.Errorf("/cohort link while X is silent: %q, want it to say X did not answer", got)
	}
	asked := len(h.x.asked)
	for range 10 {
		h.round()
		h.clock.Advance(time.Minute)
	}
	if n := len(h.x.asked) - asked; n < 2 || n > 4 {
		t.Errorf("in 10 rounds with X silent the watcher asked X %d times, want it to keep asking, backing off (2–4 times)", n)
	}
	links := h.must("boss", true, "/cohort links", "X accounts")
	if !strings.Contains(links, "@carol: @carol_x — not resolved on X yet") || strings.Contains(links, "X id ,") {
		t.Errorf("/cohort links while X is silent:\n%s\nwant carol's handle not resolved yet", links)
	}
	got = h.must("carol", false, "/spaces log url:1eaKbrPAqbwKX", "Logged Space 1eaKbrPAqbwKX")
	if !strings.Contains(got, "I'll ask X again later") || strings.Contains(got, "no account") {
		t.Errorf("carol's paste while her handle is not resolved: %q, want it kept and rechecked later", got)
	}
	if jobs, err := h.store.PendingJobs(context.Background(), h.ws.Key()+"/recheck/"); err != nil || len(jobs) != 1 {
		t.Errorf("recheck jobs: %d (%v), want one", len(jobs), err)
	}
	h.x.down = false
	for range 30 {
		h.round()
		h.clock.Advance(time.Minute)
	}
	links = h.must("boss", true, "/cohort links", "X accounts")
	if !strings.Contains(links, "@carol: @carol_x — X id 1003, not seen live yet") {
		t.Errorf("/cohort links once X answers again:\n%s\nwant carol resolved to 1003", links)
	}
}

// TestOneXAccountOneHost: every path that sets a host's handle refuses
// one another host has (naming that host); and should two hosts share
// an X id all the same, the watcher credits neither and tells staff.
func TestOneXAccountOneHost(t *testing.T) {
	h := newXHarness(t, "2026-12-01T12:00:00-05:00")
	h.withCohort("2026-11-30", "alice")
	h.x.addUser("alice_x", "1001", 12000)
	for _, tt := range []struct{ user, line, want string }{
		{"boss", "/cohort add user:@aaron handle:@Alice_X", "@Alice_X is the X account of @alice already: one X account is one host."},
		{"bob", "/spaces apply handle:@alice_x followers:9000 country:US", "Application"},
		{"boss", "/cohort approve user:@bob", "@alice_x is the X account of @alice already: one X account is one host."},
		{"boss", "/cohort link user:@alice handle:@alice_x", "Linked @alice"},
	} {
		if got := h.do(tt.user, tt.user == "boss", tt.line); !strings.Contains(got, tt.want) {
			t.Errorf("%s as %s:\n got %q\nwant %q", tt.line, tt.user, got, tt.want)
		}
	}
	for _, u := range []string{"aaron", "bob"} {
		if host, err := h.store.Host(context.Background(), h.ws, u); err == nil && len(host.Memberships) > 0 {
			t.Errorf("%s became a host with alice's X account: %+v", u, host)
		}
	}
}

// TestSharedXIDCreditsNobody: two hosts linked to one X id (as data made
// before the rule, or a handle X moved to another account) are both left
// uncredited by the watcher, and staff are told, in the staff channel and
// in /cohort links.
func TestSharedXIDCreditsNobody(t *testing.T) {
	h := newXHarness(t, "2026-12-01T12:00:00-05:00")
	h.withCohort("2026-11-30", "alice", "bob")
	h.must("boss", true, "/cohort settings staff:#staff", "Saved")
	ctx := context.Background()
	now := h.clock.Now()
	for _, u := range []string{"alice", "bob"} {
		if err := h.store.PutXLink(ctx, h.ws, bot.XLink{UserID: u, Handle: u + "_x", XID: "1001", Resolved: now}); err != nil {
			t.Fatal(err)
		}
	}
	h.x.put(bot.XSpace{ID: "1shared", State: bot.XLive, CreatorID: "1001", Title: "Whose?", StartedAt: now, Participants: 9})
	h.round()
	h.clock.Advance(20 * time.Minute)
	h.x.put(bot.XSpace{ID: "1shared", State: bot.XEnded, CreatorID: "1001", Title: "Whose?", StartedAt: now, EndedAt: h.clock.Now(), Participants: 9})
	h.round()
	if l, err := h.store.Log(ctx, h.ws, "1shared"); err == nil {
		t.Errorf("the Space of a shared X id was logged for %s", l.UserID)
	}
	jobs, err := h.store.PendingJobs(ctx, h.ws.Key()+"/xshared/")
	if err != nil || len(jobs) != 1 || jobs[0].Channel != "staff" {
		t.Fatalf("staff's notices: %+v, %v; want one post in #staff", jobs, err)
	}
	if got := render(*jobs[0].Message, h.clock.Now()); !strings.Contains(got, "@alice and @bob are linked to the same X account (X id 1001)") {
		t.Errorf("staff's notice: %q", got)
	}
	links := h.must("boss", true, "/cohort links", "X accounts")
	if !strings.Contains(links, "@alice: @alice_x — X id 1001, shared with @bob: neither is credited") {
		t.Errorf("/cohort links:\n%s\nwant the shared X id flagged", links)
	}
}

// TestLowBudgetKeepsPriorities: with less left of X's window than a
// request a round, the hosts live or on schedule are still polled every
// round while any request is left (the others fill the same batch); with
// nothing left, nobody is until the reset.
func TestLowBudgetKeepsPriorities(t *testing.T) {
	h := newXHarness(t, "2026-12-01T12:00:00-05:00")
	h.withCohort("2026-11-30")
	now := h.clock.Now()
	h.addLinkedHosts(150)
	h.must("h007", false, `/spaces schedule add title:"Noon" days:tue time:12:05 tz:America/New_York`, "Saved")
	h.x.put(bot.XSpace{ID: "1live", State: bot.XLive, CreatorID: "5120", StartedAt: now, Participants: 3})
	h.x.budget = bot.XBudget{Limit: 300, Remaining: 3, Reset: now.Add(10 * time.Minute), Now: now}
	var logs strings.Builder
	h.w = bot.NewWatcher(h.store, h.x, h.clock, nil, slog.New(slog.NewTextHandler(&logs, nil)))
	for range 3 { // the second sees 5120 live, in its turn
		h.round()
	}
	if len(h.x.polled) != 3 {
		t.Fatalf("with 3 requests left for 10 minutes, 3 rounds sent %d requests, want 1 each for the hosts on schedule and live", len(h.x.polled))
	}
	if b := h.x.polled[2]; len(b) != 100 || b[0] != "5120" || b[1] != "5007" {
		t.Errorf("the third round polled %d hosts, from %v; want a full batch, from the live host then the one on schedule", len(b), b[:min(len(b), 2)])
	}
	h.x.budget.Remaining = 0
	h.round()
	if len(h.x.polled) != 3 {
		t.Errorf("with nothing left, a round sent a request")
	}
	if n := strings.Count(logs.String(), "rate window is nearly spent"); n != 1 {
		t.Errorf("the log says the window is nearly spent %d times in one window, want once:\n%s", n, logs.String())
	}
}

// TestUnresolvedHandleToldWhereStaffLook: with no staff or digest
// channel, a handle X has no account for is not marked as told: staff
// see it in /cohort links and /cohort report, and hear of it in the
// channel once one is set.
func TestUnresolvedHandleToldWhereStaffLook(t *testing.T) {
	h := newXHarness(t, "2026-12-01T12:00:00-05:00")
	h.withCohort("2026-11-30", "bob")
	h.round()
	if jobs, _ := h.store.PendingJobs(context.Background(), h.ws.Key()+"/xlink/"); len(jobs) != 0 {
		t.Fatalf("with no staff channel, %d posts queued", len(jobs))
	}
	if l, err := h.store.XLink(context.Background(), h.ws, "bob"); err != nil || !l.Missing || l.Told {
		t.Errorf("bob's link: %+v, %v; want missing and not yet told", l, err)
	}
	report := h.must("boss", true, "/cohort report", "Spark Phase 1")
	if !strings.Contains(report, "X accounts to fix") || !strings.Contains(report, "@bob: X has no account @bob_x") {
		t.Errorf("/cohort report does not tell staff of bob's handle:\n%s", report)
	}
	h.must("boss", true, "/cohort settings staff:#staff", "Saved")
	h.clock.Advance(24 * time.Hour)
	h.round()
	if jobs, _ := h.store.PendingJobs(context.Background(), h.ws.Key()+"/xlink/"); len(jobs) != 1 || jobs[0].Channel != "staff" {
		t.Errorf("once a staff channel is set: %+v, want one post in #staff", jobs)
	}
}

// TestFollowersCheckedLater: an application X did not answer for in time
// is checked on X later by the watcher; staff then see X's count, and an
// applicant below the minimum on X is told by DM.
func TestFollowersCheckedLater(t *testing.T) {
	h := newXHarness(t, "2026-11-30T09:00:00-05:00")
	h.withCohort("2026-11-30")
	h.x.addUser("carol_x", "1003", 3400)
	h.x.down = true
	h.must("carol", false, "/spaces apply handle:@carol_x followers:12000 country:US", "Application received")
	h.must("boss", true, "/cohort applications", "(not checked on X)")
	h.x.down = false
	for range 6 {
		h.round()
		h.clock.Advance(time.Minute)
	}
	list := h.must("boss", true, "/cohort applications", "Pending applications")
	for _, want := range []string{"@carol_x, 12,000 followers (3,400 on X), US", "⚠ followers on X: @carol_x has 3,400, below the cohort's minimum of 5,000"} {
		if !strings.Contains(list, want) {
			t.Errorf("/cohort applications lacks %q:\n%s", want, list)
		}
	}
	if dms := h.dms("carol"); len(dms) != 1 || !strings.Contains(dms[0], "X says @carol_x has 3,400 followers, below Spark Phase 1's minimum of 5,000") {
		t.Errorf("carol's DMs: %q, want one saying what X counts", dms)
	}
}

// TestPastedLinkClockSkew: X's started_at a little ahead of the bot's
// clock is X's word, not a log in the future; far ahead, or too old, the
// refusal says what X says and blames no option the host did not type.
func TestPastedLinkClockSkew(t *testing.T) {
	h := newXHarness(t, "2026-12-09T20:00:00-05:00")
	h.withCohort("2026-11-30", "alice")
	h.x.addUser("alice_x", "1001", 12000)
	h.round()
	now := h.clock.Now()
	h.x.put(bot.XSpace{ID: "1ahead", State: bot.XLive, CreatorID: "1001", Title: "Ahead", StartedAt: now.Add(40 * time.Second), Participants: 5})
	h.x.put(bot.XSpace{ID: "1farahead", State: bot.XLive, CreatorID: "1001", StartedAt: now.Add(20 * time.Minute), Participants: 5})
	h.x.put(bot.XSpace{ID: "1old", State: bot.XEnded, CreatorID: "1001", StartedAt: now.Add(-8 * 24 * time.Hour), EndedAt: now.Add(-8*24*time.Hour + time.Hour)})
	if got := h.do("alice", false, "/spaces log url:1ahead"); !strings.Contains(got, "✓ Verified by X.") {
		t.Errorf("X's start 40 s ahead of the bot's clock: %q, want it verified", got)
	}
	for _, tt := range []struct{ line, want string }{
		{"/spaces log url:1farahead", "X says Space 1farahead started 2026-12-09 20:20 EST, ahead of sparkbot's clock (20:00 EST); log it again in a few minutes."},
		{"/spaces log url:1old", "X says Space 1old started 2026-12-01 20:00 EST, more than 7 days ago; hosts can log the last 7 days only."},
	} {
		got := h.do("alice", false, tt.line)
		if !strings.Contains(got, tt.want) || strings.Contains(got, "at:") {
			t.Errorf("%s:\n got %q\nwant %q, and no at: blamed", tt.line, got, tt.want)
		}
	}
}

// TestAutoLogSaysWhatCounted: a second verified Space less than the
// overlap gap after the first counts once with it; its DM says so, and
// what counts, rather than announce it as one more.
func TestAutoLogSaysWhatCounted(t *testing.T) {
	h := newXHarness(t, "2026-12-02T20:00:00-05:00")
	h.withCohort("2026-11-30", "alice")
	h.x.addUser("alice_x", "1001", 12000)
	h.round()
	at := func(m int) time.Time {
		return mustParse(t, "2026-12-02T20:00:00-05:00").Add(time.Duration(m) * time.Minute)
	}
	h.x.put(bot.XSpace{ID: "1first", State: bot.XLive, CreatorID: "1001", Title: "First", StartedAt: at(0), Participants: 10})
	h.clock.Set(at(1))
	h.round()
	h.x.put(bot.XSpace{ID: "1first", State: bot.XEnded, CreatorID: "1001", Title: "First", StartedAt: at(0), EndedAt: at(10), Participants: 10})
	h.x.put(bot.XSpace{ID: "1second", State: bot.XLive, CreatorID: "1001", Title: "Second", StartedAt: at(20), Participants: 7})
	h.clock.Set(at(21))
	h.round()
	h.x.put(bot.XSpace{ID: "1second", State: bot.XEnded, CreatorID: "1001", Title: "Second", StartedAt: at(20), EndedAt: at(40), Participants: 7})
	h.clock.Set(at(41))
	h.round()
	dms := h.dms("alice")
	if len(dms) != 2 {
		t.Fatalf("alice's DMs: %q, want two", dms)
	}
	want := "It started less than 30m after ‘First’ (Wed 2 Dec 20:00 EST), so the two count as one Space: ‘First’. This week: 1 of 2"
	if !strings.Contains(dms[1], want) {
		t.Errorf("the second DM:\n%s\nwant it to say %q", dms[1], want)
	}
}
