package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

// TestCohortEnd: once the cohort's weeks are over, nothing after them
// counts as missed: status, history and the stipend export stop at the end.
func TestCohortEnd(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00")
	h.must("boss", true, `/cohort create name:"Spark" start:2026-11-30 weeks:2`, "Created")
	h.must("boss", true, "/cohort add user:@alice handle:@alice_x", "Added")
	for _, week := range []string{"2026-12-01", "2026-12-08"} {
		h.clock.Set(mustTime(t, week+"T21:00:00-05:00"))
		h.must("alice", false, "/spaces log url:1a"+strings.ReplaceAll(week, "-", ""), "Logged")
		h.must("alice", false, "/spaces log url:1b"+strings.ReplaceAll(week, "-", "")+` at:"`+week+` 19:00"`, "Logged")
	}
	h.clock.Set(mustTime(t, "2026-12-30T09:00:00-05:00"))
	h.must("alice", false, "/spaces status", "Spark ended Mon 14 Dec. You met 2 of 2 weeks")
	history := h.must("alice", false, "/spaces history", "Week 2 (from 2026-12-07): 2 of 2 — met")
	if strings.Contains(history, "missed") {
		t.Errorf("weeks after the cohort count as missed:\n%s", history)
	}
	h.must("boss", true, "/cohort export month:2026-12", "@alice: eligible — $2,500.00 (2 of 2 weeks met or excused; 4 Spaces")
}

// TestJoiningMidWeek: a host who joins late in a week is held to the
// weeks after it, not to a week they mostly missed.
func TestJoiningMidWeek(t *testing.T) {
	h := newHarness(t, "2026-12-05T20:00:00-05:00") // Saturday of week 1
	h.withCohort("2026-11-30", "alice")
	h.must("alice", false, "/spaces status", "your first counted week starts Mon 7 Dec 00:00 EST")
	h.must("boss", true, "/cohort report", "@alice: 0 of 2 — not counted (joined mid-week)")
	h.clock.Set(mustTime(t, "2026-12-08T09:00:00-05:00")) // Tuesday of week 2
	h.must("alice", false, "/spaces history", "Week 1 (from 2026-11-30): 0 of 2 — not counted (joined mid-week)")
	h.must("alice", false, "/spaces status", "This week: 0 of 2")
}

func TestApprovingAHostAlreadyAdded(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00")
	h.must("boss", true, `/cohort create name:"Spark" start:2026-11-30`, "Created")
	h.must("alice", false, "/spaces apply handle:@alice_x followers:9000 country:US", "Application received")
	h.must("boss", true, "/cohort add user:@alice handle:@alice_x", "Added")
	h.must("boss", true, "/cohort applications", "No pending applications")
	h.must("boss", true, "/cohort approve user:@alice", "That application was already approved")
}

func TestCohortDates(t *testing.T) {
	h := newHarness(t, "2026-11-26T09:00:00-05:00")
	h.must("boss", true, `/cohort create name:"Spark" start:2026-12-03`,
		"start:2026-12-03 is a Thursday, but weeks start on Monday: start on 2026-11-30 or 2026-12-07, or set weekstart:thu")
	h.must("boss", true, `/cohort create name:"Spark" start:2026-12-03 weekstart:thu`, "weeks start Thursday")
	h.must("boss", true, "/cohort settings weekstart:mon start:2026-12-07", "Saved")
	h.clock.Set(mustTime(t, "2026-12-08T09:00:00-05:00"))
	h.must("boss", true, "/cohort settings weekstart:sun", "Spark has started: changing start, weekstart or tz now")
	h.must("boss", true, "/cohort settings quota:3", "Quota: 3 Spaces a week")
}

// TestPlatformZoneIsKept: the zone a platform reports for a member (Slack's
// profile tz) is kept, so later DMs read in it; a chosen zone wins.
func TestPlatformZoneIsKept(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice")
	req := bot.Request{Workspace: h.ws, UserID: "alice", UserName: "alice", UserZone: "America/Los_Angeles",
		Path: []string{"spaces", "status"}}
	h.router.Handle(context.Background(), req)
	host, err := h.store.Host(context.Background(), h.ws, "alice")
	if err != nil || host.PlatformZone != "America/Los_Angeles" {
		t.Fatalf("host %+v, %v; want the platform zone kept", host, err)
	}
	co, _ := h.store.Cohort(context.Background(), h.ws)
	if got := host.Location(co, "").String(); got != "America/Los_Angeles" {
		t.Errorf("a DM would read in %s, want America/Los_Angeles", got)
	}
	h.must("alice", false, "/spaces timezone tz:Europe/Paris", "Saved")
	host, _ = h.store.Host(context.Background(), h.ws, "alice")
	if got := host.Location(co, "").String(); got != "Europe/Paris" {
		t.Errorf("a DM would read in %s, want the chosen Europe/Paris", got)
	}
}

