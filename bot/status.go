package bot

import (
	"context"
	"time"
)

// Standing is where a host stands in one week.
type Standing int

const (
	// Open weeks.
	OnTrack  Standing = iota // logged ≥ quota
	OnPace                   // below quota, but enough Spaces still scheduled
	AtRisk                   // logged + still scheduled < quota
	LastCall                 // below quota with less than the last-call window left
	// Closed weeks.
	Met
	Missed
	// Either.
	Excused
	// Weeks a host does not owe (see Host.Presence).
	NotCounted  // joined too late into the week to owe it
	LeftMidWeek // left the cohort before the week ended
	NotMember   // not a member at any time in the week
)

var standingNames = [...]string{
	OnTrack: "on track", OnPace: "on pace", AtRisk: "at risk", LastCall: "last call",
	Met: "met", Missed: "missed", Excused: "excused", NotCounted: "not counted (joined mid-week)",
	LeftMidWeek: "not counted (left mid-week)", NotMember: "not a member",
}

func (s Standing) String() string { return standingNames[s] }

// Counts reports whether the week counts as met for streaks and stipends.
func (s Standing) Counts() bool { return s == Met || s == Excused }

// Owed reports whether the host was held to the week's quota: a member
// for the whole week.
func (s Standing) Owed() bool { return s < NotCounted }

// Urgency orders standings for staff reports: who needs attention first.
func (s Standing) Urgency() int {
	switch s {
	case Missed:
		return 0
	case LastCall:
		return 1
	case AtRisk:
		return 2
	case OnPace:
		return 3
	}
	return 4
}

// Assess applies the quota rules of DESIGN.md to one host's week.
// upcoming counts scheduled Spaces still to start before the week ends;
// left is the time until it ends (≤ 0 once closed).
func Assess(quota, logged, upcoming int, excused bool, left, lastCall time.Duration) Standing {
	switch {
	case excused:
		return Excused
	case left <= 0 && logged >= quota:
		return Met
	case left <= 0:
		return Missed
	case logged >= quota:
		return OnTrack
	case left < lastCall:
		return LastCall
	case logged+upcoming < quota:
		return AtRisk
	}
	return OnPace
}

// Occurrence is one scheduled Space: a schedule at one start time.
type Occurrence struct {
	Schedule Schedule
	Start    time.Time
	// SpaceID is set for a Space the host scheduled on X rather than
	// registered (xschedule.go); Schedule then holds only its title.
	SpaceID string
}

// HostWeek is one host's account of one week.
type HostWeek struct {
	Week     Week
	Quota    int
	Logs     []SpaceLog   // started in the week, by start
	Upcoming []Occurrence // scheduled after now, before the week ends, in order
	Excuse   string       // the reason, when excused
	Standing Standing
}

// Verified counts the week's logs that carry a real Space id: every
// provenance but one-click (see Provenance; only VerifiedByX is checked).
func (hw HostWeek) Verified() int {
	n := 0
	for _, l := range hw.Logs {
		if l.Provenance.HasSpaceID() {
			n++
		}
	}
	return n
}

// HostRecord is a host's weeks in the cohort so far, oldest first; the last
// one is the week containing now.
type HostRecord struct {
	Host   Host
	Weeks  []HostWeek
	Streak int // consecutive closed weeks met or excused, counting back
}

// Current returns the week containing now.
func (hr HostRecord) Current() HostWeek { return hr.Weeks[len(hr.Weeks)-1] }

// WeekStarting returns the record's week that starts at start, if it has one.
func (hr HostRecord) WeekStarting(start time.Time) (HostWeek, bool) {
	for _, hw := range hr.Weeks {
		if hw.Week.Start.Equal(start) {
			return hw, true
		}
	}
	return HostWeek{}, false
}

