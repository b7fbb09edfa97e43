package scheduler

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestTwoMissedInARow: staff hear in their channel when a host misses two
// counted weeks in a row, once per run of missed weeks; an excused week
// breaks the run, and so does a met one.
func TestTwoMissedInARow(t *testing.T) {
	tests := []struct {
		name     string
		settings string
		weeks    string // one letter a week from 2026-11-30: m missed, M met, x excused
		channel  string
		want     []string // the weeks (start dates) each alert names
	}{
		{"two missed", "staff:#staff digest:#digest", "mm", "#staff", []string{"2026-11-30 and 2026-12-07"}},
		{"three missed: one alert for the run", "staff:#staff", "mmm", "#staff", []string{"2026-11-30 and 2026-12-07"}},
		{"an excused week breaks the run", "staff:#staff", "mxm", "#staff", nil},
		{"a met week breaks it; the next run alerts", "staff:#staff", "mMmm", "#staff", []string{"2026-12-14 and 2026-12-21"}},
		{"two runs, two alerts", "staff:#staff", "mmMmm", "#staff", []string{"2026-11-30 and 2026-12-07", "2026-12-21 and 2026-12-28"}},
		{"a week excused as it went breaks the run; the next run alerts", "staff:#staff", "mmxmm", "#staff", []string{"2026-11-30 and 2026-12-07", "2026-12-21 and 2026-12-28"}},
		{"no staff channel: the digest channel", "digest:#digest", "mm", "#digest", []string{"2026-11-30 and 2026-12-07"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
			w.must("boss", `/cohort create name:"Spark" start:2026-11-30`, "Created")
			w.must("boss", "/cohort settings "+tt.settings, "Saved")
			w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
			week := mustTime(t, "2026-11-30T00:00:00-05:00")
			for i, c := range tt.weeks {
				tuesday := week.AddDate(0, 0, 7*i+1)
				w.advanceTo(tuesday.Add(15 * time.Hour))
				day := tuesday.Format("2006-01-02")
				switch c {
				case 'M':
					w.must("alice", fmt.Sprintf(`/spaces log url:1AliceW%dAAAAA at:"%s 10:00"`, i, day), "Logged")
					w.must("alice", fmt.Sprintf(`/spaces log url:1AliceW%dBBBBB at:"%s 14:00"`, i, day), "Logged")
				case 'x':
					w.must("boss", fmt.Sprintf(`/cohort excuse user:@alice week:%s reason:"family"`, day), "Excused")
				}
				w.restart() // the alert's key holds across restarts
			}
			w.advanceTo(week.AddDate(0, 0, 7*len(tt.weeks)+2))

			var alerts []delivery
			for _, d := range w.notify.deliveries() {
				if strings.Contains(d.Text, "counted weeks in a row") {
					alerts = append(alerts, d)
				}
			}
			if len(alerts) != len(tt.want) {
				t.Fatalf("%d alerts, want %d:\n%s", len(alerts), len(tt.want), render(alerts))
			}
			for i, a := range alerts {
				if a.Target != tt.channel || !strings.Contains(a.Text, "the weeks from "+tt.want[i]) {
					t.Errorf("alert %d: %s\nwant it in %s, naming the weeks from %s", i+1, a, tt.channel, tt.want[i])
				}
				if strings.Contains(a.Text, "<@") {
					t.Errorf("the alert pings the host; it should name them only: %s", a)
				}
			}
		})
	}
}

// TestMissedRunAlertIsDroppedWhenExcused: an alert that has not gone out
// yet (the platform is failing) is not sent once staff excuse a week of the
// run.
func TestMissedRunAlertIsDroppedWhenExcused(t *testing.T) {
	w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
	w.notify.fail = func(target string, _ int) error {
		if target == "#staff" {
			return fmt.Errorf("503 service unavailable")
		}
		return nil
	}
	w.must("boss", `/cohort create name:"Spark" start:2026-11-30`, "Created")
	w.must("boss", "/cohort settings staff:#staff", "Saved")
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
	w.advanceTo(mustTime(t, "2026-12-14T00:05:00-05:00")) // the alert was tried, and put off
	if n := len(w.notify.attemptTimes("#staff", "⚠")); n == 0 {
		t.Fatal("no alert was tried when week 2 closed")
	}
	w.notify.fail = nil
	w.must("boss", `/cohort excuse user:@alice week:2026-12-07 reason:"flu"`, "Excused")
	w.advanceTo(mustTime(t, "2026-12-15T00:00:00-05:00"))
	for _, d := range w.notify.deliveries() {
		if d.Target == "#staff" {
			t.Errorf("sent after the run was broken by an excuse: %s", d)
		}
	}
}

