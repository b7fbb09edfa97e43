package bot_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"sparkbot/bot"
)

// TestPermissions: hosts touch only their own data; staff commands need staff.
func TestPermissions(t *testing.T) {
	tests := []struct {
		name  string
		user  string
		staff bool
		line  string
		want  string
	}{
		{"host runs a staff command", "bob", false, "/cohort report", "for program staff only"},
		{"host approves", "bob", false, "/cohort approve user:@zed", "for program staff only"},
		{"host creates a cohort", "bob", false, `/cohort create name:x start:2026-12-07`, "for program staff only"},
		{"host excuses themself", "bob", false, `/cohort excuse user:@bob week:2026-12-01 reason:x`, "for program staff only"},
		{"staff reads the report", "boss", true, "/cohort report", "Spark Phase 1 — week 1"},
		{"host removes another's schedule", "bob", false, "/spaces schedule remove id:1 user:@alice", "Only staff may see or change another host's"},
		{"host pauses another's schedule", "bob", false, "/spaces schedule pause id:1 user:@alice", "Only staff may see or change another host's"},
		{"host skips another's date", "bob", false, "/spaces schedule skip id:1 date:2026-12-08 user:@alice", "Only staff may see or change another host's"},
		{"a host's id: is their own", "bob", false, "/spaces schedule remove id:1", "You have no recurring Space #1"},
		{"host unlogs another's Space", "bob", false, "/spaces unlog space:1eaKbrPAqbwKX", "another host"},
		{"owner removes own schedule", "alice", false, "/spaces schedule remove id:1", "Removed recurring Space #1"},
		{"staff removes a host's schedule", "boss", true, "/spaces schedule remove id:1 user:@alice", "Removed @alice's recurring Space #1"},
		{"staff unlogs a host's Space", "boss", true, "/spaces unlog space:1eaKbrPAqbwKX", "Removed the log"},
		{"non-member schedules", "mallory", false, `/spaces schedule add title:x days:mon time:20:00`, "not a host"},
		{"non-member reads status", "mallory", false, "/spaces status", "not a host"},
		{"staff, not a host, reads status", "boss", true, "/spaces status", "You're program staff, not a host in Spark Phase 1: see the hosts with /cohort report"},
		{"anyone reads help", "mallory", false, "/spaces help", "/spaces log url:link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "2026-12-02T18:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
			h.must("alice", false, `/spaces schedule add title:"Night owls" days:tue,thu time:20:00`, "Saved recurring Space #1")
			h.must("alice", false, "/spaces log url:1eaKbrPAqbwKX", "Logged")
			h.must(tt.user, tt.staff, tt.line, tt.want)
		})
	}
}

// TestRefusalsAreLogged: a refusal is logged for staff to see, with who
// tried what.
func TestRefusalsAreLogged(t *testing.T) {
	h := newHarness(t, "2026-12-02T18:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
	var logs bytes.Buffer
	h.router = bot.NewRouter(h.store, h.clock, slog.New(slog.NewTextHandler(&logs, nil)))
	h.must("alice", false, `/spaces schedule add title:x days:mon time:20:00`, "Saved")
	h.must("bob", false, "/cohort report", "for program staff only")
	h.must("bob", false, "/spaces schedule remove id:1 user:@alice", "another host's")
	for _, want := range []string{
		`msg="command refused" workspace=console:test user=bob path="cohort report"`,
		`msg="command refused" workspace=console:test user=bob path="spaces schedule remove"`,
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, logs.String())
		}
	}
}