// AccountMembers accounts, as of now, for every host who was a member of
// the cohort at some time in [from, to), by user id: a report of a past
// week or month covers whoever was a member then. It reads the store in
// one pass (see eachMember).
func AccountMembers(ctx context.Context, st Store, ws WorkspaceRef, c Cohort, from, to, now time.Time) ([]HostRecord, error) {
	var out []HostRecord
	err := eachMember(ctx, st, ws, c, from, to, now, time.Time{}, true, func(rec HostRecord) error {
		out = append(out, rec)
		return nil
	})
	return out, err
}

// HostData is what AccountHost reads.
type HostData interface {
	LogsOf(ctx context.Context, ws WorkspaceRef, userID string, from, to time.Time) ([]SpaceLog, error)
	SchedulesOf(ctx context.Context, ws WorkspaceRef, userID string) ([]Schedule, error)
	SeenSpacesOf(ctx context.Context, ws WorkspaceRef, userID string, from, to time.Time) ([]SeenSpace, error)
}

func (r *Router) hostRecord(ctx context.Context, ws WorkspaceRef, c Cohort, h Host, now time.Time) (HostRecord, error) {
	return AccountHost(ctx, r.store, ws, c, h, now)
}

// AccountHost loads h's logs and schedules once and accounts for every week
// from the first one they were a member in through the week containing now
// (through the cohort's last week, once it has ended). Weeks they were not
// a member for whole read as not owed (Standing.Owed). Before the cohort
// starts, or for a host who never joined it, the record is the week
// containing now alone, not counted.
func AccountHost(ctx context.Context, st HostData, ws WorkspaceRef, c Cohort, h Host, now time.Time) (HostRecord, error) {
	return newAccounting(c).host(ctx, st, ws, h, now, time.Time{})
}

// accounting accounts hosts of one cohort in its weeks (cohortWeeks).
type accounting struct {
	c           Cohort
	first, last Week
	weeks       []Week // first through last; nil for a cohort without weeks
	// scratch, when not nil, holds the weeks of each record made, in
	// place of a new slice, and upcoming the Upcoming of its open week:
	// for a pass whose callers are done with a record before asking for
	// the next (reusing).
	scratch  *[]HostWeek
	upcoming *[]Occurrence
}

// reusing makes a's records share one slice of weeks, and one of their
// open week's upcoming occurrences, each valid until the next record: a
// pass over 100,000 hosts that keeps none of them allocates its weeks
// and occurrences once rather than two kilobytes a host and account.
func (a *accounting) reusing() { a.scratch, a.upcoming = new([]HostWeek), new([]Occurrence) }

// newWeeks is where a record's n weeks go.
func (a *accounting) newWeeks(n int) []HostWeek {
	if a.scratch == nil {
		return make([]HostWeek, n)
	}
	if cap(*a.scratch) < n {
		*a.scratch = make([]HostWeek, n)
	}
	weeks := (*a.scratch)[:n:n]
	clear(weeks)
	return weeks
}

func newAccounting(c Cohort) *accounting {
	if weeks := cohortWeeks(c); weeks != nil {
		return &accounting{c: c, first: weeks[0], last: weeks[len(weeks)-1], weeks: weeks}
	}
	return &accounting{c: c, first: c.FirstWeek(), last: c.LastWeek()}
}

// weekOf is c.WeekOf(t), found among the cohort's weeks when t is in one.
func (a *accounting) weekOf(t time.Time) Week {
	if i, ok := a.index(t); ok {
		return a.weeks[i]
	}
	return a.c.WeekOf(t)
}

// index is the position of the week containing t among the cohort's
// weeks; ok is false outside them.
func (a *accounting) index(t time.Time) (int, bool) {
	if len(a.weeks) == 0 || t.Before(a.first.Start) || !t.Before(a.last.End) {
		return 0, false
	}
	i := a.first.StartDate.DaysUntil(DateOf(t.In(a.first.location()))) / 7
	for i > 0 && t.Before(a.weeks[min(i, len(a.weeks)-1)].Start) { // a zone's odd day
		i--
	}
	i = min(i, len(a.weeks)-1)
	for i < len(a.weeks)-1 && !t.Before(a.weeks[i].End) {
		i++
	}
	return i, a.weeks[i].Contains(t)
}

