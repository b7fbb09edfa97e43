package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"sparkbot/bot"
)

// TestPastCohortOnThePages: ?cohort=N shows the workspace's cohort N on
// the cohort, stipend, Spaces and host pages, as chat's cohort: option
// does; links on its pages keep to it; without it, the latest.
func TestPastCohortOnThePages(t *testing.T) {
	ctx := context.Background()
	s := newSite(t, "2026-11-25T09:00:00-05:00")
	s.do("boss", true, `/cohort create name:"Spark Phase 1" start:2026-11-30 weeks:4`, "Created")
	s.do("boss", true, "/cohort add user:@alice handle:@alice_x", "Added")
	s.clock.Set(mustTime(t, "2026-12-09T12:00:00-05:00"))
	s.do("alice", false, `/spaces log url:1A1 at:"2026-12-08 20:00" listeners:30`, "Logged")
	s.clock.Set(mustTime(t, "2027-01-04T12:00:00-05:00"))
	s.do("boss", true, `/cohort create name:"Spark Phase 2" start:2027-01-11`, "Created")
	s.do("boss", true, "/cohort add user:@bob handle:@bob_x", "Added")
	b := s.staffBrowser()

	latest := b.get("/dashboard/cohort")
	wantStatus(t, "the latest cohort", latest, http.StatusOK, "Spark Phase 2")
	for _, want := range []string{`href="/dashboard/cohort?cohort=1"`, `data-host="bob"`} {
		if !strings.Contains(latest.body, want) {
			t.Errorf("the cohort page of the latest cohort lacks %s", want)
		}
	}
	if strings.Contains(latest.body, `data-host="alice"`) {
		t.Error("the latest cohort's heatmap lists alice, a host of cohort 1 only")
	}

	past := b.get("/dashboard/cohort?cohort=1")
	wantStatus(t, "cohort 1", past, http.StatusOK, "Spark Phase 1")
	for _, want := range []string{`data-host="alice"`, `href="/dashboard/hosts/alice?cohort=1"`,
		`href="/dashboard/stipend?cohort=1"`, `href="/dashboard/spaces?cohort=1"`, `href="/dashboard/cohort"`} {
		if !strings.Contains(past.body, want) {
			t.Errorf("cohort 1's page lacks %s", want)
		}
	}

	spaces := b.get("/dashboard/spaces?cohort=1")
	if !strings.Contains(spaces.body, "1A1") || !strings.Contains(spaces.body, "/dashboard/spaces?cohort=1&amp;dir=desc&amp;sort=listeners") {
		t.Errorf("cohort 1's Spaces page lacks alice's Space or keeps no cohort in its sort links")
	}
	if strings.Contains(b.get("/dashboard/spaces").body, "1A1") {
		t.Error("the latest cohort's Spaces page lists a Space of cohort 1")
	}

	stipend := b.get("/dashboard/stipend?cohort=1")
	wantStatus(t, "cohort 1's stipend", stipend, http.StatusOK, `data-user="alice"`)
	if !strings.Contains(stipend.body, `href="/dashboard/stipend.csv?cohort=1&amp;month=2026-12"`) {
		t.Errorf("cohort 1's stipend page does not link its own CSV")
	}
	co1, err := s.db.CohortByID(ctx, s.ws, 1)
	if err != nil {
		t.Fatal(err)
	}
	m := bot.Month{Year: 2026, Month: 12}
	rows, _, err := bot.MonthStipend(ctx, s.db, s.ws, co1, m, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := b.get("/dashboard/stipend.csv?cohort=1&month=2026-12").body; got != string(bot.StipendCSV(co1, m, rows)) {
		t.Errorf("cohort 1's CSV is not /cohort export's:\n%s", got)
	}

	host := b.get("/dashboard/hosts/alice?cohort=1")
	wantStatus(t, "alice in cohort 1", host, http.StatusOK, "1A1")
	if strings.Contains(host.body, "Excuse the week") {
		t.Error("a past cohort's host page offers to excuse a week (/cohort excuse is the latest cohort's)")
	}

	wantStatus(t, "no such cohort", b.get("/dashboard/cohort?cohort=3"), http.StatusNotFound, "no cohort 3")
	wantStatus(t, "not a number", b.get("/dashboard/stipend?cohort=one"), http.StatusBadRequest, "cohort must be")
}
