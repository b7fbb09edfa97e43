package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sparkbot/bot"
)

// The stipend page: one month's bot.StipendReport, the report /cohort
// export sends, as a table and as the same CSV (bot.StipendCSV).

type stipendView struct {
	layout
	Month   string
	Covers  string
	Issued  string
	Revised int
	Months  []monthLink
	CSV     string
	AsOf    stamp
	Rows    []stipendRow
	Total   stipendRow
}

type monthLink struct {
	Href, Label string
	Current     bool
}

type stipendRow struct {
	UserID, Name, Handle, Path  string
	Status, Class, Amount       string
	Met, Counted, Excused       int
	Missed                      string
	Spaces, Unverified, Listens int
	Revised                     string
	DueCents                    int64
}

// cohortMonths are the months the cohort's weeks end in: a week counts in
// the month of its last day.
func cohortMonths(co bot.Cohort) []bot.Month {
	var out []bot.Month
	loc := co.Location()
	for w, i := co.FirstWeek(), 0; i < co.Weeks; w, i = w.Next(), i+1 {
		last := w.End.Add(-time.Nanosecond).In(loc)
		m := bot.Month{Year: last.Year(), Month: last.Month()}
		if len(out) == 0 || out[len(out)-1] != m {
			out = append(out, m)
		}
	}
	return out
}

// stipendMonth reads ?month=, one of the cohort's months; without it, the
// month of now (or the nearest of the cohort's).
func stipendMonth(r *http.Request, co bot.Cohort, now time.Time) (bot.Month, []bot.Month, error) {
	months := cohortMonths(co)
	if raw := r.URL.Query().Get("month"); raw != "" {
		for _, m := range months {
			if m.String() == raw {
				return m, months, nil
			}
		}
		return bot.Month{}, nil, badRequest("month must be one of the cohort's months, written YYYY-MM, like " + months[0].String() + ".")
	}
	local := now.In(co.Location())
	cur := bot.Month{Year: local.Year(), Month: local.Month()}
	pick := months[0]
	for _, m := range months {
		if !monthAfter(m, cur) {
			pick = m
		}
	}
	return pick, months, nil
}

func monthAfter(a, b bot.Month) bool {
	return a.Year > b.Year || (a.Year == b.Year && a.Month > b.Month)
}

// stipendRows loads the chosen cohort and the month's report as /cohort
// export gives it: revised against the issued one, if any.
func (s *Server) stipendRows(ctx context.Context, r *http.Request, sess session) (cohortChoice, bot.Month, []bot.Month, []bot.StipendRow, *bot.StipendIssue, error) {
	ch, err := s.chooseCohort(ctx, r, sess.Workspace)
	if err != nil {
		return ch, bot.Month{}, nil, nil, nil, err
	}
	m, months, err := stipendMonth(r, ch.co, s.now())
	if err != nil {
		return ch, m, nil, nil, nil, err
	}
	rows, issued, err := bot.MonthStipend(ctx, s.store, sess.Workspace, ch.co, m, s.now())
	return ch, m, months, rows, issued, err
}

func (s *Server) stipendPage(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.staff(r)
	if err != nil {
		return err
	}
	ch, m, months, rows, issued, err := s.stipendRows(r.Context(), r, sess)
	if err != nil {
		return err
	}
	co := ch.co
	c := clock{now: s.now(), loc: co.Location()}
	v := stipendView{layout: ch.frame(sess, "Stipend", "stipend", "/dashboard/stipend"), Month: m.Name(), AsOf: c.stamp(c.now),
		CSV: ch.link("/dashboard/stipend.csv", url.Values{"month": {m.String()}}), Covers: monthCovers(co, m)}
	if issued != nil {
		v.Issued = c.full(issued.IssuedAt)
	}
	for _, mm := range months {
		v.Months = append(v.Months, monthLink{Href: ch.link("/dashboard/stipend", url.Values{"month": {mm.String()}}), Label: mm.Name(), Current: mm == m})
	}
	for _, row := range rows {
		sr := stipendRowOf(row)
		sr.Path = ch.hostPath(row.UserID)
		if sr.Revised != "" {
			v.Revised++
		}
		v.Rows = append(v.Rows, sr)
		v.Total.Met += sr.Met
		v.Total.Counted += sr.Counted
		v.Total.Excused += sr.Excused
		v.Total.Spaces += sr.Spaces
		v.Total.Unverified += sr.Unverified
		v.Total.Listens += sr.Listens
		v.Total.DueCents += sr.DueCents
	}
	v.Total.Amount = usd(v.Total.DueCents)
	s.render(w, http.StatusOK, "stipend", v)
	return nil
}

func stipendRowOf(row bot.StipendRow) stipendRow {
	sr := stipendRow{UserID: row.UserID, Name: row.Name, Handle: row.Handle, Path: bot.HostPagePath(row.UserID),
		Status: string(row.Status), Class: strings.ReplaceAll(string(row.Status), " ", "-"), Amount: usd(row.DueCents),
		Met: row.Met + row.Excused, Counted: row.Counted, Excused: row.Excused, Spaces: row.Spaces, Unverified: row.Unverified,
		Listens: row.Listeners, Revised: strings.Join(row.Revised, ", "), DueCents: row.DueCents}
	if sr.Name == "" {
		sr.Name = row.UserID
	}
	if row.Status == bot.StipendReview {
		sr.Amount = "suggested " + sr.Amount
	}
	for i, w := range row.Missed {
		if i > 0 {
			sr.Missed += ", "
		}
		sr.Missed += strconv.Itoa(w)
	}
	return sr
}

// monthCovers says which weeks a month's report counts.
func monthCovers(co bot.Cohort, m bot.Month) string {
	weeks := co.WeeksOfMonth(m)
	if len(weeks) == 0 {
		return "No week of the cohort ends in " + m.Name() + "."
	}
	first, last := weeks[0], weeks[len(weeks)-1]
	return fmt.Sprintf("Weeks %d–%d, the weeks that end in %s; %s a month.", co.WeekNumber(first.Start), co.WeekNumber(last.Start),
		m.Month, usd(int64(co.Stipend)*100))
}

// stipendCSV serves the month's report as the CSV /cohort export attaches.
func (s *Server) stipendCSV(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.staff(r)
	if err != nil {
		return err
	}
	ch, m, _, rows, _, err := s.stipendRows(r.Context(), r, sess)
	if err != nil {
		return err
	}
	co := ch.co
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+bot.StipendFileName(co, m)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(bot.StipendCSV(co, m, rows))
	return nil
}

// usd renders cents as $1,875.00.
func usd(cents int64) string {
	whole := strconv.FormatInt(cents/100, 10)
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	return fmt.Sprintf("$%s.%02d", whole, cents%100)
}
