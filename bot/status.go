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
	// NotCounted is the week a host joined too late in to owe it.
	NotCounted
)

var standingNames = [...]string{
	OnTrack: "on track", OnPace: "on pace", AtRisk: "at risk", LastCall: "last call",
	Met: "met", Missed: "missed", Excused: "excused", NotCounted: "not counted (joined mid-week)",
}

func (s Standing) String() string { return standingNames[s] }

// Counts reports whether the week counts as met for streaks and stipends.
func (s Standing) Counts() bool { return s == Met || s == Excused }

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

// AccountMembers accounts for every current member of the cohort at now,
// by user id.
func AccountMembers(ctx context.Context, st Store, ws WorkspaceRef, c Cohort, now time.Time) ([]HostRecord, error) {
	hosts, err := st.Hosts(ctx, ws)
	if err != nil {
		return nil, err
	}
	var out []HostRecord
	for _, h := range hosts {
		if !h.Member {
			continue
		}
		rec, err := AccountHost(ctx, st, ws, c, h, now)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// firstWeek is where a host's record starts: the later of the cohort's first
// week and the week the host joined.
//
// A host who joins more than joinedEarly into a week starts with the next
// one: they could not be held to a whole week's quota.
func firstWeek(c Cohort, h Host) Week {
	first := c.FirstWeek()
	if h.JoinedAt.IsZero() {
		return first
	}
	joined := c.WeekOf(h.JoinedAt)
	if joined.Start.Before(first.Start) {
		return first // joined before the cohort started
	}
	if h.JoinedAt.Sub(joined.Start) > joinedEarly {
		return joined.Next()
	}
	return joined
}

// joinedEarly is how far into a week a host may join and still owe it.
const joinedEarly = 24 * time.Hour

// lastWeek is the cohort's last week.
func lastWeek(c Cohort) Week { return c.WeekOf(c.EndsAt().Add(-time.Nanosecond)) }

// HostData is what AccountHost reads.
type HostData interface {
	LogsOf(ctx context.Context, ws WorkspaceRef, userID string, from, to time.Time) ([]SpaceLog, error)
	SchedulesOf(ctx context.Context, ws WorkspaceRef, userID string) ([]Schedule, error)
}

func (r *Router) hostRecord(ctx context.Context, ws WorkspaceRef, c Cohort, h Host, now time.Time) (HostRecord, error) {
	return AccountHost(ctx, r.store, ws, c, h, now)
}

// AccountHost loads h's logs and schedules once and accounts for every week
// from the host's first week through the week containing now (or just the
// week containing now, before the host's first week; or through the
// cohort's last week, once it has ended).
func AccountHost(ctx context.Context, st HostData, ws WorkspaceRef, c Cohort, h Host, now time.Time) (HostRecord, error) {
	current := c.WeekOf(now)
	if last := lastWeek(c); current.Start.After(last.Start) {
		current = last
	}
	first := firstWeek(c, h)
	notOwed := first.Start.After(current.Start)
	if notOwed {
		first = current
	}
	logs, err := st.LogsOf(ctx, ws, h.UserID, first.Start, current.End)
	if err != nil {
		return HostRecord{}, err
	}
	schedules, err := st.SchedulesOf(ctx, ws, h.UserID)
	if err != nil {
		return HostRecord{}, err
	}
	rec := HostRecord{Host: h}
	for w := first; !w.Start.After(current.Start); w = w.Next() {
		rec.Weeks = append(rec.Weeks, accountWeek(c, h, w, logs, schedules, now))
	}
	if notOwed {
		rec.Weeks[0].Standing = NotCounted
	}
	for i := len(rec.Weeks) - 1; i >= 0; i-- {
		if rec.Weeks[i].Week.End.After(now) {
			continue // the open week neither makes nor breaks a streak
		}
		if !rec.Weeks[i].Standing.Counts() {
			break
		}
		rec.Streak++
	}
	return rec, nil
}

// accountWeek builds one HostWeek from the host's logs and schedules.
func accountWeek(c Cohort, h Host, w Week, logs []SpaceLog, schedules []Schedule, now time.Time) HostWeek {
	hw := HostWeek{Week: w, Quota: c.Quota, Excuse: h.Excused[w.StartDate.String()]}
	for _, l := range countedLogs(c, logs) {
		if w.Contains(l.Start) {
			hw.Logs = append(hw.Logs, l)
		}
	}
	if now.Before(w.End) {
		hw.Upcoming = pending(schedules, logs, now, w)
	}
	lastCall := time.Duration(c.LastCallHours) * time.Hour
	hw.Standing = Assess(c.Quota, len(hw.Logs), len(hw.Upcoming), hw.Excuse != "", w.End.Sub(now), lastCall)
	return hw
}

// pending returns the week's occurrences that still count as scheduled at
// now: not logged, and not over by more than NudgeAfter (a Space on air, or
// just ended, may still be logged), in time order.
func pending(schedules []Schedule, logs []SpaceLog, now time.Time, w Week) []Occurrence {
	var out []Occurrence
	for _, s := range schedules {
		for _, t := range s.Occurrences(w.Start, w.End) {
			o := Occurrence{Schedule: s, Start: t}
			if _, logged := OccurrenceLog(logs, o); !logged && o.End().Add(NudgeAfter).After(now) {
				out = append(out, o)
			}
		}
	}
	sortOccurrences(out)
	return out
}
