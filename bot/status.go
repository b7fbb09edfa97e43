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
// week or month covers whoever was a member then.
func AccountMembers(ctx context.Context, st Store, ws WorkspaceRef, c Cohort, from, to, now time.Time) ([]HostRecord, error) {
	hosts, err := st.Hosts(ctx, ws)
	if err != nil {
		return nil, err
	}
	var out []HostRecord
	for _, h := range hosts {
		if !h.MemberDuring(c, from, to) {
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

// firstWeek is where a host's record starts: the week they first joined
// the cohort in, or its first week if they joined before it began; ok is
// false if they never were a member.
func firstWeek(c Cohort, h Host) (w Week, ok bool) {
	joined, ok := h.firstJoined(c)
	first := c.FirstWeek()
	if !ok || joined.Before(first.Start) {
		return first, ok
	}
	return c.WeekOf(joined), true
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
	current := c.WeekOf(now)
	if last := c.LastWeek(); current.Start.After(last.Start) {
		current = last
	}
	first, member := firstWeek(c, h)
	notOwed := !member || first.Start.After(current.Start)
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
	onX, err := scheduledOnX(ctx, st, ws, h.UserID, current.Start, current.End)
	if err != nil {
		return HostRecord{}, err
	}
	rec := HostRecord{Host: h}
	for w := first; !w.Start.After(current.Start); w = w.Next() {
		rec.Weeks = append(rec.Weeks, accountWeek(c, h, w, logs, schedules, onX, now))
	}
	if notOwed {
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

// accountWeek builds one HostWeek from the host's logs and schedules.
func accountWeek(c Cohort, h Host, w Week, logs []SpaceLog, schedules []Schedule, onX []SeenSpace, now time.Time) HostWeek {
	hw := HostWeek{Week: w, Quota: c.Quota, Excuse: h.Excused[w.StartDate.String()]}
	for _, l := range countedLogs(c, logs) {
		if w.Contains(l.Start) {
			hw.Logs = append(hw.Logs, l)
		}
	}
	if now.Before(w.End) {
		hw.Upcoming = pending(schedules, logs, now, w)
		if x := xUpcoming(onX, schedules, logs, now, w); len(x) > 0 {
			hw.Upcoming = append(hw.Upcoming, x...)
			sortOccurrences(hw.Upcoming)
		}
	}
	switch h.Presence(c, w) {
	case NoWeek:
		hw.Standing, hw.Excuse = NotMember, ""
	case PartWeek:
		hw.Standing, hw.Excuse = LeftMidWeek, ""
		if h.MemberAt(c, w.End.Add(-time.Nanosecond)) {
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
