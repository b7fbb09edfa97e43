package storetest

import (
	"slices"
	"testing"
	"time"

	"sparkbot/bot"
)

var scheduleTests = []contractTest{
	{"add sets a new ID and round trips every field", func(t *testing.T, s bot.Store) {
		want := fullSchedule("u1")
		want.ID = 999 // ignored: the store picks the ID
		added, err := s.AddSchedule(t.Context(), wsA, want)
		must(t, err)
		if added.ID == 0 || added.ID == 999 {
			t.Fatalf("got ID %d, want a new non-zero ID", added.ID)
		}
		want.ID, want.Number = added.ID, 1 // the host's first
		wantEqual(t, added, want)
		got, err := s.Schedule(t.Context(), wsA, added.ID)
		must(t, err)
		wantEqual(t, got, want)
	}},
	{"IDs are unique in the workspace", func(t *testing.T, s bot.Store) {
		seen := map[int64]bool{}
		for _, user := range []string{"u1", "u2", "u1", "u3", "u2"} {
			added, err := s.AddSchedule(t.Context(), wsA, bot.Schedule{UserID: user})
			must(t, err)
			if seen[added.ID] {
				t.Fatalf("got ID %d twice", added.ID)
			}
			seen[added.ID] = true
		}
	}},
	{"numbers are per user, from 1, the lowest free", func(t *testing.T, s bot.Store) {
		first := addSchedule(t, s, wsA, bot.Schedule{UserID: "u1"})
		other := addSchedule(t, s, wsA, bot.Schedule{UserID: "u2"})
		second := addSchedule(t, s, wsA, bot.Schedule{UserID: "u1", Number: 7}) // ignored: the store picks it
		elsewhere := addSchedule(t, s, wsB, bot.Schedule{UserID: "u1"})
		wantEqual(t, []int{first.Number, other.Number, second.Number, elsewhere.Number}, []int{1, 1, 2, 1})
		must(t, s.DeleteSchedule(t.Context(), wsA, first.ID))
		again := addSchedule(t, s, wsA, bot.Schedule{UserID: "u1"})
		third := addSchedule(t, s, wsA, bot.Schedule{UserID: "u1"})
		wantEqual(t, []int{again.Number, third.Number}, []int{1, 3})
		got, err := s.Schedule(t.Context(), wsA, again.ID)
		must(t, err)
		wantEqual(t, got.Number, 1)
	}},
	{"put keeps the number, or gives a free one to a new owner", func(t *testing.T, s bot.Store) {
		addSchedule(t, s, wsA, bot.Schedule{UserID: "u1"})
		sch := addSchedule(t, s, wsA, bot.Schedule{UserID: "u1"})
		addSchedule(t, s, wsA, bot.Schedule{UserID: "u2"})
		sch.Title, sch.Number = "Renamed", 9
		must(t, s.PutSchedule(t.Context(), wsA, sch))
		got, err := s.Schedule(t.Context(), wsA, sch.ID)
		must(t, err)
		wantEqual(t, []any{got.Title, got.Number}, []any{"Renamed", 2})
		sch.UserID = "u2"
		must(t, s.PutSchedule(t.Context(), wsA, sch))
		got, err = s.Schedule(t.Context(), wsA, sch.ID)
		must(t, err)
		wantEqual(t, got.Number, 2) // u2 has #1 already
	}},
	{"missing is ErrNotFound", func(t *testing.T, s bot.Store) {
		_, err := s.Schedule(t.Context(), wsA, 1)
		wantErrIs(t, err, bot.ErrNotFound)
		err = s.PutSchedule(t.Context(), wsA, bot.Schedule{ID: 1, UserID: "u1"})
		wantErrIs(t, err, bot.ErrNotFound)
		err = s.DeleteSchedule(t.Context(), wsA, 1)
		wantErrIs(t, err, bot.ErrNotFound)
	}},
	{"put replaces", func(t *testing.T, s bot.Store) {
		added := addSchedule(t, s, wsA, fullSchedule("u1"))
		want := bot.Schedule{ID: added.ID, UserID: "u1", Title: "Moved", Paused: true}
		must(t, s.PutSchedule(t.Context(), wsA, want))
		want.Number = added.Number
		got, err := s.Schedule(t.Context(), wsA, added.ID)
		must(t, err)
		wantEqual(t, got, want)
	}},
	{"put to another user moves it between users' lists", func(t *testing.T, s bot.Store) {
		sch := addSchedule(t, s, wsA, bot.Schedule{UserID: "u1"})
		sch.UserID = "u2"
		must(t, s.PutSchedule(t.Context(), wsA, sch))
		wantScheduleIDs(t, s, wsA, "u1", []int64{})
		wantScheduleIDs(t, s, wsA, "u2", []int64{sch.ID})
	}},
	{"delete removes it everywhere", func(t *testing.T, s bot.Store) {
		gone := addSchedule(t, s, wsA, bot.Schedule{UserID: "u1"})
		kept := addSchedule(t, s, wsA, bot.Schedule{UserID: "u1"})
		must(t, s.DeleteSchedule(t.Context(), wsA, gone.ID))
		_, err := s.Schedule(t.Context(), wsA, gone.ID)
		wantErrIs(t, err, bot.ErrNotFound)
		wantScheduleIDs(t, s, wsA, "u1", []int64{kept.ID})
		all, err := s.Schedules(t.Context(), wsA)
		must(t, err)
		wantEqual(t, scheduleIDs(all), []int64{kept.ID})
	}},
	{"lists are by ID; SchedulesOf only the user's", func(t *testing.T, s bot.Store) {
		var all, mine []int64
		for _, user := range []string{"u1", "u2", "u1", "u11", "u1"} {
			added := addSchedule(t, s, wsA, bot.Schedule{UserID: user})
			all = append(all, added.ID)
			if user == "u1" {
				mine = append(mine, added.ID)
			}
		}
		slices.Sort(all) // the contract orders by ID, not by insertion
		slices.Sort(mine)
		got, err := s.Schedules(t.Context(), wsA)
		must(t, err)
		wantEqual(t, scheduleIDs(got), all)
		wantScheduleIDs(t, s, wsA, "u1", mine)
	}},
	{"empty workspace lists nothing", func(t *testing.T, s bot.Store) {
		all, err := s.Schedules(t.Context(), wsA)
		must(t, err)
		wantEqual(t, len(all), 0)
		wantScheduleIDs(t, s, wsA, "u1", []int64{})
	}},
	{"workspaces are apart", func(t *testing.T, s bot.Store) {
		inA := addSchedule(t, s, wsA, bot.Schedule{UserID: "u1", Title: "in A"})
		inB := addSchedule(t, s, wsB, bot.Schedule{UserID: "u1", Title: "in B"})
		wantScheduleIDs(t, s, wsA, "u1", []int64{inA.ID})
		wantScheduleIDs(t, s, wsB, "u1", []int64{inB.ID})
		got, err := s.Schedule(t.Context(), wsA, inA.ID)
		must(t, err)
		wantEqual(t, got.Title, "in A")
		if inA.ID != inB.ID {
			must(t, s.DeleteSchedule(t.Context(), wsA, inA.ID))
			err = s.DeleteSchedule(t.Context(), wsA, inB.ID)
			wantErrIs(t, err, bot.ErrNotFound)
		}
	}},
}

