package xsource_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/xapi"
	"sparkbot/xapi/fakex"
)

// TestPastedLinkUpgradedToVerified: a link alice pastes while X cannot
// be asked is kept as a link, not verified; once X answers again, the
// watcher sees the Space and, when it ends, upgrades her log in place.
func TestPastedLinkUpgradedToVerified(t *testing.T) {
	w := newWorld(t, "2026-12-01T19:00:00-06:00").withAlice()
	w.x.AddSpace(fakex.Space{ID: nightOwls, State: "live", Title: "Night owls", CreatorID: "1001",
		StartedAt: at(t, "2026-12-01 19:05"), ParticipantCount: 60})
	w.x.SetDown(true)
	w.advance(10 * time.Minute)
	got := w.must("alice", false, "/spaces log url:https://x.com/i/spaces/"+nightOwls+` title:"Owls" at:"2026-12-01 19:05"`, "Logged Space "+nightOwls)
	wantIn(t, got, "Not verified yet: X could not be asked just now. I'll ask X again later.")
	if l := w.logs(); len(l) != 1 || l[0].Provenance != bot.LinkNotVerified {
		t.Fatalf("while X is down: %s, want one link, not verified", describe(l))
	}
	w.x.SetDown(false)
	w.advance(20 * time.Minute)
	w.x.SetParticipants(nightOwls, 90)
	w.advance(10 * time.Minute)
	w.x.End(nightOwls, at(t, "2026-12-01 19:50"))
	w.advance(5 * time.Minute)
	logs := w.logs()
	if len(logs) != 1 || logs[0].Provenance != bot.VerifiedByX || logs[0].Listeners != 90 || logs[0].Minutes != 45 || logs[0].Title != "Night owls" {
		t.Fatalf("after X saw it end: %s, want alice's one log upgraded: verified by X, 90 listeners, 45m, X's title", describe(logs))
	}
	dms := w.notes.to("@alice", "Verified by X")
	if want := "✓ Verified by X: ‘Night owls’, 19:05–19:50, 90 listeners at peak."; len(dms) != 1 || dms[0][:len(want)] != want {
		t.Errorf("alice's DMs: %q, want one starting %q", dms, want)
	}
}

// TestPastedLinkVerifiedAtOnce: with X up, a pasted link is verified in
// the reply, at X's start time, with X's numbers.
func TestPastedLinkVerifiedAtOnce(t *testing.T) {
	w := newWorld(t, "2026-12-01T19:00:00-06:00").withAlice()
	w.x.AddSpace(fakex.Space{ID: "1YqKDqWqdPLJV", State: "ended", Title: "Breakfast", CreatorID: "1001",
		StartedAt: at(t, "2026-12-01 08:03"), EndedAt: at(t, "2026-12-01 08:50"), ParticipantCount: 31})
	got := w.must("alice", false, "/spaces log url:1YqKDqWqdPLJV listeners:500", "Logged Space 1YqKDqWqdPLJV (Breakfast), started Tue 1 Dec 08:03 CST.")
	wantIn(t, got, "✓ Verified by X.")
	logs := w.logs()
	if len(logs) != 1 || logs[0].Provenance != bot.VerifiedByX || logs[0].Listeners != 31 || logs[0].Minutes != 47 {
		t.Fatalf("got %s, want it verified by X with X's 31 listeners and 47m", describe(logs))
	}
}

