package scheduler

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sparkbot/bot"
)

// allKinds are the job kinds there are; each states its expiry.
var allKinds = []bot.JobKind{bot.JobReminder, bot.JobNudge, bot.JobWarning, bot.JobCheck, bot.JobDigest,
	bot.JobStipend, bot.JobAnnounce, bot.JobDM, bot.JobPost, bot.JobPlan, bot.JobEvents, bot.JobAlert, bot.JobFinal,
	bot.JobWatch, bot.JobRecheck}

// expiryList renders the expiry table as the README lists it: one item a
// kind, wrapped at 76 columns.
func expiryList() string {
	var b strings.Builder
	for _, k := range allKinds {
		line, indent := "- `"+string(k)+"`:", ""
		for _, word := range strings.Fields(expiries[k].late) {
			if utf8.RuneCountInString(indent+line+" "+word) > 76 {
				b.WriteString(indent + line + "\n")
				line, indent = word, "  "
				continue
			}
			line += " " + word
		}
		b.WriteString(indent + line + "\n")
	}
	return b.String()
}

// TestExpiryTableIsTheREADMEList: every kind of job states what becomes of
// it late, and the README's list says the same.
func TestExpiryTableIsTheREADMEList(t *testing.T) {
	for _, k := range allKinds {
		if expiries[k].late == "" {
			t.Errorf("job kind %q has no expiry in scheduler/expiry.go", k)
		}
	}
	if len(expiries) != len(allKinds) {
		t.Errorf("the expiry table has %d rows, allKinds %d: add the new kind to both", len(expiries), len(allKinds))
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := expiryList()
	if !strings.Contains(string(readme), "\n"+want+"\n") {
		t.Errorf("README.md's list under \"Late deliveries\" differs from scheduler/expiry.go; it should read:\n%s", want)
	}
}

// TestLateAnnouncement: an announcement goes out up to a day late; later
// than that it is not sent, and staff see why in /cohort report.
func TestLateAnnouncement(t *testing.T) {
	tests := []struct {
		name     string
		to       string // "" or " to:hosts"
		outage   time.Duration
		posted   bool
		reported string
	}{
		{"three hours late: posted", "", 3 * time.Hour, true, ""},
		{"two days late: not posted, failed", "", 48 * time.Hour, false, "announce to #news"},
		{"to every host, two days late: not sent", " to:hosts", 48 * time.Hour, false, "announce to every host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
			w.must("boss", `/cohort create name:"Spark" start:2026-11-30`, "Created")
			w.must("boss", "/cohort settings announce:#news", "Saved")
			w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
			w.must("boss", `/announce send text:"Office hours at 11" at:"2026-12-01 10:00"`+tt.to, "will go to")
			w.db.Close()
			w.clock.Set(mustTime(t, "2026-12-01T10:00:00-05:00").Add(tt.outage))
			w.open()
			posted := 0
			for _, d := range w.notify.deliveries() {
				if strings.Contains(d.Text, "Office hours at 11") {
					posted++
				}
			}
			if (posted == 1) != tt.posted {
				t.Fatalf("sent %d times, want posted: %v", posted, tt.posted)
			}
			report := w.do("boss", "/cohort report")
			failed := tt.reported != "" && strings.Contains(report, tt.reported+", ") && strings.Contains(report, "more than a day before it could go out")
			if failed == tt.posted {
				t.Errorf("/cohort report lists the announcement as failed: %v, want %v:\n%s", failed, !tt.posted, report)
			}
		})
	}
}

// TestEarlierDigestGoesFirst: with an earlier week's digest still pending
// (being sent by another worker, or retried), a digest waits for it.
func TestEarlierDigestGoesFirst(t *testing.T) {
	w := newWorld(t, mustTime(t, "2026-12-21T10:00:00-05:00"))
	w.must("boss", `/cohort create name:"Spark" start:2026-11-30`, "Created")
	w.must("boss", "/cohort settings digest:#digest", "Saved")
	ctx := context.Background()
	now := w.clock.Now()
	digest := func(week bot.Date, due time.Time) bot.Job {
		return bot.Job{Key: w.ws.Key() + "/digest/test/" + week.String(), Kind: bot.JobDigest, Workspace: w.ws, Due: due, Week: week}
	}
	early := digest(bot.Date{Year: 2026, Month: 12, Day: 7}, now.Add(time.Minute)) // put off by a retry
	late := digest(bot.Date{Year: 2026, Month: 12, Day: 14}, now)
	if err := w.db.AddJobs(ctx, []bot.Job{early, late}); err != nil {
		t.Fatal(err)
	}
	v, err := w.sched.compose(ctx, late)
	if err != nil {
		t.Fatal(err)
	}
	if want := early.Due.Add(digestOrderWait); !v.deferTo.Equal(want) {
		t.Errorf("the later digest waits until %v, want %v (after the earlier one)", v.deferTo, want)
	}
	v, err = w.sched.compose(ctx, early)
	if err != nil || !v.deferTo.IsZero() || v.channel != "digest" {
		t.Errorf("the earlier digest: %+v, %v; want it posted in #digest at once", v, err)
	}
}

// TestLateChecksRunOnce: of the checks due at once after downtime, only the
// last evaluates the cohort; the others say why they did not.
func TestLateChecksRunOnce(t *testing.T) {
	w := newWorld(t, mustTime(t, "2026-12-21T10:00:00-05:00"))
	w.must("boss", `/cohort create name:"Spark" start:2026-11-30`, "Created")
	ctx := context.Background()
	now := w.clock.Now()
	check := func(name string, due time.Time) bot.Job {
		return bot.Job{Key: w.ws.Key() + "/check/test-" + name, Kind: bot.JobCheck, Workspace: w.ws, Due: due}
	}
	first, last, future := check("a", now.Add(-48*time.Hour)), check("b", now.Add(-time.Hour)), check("c", now.Add(time.Hour))
	if err := w.db.AddJobs(ctx, []bot.Job{first, last, future}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		job    bot.Job
		reason string
	}{{first, "a later check was due too"}, {last, ""}} {
		v, err := w.sched.compose(ctx, c.job)
		if err != nil || !strings.HasPrefix(v.skip, c.reason) || (c.reason == "") != v.done || (c.reason == "") != (v.skip == "") {
			t.Errorf("check %s: %+v, %v; want skipped %q", c.job.Key, v, err, c.reason)
		}
	}
}
