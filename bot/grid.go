package bot

import (
	"sync"
	"sync/atomic"
	"time"
)

// A cohort's weeks are computed once per process and shared: every log
// and every report accounts in them, and a week's bounds cost two
// LocalTime calls each to compute.

// cohortGrid is what a cohort's weeks depend on.
type cohortGrid struct {
	zone      string
	start     Date
	weekStart time.Weekday
	weeks     int
}

var (
	grids       sync.Map // cohortGrid → []Week
	gridsCached atomic.Int32
)

// maxCachedGrids bounds the cache: a process serves a few cohorts each
// of many workspaces, whose grids mostly coincide.
const maxCachedGrids = 4096

// cohortWeeks returns c's weeks, FirstWeek through LastWeek. The slice is
// shared: callers must not change it.
func cohortWeeks(c Cohort) []Week {
	g := cohortGrid{zone: c.Zone, start: c.Start, weekStart: c.WeekStart, weeks: c.Weeks}
	if weeks, ok := grids.Load(g); ok {
		return weeks.([]Week)
	}
	end := c.EndsAt()
	var weeks []Week
	for w := c.FirstWeek(); w.Start.Before(end); w = w.Next() {
		weeks = append(weeks, w)
	}
	if len(weeks) == 0 || weeks[len(weeks)-1] != c.LastWeek() {
		return nil // no weeks (or weeks a zone's rules make odd): not cached, not used
	}
	weeks = weeks[:len(weeks):len(weeks)]
	if gridsCached.Load() < maxCachedGrids {
		if _, loaded := grids.LoadOrStore(g, weeks); !loaded {
			gridsCached.Add(1)
		}
	}
	return weeks
}