// TestPastedLinkRefused: X's word refuses someone else's Space, a Space
// only scheduled, and an at: far from X's started_at.
func TestPastedLinkRefused(t *testing.T) {
	w := newWorld(t, "2026-12-01T19:00:00-06:00").withAlice()
	w.x.AddSpace(fakex.Space{ID: "1OdJrBwXgjXGX", State: "ended", Title: "Bob's breakfast", CreatorID: "1002",
		StartedAt: at(t, "2026-12-01 08:00"), EndedAt: at(t, "2026-12-01 09:05"), ParticipantCount: 40})
	w.x.AddSpace(fakex.Space{ID: "1LATERlater", State: "scheduled", CreatorID: "1001", ScheduledStart: at(t, "2026-12-03 20:00")})
	w.x.AddSpace(fakex.Space{ID: "1MINEmine", State: "ended", CreatorID: "1001",
		StartedAt: at(t, "2026-12-01 12:00"), EndedAt: at(t, "2026-12-01 13:00")})
	for _, tt := range []struct{ line, want string }{
		{"/spaces log url:https://x.com/i/spaces/1OdJrBwXgjXGX", "Space 1OdJrBwXgjXGX was hosted by another account, not your linked @alice_x."},
		{"/spaces log url:1LATERlater", "Space 1LATERlater hasn't started yet (X has it scheduled for Thu 3 Dec 20:00 CST); log it once you've hosted it."},
		{`/spaces log url:1MINEmine at:"2026-12-01 11:00"`, "at:2026-12-01 11:00 doesn't match X: Space 1MINEmine started 2026-12-01 12:00 CST."},
		{"/spaces log url:1OdJrBwXgjXGX user:@alice", "Space 1OdJrBwXgjXGX was hosted by another account, not @alice's linked @alice_x."},
	} {
		staff := tt.line == "/spaces log url:1OdJrBwXgjXGX user:@alice"
		user := "alice"
		if staff {
			user = "boss"
		}
		wantIn(t, w.do(user, staff, tt.line), tt.want)
	}
	if logs := w.logs(); len(logs) != 0 {
		t.Errorf("refused links were logged: %s", describe(logs))
	}
}

// TestXDownThenBack: a Space pasted while X is down is kept, unverified,
// and the recheck job verifies it once X answers again, without the host
// doing anything.
func TestXDownThenBack(t *testing.T) {
	w := newWorld(t, "2026-12-01T19:00:00-06:00").withAlice()
	w.x.AddSpace(fakex.Space{ID: "1YqKDqWqdPLJV", State: "ended", Title: "Breakfast", CreatorID: "1001",
		StartedAt: at(t, "2026-12-01 08:03"), EndedAt: at(t, "2026-12-01 08:50"), ParticipantCount: 31})
	w.x.Fail(xapi.EndpointSpace, http.StatusServiceUnavailable, -1)
	got := w.must("alice", false, `/spaces log url:1YqKDqWqdPLJV at:"2026-12-01 08:00"`, "Logged Space 1YqKDqWqdPLJV, started Tue 1 Dec 08:00 CST.")
	wantIn(t, got, "Not verified yet: X could not be asked just now.")
	w.advance(30 * time.Minute) // rechecks fail meanwhile
	if l := w.logs(); len(l) != 1 || l[0].Provenance != bot.LinkNotVerified {
		t.Fatalf("while X fails: %s, want the link kept, not verified", describe(l))
	}
	w.x.Recover()
	w.advance(time.Hour)
	logs := w.logs()
	if len(logs) != 1 || logs[0].Provenance != bot.VerifiedByX || !logs[0].Start.Equal(at(t, "2026-12-01 08:03")) || logs[0].Minutes != 47 {
		t.Fatalf("once X is back: %s, want it verified by X at X's 08:03, 47m", describe(logs))
	}
	dms := w.notes.to("@alice", "Verified by X")
	if want := "✓ Verified by X: your log of Space 1YqKDqWqdPLJV (Breakfast), started Tue 1 Dec 08:03 CST."; len(dms) != 1 || dms[0] != want {
		t.Errorf("alice's DMs: %q, want exactly %q", dms, want)
	}
	if st := w.x.Stats(xapi.EndpointSpacesByCreators); st.Limited != 0 {
		t.Errorf("the watcher was answered 429 %d times", st.Limited)
	}
}

// TestRecheckFlagsAnotherAccount: a link pasted for a Space X cannot find is kept and
// asked about again; one of another account, once X answers, is flagged
// for staff, not verified.
func TestRecheckFlagsAnotherAccount(t *testing.T) {
	w := newWorld(t, "2026-12-01T19:00:00-06:00").withAlice()
	got := w.must("alice", false, "/spaces log url:1OdJrBwXgjXGX", "Logged Space 1OdJrBwXgjXGX")
	wantIn(t, got, "Not verified yet: X does not find that Space.")
	w.x.AddSpace(fakex.Space{ID: "1OdJrBwXgjXGX", State: "ended", CreatorID: "1002",
		StartedAt: at(t, "2026-12-01 18:00"), EndedAt: at(t, "2026-12-01 18:30")})
	w.advance(10 * time.Minute)
	rv, err := w.db.Review(w.ctx, w.ws, "1OdJrBwXgjXGX")
	if err != nil || rv.Decision != bot.ReviewFlagged {
		t.Fatalf("review: %+v, %v; want it flagged", rv, err)
	}
	if l := w.logs(); len(l) != 1 || l[0].Provenance != bot.LinkNotVerified {
		t.Errorf("got %s, want the link kept unverified", describe(l))
	}
}

