package scheduler

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

// A whole 12-week cohort, and the next one, on the fake clock: router,
// scheduler and bbolt together, as the program runs them. Goldens under
// testdata/: every digest, stipend report and final report posted, and
// the CSV of every month's stipend report as issued (-update rewrites
// them).
//
// Spark Phase 1 runs Mon 30 Nov 2026 – Sun 21 Feb 2027: December is weeks
// 1–4, January weeks 5–9 (the week from 28 Dec ends on 3 Jan), February
// weeks 10–12. Three hosts:
//   - alice hosts Tue and Thu 20:00, and misses week 8 (staff excuse it
//     afterwards) and week 10 (the outage; she backfills week 11 herself);
//   - bob hosts Mon and Wed 19:00; staff remove him on the Wednesday of
//     week 3 and add him back on the Monday of week 6;
//   - carol hosts Sat 12:00 and an unscheduled Sunday 15:00; in week 3 she
//     logs only Saturday, and staff backfill her Sunday after December's
//     report was issued, so that report's row is revised.
//
// The program is down from Mon 1 Feb 08:00 to Mon 15 Feb 10:00 (weeks 10
// and 11). Spark Phase 2 is created on 24 Feb, four weeks from Mon 1 Mar,
// with alice and carol.

// event is one thing that happens at a time: user types line; or, with
// downUntil set, the program stops and starts again at downUntil.
type event struct {
	at        time.Time
	user      string
	line      string
	downUntil time.Time
}

var est = time.FixedZone("EST", -5*60*60)

func at(date string, hour, minute int) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, date, est)
	if err != nil {
		panic(err)
	}
	return d.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

// hosted is a host's log of a Space that started at start, typed 75
// minutes later (the Space's hour, and a quarter).
func hosted(user string, start time.Time, listeners int) event {
	id := fmt.Sprintf("1%s%s", strings.ToUpper(user[:1])+user[1:], start.Format("20060102T1504"))
	return event{at: start.Add(75 * time.Minute), user: user, line: fmt.Sprintf("/spaces log url:%s listeners:%d", id, listeners)}
}

// backfilled is a log typed at typed of a Space that started at start.
func backfilled(by, user string, start, typed time.Time) event {
	id := fmt.Sprintf("1%s%sB", strings.ToUpper(user[:1])+user[1:], start.Format("20060102T1504"))
	line := fmt.Sprintf(`/spaces log url:%s at:"%s" listeners:5`, id, start.Format("2006-01-02 15:04"))
	if by != user {
		line += " user:@" + user
	}
	return event{at: typed, user: by, line: line}
}

