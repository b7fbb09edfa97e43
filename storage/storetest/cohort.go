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
		got, err = s.CohortByID(t.Context(), wsA, want.ID)
		must(t, err)
		wantEqual(t, got, want)
	}},
	{"put replaces", func(t *testing.T, s bot.Store) {
		must(t, s.PutCohort(t.Context(), wsA, fullCohort()))
		want := bot.Cohort{ID: 1, Name: "Spring", Quota: 3}
		must(t, s.PutCohort(t.Context(), wsA, want))
		got, err := s.Cohort(t.Context(), wsA)
		must(t, err)
		wantEqual(t, got, want)
	}},
	{"put without an ID replaces the latest, or stores cohort 1", func(t *testing.T, s bot.Store) {
		must(t, s.PutCohort(t.Context(), wsA, bot.Cohort{Name: "First"}))
		got, err := s.Cohort(t.Context(), wsA)
		must(t, err)
		wantEqual(t, got, bot.Cohort{ID: 1, Name: "First"})
		_, err = s.AddCohort(t.Context(), wsA, bot.Cohort{Name: "Second"}, 1)
		must(t, err)
		must(t, s.PutCohort(t.Context(), wsA, bot.Cohort{Name: "Second, renamed"}))
		all, err := s.Cohorts(t.Context(), wsA)
		must(t, err)
		wantEqual(t, all, []bot.Cohort{{ID: 1, Name: "First"}, {ID: 2, Name: "Second, renamed"}})
	}},
	{"add numbers cohorts and keeps every one", func(t *testing.T, s bot.Store) {
		for i, name := range []string{"Phase 1", "Phase 2", "Phase 3"} {
			c, err := s.AddCohort(t.Context(), wsA, bot.Cohort{Name: name}, i)
			must(t, err)
			wantEqual(t, c.ID, i+1)
		}
		latest, err := s.Cohort(t.Context(), wsA)
		must(t, err)
		wantEqual(t, latest.Name, "Phase 3")
		first, err := s.CohortByID(t.Context(), wsA, 1)
		must(t, err)
		wantEqual(t, first, bot.Cohort{ID: 1, Name: "Phase 1"})
		all, err := s.Cohorts(t.Context(), wsA)
		must(t, err)
		wantEqual(t, len(all), 3)
	}},
	{"add after a cohort that is not the latest is ErrExists", func(t *testing.T, s bot.Store) {
		_, err := s.AddCohort(t.Context(), wsA, bot.Cohort{Name: "Phase 1"}, 0)
		must(t, err)
		_, err = s.AddCohort(t.Context(), wsA, bot.Cohort{Name: "Phase 2"}, 1)
		must(t, err)
		_, err = s.AddCohort(t.Context(), wsA, bot.Cohort{Name: "Phase 2 again"}, 1)
		wantErrIs(t, err, bot.ErrExists)
		_, err = s.AddCohort(t.Context(), wsB, bot.Cohort{Name: "B"}, 1)
		wantErrIs(t, err, bot.ErrExists)
		all, err := s.Cohorts(t.Context(), wsA)
		must(t, err)
		wantEqual(t, len(all), 2)
	}},
	{"missing ID is ErrNotFound", func(t *testing.T, s bot.Store) {
		must(t, s.PutCohort(t.Context(), wsA, fullCohort()))
		_, err := s.CohortByID(t.Context(), wsA, 2)
		wantErrIs(t, err, bot.ErrNotFound)
	}},
	{"workspaces are apart", func(t *testing.T, s bot.Store) {
		must(t, s.PutCohort(t.Context(), wsA, fullCohort()))
		_, err := s.Cohort(t.Context(), wsB)
		wantErrIs(t, err, bot.ErrNotFound)
	}},
}

func fullCohort() bot.Cohort {
	return bot.Cohort{
		ID:              1,
		Name:            "Spark 3",
		Start:           bot.Date{Year: 2025, Month: time.March, Day: 3},
		Weeks:           12,
		Quota:           2,
		Zone:            "America/New_York",
		WeekStart:       time.Sunday,
		MinFollowers:    5000,
		Countries:       []string{"US", "CA"},
		LastCallHours:   36,
		Stipend:         2750,
		StaffChannel:    "c-staff",
		DigestChannel:   "c-digest",
		AnnounceChannel: "c-news",
		FallbackChannel: "c-fallback",
		CreatedAt:       day0.Add(-48*time.Hour + 123456789),
		CreatedBy:       "staff-1",
	}
}