func wantIn(t *testing.T, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Errorf("got %q\nwant it to contain %q", got, want)
	}
}

// TestPastedLinkNeverWaitsOnX: with X's lookup window spent (its reset 15
// minutes away), a pasted link is kept unverified at once: the reply
// never waits for the reset, and the client sends nothing X would refuse.
func TestPastedLinkNeverWaitsOnX(t *testing.T) {
	w := newWorld(t, "2026-12-01T19:00:00-06:00").withAlice()
	for _, id := range []string{"1first", "1second"} {
		w.x.AddSpace(fakex.Space{ID: id, State: "ended", CreatorID: "1001"})
	}
	w.x.SetRemaining(xapi.EndpointSpace, 0)
	before := w.wall.Now()
	wantIn(t, w.do("alice", false, `/spaces log url:1first at:"2026-12-01 09:00"`), "Not verified yet: X could not be asked just now.")
	wantIn(t, w.do("alice", false, `/spaces log url:1second at:"2026-12-01 12:00"`), "Not verified yet: X could not be asked just now.")
	if waited := w.wall.Now().Sub(before); waited > 2*time.Second {
		t.Errorf("the replies waited %s on X's clock; want no wait for the reset", waited)
	}
	if st := w.x.Stats(xapi.EndpointSpace); st.Requests != 1 {
		t.Errorf("X got %d lookups; want 1, answered 429, and none sent after it", st.Requests)
	}
}

// TestLinkMadeWhileXRefusesTheToken: staff link carol while X refuses the
// bot's token; once the bot restarts with the right one, the watcher
// resolves her handle, /cohort links shows her X id, and her pasted link
// is verified.
func TestLinkMadeWhileXRefusesTheToken(t *testing.T) {
	w := newWorld(t, "2026-12-01T19:00:00-06:00")
	w.x.AddUser(fakex.User{ID: "1003", Username: "carol_x", Followers: 9000})
	w.x.AddSpace(fakex.Space{ID: "1CAROLcarol", State: "ended", Title: "Carol's", CreatorID: "1003",
		StartedAt: at(t, "2026-12-01 18:00"), EndedAt: at(t, "2026-12-01 18:40"), ParticipantCount: 25})
	w.token = "wrong"
	w.restart()
	w.must("boss", true, `/cohort create name:"Spark Phase 1" start:2026-12-01 weekstart:tue`, "Created")
	w.must("boss", true, "/cohort add user:@carol handle:@someone_x", "Added")
	wantIn(t, w.must("boss", true, "/cohort link user:@carol handle:@carol_x", "Linked @carol to @carol_x on X"), "X did not answer just now")
	w.advance(3 * time.Minute)
	w.token = token
	w.restart()
	w.advance(3 * time.Minute)
	wantIn(t, w.must("boss", true, "/cohort links", "X accounts"), "@carol: @carol_x — X id 1003, not seen live yet")
	wantIn(t, w.must("carol", false, "/spaces log url:1CAROLcarol", "Logged Space 1CAROLcarol"), "✓ Verified by X.")
}

