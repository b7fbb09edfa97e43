package scheduler

import (
	"strings"
	"testing"
)

// quietWorld is alice, in New York, with the quiet hours and the schedule
// given, in a cohort starting 2026-11-30.
func quietWorld(t *testing.T, quiet, schedule string) *world {
	t.Helper()
	w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
	w.must("boss", `/cohort create name:"Spark" start:2026-11-30`, "Created")
	w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
	if quiet != "" {
		w.must("alice", "/spaces reminders quiet:"+quiet, "Quiet hours")
	}
	w.must("alice", `/spaces schedule add title:"Show" `+schedule, "Saved")
	return w
}

// alicesDMs are alice's DMs from Tuesday noon on whose text starts with one
// of prefixes, as "time text-prefix".
func alicesDMs(w *world, prefixes ...string) []string {
	var out []string
	from := mustTime(w.t, "2026-12-01T12:00:00-05:00")
	for _, d := range w.notify.deliveries() {
		if d.Target != "@alice" || d.At.Before(from) {
			continue
		}
		for _, p := range prefixes {
			if strings.HasPrefix(d.Text, p) {
				out = append(out, d.At.UTC().Format("Mon 01-02 15:04")+" "+p)
			}
		}
	}
	return out
}

// TestQuietHoursHoldNudges: a nudge due in the host's quiet hours waits
// until they end, unless the Space was on air in them (the host was up);
// reminders come at the times the host chose, quiet hours or not.
func TestQuietHoursHoldNudges(t *testing.T) {
	tests := []struct {
		name, quiet, schedule string
		kinds                 []string // the DMs compared: nudges ("Did"), reminders ("⏰")
		want                  []string // UTC; New York is UTC-5
	}{
		{"default: the 22:30 nudge waits until 08:00", "", "days:tue time:21:00", []string{"Did"},
			[]string{"Wed 12-02 13:00 Did"}},
		{"quiet hours off: at once", "off", "days:tue time:21:00", []string{"Did"},
			[]string{"Wed 12-02 03:30 Did"}},
		{"quiet from 23:00: at once", "23-07", "days:tue time:21:00", []string{"Did"},
			[]string{"Wed 12-02 03:30 Did"}},
		{"own quiet hours 20:00-07:00: until 07:00", "20-07", "days:tue time:19:30 duration:30m", []string{"Did"},
			[]string{"Wed 12-02 12:00 Did"}},
		{"on air in quiet hours: reminders on time, the nudge at once", "", "days:tue time:23:00", []string{"Did", "⏰"},
			[]string{"Wed 12-02 03:00 ⏰", "Wed 12-02 03:50 ⏰", "Wed 12-02 05:30 Did"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := quietWorld(t, tt.quiet, tt.schedule)
			w.advanceTo(mustTime(t, "2026-12-02T12:00:00-05:00"))
			if got := alicesDMs(w, tt.kinds...); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestQuietHoursHoldWarnings: a quota warning due in the host's own quiet
// hours waits until they end; with quiet hours off it goes at once. Week 2
// opens (Monday 00:01) with alice at risk: one Space a week, quota 2.
func TestQuietHoursHoldWarnings(t *testing.T) {
	tests := []struct{ name, quiet, want string }{
		{"default: at 08:00", "", "Mon 12-07 13:00"},
		{"quiet hours off: as the week opens", "off", "Mon 12-07 05:01"},
		{"own quiet hours 23:30-09:30: at 09:30", "23:30-09:30", "Mon 12-07 14:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := quietWorld(t, tt.quiet, "days:tue time:20:00")
			w.advanceTo(mustTime(t, "2026-12-07T12:00:00-05:00"))
			var got []string
			for _, d := range w.notify.deliveries() {
				if d.Target == "@alice" && strings.Contains(d.Text, "At risk: 0 of 2 Spaces this week, 1 scheduled before Mon 14 Dec 04:59 UTC") {
					got = append(got, d.At.UTC().Format("Mon 01-02 15:04"))
				}
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("week 2's at-risk warning at %v, want once at %s", got, tt.want)
			}
		})
	}
}

// TestRemindersOffSilencesNudges: with reminders off, a host gets neither
// reminders nor nudges; quota warnings still come, and as promptly (the
// unlogged Space's nudge time still re-checks them).
func TestRemindersOffSilencesNudges(t *testing.T) {
	for _, off := range []bool{false, true} {
		w := quietWorld(t, "", "days:tue,thu time:20:00")
		if off {
			w.must("alice", "/spaces reminders off", "are off")
		}
		w.advanceTo(mustTime(t, "2026-12-02T12:00:00-05:00"))
		got := strings.Join(alicesDMs(w, "⏰", "Did", "⚠ At risk"), "\n")
		want := "Wed 12-02 00:00 ⏰\nWed 12-02 00:50 ⏰\nWed 12-02 02:30 Did\nWed 12-02 02:30 ⚠ At risk"
		if off {
			want = "Wed 12-02 02:30 ⚠ At risk"
		}
		if got != want {
			t.Errorf("reminders off: %v:\n got:\n%s\nwant:\n%s", off, got, want)
		}
	}
}
