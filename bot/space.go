package bot

import (
	"context"
	"sort"
	"time"
)

// CountedSpaces returns the logs of the Spaces that count for co started in
// [from, to), by Start, each with its provenance: a Space counts for
// whoever was a member of co when they hosted it, and once, by the overlap
// rule (CountOnce over each host's logs, read from a day before from, the
// longest a log runs, so a log just before the period is weighed against
// those inside it). The leaderboard tallies these and the dashboard's
// Spaces page lists them, so the two never disagree.
func CountedSpaces(ctx context.Context, st Store, ws WorkspaceRef, co Cohort, from, to time.Time) ([]SpaceLog, error) {
	hosts, err := st.Hosts(ctx, ws)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]Host, len(hosts))
	for _, h := range hosts {
		byID[h.UserID] = h
	}
	back := max(maxLogMinutes*time.Minute, co.OverlapGap())
	logs, err := st.Logs(ctx, ws, from.Add(-back), to)
	if err != nil {
		return nil, err
	}
	var out []SpaceLog
	for _, l := range countedEach(co, logs) {
		if !l.Start.Before(from) && byID[l.UserID].MemberAt(co, l.Start) {
			out = append(out, l)
		}
	}
	return out, nil
}

// XScheduledSpaces returns the Spaces userID's host scheduled on X that
// start in [from, to), by start, as occurrences (SpaceID set; Schedule
// holds the title and the length X's Spaces are taken to run), leaving out
// those that are an occurrence of one of the host's schedules: the Spaces
// /spaces status counts as scheduled beside the registered ones, and the
// watcher reminds of.
func XScheduledSpaces(ctx context.Context, st HostData, ws WorkspaceRef, userID string, schedules []Schedule, from, to time.Time) ([]Occurrence, error) {
	seen, err := scheduledOnX(ctx, st, ws, userID, from, to)
	if err != nil {
		return nil, err
	}
	var out []Occurrence
	for _, sp := range seen {
		if !registeredNear(schedules, sp.ScheduledStart) {
			out = append(out, Occurrence{Schedule: Schedule{UserID: sp.UserID, Title: sp.Title, Duration: xScheduledLength},
				Start: sp.ScheduledStart, SpaceID: sp.ID})
		}
	}
	sortOccurrences(out)
	return out, nil
}

// TopSpaces returns up to n of logs with the most listeners, most first
// (ties in the order given), leaving out Spaces nobody is known to have
// listened to: the week's top Spaces.
func TopSpaces(logs []SpaceLog, n int) []SpaceLog {
	sorted := append([]SpaceLog(nil), logs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Listeners > sorted[j].Listeners })
	var out []SpaceLog
	for _, l := range sorted {
		if len(out) == n || l.Listeners == 0 {
			break
		}
		out = append(out, l)
	}
	return out
}
