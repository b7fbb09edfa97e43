package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"sparkbot/bot"
)

// staffBrowser is a browser signed in as staff "boss".
func (s *site) staffBrowser() *browser {
	b := s.browser()
	b.signIn(s.link("boss", true))
	return b
}

func TestStipendCSVIsTheExport(t *testing.T) {
	s := seedBrowserCohort(t)
	p := s.staffBrowser().get("/dashboard/stipend.csv?month=2026-12")
	co, _ := s.db.Cohort(context.Background(), s.ws)
	m := bot.Month{Year: 2026, Month: 12}
	rows, _, err := bot.MonthStipend(context.Background(), s.db, s.ws, co, m, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if want := string(bot.StipendCSV(co, m, rows)); p.body != want {
		t.Errorf("the page's CSV differs from bot.StipendCSV:\n got %q\nwant %q", p.body, want)
	}
	if cd := p.header.Get("Content-Disposition"); !strings.Contains(cd, `filename="stipend-spark-phase-1-2026-12.csv"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
}

func TestBadQueries(t *testing.T) {
	s := seedBrowserCohort(t)
	b := s.staffBrowser()
	for path, want := range map[string]string{
		"/dashboard/stipend?month=2027-13":  "one of the cohort&#39;s months",
		"/dashboard/stipend?month=1999-01":  "one of the cohort&#39;s months",
		"/dashboard/spaces?sort=secret":     "sort must be",
		"/dashboard/spaces?dir=sideways":    "dir must be asc or desc",
		"/dashboard/spaces?page=-1":         "page must be",
		"/dashboard/hosts/nobody":           "no host with that id",
		"/dashboard/nothing/here":           "no such page",
		"/dashboard/stipend.csv?month=oops": "one of the cohort&#39;s months",
	} {
		p := b.get(path)
		if p.status < 400 || !strings.Contains(p.body, want) {
			t.Errorf("%s: status %d, want an error page saying %q", path, p.status, want)
		}
	}
}

var listenersColumn = regexp.MustCompile(`<td class="num">(\d+)</td><td class="num">45</td>`)

func TestSpacesSortedByQuery(t *testing.T) {
	s := seedBrowserCohort(t)
	b := s.staffBrowser()
	for _, tt := range []struct {
		query string
		desc  bool
	}{{"sort=listeners&dir=desc", true}, {"sort=listeners&dir=asc", false}} {
		p := b.get("/dashboard/spaces?" + tt.query)
		all := p.body[strings.Index(p.body, `id="all"`):]
		var got []int
		for _, m := range listenersColumn.FindAllStringSubmatch(all, -1) {
			n := 0
			for _, c := range m[1] {
				n = n*10 + int(c-'0')
			}
			got = append(got, n)
		}
		if len(got) < 5 {
			t.Fatalf("%s: found %d rows", tt.query, len(got))
		}
		for i := 1; i < len(got); i++ {
			if (tt.desc && got[i] > got[i-1]) || (!tt.desc && got[i] < got[i-1]) {
				t.Errorf("%s: listeners out of order: %v", tt.query, got)
				break
			}
		}
		if !strings.Contains(p.body, `aria-sort="`+map[bool]string{true: "descending", false: "ascending"}[tt.desc]+`"`) {
			t.Errorf("%s: the sorted column has no aria-sort", tt.query)
		}
	}
	// The week's top Spaces: alice's Tuesday Space is week 4's only one.
	p := b.get("/dashboard/spaces")
	top := p.body[strings.Index(p.body, `id="top"`):strings.Index(p.body, `id="all"`)]
	if !strings.Contains(top, "1sp005") || strings.Contains(top, "1sp004") {
		t.Errorf("the week's top Spaces are not week 4's:\n%s", top)
	}
}

func TestExcuseAndRejectFromThePage(t *testing.T) {
	s := seedBrowserCohort(t)
	s.do("erin", false, "/spaces apply handle:@erin_x followers:100 country:FR", "doesn")
	b := s.staffBrowser()
	csrf := b.csrf("/dashboard/hosts/alice")
	p := b.post("/dashboard/hosts/alice/excuse", url.Values{"csrf": {csrf}, "week": {"2026-12-14"}, "reason": {"sick"}})
	wantStatus(t, "excuse", p, http.StatusOK, "Excused @alice for week 3 (from 2026-12-14)")
	h, _ := s.db.Host(context.Background(), s.ws, "alice")
	if h.Excused["2026-12-14"] != "sick" {
		t.Errorf("the excuse was not stored: %v", h.Excused)
	}
	p = b.post("/dashboard/hosts/alice/excuse", url.Values{"csrf": {csrf}, "week": {"2026-12-14"}})
	wantStatus(t, "excuse without a reason", p, http.StatusUnprocessableEntity, "Give a reason to excuse the week")

	p = b.post("/dashboard/applications/erin/reject", url.Values{"csrf": {csrf}, "reason": {"outside the US"}})
	wantStatus(t, "reject", p, http.StatusOK, "Rejected the application of @erin")
	if a, _ := s.db.Application(context.Background(), s.ws, "erin"); a.State != bot.Rejected {
		t.Errorf("erin's application is %s", a.State)
	}
	p = b.post("/dashboard/applications/erin/approve", url.Values{"csrf": {csrf}})
	wantStatus(t, "approving a rejected application", p, http.StatusUnprocessableEntity, "already rejected")
}

func TestAnnouncementsAndFailures(t *testing.T) {
	s := seedBrowserCohort(t)
	s.do("boss", true, `/announce send channel:#news text:"Office hours moved" at:"2026-12-28 10:00"`, "will go to")
	if err := s.db.FinishJob(context.Background(), bot.Outcome{Key: s.ws.Key() + "/announce/7/post", Kind: bot.JobAnnounce,
		Workspace: s.ws, Channel: "news", Result: bot.Failed, Reason: "the bot is not in #news: invite it", At: s.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	p := s.staffBrowser().get("/dashboard/applications")
	for _, want := range []string{"Office hours moved", "#news", "the bot is not in #news: invite it", "failed"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the applications page lacks %q", want)
		}
	}
}

func TestHostPage(t *testing.T) {
	s := seedBrowserCohort(t)
	b := s.browser()
	b.signIn(s.link("alice", false))
	p := b.get("/dashboard/hosts/alice")
	for _, want := range []string{"Night owls", "logged by staff", "1sp000", "before “Night owls”", "Next reminders"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("alice's page lacks %q", want)
		}
	}
	if strings.Contains(p.body, "Excuse the week") {
		t.Error("a host is offered the staff's excuse form")
	}
}

// TestStipendRevisedSinceIssued: once the month's report was issued, the
// page shows what changed since, as /cohort export does.
func TestStipendRevisedSinceIssued(t *testing.T) {
	s := seedBrowserCohort(t)
	co, _ := s.db.Cohort(context.Background(), s.ws)
	m := bot.Month{Year: 2026, Month: 12}
	if _, err := bot.IssueStipendReport(context.Background(), s.db, s.ws, co, m, s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	s.do("boss", true, `/cohort excuse user:@alice week:2026-12-14 reason:"sick"`, "Excused")
	p := s.staffBrowser().get("/dashboard/stipend?month=2026-12")
	for _, want := range []string{"Issued", "1 row revised since", "status review→eligible"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the stipend page lacks %q", want)
		}
	}
}
