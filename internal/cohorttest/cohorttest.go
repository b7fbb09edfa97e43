// Package cohorttest makes random cohorts for tests that account one two
// ways and compare: hosts who join late, leave and come back, are excused,
// keep schedules, and log Spaces that overlap (as old data and forced logs
// do), back to back across week boundaries, attached to their schedules or
// not. Whatever a generator draws, the same seed draws again.
package cohorttest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"sparkbot/bot"
)

// World is a random cohort and what its hosts keep.
type World struct {
	Cohort    bot.Cohort
	Hosts     []bot.Host
	Schedules []bot.Schedule // ID is the index + 1 until Store assigns one
	Logs      []bot.SpaceLog // ScheduleID names Schedules the same way
}

// dayLong is the most minutes a log has (the minutes option's max).
const dayLong = 24 * 60

var zones = []string{"America/New_York", "Europe/Berlin", "UTC", "Australia/Sydney"}

// Random draws a cohort of a few weeks with up to a dozen hosts.
func Random(rng *rand.Rand) World {
	var w World
	co := bot.NewCohort("Random", bot.Date{Year: 2026, Month: time.March, Day: 2}.AddDays(rng.IntN(300)))
	co.ID, co.Zone = 1, zones[rng.IntN(len(zones))]
	co.WeekStart = co.Start.Weekday()
	co.Weeks, co.Quota, co.LastCallHours = 3+rng.IntN(10), 1+rng.IntN(3), 12+rng.IntN(61)
	co.OverlapMinutes = []int{0, 15, 30, 90}[rng.IntN(4)]
	w.Cohort = co
	for i := range 4 + rng.IntN(9) {
		w.addHost(rng, fmt.Sprintf("u%02d", i))
	}
	return w
}

// Span is the cohort's weeks, from its first week's start to its end.
func (w World) Span() (from, to time.Time) { return w.Cohort.FirstWeek().Start, w.Cohort.EndsAt() }

// At is a random instant from a week before the cohort to a week after.
func (w World) At(rng *rand.Rand) time.Time {
	from, to := w.Span()
	from, to = from.Add(-7*24*time.Hour), to.Add(7*24*time.Hour)
	return from.Add(time.Duration(rng.Int64N(int64(to.Sub(from)))))
}

func (w *World) addHost(rng *rand.Rand, user string) {
	h := bot.Host{UserID: user, Name: "Host " + user, Handle: user + "_x", Memberships: w.memberships(rng)}
	for range rng.IntN(3) {
		if h.Excused == nil {
			h.Excused = map[string]string{}
		}
		week := w.Cohort.WeekOf(w.At(rng))
		h.Excused[week.StartDate.String()] = "away"
	}
	w.Hosts = append(w.Hosts, h)
	first := len(w.Schedules)
	for range rng.IntN(3) {
		w.Schedules = append(w.Schedules, randomSchedule(rng, user, int64(len(w.Schedules)+1)))
	}
	own := w.Schedules[first:]
	for range rng.IntN(40) {
		w.addLogs(rng, user, own)
	}
}

// memberships are one period from before the start, or a late join, a
// leave, a rejoin.
func (w World) memberships(rng *rand.Rand) []bot.Membership {
	from, _ := w.Span()
	switch rng.IntN(5) {
	case 0:
		return nil // applied, never a member
	case 1:
		joined := w.At(rng)
		return []bot.Membership{{Cohort: 1, Joined: joined}}
	case 2:
		joined := from.Add(-time.Hour)
		left := w.At(rng)
		if !left.After(joined) {
			left = joined.Add(time.Hour)
		}
		ms := []bot.Membership{{Cohort: 1, Joined: joined, Left: left}}
		if rng.IntN(2) == 0 {
			ms = append(ms, bot.Membership{Cohort: 1, Joined: left.Add(time.Duration(rng.IntN(400)) * time.Hour)})
		}
		return ms
	}
	return []bot.Membership{{Cohort: 1, Joined: from.Add(-time.Duration(rng.IntN(48)) * time.Hour)}}
}