// phaseOne is Spark Phase 1's events, in time order.
func phaseOne() []event {
	evs := []event{
		{at: at("2026-11-29", 12, 0), user: "boss", line: `/cohort create name:"Spark Phase 1" start:2026-11-30`},
		{user: "boss", line: "/cohort settings digest:#digest staff:#staff"},
		{user: "boss", line: "/cohort add user:@alice handle:@alice_x"},
		{user: "boss", line: "/cohort add user:@bob handle:@bob_x"},
		{user: "boss", line: "/cohort add user:@carol handle:@carol_x"},
		{user: "alice", line: `/spaces schedule add title:"Night owls" days:tue,thu time:20:00`},
		{user: "bob", line: `/spaces schedule add title:"Drive time" days:mon,wed time:19:00`},
		{user: "carol", line: `/spaces schedule add title:"Brunch" days:sat time:12:00`},
		{at: at("2026-12-16", 10, 0), user: "boss", line: "/cohort remove user:@bob"},
		{at: at("2027-01-04", 9, 0), user: "boss", line: "/cohort add user:@bob handle:@bob_x"},
		backfilled("boss", "carol", at("2026-12-20", 15, 0), at("2027-01-05", 10, 0)),
		{at: at("2027-01-26", 10, 0), user: "boss", line: `/cohort excuse user:@alice week:2027-01-18 reason:"family emergency"`},
		{at: at("2027-02-01", 8, 0), downUntil: at("2027-02-15", 10, 0)},
		backfilled("alice", "alice", at("2027-02-09", 20, 0), at("2027-02-15", 10, 5)),
		backfilled("alice", "alice", at("2027-02-11", 20, 0), at("2027-02-15", 10, 6)),
		backfilled("bob", "bob", at("2027-02-10", 19, 0), at("2027-02-15", 10, 7)),
		backfilled("carol", "carol", at("2027-02-13", 12, 0), at("2027-02-15", 10, 8)),
		backfilled("carol", "carol", at("2027-02-14", 15, 0), at("2027-02-15", 10, 9)),
	}
	down := func(t time.Time) bool { return !t.Before(at("2027-02-01", 8, 0)) && t.Before(at("2027-02-15", 10, 0)) }
	bobIn := func(t time.Time) bool { return t.Before(at("2026-12-16", 10, 0)) || !t.Before(at("2027-01-04", 9, 0)) }
	for week := 1; week <= 12; week++ {
		monday := at("2026-11-30", 0, 0).AddDate(0, 0, 7*(week-1))
		day := func(d, h int) time.Time { return monday.AddDate(0, 0, d).Add(time.Duration(h) * time.Hour) }
		var spaces []event
		if week != 8 {
			spaces = append(spaces, hosted("alice", day(1, 20), 100+week), hosted("alice", day(3, 20), 90+week))
		}
		spaces = append(spaces, hosted("bob", day(0, 19), 40), hosted("bob", day(2, 19), 45))
		spaces = append(spaces, hosted("carol", day(5, 12), 200))
		if week != 3 {
			spaces = append(spaces, event{at: day(6, 15).Add(30 * time.Minute), user: "carol",
				line: fmt.Sprintf(`/spaces log url:1CarolSun%02d at:"%s" listeners:150`, week, day(6, 15).Format("2006-01-02 15:04"))})
		}
		for _, e := range spaces {
			if !down(e.at) && (e.user != "bob" || bobIn(e.at)) {
				evs = append(evs, e)
			}
		}
	}
	return sortEvents(evs)
}

// phaseTwo is Spark Phase 2's events: four weeks from Mon 1 Mar 2027.
func phaseTwo() []event {
	evs := []event{
		{at: at("2027-02-24", 10, 0), user: "boss", line: `/cohort create name:"Spark Phase 2" start:2027-03-01 weeks:4`},
		{user: "boss", line: "/cohort add user:@alice handle:@alice_x"},
		{user: "boss", line: "/cohort add user:@carol handle:@carol_x"},
	}
	for week := 1; week <= 4; week++ {
		monday := at("2027-03-01", 0, 0).AddDate(0, 0, 7*(week-1))
		day := func(d, h int) time.Time { return monday.AddDate(0, 0, d).Add(time.Duration(h) * time.Hour) }
		evs = append(evs, hosted("alice", day(1, 20), 300), hosted("alice", day(3, 20), 310))
		if week != 2 {
			evs = append(evs, hosted("carol", day(5, 12), 220), event{at: day(6, 15).Add(30 * time.Minute), user: "carol",
				line: fmt.Sprintf(`/spaces log url:1CarolP2Sun%02d at:"%s"`, week, day(6, 15).Format("2006-01-02 15:04"))})
		}
	}
	return sortEvents(evs)
}

// sortEvents orders events by time; an event without one keeps the time
// of the one before it, and its place.
func sortEvents(evs []event) []event {
	for i := range evs {
		if evs[i].at.IsZero() && i > 0 {
			evs[i].at = evs[i-1].at
		}
	}
	slices.SortStableFunc(evs, func(a, b event) int { return a.at.Compare(b.at) })
	return evs
}

// play runs events on w, stopping the program where one says so.
func play(t *testing.T, w *world, evs []event) {
	t.Helper()
	for _, e := range evs {
		w.advanceTo(e.at)
		if !e.downUntil.IsZero() {
			if err := w.db.Close(); err != nil {
				t.Fatal(err)
			}
			w.clock.Set(e.downUntil) // nothing runs meanwhile
			w.open()
			continue
		}
		path, opts, err := bot.ParseCommandLine(e.line)
		if err != nil {
			t.Fatalf("%s: %v", e.line, err)
		}
		resp := w.router.Handle(t.Context(), bot.Request{Workspace: w.ws, UserID: e.user, UserName: e.user,
			Staff: e.user == "boss", Path: path, Options: opts})
		if resp.Failed {
			t.Fatalf("%s at %s, as %s: %s", e.line, e.at, e.user, plain(resp.Message, w.clock.Now()))
		}
		w.sched.RunDue(t.Context())
	}
}