// prev is the week before w.
func (a *accounting) prev(w Week) Week {
	if i, ok := a.index(w.Start); ok && i > 0 {
		return a.weeks[i-1]
	}
	return w.Prev()
}

// recordSpan is the weeks of a host's record as of now: from first through
// current, the week containing now (the cohort's last once it has ended).
// notOwed marks a record that is current alone, not counted: now is before
// the host's first week, or they never were a member.
type recordSpan struct {
	first, current Week
	notOwed        bool
}

func (a *accounting) span(h Host, now time.Time) recordSpan {
	current := a.weekOf(now)
	if current.Start.After(a.last.Start) {
		current = a.last
	}
	first, member := a.firstWeek(h)
	if !member || first.Start.After(current.Start) {
		return recordSpan{first: current, current: current, notOwed: true}
	}
	return recordSpan{first: first, current: current}
}

// firstWeek is where a host's record starts: the week they first joined
// the cohort in, or its first week if they joined before it began; ok is
// false if they never were a member.
func (a *accounting) firstWeek(h Host) (w Week, ok bool) {
	joined, ok := h.firstJoined(a.c)
	if !ok || joined.Before(a.first.Start) {
		return a.first, ok
	}
	return a.weekOf(joined), true
}

// between returns the weeks from from through to, in order.
func (a *accounting) between(from, to Week) []Week {
	i, iok := a.index(from.Start)
	j, jok := a.index(to.Start)
	if !iok || !jok || i > j {
		var out []Week // outside the cohort (a record before it starts)
		for w := from; !w.Start.After(to.Start); w = w.Next() {
			out = append(out, w)
		}
		return out
	}
	return a.weeks[i : j+1 : j+1]
}

// host is AccountHost, stopping after the week starting at or before
// through when that is earlier than the week containing now (zero: no
// stop). Stopping early leaves the weeks and the streak as they are in
// the whole record as long as through is in the latest closed week or
// later: a closed week's standing does not depend on the weeks after it.
func (a *accounting) host(ctx context.Context, st HostData, ws WorkspaceRef, h Host, now, through time.Time) (HostRecord, error) {
	s := a.span(h, now)
	logs, err := st.LogsOf(ctx, ws, h.UserID, s.first.Start, s.current.End)
	if err != nil {
		return HostRecord{}, err
	}
	return a.record(ctx, st, ws, &h, &s, a.between(s.first, a.lastWeek(s, through)), countedLogs(a.c, logs), logs, now)
}

// lastWeek is the last week host accounts: s.current, or the week of through
// when that is earlier (but not before s.first).
func (a *accounting) lastWeek(s recordSpan, through time.Time) Week {
	last := s.current
	if !through.IsZero() && through.Before(last.Start) {
		last = a.weekOf(through)
		if last.Start.Before(s.first.Start) {
			last = s.first
		}
	}
	return last
}

// record accounts weeks (consecutive, within s) from the host's logs
// read for them: counted, the ones that count, by Start, and logs, all of
// them (the open week's schedule reads them). Schedules, and the Spaces
// the host scheduled on X, are read only if a week is still open: the
// week containing now.
func (a *accounting) record(ctx context.Context, st HostData, ws WorkspaceRef, h *Host, s *recordSpan, weeks []Week, counted, logs []SpaceLog, now time.Time) (HostRecord, error) {
	var schedules []Schedule
	var onX []SeenSpace
	if len(weeks) > 0 && now.Before(weeks[len(weeks)-1].End) {
		var err error
		if schedules, err = st.SchedulesOf(ctx, ws, h.UserID); err != nil {
			return HostRecord{}, err
		}
		if onX, err = scheduledOnX(ctx, st, ws, h.UserID, s.current.Start, s.current.End); err != nil {
			return HostRecord{}, err
		}
	}
	rec := HostRecord{Host: *h, Weeks: a.newWeeks(len(weeks))}
	// The first open week's Upcoming go in a.upcoming; any other's in
	// their own slice.
	upcoming := a.upcoming
	i := 0 // counted[i:] started at or after the week's start
	for k, w := range weeks {
		for i < len(counted) && counted[i].Start.Before(w.Start) {
			i++
		}
		j := i
		for j < len(counted) && counted[j].Start.Before(w.End) {
			j++
		}
		var own []SpaceLog
		if j > i {
			own = counted[i:j:j]
		}
		rec.Weeks[k] = accountWeek(&a.c, h, w, own, logs, schedules, onX, now, upcoming)
		if rec.Weeks[k].Upcoming != nil {
			upcoming = nil
		}
		i = j
	}
	if s.notOwed {
		rec.Weeks[0].Standing = NotCounted
	}
	rec.Streak = streak(rec.Weeks, now)
	return rec, nil
}

