package scheduler

import (
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

// TestStaffActionDMs: a rejected applicant, and a host staff excuse,
// unexcuse or remove, each get one DM saying so, through the outbox: once,
// even across a restart, and never posted in the fallback channel.
func TestStaffActionDMs(t *testing.T) {
	w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
	w.notify.fail = func(target string, _ int) error {
		if target == "@zoe" {
			return bot.PermanentFailure("DMs closed", nil)
		}
		return nil
	}
	w.must("boss", `/cohort create name:"Spark" start:2026-11-30`, "Created")
	w.must("boss", "/cohort settings fallback:#help", "Saved")
	w.must("eve", "/spaces apply handle:@eve_x followers:9000 country:US show:https://podcasts.example.org/eve", "Application received")
	w.must("zoe", "/spaces apply handle:@zoe_x followers:100 country:US", "Application recorded")
	w.must("boss", "/cohort applications", "show: https://podcasts.example.org/eve")
	w.must("boss", `/cohort reject user:@eve reason:"no show yet"`, "They get a DM with the reason")
	w.must("boss", `/cohort reject user:@zoe reason:"under 5,000 followers"`, "Rejected")
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
	w.must("boss", `/cohort excuse user:@alice week:2026-12-08 reason:"flu"`, "Excused")
	w.must("boss", `/cohort excuse user:@alice week:2026-12-08 reason:"travel"`, "replacing")
	w.restart()
	w.must("boss", "/cohort unexcuse user:@alice week:2026-12-08", "Removed the excuse")
	w.clock.Set(w.clock.Now().Add(time.Hour))
	w.must("boss", "/cohort remove user:@alice", "Removed @alice")
	w.restart()

	want := []string{
		"@eve Your application to join Spark was not accepted. Staff said: “no show yet” / You're welcome to apply again",
		"@alice Staff excused your week 2 (from 2026-12-07) in Spark: “flu”. It counts as met.",
		"@alice Staff excused your week 2 (from 2026-12-07) in Spark: “travel”. It counts as met. / This replaces the earlier reason “flu”.",
		"@alice Staff took back the excuse of your week 2 (from 2026-12-07) in Spark (“travel”): the week counts again.",
		"@alice Staff removed you from Spark. / Your logs stay on record",
	}
	var got []string
	for _, d := range w.notify.deliveries() {
		if d.Target == "#help" {
			t.Errorf("a personal DM fell back to the public channel: %s", d)
		}
		if !strings.Contains(d.Text, "Welcome") && !strings.Contains(d.Text, "At risk") {
			got = append(got, d.Target+" "+d.Text)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d DMs, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("DM %d:\n got %s\nwant %s…", i, got[i], want[i])
		}
	}
}
