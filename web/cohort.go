package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"sparkbot/bot"
)

// The cohort page: this week's counts by standing, who needs attention,
// and every host's weeks as a heatmap, from bot.AccountMembers: the
// accounting /cohort report and the digest read.

type cohortView struct {
	layout
	WeekTitle  string
	Now        stamp
	NotStarted bool
	Ended      bool
	Counts     []standingCount
	Attention  []attentionRow
	Weeks      []weekHead
	Rows       []heatRow
	Legend     []heatCell
}

type standingCount struct {
	Label, Class string
	N            int
}

type attentionRow struct {
	Name, Handle, Path string
	Standing, Class    string
	Logged, Quota      int
	Left               string
	Next               string // the next scheduled Space, or why there is none
}

type weekHead struct {
	Number int
	From   string
}

type heatRow struct {
	Name, Handle, Path, UserID string
	Streak                     int
	Cells                      []heatCell
}

// heatCell is one host's week. Kind picks the colour and the shape, so
// neither carries the meaning alone; Label says it in words.
type heatCell struct {
	Kind   string // met, missed, excused, open, none, future
	Label  string // the standing in words
	Title  string // the whole cell in words: hover text and screen-reader text
	Week   int
	Logged int
	Quota  int
}

// cohortOf loads the session's cohort, or a page saying there is none.
func (s *Server) cohortOf(ctx context.Context, ws bot.WorkspaceRef) (bot.Cohort, error) {
	co, err := s.store.Cohort(ctx, ws)
	if errors.Is(err, bot.ErrNotFound) {
		return co, notFound("This workspace has no cohort yet. Staff start one in chat with /cohort create.")
	}
	return co, err
}

// reportWeek is the week the cohort page reports: this week, or the last
// one once the cohort has ended.
func reportWeek(co bot.Cohort, now time.Time) bot.Week {
	if end := co.EndsAt(); !now.Before(end) {
		return co.WeekOf(end.Add(-time.Nanosecond))
	}
	return co.WeekOf(now)
}