// TestMissedRunAlertOnceWhenStaffAct: a host misses weeks 1–4 and staff are
// alerted once. When staff then backfill or excuse a week of the run, the
// weeks left are not alerted again, nor when the run goes on, across
// restarts; a new run after a week the host met still alerts.
func TestMissedRunAlertOnceWhenStaffAct(t *testing.T) {
	tests := []struct {
		name, act, want string
	}{
		{"staff backfill week 1 to met", `/spaces log user:@alice url:1AliceW0AAAAA at:"2026-12-01 10:00"` +
			"\n" + `/spaces log user:@alice url:1AliceW0BBBBB at:"2026-12-01 14:00"`, "Logged"},
		{"staff excuse week 2", `/cohort excuse user:@alice week:2026-12-07 reason:"flu"`, "Excused"},
		{"staff excuse week 1", `/cohort excuse user:@alice week:2026-11-30 reason:"flu"`, "Excused"},
		{"staff backfill week 2 to met", `/spaces log user:@alice url:1AliceW1AAAAA at:"2026-12-08 10:00"` +
			"\n" + `/spaces log user:@alice url:1AliceW1BBBBB at:"2026-12-08 14:00"`, "Logged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
			w.must("boss", `/cohort create name:"Spark" start:2026-11-30`, "Created")
			w.must("boss", "/cohort settings staff:#staff", "Saved")
			w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
			week := mustTime(t, "2026-11-30T00:00:00-05:00")
			for i := 1; i <= 4; i++ { // weeks 1–4 missed
				w.advanceTo(week.AddDate(0, 0, 7*i).Add(10 * time.Hour))
				w.restart()
			}
			if n := len(alerts(w)); n != 1 {
				t.Fatalf("%d alerts for weeks 1–4 missed, want 1:\n%s", n, render(alerts(w)))
			}
			for _, line := range strings.Split(tt.act, "\n") {
				w.must("boss", line, tt.want)
			}
			w.restart()
			w.advanceTo(week.AddDate(0, 0, 7*5).Add(10 * time.Hour)) // week 5 missed too
			w.restart()
			w.advanceTo(week.AddDate(0, 0, 7*5+3))
			if got := alerts(w); len(got) != 1 {
				t.Fatalf("%d alerts after staff acted, want the first only:\n%s", len(got), render(got))
			}
			// Week 6 met, weeks 7 and 8 missed: a new run.
			tuesday := week.AddDate(0, 0, 7*5+1)
			w.advanceTo(tuesday.Add(15 * time.Hour))
			w.must("alice", `/spaces log url:1AliceW6AAAAA at:"2027-01-05 10:00"`, "Logged")
			w.must("alice", `/spaces log url:1AliceW6BBBBB at:"2027-01-05 14:00"`, "Logged")
			w.advanceTo(week.AddDate(0, 0, 7*8+2))
			got := alerts(w)
			if len(got) != 2 || !strings.Contains(got[1].Text, "the weeks from 2027-01-11 and 2027-01-18") {
				t.Fatalf("after a met week and two missed: %d alerts, want a second for 2027-01-11 and 2027-01-18:\n%s", len(got), render(got))
			}
		})
	}
}

// alerts are the two-missed-in-a-row alerts w's staff got.
func alerts(w *world) []delivery {
	var out []delivery
	for _, d := range w.notify.deliveries() {
		if strings.Contains(d.Text, "counted weeks in a row") {
			out = append(out, d)
		}
	}
	return out
}
