package scheduler

import (
	"context"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

// TestDowntime: after the process was down, what fell due is handled on
// start: a reminder whose Space has not started is sent now, one whose
// Space already started is skipped and recorded, a nudge goes out late.
func TestDowntime(t *testing.T) {
	w := newWorld(t, mustTime(t, "2026-12-01T09:00:00-05:00"))
	w.nightOwls()
	w.must("alice", "/spaces reminders lead:3h,10m", "Saved")
	sent := len(w.notify.deliveries())

	// Down from 16:00 to 19:55: the 3h (17:00) and 10m (19:50) reminders
	// fell due while down, and the Space has not started yet.
	w.advanceTo(mustTime(t, "2026-12-01T16:00:00-05:00"))
	w.db.Close()
	w.clock.Set(mustTime(t, "2026-12-01T19:55:00-05:00"))
	w.open()
	got := w.notify.deliveries()[sent:]
	if len(got) != 1 || !strings.Contains(got[0].Text, "“Night owls” starts in 5m") {
		t.Fatalf("after the restart, want one reminder at once (5m ahead), got:\n%s", render(got))
	}
	// The 3h reminder, late, gave way to the 10m one rather than repeat it.
	start := mustTime(t, "2026-12-01T20:00:00-05:00")
	if o, err := w.db.JobOutcome(context.Background(), reminderKey(w.ws, 1, "alice", 1, start, 3*time.Hour)); err != nil || o.Result != bot.Skipped {
		t.Errorf("the late 3h reminder: %+v, %v; want skipped", o, err)
	}
	sent += len(got)

	// Down again from 19:56 to 21:45: next week's Space is not concerned,
	// but this one started and ended while down; its nudge goes out late.
	w.advanceTo(mustTime(t, "2026-12-01T19:56:00-05:00"))
	w.db.Close()
	w.clock.Set(mustTime(t, "2026-12-01T21:45:00-05:00"))
	w.open()
	got = w.notify.deliveries()[sent:]
	if len(got) != 1 || !strings.HasPrefix(got[0].Text, "Did “Night owls” happen") {
		t.Fatalf("want the late nudge only, got:\n%s", render(got))
	}
}

// TestReminderAfterTheSpaceStartedIsSkipped: a reminder that could only go
// out after its Space started is not sent, and its outcome says why.
func TestReminderAfterTheSpaceStartedIsSkipped(t *testing.T) {
	w := newWorld(t, mustTime(t, "2026-12-01T09:00:00-05:00"))
	w.nightOwls()
	sent := len(w.notify.deliveries())
	w.db.Close()
	w.clock.Set(mustTime(t, "2026-12-01T20:05:00-05:00"))
	w.open()
	if got := w.notify.deliveries()[sent:]; len(got) != 0 {
		t.Fatalf("want nothing sent at 20:05, got:\n%s", render(got))
	}
	start := mustTime(t, "2026-12-01T20:00:00-05:00")
	o, err := w.db.JobOutcome(context.Background(), reminderKey(w.ws, 1, "alice", 1, start, time.Hour))
	if err != nil || o.Result != bot.Skipped || !strings.Contains(o.Reason, "had started") {
		t.Errorf("outcome of the 60m reminder: %+v, %v; want skipped because the Space had started", o, err)
	}
}

// panicky panics on its first DM, then works.
type panicky struct {
	*recorder
	done bool
}

func (p *panicky) DM(ctx context.Context, ws bot.WorkspaceRef, userID string, m bot.Message) error {
	if !p.done {
		p.done = true
		panic("platform client bug")
	}
	return p.recorder.DM(ctx, ws, userID, m)
}

// TestPanickingDeliveryIsRetried: a panic while delivering is recovered,
// logged and retried, and the process goes on.
func TestPanickingDeliveryIsRetried(t *testing.T) {
	w := newWorld(t, mustTime(t, "2026-12-01T09:00:00-05:00"))
	w.sched.SetNotifier(bot.Console, &panicky{recorder: w.notify})
	w.must("boss", `/cohort create name:"Spark" start:2026-11-30`, "Created")
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
	w.advanceTo(w.clock.Now().Add(time.Hour))
	if n := len(w.notify.attemptTimes("@alice", "Welcome")); n != 1 {
		t.Errorf("%d welcome DMs after a panic, want 1 (retried)", n)
	}
}

// TestLongDowntime: down for longer than the planning horizon, the program
// still nudges for the Space it missed (late) and records its reminders as
// skipped, instead of forgetting the occurrence.
func TestLongDowntime(t *testing.T) {
	w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
	w.nightOwls()
	sent := len(w.notify.deliveries())
	w.db.Close()
	w.clock.Set(mustTime(t, "2026-12-03T09:00:00-05:00")) // three days later
	w.open()
	var nudges int
	for _, d := range w.notify.deliveries()[sent:] {
		if strings.HasPrefix(d.Text, "Did “Night owls” happen (Wed 2 Dec 01:00") {
			nudges++
		}
	}
	if nudges != 1 {
		t.Errorf("%d late nudges for Tuesday's Space, want 1; got:\n%s", nudges, render(w.notify.deliveries()[sent:]))
	}
	start := mustTime(t, "2026-12-01T20:00:00-05:00")
	if o, err := w.db.JobOutcome(context.Background(), reminderKey(w.ws, 1, "alice", 1, start, 10*time.Minute)); err != nil || o.Result != bot.Skipped {
		t.Errorf("Tuesday's 10m reminder: %+v, %v; want recorded as skipped", o, err)
	}
}