func (s *Server) cohortPage(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.staff(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ch, err := s.chooseCohort(ctx, r, sess.Workspace)
	if err != nil {
		return err
	}
	co, now := ch.co, s.now()
	// Everyone who was a member at some time in the cohort: the heatmap
	// shows them all; this week's figures count those of them who were
	// members in the week, as /cohort report does.
	recs, err := bot.AccountMembers(ctx, s.store, sess.Workspace, co, co.FirstWeek().Start, co.EndsAt(), now)
	if err != nil {
		return err
	}
	c := clock{now: now, loc: co.Location()}
	week := reportWeek(co, now)
	v := cohortView{layout: ch.frame(sess, "Cohort", "cohort", "/dashboard/cohort"), Now: c.stamp(now),
		NotStarted: now.Before(co.FirstWeek().Start), Ended: !now.Before(co.EndsAt()),
		WeekTitle: fmt.Sprintf("Week %d of %d, from %s", co.WeekNumber(week.Start), co.Weeks, c.date(week.Start))}
	roster := bot.Roster(recs, week)
	v.Counts = standingCounts(roster)
	if v.Attention, err = s.attention(ctx, sess.Workspace, ch, roster, week, c); err != nil {
		return err
	}
	v.Weeks, v.Rows = heatmap(ch, heatmapOrder(recs, roster), now, c)
	v.Legend = legend
	s.render(w, http.StatusOK, "cohort", v)
	return nil
}

// heatmapOrder lists the week's roster first, in its order (the order of
// /cohort report), then the past members who were not members in it.
func heatmapOrder(recs []bot.HostRecord, roster []bot.RosterRow) []bot.HostRecord {
	out := make([]bot.HostRecord, 0, len(recs))
	listed := map[string]bool{}
	for _, r := range roster {
		out = append(out, r.Record)
		listed[r.Record.Host.UserID] = true
	}
	for _, rec := range recs {
		if !listed[rec.Host.UserID] {
			out = append(out, rec)
		}
	}
	return out
}

// shownStandings are the standings the counts list, in this order.
var shownStandings = []bot.Standing{bot.OnTrack, bot.OnPace, bot.AtRisk, bot.LastCall, bot.Met, bot.Missed, bot.Excused,
	bot.NotCounted, bot.LeftMidWeek, bot.NotMember}

func standingCounts(roster []bot.RosterRow) []standingCount {
	n := map[bot.Standing]int{}
	for _, r := range roster {
		n[r.Week.Standing]++
	}
	var out []standingCount
	for _, st := range shownStandings {
		open := st == bot.OnTrack || st == bot.OnPace || st == bot.AtRisk || st == bot.LastCall
		if n[st] > 0 || open {
			out = append(out, standingCount{Label: st.String(), Class: slug(st), N: n[st]})
		}
	}
	return out
}

// attention lists the hosts at risk or on last call in week, with the time
// left and their next scheduled Space.
func (s *Server) attention(ctx context.Context, ws bot.WorkspaceRef, ch cohortChoice, roster []bot.RosterRow, week bot.Week, c clock) ([]attentionRow, error) {
	var out []attentionRow
	for _, r := range roster {
		rec, hw := r.Record, r.Week
		if hw.Standing != bot.AtRisk && hw.Standing != bot.LastCall {
			continue
		}
		schedules, err := s.store.SchedulesOf(ctx, ws, rec.Host.UserID)
		if err != nil {
			return nil, err
		}
		row := attentionRow{Name: displayName(rec.Host), Handle: rec.Host.Handle, Path: ch.hostPath(rec.Host.UserID),
			Standing: hw.Standing.String(), Class: slug(hw.Standing), Logged: len(hw.Logs), Quota: hw.Quota,
			Left: bot.HumanDuration(week.End.Sub(c.now)), Next: "none scheduled"}
		if o, ok := bot.NextOccurrence(schedules, c.now); ok {
			row.Next = fmt.Sprintf("“%s”, %s (%s)", o.Schedule.Title, c.full(o.Start), bot.Relative(o.Start.Sub(c.now)))
		}
		out = append(out, row)
	}
	return out, nil
}

func displayName(h bot.Host) string {
	if h.Name != "" {
		return h.Name
	}
	return h.UserID
}

// heatmap lays out every host's weeks of the chosen cohort, week 1 to the last.
func heatmap(ch cohortChoice, recs []bot.HostRecord, now time.Time, c clock) ([]weekHead, []heatRow) {
	co := ch.co
	var weeks []bot.Week
	var heads []weekHead
	for w, i := co.FirstWeek(), 1; i <= co.Weeks; w, i = w.Next(), i+1 {
		weeks = append(weeks, w)
		heads = append(heads, weekHead{Number: i, From: c.date(w.Start)})
	}
	rows := make([]heatRow, 0, len(recs))
	for _, rec := range recs {
		row := heatRow{Name: displayName(rec.Host), Handle: rec.Host.Handle, UserID: rec.Host.UserID,
			Path: ch.hostPath(rec.Host.UserID), Streak: rec.Streak}
		for i, w := range weeks {
			row.Cells = append(row.Cells, cellOf(rec, w, i+1, now, c))
		}
		rows = append(rows, row)
	}
	return heads, rows
}

// cellOf is one host's week as the heatmap shows it. A week the record
// does not hold is one the host was not a member in, or one still to come.
func cellOf(rec bot.HostRecord, w bot.Week, number int, now time.Time, c clock) heatCell {
	cell := heatCell{Week: number}
	hw, ok := rec.WeekStarting(w.Start)
	switch {
	case ok:
		cell.Kind, cell.Label = standingClass(hw.Standing), hw.Standing.String()
		cell.Logged, cell.Quota = len(hw.Logs), hw.Quota
		if cell.Kind == "open" {
			cell.Label = "in progress, " + cell.Label
		}
		cell.Title = fmt.Sprintf("%s, week %d (from %s): %d of %d — %s", displayName(rec.Host), number, c.date(w.Start), cell.Logged, cell.Quota, cell.Label)
	case w.Start.After(now):
		cell.Kind, cell.Label = "future", "not yet"
		cell.Title = fmt.Sprintf("%s, week %d (from %s): not yet", displayName(rec.Host), number, c.date(w.Start))
	default:
		cell.Kind, cell.Label = "none", "not a member"
		cell.Title = fmt.Sprintf("%s, week %d (from %s): not a member", displayName(rec.Host), number, c.date(w.Start))
	}
	return cell
}

// slug names a standing for a style: "at risk" → "at-risk".
func slug(st bot.Standing) string {
	name, _, _ := strings.Cut(st.String(), " (")
	return strings.ReplaceAll(name, " ", "-")
}

// standingClass groups standings into the heatmap's kinds.
func standingClass(st bot.Standing) string {
	switch st {
	case bot.Met:
		return "met"
	case bot.Missed:
		return "missed"
	case bot.Excused:
		return "excused"
	case bot.OnTrack, bot.OnPace, bot.AtRisk, bot.LastCall:
		return "open"
	}
	return "none"
}

// legend explains the heatmap's kinds with their shapes.
var legend = []heatCell{
	{Kind: "met", Label: "met", Title: "met"},
	{Kind: "missed", Label: "missed", Title: "missed"},
	{Kind: "excused", Label: "excused", Title: "excused"},
	{Kind: "open", Label: "in progress", Title: "in progress"},
	{Kind: "none", Label: "not a member", Title: "not a member"},
	{Kind: "future", Label: "not yet", Title: "not yet"},
}
