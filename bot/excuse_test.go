package bot_test

import (
	"strings"
	"testing"
)

// TestWeeksOutsideTheCohort (hole 4): excuse and report take only the
// cohort's own weeks, and say which those are.
func TestWeeksOutsideTheCohort(t *testing.T) {
	h := newHarness(t, "2026-12-08T09:00:00-05:00").withCohort("2026-11-30", "alice")
	const bounds = "Spark Phase 1 runs from week 1 (from 2026-11-30) to week 12 (from 2027-02-15)"
	for _, line := range []string{
		`/cohort excuse user:@alice week:2026-11-29 reason:"before"`,
		`/cohort excuse user:@alice week:2027-02-22 reason:"after"`,
		"/cohort report week:2026-11-20",
		"/cohort report week:2027-03-01",
	} {
		got := h.do("boss", true, line)
		if !strings.Contains(got, bounds) {
			t.Errorf("%s:\n got %q\nwant it to say %q", line, got, bounds)
		}
	}
	h.must("boss", true, `/cohort excuse user:@alice week:2027-02-21 reason:"last"`, "week 12 (from 2027-02-15)")
	h.must("boss", true, "/cohort report week:2026-11-30", "week 1, from 2026-11-30")
}

// TestExcuseAndUnexcuse (hole 4): re-excusing says what it replaces, and
// an excuse can be taken back.
func TestExcuseAndUnexcuse(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
	h.clock.Set(mustTime(t, "2026-12-15T09:00:00-05:00"))
	h.must("boss", true, `/cohort excuse user:@zed week:2026-12-08 reason:"flu"`, "@zed was not a host of Spark Phase 1 in week 2 (from 2026-12-07).")
	h.must("boss", true, `/cohort excuse user:@alice week:2026-12-08 reason:"flu"`,
		"Excused @alice for week 2 (from 2026-12-07): it counts as met.")
	h.must("boss", true, `/cohort excuse user:@alice week:2026-12-09 reason:"travel"`,
		"Excused @alice for week 2 (from 2026-12-07), replacing the earlier reason “flu”: it counts as met.")
	h.must("alice", false, "/spaces history", "Week 2 (from 2026-12-07): 0 of 2 — excused (travel)")

	h.must("boss", true, "/cohort unexcuse user:@alice week:2026-12-10",
		"Removed the excuse of @alice for week 2 (from 2026-12-07) (“travel”): the week is missed.")
	h.must("alice", false, "/spaces history", "Week 2 (from 2026-12-07): 0 of 2 — missed")
	h.must("boss", true, "/cohort unexcuse user:@alice week:2026-12-10", "@alice has no excuse for week 2 (from 2026-12-07)")
	h.must("boss", true, "/cohort unexcuse user:@bob week:2027-03-10", "runs from week 1 (from 2026-11-30) to week 12")

	// A week that does not count for the host needs no excuse.
	h.must("boss", true, "/cohort remove user:@bob", "Removed")
	h.must("boss", true, `/cohort excuse user:@bob week:2026-12-16 reason:"flu"`, "@bob was a host for only part of week 3 (from 2026-12-14)")
	h.must("boss", true, `/cohort excuse user:@bob week:2026-12-01 reason:"flu"`, "Excused @bob for week 1")
}
