package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

// addLog stores a log as it would be after the watcher or a paste.
func (h *harness) addLog(l bot.SpaceLog) {
	h.t.Helper()
	if l.LoggedAt.IsZero() {
		l.LoggedAt = l.Start
	}
	if err := h.store.AddLog(context.Background(), h.ws, l); err != nil {
		h.t.Fatal(err)
	}
}

func mustParse(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestReview: staff see a week's logs X did not verify, approve one with
// its button and reject another with a reason: it stops counting, its
// host is told why, and it cannot be logged again.
func TestReview(t *testing.T) {
	h := newHarness(t, "2026-12-03T12:00:00-05:00")
	h.withCohort("2026-11-30", "alice", "bob")
	h.addLog(bot.SpaceLog{SpaceID: "1verified", UserID: "alice", Title: "Owls", Start: mustParse(t, "2026-12-01T20:00:00-05:00"), Listeners: 90, Minutes: 60, Provenance: bot.VerifiedByX})
	h.must("alice", false, `/spaces log url:1pasted title:"Late" at:"2026-12-02 21:00"`, "Logged")
	h.must("bob", false, `/spaces log url:1bobspace at:"2026-12-02 09:00"`, "Logged")
	resp := h.router.Handle(context.Background(), bot.Request{Workspace: h.ws, UserID: "boss", UserName: "boss", Staff: true, Path: []string{"cohort", "review"}})
	list := render(resp.Message, h.clock.Now())
	for _, want := range []string{
		"Logs to review — Spark Phase 1, week 1",
		"1. @bob: Space 1bobspace, Wed 2 Dec 09:00 EST — link, not verified",
		"2. @alice: Space 1pasted (Late), Wed 2 Dec 21:00 EST — link, not verified",
	} {
		if !strings.Contains(list, want) {
			t.Errorf("/cohort review lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(list, "1verified") || len(resp.Buttons) != 2 || resp.Buttons[1].Value != "1pasted" {
		t.Fatalf("review lists %q with buttons %+v; want the two unverified logs, each with a button", list, resp.Buttons)
	}
	click := h.router.Handle(context.Background(), bot.Request{Workspace: h.ws, UserID: "boss", Staff: true,
		Action: &bot.Action{ID: resp.Buttons[1].ActionID, Value: resp.Buttons[1].Value}})
	if got := render(click.Message, h.clock.Now()); !strings.Contains(got, "Approved Space 1pasted (Late) of @alice") {
		t.Errorf("approve: %q", got)
	}
	h.must("boss", true, `/cohort review reject space:1bobspace reason:"that was a test Space"`, "Rejected Space 1bobspace of @bob: it no longer counts")
	after := h.must("boss", true, "/cohort review", "Logs to review")
	if !strings.Contains(after, "Nothing to review") {
		t.Errorf("after approving one and rejecting the other:\n%s", after)
	}
	h.must("bob", false, "/spaces status", "This week: 0 of 2")
	if got := h.do("bob", false, `/spaces log url:1bobspace at:"2026-12-02 09:00"`); !strings.Contains(got, "Staff rejected Space 1bobspace (that was a test Space), so it cannot be logged again.") {
		t.Errorf("logging the rejected Space again: %q", got)
	}
	jobs, err := h.store.PendingJobs(context.Background(), h.ws.Key()+"/review/")
	if err != nil || len(jobs) != 1 || jobs[0].UserID != "bob" {
		t.Fatalf("DMs queued: %+v, %v; want one to bob", jobs, err)
	}
	if dm := render(*jobs[0].Message, h.clock.Now()); !strings.Contains(dm, "@boss rejected your log of Space 1bobspace, started Wed 2 Dec 09:00 EST: “that was a test Space”") {
		t.Errorf("bob's DM: %q", dm)
	}
	if got := h.do("alice", false, `/cohort review reject space:1pasted reason:x`); !strings.Contains(got, "for program staff only") {
		t.Errorf("a host rejecting: %q", got)
	}
}

// TestSpotlightAndLeaderboard: the leaderboard ranks by verified peak
// listeners; the spotlight lists the week's Spaces X verified, most
// listeners first, with host, peak and length.
func TestSpotlightAndLeaderboard(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00")
	h.withCohort("2026-11-30", "alice", "bob", "cara")
	h.clock.Set(mustParse(t, "2026-12-04T12:00:00-05:00"))
	h.addLog(bot.SpaceLog{SpaceID: "1a", UserID: "alice", Title: "Owls", Start: mustParse(t, "2026-12-01T20:02:00-05:00"), Listeners: 143, Minutes: 68, Provenance: bot.VerifiedByX})
	h.addLog(bot.SpaceLog{SpaceID: "1b", UserID: "bob", Title: "Breakfast", Start: mustParse(t, "2026-12-02T08:00:00-05:00"), Listeners: 300, Minutes: 45, Provenance: bot.VerifiedByX})
	h.addLog(bot.SpaceLog{SpaceID: "1c", UserID: "cara", Start: mustParse(t, "2026-12-02T10:00:00-05:00"), Listeners: 5000, Provenance: bot.LinkNotVerified})
	h.addLog(bot.SpaceLog{SpaceID: "1d", UserID: "cara", Start: mustParse(t, "2026-12-03T10:00:00-05:00"), Listeners: 10, Provenance: bot.LinkNotVerified})
	board := h.must("alice", false, "/spaces leaderboard", "This week")
	for _, want := range []string{
		"1. @bob — 1 Space, 300 listeners (300 verified by X at peak)",
		"2. @alice — 1 Space, 143 listeners (143 verified by X at peak)",
		"3. @cara — 2 Spaces, 5,010 listeners",
	} {
		if !strings.Contains(board, want) {
			t.Errorf("leaderboard lacks %q:\n%s", want, board)
		}
	}
	spot := h.must("boss", true, "/cohort spotlight", "Spotlight — Spark Phase 1, week 1")
	for _, want := range []string{
		"1. ‘Breakfast’ by @bob (@bob_x) — 300 listeners at peak, 45m, Wed 2 Dec 08:00 EST",
		"2. ‘Owls’ by @alice (@alice_x) — 143 listeners at peak, 1h 8m, Tue 1 Dec 20:02 EST",
		"2 logs of the week X did not verify",
	} {
		if !strings.Contains(spot, want) {
			t.Errorf("spotlight lacks %q:\n%s", want, spot)
		}
	}
	if strings.Contains(spot, "@cara (") {
		t.Errorf("the spotlight ranks a Space X did not verify:\n%s", spot)
	}
	h.must("boss", true, "/cohort spotlight week:2026-12-07", "No Space of this week is verified by X yet.")
}

// TestHistoryShowsProvenanceAndCoHosted: past weeks list each log and how
// it is known, and the Spaces the host co-hosted, which do not count.
func TestHistoryShowsProvenanceAndCoHosted(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00")
	h.withCohort("2026-11-30", "alice", "bob")
	h.clock.Set(mustParse(t, "2026-12-08T12:00:00-05:00"))
	h.addLog(bot.SpaceLog{SpaceID: "1a", UserID: "alice", Title: "Owls", Start: mustParse(t, "2026-12-01T20:02:00-05:00"), Listeners: 143, Minutes: 68, Provenance: bot.VerifiedByX})
	h.addLog(bot.SpaceLog{SpaceID: "1b", UserID: "bob", Start: mustParse(t, "2026-12-02T20:00:00-05:00"), Provenance: bot.StaffLogged, LoggedBy: "boss"})
	sp := bot.SeenSpace{ID: "1a", Cohort: 1, CreatorID: "1001", UserID: "alice", CoHosts: []string{"bob"}, Title: "Owls", State: bot.XEnded,
		StartedAt: mustParse(t, "2026-12-01T20:02:00-05:00"), EndedAt: mustParse(t, "2026-12-01T21:10:00-05:00"), Peak: 143}
	if err := h.store.PutSeenSpace(context.Background(), h.ws, sp); err != nil {
		t.Fatal(err)
	}
	bob := h.must("bob", false, "/spaces history", "Week 1 (from 2026-11-30): 1 of 2 — missed")
	for _, want := range []string{
		"✓ Space 1b, Wed 2 Dec 20:00 EST — logged by staff (@boss)",
		"↔ co-hosted ‘Owls’, Tue 1 Dec 20:02 EST — verified by X; it counts for its creator, @alice",
	} {
		if !strings.Contains(bob, want) {
			t.Errorf("bob's history lacks %q:\n%s", want, bob)
		}
	}
	alice := h.must("alice", false, "/spaces history", "Week 1 (from 2026-11-30): 1 of 2 — missed")
	if !strings.Contains(alice, "✓ Space 1a (Owls), Tue 1 Dec 20:02 EST — verified by X, 143 listeners at peak") || strings.Contains(alice, "co-hosted") {
		t.Errorf("alice's history:\n%s", alice)
	}
	report := h.must("boss", true, "/cohort report week:2026-12-01", "week 1")
	for _, want := range []string{"@alice: 1 of 2 (1 verified by X) — missed", "@bob: 1 of 2 (1 logged by staff) — missed"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}

// TestXDataDeletedAfterRetention: 90 days (or the cohort's setting) after
// a cohort ends, its seen Spaces, applications' X counts and its hosts'
// links are deleted; logs stay.
func TestXDataDeletedAfterRetention(t *testing.T) {
	h := newXHarness(t, "2026-11-30T09:00:00-05:00")
	h.withCohort("2026-11-30", "alice")
	h.must("boss", true, "/cohort settings weeks:1 xretention:10", "X data: kept 10 days after the cohort ends.")
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(h.store.PutXLink(ctx, h.ws, bot.XLink{UserID: "alice", Handle: "alice_x", XID: "1001"}))
	must(h.store.PutSeenSpace(ctx, h.ws, bot.SeenSpace{ID: "1a", Cohort: 1, UserID: "alice", State: bot.XEnded, StartedAt: mustParse(t, "2026-12-01T20:00:00-05:00")}))
	h.addLog(bot.SpaceLog{SpaceID: "1a", UserID: "alice", Start: mustParse(t, "2026-12-01T20:00:00-05:00"), Provenance: bot.VerifiedByX})
	h.clock.Set(mustParse(t, "2026-12-16T12:00:00-05:00")) // ended 7 Dec, + 9 days
	must(bot.PurgeXData(ctx, h.store, h.clock.Now()))
	if _, err := h.store.SeenSpace(ctx, h.ws, "1a"); err != nil {
		t.Fatalf("9 days after the end, the seen Space is gone: %v", err)
	}
	h.clock.Set(mustParse(t, "2026-12-18T12:00:00-05:00"))
	must(bot.PurgeXData(ctx, h.store, h.clock.Now()))
	if _, err := h.store.SeenSpace(ctx, h.ws, "1a"); err == nil {
		t.Errorf("11 days after the end, the seen Space is kept")
	}
	if _, err := h.store.XLink(ctx, h.ws, "alice"); err == nil {
		t.Errorf("11 days after the end, alice's link is kept")
	}
	if _, err := h.store.Log(ctx, h.ws, "1a"); err != nil {
		t.Errorf("the log went with the X data: %v", err)
	}
}

// TestRejectOneClickLog: a one-click log is rejected by the id the review
// shows, and a link that is not a Space is refused.
func TestRejectOneClickLog(t *testing.T) {
	h := newHarness(t, "2026-12-03T12:00:00-05:00")
	h.withCohort("2026-11-30", "alice")
	id := "unverified-3-1764635400"
	h.addLog(bot.SpaceLog{SpaceID: id, UserID: "alice", Title: "Owls", Start: mustParse(t, "2026-12-01T20:00:00-05:00"), Provenance: bot.OneClick, ScheduleID: 3})
	h.must("boss", true, "/cohort review", "1. @alice: one-click log (Owls), Tue 1 Dec 20:00 EST — one-click (id "+id+")")
	h.must("boss", true, "/cohort review reject space:"+id+` reason:"no such Space"`, "Rejected one-click log (Owls) of @alice")
	h.must("boss", true, `/cohort review reject space:https://example.com/x reason:"no"`, "give the log's Space link or id")
	h.must("boss", true, "/cohort review reject space:"+id, "Say which log and why")
}
