package storetest

import (
	"context"
	"testing"
	"time"

	"sparkbot/bot"
)

// StatsStore is what the admin listener reads of a store: the due index's
// depth and backlog, and a probe that the store takes writes.
type StatsStore interface {
	JobStore
	JobCounts(ctx context.Context, now time.Time) (pending, due int, err error)
	Probe(ctx context.Context, now time.Time) error
}

// RunStatsStore checks store against the contract of JobCounts and Probe.
// open returns a new, empty store for each subtest.
func RunStatsStore(t *testing.T, open func(t *testing.T) StatsStore) {
	t.Run("job counts are every pending job, and those due by now", func(t *testing.T) {
		s := open(t)
		counts := func(now time.Time) [2]int {
			t.Helper()
			pending, due, err := s.JobCounts(t.Context(), now)
			must(t, err)
			return [2]int{pending, due}
		}
		wantEqual(t, counts(day0), [2]int{0, 0})
		addJobs(t, s, job(wsA, "a", day0), job(wsA, "b", day0.Add(time.Hour)), job(wsB, "c", day0.Add(-time.Hour)),
			job(wsA, "d", day0.Add(1)))
		must(t, s.FinishJob(t.Context(), outcome(job(wsA, "done", day0), bot.Sent, day0)))
		wantEqual(t, counts(day0), [2]int{4, 2}) // a job due at now is due; finished ones are not pending
		wantEqual(t, counts(day0.Add(time.Hour)), [2]int{4, 4})
	})
	t.Run("the probe writes", func(t *testing.T) {
		s := open(t)
		must(t, s.Probe(t.Context(), day0))
		must(t, s.Probe(t.Context(), day0.Add(time.Second)))
	})
}
