package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

// TestMonthOfAWeek: a week belongs to the month of its last day.
func TestMonthOfAWeek(t *testing.T) {
	co := bot.NewCohort("Spark", bot.Date{Year: 2026, Month: 11, Day: 30})
	sunday := co
	sunday.WeekStart, sunday.Start = time.Sunday, bot.Date{Year: 2026, Month: 11, Day: 29}
	tests := []struct {
		co   bot.Cohort
		date bot.Date // any day of the week
		want bot.Month
	}{
		{co, bot.Date{Year: 2026, Month: 11, Day: 30}, bot.Month{Year: 2026, Month: 12}}, // Mon 30 Nov – Sun 6 Dec
		{co, bot.Date{Year: 2026, Month: 12, Day: 27}, bot.Month{Year: 2026, Month: 12}}, // ends Sun 27 Dec
		{co, bot.Date{Year: 2026, Month: 12, Day: 31}, bot.Month{Year: 2027, Month: 1}},  // Mon 28 Dec – Sun 3 Jan
		{sunday, bot.Date{Year: 2027, Month: 1, Day: 31}, bot.Month{Year: 2027, Month: 2}},
		{sunday, bot.Date{Year: 2027, Month: 1, Day: 30}, bot.Month{Year: 2027, Month: 1}}, // Sun 24 – Sat 30 Jan
	}
	for _, tt := range tests {
		w := tt.co.WeekOf(bot.LocalTime(tt.date, bot.TimeOfDay{Hour: 12}, tt.co.Location()))
		if got := bot.MonthOf(w); got != tt.want {
			t.Errorf("week of %s (weeks start %s): got %s, want %s", tt.date, tt.co.WeekStart, got, tt.want)
		}
	}
	for m, want := range map[bot.Month][]string{
		{Year: 2026, Month: 11}: nil,
		{Year: 2026, Month: 12}: {"2026-11-30", "2026-12-07", "2026-12-14", "2026-12-21"},
		{Year: 2027, Month: 1}:  {"2026-12-28", "2027-01-04", "2027-01-11", "2027-01-18", "2027-01-25"},
		{Year: 2027, Month: 2}:  {"2027-02-01", "2027-02-08", "2027-02-15"},
		{Year: 2027, Month: 3}:  nil,
	} {
		var got []string
		for _, w := range co.WeeksOfMonth(m) {
			got = append(got, w.StartDate.String())
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("weeks of %s: got %v, want %v", m, got, want)
		}
	}
}

// stipendMonth is four hosts' December: alice meets every week, bob misses
// week 3, carol joins in week 4 on its Wednesday, dave is excused week 2.
func stipendMonth(t *testing.T) *harness {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice", "bob", "dave")
	for _, monday := range []string{"2026-11-30", "2026-12-07", "2026-12-14", "2026-12-21"} {
		h.logWeek("alice", monday)
		if monday != "2026-12-14" {
			h.logWeek("bob", monday)
		}
		if monday != "2026-12-07" {
			h.logWeek("dave", monday)
		}
		if monday == "2026-12-21" {
			continue
		}
	}
	h.clock.Set(mustTime(t, "2026-12-23T09:00:00-05:00"))
	h.must("boss", true, "/cohort add user:@carol handle:@carol_x", "Added")
	h.must("boss", true, `/cohort excuse user:@dave week:2026-12-08 reason:"conference"`, "Excused")
	h.clock.Set(mustTime(t, "2027-01-01T09:00:00-05:00"))
	return h
}

// TestStipendStatuses: each member of the month gets a row with what the
// stipend rule makes of their weeks.
func TestStipendStatuses(t *testing.T) {
	h := stipendMonth(t)
	h.must("boss", true, "/cohort settings stipend:2000", "Stipend: $2,000 a month.")
	resp := h.router.Handle(context.Background(), bot.Request{Workspace: h.ws, UserID: "boss", Staff: true,
		Path: []string{"cohort", "export"}, Options: map[string]string{"month": "2026-12"}})
	text := render(resp.Message, h.clock.Now())
	for _, want := range []string{
		"Weeks 1–4 (2026-11-30 to 2026-12-27), the weeks that end in December; $2,000.00 a month.",
		"@alice: eligible — $2,000.00 (4 of 4 weeks met or excused; 8 Spaces, 80 listeners)",
		"@bob: review — suggested $1,500.00 (3 of 4 weeks met or excused; missed week 3; 6 Spaces, 60 listeners)",
		"@carol: not a member — $0.00 (0 of 0 weeks met or excused; 0 Spaces, 0 listeners)",
		"@dave: eligible — $2,000.00 (4 of 4 weeks met or excused, 1 excused; 6 Spaces, 60 listeners)",
	} {
		mustContain(t, text, want)
	}
	if resp.Message.File == nil || resp.Message.File.Name != "stipend-spark-phase-1-2026-12.csv" {
		t.Fatalf("got file %+v, want stipend-spark-phase-1-2026-12.csv", resp.Message.File)
	}
	wantCSV := `cohort,month,user_id,name,handle,weeks_counted,weeks_met,weeks_excused,weeks_missed,missed_weeks,spaces,unverified,listeners,amount_due_usd,status,revised,verified_by_x,logged_by_staff,link_not_verified,one_click
Spark Phase 1,2026-12,alice,,alice_x,4,4,0,0,,8,0,80,2000.00,eligible,,0,0,8,0
Spark Phase 1,2026-12,bob,,bob_x,4,3,0,1,3,6,0,60,1500.00,review,,0,0,6,0
Spark Phase 1,2026-12,carol,,carol_x,0,0,0,0,,0,0,0,0.00,not a member,,0,0,0,0
Spark Phase 1,2026-12,dave,,dave_x,4,3,1,0,,6,0,60,2000.00,eligible,,0,0,6,0
`
	if got := string(resp.Message.File.Data); got != wantCSV {
		t.Errorf("CSV:\n got:\n%s\nwant:\n%s", got, wantCSV)
	}
}

