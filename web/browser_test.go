package web_test

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sparkbot/bot"
)

// The browser tests drive Debian's Chromium with chromedp: they sign in
// through a link, read the heatmap and the stipend table and check them
// against the domain's own numbers, approve an application through the
// page, and check a host cannot open another host's page. Without
// Chromium they skip, except under CI=true (.ci/run installs it).

var update = flag.Bool("update", false, "rewrite docs/dashboard-cohort.png from the browser test")

// chromium finds the browser, or skips (fails under CI).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is not installed; .ci/run installs it with apt-get install chromium")
	}
	t.Skip("Chromium is not installed (apt-get install chromium); skipping the browser tests")
	return ""
}

// newBrowser starts headless Chromium with a fresh profile. The flags keep
// it off the network (this machine has none but loopback) and allow
// running as root in CI.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	// A bound on the whole browser, so a hung page fails the test.
	deadline, cancelDeadline := context.WithTimeout(context.Background(), 2*time.Minute)
	alloc, cancelAlloc := chromedp.NewExecAllocator(deadline, opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc(); cancelDeadline() })
	if err := chromedp.Do(ctx); err != nil { // start it
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// seedBrowserCohort is a cohort four weeks in: met, missed, excused and
// open weeks, a host who left, and a pending application.
func seedBrowserCohort(t *testing.T) *site {
	s := newSite(t, "2026-11-25T09:00:00-05:00").seed()
	s.do("boss", true, "/cohort add user:@carol handle:@carol_x", "Added")
	s.do("alice", false, `/spaces schedule add title:"Night owls" days:tue,thu time:20:00`, "Saved")
	s.do("bob", false, `/spaces schedule add title:"Bob live" days:wed,fri time:19:00`, "Saved")
	s.clock.Set(mustTime(t, "2026-12-09T12:00:00-05:00"))
	s.do("boss", true, `/spaces log url:1carol1 user:@carol at:"2026-12-02 10:00" listeners:33`, "Logged")
	s.do("boss", true, `/spaces log url:1carol2 user:@carol at:"2026-12-04 10:00" listeners:44`, "Logged") // week 1: met
	s.do("boss", true, "/cohort remove user:@carol", "Removed")
	s.clock.Set(mustTime(t, "2026-12-20T12:00:00-05:00"))
	s.do("dave", false, "/spaces apply handle:@dave_x followers:8000 country:US show:https://podcasts.example.com/shows/dave-talks-about-everything-under-the-sun/episodes?sort=newest", "Application received")
	s.clock.Set(mustTime(t, "2026-12-23T12:00:00-05:00")) // Wednesday of week 4
	for i, l := range []struct{ user, at string }{
		{"alice", "2026-12-01 20:00"}, {"alice", "2026-12-03 20:00"}, // week 1: met
		{"alice", "2026-12-08 20:00"}, {"alice", "2026-12-10 20:00"}, // week 2: met
		{"alice", "2026-12-15 20:00"},                            // week 3: missed
		{"alice", "2026-12-22 20:00"},                            // week 4: open
		{"bob", "2026-12-02 19:00"},                              // week 1: missed
		{"bob", "2026-12-16 19:00"}, {"bob", "2026-12-18 19:00"}, // week 3: met
	} {
		s.do("boss", true, fmt.Sprintf(`/spaces log url:1sp%03d user:@%s at:"%s" listeners:%d minutes:45`, i, l.user, l.at, 40+17*i), "Logged")
	}
	s.do("boss", true, `/cohort excuse user:@bob week:2026-12-07 reason:"family emergency"`, "Excused")
	s.do("bob", false, "/spaces schedule skip id:1 date:2026-12-25", "Skipping") // week 4: at risk
	return s
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// browserSignIn opens a sign-in link and presses the button.
func browserSignIn(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`button.primary`))); err != nil {
		t.Fatalf("open the link: %v", err)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`button.primary`)))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("press Sign in: %v (status %v)", err, resp)
	}
}

type cellData struct {
	Host     string `json:"host"`
	Week     int    `json:"week"`
	Standing string `json:"standing"`
	Logged   int    `json:"logged"`
	Title    string `json:"title"`
	SR       string `json:"sr"`
}

