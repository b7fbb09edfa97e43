package storetest

import (
	"testing"
	"time"

	"sparkbot/bot"
)

var cohortTests = []contractTest{
	{"missing is ErrNotFound", func(t *testing.T, s bot.Store) {
		_, err := s.Cohort(t.Context(), wsA)
		wantErrIs(t, err, bot.ErrNotFound)
	}},
	{"round trip keeps every field", func(t *testing.T, s bot.Store) {
		want := fullCohort()
		must(t, s.PutCohort(t.Context(), wsA, want))
		got, err := s.Cohort(t.Context(), wsA)
		must(t, err)
		wantEqual(t, got, want)
	}},
	{"put replaces", func(t *testing.T, s bot.Store) {
		must(t, s.PutCohort(t.Context(), wsA, fullCohort()))
		want := bot.Cohort{Name: "Spring", Quota: 3}
		must(t, s.PutCohort(t.Context(), wsA, want))
		got, err := s.Cohort(t.Context(), wsA)
		must(t, err)
		wantEqual(t, got, want)
	}},
	{"workspaces are apart", func(t *testing.T, s bot.Store) {
		must(t, s.PutCohort(t.Context(), wsA, fullCohort()))
		_, err := s.Cohort(t.Context(), wsB)
		wantErrIs(t, err, bot.ErrNotFound)
	}},
}

func fullCohort() bot.Cohort {
	return bot.Cohort{
		Name:            "Spark 3",
		Start:           bot.Date{Year: 2025, Month: time.March, Day: 3},
		Weeks:           12,
		Quota:           2,
		Zone:            "America/New_York",
		WeekStart:       time.Sunday,
		MinFollowers:    5000,
		Countries:       []string{"US", "CA"},
		LastCallHours:   36,
		DigestChannel:   "c-digest",
		AnnounceChannel: "c-news",
		FallbackChannel: "c-fallback",
		CreatedAt:       day0.Add(-48*time.Hour + 123456789),
		CreatedBy:       "staff-1",
	}
}
