package web_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/teambition/rrule-go"

	"sparkbot/bot"
)

// feedCohort is a cohort whose twelve weeks cross DST changes, with hosts
// in several zones and schedules that land in a gap, on a doubled hour,
// on skipped dates and in pauses.
type feedCohort struct {
	name, start, now string
	setup            []cmd
}

type cmd struct {
	user  string
	staff bool
	line  string
}

var feedCohorts = []feedCohort{
	{
		// Spring: New York springs forward on 8 March, London on 29 March,
		// and Sydney falls back on 5 April.
		name: "spring", start: "2026-02-16", now: "2026-02-10T09:00:00-05:00",
		setup: []cmd{
			{"alice", false, "/spaces timezone tz:America/New_York"},
			{"alice", false, `/spaces schedule add title:"Night owls" days:tue,thu time:20:00 duration:90m`},
			{"alice", false, `/spaces schedule add title:"Graveyard" days:sun time:02:30`}, // 8 Mar: 02:30 does not exist
			{"alice", false, "/spaces schedule skip id:1 date:2026-03-10"},
			{"alice", false, "/spaces schedule skip id:2 date:2026-04-19"},
			{"bob", false, `/spaces schedule add title:"Sydney mornings" days:sun,wed time:02:30 tz:Australia/Sydney`}, // 5 Apr: twice
			{"bob", false, "/spaces schedule pause id:1 until:2026-03-04"},
			{"bob", false, `/spaces schedule add title:"Gone for good" days:fri time:12:00 tz:Australia/Sydney`},
			{"bob", false, "/spaces schedule pause id:2"},
			{"carol", false, `/spaces schedule add title:"London late" days:sat,sun time:01:30 tz:Europe/London`}, // 29 Mar: gap
			{"carol", false, "/spaces reminders lead:2h,15m,5m"},
		},
	},
	{
		// Autumn: London falls back on 25 October, New York on 1 November.
		name: "autumn", start: "2026-09-28", now: "2026-09-20T09:00:00-04:00",
		setup: []cmd{
			{"alice", false, `/spaces schedule add title:"Fall owls" days:mon,sun time:01:30 tz:America/New_York`}, // 1 Nov: twice
			{"alice", false, "/spaces schedule skip id:1 date:2026-11-01"},
			{"alice", false, `/spaces schedule add title:"Doubled" days:sun time:01:45 tz:America/New_York`}, // 1 Nov: twice
			{"alice", false, "/spaces reminders off"},
			{"carol", false, `/spaces schedule add title:"Sundays" days:sun time:01:30 tz:Europe/London`},
			{"carol", false, "/spaces schedule pause id:2 until:2026-10-18"},
			{"bob", false, `/spaces schedule add title:"Sydney spring" days:sun time:02:15 tz:Australia/Sydney`}, // 4 Oct: gap
		},
	},
}

var feedLinkRE = regexp.MustCompile(`/ical/[A-Za-z0-9_-]+\.ics`)

// TestFeedsMatchRecurrence expands every event of every feed over the
// cohort's twelve weeks with rrule-go, an RRULE implementation of its own,
// and checks it finds exactly the occurrences bot.Schedule.Occurrences
// gives, and that each VTIMEZONE gives every occurrence Go's offset.
func TestFeedsMatchRecurrence(t *testing.T) {
	for _, fc := range feedCohorts {
		t.Run(fc.name, func(t *testing.T) {
			s := newSite(t, fc.now)
			s.do("boss", true, `/cohort create name:"Spark `+fc.name+`" start:`+fc.start, "Created")
			for _, u := range []string{"alice", "bob", "carol"} {
				s.do("boss", true, "/cohort add user:@"+u+" handle:@"+u+"_x", "Added")
			}
			for _, c := range fc.setup {
				s.do(c.user, c.staff, c.line, "")
			}
			co, err := s.db.Cohort(context.Background(), s.ws)
			if err != nil {
				t.Fatal(err)
			}
			feeds := map[string]string{"cohort": s.feedPath("boss", true)}
			for _, u := range []string{"alice", "bob", "carol"} {
				feeds[u] = s.feedPath(u, false)
			}
			for owner, path := range feeds {
				t.Run(owner, func(t *testing.T) {
					checkFeed(t, s, co, owner, path)
				})
			}
		})
	}
}

func (s *site) feedPath(user string, staff bool) string {
	s.t.Helper()
	line := "/spaces calendar"
	if staff {
		line = "/cohort calendar"
	}
	p := feedLinkRE.FindString(s.do(user, staff, line, "calendar feed"))
	if p == "" {
		s.t.Fatalf("no feed address for %s", user)
	}
	return p
}

