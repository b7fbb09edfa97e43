package storetest

import (
	"testing"
	"time"

	"sparkbot/bot"
)

var hostTests = []contractTest{
	{"missing is ErrNotFound", func(t *testing.T, s bot.Store) {
		_, err := s.Host(t.Context(), wsA, "u1")
		wantErrIs(t, err, bot.ErrNotFound)
	}},
	{"round trip keeps every field", func(t *testing.T, s bot.Store) {
		for _, want := range []bot.Host{fullHost("u1"), {UserID: "u2"}} {
			must(t, s.PutHost(t.Context(), wsA, want))
			got, err := s.Host(t.Context(), wsA, want.UserID)
			must(t, err)
			wantEqual(t, got, want)
		}
	}},
	{"nil leads stay nil, meaning the defaults", func(t *testing.T, s bot.Store) {
		must(t, s.PutHost(t.Context(), wsA, bot.Host{UserID: "u1"}))
		got, err := s.Host(t.Context(), wsA, "u1")
		must(t, err)
		if got.Leads != nil {
			t.Fatalf("got Leads %#v, want nil", got.Leads)
		}
	}},
	{"put replaces", func(t *testing.T, s bot.Store) {
		must(t, s.PutHost(t.Context(), wsA, fullHost("u1")))
		want := bot.Host{UserID: "u1", Name: "Renamed"}
		must(t, s.PutHost(t.Context(), wsA, want))
		got, err := s.Host(t.Context(), wsA, "u1")
		must(t, err)
		wantEqual(t, got, want)
	}},
	{"list is by UserID", func(t *testing.T, s bot.Store) {
		for _, id := range []string{"u3", "u1", "u10", "u2"} {
			must(t, s.PutHost(t.Context(), wsA, bot.Host{UserID: id}))
		}
		hosts, err := s.Hosts(t.Context(), wsA)
		must(t, err)
		wantEqual(t, hostIDs(hosts), []string{"u1", "u10", "u2", "u3"})
	}},
	{"empty workspace lists nothing", func(t *testing.T, s bot.Store) {
		hosts, err := s.Hosts(t.Context(), wsA)
		must(t, err)
		wantEqual(t, len(hosts), 0)
	}},
	{"workspaces are apart", func(t *testing.T, s bot.Store) {
		must(t, s.PutHost(t.Context(), wsA, bot.Host{UserID: "u1", Name: "in A"}))
		must(t, s.PutHost(t.Context(), wsB, bot.Host{UserID: "u1", Name: "in B"}))
		must(t, s.PutHost(t.Context(), wsB, bot.Host{UserID: "u2"}))
		got, err := s.Host(t.Context(), wsA, "u1")
		must(t, err)
		wantEqual(t, got.Name, "in A")
		hosts, err := s.Hosts(t.Context(), wsA)
		must(t, err)
		wantEqual(t, hostIDs(hosts), []string{"u1"})
	}},
}

func fullHost(userID string) bot.Host {
	return bot.Host{
		UserID: userID,
		Name:   "Ada L.",
		Handle: "ada",
		Zone:   "Europe/London",
		Memberships: []bot.Membership{
			{Cohort: 1, Joined: day0.Add(90 * time.Minute), Left: day0.Add(240 * time.Hour)},
			{Cohort: 1, Joined: day0.Add(500 * time.Hour)},
			{Cohort: 2, Joined: day0.Add(3000 * time.Hour)},
		},
		RemindersOff: true,
		Leads:        []time.Duration{2 * time.Hour, 15 * time.Minute, 30 * time.Second},
		Quiet:        bot.QuietHours{Start: bot.TimeOfDay{Hour: 23, Minute: 30}, End: bot.TimeOfDay{Hour: 6}},
		Excused:      map[string]string{"2025-03-03": "travel", "2025-03-10": "ill"},
	}
}

func hostIDs(hosts []bot.Host) []string {
	ids := []string{}
	for _, h := range hosts {
		ids = append(ids, h.UserID)
	}
	return ids
}
