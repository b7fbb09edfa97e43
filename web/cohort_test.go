package web_test

import (
	"context"
	"regexp"
	"slices"
	"testing"

	"sparkbot/bot"
)

var heatRowRE = regexp.MustCompile(`<tr data-host="([^"]+)">`)

// TestCohortPageListsTheReportsRoster: the heatmap lists the week's hosts
// in /cohort report's order (bot.Roster: who needs attention first), then
// the former members who were not members in the week.
func TestCohortPageListsTheReportsRoster(t *testing.T) {
	s := newSite(t, "2026-11-25T09:00:00-05:00")
	s.do("boss", true, `/cohort create name:"Spark Phase 1" start:2026-11-30`, "Created")
	for _, u := range []string{"aaron", "mia", "zed"} {
		s.do("boss", true, "/cohort add user:@"+u+" handle:@"+u+"_x", "Added")
	}
	s.clock.Set(mustTime(t, "2026-12-02T12:00:00-05:00"))
	s.do("boss", true, "/cohort remove user:@aaron", "Removed")
	s.clock.Set(mustTime(t, "2026-12-09T12:00:00-05:00"))
	s.do("zed", false, `/spaces log url:1Z1 at:"2026-12-07 20:00"`, "Logged")
	s.do("zed", false, `/spaces log url:1Z2 at:"2026-12-08 20:00"`, "Logged") // on track; mia is at risk

	co, _ := s.db.Cohort(context.Background(), s.ws)
	week := co.WeekOf(s.clock.Now())
	recs, err := bot.AccountMembers(context.Background(), s.db, s.ws, co, week.Start, week.End, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range bot.Roster(recs, week) {
		want = append(want, r.Record.Host.UserID)
	}
	want = append(want, "aaron") // a member in week 1 only
	p := s.staffBrowser().get("/dashboard/cohort")
	var got []string
	for _, m := range heatRowRE.FindAllStringSubmatch(p.body, -1) {
		got = append(got, m[1])
	}
	if !slices.Equal(got, want) || !slices.Equal(want, []string{"mia", "zed", "aaron"}) {
		t.Errorf("heatmap rows %v, want the report's roster then former members: %v", got, want)
	}
}
