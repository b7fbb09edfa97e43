package bot

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// The watcher: sparkbot's eye on X. A scheduler job runs one Round a
// minute (on the bot's clock). A round polls X's by/creator_ids for the
// linked hosts of every open cohort, in batches of 100, within what X's
// rate window has left (on the wall clock: XSource.CreatorBudget):
//
//   - first the hosts X showed live, and the hosts inside a scheduled
//     window (from 10 minutes before a registered or X-scheduled Space
//     starts to 30 minutes after it is due to end): every round;
//   - then every other linked host, round-robin, with what is left.
//
// What it sees is kept as SeenSpaces. A live Space's peak participant
// count is kept over the rounds; once its creator is polled and it is no
// longer live, it is looked up once more for ended_at and logged as
// verified by X (autolog.go). Scheduled Spaces count toward a host's week
// and get reminders (xschedule.go). Everything is in the store, so a
// restart while a Space is live neither loses nor doubles it.

// Watch timings.
const (
	// WatchInterval is how often a round runs, on the bot's clock.
	WatchInterval = time.Minute
	// windowBefore and windowAfter bound a scheduled window: hosts in one
	// are polled every round.
	windowBefore = 10 * time.Minute
	windowAfter  = 30 * time.Minute
	// xScheduledLength is how long a Space scheduled on X is taken to run
	// for its window; X does not say.
	xScheduledLength = time.Hour
	// roundTimeout bounds a round's calls to X, rate waits included.
	roundTimeout = 45 * time.Second
	// resetSlack: a window that resets this soon is as good as renewed;
	// the client waits for the reset within the round.
	resetSlack = 30 * time.Second
	// xDefaultLimit is X's limit for the Spaces endpoints (requests per
	// window), taken until X has said.
	xDefaultLimit = 300
	// maxRoundRequests is the most by/creator_ids requests a round sends:
	// one at a time, each 1.1 s after the last one's answer (xapi), what
	// fits in roundTimeout with X taking a few hundred milliseconds to
	// answer each.
	maxRoundRequests = 30
	// XWindow is the length of X's rate windows.
	XWindow = 15 * time.Minute
	// maxResolves bounds the handles a round resolves and the applicants'
	// followers it checks (users/by/username has a budget of its own).
	maxResolves = 15
	// staleLive is how long a Space may go unseen while X cannot confirm
	// it ended before it is logged as it was last seen.
	staleLive = 2 * time.Hour
)

// Watcher watches X for linked hosts' Spaces. Its Round is one poll; the
// scheduler runs it as a job. It is safe for concurrent use: rounds do not
// overlap.
type Watcher struct {
	store   Store
	x       XSource
	clock   Clock
	planner Planner
	log     *slog.Logger

	mu sync.Mutex // held by the round in progress
	// next is the X id the round-robin goes on from (in memory only: after
	// a restart the turn starts again from the first host).
	next string
	// toldShared holds the keys of the staff notices about shared X ids
	// queued by this process (AddJobs keeps them once across restarts).
	toldShared map[string]bool
	// short is the reset of the last window noteShort logged about.
	short time.Time
	// lookups is the back-off of users/by/username lookups while X does
	// not answer them (in memory: a restart asks at once).
	lookups backoff
	// set is the hosts to watch as last loaded, at loaded (bot clock);
	// reloaded every watchReload, so a round reads every host and link
	// only now and then.
	set    *watchSet
	loaded time.Time
	stale  atomic.Bool // set by Stale: reload at the next round
}

// watchReload is how often a round reads every workspace's hosts, links
// and schedules again, besides when Stale says they changed (the
// scheduler does, whenever the router replans a host or a cohort; with
// replicas, only the leader's watcher polls, and the leader's scheduler
// calls Stale before a round when a change was marked in the shared store
// on any replica). The open Spaces are read every round.
const watchReload = 5 * time.Minute

// Stale makes the next round read the hosts, links and schedules again.
func (w *Watcher) Stale() { w.stale.Store(true) }

// NewWatcher returns a watcher reading X through x and keeping what it
// sees in store; planner hears of the logs it makes.
func NewWatcher(store Store, x XSource, clock Clock, planner Planner, logger *slog.Logger) *Watcher {
	if logger == nil {
		logger = slog.Default()
	}
	if planner == nil {
		planner = noPlanner{}
	}
	return &Watcher{store: store, x: x, clock: clock, planner: planner, log: logger}
}

// watched is one linked host in one workspace.
type watched struct {
	ws        WorkspaceRef
	co        Cohort
	host      Host
	link      XLink
	schedules []Schedule
}

