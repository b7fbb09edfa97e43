package bot

import (
	"context"
	"sort"
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
func (l *SpaceLog) attachedTo(o Occurrence) bool {
	return l.ScheduleID == o.Schedule.ID && l.Occurrence.Equal(o.Start)
}

// OccurrenceLog returns the log that stands for the occurrence: the one
// attached to it, else an unattached log that started during it (from
// atTolerance before it to nearSlack after its end), which is then taken to
// be it. An unattached log started earlier than atTolerance before an
// occurrence is another Space: it never speaks for the next one.
func OccurrenceLog(logs []SpaceLog, o Occurrence) (SpaceLog, bool) {
	for i := range logs { // by index: a log is 176 bytes to copy
		if logs[i].attachedTo(o) {
			return logs[i], true
		}
	}
	from, to := o.Start.Add(-atTolerance), o.End().Add(nearSlack)
	for i := range logs {
		if l := &logs[i]; l.ScheduleID == 0 && !l.Start.Before(from) && !l.Start.After(to) {
			return *l, true
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

// candidateOccurrences are the scheduled occurrences a new log starting at
// start may stand for, best first. With at:, those starting within
// atTolerance of it, nearest first. Without (start is now), those that
// started and ended less than lateLogWindow ago: the ones already over,
// latest first, before any still on air, since a host logs a Space once
// it is over.
func candidateOccurrences(schedules []Schedule, start time.Time, typed bool) []Occurrence {
	var out []Occurrence
	for _, s := range schedules {
		from, to := start.Add(-atTolerance), start.Add(atTolerance+time.Nanosecond)
		if !typed {
			from, to = start.Add(-s.Duration-lateLogWindow), start.Add(time.Nanosecond)
		}
		for _, t := range s.Occurrences(from, to) {
			out = append(out, Occurrence{Schedule: s, Start: t})
		}
	}
	rank := func(o Occurrence) (bool, time.Duration) {
		if typed {
			return false, absDuration(o.Start.Sub(start))
		}
		return o.End().After(start), start.Sub(o.Start) // over first, then latest
	}
	sort.SliceStable(out, func(i, j int) bool {
		oi, di := rank(out[i])
		oj, dj := rank(out[j])
		if oi != oj {
			return !oi
		}
		return di < dj
	})
	return out
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