func TestBrowserDashboard(t *testing.T) {
	ctx := newBrowser(t)
	s := seedBrowserCohort(t)
	base := s.srv.URL

	browserSignIn(t, ctx, base+s.link("boss", true))
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`table.heatmap`))); err != nil {
		t.Fatal(err)
	}
	t.Run("heatmap", func(t *testing.T) { checkHeatmap(t, ctx, s) })
	t.Run("phone width", func(t *testing.T) { checkNarrow(t, ctx, base) })
	if *update {
		saveScreenshot(t, ctx, base)
	}
	t.Run("stipend", func(t *testing.T) { checkStipend(t, ctx, s) })
	t.Run("approve", func(t *testing.T) { checkApprove(t, ctx, s) })
	t.Run("host on another host's page", func(t *testing.T) {
		host, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext()) // own cookies
		defer cancel()
		browserSignIn(t, host, base+s.link("alice", false))
		resp, err := chromedp.Run(host, chromedp.NavigateResponse(base+"/dashboard/hosts/bob"))
		if err != nil {
			t.Fatal(err)
		}
		h1, _ := chromedp.Run(host, chromedp.Text(chromedp.CSS(`h1`)))
		if resp.Status != http.StatusForbidden || h1 != "Not yours to see" {
			t.Errorf("alice on bob's page: status %d, heading %q; want 403", resp.Status, h1)
		}
		resp, err = chromedp.Run(host, chromedp.NavigateResponse(base+"/dashboard/hosts/alice"))
		if err != nil || resp.Status != http.StatusOK {
			t.Errorf("alice on her own page: %v %v", err, resp)
		}
	})
}

// checkHeatmap reads every heatmap cell and checks it says what
// bot.AccountMembers says of that host's week.
func checkHeatmap(t *testing.T, ctx context.Context, s *site) {
	cells, err := chromedp.Run(ctx, chromedp.Evaluate[[]cellData](`[...document.querySelectorAll('table.heatmap tr[data-host] td[data-week]')].map(td => ({
		host: td.closest('tr').dataset.host, week: +td.dataset.week, standing: td.dataset.standing, logged: +td.dataset.logged,
		title: td.querySelector('svg title').textContent, sr: td.querySelector('.sr').textContent}))`))
	if err != nil {
		t.Fatal(err)
	}
	co, _ := s.db.Cohort(context.Background(), s.ws)
	recs, err := bot.AccountMembers(context.Background(), s.db, s.ws, co, co.FirstWeek().Start, co.EndsAt(), s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]cellData{}
	for _, c := range cells {
		got[fmt.Sprintf("%s/%d", c.Host, c.Week)] = c
		if c.Title != c.SR || !strings.Contains(c.Title, fmt.Sprintf("week %d", c.Week)) {
			t.Errorf("cell %s/%d: hover text %q and screen-reader text %q differ or lack the week", c.Host, c.Week, c.Title, c.SR)
		}
	}
	if want := len(recs) * co.Weeks; len(cells) != want || len(recs) != 3 {
		t.Fatalf("the heatmap has %d cells for %d hosts, want %d (3 hosts × %d weeks)", len(cells), len(recs), want, co.Weeks)
	}
	kinds := map[string]int{}
	for _, rec := range recs {
		w := co.FirstWeek()
		for n := 1; n <= co.Weeks; n, w = n+1, w.Next() {
			c, ok := got[fmt.Sprintf("%s/%d", rec.Host.UserID, n)]
			if !ok {
				t.Fatalf("no cell for %s week %d", rec.Host.UserID, n)
			}
			hw, found := rec.WeekStarting(w.Start)
			switch {
			case !found && w.Start.After(s.clock.Now()):
				if c.Standing != "not yet" {
					t.Errorf("%s week %d (to come): cell says %q", rec.Host.UserID, n, c.Standing)
				}
			case !found:
				t.Errorf("%s week %d: the domain has no week, the cell says %q", rec.Host.UserID, n, c.Standing)
			default:
				if !strings.HasSuffix(c.Standing, hw.Standing.String()) || c.Logged != len(hw.Logs) {
					t.Errorf("%s week %d: cell %q with %d logged; the domain says %q with %d", rec.Host.UserID, n, c.Standing, c.Logged, hw.Standing, len(hw.Logs))
				}
				if want := fmt.Sprintf("%d of %d", len(hw.Logs), hw.Quota); !strings.Contains(c.Title, want) {
					t.Errorf("%s week %d: hover text %q lacks the count %q", rec.Host.UserID, n, c.Title, want)
				}
				kinds[hw.Standing.String()]++
			}
		}
	}
	for _, want := range []string{"met", "missed", "excused", "not a member"} {
		if kinds[want] == 0 {
			t.Errorf("the seeded cohort shows no %q week; the test would not catch it drawn wrong", want)
		}
	}
}