// checkFeed fetches one feed and checks each of its events.
func checkFeed(t *testing.T, s *site, co bot.Cohort, owner, path string) {
	p := s.browser().get(path)
	if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("GET feed: %d %s", p.status, p.header.Get("Content-Type"))
	}
	cal, err := ics.ParseCalendar(strings.NewReader(p.body))
	if err != nil {
		t.Fatalf("golang-ical cannot read the feed back: %v", err)
	}
	want := wantSchedules(t, s, owner)
	events := map[int64]*ics.VEvent{}
	singles := map[int64][]*ics.VEvent{}
	for _, ev := range cal.Events() {
		id, single := scheduleIDOf(t, ev.Id())
		switch {
		case single:
			singles[id] = append(singles[id], ev)
		case events[id] != nil:
			t.Fatalf("schedule #%d has two series", id)
		default:
			events[id] = ev
		}
	}
	zones := timezones(t, cal)
	for _, sc := range want {
		from, to := co.FirstWeek().Start, co.EndsAt()
		if sc.CreatedAt.After(from) {
			from = sc.CreatedAt
		}
		occ := sc.Occurrences(from, to)
		ev := events[sc.ID]
		delete(events, sc.ID)
		if len(occ) == 0 {
			if ev != nil {
				t.Errorf("schedule #%d has no occurrence, yet an event", sc.ID)
			}
			continue
		}
		if ev == nil {
			t.Errorf("schedule #%d (%d occurrences) has no event", sc.ID, len(occ))
			continue
		}
		got := expand(t, ev, from, to)
		for _, one := range singles[sc.ID] {
			if one.GetProperty(ics.ComponentPropertyRrule) != nil {
				t.Errorf("single event %s has an RRULE", one.Id())
			}
			at, err := time.Parse(icalUTC, one.GetProperty(ics.ComponentPropertyDtStart).Value)
			if err != nil {
				t.Fatalf("single event %s: DTSTART is not UTC: %v", one.Id(), err)
			}
			got = append(got, at)
		}
		delete(singles, sc.ID)
		slices.SortFunc(got, time.Time.Compare)
		if !slices.EqualFunc(got, occ, time.Time.Equal) {
			t.Errorf("schedule #%d %q in %s:\nrrule-go: %v\nsparkbot: %v", sc.ID, sc.Title, sc.Zone, utc(got), utc(occ))
		}
		for _, at := range occ {
			checkOffset(t, zones[sc.Location().String()], at)
		}
		checkAlarms(t, ev, owner, s, sc)
	}
	for id := range singles {
		events[id] = nil
	}
	for id := range events {
		t.Errorf("the feed has an event for schedule #%d, which is not %s's", id, owner)
	}
}

// wantSchedules are the schedules a feed must hold: the owner's, or for
// the cohort feed every member's.
func wantSchedules(t *testing.T, s *site, owner string) []bot.Schedule {
	t.Helper()
	var out []bot.Schedule
	for _, u := range []string{"alice", "bob", "carol"} {
		if owner != "cohort" && owner != u {
			continue
		}
		list, err := s.db.SchedulesOf(context.Background(), s.ws, u)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, list...)
	}
	return out
}

// uidRE reads a series' UID (schedule-3.host.…) or a single date's
// (schedule-3-2026-03-08.host.…).
var uidRE = regexp.MustCompile(`^schedule-(\d+)(-\d{4}-\d\d-\d\d)?\.(host|cohort)\.console-local@sparkbot$`)

func scheduleIDOf(t *testing.T, uid string) (id int64, single bool) {
	t.Helper()
	m := uidRE.FindStringSubmatch(uid)
	if m == nil {
		t.Fatalf("UID %q is not built from the schedule's id", uid)
	}
	id, _ = strconv.ParseInt(m[1], 10, 64)
	return id, m[2] != ""
}

const icalUTC = "20060102T150405Z"

// expand runs the event's DTSTART, RRULE, EXDATE and RDATE through
// rrule-go, over [from, to).
func expand(t *testing.T, ev *ics.VEvent, from, to time.Time) []time.Time {
	t.Helper()
	var lines []string
	for _, name := range []ics.ComponentProperty{ics.ComponentPropertyDtStart, ics.ComponentPropertyRrule, ics.ComponentPropertyExdate, ics.ComponentPropertyRdate} {
		for _, p := range ev.GetProperties(name) {
			line := string(name)
			if tz := p.ICalParameters["TZID"]; len(tz) == 1 {
				line += ";TZID=" + tz[0]
			}
			lines = append(lines, line+":"+p.Value)
		}
	}
	set, err := rrule.StrSliceToRRuleSet(lines)
	if err != nil {
		t.Fatalf("rrule-go cannot read %q: %v", lines, err)
	}
	got := set.Between(from, to, true)
	sort.Slice(got, func(i, j int) bool { return got[i].Before(got[j]) })
	var out []time.Time
	for _, g := range got {
		if g.Before(to) { // Between includes to itself
			out = append(out, g)
		}
	}
	return out
}

