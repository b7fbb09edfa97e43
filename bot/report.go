package bot

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

func (r *Router) spacesStatus(ctx context.Context, c *Call) (Response, error) {
	co, h, err := r.member(ctx, c)
	if err != nil {
		return Response{}, err
	}
	now := r.clock.Now()
	loc := h.Location(co, c.UserZone)
	resp := Response{Ephemeral: true}
	if first := co.FirstWeek(); now.Before(first.Start) {
		resp.Addf("%s starts %s (%s).", UserText(co.Name), At(first.Start, loc, TimeFull), At(first.Start, loc, TimeRelative))
		return resp, nil
	}
	rec, err := r.hostRecord(ctx, c.Workspace, co, h, now)
	if err != nil {
		return Response{}, err
	}
	if end := co.EndsAt(); !now.Before(end) {
		var t Tally
		for _, w := range rec.Weeks {
			t.add(co, w)
		}
		resp.Addf("%s ended %s. You met %d of %s that counted (streak at the end: %s). See /spaces history.",
			UserText(co.Name), At(end, loc, TimeDate), t.Met+t.Excused, plural(t.Counted, "week"), plural(rec.Streak, "week"))
		return resp, nil
	}
	cur := rec.Current()
	if cur.Standing == NotCounted {
		resp.Addf("You joined this week, so it does not count; your first counted week starts %s.", At(cur.Week.End, loc, TimeFull))
	}
	resp.Section(fmt.Sprintf("This week: %d of %d — %s", len(cur.Logs), cur.Quota, cur.Standing))
	if cur.Excuse != "" {
		resp.Addf("Excused: %s", UserText(cur.Excuse))
	}
	for _, l := range cur.Logs {
		resp.Add(append(Linef("✓ %s%s, %s", displayID(l), titleSuffix(l.Title), At(l.Start, loc, TimeFull)), howKnown(l)...))
	}
	for _, o := range cur.Upcoming {
		resp.Add(append(Linef("◷ %s, %s (%s)", UserText(o.Schedule.Title), At(o.Start, loc, TimeFull), At(o.Start, loc, TimeRelative)), upcomingNote(o)...))
	}
	resp.Addf("Week ends %s (%s left). Streak: %s met.", At(cur.Week.End, loc, TimeFull), HumanDuration(cur.Week.End.Sub(now)), plural(rec.Streak, "week"))
	if hint := standingHint(cur); hint != "" {
		resp.Addf("%s", hint)
	}
	return resp, nil
}

// standingHint says what to do about an open week.
func standingHint(hw HostWeek) string {
	need := hw.Quota - len(hw.Logs)
	switch hw.Standing {
	case AtRisk, LastCall:
		return fmt.Sprintf("You need %s this week. Host one and /spaces log it, or schedule one with /spaces schedule add.", more(need))
	case OnPace:
		return fmt.Sprintf("%s to go; you have enough scheduled.", more(need))
	}
	return ""
}

func (r *Router) spacesHistory(ctx context.Context, c *Call) (Response, error) {
	co, h, err := r.pastMember(ctx, c)
	if err != nil {
		return Response{}, err
	}
	limit := 4
	if c.Has("weeks") {
		limit = optionValue[int](c, "weeks")
	}
	rec, err := r.hostRecord(ctx, c.Workspace, co, h, r.clock.Now())
	if err != nil {
		return Response{}, err
	}
	resp := Response{Ephemeral: true}
	resp.Section(fmt.Sprintf("Your past weeks (streak: %s)", plural(rec.Streak, "week")))
	var closed []HostWeek
	for _, w := range rec.Weeks {
		if !w.Week.End.After(r.clock.Now()) {
			closed = append(closed, w)
		}
	}
	if len(closed) == 0 {
		resp.Addf("No closed weeks yet.")
		return resp, nil
	}
	for i := len(closed) - 1; i >= 0 && i >= len(closed)-limit; i-- {
		w := closed[i]
		if w.Standing == NotMember {
			resp.Addf("Week %d (from %s): %s", co.WeekNumber(w.Week.Start), w.Week.StartDate, w.Standing)
			continue
		}
		line := Linef("Week %d (from %s): %d of %d — %s", co.WeekNumber(w.Week.Start), w.Week.StartDate, len(w.Logs), w.Quota, w.Standing)
		if w.Excuse != "" {
			line = append(line, Linef(" (%s)", UserText(w.Excuse))...)
		}
		resp.Add(line)
		if err := r.addWeekLogs(ctx, c.Workspace, co, h, w, &resp.Message); err != nil {
			return Response{}, err
		}
	}
	return resp, nil
}