func fullSchedule(userID string) bot.Schedule {
	return bot.Schedule{
		UserID:      userID,
		Title:       "Morning mic",
		Days:        bot.Weekdays(0).With(time.Tuesday).With(time.Thursday).With(time.Sunday),
		At:          bot.TimeOfDay{Hour: 20, Minute: 30},
		Duration:    90 * time.Minute,
		Zone:        "America/Los_Angeles",
		Paused:      true,
		PausedUntil: bot.Date{Year: 2025, Month: time.April, Day: 1},
		Skips:       []bot.Date{{Year: 2025, Month: time.March, Day: 11}, {Year: 2025, Month: time.March, Day: 20}},
		CreatedAt:   day0.Add(time.Minute),
	}
}

func addSchedule(t *testing.T, s bot.Store, ws bot.WorkspaceRef, sch bot.Schedule) bot.Schedule {
	t.Helper()
	added, err := s.AddSchedule(t.Context(), ws, sch)
	must(t, err)
	return added
}

func wantScheduleIDs(t *testing.T, s bot.Store, ws bot.WorkspaceRef, userID string, want []int64) {
	t.Helper()
	got, err := s.SchedulesOf(t.Context(), ws, userID)
	must(t, err)
	wantEqual(t, scheduleIDs(got), want)
}

func scheduleIDs(list []bot.Schedule) []int64 {
	ids := []int64{}
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return ids
}