// observance is one STANDARD or DAYLIGHT of a VTIMEZONE.
type observance struct {
	at     time.Time // the transition, as an instant
	offset int       // seconds east of UTC from then on
}

// timezones reads each VTIMEZONE's observances, by TZID.
func timezones(t *testing.T, cal *ics.Calendar) map[string][]observance {
	t.Helper()
	out := map[string][]observance{}
	for _, tz := range cal.Timezones() {
		id := tz.GetProperty(ics.ComponentPropertyTzid).Value
		for _, c := range tz.SubComponents() {
			var base *ics.ComponentBase
			switch o := c.(type) {
			case *ics.Standard:
				base = &o.ComponentBase
			case *ics.Daylight:
				base = &o.ComponentBase
			default:
				t.Fatalf("VTIMEZONE %s holds a %T", id, c)
			}
			wall, err := time.Parse("20060102T150405", base.GetProperty(ics.ComponentPropertyDtStart).Value)
			if err != nil {
				t.Fatal(err)
			}
			from := parseOffset(t, base.GetProperty("TZOFFSETFROM").Value)
			to := parseOffset(t, base.GetProperty("TZOFFSETTO").Value)
			out[id] = append(out[id], observance{at: wall.Add(-time.Duration(from) * time.Second), offset: to})
		}
		sort.Slice(out[id], func(i, j int) bool { return out[id][i].at.Before(out[id][j].at) })
	}
	return out
}

func parseOffset(t *testing.T, s string) int {
	t.Helper()
	if len(s) != 5 && len(s) != 7 {
		t.Fatalf("UTC offset %q", s)
	}
	h, _ := strconv.Atoi(s[1:3])
	m, _ := strconv.Atoi(s[3:5])
	sec := h*3600 + m*60
	if len(s) == 7 {
		x, _ := strconv.Atoi(s[5:7])
		sec += x
	}
	if s[0] == '-' {
		sec = -sec
	}
	return sec
}

// checkOffset: the VTIMEZONE must give at the offset Go's zone data does.
func checkOffset(t *testing.T, obs []observance, at time.Time) {
	t.Helper()
	if len(obs) == 0 {
		t.Fatalf("no VTIMEZONE for %s", at.Location())
	}
	got := obs[0].offset
	if at.Before(obs[0].at) {
		t.Errorf("VTIMEZONE starts at %v, after the occurrence %v", obs[0].at, at)
	}
	for _, o := range obs {
		if !o.at.After(at) {
			got = o.offset
		}
	}
	if _, want := at.Zone(); got != want {
		t.Errorf("VTIMEZONE gives %v offset %ds, Go gives %ds", at, got, want)
	}
}

// checkAlarms: a host's feed has a VALARM per reminder lead time (none
// when reminders are off); the cohort feed has none.
func checkAlarms(t *testing.T, ev *ics.VEvent, owner string, s *site, sc bot.Schedule) {
	t.Helper()
	var want []string
	if owner != "cohort" {
		h, err := s.db.Host(context.Background(), s.ws, sc.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if !h.RemindersOff {
			for _, lead := range h.LeadTimes() {
				want = append(want, fmt.Sprintf("-PT%dM", int(lead/time.Minute)))
			}
		}
	}
	var got []string
	for _, a := range ev.Alarms() {
		got = append(got, a.GetProperty(ics.ComponentPropertyTrigger).Value)
		if a := a.GetProperty(ics.ComponentPropertyAction); a == nil || a.Value != "DISPLAY" {
			t.Errorf("alarm without ACTION:DISPLAY")
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s's event of #%d has alarms %v, want %v", owner, sc.ID, got, want)
	}
}

func utc(ts []time.Time) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.UTC().Format("01-02 15:04"))
	}
	return out
}

func TestFeedAddressesThatDoNotOpen(t *testing.T) {
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	old := s.feedPath("alice", false)
	s.do("alice", false, "/spaces calendar reset", "stopped working")
	signIn := strings.TrimPrefix(s.link("boss", true), bot.SignInPath)
	for name, path := range map[string]string{
		"reset":           old,
		"never made":      bot.FeedPath + strings.Repeat("C", 43) + ".ics",
		"malformed":       bot.FeedPath + "x.ics",
		"no extension":    strings.TrimSuffix(old, ".ics"),
		"a sign-in token": bot.FeedPath + signIn + ".ics",
	} {
		wantStatus(t, name, s.browser().get(path), http.StatusNotFound, "/spaces calendar")
	}
}