// streak counts the closed weeks met or excused, back from the latest;
// the open week and weeks not owed neither make nor break it.
func streak(weeks []HostWeek, now time.Time) int {
	n := 0
	for i := len(weeks) - 1; i >= 0; i-- {
		if weeks[i].Week.End.After(now) || !weeks[i].Standing.Owed() {
			continue
		}
		if !weeks[i].Standing.Counts() {
			break
		}
		n++
	}
	return n
}

// accountWeek builds one HostWeek from the logs that count in it (own),
// and the host's logs, schedules and Spaces scheduled on X. Its Upcoming
// go in *upcoming, if set, which keeps what they grew to.
func accountWeek(c *Cohort, h *Host, w Week, own, logs []SpaceLog, schedules []Schedule, onX []SeenSpace, now time.Time, upcoming *[]Occurrence) HostWeek {
	hw := HostWeek{Week: w, Quota: c.Quota, Logs: own}
	if len(h.Excused) > 0 {
		hw.Excuse = h.Excused[w.StartDate.String()]
	}
	if now.Before(w.End) {
		var buf []Occurrence
		if upcoming != nil {
			buf = *upcoming
		}
		hw.Upcoming = pendingInto(buf, schedules, logs, now, w)
		if x := xUpcoming(onX, schedules, logs, now, w); len(x) > 0 {
			hw.Upcoming = append(hw.Upcoming, x...)
			sortOccurrences(hw.Upcoming)
		}
		if upcoming != nil && cap(hw.Upcoming) > cap(buf) {
			*upcoming = hw.Upcoming[:0]
		}
	}
	switch h.Presence(*c, w) {
	case NoWeek:
		hw.Standing, hw.Excuse = NotMember, ""
	case PartWeek:
		hw.Standing, hw.Excuse = LeftMidWeek, ""
		if h.MemberAt(*c, w.End.Add(-time.Nanosecond)) {
			hw.Standing = NotCounted // still a member at the end: joined late
		}
	default:
		lastCall := time.Duration(c.LastCallHours) * time.Hour
		hw.Standing = Assess(c.Quota, len(hw.Logs), len(hw.Upcoming), hw.Excuse != "", w.End.Sub(now), lastCall)
	}
	return hw
}

// pending returns the week's occurrences that still count as scheduled at
// now: not logged, and not over by more than NudgeAfter (a Space on air, or
// just ended, may still be logged), in time order.
func pending(schedules []Schedule, logs []SpaceLog, now time.Time, w Week) []Occurrence {
	return pendingInto(nil, schedules, logs, now, w)
}

// pendingInto is pending, in buf's array if it has room (nil: a new
// one); nil if none is pending.
func pendingInto(buf []Occurrence, schedules []Schedule, logs []SpaceLog, now time.Time, w Week) []Occurrence {
	out := buf[:0]
	for i := range schedules {
		s := &schedules[i]
		starts := s.Occurrences(w.Start, w.End)
		for _, t := range starts {
			o := Occurrence{Schedule: *s, Start: t}
			if _, logged := OccurrenceLog(logs, o); !logged && o.End().Add(NudgeAfter).After(now) {
				if out == nil {
					out = make([]Occurrence, 0, len(starts)*len(schedules))
				}
				out = append(out, o)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	sortOccurrences(out)
	return out
}
