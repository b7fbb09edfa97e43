package bot

import (
	"context"
	"errors"
	"time"
)

// CountStandings counts the members of every running cohort by where they
// stand in the week containing now (on track, on pace, at risk, last call,
// excused, not counted), for the operators' metrics.
func CountStandings(ctx context.Context, st Store, now time.Time) (map[Standing]int, error) {
	workspaces, err := st.Workspaces(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[Standing]int{}
	for _, ws := range workspaces {
		co, err := st.Cohort(ctx, ws) // the latest: only it can be running
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if co.WeekNumber(now) == 0 || !now.Before(co.EndsAt()) {
			continue // not running now
		}
		week := co.WeekOf(now)
		records, err := AccountMembers(ctx, st, ws, co, week.Start, week.End, now)
		if err != nil {
			return nil, err
		}
		for _, r := range records {
			if len(r.Weeks) > 0 {
				counts[r.Current().Standing]++
			}
		}
	}
	return counts, nil
}
