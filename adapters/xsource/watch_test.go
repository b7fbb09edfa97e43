package xsource_test

import (
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/xapi"
	"sparkbot/xapi/fakex"
)

const nightOwls = "1eaKbrPAqbwKX"

// liveSpace scripts alice's "Night owls" on X: scheduled for 20:00, live
// at 20:02 with 40, 143 at 20:30, 120 at 21:00, ended 21:10. restartAt,
// if set, restarts the bot at that time (the Space is live then).
func liveSpace(t *testing.T, w *world, restartAt string) {
	w.x.AddSpace(fakex.Space{ID: nightOwls, State: "scheduled", Title: "Night owls", CreatorID: "1001",
		ScheduledStart: at(t, "2026-12-01 20:00")})
	steps := []struct {
		at string
		do func()
	}{
		{"2026-12-01 20:02", func() { w.x.GoLive(nightOwls, at(t, "2026-12-01 20:02")); w.x.SetParticipants(nightOwls, 40) }},
		{"2026-12-01 20:30", func() { w.x.SetParticipants(nightOwls, 143) }},
		{"2026-12-01 21:00", func() { w.x.SetParticipants(nightOwls, 120) }},
		{"2026-12-01 21:10", func() { w.x.End(nightOwls, at(t, "2026-12-01 21:10")) }},
	}
	for _, s := range steps {
		w.advanceTo(at(t, s.at))
		s.do()
		if restartAt == s.at {
			w.advance(time.Minute)
			w.restart()
		}
	}
	w.advanceTo(at(t, "2026-12-01 21:30"))
}

// TestLiveSpaceLoggedOnce: a Space seen live is logged once it ends,
// verified by X, with its peak listeners and X's start and end; the host
// gets one DM and the live channel one post, also when the bot restarts
// while the Space is live.
func TestLiveSpaceLoggedOnce(t *testing.T) {
	for _, restartAt := range []string{"", "2026-12-01 20:30", "2026-12-01 21:00"} {
		name := "no restart"
		if restartAt != "" {
			name = "restart at " + restartAt[11:]
		}
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, "2026-12-01T19:00:00-06:00").withAlice()
			w.must("alice", false, `/spaces schedule add title:"Night owls" days:tue,thu time:20:00 duration:60m`, "Saved")
			liveSpace(t, w, restartAt)
			logs := w.logs()
			if len(logs) != 1 {
				t.Fatalf("got %d logs (%s), want 1", len(logs), describe(logs))
			}
			l := logs[0]
			if l.SpaceID != nightOwls || l.UserID != "alice" || l.Provenance != bot.VerifiedByX || l.Listeners != 143 ||
				l.Minutes != 68 || !l.Start.Equal(at(t, "2026-12-01 20:02")) || l.ScheduleID == 0 {
				t.Errorf("got %s, want Night owls by alice at 20:02 CST, 143 listeners, 68m, verified by X, on her schedule", describe(logs))
			}
			dms := w.notes.to("@alice", "Logged automatically")
			want := "✓ Logged automatically: ‘Night owls’, 20:02–21:10, 143 listeners at peak. This week: 1 of 2 — on pace."
			if len(dms) != 1 || dms[0] != want {
				t.Errorf("alice's auto-log DMs: %q, want exactly %q", dms, want)
			}
			posts := w.notes.to("#live", "is live")
			if want := "🔴 @alice_x is live: ‘Night owls’ https://x.com/i/spaces/" + nightOwls; len(posts) != 1 || posts[0] != want {
				t.Errorf("live channel posts: %q, want exactly %q", posts, want)
			}
			wantIn(t, w.do("alice", false, "/spaces status"), "✓ Space "+nightOwls+" (Night owls), Tue 1 Dec 20:02 CST — verified by X, 143 listeners at peak")
			if nudges := w.notes.to("@alice", "Did “Night owls” happen"); len(nudges) != 0 {
				t.Errorf("alice was nudged for a Space X logged: %q", nudges)
			}
			w.advance(time.Hour)
			if n := len(w.logs()); n != 1 {
				t.Errorf("an hour later: %d logs, want 1", n)
			}
			if dms := w.notes.to("@alice", "Logged automatically"); len(dms) != 1 {
				t.Errorf("an hour later: %d auto-log DMs, want 1", len(dms))
			}
		})
	}
}

