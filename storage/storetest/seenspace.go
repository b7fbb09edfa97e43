package storetest

import (
	"context"
	"testing"
	"time"

	"sparkbot/bot"
)

var seenSpaceTests = []contractTest{
	{"missing is ErrNotFound, deleting it is not an error", func(t *testing.T, s bot.Store) {
		_, err := s.SeenSpace(t.Context(), wsA, "sp1")
		wantErrIs(t, err, bot.ErrNotFound)
		must(t, s.DeleteSeenSpace(t.Context(), wsA, "sp1"))
	}},
	{"round trip keeps every field", func(t *testing.T, s bot.Store) {
		want := fullSeenSpace("sp1", "u1", day0)
		must(t, s.PutSeenSpace(t.Context(), wsA, want))
		got, err := s.SeenSpace(t.Context(), wsA, "sp1")
		must(t, err)
		wantEqual(t, got, want)
	}},
	{"open lists scheduled and live ones only, by id", func(t *testing.T, s bot.Store) {
		live, sched, ended := fullSeenSpace("b", "u1", day0), fullSeenSpace("a", "u1", day0), fullSeenSpace("c", "u1", day0)
		sched.State, sched.StartedAt = bot.XScheduled, time.Time{}
		ended.State = bot.XEnded
		for _, sp := range []bot.SeenSpace{live, sched, ended} {
			must(t, s.PutSeenSpace(t.Context(), wsA, sp))
		}
		wantSeenIDs(t, s.OpenSeenSpaces, []string{"a", "b"})
		live.State = bot.XEnded // it ended: it leaves the open list
		must(t, s.PutSeenSpace(t.Context(), wsA, live))
		wantSeenIDs(t, s.OpenSeenSpaces, []string{"a"})
		must(t, s.DeleteSeenSpace(t.Context(), wsA, "a"))
		wantSeenIDs(t, s.OpenSeenSpaces, []string{})
	}},
	{"of a host: creator's or co-host's, by At, in [from, to)", func(t *testing.T, s bot.Store) {
		own := fullSeenSpace("own", "u1", day0.Add(2*time.Hour))
		own.CoHosts = nil
		cohosted := fullSeenSpace("co", "u2", day0.Add(time.Hour))
		cohosted.CoHosts = []string{"u1"}
		other := fullSeenSpace("other", "u2", day0.Add(3*time.Hour))
		other.CoHosts = nil
		late := fullSeenSpace("late", "u1", day0.Add(5*time.Hour))
		for _, sp := range []bot.SeenSpace{own, cohosted, other, late} {
			must(t, s.PutSeenSpace(t.Context(), wsA, sp))
		}
		of := func(user string) func() ([]bot.SeenSpace, error) {
			return func() ([]bot.SeenSpace, error) {
				return s.SeenSpacesOf(t.Context(), wsA, user, day0, day0.Add(5*time.Hour))
			}
		}
		wantSeenList(t, of("u1"), []string{"co", "own"})
		wantSeenList(t, of("u2"), []string{"co", "other"})
	}},
	{"a new time or new hosts move it in the host index", func(t *testing.T, s bot.Store) {
		sp := fullSeenSpace("sp", "u1", time.Time{})
		sp.State, sp.StartedAt, sp.ScheduledStart, sp.CoHosts = bot.XScheduled, time.Time{}, day0.Add(10*time.Hour), []string{"u2"}
		must(t, s.PutSeenSpace(t.Context(), wsA, sp))
		sp.State, sp.StartedAt, sp.CoHosts = bot.XLive, day0.Add(time.Hour), []string{"u3"}
		must(t, s.PutSeenSpace(t.Context(), wsA, sp))
		all := func(user string) func() ([]bot.SeenSpace, error) {
			return func() ([]bot.SeenSpace, error) {
				return s.SeenSpacesOf(t.Context(), wsA, user, time.Time{}, day0.AddDate(1, 0, 0))
			}
		}
		wantSeenList(t, all("u1"), []string{"sp"})
		wantSeenList(t, all("u2"), []string{})
		wantSeenList(t, all("u3"), []string{"sp"})
		got, err := s.SeenSpacesOf(t.Context(), wsA, "u1", day0.Add(9*time.Hour), day0.Add(11*time.Hour))
		must(t, err)
		wantEqual(t, len(got), 0)
	}},
	{"deleting a cohort's forgets only its Spaces, with their index entries", func(t *testing.T, s bot.Store) {
		a, b := fullSeenSpace("a", "u1", day0), fullSeenSpace("b", "u1", day0.Add(time.Hour))
		b.Cohort = 2
		must(t, s.PutSeenSpace(t.Context(), wsA, a))
		must(t, s.PutSeenSpace(t.Context(), wsA, b))
		must(t, s.PutSeenSpace(t.Context(), wsB, a))
		n, err := s.DeleteSeenSpaces(t.Context(), wsA, 1)
		must(t, err)
		wantEqual(t, n, 1)
		wantSeenIDs(t, s.OpenSeenSpaces, []string{"b"})
		got, err := s.SeenSpacesOf(t.Context(), wsA, "u9", time.Time{}, day0.AddDate(1, 0, 0))
		must(t, err)
		wantEqual(t, seenIDs(got), []string{"b"})
		inB, err := s.OpenSeenSpaces(t.Context(), wsB)
		must(t, err)
		wantEqual(t, seenIDs(inB), []string{"a"})
	}},
}

func fullSeenSpace(id, user string, start time.Time) bot.SeenSpace {
	return bot.SeenSpace{
		ID: id, Cohort: 1, CreatorID: "1001", UserID: user, CoHosts: []string{"u9"}, Title: "Night owls",
		State: bot.XLive, ScheduledStart: start.Add(-5 * time.Minute), StartedAt: start, EndedAt: start.Add(time.Hour),
		Peak: 143, LastSeen: start.Add(50 * time.Minute), Announced: true,
	}
}

func seenIDs(spaces []bot.SeenSpace) []string {
	ids := []string{}
	for _, sp := range spaces {
		ids = append(ids, sp.ID)
	}
	return ids
}

func wantSeenIDs(t *testing.T, list func(ctx context.Context, ws bot.WorkspaceRef) ([]bot.SeenSpace, error), want []string) {
	t.Helper()
	got, err := list(t.Context(), wsA)
	must(t, err)
	wantEqual(t, seenIDs(got), want)
}

func wantSeenList(t *testing.T, list func() ([]bot.SeenSpace, error), want []string) {
	t.Helper()
	got, err := list()
	must(t, err)
	wantEqual(t, seenIDs(got), want)
}
