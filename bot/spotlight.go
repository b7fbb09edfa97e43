package bot

import (
	"context"
	"sort"
	"time"
)

// Well-performing Spaces: the leaderboard ranks hosts by their verified
// peak listeners (the peaks X counted, summed over their Spaces verified
// by X), and /cohort spotlight gives staff the week's top Spaces verified
// by X, as candidates for promotion.

// maxSpotlight bounds the spotlight's list.
const maxSpotlight = 10

// verifiedNote is the end of a leaderboard row: its verified peak
// listeners, when X verified any of its Spaces.
func verifiedNote(row leaderRow) Line {
	if row.verified == 0 {
		return nil
	}
	return Linef(" (%s verified by X at peak)", thousands(row.verified))
}

func (r *Router) cohortSpotlight(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	week := co.clampWeek(co.WeekOf(r.clock.Now()))
	if c.Has("week") {
		if week, err = co.weekOfDate("week", optionValue[Date](c, "week")); err != nil {
			return Response{}, err
		}
	}
	logs, err := r.store.Logs(ctx, c.Workspace, week.Start, week.End)
	if err != nil {
		return Response{}, err
	}
	hosts, err := r.store.Hosts(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	handles := map[string]string{}
	for _, h := range hosts {
		handles[h.UserID] = h.Handle
	}
	top, others := spotlight(countedEach(co, logs))
	resp := Response{Ephemeral: true}
	resp.Section("Spotlight — " + co.Name + ", " + co.weekName(week))
	loc := co.Location()
	for i, l := range top {
		resp.Addf("%d. %s by %s (%s) — %s at peak, %s, %s", i+1, spaceName(l), UserRef(l.UserID), UserText("@"+handles[l.UserID]),
			countOf(l.Listeners, "listener"), HumanDuration(time.Duration(l.Minutes)*time.Minute), At(l.Start, loc, TimeFull))
	}
	if len(top) == 0 {
		resp.Addf("No Space of this week is verified by X yet.")
	}
	if others > 0 {
		resp.Note("%s of the week X did not verify, so their listeners are the hosts' word; they are not ranked here.", plural(others, "log"))
	}
	return resp, nil
}

// spotlight is the Spaces of logs verified by X, most listeners at peak
// first (then longest, then earliest), at most maxSpotlight of them, and
// how many logs X did not verify.
func spotlight(logs []SpaceLog) (top []SpaceLog, unverified int) {
	for _, l := range logs {
		if l.Provenance.Verified() {
			top = append(top, l)
		} else {
			unverified++
		}
	}
	sort.SliceStable(top, func(i, j int) bool {
		a, b := top[i], top[j]
		if a.Listeners != b.Listeners {
			return a.Listeners > b.Listeners
		}
		if a.Minutes != b.Minutes {
			return a.Minutes > b.Minutes
		}
		return a.Start.Before(b.Start)
	})
	if len(top) > maxSpotlight {
		top = top[:maxSpotlight]
	}
	return top, unverified
}
