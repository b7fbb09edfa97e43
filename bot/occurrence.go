package bot

import (
	"context"
	"time"
)

// How logs and scheduled occurrences meet. A log is attached to at most one
// occurrence (ScheduleID and Occurrence set), and an occurrence counts as
// logged when a log is attached to it: one rule, used by /spaces log, the
// "I hosted it" button, the nudge and the week's accounting.
const (
	// NudgeAfter is how long after a scheduled Space ends it still counts
	// as scheduled; then, if nothing logged it, the host is nudged.
	NudgeAfter = 30 * time.Minute
	// lateLogWindow is how long after a scheduled Space ends a log made
	// without at: is still taken to be that Space.
	lateLogWindow = 6 * time.Hour
	// atTolerance is how close to a scheduled start a log's at: must be for
	// the log to be taken as that Space.
	atTolerance = 15 * time.Minute
	// nearSlack is how far outside an occurrence an unattached log may
	// start and still keep the occurrence from being logged again (a Space
	// logged with an at: that missed the schedule by more than atTolerance).
	nearSlack = time.Hour
	// maxSpaceLength bounds a scheduled Space (the duration option's max).
	maxSpaceLength = 12 * time.Hour
)

// End is when the occurrence is scheduled to end.
func (o Occurrence) End() time.Time { return o.Start.Add(o.Schedule.Duration) }

// attachedTo reports whether l is the log of the occurrence.
func (l SpaceLog) attachedTo(o Occurrence) bool {
	return l.ScheduleID == o.Schedule.ID && l.Occurrence.Equal(o.Start)
}

// OccurrenceLog returns the log that stands for the occurrence: the one
// attached to it, else an unattached log that started during it (give or
// take nearSlack), which is then taken to be it.
func OccurrenceLog(logs []SpaceLog, o Occurrence) (SpaceLog, bool) {
	for _, l := range logs {
		if l.attachedTo(o) {
			return l, true
		}
	}
	for _, l := range logs {
		if l.ScheduleID == 0 && !l.Start.Before(o.Start.Add(-nearSlack)) && !l.Start.After(o.End().Add(nearSlack)) {
			return l, true
		}
	}
	return SpaceLog{}, false
}

// occurrenceLogs loads the user's logs that could stand for an occurrence
// starting at start.
func occurrenceLogs(ctx context.Context, st HostData, ws WorkspaceRef, userID string, start time.Time) ([]SpaceLog, error) {
	return st.LogsOf(ctx, ws, userID, start.Add(-nearSlack), start.Add(maxSpaceLength+nearSlack+time.Nanosecond))
}

// LoggedOccurrence reports whether the user's occurrence of s at start is
// logged. The scheduler asks before nudging.
func LoggedOccurrence(ctx context.Context, st HostData, ws WorkspaceRef, s Schedule, start time.Time) (bool, error) {
	logs, err := occurrenceLogs(ctx, st, ws, s.UserID, start)
	if err != nil {
		return false, err
	}
	_, ok := OccurrenceLog(logs, Occurrence{Schedule: s, Start: start})
	return ok, nil
}

// matchOccurrence finds the scheduled occurrence a new log stands for: with
// at:, one starting within atTolerance of it; without, the latest one that
// started before now and ended less than lateLogWindow ago.
func matchOccurrence(schedules []Schedule, start time.Time, typed bool) (Occurrence, bool) {
	var best Occurrence
	found := false
	for _, s := range schedules {
		from, to := start.Add(-atTolerance), start.Add(atTolerance+time.Nanosecond)
		if !typed {
			from, to = start.Add(-s.Duration-lateLogWindow), start.Add(time.Nanosecond)
		}
		for _, t := range s.Occurrences(from, to) {
			o := Occurrence{Schedule: s, Start: t}
			if !found || closer(o.Start, best.Start, start, typed) {
				best, found = o, true
			}
		}
	}
	return best, found
}

// closer reports whether a is a better match than b for a log at t: the
// nearest start with at:, the latest start without.
func closer(a, b, t time.Time, typed bool) bool {
	if !typed {
		return a.After(b)
	}
	return absDuration(a.Sub(t)) < absDuration(b.Sub(t))
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