func randomSchedule(rng *rand.Rand, user string, id int64) bot.Schedule {
	s := bot.Schedule{ID: id, UserID: user, Title: fmt.Sprintf("Show %d", id), Zone: zones[rng.IntN(len(zones))],
		At: bot.TimeOfDay{Hour: rng.IntN(24), Minute: 15 * rng.IntN(4)}, Duration: time.Duration(30+30*rng.IntN(5)) * time.Minute}
	for range 1 + rng.IntN(3) {
		s.Days = s.Days.With(time.Weekday(rng.IntN(7)))
	}
	s.Paused = rng.IntN(8) == 0
	return s
}

// addLogs adds one log, or a chain of logs less than the overlap gap
// apart (a host's logs from before the rule), around a random time or a
// week's start, attached to one of the host's scheduled occurrences or not.
func (w *World) addLogs(rng *rand.Rand, user string, schedules []bot.Schedule) {
	at := w.At(rng)
	if rng.IntN(4) == 0 { // near a week boundary
		at = w.Cohort.WeekOf(at).Start.Add(time.Duration(rng.IntN(240)-120) * time.Minute)
	}
	n, step, marathon := 1, time.Duration(0), false
	switch rng.IntN(8) {
	case 0, 1:
		n, step = 2+rng.IntN(6), 5*time.Minute
	case 2: // day-long logs, each starting before the last ends: a chain over days
		n, step, marathon = 2+rng.IntN(5), 20*time.Hour, true
	}
	for range n {
		l := w.randomLog(rng, user, at, schedules)
		if marathon {
			l.Minutes, l.Forced = dayLong, false
		}
		w.Logs = append(w.Logs, l)
		at = at.Add(step + time.Duration(rng.IntN(30))*time.Minute)
	}
}

func (w *World) randomLog(rng *rand.Rand, user string, at time.Time, schedules []bot.Schedule) bot.SpaceLog {
	l := bot.SpaceLog{SpaceID: fmt.Sprintf("1s%04d", len(w.Logs)), UserID: user, Title: "Space", Start: at.UTC(),
		Listeners: rng.IntN(300), LoggedAt: at.Add(time.Duration(rng.IntN(72)) * time.Hour).UTC(),
		Provenance: bot.Provenance(1 + rng.IntN(4)), Forced: rng.IntN(10) == 0}
	switch r := rng.IntN(10); {
	case r == 0:
		l.Minutes = dayLong
	case r < 7:
		l.Minutes = rng.IntN(180)
	}
	if len(schedules) > 0 && rng.IntN(3) == 0 {
		s := schedules[rng.IntN(len(schedules))]
		if occ := s.Occurrences(at.Add(-48*time.Hour), at.Add(48*time.Hour)); len(occ) > 0 {
			o := occ[rng.IntN(len(occ))]
			l.ScheduleID, l.Occurrence = s.ID, o
			l.Start = o.Add(time.Duration(rng.IntN(31)-15) * time.Minute).UTC()
		}
	}
	return l
}

// Store writes the world into an empty workspace ws of st. Schedules get
// the store's IDs, and the logs follow them.
func (w *World) Store(ctx context.Context, st bot.Store, ws bot.WorkspaceRef) error {
	if err := st.PutCohort(ctx, ws, w.Cohort); err != nil {
		return err
	}
	for _, h := range w.Hosts {
		if err := st.PutHost(ctx, ws, h); err != nil {
			return err
		}
	}
	ids := map[int64]int64{}
	for i, s := range w.Schedules {
		stored, err := st.AddSchedule(ctx, ws, s)
		if err != nil {
			return err
		}
		ids[s.ID] = stored.ID
		w.Schedules[i] = stored
	}
	for i, l := range w.Logs {
		if l.ScheduleID != 0 {
			w.Logs[i].ScheduleID = ids[l.ScheduleID]
		}
	}
	return addLogs(ctx, st, ws, w.Logs)
}

// addLogs adds logs from many goroutines, so that a store that batches
// concurrent writes (bbolt's) commits them together.
func addLogs(ctx context.Context, st bot.Store, ws bot.WorkspaceRef, logs []bot.SpaceLog) error {
	errs := make(chan error, len(logs))
	next := make(chan bot.SpaceLog)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for l := range next {
				errs <- st.AddLog(ctx, ws, l)
			}
		})
	}
	for _, l := range logs {
		next <- l
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
