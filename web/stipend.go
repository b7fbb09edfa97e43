package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"sparkbot/bot"
)

// The stipend page: one month's bot.StipendReport, the report /cohort
// export sends, as a table and as the same CSV (bot.StipendCSV).

type stipendView struct {
	layout
	Month  string
	Months []monthLink
	CSV    string
	AsOf   stamp
	Rows   []stipendRow
	Total  stipendRow
}

type monthLink struct {
	Value, Label string
	Current      bool
}

type stipendRow struct {
	UserID, Name, Handle, Path                            string
	WeeksMet, Weeks, Excused, Spaces, Unverified, Listens int
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

// stipendRows loads the session's cohort and the month's report.
func (s *Server) stipendRows(ctx context.Context, r *http.Request, sess session) (bot.Cohort, bot.Month, []bot.Month, []bot.StipendRow, error) {
	co, err := s.cohortOf(ctx, sess.Workspace)
	if err != nil {
		return co, bot.Month{}, nil, nil, err
	}
	m, months, err := stipendMonth(r, co, s.now())
	if err != nil {
		return co, m, nil, nil, err
	}
	rows, err := bot.StipendReport(ctx, s.store, sess.Workspace, co, m, s.now())
	return co, m, months, rows, err
}

func (s *Server) stipendPage(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.staff(r)
	if err != nil {
		return err
	}
	co, m, months, rows, err := s.stipendRows(r.Context(), r, sess)
	if err != nil {
		return err
	}
	c := clock{now: s.now(), loc: co.Location()}
	v := stipendView{layout: frame(sess, co, "Stipend", "stipend"), Month: monthName(m), AsOf: c.stamp(c.now),
		CSV: "/dashboard/stipend.csv?month=" + m.String()}
	for _, mm := range months {
		v.Months = append(v.Months, monthLink{Value: mm.String(), Label: monthName(mm), Current: mm == m})
	}
	for _, row := range rows {
		sr := stipendRow{UserID: row.UserID, Name: row.Name, Handle: row.Handle, Path: bot.HostPagePath(row.UserID),
			WeeksMet: row.Met + row.Excused, Weeks: row.Counted, Excused: row.Excused, Spaces: row.Spaces, Unverified: row.Unverified, Listens: row.Listeners}
		if sr.Name == "" {
			sr.Name = row.UserID
		}
		v.Rows = append(v.Rows, sr)
		v.Total.WeeksMet += sr.WeeksMet
		v.Total.Weeks += sr.Weeks
		v.Total.Excused += sr.Excused
		v.Total.Spaces += sr.Spaces
		v.Total.Unverified += sr.Unverified
		v.Total.Listens += sr.Listens
	}
	s.render(w, http.StatusOK, "stipend", v)
	return nil
}

// stipendCSV serves the month's report as the CSV /cohort export attaches.
func (s *Server) stipendCSV(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.staff(r)
	if err != nil {
		return err
	}
	co, m, _, rows, err := s.stipendRows(r.Context(), r, sess)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="stipend-`+m.String()+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(bot.StipendCSV(co, m, rows))
	return nil
}

// monthName renders a month as "December 2026".
func monthName(m bot.Month) string {
	return fmt.Sprintf("%s %d", m.Month, m.Year)
}