// rowHost is what a report row shows of its host: 100,000 rows keep
// these rather than each a whole Host (the rows' growth and copies were a
// fifth of the digest's CPU).
type rowHost struct{ UserID, Name string }

func rowHostOf(h Host) rowHost { return rowHost{h.UserID, h.Name} }

// hostRow is one host's line in a staff report: their week and streak.
type hostRow struct {
	host   rowHost
	week   HostWeek
	streak int
}

func (r *Router) cohortReport(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohortOption(ctx, c)
	if err != nil {
		return Response{}, err
	}
	now := r.clock.Now()
	week := co.clampWeek(co.WeekOf(now))
	if c.Has("week") {
		if week, err = co.weekOfDate("week", optionValue[Date](c, "week")); err != nil {
			return Response{}, err
		}
	}
	// Account as of the week's end (or now, for the open week), so a past
	// week reads as it closed.
	asOf := now
	if week.End.Before(now) {
		asOf = week.End
	}
	rep, err := r.weekReport(ctx, c.Workspace, co, week, asOf)
	if err != nil {
		return Response{}, err
	}
	resp := Response{Ephemeral: true}
	resp.FieldSection(fmt.Sprintf("%s — week %d, from %s", co.Name, co.WeekNumber(week.Start), week.StartDate))
	addHostRows(&resp.Message, sortRows(&rep.rows))
	addRevisions(&resp, rep.revisions)
	rep.overlaps.render(&resp.Message)
	if err := r.addXProblems(ctx, c.Workspace, co, &resp.Message); err != nil {
		return Response{}, err
	}
	return r.addFailures(ctx, c.Workspace, &resp, week)
}

// weekReport is what /cohort report shows of its week's hosts: their
// rows, each issued stipend month's rows revised since, and the week's
// overlapping logs.
type weekReport struct {
	rows      reportRows[hostRow]
	revisions []StipendIssue
	overlaps  *weekOverlaps
}

// weekReport gathers the report of week, accounted as of asOf (stipend
// months as of now), in one pass over the store.
func (r *Router) weekReport(ctx context.Context, ws WorkspaceRef, co Cohort, week Week, asOf time.Time) (weekReport, error) {
	now := r.clock.Now()
	issues, err := r.store.IssuedStipends(ctx, ws, co.ID)
	if err != nil {
		return weekReport{}, err
	}
	p := newMemberPass(co)
	p.acc.reusing() // each record is done with (its week's row, a stipend row) before the next
	p.asOf(asOf, week.Start)
	months := make([]*monthRows, len(issues))
	for i, is := range issues {
		if mr, ok := newMonthRows(co, is.Month, now); ok {
			p.asOf(mr.asOf, mr.last.Start)
			months[i] = mr
		}
	}
	rep := weekReport{overlaps: newWeekOverlaps(co, week)}
	p.reads(rep.overlaps.from, week.End)
	err = p.run(ctx, r.store, ws, func(h Host, data HostData) error {
		if h.MemberDuring(co, week.Start, week.End) {
			rec, err := p.acc.host(ctx, data, ws, h, asOf, week.Start)
			if err != nil {
				return err
			}
			if hw, ok := rec.WeekStarting(week.Start); ok && hw.Standing != NotMember { // as Roster
				hw.Logs = slices.Clone(hw.Logs) // keep the week's logs, not the record's
				hw.Upcoming = nil               // the record's (reusing); the row shows the standing they made
				rep.rows.add(hostRow{rowHostOf(rec.Host), hw, rec.Streak})
			}
		}
		for _, mr := range months {
			if mr != nil {
				if err := mr.add(ctx, p.acc, ws, h, data); err != nil {
					return err
				}
			}
		}
		return rep.overlaps.add(ctx, ws, h.UserID, data)
	})
	rep.revisions = revisedIssues(co, issues, months)
	return rep, err
}

// sortRows orders rows who needs attention first, then by name (Roster's
// order).
func sortRows(rows *reportRows[hostRow]) []hostRow {
	return rows.sorted(func(a, b *hostRow) int {
		if a, b := a.week.Standing.Urgency(), b.week.Standing.Urgency(); a != b {
			return a - b
		}
		return strings.Compare(a.host.Name, b.host.Name)
	})
}

