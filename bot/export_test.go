package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The accounting as it was before logs and reports read less (issue 11):
// each account reads the host's whole record, and each week is counted
// from all of its logs; a report reads host by host, and /cohort report
// accounts again for each issued stipend month and reads the week's logs
// once more for overlaps. Tests compare today's accounting with it on
// random cohorts (account_test.go).

// NaiveAccountHost is AccountHost as it was.
func NaiveAccountHost(ctx context.Context, st HostData, ws WorkspaceRef, c Cohort, h Host, now time.Time) (HostRecord, error) {
	current := c.WeekOf(now)
	if last := c.LastWeek(); current.Start.After(last.Start) {
		current = last
	}
	first, member := naiveFirstWeek(c, h)
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
		rec.Weeks = append(rec.Weeks, naiveWeek(c, h, w, logs, schedules, onX, now))
	}
	if notOwed {
		rec.Weeks[0].Standing = NotCounted
	}
	rec.Streak = streak(rec.Weeks, now)
	return rec, nil
}

func naiveFirstWeek(c Cohort, h Host) (w Week, ok bool) {
	joined, ok := h.firstJoined(c)
	first := c.FirstWeek()
	if !ok || joined.Before(first.Start) {
		return first, ok
	}
	return c.WeekOf(joined), true
}

func naiveWeek(c Cohort, h Host, w Week, logs []SpaceLog, schedules []Schedule, onX []SeenSpace, now time.Time) HostWeek {
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
			hw.Standing = NotCounted
		}
	default:
		lastCall := time.Duration(c.LastCallHours) * time.Hour
		hw.Standing = Assess(c.Quota, len(hw.Logs), len(hw.Upcoming), hw.Excuse != "", w.End.Sub(now), lastCall)
	}
	return hw
}

// NaiveAccountMembers is AccountMembers as it was: host by host.
func NaiveAccountMembers(ctx context.Context, st Store, ws WorkspaceRef, c Cohort, from, to, now time.Time) ([]HostRecord, error) {
	hosts, err := st.Hosts(ctx, ws)
	if err != nil {
		return nil, err
	}
	var out []HostRecord
	for _, h := range hosts {
		if !h.MemberDuring(c, from, to) {
			continue
		}
		rec, err := NaiveAccountHost(ctx, st, ws, c, h, now)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// NaiveWeekDigest is WeekDigest as it was.
func NaiveWeekDigest(ctx context.Context, st Store, ws WorkspaceRef, co Cohort, w Week) (Message, error) {
	recs, err := NaiveAccountMembers(ctx, st, ws, co, w.Start, w.End, w.End)
	if err != nil {
		return Message{}, err
	}
	var rows []digestRow
	for _, rec := range recs {
		if hw, ok := rec.WeekStarting(w.Start); ok {
			rows = append(rows, digestRow{host: rowHostOf(rec.Host), week: hw, streak: rec.Streak})
		}
	}
	return naiveDigestMessage(co, w, rows), nil
}

// naiveDigestMessage is digestMessage as it was: by sorting every row and log.
func naiveDigestMessage(co Cohort, w Week, rows []digestRow) Message {
	var m Message
	m.FieldSection(fmt.Sprintf("Week %d digest — %s (from %s)", co.WeekNumber(w.Start), co.Name, w.StartDate))
	sort.SliceStable(rows, func(i, j int) bool {
		if a, b := len(rows[i].week.Logs), len(rows[j].week.Logs); a != b {
			return a > b
		}
		return rows[i].host.UserID < rows[j].host.UserID
	})
	var missed []Span
	var logs []SpaceLog
	for _, r := range rows {
		m.Addf("%s: %d of %d%s — %s", UserRef(r.host.UserID), len(r.week.Logs), r.week.Quota, provenanceNote(r.week.Logs), r.week.Standing)
		if r.week.Standing == Missed {
			missed = append(missed, UserRef(r.host.UserID))
		}
		logs = append(logs, r.week.Logs...)
	}
	if len(rows) == 0 {
		m.Addf("No hosts yet.")
		return m
	}
	m.Section("Highlights")
	m.Add(listLine("Missed: ", missed, "nobody 🎉"))
	m.Addf("Logs: %s", orNone(ProvenanceCounts(logs)))
	sorted := append([]digestRow(nil), rows...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].streak > sorted[j].streak })
	var spans []Span
	for i, r := range sorted {
		if i == digestTopN || r.streak == 0 {
			break
		}
		spans = append(spans, UserRef(r.host.UserID), Text(fmt.Sprintf(" (%d)", r.streak)))
	}
	m.Add(listLine("Streak leaders: ", spans, "none yet"))
	sort.SliceStable(logs, func(i, j int) bool { return logs[i].Listeners > logs[j].Listeners })
	for i, l := range logs {
		if i == digestTopN || l.Listeners == 0 {
			break
		}
		m.Addf("Top Space %d: %s by %s — %s listeners (%s)", i+1, UserText(titleOr(l)), UserRef(l.UserID), thousands(l.Listeners), l.Provenance)
	}
	return m
}