// TestStipendRevised: the report issued on the 1st stands; a later
// backfill or excuse shows as a revision in the export and /cohort report.
func TestStipendRevised(t *testing.T) {
	h := stipendMonth(t)
	ctx := context.Background()
	co, err := h.store.Cohort(ctx, h.ws)
	if err != nil {
		t.Fatal(err)
	}
	dec := bot.Month{Year: 2026, Month: 12}
	issued, err := bot.IssueStipendReport(ctx, h.store, h.ws, co, dec, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, render(issued, h.clock.Now()), "@bob: review — suggested $1,875.00")

	h.clock.Set(mustTime(t, "2027-01-04T10:00:00-05:00"))
	h.must("boss", true, `/spaces log url:1BobLateAAAAA user:@bob at:"2026-12-15 20:00" listeners:5`, "Logged")
	h.must("boss", true, `/spaces log url:1BobLateBBBBB user:@bob at:"2026-12-16 20:00"`, "Logged")
	export := h.must("boss", true, "/cohort export month:2026-12", "1 row revised since")
	mustContain(t, export, "@bob: eligible — $2,500.00 (4 of 4 weeks met or excused; 8 Spaces, 65 listeners) — revised: met 3→4, missed 3→none, Spaces 6→8, listeners 60→65, due $1,875.00→$2,500.00, status review→eligible")
	mustContain(t, export, "@alice: eligible — $2,500.00 (4 of 4 weeks met or excused; 8 Spaces, 80 listeners)\n")
	report := h.must("boss", true, "/cohort report", "Stipend reports revised since issued")
	mustContain(t, report, "December 2026, @bob: revised — met 3→4, missed 3→none")

	// Issuing again (a retried post) sends what was issued.
	again, err := bot.IssueStipendReport(ctx, h.store, h.ws, co, dec, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := render(again, h.clock.Now()), render(issued, h.clock.Now()); got != want {
		t.Errorf("a second issue differs from the first:\n got %s\nwant %s", got, want)
	}
}

// TestLeaderboardMonth: the leaderboard's month is the one this week ends
// in, counted in whole weeks, as for the stipend.
func TestLeaderboardMonth(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
	h.logWeek("alice", "2026-11-30") // Tue 1, Wed 2 Dec: December
	h.clock.Set(mustTime(t, "2026-12-27T20:00:00-05:00"))
	h.must("bob", false, "/spaces log url:1BobSunday27A", "Logged") // Sun 27 Dec: December's last week
	h.clock.Set(mustTime(t, "2026-12-29T20:00:00-05:00"))
	h.must("alice", false, "/spaces log url:1AliceTue29AA listeners:7", "Logged") // week ending Sun 3 Jan
	board := h.must("bob", false, "/spaces leaderboard", "This month (January)")
	_, month, _ := strings.Cut(board, "This month")
	mustContain(t, month, "1. @alice — 1 Space, 7 listeners")
	if strings.Contains(month, "@bob") {
		t.Errorf("bob's Space of Sun 27 Dec is in January's table:\n%s", board)
	}
}

// TestExportBeforeAWeekCloses: in a month's first week, before any of its
// weeks has closed, the cohort's hosts are hosts with no week closed yet,
// not "not a member"; once one closes, their rows count it.
func TestExportBeforeAWeekCloses(t *testing.T) {
	h := newHarness(t, "2026-12-02T12:00:00-05:00")
	h.withCohort("2026-11-30", "alice")
	got := h.must("boss", true, "/cohort export month:2026-12", "Stipend report")
	if !strings.Contains(got, "@alice: no week closed yet") || strings.Contains(got, "not a member") {
		t.Errorf("export in the month's first week:\n%s\nwant alice with no week closed yet", got)
	}
	if !strings.Contains(got, "December 2026 is not over: the rows count the weeks closed so far (0 of 4).") {
		t.Errorf("export in the month's first week:\n%s\nwant it to say the month is not over", got)
	}
}

// TestApplicationsDateInCohortZone: the applied date is the cohort's day
// (Mon 22:20 CST is Monday in New York too, Tuesday in UTC).
func TestApplicationsDateInCohortZone(t *testing.T) {
	h := newHarness(t, "2026-11-30T22:20:00-06:00")
	h.withCohort("2026-11-30")
	h.must("carol", false, "/spaces apply handle:@carol_x followers:12000 country:US", "Application received")
	h.must("boss", true, "/cohort applications", "applied Mon 30 Nov")
}
