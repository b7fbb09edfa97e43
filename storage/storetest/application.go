package storetest

import (
	"testing"
	"time"

	"sparkbot/bot"
)

var applicationTests = []contractTest{
	{"missing is ErrNotFound", func(t *testing.T, s bot.Store) {
		_, err := s.Application(t.Context(), wsA, "u1")
		wantErrIs(t, err, bot.ErrNotFound)
	}},
	{"round trip keeps every field", func(t *testing.T, s bot.Store) {
		want := fullApplication("u1")
		must(t, s.PutApplication(t.Context(), wsA, want))
		got, err := s.Application(t.Context(), wsA, "u1")
		must(t, err)
		wantEqual(t, got, want)
	}},
	{"put replaces", func(t *testing.T, s bot.Store) {
		must(t, s.PutApplication(t.Context(), wsA, fullApplication("u1")))
		want := bot.Application{UserID: "u1", State: bot.Pending, At: day0}
		must(t, s.PutApplication(t.Context(), wsA, want))
		got, err := s.Application(t.Context(), wsA, "u1")
		must(t, err)
		wantEqual(t, got, want)
	}},
	{"list is by At", func(t *testing.T, s bot.Store) {
		for id, at := range map[string]time.Duration{"a": 3 * time.Hour, "b": time.Hour, "c": 2 * time.Hour, "d": -time.Hour} {
			must(t, s.PutApplication(t.Context(), wsA, bot.Application{UserID: id, At: day0.Add(at)}))
		}
		apps, err := s.Applications(t.Context(), wsA)
		must(t, err)
		wantEqual(t, applicantIDs(apps), []string{"d", "b", "c", "a"})
	}},
	{"empty workspace lists nothing", func(t *testing.T, s bot.Store) {
		apps, err := s.Applications(t.Context(), wsA)
		must(t, err)
		wantEqual(t, len(apps), 0)
	}},
	{"workspaces are apart", func(t *testing.T, s bot.Store) {
		must(t, s.PutApplication(t.Context(), wsA, bot.Application{UserID: "u1", Name: "in A"}))
		must(t, s.PutApplication(t.Context(), wsB, bot.Application{UserID: "u1", Name: "in B"}))
		must(t, s.PutApplication(t.Context(), wsB, bot.Application{UserID: "u2"}))
		got, err := s.Application(t.Context(), wsA, "u1")
		must(t, err)
		wantEqual(t, got.Name, "in A")
		apps, err := s.Applications(t.Context(), wsA)
		must(t, err)
		wantEqual(t, applicantIDs(apps), []string{"u1"})
	}},
}

func fullApplication(userID string) bot.Application {
	return bot.Application{
		UserID:    userID,
		Name:      "Grace H.",
		Handle:    "grace",
		Followers: 4200,
		Cohort:    2,
		Country:   "CA",
		Show:      "https://podcasts.example.org/ada",
		Failed:    []string{"fewer than 5000 followers", "country CA is not accepted"},
		State:     bot.Rejected,
		Reason:    "next cohort",
		At:        day0.Add(time.Hour),
		DecidedBy: "staff-1",
		DecidedAt: day0.Add(26 * time.Hour),
	}
}

func applicantIDs(apps []bot.Application) []string {
	ids := []string{}
	for _, a := range apps {
		ids = append(ids, a.UserID)
	}
	return ids
}
