package scheduler

import (
	"strings"
	"testing"
)

// TestCohortEndsAndTheNextBegins: when the last week closes staff get a
// final report and each host a closing DM, and nothing else goes to hosts;
// the next cohort starts in the same workspace, the past one stays
// readable, and both cohorts' December reports go out.
func TestCohortEndsAndTheNextBegins(t *testing.T) {
	w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
	w.must("boss", `/cohort create name:"Spark" start:2026-11-30 weeks:2`, "Created")
	w.must("boss", "/cohort settings digest:#digest staff:#staff", "Saved")
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
	w.must("boss", "/cohort add user:@bob handle:@bob_x", "Added")
	// Sunday 23:00: the last week's nudge would fall after the end.
	w.must("alice", `/spaces schedule add title:"Late show" days:tue,sun time:23:00`, "Saved")
	for i, at := range []string{"2026-12-02T00:10:00-05:00", "2026-12-07T00:05:00-05:00", "2026-12-09T00:10:00-05:00"} {
		w.advanceTo(mustTime(t, at))
		w.must("alice", "/spaces log url:1AliceLateAA"+string(rune('a'+i)), "Logged")
	}
	w.advanceTo(mustTime(t, "2026-12-10T09:00:00-05:00"))
	w.must("boss", `/cohort create name:"Spark 2" start:2026-12-14`, "already runs Spark, until 2026-12-13")

	end := mustTime(t, "2026-12-14T00:00:00-05:00")
	w.advanceTo(mustTime(t, "2026-12-14T12:00:00-05:00"))
	var afterEnd []string
	for _, d := range w.notify.deliveries() {
		if !d.At.Before(end) {
			afterEnd = append(afterEnd, d.Target+" "+d.Text)
		}
	}
	got := strings.Join(afterEnd, "\n")
	for _, want := range []string{
		"#digest Week 2 digest — Spark",
		"#staff Final report — Spark / Ended Mon 14 Dec after 2 weeks. / 2 hosts; 0 met or were excused every week that counted for them.",
		"@alice: 1 of 2 counted weeks met or excused, 3 Spaces, 0 listeners, final streak 0 weeks",
		"@alice Spark has ended — thank you for hosting! / Your record: 1 of 2 counted weeks met or excused",
		"@bob Spark has ended — thank you for hosting! / Your record: 0 of 2 counted weeks met or excused",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("after the end, want %q among:\n%s", want, got)
		}
	}
	for _, d := range afterEnd {
		if strings.HasPrefix(d, "@") && !strings.Contains(d, "has ended") {
			t.Errorf("a host got something other than the closing DM after the end: %s", d)
		}
	}

	// The next cohort: a new name, starting once the last has ended.
	w.must("boss", `/cohort create name:"spark" start:2026-12-14`, "An earlier cohort here is called Spark already")
	w.must("boss", `/cohort create name:"Spark 2" start:2026-12-07`, "start:2026-12-07 is before Spark ended")
	created := w.must("boss", `/cohort create name:"Spark 2" start:2026-12-14 weeks:2`, "Created Spark 2.")
	if !strings.Contains(created, "Digest channel: #digest") || !strings.Contains(created, `Spark stays readable with cohort:"Spark"`) {
		t.Errorf("the next cohort should keep the channels and say the last stays readable:\n%s", created)
	}
	w.must("alice", "/spaces status", "You're not a host in Spark 2 yet")
	w.must("alice", `/spaces history cohort:Spark`, "Week 1 (from 2026-11-30): 2 of 2 — met")
	w.must("boss", `/cohort report cohort:"Spark" week:2026-12-08`, "@alice: 1 of 2")
	w.must("boss", `/cohort export cohort:spark month:2026-12`, "@bob: review")
	w.must("boss", `/cohort report cohort:"Spark 3"`, `There is no cohort "Spark 3" here`)
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added @alice (@alice_x) to Spark 2")
	w.must("alice", "/spaces status", "This week: 0 of 2")

	w.advanceTo(mustTime(t, "2027-01-01T10:00:00-05:00"))
	var reports []string
	for _, d := range w.notify.deliveries() {
		if strings.HasPrefix(d.Text, "Stipend report") {
			reports = append(reports, d.Target+" "+d.Text[:strings.Index(d.Text, " / ")])
		}
	}
	want := "#staff Stipend report — Spark, December 2026\n#staff Stipend report — Spark 2, December 2026"
	if got := strings.Join(reports, "\n"); got != want {
		t.Errorf("stipend reports:\n got %s\nwant %s", got, want)
	}
}
