package bot

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"
)

// StipendRow is one host's month for the stipend report. A week counts in
// the month it closes in, so the report on the 1st covers closed weeks only.
type StipendRow struct {
	UserID, Name, Handle string
	WeeksMet             int // met or excused
	Weeks                int // weeks that closed in the month while a member
	Excused              int
	Spaces, Unverified   int
	Listeners            int
}

// monthBounds returns the month's first instant and the next month's, in loc.
func monthBounds(m Month, loc *time.Location) (time.Time, time.Time) {
	first := Date{m.Year, m.Month, 1}
	next := DateOf(first.noonUTC().AddDate(0, 1, 0))
	return LocalTime(first, TimeOfDay{}, loc), LocalTime(next, TimeOfDay{}, loc)
}

// String renders m as 2026-12.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, m.Month) }

// StipendReport accounts the weeks that closed in month m of every host who
// was a member in it,
// as of now (a month not over yet counts the weeks closed so far).
func StipendReport(ctx context.Context, st Store, ws WorkspaceRef, co Cohort, m Month, now time.Time) ([]StipendRow, error) {
	from, to := monthBounds(m, co.Location())
	asOf := to
	if now.Before(asOf) {
		asOf = now
	}
	recs, err := AccountMembers(ctx, st, ws, co, from, to, asOf)
	if err != nil {
		return nil, err
	}
	rows := make([]StipendRow, len(recs))
	for i, rec := range recs {
		rows[i] = stipendRow(rec, from, to, asOf)
	}
	return rows, nil
}

func stipendRow(rec HostRecord, from, to, asOf time.Time) StipendRow {
	h := rec.Host
	row := StipendRow{UserID: h.UserID, Name: h.Name, Handle: h.Handle}
	for _, w := range rec.Weeks {
		if !w.Week.End.After(from) || w.Week.End.After(to) || w.Week.End.After(asOf) || !w.Standing.Owed() {
			continue
		}
		row.Weeks++
		if w.Standing.Counts() {
			row.WeeksMet++
		}
		if w.Standing == Excused {
			row.Excused++
		}
		for _, l := range w.Logs {
			row.Spaces++
			row.Listeners += l.Listeners
			if !l.Provenance.HasSpaceID() {
				row.Unverified++
			}
		}
	}
	return row
}

// StipendCSV renders rows as the CSV staff export.
func StipendCSV(m Month, rows []StipendRow) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"month", "user_id", "name", "handle", "weeks_met", "weeks", "excused_weeks", "spaces", "unverified", "listeners"})
	for _, r := range rows {
		w.Write([]string{m.String(), r.UserID, csvSafe(r.Name), csvSafe(r.Handle), strconv.Itoa(r.WeeksMet), strconv.Itoa(r.Weeks),
			strconv.Itoa(r.Excused), strconv.Itoa(r.Spaces), strconv.Itoa(r.Unverified), strconv.Itoa(r.Listeners)})
	}
	w.Flush()
	return b.Bytes()
}

// csvSafe defuses spreadsheet formulas in user-chosen text (=, +, -, @).
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}

// StipendMessage is the monthly report posted to staff, with the CSV attached.
func StipendMessage(co Cohort, m Month, rows []StipendRow) Message {
	var msg Message
	msg.FieldSection(fmt.Sprintf("Stipend report — %s, %s", co.Name, m))
	if len(rows) == 0 {
		msg.Addf("No hosts.")
	}
	for _, r := range rows {
		msg.Addf("%s: %d of %d weeks met%s", UserRef(r.UserID), r.WeeksMet, r.Weeks, excusedNote(r.Excused))
	}
	msg.File = &File{Name: "stipend-" + m.String() + ".csv", ContentType: "text/csv", Data: StipendCSV(m, rows)}
	return msg
}

func excusedNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d excused)", n)
}

func (r *Router) cohortExport(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	m := optionValue[Month](c, "month")
	rows, err := StipendReport(ctx, r.store, c.Workspace, co, m, r.clock.Now())
	if err != nil {
		return Response{}, err
	}
	return Response{Ephemeral: true, Message: StipendMessage(co, m, rows)}, nil
}
