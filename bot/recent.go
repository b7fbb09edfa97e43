package bot

import (
	"context"
	"time"
)

// The quota rules about now look back a bounded time: the warning of a
// missed week goes for a week that closed less than MissedLookBack ago,
// and staff's alert of two missed weeks in a row for a run whose second
// week closed less than AlertLookBack ago. So what a log changes, and what
// the scheduler checks, is decided by the last few weeks of a host's
// record, however long the cohort: AccountRecent accounts only those.

const (
	// MissedLookBack is how long after a missed week closed its warning
	// may still be planned.
	MissedLookBack = 7 * 24 * time.Hour
	// AlertLookBack is how long after a run's second missed week closed
	// its staff alert may still be planned: longer than any outage worth
	// catching up, and shorter than outcomes are kept (the scheduler
	// prunes them after its horizon and 30 days), so a sent alert's key is
	// remembered for as long as it could be planned again.
	AlertLookBack = 28 * 24 * time.Hour
)

// RecentAccount is a host's account of the weeks the quota rules about Now
// look at (AccountRecent).
type RecentAccount struct {
	Cohort Cohort
	Now    time.Time
	// Record holds the host and their weeks from the first the rules (or
	// the caller) asked for through the week containing Now, each as
	// AccountHost has it. Its Streak counts only these weeks.
	Record HostRecord
}

// AccountRecent is AccountHost for the weeks from the one containing since,
// or the one containing Now-AlertLookBack if that is earlier, through the
// week containing now; and before them, so that a run of missed weeks in
// the record is whole, the host's owed weeks back to one they met or were
// excused (or to their first). It reads the logs of those weeks and the
// day or two before (to count each Space once as the whole record does),
// not the host's whole cohort; each week it returns is exactly the whole
// record's.
func AccountRecent(ctx context.Context, st HostData, ws WorkspaceRef, c Cohort, h Host, now, since time.Time) (RecentAccount, error) {
	a := newAccounting(c)
	s := a.span(h, now)
	head := s.first
	if t := since; !s.notOwed {
		if back := now.Add(-AlertLookBack); back.Before(t) {
			t = back
		}
		if t.After(s.first.Start) {
			head = earlierWeek(a.weekOf(t), s.current)
		}
	}
	for {
		prev, ok := a.owedBefore(h, s, head)
		if !ok {
			return a.recent(ctx, st, ws, &h, &s, head, now)
		}
		acct, err := a.recent(ctx, st, ws, &h, &s, prev, now)
		if err != nil || acct.Record.Weeks[0].Standing != Missed {
			return acct, err
		}
		head = prev // in a run of missed weeks: find where it starts
	}
}

// earlierWeek returns the earlier of two weeks of one grid.
func earlierWeek(a, b Week) Week {
	if b.Start.Before(a.Start) {
		return b
	}
	return a
}

// owedBefore returns the last week before head, in s, that h owed (was a
// member for whole); ok is false if there is none.
func (a *accounting) owedBefore(h Host, s recordSpan, head Week) (Week, bool) {
	for w := a.prev(head); !w.Start.Before(s.first.Start); w = a.prev(w) {
		if h.Presence(a.c, w) == WholeWeek {
			return w, true
		}
	}
	return Week{}, false
}

// recent accounts the weeks from head through s.current. It reads the
// host's logs from two days (twice the longest a log runs) before head,
// and counts each Space once as the whole record would (countedFrom);
// in the rare case it cannot tell from those logs, it reads all of them.
func (a *accounting) recent(ctx context.Context, st HostData, ws WorkspaceRef, h *Host, s *recordSpan, head Week, now time.Time) (RecentAccount, error) {
	gap := a.c.OverlapGap()
	read := head.Start.Add(-2 * max(maxLogMinutes*time.Minute, gap))
	if !read.After(s.first.Start) {
		read = s.first.Start
	}
	logs, err := st.LogsOf(ctx, ws, h.UserID, read, s.current.End)
	if err != nil {
		return RecentAccount{}, err
	}
	var counted []SpaceLog
	ok := read.Equal(s.first.Start) // all of them: count as the record does
	if ok {
		counted = countedLogs(a.c, logs)
	} else {
		counted, ok = countedFrom(logs, gap, read, head.Start)
	}
	if !ok {
		if logs, err = st.LogsOf(ctx, ws, h.UserID, s.first.Start, s.current.End); err != nil {
			return RecentAccount{}, err
		}
		counted = countedLogs(a.c, logs)
	}
	rec, err := a.record(ctx, st, ws, h, s, a.between(head, s.current), counted, logs, now)
	return RecentAccount{Cohort: a.c, Now: now, Record: rec}, err
}