// TestCoHostSeesItAsCoHosted: a Space counts for its creator; a linked
// co-host is not credited with it.
func TestCoHostSeesItAsCoHosted(t *testing.T) {
	w := newWorld(t, "2026-12-01T19:00:00-06:00").withAlice()
	w.x.AddSpace(fakex.Space{ID: nightOwls, State: "live", Title: "Night owls", CreatorID: "1001", HostIDs: []string{"1001", "1002"},
		StartedAt: at(t, "2026-12-01 19:00"), ParticipantCount: 50})
	w.advance(10 * time.Minute)
	w.x.End(nightOwls, at(t, "2026-12-01 19:10"))
	w.advance(5 * time.Minute)
	logs := w.logs()
	if len(logs) != 1 || logs[0].UserID != "alice" {
		t.Fatalf("got %s, want one log, alice's", describe(logs))
	}
	sp, err := w.db.SeenSpace(w.ctx, w.ws, nightOwls)
	if err != nil || sp.UserID != "alice" || strings.Join(sp.CoHosts, ",") != "bob" {
		t.Fatalf("seen Space: %+v, %v; want alice's, co-hosted by bob", sp, err)
	}
}

// TestScheduledOnX: Spaces a host scheduled on X show as upcoming, count
// toward "enough scheduled" and get her reminders; one that is also a
// registered schedule's occurrence shows and reminds once.
func TestScheduledOnX(t *testing.T) {
	w := newWorld(t, "2026-12-01T19:00:00-06:00").withAlice()
	w.x.AddSpace(fakex.Space{ID: "1TueTueTue", State: "scheduled", Title: "Night owls", CreatorID: "1001", ScheduledStart: at(t, "2026-12-01 21:00")})
	w.x.AddSpace(fakex.Space{ID: "1ThuThuThu", State: "scheduled", Title: "Late owls", CreatorID: "1001", ScheduledStart: at(t, "2026-12-03 20:00")})
	w.x.AddSpace(fakex.Space{ID: "1BobThuBob", State: "scheduled", Title: "Bob on X", CreatorID: "1002", ScheduledStart: at(t, "2026-12-03 19:05")})
	w.must("bob", false, `/spaces schedule add title:"Bob's show" days:thu time:20:00 tz:America/New_York`, "Saved")
	w.advance(time.Minute)
	status := w.must("alice", false, "/spaces status", "This week: 0 of 2 — on pace")
	for _, want := range []string{
		"◷ Night owls, Tue 1 Dec 21:00 CST (in 1h 58m) — scheduled on X",
		"◷ Late owls, Thu 3 Dec 20:00 CST (in 2d) — scheduled on X",
		"2 more Spaces to go; you have enough scheduled.",
	} {
		wantIn(t, status, want)
	}
	bob := w.must("bob", false, "/spaces status", "This week: 0 of 2 — at risk")
	if strings.Count(bob, "◷") != 1 || strings.Contains(bob, "Bob on X") {
		t.Errorf("bob's status lists his Thursday Space other than once, as registered:\n%s", bob)
	}
	w.advanceTo(at(t, "2026-12-01 20:55"))
	want := []string{
		"⏰ “Night owls” starts in 1h, at Tue 1 Dec 21:00 CST (scheduled on X).\nHost it on X as scheduled and I'll log it automatically when it ends.",
		"⏰ “Night owls” starts in 10m, at Tue 1 Dec 21:00 CST (scheduled on X).\nHost it on X as scheduled and I'll log it automatically when it ends.",
	}
	if got := w.notes.to("@alice", "⏰"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("alice's reminders:\n%q\nwant\n%q", got, want)
	}
	w.x.GoLive("1TueTueTue", at(t, "2026-12-01 21:01"))
	w.x.SetParticipants("1TueTueTue", 12)
	w.advanceTo(at(t, "2026-12-01 21:20"))
	w.x.End("1TueTueTue", at(t, "2026-12-01 21:19"))
	w.advanceTo(at(t, "2026-12-01 21:30"))
	status = w.must("alice", false, "/spaces status", "This week: 1 of 2 — on pace")
	wantIn(t, status, "✓ Space 1TueTueTue (Night owls), Tue 1 Dec 21:01 CST — verified by X, 12 listeners at peak")
	wantIn(t, status, "◷ Late owls, Thu 3 Dec 20:00 CST")
	if strings.Contains(status, "◷ Night owls") {
		t.Errorf("the logged Space still shows as upcoming:\n%s", status)
	}
}