// watchSet is what a round works on: every linked host by X id, the hosts
// whose handles are not resolved yet, and the open Spaces of each workspace.
type watchSet struct {
	byXID      map[string][]*watched
	order      []string                             // every key of byXID, sorted (index)
	scheduled  []string                             // the keys of byXID with a registered schedule (index)
	users      map[WorkspaceRef]map[string]*watched // linked hosts by user id
	unresolved []*watched
	unchecked  []appCheck // pending applications X has not counted followers for
	lookups    int        // users/by/username lookups this round may still send
	open       map[WorkspaceRef][]SeenSpace
	cohorts    map[WorkspaceRef]Cohort
}

// polled is what a round heard from X: the X ids it answered for (only of
// those may a Space no longer returned be taken to have ended) and the
// Spaces it returned.
type polled struct {
	creators map[string]bool
	spaces   map[string]bool
}

// Round runs one poll of X and returns when the next is due. It never
// fails: what X or the store could not do now is tried again next round.
func (w *Watcher) Round(ctx context.Context) time.Time {
	now := w.clock.Now()
	next := now.Add(WatchInterval)
	if !w.mu.TryLock() {
		return next // the last round is still going
	}
	defer w.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, roundTimeout)
	defer cancel()
	set, err := w.snapshot(ctx, now)
	if err != nil {
		w.log.Error("watching X: reading the hosts to watch", "err", err)
		return next
	}
	set.lookups = maxResolves
	w.resolve(ctx, set, now)
	w.recheckFollowers(ctx, set, now)
	w.tellShared(ctx, set, now)
	got := w.poll(ctx, set, now)
	w.settle(ctx, set, got, now)
	return next
}

// snapshot is the hosts to watch now: the last load while it is fresh,
// with the open Spaces read again.
func (w *Watcher) snapshot(ctx context.Context, now time.Time) (*watchSet, error) {
	if w.stale.Swap(false) || w.set == nil || now.Sub(w.loaded) >= watchReload || now.Before(w.loaded) {
		set, err := w.load(ctx, now)
		if err != nil {
			return nil, err
		}
		w.set, w.loaded = set, now
		return set, nil
	}
	for ws := range w.set.users {
		open, err := w.store.OpenSeenSpaces(ctx, ws)
		if err != nil {
			return nil, err
		}
		w.set.open[ws] = open
	}
	return w.set, nil
}

// load reads every workspace's linked hosts, with their schedules, and the
// Spaces still open.
func (w *Watcher) load(ctx context.Context, now time.Time) (*watchSet, error) {
	wss, err := w.store.Workspaces(ctx)
	if err != nil {
		return nil, err
	}
	set := &watchSet{byXID: map[string][]*watched{}, users: map[WorkspaceRef]map[string]*watched{},
		open: map[WorkspaceRef][]SeenSpace{}, cohorts: map[WorkspaceRef]Cohort{}}
	for _, ws := range wss {
		if err := w.loadWorkspace(ctx, set, ws, now); err != nil {
			return nil, err
		}
	}
	set.index()
	return set, nil
}

// index sorts the X ids, for the round-robin, and lists those with a
// registered schedule, for priorities: once a load, not every round.
func (s *watchSet) index() {
	s.order, s.scheduled = s.order[:0], s.scheduled[:0]
	for xid, hosts := range s.byXID {
		s.order = append(s.order, xid)
		if slices.ContainsFunc(hosts, func(wh *watched) bool { return len(wh.schedules) > 0 }) {
			s.scheduled = append(s.scheduled, xid)
		}
	}
	sort.Strings(s.order)
	sort.Strings(s.scheduled)
}

func (w *Watcher) loadWorkspace(ctx context.Context, set *watchSet, ws WorkspaceRef, now time.Time) error {
	co, err := w.store.Cohort(ctx, ws)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	set.cohorts[ws] = co
	if !now.Before(co.EndsAt()) {
		return nil // an ended cohort is not watched
	}
	hosts, byUser, err := hostsAndLinks(ctx, w.store, ws)
	if err != nil {
		return err
	}
	schedules, err := w.store.Schedules(ctx, ws)
	if err != nil {
		return err
	}
	ofUser := map[string][]Schedule{}
	for _, s := range schedules {
		ofUser[s.UserID] = append(ofUser[s.UserID], s)
	}
	set.users[ws] = map[string]*watched{}
	for _, h := range hosts {
		if !h.MemberOf(co) || h.Handle == "" {
			continue
		}
		wh := &watched{ws: ws, co: co, host: h, link: byUser[h.UserID], schedules: ofUser[h.UserID]}
		switch {
		case wh.link.For(h.Handle) && wh.link.Linked():
			set.byXID[wh.link.XID] = append(set.byXID[wh.link.XID], wh)
			set.users[ws][h.UserID] = wh
		case needsResolving(wh.link, h.Handle, now):
			set.unresolved = append(set.unresolved, wh)
		}
	}
	if err := w.loadUnchecked(ctx, set, ws, co); err != nil {
		return err
	}
	set.open[ws], err = w.store.OpenSeenSpaces(ctx, ws)
	return err
}