func addHostRows(m *Message, rows []hostRow) {
	if len(rows) == 0 {
		m.Addf("No hosts in this week.")
	}
	m.Add(linesOf(len(rows), func(i int) Line {
		row := &rows[i]
		line := Linef("%s: %d of %d%s — %s, streak %d", UserRef(row.host.UserID),
			len(row.week.Logs), row.week.Quota, provenanceNote(row.week.Logs), row.week.Standing, row.streak)
		if row.week.Excuse != "" {
			line = append(line, Linef(" (excused: %s)", UserText(row.week.Excuse))...)
		}
		return line
	})...)
}

// addRevisions appends the rows of issued stipend reports that a later
// backfill, excuse or removal changed (revisedIssues), so staff can
// settle them.
func addRevisions(resp *Response, revs []StipendIssue) {
	if len(revs) == 0 {
		return
	}
	resp.Section("Stipend reports revised since issued")
	for _, is := range revs {
		for _, row := range is.Rows {
			resp.Addf("%s, %s: revised — %s", is.Month.Name(), UserRef(row.UserID), strings.Join(row.Revised, ", "))
		}
	}
}

// addFailures appends the deliveries that failed for good since week began, so
// staff can fix them (a host with DMs closed, the bot missing from a channel).
func (r *Router) addFailures(ctx context.Context, ws WorkspaceRef, resp *Response, week Week) (Response, error) {
	failures, err := r.store.Failures(ctx, ws, week.Start)
	if err != nil {
		return Response{}, err
	}
	if len(failures) == 0 {
		return *resp, nil
	}
	resp.Section("Deliveries that failed")
	for _, f := range failures {
		target := ChannelRef(f.Channel)
		switch {
		case f.UserID != "":
			target = UserRef(f.UserID)
		case f.Channel == "": // an announcement to every host, expired
			target = Text("every host")
		}
		resp.Addf("%s to %s, %s: %s", f.Kind, target, At(f.At, nil, TimeFull), UserText(f.Reason))
	}
	return *resp, nil
}

// leaderRow is one host's tally in a period.
type leaderRow struct {
	userID    string
	spaces    int
	listeners int
	verified  int // listeners of Spaces verified by X: peaks X counted (spotlight.go)
}

func (r *Router) spacesLeaderboard(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	week := co.WeekOf(r.clock.Now())
	// The month is the one this week ends in, counted in whole weeks.
	first, last := monthWeeks(week)
	resp := Response{}
	for _, period := range []struct {
		title    string
		from, to time.Time
	}{
		{"This week", week.Start, week.End},
		{"This month (" + MonthOf(week).Month.String() + ")", first.Start, last.End},
	} {
		logs, err := CountedSpaces(ctx, r.store, c.Workspace, co, period.from, period.to)
		if err != nil {
			return Response{}, err
		}
		resp.Section(period.title)
		addLeaderboard(&resp.Message, tally(logs))
	}
	return resp, nil
}

// tally sums the counted logs of a period (CountedSpaces) by host.
func tally(logs []SpaceLog) []leaderRow {
	byUser := map[string]*leaderRow{}
	var rows []*leaderRow
	for _, l := range logs {
		row := byUser[l.UserID]
		if row == nil {
			row = &leaderRow{userID: l.UserID}
			byUser[l.UserID] = row
			rows = append(rows, row)
		}
		row.spaces++
		row.listeners += l.Listeners
		if l.Provenance.Verified() {
			row.verified += l.Listeners
		}
	}
	out := make([]leaderRow, len(rows))
	for i, r := range rows {
		out[i] = *r
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].verified != out[j].verified { // verified peak listeners first
			return out[i].verified > out[j].verified
		}
		if out[i].spaces != out[j].spaces {
			return out[i].spaces > out[j].spaces
		}
		if out[i].listeners != out[j].listeners {
			return out[i].listeners > out[j].listeners
		}
		return out[i].userID < out[j].userID
	})
	return out
}

// addLeaderboard lists every row, ranked: it is a staff view, and the
// adapters split a long message within the platforms' limits.
func addLeaderboard(m *Message, rows []leaderRow) {
	if len(rows) == 0 {
		m.Addf("No Spaces logged yet.")
		return
	}
	for i, row := range rows {
		m.Add(append(Linef("%d. %s — %s, %s listeners", i+1, UserRef(row.userID), plural(row.spaces, "Space"), thousands(row.listeners)), verifiedNote(row)...))
	}
}