// TestAutoLogReplacesHandLogs: X's log takes the place of the one-click
// log of the slot it was scheduled in, and of a hand log it overlaps; the
// overlap rule never refuses it, and each Space counts once.
func TestAutoLogReplacesHandLogs(t *testing.T) {
	w := newWorld(t, "2026-12-01T19:00:00-06:00").withAlice()
	w.must("alice", false, `/spaces schedule add title:"Night owls" days:tue time:19:30 duration:30m`, "Saved")
	w.x.AddSpace(fakex.Space{ID: nightOwls, State: "live", Title: "Night owls", CreatorID: "1001", StartedAt: at(t, "2026-12-01 19:38"), ParticipantCount: 20})
	w.x.AddSpace(fakex.Space{ID: "1bobsecond", State: "live", Title: "Bob late", CreatorID: "1002", StartedAt: at(t, "2026-12-01 19:40"), ParticipantCount: 9})
	w.advanceTo(at(t, "2026-12-01 19:45"))
	resp := w.router.Handle(w.ctx, bot.Request{Workspace: w.ws, UserID: "alice", UserName: "alice",
		Action: &bot.Action{ID: bot.ActionHosted, Value: hostedValue(t, w, "alice")}})
	if got := plain(resp.Message, w.clock.Now()); !strings.Contains(got, "unverified") {
		t.Fatalf("alice's click: %q", got)
	}
	// 20:30 in New York, bob's zone: 19:30 CST, 10 minutes before his Space on X.
	w.must("bob", false, `/spaces log url:1bobfirst at:"2026-12-01 20:30"`, "Not verified yet: X does not find that Space")
	w.x.End(nightOwls, at(t, "2026-12-01 20:01"))
	w.x.End("1bobsecond", at(t, "2026-12-01 20:05"))
	w.advanceTo(at(t, "2026-12-01 20:15"))
	logs := w.logs()
	if len(logs) != 2 || logs[0].SpaceID != nightOwls || logs[1].SpaceID != "1bobsecond" {
		t.Fatalf("got %s; want alice's and bob's X logs only, in place of their hand logs", describe(logs))
	}
	for _, l := range logs {
		if l.Provenance != bot.VerifiedByX {
			t.Errorf("%s is %s, want verified by X", l.SpaceID, l.Provenance)
		}
		if l.UserID == "alice" && (l.SpaceID != nightOwls || l.ScheduleID == 0) {
			t.Errorf("alice's log %s (schedule %d), want Night owls on her schedule", l.SpaceID, l.ScheduleID)
		}
	}
}

// hostedValue is the "I hosted it" button of user's latest reminder.
func hostedValue(t *testing.T, w *world, user string) string {
	t.Helper()
	schedules, err := w.db.SchedulesOf(w.ctx, w.ws, user)
	if err != nil || len(schedules) == 0 {
		t.Fatalf("%s's schedules: %v, %v", user, schedules, err)
	}
	occ := schedules[0].Occurrences(w.clock.Now().Add(-2*time.Hour), w.clock.Now())
	if len(occ) == 0 {
		t.Fatalf("no occurrence of %s's schedule has started", user)
	}
	return bot.HostedButton(schedules[0].ID, occ[len(occ)-1]).Value
}

// TestBacksOffOn429: when another user of the token has spent the
// watcher's window, the first poll is answered 429; the watcher sends
// nothing more until X's reset, then polls again, and sees the Space.
func TestBacksOffOn429(t *testing.T) {
	w := newWorld(t, "2026-12-01T19:00:00-06:00").withAlice()
	w.x.SetRemaining(xapi.EndpointSpacesByCreators, 0)
	w.advance(5 * time.Minute)
	st := w.x.Stats(xapi.EndpointSpacesByCreators)
	if st.Limited != 1 {
		t.Fatalf("answered 429 %d times in 5 rounds; want once, then nothing sent until the reset", st.Limited)
	}
	w.x.AddSpace(fakex.Space{ID: nightOwls, State: "live", Title: "Night owls", CreatorID: "1001", StartedAt: at(t, "2026-12-01 19:06"), ParticipantCount: 8})
	w.advance(15 * time.Minute) // past X's reset
	if st := w.x.Stats(xapi.EndpointSpacesByCreators); st.Limited != 1 || st.MaxPerWindow > 300 {
		t.Errorf("after the reset: %d answered 429, %d in one window", st.Limited, st.MaxPerWindow)
	}
	if posts := w.notes.to("#live", "is live"); len(posts) != 1 {
		t.Errorf("after the reset the watcher did not see alice live: posts %q", posts)
	}
}
