package bot_test

import (
	"context"
	"strings"
	"testing"

	"sparkbot/bot"
)

// click presses the "I hosted it" button of an occurrence as user.
func (h *harness) click(user string, scheduleID int64, start string) string {
	h.t.Helper()
	b := bot.HostedButton(scheduleID, mustTime(h.t, start))
	resp := h.router.Handle(context.Background(), bot.Request{Workspace: h.ws, UserID: user, UserName: user,
		Action: &bot.Action{ID: b.ActionID, Value: b.Value}})
	return render(resp.Message, h.clock.Now())
}

// TestLogsMeetOccurrences: one rule ties logs to scheduled Spaces, so a
// Space counts once however it is logged, and unscheduled Spaces count
// on their own. Each case starts on Monday 2026-11-30 09:00 New York with
// alice hosting "Night owls" on Tuesdays at 20:00 (60 minutes).
func TestLogsMeetOccurrences(t *testing.T) {
	type act struct {
		at    string // the clock, RFC3339
		click bool   // click the Tuesday button instead of running line
		line  string
		want  string
	}
	tests := []struct {
		name string
		acts []act
	}{
		{"a link after a one-click log, with the at: the reply suggests, upgrades it", []act{
			{at: "2026-12-01T21:30:00-05:00", click: true, want: `/spaces log url:<link> at:"2026-12-01 20:00"`},
			{at: "2026-12-02T09:30:00-05:00", line: `/spaces log url:1eaKbrPAqbwKX at:"2026-12-01 20:00"`, want: "Replaced your one-click log with its link"},
			{line: "/spaces status", want: "This week: 1 of 2"},
		}},
		{"a link soon after the Space, without at:, upgrades the one-click log", []act{
			{at: "2026-12-01T21:30:00-05:00", click: true, want: "unverified"},
			{at: "2026-12-01T23:00:00-05:00", line: "/spaces log url:1eaKbrPAqbwKX", want: "Replaced your one-click log with its link"},
			{line: "/spaces status", want: "This week: 1 of 2"},
		}},
		{"a link much later without at: is another Space, not an upgrade", []act{
			{at: "2026-12-01T21:30:00-05:00", click: true, want: "unverified"},
			{at: "2026-12-02T09:30:00-05:00", line: "/spaces log url:1eaKbrPAqbwKX", want: "Logged Space 1eaKbrPAqbwKX, started Wed 2 Dec 09:30"},
			{line: "/spaces status", want: "This week: 2 of 2"},
		}},
		{"another Space at another time is its own log, at the time typed", []act{
			{at: "2026-12-01T21:30:00-05:00", click: true, want: "unverified"},
			{line: `/spaces log url:REAL19 at:"2026-12-01 19:00"`, want: "Logged Space REAL19, started Tue 1 Dec 19:00"},
			{line: "/spaces status", want: "This week: 2 of 2"},
		}},
		{"a Space logged after midnight counts in the week it started", []act{
			{at: "2026-12-06T22:00:00-05:00", line: `/spaces schedule add title:"Sunday late" days:sun time:22:00`, want: "Saved"},
			{at: "2026-12-06T22:30:00-05:00", line: "/spaces log url:AAA", want: "started Sun 6 Dec 22:00"},
			{at: "2026-12-07T01:00:00-05:00", line: "/spaces log url:BBB", want: "started Mon 7 Dec 01:00"},
			{line: "/spaces status", want: "This week: 1 of 2"},
			{line: "/spaces history", want: "Week 1 (from 2026-11-30): 1 of 2 — missed"},
		}},
		{"back-to-back Spaces each keep their own button", []act{
			{line: `/spaces schedule add title:"Early show" days:tue time:19:00`, want: "Saved recurring Space #2"},
			{at: "2026-12-01T19:40:00-05:00", line: `/spaces log url:EARLY1 at:"2026-12-01 19:00"`, want: "Logged Space EARLY1"},
			{at: "2026-12-01T21:30:00-05:00", click: true, want: "Logged “Night owls”"},
			{line: "/spaces status", want: "This week: 2 of 2"},
		}},
		{"clicking twice counts once", []act{
			{at: "2026-12-01T21:30:00-05:00", click: true, want: "unverified"},
			{click: true, want: "Already logged: one-click log"},
		}},
		{"a Space logged near its time, but outside the tolerance, still stops a one-click double", []act{
			{at: "2026-12-01T21:30:00-05:00", line: `/spaces log url:LATE45 at:"2026-12-01 20:45"`, want: "Logged Space LATE45, started Tue 1 Dec 20:45"},
			{click: true, want: "Already logged: Space LATE45"},
			{line: "/spaces status", want: "This week: 1 of 2"},
		}},
		{"a one-click log can be removed by its time", []act{
			{at: "2026-12-01T21:30:00-05:00", click: true, want: "unverified"},
			{line: `/spaces unlog at:"2026-12-01 20:00"`, want: "Removed the one-click log"},
			{line: "/spaces status", want: "This week: 0 of 2"},
		}},
		{"an unscheduled Space before the next one does not speak for it", []act{
			{line: `/spaces schedule add title:"Early show" days:tue time:19:00`, want: "Saved recurring Space #2"},
			{at: "2026-12-01T19:20:00-05:00", line: `/spaces log url:OTHER at:"2026-12-01 18:32"`, want: "Logged Space OTHER, started Tue 1 Dec 18:32"},
			{line: "/spaces status", want: "◷ Night owls"},
		}},
		{"logged without at: during the next Space, a link is the Space just over", []act{
			{line: `/spaces schedule add title:"Early show" days:tue time:19:00`, want: "Saved recurring Space #2"},
			{at: "2026-12-01T20:05:00-05:00", line: "/spaces log url:EARLY1", want: "started Tue 1 Dec 19:00"},
			{at: "2026-12-01T21:10:00-05:00", line: "/spaces log url:OWLS1", want: "started Tue 1 Dec 20:00"},
			{line: "/spaces status", want: "This week: 2 of 2"},
		}},
		{"a Space on air still counts as scheduled", []act{
			{at: "2026-12-01T20:30:00-05:00", line: "/spaces status", want: "◷ Night owls"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice")
			h.must("alice", false, `/spaces schedule add title:"Night owls" days:tue time:20:00`, "Saved recurring Space #1")
			for _, a := range tt.acts {
				if a.at != "" {
					h.clock.Set(mustTime(t, a.at))
				}
				var got string
				if a.click {
					got = h.click("alice", 1, "2026-12-01T20:00:00-05:00")
				} else {
					got = h.do("alice", false, a.line)
				}
				if !strings.Contains(got, a.want) {
					t.Fatalf("%s %s:\n got %q\nwant it to contain %q", a.line, map[bool]string{true: "(click)"}[a.click], got, a.want)
				}
			}
		})
	}
}