func TestFeedIsCRLF(t *testing.T) {
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	s.do("alice", false, `/spaces schedule add title:"Night owls" days:tue time:20:00`, "Saved")
	body := s.browser().get(s.feedPath("alice", false)).body
	if strings.Count(body, "\r\n") != strings.Count(body, "\n") || !strings.HasPrefix(body, "BEGIN:VCALENDAR\r\n") {
		t.Errorf("the feed's lines do not all end in CRLF:\n%q", body[:min(len(body), 200)])
	}
	if strings.Contains(body, "VALUE=DURATION;VALUE=DURATION") {
		t.Error("a parameter is repeated")
	}
}

// TestFeedsHoldSpacesScheduledOnX: a Space a host scheduled on X is a
// single event in their feed and the cohort's, under a UID built from the
// Space's id (so a calendar app updates it when X moves it), with the
// host's alarms in their own feed; one that is an occurrence of a
// registered schedule is that schedule's event, not a second one.
func TestFeedsHoldSpacesScheduledOnX(t *testing.T) {
	ctx := context.Background()
	s := newSite(t, "2026-12-01T09:00:00-05:00").seed()
	s.do("bob", false, `/spaces schedule add title:"Bob live" days:wed time:19:00`, "Saved")
	co, _ := s.db.Cohort(ctx, s.ws)
	put := func(sp bot.SeenSpace) {
		t.Helper()
		sp.Cohort, sp.State, sp.CreatorID, sp.LastSeen = co.ID, bot.XScheduled, "9"+sp.UserID, s.clock.Now()
		if err := s.db.PutSeenSpace(ctx, s.ws, sp); err != nil {
			t.Fatal(err)
		}
	}
	put(bot.SeenSpace{ID: "1xAlice", UserID: "alice", Title: "Friday AMA", ScheduledStart: mustTime(t, "2026-12-04T18:00:00-05:00")})
	put(bot.SeenSpace{ID: "1xBob", UserID: "bob", Title: "Bob live", ScheduledStart: mustTime(t, "2026-12-02T19:05:00-05:00")}) // his Wednesday's
	put(bot.SeenSpace{ID: "1xZed", UserID: "zed", Title: "Not a host", ScheduledStart: mustTime(t, "2026-12-05T12:00:00-05:00")})

	type xEvent struct{ start, summary, url, alarms string }
	read := func(path string) map[string]xEvent {
		t.Helper()
		cal, err := ics.ParseCalendar(strings.NewReader(s.browser().get(path).body))
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]xEvent{}
		for _, ev := range cal.Events() {
			if strings.HasPrefix(ev.Id(), "schedule-") {
				continue
			}
			var alarms []string
			for _, a := range ev.Alarms() {
				alarms = append(alarms, a.GetProperty(ics.ComponentPropertyTrigger).Value)
			}
			if ev.GetProperty(ics.ComponentPropertyRrule) != nil {
				t.Errorf("%s repeats", ev.Id())
			}
			out[ev.Id()] = xEvent{start: ev.GetProperty(ics.ComponentPropertyDtStart).Value, summary: ev.GetProperty(ics.ComponentPropertySummary).Value,
				url: ev.GetProperty(ics.ComponentPropertyUrl).Value, alarms: strings.Join(alarms, ",")}
		}
		return out
	}
	alice := xEvent{start: "20261204T230000Z", summary: "Friday AMA", url: "https://x.com/i/spaces/1xAlice", alarms: "-PT60M,-PT10M"}
	feeds := []struct {
		name, path string
		want       map[string]xEvent
	}{
		{"alice's", s.feedPath("alice", false), map[string]xEvent{"xspace-1xAlice.host.console-local@sparkbot": alice}},
		{"bob's", s.feedPath("bob", false), map[string]xEvent{}},
		{"the cohort's", s.feedPath("boss", true), map[string]xEvent{"xspace-1xAlice.cohort.console-local@sparkbot": {
			start: alice.start, summary: "@alice_x: Friday AMA", url: alice.url}}},
	}
	for _, f := range feeds {
		if got := read(f.path); !maps.Equal(got, f.want) {
			t.Errorf("%s feed's Spaces scheduled on X:\n got %v\nwant %v", f.name, got, f.want)
		}
	}
	// X moves it: the same event, a new time.
	put(bot.SeenSpace{ID: "1xAlice", UserID: "alice", Title: "Friday AMA", ScheduledStart: mustTime(t, "2026-12-04T19:00:00-05:00")})
	if got := read(feeds[0].path)["xspace-1xAlice.host.console-local@sparkbot"]; got.start != "20261205T000000Z" {
		t.Errorf("after X moved it, alice's event starts %q, want 20261205T000000Z", got.start)
	}
}
