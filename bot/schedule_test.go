package bot_test

import (
	"context"
	"strings"
	"testing"

	"sparkbot/bot"
)

// TestScheduleNumbersPerHost: hosts number their own schedules from 1; the
// number is for display and id: only.
func TestScheduleNumbersPerHost(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
	h.must("alice", false, `/spaces schedule add title:"Night owls" days:tue time:20:00`, "Saved recurring Space #1")
	h.must("bob", false, `/spaces schedule add title:"Bob live" days:wed time:19:00`, "Saved recurring Space #1")
	h.must("bob", false, "/spaces schedule list", `#1 "Bob live"`)
	h.must("bob", false, "/spaces schedule pause id:1", "Paused recurring Space #1 until you resume it with /spaces schedule resume id:1")
	if list := h.must("alice", false, "/spaces schedule list", `#1 "Night owls"`); strings.Contains(list, "paused") {
		t.Errorf("bob's pause reached alice's #1:\n%s", list)
	}
	h.must("bob", false, `/spaces schedule add title:"Bob late" days:wed time:23:00`, "Saved recurring Space #2")
	h.must("bob", false, "/spaces schedule remove id:1", `Removed recurring Space #1 (Bob live)`)
	h.must("bob", false, "/spaces schedule pause id:9", "You have no recurring Space #9. See yours with /spaces schedule list.")
	h.must("bob", false, `/spaces schedule add title:"Bob early" days:thu time:08:00`, "Saved recurring Space #1")
	list := h.must("bob", false, "/spaces schedule list", `#1 "Bob early"`)
	mustContain(t, list, `#2 "Bob late"`)
	h.must("bob", false, "/spaces schedule skip id:2 date:2026-12-02", "Skipping recurring Space #2 on Wednesday 2026-12-02")
	h.must("bob", false, "/spaces schedule skip id:2 date:2026-12-03", "recurring Space #2 runs on wed")
}

// TestButtonsKeepTheInternalID: buttons, jobs and events name a schedule by
// its workspace-wide id, so buttons in DMs already sent keep working.
func TestButtonsKeepTheInternalID(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
	h.must("alice", false, `/spaces schedule add title:"Night owls" days:tue time:20:00`, "#1")
	h.must("bob", false, `/spaces schedule add title:"Bob live" days:tue time:19:00`, "#1")
	list, err := h.store.SchedulesOf(context.Background(), h.ws, "bob")
	if err != nil || len(list) != 1 || list[0].ID == 1 || list[0].Number != 1 {
		t.Fatalf("bob's schedules %+v (%v): want one numbered 1 with another id", list, err)
	}
	h.clock.Set(mustTime(t, "2026-12-01T20:30:00-05:00"))
	if got := h.click("bob", list[0].ID, "2026-12-01T19:00:00-05:00"); !strings.Contains(got, "Logged “Bob live”") {
		t.Errorf("bob's button: %q", got)
	}
	if got := h.click("bob", 1, "2026-12-01T20:00:00-05:00"); !strings.Contains(got, "another host's Space") {
		t.Errorf("alice's button, clicked by bob: %q", got)
	}
}