func TestWholeCohortAndTheNext(t *testing.T) {
	w := newWorld(t, at("2026-11-29", 12, 0))
	play(t, w, phaseOne())
	play(t, w, phaseTwo())
	w.advanceTo(at("2027-04-01", 12, 0))

	var posts []string
	csvs := map[string][]byte{}
	seen := map[string]bool{}
	for _, d := range w.notify.deliveries() {
		if seen[d.Target+d.Text] {
			t.Errorf("delivered twice: %s", d)
		}
		seen[d.Target+d.Text] = true
		if d.Target[0] == '#' || strings.Contains(d.Text, "has ended") {
			posts = append(posts, d.String())
		}
		if d.File != nil {
			csvs[d.File.Name] = d.File.Data
		}
	}
	golden(t, "phase_posts.golden", strings.Join(posts, "\n")+"\n")
	// Between Phase 1's end and Phase 2's first hosts, hosts hear only
	// their closing DMs; bob, not in Phase 2, nothing after his.
	end, next := at("2027-02-22", 0, 0), at("2027-02-24", 10, 0)
	for _, d := range w.notify.deliveries() {
		if d.Target[0] == '@' && !d.At.Before(end) && !strings.Contains(d.Text, "has ended") &&
			(d.At.Before(next) || d.Target == "@bob") {
			t.Errorf("after Phase 1 ended: %s", d)
		}
	}
	for _, name := range []string{
		"stipend-spark-phase-1-2026-12.csv", "stipend-spark-phase-1-2027-01.csv",
		"stipend-spark-phase-1-2027-02.csv", "stipend-spark-phase-2-2027-03.csv",
	} {
		data, ok := csvs[name]
		if !ok {
			t.Errorf("no stipend report posted with %s", name)
			continue
		}
		golden(t, "phase_"+name, string(data))
	}
	checkPhasePosts(t, strings.Join(posts, "\n"))

	// December, as exported now: carol's row revised by the backfill.
	export := w.router.Handle(t.Context(), exportRequest(w, "Spark Phase 1", "2026-12"))
	if export.Message.File == nil {
		t.Fatalf("the export has no CSV: %s", plain(export.Message, w.clock.Now()))
	}
	golden(t, "phase_export-spark-phase-1-2026-12.csv", string(export.Message.File.Data))
	report := w.must("boss", `/cohort report cohort:"Spark Phase 1"`, "Stipend reports revised since issued")
	if !strings.Contains(report, "December 2026, @carol: revised — met 3→4") {
		t.Errorf("the report does not show carol's revised December:\n%s", report)
	}
}

// checkPhasePosts checks the rules behind the golden: each digest once,
// late ones marked; every month reported once per cohort.
func checkPhasePosts(t *testing.T, posts string) {
	t.Helper()
	for _, c := range []struct {
		text string
		want int
	}{
		{"Week 1 digest — Spark Phase 1", 1}, {"Week 8 digest — Spark Phase 1", 1},
		{"Week 12 digest — Spark Phase 1", 1}, {"Week 4 digest — Spark Phase 2", 1},
		{"Late: this digest was due", 2}, // weeks 9 and 10, due during the outage
		{"Stipend report — Spark Phase 1, January 2027", 1},
		{"Late: this report was due Mon 1 Feb", 1},
		{"Final report — Spark Phase 1", 1}, {"Final report — Spark Phase 2", 1},
		{"@alice Spark Phase 1 has ended", 1}, {"@bob Spark Phase 1 has ended", 1},
		{"@bob Spark Phase 2 has ended", 0}, // not a member of Phase 2
	} {
		if n := strings.Count(posts, c.text); n != c.want {
			t.Errorf("%q appears %d times in the posts, want %d", c.text, n, c.want)
		}
	}
}

func exportRequest(w *world, cohort, month string) bot.Request {
	return bot.Request{Workspace: w.ws, UserID: "boss", UserName: "boss", Staff: true,
		Path: []string{"cohort", "export"}, Options: map[string]string{"cohort": cohort, "month": month}}
}