// TestCoHostPasteCountsForTheCreator: a Space counts for its creator when
// the creator is a linked host. A linked co-host's pasted link is refused
// saying whom it counts for; when its creator is no host here, the
// co-host who logs it is credited; and a co-host's log that X verifies
// later for its creator moves to the creator, and both are told.
func TestCoHostPasteCountsForTheCreator(t *testing.T) {
	t.Run("creator linked: refused", func(t *testing.T) {
		w := newWorld(t, "2026-12-01T19:00:00-06:00").withAlice()
		w.x.AddSpace(fakex.Space{ID: "1BOBSbobs", State: "ended", Title: "Bob's", CreatorID: "1002", HostIDs: []string{"1002", "1001"},
			StartedAt: at(t, "2026-12-01 17:00"), EndedAt: at(t, "2026-12-01 17:40"), ParticipantCount: 30})
		wantIn(t, w.do("alice", false, "/spaces log url:1BOBSbobs"),
			"Space 1BOBSbobs was created on X by @bob_x, the account of @bob: it counts for them. Co-hosts see it in /spaces history as co-hosted.")
		if logs := w.logs(); len(logs) != 0 {
			t.Errorf("got %s, want no log", describe(logs))
		}
	})
	t.Run("creator not a host: the co-host is credited", func(t *testing.T) {
		w := newWorld(t, "2026-12-01T19:00:00-06:00").withAlice()
		w.x.AddUser(fakex.User{ID: "9999", Username: "guest_x", Followers: 100})
		w.x.AddSpace(fakex.Space{ID: "1GUESTguest", State: "ended", Title: "Guest's", CreatorID: "9999", HostIDs: []string{"9999", "1001"},
			StartedAt: at(t, "2026-12-01 17:00"), EndedAt: at(t, "2026-12-01 17:40"), ParticipantCount: 30})
		wantIn(t, w.do("alice", false, "/spaces log url:1GUESTguest"), "✓ Verified by X.")
		if logs := w.logs(); len(logs) != 1 || logs[0].UserID != "alice" || logs[0].Provenance != bot.VerifiedByX {
			t.Errorf("got %s, want alice's, verified by X", describe(logs))
		}
	})
	t.Run("recheck moves it to the creator", func(t *testing.T) {
		w := newWorld(t, "2026-12-01T19:00:00-06:00").withAlice()
		w.x.AddSpace(fakex.Space{ID: "1BOBSbobs", State: "ended", Title: "Bob's", CreatorID: "1002", HostIDs: []string{"1002", "1001"},
			StartedAt: at(t, "2026-12-01 17:00"), EndedAt: at(t, "2026-12-01 17:40"), ParticipantCount: 30})
		w.x.Fail(xapi.EndpointSpace, http.StatusServiceUnavailable, 1)
		wantIn(t, w.do("alice", false, "/spaces log url:1BOBSbobs"), "Not verified yet: X could not be asked just now.")
		w.advance(10 * time.Minute)
		movedTold(t, w, "1BOBSbobs", "‘Bob's’")
	})
	t.Run("the watcher moves it to the creator", func(t *testing.T) {
		w := newWorld(t, "2026-12-01T19:00:00-06:00").withAlice()
		w.x.AddSpace(fakex.Space{ID: "1BOBSlive", State: "live", Title: "Bob live", CreatorID: "1002", HostIDs: []string{"1002", "1001"},
			StartedAt: at(t, "2026-12-01 19:01"), ParticipantCount: 30})
		w.x.Fail(xapi.EndpointSpace, http.StatusServiceUnavailable, 1)
		wantIn(t, w.do("alice", false, "/spaces log url:1BOBSlive"), "Not verified yet: X could not be asked just now.")
		w.advance(5 * time.Minute)
		w.x.End("1BOBSlive", at(t, "2026-12-01 19:30"))
		w.advance(5 * time.Minute)
		movedTold(t, w, "1BOBSlive", "‘Bob live’")
	})
}

// movedTold checks that alice's log of spaceID is bob's now, verified,
// and both were told.
func movedTold(t *testing.T, w *world, spaceID, title string) {
	t.Helper()
	if logs := w.logs(); len(logs) != 1 || logs[0].UserID != "bob" || logs[0].Provenance != bot.VerifiedByX {
		t.Fatalf("got %s, want bob's log, verified by X", describe(logs))
	}
	if dms := w.notes.to("@alice", "now counts for"); len(dms) != 1 || !strings.Contains(dms[0], "Your log of "+title+" (Space "+spaceID+") now counts for @bob, who created it on X") {
		t.Errorf("alice's DMs: %q, want one saying it counts for bob now", dms)
	}
	if dms := w.notes.to("@bob", "✓ Verified by X"); len(dms) != 1 || !strings.Contains(dms[0], "logged first by @alice, a co-host") {
		t.Errorf("bob's DMs: %q, want one saying alice logged it first", dms)
	}
	if sp, err := w.db.SeenSpace(w.ctx, w.ws, spaceID); err != nil || strings.Join(sp.CoHosts, ",") != "alice" {
		t.Errorf("seen Space: %+v, %v; want it co-hosted by alice", sp, err)
	}
}