// TestNextCohortSettings: the next cohort's settings keep it after the
// last one and under a name of its own.
func TestNextCohortSettings(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00")
	h.must("boss", true, `/cohort create name:"Spark" start:2026-11-30 weeks:2`, "Created")
	h.clock.Set(mustTime(t, "2026-12-15T09:00:00-05:00"))
	h.must("boss", true, "/cohort settings weeks:3", "Spark has ended: its weeks can no longer change")
	h.must("boss", true, `/cohort create name:"Spark 2" start:2026-12-21`, "Created Spark 2.")
	h.must("boss", true, "/cohort settings start:2026-12-07", "start:2026-12-07 is before Spark ended")
	h.must("boss", true, `/cohort settings name:"SPARK"`, "An earlier cohort here is called Spark already")
	h.must("boss", true, `/cohort settings name:"Spark Two" start:2026-12-28`, "Saved")
	h.must("alice", false, "/spaces apply handle:@alice_x followers:9000 country:US", "Application received for @alice_x to join Spark Two")
}

// TestShrinkingWeeksOfARunningCohort: weeks: below the current week would
// end a running cohort at once (final report, closing DMs); it is refused,
// and the cohort can still be lengthened afterwards.
func TestShrinkingWeeksOfARunningCohort(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice")
	h.clock.Set(mustTime(t, "2026-12-15T09:00:00-05:00")) // Tuesday of week 3
	for _, weeks := range []string{"1", "2"} {
		h.must("boss", true, "/cohort settings weeks:"+weeks,
			"weeks:"+weeks+" would end Spark Phase 1 at once: it is in week 3 now, so the final report and a closing DM to every host would go out today. "+
				"Give weeks:3 or more (weeks:3 ends it when this week closes, on 2026-12-20); to let hosts off a week, excuse it with /cohort excuse.")
	}
	co, err := h.store.Cohort(context.Background(), h.ws)
	if err != nil || co.Weeks != 12 {
		t.Fatalf("cohort after refusals: %d weeks, %v; want 12 kept", co.Weeks, err)
	}
	h.must("boss", true, "/cohort settings weeks:3", "runs 3 weeks")
	h.must("boss", true, "/cohort settings weeks:12", "runs 12 weeks")
}

func TestCohortOfOneWeek(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00")
	h.must("boss", true, `/cohort create name:"Spark" start:2026-11-30 weeks:1 quota:1`, "Starts 2026-11-30, runs 1 week; weeks start Monday")
	h.must("boss", true, "/cohort settings", "Quota: 1 Space a week;")
	h.must("boss", true, "/cohort add user:@alice handle:@alice_x", "Added")
	h.clock.Set(mustTime(t, "2026-12-01T21:00:00-05:00"))
	h.must("alice", false, "/spaces log url:1abc", "Logged")
	h.clock.Set(mustTime(t, "2026-12-08T09:00:00-05:00"))
	h.must("boss", true, "/cohort export month:2026-12", "@alice: eligible — $2,500.00 (1 of 1 week met or excused; 1 Space")
	co, _ := h.store.Cohort(context.Background(), h.ws)
	final := bot.FinalMessage(co, []bot.FinalRow{{UserID: "alice", Tally: bot.Tally{Counted: 1, Met: 1, Spaces: 1}, Streak: 1, AtEnd: true}})
	if got, want := render(final, h.clock.Now()), "@alice: 1 of 1 counted week met or excused, 1 Space"; !strings.Contains(got, want) {
		t.Errorf("final report:\n got %q\nwant it to contain %q", got, want)
	}
	hw := bot.HostWeek{Week: bot.WeekOf(mustTime(t, "2026-12-01T09:00:00-05:00"), time.UTC, time.Monday), Quota: 1}
	for level, want := range map[bot.Standing]string{
		bot.Missed:   "closed at 0 of 1 Space — missed",
		bot.LastCall: "Last call: 0 of 1 Space this week",
		bot.AtRisk:   "At risk: 0 of 1 Space this week",
	} {
		if got := render(bot.WarningMessage(level, hw, time.UTC), hw.Week.Start); !strings.Contains(got, want) {
			t.Errorf("%s warning:\n got %q\nwant it to contain %q", level, got, want)
		}
	}
}
