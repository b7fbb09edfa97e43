package scheduler

import (
	"strings"
	"testing"
)

// TestAtRiskWaitsForTheNudgeWindow: an at-risk warning that falls while
// one of the host's Spaces is on air or just over (its nudge not yet due)
// waits until the nudge: the host may be about to log it. Then it goes out
// with the count as it stands, or not at all if a log made it untrue.
//
// The cohort's quota is 3; alice hosts "Morning show" Tuesdays 08:30–09:30
// and "Evening" Thursdays 20:00, so the daily check at 09:00 on Tuesday
// finds her at risk while the morning show is on air.
func TestAtRiskWaitsForTheNudgeWindow(t *testing.T) {
	tests := []struct {
		name string
		logs []string // alice's commands at 09:40
		want string   // the at-risk DM, at the nudge (10:00); empty: none
	}{
		{"nothing logged: with the nudge", nil,
			"Tue 12-01 15:00 @alice ⚠ At risk: 0 of 3 Spaces this week, 1 scheduled before"},
		{"logged meanwhile: the count as it stands", []string{`/spaces log url:1MorningAAAAA at:"2026-12-01 08:30"`},
			"Tue 12-01 15:00 @alice ⚠ At risk: 1 of 3 Spaces this week, 1 scheduled before"},
		{"a log makes it untrue: dropped", []string{
			`/spaces log url:1MorningAAAAA at:"2026-12-01 08:30"`,
			`/spaces log url:1ExtraMonAAAA at:"2026-11-30 18:00"`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, mustTime(t, "2026-11-30T09:00:00-05:00"))
			w.must("boss", `/cohort create name:"Spark" start:2026-11-30 quota:3`, "Created")
			w.must("boss", "/cohort add user:@alice handle:@alice_x", "Added")
			w.must("alice", `/spaces schedule add title:"Morning show" days:tue time:08:30`, "Saved")
			w.must("alice", `/spaces schedule add title:"Evening" days:thu time:20:00`, "Saved")
			w.advanceTo(mustTime(t, "2026-12-01T09:40:00-05:00"))
			for _, line := range tt.logs {
				w.must("alice", line, "Logged")
			}
			w.advanceTo(mustTime(t, "2026-12-01T12:00:00-05:00"))

			var warnings []string
			for _, d := range w.notify.deliveries() {
				if d.Target == "@alice" && strings.Contains(d.Text, "At risk") {
					warnings = append(warnings, d.String())
				}
			}
			switch {
			case tt.want == "" && len(warnings) != 0:
				t.Errorf("want no at-risk warning, got:\n%s", strings.Join(warnings, "\n"))
			case tt.want != "" && (len(warnings) != 1 || !strings.HasPrefix(warnings[0], tt.want)):
				t.Errorf("want one at-risk warning, %q…; got:\n%s", tt.want, strings.Join(warnings, "\n"))
			}
		})
	}
}