// NaiveStipendReport is StipendReport as it was.
func NaiveStipendReport(ctx context.Context, st Store, ws WorkspaceRef, co Cohort, m Month, now time.Time) ([]StipendRow, error) {
	weeks := co.WeeksOfMonth(m)
	if len(weeks) == 0 {
		return nil, nil
	}
	from, to := weeks[0].Start, weeks[len(weeks)-1].End
	asOf := to
	if now.Before(asOf) {
		asOf = now
	}
	recs, err := NaiveAccountMembers(ctx, st, ws, co, from, to, asOf)
	if err != nil {
		return nil, err
	}
	rows := make([]StipendRow, len(recs))
	for i, rec := range recs {
		rows[i] = stipendRow(co, m, rec, asOf)
	}
	return rows, nil
}

// NaiveCohortReport is /cohort report of week as it was, accounted as of
// asOf and its stipend revisions as of r's now.
func NaiveCohortReport(ctx context.Context, r *Router, ws WorkspaceRef, co Cohort, week Week, asOf time.Time) (Response, error) {
	recs, err := NaiveAccountMembers(ctx, r.store, ws, co, week.Start, week.End, asOf)
	if err != nil {
		return Response{}, err
	}
	resp := Response{Ephemeral: true}
	resp.FieldSection(fmt.Sprintf("%s — week %d, from %s", co.Name, co.WeekNumber(week.Start), week.StartDate))
	var rows []hostRow
	for _, r := range Roster(recs, week) {
		rows = append(rows, hostRow{rowHostOf(r.Record.Host), r.Week, r.Record.Streak})
	}
	addHostRows(&resp.Message, rows)
	issues, err := r.store.IssuedStipends(ctx, ws, co.ID)
	if err != nil {
		return Response{}, err
	}
	months := make([]*monthRows, len(issues))
	for i, is := range issues {
		rows, err := NaiveStipendReport(ctx, r.store, ws, co, is.Month, r.clock.Now())
		if err != nil {
			return Response{}, err
		}
		if rows != nil {
			months[i] = &monthRows{}
			for _, row := range rows {
				months[i].rows.add(row)
			}
		}
	}
	addRevisions(&resp, revisedIssues(co, issues, months))
	if err := naiveOverlaps(ctx, r.store, ws, co, &resp.Message, week); err != nil {
		return Response{}, err
	}
	return r.addFailures(ctx, ws, &resp, week)
}

// naiveOverlaps is the report's overlaps as they were: from every log of
// the workspace by time.
func naiveOverlaps(ctx context.Context, st Store, ws WorkspaceRef, co Cohort, m *Message, week Week) error {
	back := max(maxLogMinutes*time.Minute, co.OverlapGap())
	logs, err := st.Logs(ctx, ws, week.Start.Add(-back), week.End)
	if err != nil {
		return err
	}
	byUser := map[string][]SpaceLog{}
	var users []string
	for _, l := range logs {
		if byUser[l.UserID] == nil {
			users = append(users, l.UserID)
		}
		byUser[l.UserID] = append(byUser[l.UserID], l)
	}
	sort.Strings(users)
	o := newWeekOverlaps(co, week)
	for _, u := range users {
		_, overlaps := CountOnce(byUser[u], co.OverlapGap())
		for _, ov := range overlaps {
			if week.Contains(ov.Dropped.Start) {
				o.lines = append(o.lines, Linef("%s: %s, %s, overlaps %s, %s", UserRef(u),
					displayID(ov.Dropped), At(ov.Dropped.Start, o.loc, TimeFull), displayID(ov.Counted), At(ov.Counted.Start, o.loc, TimeFull)))
			}
		}
	}
	o.render(m)
	return nil
}

// CountedFrom exports countedFrom.
var CountedFrom = countedFrom

// MaxLogMinutes exports maxLogMinutes.
const MaxLogMinutes = maxLogMinutes

// NaiveLinef is Linef as it was: a Sprintf for each Span's mark, the
// result split at every mark and each index read with Sscanf.
func NaiveLinef(format string, args ...any) Line {
	var spans []Span
	printed := make([]any, len(args))
	for i, a := range args {
		if s, ok := a.(Span); ok {
			printed[i] = fmt.Sprintf("%s%d%s", spanMark, len(spans), spanMark)
			spans = append(spans, s)
			continue
		}
		printed[i] = a
	}
	out := fmt.Sprintf(format, printed...)
	if len(spans) == 0 {
		return Line{Text(out)}
	}
	var line Line
	parts := strings.Split(out, spanMark)
	for i, p := range parts {
		if i%2 == 0 {
			if p != "" {
				line = append(line, Text(p))
			}
			continue
		}
		var n int
		fmt.Sscanf(p, "%d", &n)
		line = append(line, spans[n])
	}
	return line
}