// loadUnchecked lists co's pending applications whose followers X did
// not count when they came in.
func (w *Watcher) loadUnchecked(ctx context.Context, set *watchSet, ws WorkspaceRef, co Cohort) error {
	apps, err := w.store.Applications(ctx, ws)
	if err != nil {
		return err
	}
	for _, a := range apps {
		if a.State == Pending && a.Cohort == co.ID && a.XChecked.IsZero() && a.Handle != "" {
			set.unchecked = append(set.unchecked, appCheck{ws: ws, co: co, app: a})
		}
	}
	return nil
}

// needsResolving reports whether a host's handle should be looked up on X
// now: it has no link for it, X has not answered for it yet (a
// /cohort link X did not answer in time), or X had no such account a day
// ago or more.
func needsResolving(l XLink, handle string, now time.Time) bool {
	if !l.For(handle) || !l.Missing && !l.Linked() {
		return true
	}
	return l.Missing && now.Sub(l.CheckedAt) >= 24*time.Hour
}

// host returns the host X account xid is in ws, if linked there to one
// host only: an account two hosts share is credited to neither (staff
// are told: tellShared).
func (s *watchSet) host(ws WorkspaceRef, xid string) *watched {
	var found *watched
	for _, wh := range s.byXID[xid] {
		if wh.ws != ws {
			continue
		}
		if found != nil {
			return nil
		}
		found = wh
	}
	return found
}

// priorities returns the X ids to poll this round whatever the budget,
// most urgent first: hosts of a Space that is live (or was when last
// seen), then hosts inside a scheduled window.
func (s *watchSet) priorities(now time.Time) []string {
	live, window := map[string]bool{}, map[string]bool{}
	for ws, open := range s.open {
		for _, sp := range open {
			for _, xid := range s.xidsOf(ws, sp) {
				switch {
				case sp.State == XLive:
					live[xid] = true
				case inWindow(now, sp.ScheduledStart, sp.ScheduledStart.Add(xScheduledLength)):
					window[xid] = true
				}
			}
		}
	}
	for _, xid := range s.scheduled {
		if !live[xid] && slices.ContainsFunc(s.byXID[xid], func(wh *watched) bool { return onSchedule(wh.schedules, now) }) {
			window[xid] = true
		}
	}
	out := sortedIDs(live)
	for _, xid := range sortedIDs(window) {
		if !live[xid] {
			out = append(out, xid)
		}
	}
	return out
}

// xidsOf are the X ids to poll for sp: its creator's, if linked anywhere
// (by/creator_ids finds a Space by its creator only).
func (s *watchSet) xidsOf(_ WorkspaceRef, sp SeenSpace) []string {
	if _, ok := s.byXID[sp.CreatorID]; ok {
		return []string{sp.CreatorID}
	}
	return nil
}

// inWindow reports whether now is inside the scheduled window of a Space
// due from start to end.
func inWindow(now, start, end time.Time) bool {
	return !start.IsZero() && !now.Before(start.Add(-windowBefore)) && now.Before(end.Add(windowAfter))
}

// onSchedule reports whether now is inside the scheduled window of one of
// schedules' occurrences.
func onSchedule(schedules []Schedule, now time.Time) bool {
	for _, sc := range schedules {
		for _, t := range sc.Occurrences(now.Add(-sc.Duration-windowAfter), now.Add(windowBefore+time.Nanosecond)) {
			if inWindow(now, t, t.Add(sc.Duration)) {
				return true
			}
		}
	}
	return false
}

