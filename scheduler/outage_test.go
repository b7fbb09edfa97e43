package scheduler

import (
	"context"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

// outageWorld is a cohort starting 2026-11-30 (New York) with a digest
// channel and last call 24 hours before a week ends. alice hosts "Sunday
// brunch" (Sundays 08:00) and "Monday mornings" (Mondays 09:00) in New
// York; bob, in Tokyo, has no Spaces, so his quota warnings fall in his
// quiet hours and wait.
func outageWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
	w.must("boss", `/cohort create name:"Spark" start:2026-11-30`, "Created")
	w.must("boss", "/cohort settings digest:#digest lastcall:24", "Saved")
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
	w.must("boss", "/cohort add user:@bob handle:@bob_x", "Added")
	w.must("alice", `/spaces schedule add title:"Sunday brunch" days:sun time:08:00`, "Saved")
	w.must("alice", `/spaces schedule add title:"Monday mornings" days:mon time:09:00`, "Saved")
	w.must("bob", "/spaces timezone tz:Asia/Tokyo", "Saved")
	return w
}

// outageStop is when the program stops in the outage tests: Sunday of week
// 2, after the daily check and before the nudge of that morning's Space.
const outageStop = "2026-12-13T09:15:00-05:00"

// TestOutage stops the program for weeks, then starts it again. What it
// owed while down is caught up as each job's expiry says: every closed
// week's digest goes out once, oldest first, saying it is late and when it
// was due; a nudge goes out late only while its Space can still be logged;
// a warning about a week that has closed is not sent. What is not sent is
// recorded with a reason.
func TestOutage(t *testing.T) {
	tests := []struct {
		name    string
		outage  time.Duration
		golden  string
		digests []string // weeks (start dates) whose digests go out late, in order
		dueAt   []string // when each was due, as the message says (UTC)
		stipend string   // a stipend report that goes out late, if any
		nudged  string   // the one Space of the outage nudged late
	}{
		{
			name: "two weeks", outage: 14 * 24 * time.Hour, golden: "outage_two_weeks.golden",
			digests: []string{"2026-12-07", "2026-12-14"},
			dueAt:   []string{"Mon 14 Dec 14:00 UTC", "Mon 21 Dec 14:00 UTC"},
			nudged:  "Did “Monday mornings” happen (Mon 21 Dec 14:00 UTC)",
		},
		{
			name: "four weeks, past the planning horizon", outage: 28 * 24 * time.Hour, golden: "outage_four_weeks.golden",
			digests: []string{"2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28"},
			// Read in January, a December date shows its year.
			dueAt:   []string{"Mon 14 Dec 2026 14:00 UTC", "Mon 21 Dec 2026 14:00 UTC", "Mon 28 Dec 2026 14:00 UTC", "Mon 4 Jan 14:00 UTC"},
			stipend: "Stipend report",
			nudged:  "Did “Monday mornings” happen (Mon 4 Jan 14:00 UTC)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := outageWorld(t)
			ctx := context.Background()
			stop := mustTime(t, outageStop)
			w.advanceTo(stop)

			// What was owed at the stop, and goes stale while down.
			brunch := mustTime(t, "2026-12-13T08:00:00-05:00")
			staleNudge := nudgeKey(w.ws, 1, "alice", 1, brunch)
			staleWarning := warningKey(w.ws, 1, "bob", bot.Date{Year: 2026, Month: 12, Day: 7}, bot.LastCall)
			for _, key := range []string{staleNudge, staleWarning} {
				if _, err := w.db.PendingJob(ctx, key); err != nil {
					t.Fatalf("before the outage, %s should be pending: %v", key, err)
				}
			}

			sent := len(w.notify.deliveries())
			w.db.Close()
			w.clock.Set(stop.Add(tt.outage))
			w.open()
			got := w.notify.deliveries()[sent:]
			golden(t, tt.golden, render(got))

			// Every closed week's digest, once, oldest first, marked late.
			var digests []delivery
			for _, d := range got {
				if d.Target == "#digest" && strings.Contains(d.Text, "digest — Spark") {
					digests = append(digests, d)
				}
			}
			if len(digests) != len(tt.digests) {
				t.Fatalf("%d digests after the outage, want %d:\n%s", len(digests), len(tt.digests), render(got))
			}
			for i, d := range digests {
				if !strings.Contains(d.Text, "(from "+tt.digests[i]+")") {
					t.Errorf("digest %d is not the week from %s (oldest first):\n%s", i+1, tt.digests[i], d)
				}
				if want := "Late: this digest was due " + tt.dueAt[i]; !strings.HasPrefix(d.Text, want) {
					t.Errorf("digest %d should start %q:\n%s", i+1, want, d)
				}
			}
			stipends := 0
			for _, d := range got {
				if strings.Contains(d.Text, "Stipend report") {
					stipends++
					if !strings.HasPrefix(d.Text, "Late: this report was due Fri 1 Jan 14:00 UTC") {
						t.Errorf("a late stipend report should say so:\n%s", d)
					}
				}
			}
			if want := map[bool]int{true: 1, false: 0}[tt.stipend != ""]; stipends != want {
				t.Errorf("%d stipend reports after the outage, want %d", stipends, want)
			}

			// Nudges: only for a Space alice can still log (7 days).
			var nudges []delivery
			for _, d := range got {
				if strings.HasPrefix(d.Text, "Did “") {
					nudges = append(nudges, d)
				}
			}
			if len(nudges) != 1 || !strings.HasPrefix(nudges[0].Text, tt.nudged) {
				t.Errorf("want one late nudge, %q; got:\n%s", tt.nudged, render(nudges))
			}

			// What went stale is recorded, with a reason, not sent.
			for _, c := range []struct{ key, reason string }{
				{staleNudge, "backfill window"},
				{staleWarning, "closed"},
			} {
				o, err := w.db.JobOutcome(ctx, c.key)
				if err != nil || o.Result != bot.Skipped || !strings.Contains(o.Reason, c.reason) {
					t.Errorf("outcome of %s: %+v, %v; want skipped, the reason mentioning %q", c.key, o, err, c.reason)
				}
			}
			for _, d := range got {
				if d.Target == "@bob" && strings.Contains(d.Text, "Last call") && strings.Contains(d.Text, "Mon 14 Dec") {
					t.Errorf("last call sent for a week that had closed: %s", d)
				}
			}

			// Catching up once: a second start sends nothing more.
			sent = len(w.notify.deliveries())
			w.restart()
			if again := w.notify.deliveries()[sent:]; len(again) != 0 {
				t.Errorf("a restart right after the catch-up sent more:\n%s", render(again))
			}
		})
	}
}