// TestDuplicateSchedules: a schedule that starts at the same moment as one
// of the host's active schedules would double every reminder: refused,
// naming it.
func TestDuplicateSchedules(t *testing.T) {
	type act struct{ line, want string }
	tests := []struct {
		name string
		acts []act
	}{
		{"same days, time and zone", []act{
			{`/spaces schedule add title:"Owls again" days:tue,thu time:20:00`, `You already have recurring Space #1 ("Night owls", tue,thu at 20:00 America/New_York) at that time`},
			{"/spaces schedule list", `#1 "Night owls"`},
		}},
		{"the same in other words", []act{
			{`/spaces schedule add title:"Owls again" days:thursday,tuesday time:20:00 tz:us/eastern duration:30m`, "recurring Space #1"},
		}},
		{"one shared day is enough", []act{
			{`/spaces schedule add title:"Thursday owls" days:thu,sat time:20:00`, "It would start with it on Thu 3 Dec 20:00 EST"},
		}},
		{"the same moment in another zone", []act{
			{`/spaces schedule add title:"Owls" days:tue time:19:00 tz:America/Chicago`, "You already have recurring Space #1"},
		}},
		{"another time is fine", []act{
			{`/spaces schedule add title:"Late owls" days:tue,thu time:22:00`, "Saved recurring Space #2"},
		}},
		{"the same clock time in another zone is fine", []act{
			{`/spaces schedule add title:"Owls west" days:tue,thu time:20:00 tz:America/Los_Angeles`, "Saved recurring Space #2"},
		}},
		{"a schedule paused for good does not count, until it is resumed", []act{
			{"/spaces schedule pause id:1", "Paused"},
			{`/spaces schedule add title:"New owls" days:tue,thu time:20:00`, "Saved recurring Space #2"},
			{"/spaces schedule resume id:1", `You already have recurring Space #2 ("New owls", tue,thu at 20:00 America/New_York) at that time`},
			{"/spaces schedule list", "#1 \"Night owls\", tue,thu at 20:00 America/New_York, 1h — paused until you resume it"},
		}},
		{"a schedule paused for a while still counts", []act{
			{"/spaces schedule pause id:1 until:2026-12-31", "Paused"},
			{`/spaces schedule add title:"New owls" days:tue,thu time:20:00`, "You already have recurring Space #1"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
			h.must("alice", false, `/spaces schedule add title:"Night owls" days:tue,thu time:20:00`, "Saved recurring Space #1")
			h.must("bob", false, `/spaces schedule add title:"Bob's owls" days:tue,thu time:20:00`, "Saved recurring Space #1")
			for _, a := range tt.acts {
				h.must("alice", false, a.line, a.want)
			}
		})
	}
}

// TestStaffActOnAHostsSchedules: staff name a host's schedule by that
// host's number, with user:; without it, id: is their own.
func TestStaffActOnAHostsSchedules(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
	h.must("alice", false, `/spaces schedule add title:"Night owls" days:tue time:20:00`, "#1")
	h.must("bob", false, `/spaces schedule add title:"Bob live" days:wed time:19:00`, "#1")
	h.must("boss", true, "/spaces schedule list user:@bob", `#1 "Bob live"`)
	h.must("boss", true, "/spaces schedule pause id:1 user:@bob", "Paused @bob's recurring Space #1 until they resume it")
	h.must("bob", false, "/spaces schedule list", "paused until you resume it")
	h.must("alice", false, "/spaces schedule list", `#1 "Night owls", tue at 20:00 America/New_York, 1h — next`)
	h.must("boss", true, "/spaces schedule remove id:1", "You have no recurring Space #1")
	h.must("boss", true, "/spaces schedule remove id:2 user:@bob", "@bob has no recurring Space #2. See theirs with /spaces schedule list user:@bob.")
	h.must("bob", false, "/spaces schedule remove id:1 user:@alice", "Only staff may see or change another host's recurring Spaces")
	h.must("boss", true, "/spaces schedule resume id:1 user:@bob", "Resumed @bob's recurring Space #1")
	h.must("boss", true, "/spaces schedule remove id:1 user:@alice", "Removed @alice's recurring Space #1 (Night owls)")
}

func TestSuggestOwnSchedules(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
	h.must("alice", false, `/spaces schedule add title:"Night owls" days:tue time:20:00`, "#1")
	h.must("bob", false, `/spaces schedule add title:"Bob live" days:wed time:19:00`, "#1")
	h.must("bob", false, `/spaces schedule add title:"Bob late" days:wed time:23:00`, "#2")
	suggest := func(user string, staff bool, opts map[string]string, typed string) string {
		req := bot.Request{Workspace: h.ws, UserID: user, Staff: staff, Path: []string{"spaces", "schedule", "pause"}, Options: opts}
		var got []string
		for _, s := range h.router.Suggest(context.Background(), req, "id", typed) {
			got = append(got, s.Value+"="+s.Label)
		}
		return strings.Join(got, "; ")
	}
	tests := []struct {
		name, got, want string
	}{
		{"own, all", suggest("bob", false, nil, ""), "1=#1 Bob live (wed 19:00); 2=#2 Bob late (wed 23:00)"},
		{"own, by number", suggest("bob", false, nil, "2"), "2=#2 Bob late (wed 23:00)"},
		{"own, by title", suggest("bob", false, nil, "late"), "2=#2 Bob late (wed 23:00)"},
		{"staff, with user:", suggest("boss", true, map[string]string{"user": "<@alice>"}, ""), "1=#1 Night owls (tue 20:00)"},
		{"a host's user: is ignored", suggest("alice", false, map[string]string{"user": "@bob"}, ""), "1=#1 Night owls (tue 20:00)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
