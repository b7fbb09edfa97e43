package bot

import (
	"sort"
	"time"
)

// What comes next for a host: their next scheduled Space and their next
// reminder DMs, as the dashboard shows them.

// NextOccurrence returns the earliest occurrence of schedules that starts
// at or after from, on an active date, if there is one within the
// schedules' search horizon (about 400 days).
func NextOccurrence(schedules []Schedule, from time.Time) (Occurrence, bool) {
	var best Occurrence
	found := false
	for _, s := range schedules {
		next := s.NextOccurrences(from, 1)
		if len(next) == 1 && (!found || next[0].Before(best.Start)) {
			best, found = Occurrence{Schedule: s, Start: next[0]}, true
		}
	}
	return best, found
}

// Reminder is one reminder DM: Lead before an occurrence.
type Reminder struct {
	Occurrence Occurrence
	Lead       time.Duration
}

// At is when the reminder is sent.
func (r Reminder) At() time.Time { return r.Occurrence.Start.Add(-r.Lead) }

// UpcomingReminders returns up to n of h's reminders due at or after now,
// in the order they are sent: one for each of h's lead times before each
// of schedules' occurrences on active dates before the cohort ends. A host
// with reminders off, or not a member, gets none.
func UpcomingReminders(co Cohort, h Host, schedules []Schedule, now time.Time, n int) []Reminder {
	if !h.MemberOf(co) || h.RemindersOff || n <= 0 {
		return nil
	}
	end := co.EndsAt()
	var out []Reminder
	for _, s := range schedules {
		for _, start := range occurrencesForReminders(s, h.LeadTimes(), now, n) {
			if !start.Before(end) {
				break
			}
			for _, lead := range h.LeadTimes() {
				if r := (Reminder{Occurrence{Schedule: s, Start: start}, lead}); !r.At().Before(now) {
					out = append(out, r)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := out[i].At(), out[j].At(); !a.Equal(b) {
			return a.Before(b)
		}
		return out[i].Occurrence.Schedule.ID < out[j].Occurrence.Schedule.ID
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// occurrencesForReminders returns enough of s's next occurrences to hold
// its n earliest reminders still to come: n whose every reminder is still
// to come, and the ones before them, some of whose reminders are past.
func occurrencesForReminders(s Schedule, leads []time.Duration, now time.Time, n int) []time.Time {
	longest := time.Duration(0)
	for _, lead := range leads {
		longest = max(longest, lead)
	}
	for m := n; ; m *= 2 {
		next := s.NextOccurrences(now, m)
		whole := 0
		for _, t := range next {
			if !t.Before(now.Add(longest)) {
				whole++
			}
		}
		if whole >= n || len(next) < m {
			return next
		}
	}
}
