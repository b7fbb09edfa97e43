package scheduler

import (
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// step is one thing that happens in the simulated week: at At, user types
// line; or, with click set, user clicks the button of their last DM whose
// text contains click.
type step struct {
	At    string
	User  string
	Line  string
	Click string
}

// cohortWeek is the first week of a cohort that spans the end of US
// daylight time (Sunday 2026-11-01 02:00 EDT → 01:00 EST), with hosts in
// New York, London, Tokyo and Chicago: schedules, logs, a skipped date, a
// paused schedule, one-click logging and announcements.
var cohortWeek = []step{
	{At: "2026-10-25T12:00:00-04:00", User: "boss", Line: `/cohort create name:"Spark Fall" start:2026-10-26`},
	{User: "boss", Line: "/cohort settings digest:#digest staff:#staff fallback:#hosts-help announce:#news"},
	{User: "boss", Line: "/cohort add user:@ana handle:@ana_x"},
	{User: "boss", Line: "/cohort add user:@ben handle:@ben_x"},
	{User: "boss", Line: "/cohort add user:@chika handle:@chika_x"},
	{User: "boss", Line: "/cohort add user:@dev handle:@dev_x"},
	{User: "ana", Line: `/spaces schedule add title:"Night shift" days:sun,wed time:01:30 duration:45m tz:America/New_York`},
	{User: "ben", Line: `/spaces schedule add title:"Tea time" days:mon,thu time:18:00 tz:Europe/London`},
	{User: "ben", Line: "/spaces timezone tz:Europe/London"},
	{User: "chika", Line: `/spaces schedule add title:"Tokyo nights" days:tue,thu,sat time:21:00 tz:Asia/Tokyo`},
	{User: "chika", Line: "/spaces reminders lead:30m"},
	{User: "dev", Line: `/spaces schedule add title:"Lunch" days:mon-fri time:12:00 tz:America/Chicago`},
	{User: "dev", Line: "/spaces schedule pause id:1"}, // dev's #1
	{User: "boss", Line: `/announce text:"Kickoff call Wednesday! @everyone welcome" at:"2026-10-28 10:00" ping:here`},
	{User: "boss", Line: `/announce to:hosts text:"Office hours are open <!channel>"`},
	{At: "2026-10-26T18:40:00Z", User: "ben", Line: "/spaces log url:https://x.com/i/spaces/1BenMondayAAA listeners:40"},
	{At: "2026-10-27T10:00:00Z", User: "ben", Line: "/spaces schedule skip id:1 date:2026-10-29"}, // ben's #1
	{At: "2026-10-27T13:10:00Z", User: "chika", Line: "/spaces log url:1ChikaTueAAAA listeners:300"},
	{At: "2026-10-28T07:00:00Z", User: "ana", Click: "Did “Night shift”"},
	{At: "2026-10-29T13:10:00Z", User: "chika", Line: "/spaces log url:1ChikaThuAAAA listeners:250"},
	{At: "2026-11-01T07:00:00Z", User: "ana", Line: "/spaces log url:https://twitter.com/i/spaces/1AnaSundayAAA?s=20 listeners:75"},
	{At: "2026-11-02T18:00:00Z"},
}

// runWeek plays the steps, restarting the program at each of restarts.
func runWeek(t *testing.T, w *world, restarts []time.Time) {
	t.Helper()
	for _, s := range cohortWeek {
		if s.At != "" {
			at := mustTime(t, s.At)
			for len(restarts) > 0 && restarts[0].Before(at) {
				w.advanceTo(restarts[0])
				w.restart()
				restarts = restarts[1:]
			}
			w.advanceTo(at)
		}
		switch {
		case s.Click != "":
			w.click(s.User, lastButton(t, w, s.User, s.Click))
		case s.Line != "":
			w.do(s.User, s.Line)
		}
	}
}

// lastButton finds the hosted button of user's last DM containing text.
func lastButton(t *testing.T, w *world, user, text string) bot.Button {
	t.Helper()
	jobs := w.notify.deliveries()
	for i := len(jobs) - 1; i >= 0; i-- {
		if d := jobs[i]; d.Target == "@"+user && strings.Contains(d.Text, text) {
			// The button's value is the occurrence; recompute it from the
			// schedule rather than parsing rendered text.
			sc, err := w.db.Schedule(t.Context(), w.ws, 1)
			if err != nil {
				t.Fatal(err)
			}
			occ := sc.Occurrences(d.At.Add(-3*time.Hour), d.At)
			return bot.HostedButton(sc.ID, occ[len(occ)-1])
		}
	}
	t.Fatalf("no DM to @%s containing %q", user, text)
	return bot.Button{}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./scheduler -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("deliveries differ from %s (rerun with -update if intended)\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

func render(ds []delivery) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}

// TestCohortWeek asserts the exact deliveries of the simulated week, in
// order (testdata/cohort_week.golden), and the rules behind them.
func TestCohortWeek(t *testing.T) {
	w := newWorld(t, mustTime(t, cohortWeek[0].At))
	runWeek(t, w, nil)
	got := w.notify.deliveries()
	golden(t, "cohort_week.golden", render(got))

	count := func(target, text string) int {
		n := 0
		for _, d := range got {
			if d.Target == target && strings.Contains(d.Text, text) {
				n++
			}
		}
		return n
	}
	checks := []struct {
		name         string
		target, text string
		want         int
	}{
		// 01:30 on 2026-11-01 happens twice in New York; the Space once, at 05:30Z.
		{"fall-back Sunday reminded once, 1h ahead", "@ana", "starts in 1h, at Sun 1 Nov 05:30", 1},
		{"fall-back Sunday reminded once, 10m ahead", "@ana", "starts in 10m, at Sun 1 Nov 05:30", 1},
		{"paused schedule sends nothing", "@dev", "Lunch", 0},
		{"skipped Thursday sends nothing", "@ben", "Thu 29 Oct", 0},
		{"chika's one lead time", "@chika", "starts in 30m", 3},
		{"chika has no default 60m reminder", "@chika", "starts in 1h", 0},
		{"nudge for ana's unlogged Wednesday", "@ana", "Did “Night shift” happen (Wed 28 Oct 05:30", 1},
		{"no nudge for logged Spaces, one for the unlogged Saturday", "@chika", "Did “Tokyo nights”", 1},
		{"ben at risk once the skip leaves him short", "@ben", "At risk", 1},
		{"ben on last call", "@ben", "Last call", 1},
		{"dev warned at risk in week 1", "@dev", "At risk: 0 of 2 Spaces this week, none scheduled before Mon 2 Nov", 1},
		{"dev missed the week", "@dev", "closed at 0 of 2 Spaces — missed", 1},
		{"welcome DMs", "@ana", "Welcome to Spark Fall", 1},
		{"announcement DM to each host", "@chika", "Office hours are open", 1},
		{"scheduled channel announcement", "#news", "Kickoff call Wednesday!", 1},
		{"weekly digest", "#digest", "Week 1 digest", 1},
		{"no stipend report before a week has closed", "#staff", "Stipend report", 0},
	}
	for _, c := range checks {
		if n := count(c.target, c.text); n != c.want {
			t.Errorf("%s: %d deliveries to %s containing %q, want %d", c.name, n, c.target, c.text, c.want)
		}
	}
	seen := map[string]bool{}
	for _, d := range got {
		if seen[d.Target+d.Text] {
			t.Errorf("delivered twice: %s", d)
		}
		seen[d.Target+d.Text] = true
	}
	if report := w.must("boss", "/cohort report week:2026-10-27", "Spark Fall — week 1"); !strings.Contains(report, "@ana: 2 of 2 (1 link, not verified; 1 one-click) — met") {
		t.Errorf("report should show ana's unverified one-click log:\n%s", report)
	}
}

// TestCohortWeekAcrossRestarts stops and reopens the program at random
// points of the week: the deliveries are exactly the uninterrupted run's.
func TestCohortWeekAcrossRestarts(t *testing.T) {
	base := newWorld(t, mustTime(t, cohortWeek[0].At))
	runWeek(t, base, nil)
	want := base.notify.deliveries()

	start, end := mustTime(t, cohortWeek[0].At), mustTime(t, cohortWeek[len(cohortWeek)-1].At)
	for seed := uint64(1); seed <= 5; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		var restarts []time.Time
		for i := 0; i < 6; i++ {
			restarts = append(restarts, start.Add(time.Duration(rng.Int64N(int64(end.Sub(start))))))
		}
		slices.SortFunc(restarts, func(a, b time.Time) int { return a.Compare(b) })
		w := newWorld(t, start)
		runWeek(t, w, restarts)
		if got := w.notify.deliveries(); render(got) != render(want) {
			t.Errorf("seed %d, restarts at %v:\n got:\n%s\nwant:\n%s", seed, restarts, render(got), render(want))
		}
	}
}

// TestCrashInFlight kills the program between a successful send and its
// record: that one delivery may repeat after restart; nothing is lost.
func TestCrashInFlight(t *testing.T) {
	base := newWorld(t, mustTime(t, cohortWeek[0].At))
	runWeek(t, base, nil)
	want := base.notify.deliveries()

	for _, crashAt := range []int{3, 17, 30} {
		w := newWorld(t, mustTime(t, cohortWeek[0].At))
		sends, crashed := 0, false
		w.cfg.Jitter = func() float64 { return 0.5 }
		hook := func(bot.Job) bool {
			sends++
			if sends == crashAt && !crashed {
				crashed = true
				return false
			}
			return true
		}
		w.sched.afterSend = hook
		restarts := 0
		for _, s := range cohortWeek {
			if s.At != "" {
				w.advanceTo(mustTime(t, s.At))
			}
			if crashed && restarts == 0 {
				w.restart() // the crash: the process dies, then starts again
				w.sched.afterSend = hook
				restarts++
				w.advanceTo(w.clock.Now())
			}
			switch {
			case s.Click != "":
				w.click(s.User, lastButton(t, w, s.User, s.Click))
			case s.Line != "":
				w.do(s.User, s.Line)
			}
		}
		if !crashed {
			t.Fatalf("the week has fewer than %d sends; crash earlier", crashAt)
		}
		got := w.notify.deliveries()
		// The delivery in flight at the crash is sent again after its lease:
		// exactly one repeat, the bound DESIGN.md allows.
		if dups := len(got) - len(want); dups != 1 {
			t.Errorf("crash at send %d: %d deliveries, want %d (one repeat)", crashAt, len(got), len(want)+1)
		}
		if missing := missingFrom(got, want); len(missing) > 0 {
			t.Errorf("crash at send %d lost deliveries:\n%s", crashAt, render(missing))
		}
	}
}

// missingFrom returns the deliveries of want (by target and text) not in got.
func missingFrom(got, want []delivery) []delivery {
	have := map[string]int{}
	for _, d := range got {
		have[d.Target+d.Text]++
	}
	var missing []delivery
	for _, d := range want {
		if have[d.Target+d.Text] == 0 {
			missing = append(missing, d)
			continue
		}
		have[d.Target+d.Text]--
	}
	return missing
}
