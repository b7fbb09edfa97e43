package storetest

import (
	"testing"
	"time"

	"sparkbot/bot"
)

var stipendTests = []contractTest{
	{"missing is ErrNotFound", func(t *testing.T, s bot.Store) {
		_, err := s.IssuedStipend(t.Context(), wsA, 1, dec)
		wantErrIs(t, err, bot.ErrNotFound)
	}},
	{"round trip keeps every field", func(t *testing.T, s bot.Store) {
		want := fullIssue(1, dec)
		got, err := s.IssueStipend(t.Context(), wsA, want)
		must(t, err)
		wantEqual(t, got, want)
		got, err = s.IssuedStipend(t.Context(), wsA, 1, dec)
		must(t, err)
		wantEqual(t, got, want)
	}},
	{"the first issue stands", func(t *testing.T, s bot.Store) {
		first := fullIssue(1, dec)
		_, err := s.IssueStipend(t.Context(), wsA, first)
		must(t, err)
		later := fullIssue(1, dec)
		later.IssuedAt, later.Rows = day0.Add(99*time.Hour), nil
		got, err := s.IssueStipend(t.Context(), wsA, later)
		must(t, err)
		wantEqual(t, got, first)
		got, err = s.IssuedStipend(t.Context(), wsA, 1, dec)
		must(t, err)
		wantEqual(t, got, first)
	}},
	{"cohorts and workspaces are apart; listed by month", func(t *testing.T, s bot.Store) {
		jan := bot.Month{Year: 2027, Month: time.January}
		for _, is := range []bot.StipendIssue{fullIssue(2, jan), fullIssue(1, jan), fullIssue(1, dec), fullIssue(10, dec)} {
			_, err := s.IssueStipend(t.Context(), wsA, is)
			must(t, err)
		}
		list, err := s.IssuedStipends(t.Context(), wsA, 1)
		must(t, err)
		wantEqual(t, []bot.Month{list[0].Month, list[1].Month}, []bot.Month{dec, jan})
		wantEqual(t, len(list), 2)
		list, err = s.IssuedStipends(t.Context(), wsB, 1)
		must(t, err)
		wantEqual(t, len(list), 0)
		_, err = s.IssuedStipend(t.Context(), wsA, 3, dec)
		wantErrIs(t, err, bot.ErrNotFound)
	}},
}

var dec = bot.Month{Year: 2026, Month: time.December}

func fullIssue(cohort int, m bot.Month) bot.StipendIssue {
	return bot.StipendIssue{
		Cohort: cohort, Month: m, IssuedAt: day0.Add(time.Hour),
		Rows: []bot.StipendRow{
			{UserID: "u1", Name: "Ada", Handle: "ada", Tally: bot.Tally{Counted: 4, Met: 2, Excused: 1, Missed: []int{3},
				Spaces: 7, Unverified: 1, Listeners: 300}, DueCents: 187500, Status: bot.StipendReview},
			{UserID: "u2", Status: bot.StipendNotMember},
		},
	}
}