// checkNarrow: at 375 px the page does not scroll sideways; wide tables
// scroll inside their own boxes.
func checkNarrow(t *testing.T, ctx context.Context, base string) {
	for _, path := range []string{"/dashboard/cohort", "/dashboard/stipend", "/dashboard/applications", "/dashboard/hosts/alice"} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 800), chromedp.Navigate(base+path)); err != nil {
			t.Fatal(err)
		}
		width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if width > 375 {
			wide, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376 && !e.closest('.scroll')).map(e => e.tagName + '.' + e.className)`))
			t.Errorf("%s is %dpx wide at a 375px viewport; too wide: %v", path, width, wide)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
}

func saveScreenshot(t *testing.T, ctx context.Context, base string) {
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/dashboard/cohort")); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: a PNG
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "dashboard-cohort.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

type stipendCell struct {
	User   string            `json:"user"`
	Fields map[string]string `json:"fields"`
}

// checkStipend reads December's table and checks it against
// bot.StipendReport, the report /cohort export sends.
func checkStipend(t *testing.T, ctx context.Context, s *site) {
	if err := chromedp.Do(ctx, chromedp.Navigate(s.srv.URL+"/dashboard/stipend?month=2026-12")); err != nil {
		t.Fatal(err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]stipendCell](`[...document.querySelectorAll('table.stipend tbody tr')].map(tr => ({
		user: tr.dataset.user, fields: Object.fromEntries([...tr.querySelectorAll('td[data-field]')].map(td => [td.dataset.field, td.textContent.trim()]))}))`))
	if err != nil {
		t.Fatal(err)
	}
	co, _ := s.db.Cohort(context.Background(), s.ws)
	want, _, err := bot.MonthStipend(context.Background(), s.db, s.ws, co, bot.Month{Year: 2026, Month: 12}, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want) || len(want) == 0 {
		t.Fatalf("the page has %d rows, the report %d", len(rows), len(want))
	}
	statuses := map[bot.StipendStatus]int{}
	for i, w := range want {
		got := rows[i]
		amount := fmt.Sprintf("$%d.%02d", w.DueCents/100, w.DueCents%100)
		if w.DueCents >= 100_000 {
			amount = fmt.Sprintf("$%d,%03d.%02d", w.DueCents/100_000, w.DueCents/100%1000, w.DueCents%100)
		}
		if w.Status == bot.StipendReview {
			amount = "suggested " + amount
		}
		wantFields := map[string]string{
			"weeks_met": fmt.Sprintf("%d of %d", w.Met+w.Excused, w.Counted), "excused": fmt.Sprint(w.Excused),
			"spaces": fmt.Sprint(w.Spaces), "unverified": fmt.Sprint(w.Unverified), "listeners": fmt.Sprint(w.Listeners),
			"status": string(w.Status), "amount": amount, "revised": strings.Join(w.Revised, ", "),
		}
		statuses[w.Status]++
		if got.User != w.UserID {
			t.Errorf("row %d is %s, the report's is %s", i, got.User, w.UserID)
		}
		for k, v := range wantFields {
			if got.Fields[k] != v {
				t.Errorf("%s %s: page %q, report %q", w.UserID, k, got.Fields[k], v)
			}
		}
	}
	if statuses[bot.StipendReview] == 0 || statuses[bot.StipendEligible]+statuses[bot.StipendNotMember] == 0 {
		t.Errorf("the seeded month has statuses %v; the test wants a review row and another kind", statuses)
	}
}

// checkApprove approves dave's application by pressing the page's button:
// the router answers as in chat, dave becomes a host and his welcome DM is
// queued.
func checkApprove(t *testing.T, ctx context.Context, s *site) {
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(s.srv.URL+"/dashboard/applications"))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("applications page: %v %v", err, resp)
	}
	resp, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`tr[data-user="dave"] button[aria-label="Approve dave"]`)))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("press Approve: %v %v", err, resp)
	}
	flash, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.flash`)))
	if err != nil || !strings.Contains(flash, "Approved @dave (@dave_x)") {
		t.Errorf("after Approve the page says %q (%v)", flash, err)
	}
	co, _ := s.db.Cohort(context.Background(), s.ws)
	h, err := s.db.Host(context.Background(), s.ws, "dave")
	if err != nil || !h.MemberOf(co) {
		t.Fatalf("dave is not a host after the approval: %+v %v", h, err)
	}
	jobs, err := s.db.PendingJobs(context.Background(), s.ws.Key()+"/welcome/")
	if err != nil || !slices.ContainsFunc(jobs, func(j bot.Job) bool { return j.UserID == "dave" && j.Kind == bot.JobDM }) {
		t.Errorf("no welcome DM to dave queued (%v)", err)
	}
	pending, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('tr[data-user="dave"] button').length`))
	if pending != 0 {
		t.Error("dave is still listed as pending")
	}
}