func sortedIDs(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// PollAllowance is how many by/creator_ids requests one round may send:
// an even share of what is left of X's window over the rounds left in it,
// on the wall clock, and no more than fit in a round at one a second.
// Before X has said, a round takes its share of X's documented limit; a
// window about to reset counts as renewed.
func PollAllowance(b XBudget, interval time.Duration) int {
	limit := b.Limit
	if limit <= 0 {
		limit = xDefaultLimit
	}
	share := max(1, int(int64(limit)*int64(interval)/int64(XWindow)))
	if b.Remaining < 0 || b.Reset.IsZero() {
		return share
	}
	left := b.Reset.Sub(b.Now)
	if left <= resetSlack {
		return min(b.Remaining+share, maxRoundRequests)
	}
	rounds := int((left + interval - 1) / interval)
	return min(b.Remaining/rounds, maxRoundRequests)
}

// pollPlan is the X ids a round polls, in order: the urgent ones (see
// priorities), then the others from the round-robin's turn on.
type pollPlan struct {
	ids    []string
	urgent int      // how many of ids are urgent
	rest   []string // every other linked X id, sorted
	start  int      // where in rest the turn began
}

// spendable is how many requests X's window has left that a round could
// send now: all but a round's cap of what remains, or, before X has said,
// the round's share.
func spendable(b XBudget, interval time.Duration) int {
	if b.Remaining < 0 || b.Reset.IsZero() || b.Reset.Sub(b.Now) <= resetSlack {
		return PollAllowance(b, interval)
	}
	return min(b.Remaining, maxRoundRequests)
}

// plan makes the round's pollPlan within the budget: PollAllowance's
// share of it, and while the window has anything left, at least the
// batches the urgent hosts need (PollAllowance runs to 0 when the window
// runs low; the urgent are polled every round all the same, and the
// others fill what room their batches have).
func (w *Watcher) plan(set *watchSet, now time.Time, b XBudget) pollPlan {
	first := set.priorities(now)
	allowance := PollAllowance(b, WatchInterval)
	if need := (len(first) + MaxXBatch - 1) / MaxXBatch; allowance < need {
		allowance = max(allowance, min(need, spendable(b, WatchInterval)))
	}
	room := allowance * MaxXBatch
	if len(first) >= room {
		return pollPlan{ids: first[:room], urgent: room}
	}
	urgent := make(map[string]bool, len(first))
	for _, id := range first {
		urgent[id] = true
	}
	p := pollPlan{ids: first, urgent: len(first), rest: set.order}
	if len(first) > 0 {
		p.rest = make([]string, 0, len(set.order))
		for _, xid := range set.order {
			if !urgent[xid] {
				p.rest = append(p.rest, xid)
			}
		}
	}
	p.start = sort.SearchStrings(p.rest, w.next) // the first id at or after the turn
	for i := 0; i < min(room-len(first), len(p.rest)); i++ {
		p.ids = append(p.ids, p.rest[(p.start+i)%len(p.rest)])
	}
	return p
}

// noteShort logs, once a window, that X's window has too little left for
// the round-robin: until it resets only the urgent hosts are polled.
func (w *Watcher) noteShort(b XBudget, polled, linked int) {
	if PollAllowance(b, WatchInterval) > 0 || b.Reset.IsZero() || w.short.Equal(b.Reset) {
		return
	}
	w.short = b.Reset
	w.log.Warn("watching X: X's rate window is nearly spent; until it resets only hosts live or on schedule are polled",
		"remaining", b.Remaining, "reset", b.Reset, "polled", polled, "linked", linked)
}

// after is where the turn goes on once the first n of p.ids were polled.
func (p pollPlan) after(n int, current string) string {
	if len(p.rest) == 0 {
		return current
	}
	return p.rest[(p.start+max(0, n-p.urgent))%len(p.rest)]
}

// poll asks X for the live and scheduled Spaces of this round's hosts and
// records what it sees.
func (w *Watcher) poll(ctx context.Context, set *watchSet, now time.Time) polled {
	got := polled{creators: map[string]bool{}, spaces: map[string]bool{}}
	if len(set.byXID) == 0 {
		return got
	}
	b := w.x.CreatorBudget()
	p := w.plan(set, now, b)
	w.noteShort(b, len(p.ids), len(set.order))
	n := 0
	for batch := range slices.Chunk(p.ids, MaxXBatch) {
		res, err := w.x.SpacesByCreators(ctx, batch)
		if err != nil {
			w.log.Warn("watching X: polling creators failed; the rest wait for the next round", "hosts", len(p.ids)-n, "err", err)
			break
		}
		n += len(batch)
		for _, id := range batch {
			got.creators[id] = true
		}
		for _, sp := range res.Spaces {
			if got.creators[sp.CreatorID] && (sp.State == XLive || sp.State == XScheduled) {
				got.spaces[sp.ID] = true
				w.observe(ctx, set, sp, now)
			}
		}
		w.lost(ctx, set, res.NotFound, now)
	}
	w.next = p.after(n, w.next)
	return got
}

// lost handles accounts X says do not exist (deleted, suspended): their
// links are dropped, so the handle is resolved again, and staff hear of it
// as of a handle that does not resolve.
func (w *Watcher) lost(ctx context.Context, set *watchSet, xids []string, now time.Time) {
	if len(xids) > 0 {
		w.Stale() // the next round reads the links again, without these
	}
	for _, xid := range xids {
		for _, wh := range set.byXID[xid] {
			wh.link.XID, wh.link.Missing, wh.link.CheckedAt = "", true, now
			w.unresolvable(ctx, wh, now)
		}
	}
}

// observe records one Space X returned live or scheduled in every
// workspace where its creator or a co-host is linked.
func (w *Watcher) observe(ctx context.Context, set *watchSet, sp XSpace, now time.Time) {
	for ws := range workspacesOf(set, sp) {
		if err := w.observeIn(ctx, set, ws, sp, now); err != nil {
			w.log.Error("watching X: recording a Space", "workspace", ws.Key(), "space", sp.ID, "err", err)
		}
	}
}

// workspacesOf are the workspaces with a linked host among sp's creator and hosts.
func workspacesOf(set *watchSet, sp XSpace) map[WorkspaceRef]bool {
	out := map[WorkspaceRef]bool{}
	for _, xid := range append([]string{sp.CreatorID}, sp.HostIDs...) {
		for _, wh := range set.byXID[xid] {
			out[wh.ws] = true
		}
	}
	return out
}

func (w *Watcher) observeIn(ctx context.Context, set *watchSet, ws WorkspaceRef, sp XSpace, now time.Time) error {
	old, err := w.store.SeenSpace(ctx, ws, sp.ID)
	known := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if known && !old.Open() {
		return nil // logged already: a late answer
	}
	rec := seenFrom(set, ws, old, sp, now)
	wentLive := rec.State == XLive && (!known || old.State != XLive)
	if wentLive {
		w.announce(ctx, set, ws, &rec)
	}
	if known && !wentLive && rec.State == XScheduled && sameSeen(old, rec) {
		return nil // nothing new: no write
	}
	if err := w.store.PutSeenSpace(ctx, ws, rec); err != nil {
		return err
	}
	if wentLive {
		w.touchLinks(ctx, set, ws, rec, now)
	}
	if rec.State == XScheduled {
		return w.remindScheduled(ctx, set, ws, rec, now)
	}
	return nil
}

// seenFrom is the record of sp in ws: old (if any) updated with what X says now.
func seenFrom(set *watchSet, ws WorkspaceRef, old SeenSpace, sp XSpace, now time.Time) SeenSpace {
	rec := old
	rec.ID, rec.CreatorID, rec.Title, rec.State = sp.ID, sp.CreatorID, sp.Title, sp.State
	if rec.Cohort == 0 {
		rec.Cohort = set.cohorts[ws].ID
	}
	rec.UserID, rec.CoHosts = "", nil
	if wh := set.host(ws, sp.CreatorID); wh != nil {
		rec.UserID = wh.host.UserID
	}
	for _, xid := range sp.HostIDs {
		if wh := set.host(ws, xid); wh != nil && wh.host.UserID != rec.UserID && !slices.Contains(rec.CoHosts, wh.host.UserID) {
			rec.CoHosts = append(rec.CoHosts, wh.host.UserID)
		}
	}
	if !sp.ScheduledStart.IsZero() {
		rec.ScheduledStart = sp.ScheduledStart
	}
	if sp.State == XLive {
		rec.StartedAt = firstNonZero(sp.StartedAt, rec.StartedAt, now)
		rec.Peak = max(rec.Peak, sp.Participants)
	}
	rec.LastSeen = now
	return rec
}

// sameSeen reports whether a scheduled Space's record changed in what
// matters (LastSeen aside).
func sameSeen(a, b SeenSpace) bool {
	return a.Title == b.Title && a.State == b.State && a.ScheduledStart.Equal(b.ScheduledStart) &&
		a.UserID == b.UserID && slices.Equal(a.CoHosts, b.CoHosts)
}

func firstNonZero(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// touchLinks records when the Space's hosts were last seen live.
func (w *Watcher) touchLinks(ctx context.Context, set *watchSet, ws WorkspaceRef, rec SeenSpace, at time.Time) {
	for _, u := range append([]string{rec.UserID}, rec.CoHosts...) {
		wh := set.users[ws][u]
		if wh == nil {
			continue
		}
		wh.link.LastLive = at
		if err := w.store.PutXLink(ctx, ws, wh.link); err != nil {
			w.log.Error("watching X: recording when a host was live", "workspace", ws.Key(), "user", u, "err", err)
		}
	}
}
