package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sparkbot/bot"
)

// TestApplicationsShowLink: a pending application's show: link is on the
// page, as /cohort applications shows it, as a link that passes no
// referrer and no ranking; one that is not http or https (stored before
// show: was checked) is text, not a link.
func TestApplicationsShowLink(t *testing.T) {
	ctx := context.Background()
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	s.do("erin", false, "/spaces apply handle:@erin_x followers:9000 country:US show:https://podcasts.example.com/erin?ep=1&x=<y>", "")
	s.do("erin", false, "/spaces apply handle:@erin_x followers:9000 country:US show:https://podcasts.example.com/erin?ep=1", "Application received")
	s.do("boss", true, "/cohort applications", "show: https://podcasts.example.com/erin?ep=1")
	co, _ := s.db.Cohort(ctx, s.ws)
	if err := s.db.PutApplication(ctx, s.ws, bot.Application{Cohort: co.ID, UserID: "finn", Name: "finn", Handle: "finn_x",
		Followers: 9000, Country: "US", Show: "javascript:alert(1)", State: bot.Pending, At: s.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	p := s.staffBrowser().get("/dashboard/applications")
	erin := rowOf(t, p.body, "erin")
	if want := `<a href="https://podcasts.example.com/erin?ep=1" rel="noopener noreferrer nofollow">`; !strings.Contains(erin, want) {
		t.Errorf("erin's row lacks her show's link %s:\n%s", want, erin)
	}
	finn := rowOf(t, p.body, "finn")
	if strings.Contains(finn, `href="javascript`) || strings.Contains(finn, "ZgotmplZ") {
		t.Errorf("finn's show: is a link:\n%s", finn)
	}
	if !strings.Contains(finn, "javascript:alert(1)") {
		t.Errorf("finn's row does not show his show: as text:\n%s", finn)
	}
}

// TestRejectWithoutReason: the page's reject form without a reason says
// so in the page's words, not chat's syntax, and rejects nothing.
func TestRejectWithoutReason(t *testing.T) {
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	s.do("erin", false, "/spaces apply handle:@erin_x followers:9000 country:US", "Application received")
	b := s.staffBrowser()
	csrf := b.csrf("/dashboard/applications")
	for _, reason := range []string{"", "   "} {
		p := b.post("/dashboard/applications/erin/reject", url.Values{"csrf": {csrf}, "reason": {reason}})
		wantStatus(t, "reject with reason "+strconvQuote(reason), p, http.StatusUnprocessableEntity, "Give a reason to reject")
		if strings.Contains(p.body, "/cohort reject") || strings.Contains(p.body, "is required") {
			t.Errorf("the page answers in chat's syntax:\n%s", flashOf(p.body))
		}
	}
	if a, _ := s.db.Application(context.Background(), s.ws, "erin"); a.State != bot.Pending {
		t.Errorf("erin's application is %s", a.State)
	}
}

// rowOf is the table row of user's application.
func rowOf(t *testing.T, body, user string) string {
	t.Helper()
	i := strings.Index(body, `<tr data-user="`+user+`">`)
	if i < 0 {
		t.Fatalf("no row for %s", user)
	}
	return body[i : i+strings.Index(body[i:], "</tr>")]
}

func flashOf(body string) string {
	i := strings.Index(body, `class="flash`)
	if i < 0 {
		return ""
	}
	return body[i : i+strings.Index(body[i:], "</div>")]
}

func strconvQuote(s string) string { return `"` + s + `"` }

// TestApplicationsOfTheLatestCohort: pending applications are the latest
// cohort's, as /cohort applications lists them: one made to an earlier
// cohort cannot be approved into this one.
func TestApplicationsOfTheLatestCohort(t *testing.T) {
	s := newSite(t, "2026-11-25T09:00:00-05:00")
	s.do("boss", true, `/cohort create name:"Spark Phase 1" start:2026-11-30 weeks:4`, "Created")
	s.do("erin", false, "/spaces apply handle:@erin_x followers:9000 country:US", "Application received")
	s.clock.Set(mustTime(t, "2027-01-04T12:00:00-05:00"))
	s.do("boss", true, `/cohort create name:"Spark Phase 2" start:2027-01-11`, "Created")
	s.do("finn", false, "/spaces apply handle:@finn_x followers:9000 country:US", "Application received")
	s.do("boss", true, "/cohort applications", "@finn")
	p := s.staffBrowser().get("/dashboard/applications")
	if !strings.Contains(p.body, `<tr data-user="finn">`) || strings.Contains(p.body, `<tr data-user="erin">`) {
		t.Errorf("the pending applications are not Spark Phase 2's (finn's only):\n%s", p.body[strings.Index(p.body, `id="pending"`):strings.Index(p.body, `id="scheduled"`)])
	}
}
