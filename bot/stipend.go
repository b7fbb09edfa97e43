package bot

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// The stipend (DESIGN.md, "Stipend"): a week belongs to the month of its
// last day (MonthOf) and counts for a host who was a member for the whole
// of it (Host.Presence). A month's stipend is earned when every counted
// week of it was met or excused; otherwise the row is for staff review,
// with the prorated amount as a suggestion.

// StipendStatus is what a stipend row asks of staff.
type StipendStatus string

const (
	StipendEligible  StipendStatus = "eligible"     // every counted week met or excused: the full amount
	StipendReview    StipendStatus = "review"       // some counted week missed: the prorated amount is a suggestion
	StipendNotMember StipendStatus = "not a member" // no week of the month counted for them
	// StipendOpen: a host now, but no week of the month that counts for
	// them has closed yet (an export early in the month): nothing is due yet.
	StipendOpen StipendStatus = "no week closed yet"
)

// Tally counts a host's closed weeks of a period (a month, a cohort).
type Tally struct {
	// Counted weeks closed while the host was a member for the whole
	// week; of them Met were met, Excused excused, and Missed (by week
	// number) missed.
	Counted, Met, Excused int
	Missed                []int
	// Spaces, Unverified and Listeners count the logs of the weeks,
	// counted or not.
	Spaces, Unverified, Listeners int
	// Known counts the same logs by provenance (provenances.go); its
	// OneClick entry is Unverified.
	Known ProvenanceTally
}

// add counts one closed week of co.
func (t *Tally) add(co Cohort, w HostWeek) {
	for _, l := range w.Logs {
		t.Spaces++
		t.Listeners += l.Listeners
		t.Known.add(l.Provenance)
		if !l.Provenance.HasSpaceID() {
			t.Unverified++
		}
	}
	if !w.Standing.Owed() {
		return
	}
	t.Counted++
	switch w.Standing {
	case Met:
		t.Met++
	case Excused:
		t.Excused++
	default:
		t.Missed = append(t.Missed, co.WeekNumber(w.Week.Start))
	}
}

// StipendRow is one host's month: every host who was a member at some time
// in the month's weeks has one. Its Tally covers the month's closed weeks.
type StipendRow struct {
	UserID, Name, Handle string
	Tally
	// DueCents is the amount due in US cents: the stipend when eligible,
	// the suggested prorated amount for review, zero for not a member.
	DueCents int64
	Status   StipendStatus
	// Revised says, in words, what changed since the report was issued;
	// empty if nothing did (or it was never issued).
	Revised []string
}

// StipendIssue is a monthly report as it was issued: the one posted to
// staff on the 1st. Later changes show as revisions against it.
type StipendIssue struct {
	Cohort   int
	Month    Month
	IssuedAt time.Time
	Rows     []StipendRow
}

// String renders m as 2026-12.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, m.Month) }

// StipendReport accounts month m for every host who was a member of co in
// its weeks, as of now (a month not over yet counts the weeks closed so far).
func StipendReport(ctx context.Context, st Store, ws WorkspaceRef, co Cohort, m Month, now time.Time) ([]StipendRow, error) {
	mr, err := stipendRows(ctx, st, ws, co, m, now)
	if mr == nil {
		return nil, err
	}
	return mr.rows.all(), err
}

// stipendRows is StipendReport's rows as gathered (nil for a month
// without weeks of co).
func stipendRows(ctx context.Context, st Store, ws WorkspaceRef, co Cohort, m Month, now time.Time) (*monthRows, error) {
	mr, ok := newMonthRows(co, m, now)
	if !ok {
		return nil, nil
	}
	p := newMemberPass(co)
	p.acc.reusing() // a record is done with once its row is made
	p.asOf(mr.asOf, mr.last.Start)
	return mr, p.run(ctx, st, ws, func(h Host, data HostData) error { return mr.add(ctx, p.acc, ws, h, data) })
}

// monthRows are month m's stipend rows, as of asOf (now, or the month's
// end if sooner), gathered host by host in a member pass.
type monthRows struct {
	m        Month
	from, to time.Time // the month's weeks
	last     Week
	asOf     time.Time
	rows     reportRows[StipendRow]
}

// newMonthRows starts month m's rows; ok is false if no week of co
// belongs to m.
func newMonthRows(co Cohort, m Month, now time.Time) (*monthRows, bool) {
	weeks := co.WeeksOfMonth(m)
	if len(weeks) == 0 {
		return nil, false
	}
	last := weeks[len(weeks)-1]
	mr := &monthRows{m: m, from: weeks[0].Start, to: last.End, last: last, asOf: last.End}
	if now.Before(mr.asOf) {
		mr.asOf = now
	}
	return mr, true
}

// add accounts h's month, if they were a member in it.
func (mr *monthRows) add(ctx context.Context, acc *accounting, ws WorkspaceRef, h Host, data HostData) error {
	if !h.MemberDuring(acc.c, mr.from, mr.to) {
		return nil
	}
	rec, err := acc.host(ctx, data, ws, h, mr.asOf, mr.last.Start)
	if err != nil {
		return err
	}
	mr.rows.add(stipendRow(acc.c, mr.m, rec, mr.asOf))
	return nil
}

func stipendRow(co Cohort, m Month, rec HostRecord, asOf time.Time) StipendRow {
	h := rec.Host
	row := StipendRow{UserID: h.UserID, Name: h.Name, Handle: h.Handle}
	for _, w := range rec.Weeks {
		if MonthOf(w.Week) == m && !w.Week.End.After(asOf) { // the month's, and closed
			row.add(co, w)
		}
	}
	row.DueCents, row.Status = stipendDue(co.Stipend, row)
	if row.Status == StipendNotMember && monthOpen(co, m, asOf) && h.MemberAt(co, asOf) {
		row.Status = StipendOpen
	}
	return row
}

// monthOpen reports whether some week of month m is still open at asOf.
func monthOpen(co Cohort, m Month, asOf time.Time) bool {
	weeks := co.WeeksOfMonth(m)
	return len(weeks) > 0 && weeks[len(weeks)-1].End.After(asOf)
}

// stipendDue applies the stipend rule to a row's weeks.
func stipendDue(stipend int, r StipendRow) (int64, StipendStatus) {
	full := int64(stipend) * 100
	switch {
	case r.Counted == 0:
		return 0, StipendNotMember
	case len(r.Missed) == 0:
		return full, StipendEligible
	}
	// full × (met + excused) ÷ counted, rounded to the nearest cent.
	n, d := full*int64(r.Met+r.Excused), int64(r.Counted)
	return (2*n + d) / (2 * d), StipendReview
}

// IssueStipendReport is the monthly report posted to staff: the report of
// month m as of now, stored as issued unless it was issued already (a
// retried post sends what was issued the first time).
func IssueStipendReport(ctx context.Context, st Store, ws WorkspaceRef, co Cohort, m Month, now time.Time) (Message, error) {
	rows, err := StipendReport(ctx, st, ws, co, m, now)
	if err != nil {
		return Message{}, err
	}
	issue, err := st.IssueStipend(ctx, ws, StipendIssue{Cohort: co.ID, Month: m, IssuedAt: now, Rows: rows})
	if err != nil {
		return Message{}, err
	}
	return StipendMessage(co, m, issue.Rows, nil), nil
}

// Revise marks the rows that differ from the issued report: each gets
// Revised, what changed in words. A row the issue had and rows lack is
// kept, marked, so no host silently drops out.
func Revise(rows []StipendRow, issued StipendIssue) []StipendRow {
	out := make([]StipendRow, 0, len(rows))
	reviseEach(len(rows), func(i int) *StipendRow { return &rows[i] }, issued, func(r StipendRow) { out = append(out, r) })
	return out
}

// reviseEach is Revise for the n rows at(i) gives, handing keep each row
// of the result in order rather than gathering them.
func reviseEach(n int, at func(i int) *StipendRow, issued StipendIssue, keep func(StipendRow)) {
	before := make(map[string]int, len(issued.Rows)) // user id → issued row
	for i, r := range issued.Rows {
		before[r.UserID] = i
	}
	matched := make([]bool, len(issued.Rows))
	for i := range n {
		r := *at(i)
		j, ok := before[r.UserID]
		if ok && matched[j] {
			ok = false // a user id twice in rows: the first took the issued row
		}
		if !ok {
			r.Revised = []string{"not in the issued report"}
		} else {
			matched[j] = true
			r.Revised = rowChanges(issued.Rows[j], r)
		}
		keep(r)
	}
	for _, old := range issued.Rows {
		if !matched[before[old.UserID]] { // (a user id issued twice matches its last row)
			old.Revised = []string{"no longer a member in the month"}
			keep(old)
		}
	}
}

// rowChanges lists what differs between an issued row and its current one.
func rowChanges(old, now StipendRow) []string {
	var out []string
	num := func(what string, a, b int) {
		if a != b {
			out = append(out, fmt.Sprintf("%s %d→%d", what, a, b))
		}
	}
	num("counted", old.Counted, now.Counted)
	num("met", old.Met, now.Met)
	num("excused", old.Excused, now.Excused)
	if !slices.Equal(old.Missed, now.Missed) { // their weekLists differ
		out = append(out, fmt.Sprintf("missed %s→%s", orNone(weekList(old.Missed)), orNone(weekList(now.Missed))))
	}
	num("Spaces", old.Spaces, now.Spaces)
	num("listeners", old.Listeners, now.Listeners)
	if old.DueCents != now.DueCents {
		out = append(out, fmt.Sprintf("due %s→%s", usd(old.DueCents), usd(now.DueCents)))
	}
	if old.Status != now.Status {
		out = append(out, fmt.Sprintf("status %s→%s", old.Status, now.Status))
	}
	return out
}

// revisedIssues returns the issued months whose report has changed since,
// each with its current rows (months[i] is issues[i]'s, nil for a month
// without weeks) marked by Revise, oldest first.
func revisedIssues(co Cohort, issues []StipendIssue, months []*monthRows) []StipendIssue {
	var out []StipendIssue
	for i, is := range issues {
		var rows reportRows[StipendRow]
		if months[i] != nil {
			rows = months[i].rows
		}
		var changed []StipendRow
		reviseEach(rows.n, rows.at, is, func(r StipendRow) {
			if len(r.Revised) > 0 {
				changed = append(changed, r)
			}
		})
		if len(changed) > 0 {
			out = append(out, StipendIssue{Cohort: co.ID, Month: is.Month, IssuedAt: is.IssuedAt, Rows: changed})
		}
	}
	return out
}

// weekList renders week numbers as "3, 5".
func weekList(weeks []int) string {
	parts := make([]string, len(weeks))
	for i, w := range weeks {
		parts[i] = strconv.Itoa(w)
	}
	return strings.Join(parts, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// usd renders cents as $1,875.00.
func usd(cents int64) string {
	return fmt.Sprintf("$%s.%02d", thousands(int(cents/100)), cents%100)
}

// csvAmount renders cents as 1875.00, for spreadsheets.
func csvAmount(cents int64) string { return fmt.Sprintf("%d.%02d", cents/100, cents%100) }

// StipendCSV renders rows as the CSV staff export.
func StipendCSV(co Cohort, m Month, rows []StipendRow) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"cohort", "month", "user_id", "name", "handle", "weeks_counted", "weeks_met", "weeks_excused", "weeks_missed",
		"missed_weeks", "spaces", "unverified", "listeners", "amount_due_usd", "status", "revised",
		"verified_by_x", "logged_by_staff", "link_not_verified", "one_click"})
	for _, r := range rows {
		w.Write([]string{csvSafe(co.Name), m.String(), r.UserID, csvSafe(r.Name), csvSafe(r.Handle),
			strconv.Itoa(r.Counted), strconv.Itoa(r.Met), strconv.Itoa(r.Excused), strconv.Itoa(len(r.Missed)),
			strings.ReplaceAll(weekList(r.Missed), ", ", " "), strconv.Itoa(r.Spaces), strconv.Itoa(r.Unverified),
			strconv.Itoa(r.Listeners), csvAmount(r.DueCents), string(r.Status), strings.Join(r.Revised, "; "),
			strconv.Itoa(r.Known.VerifiedByX), strconv.Itoa(r.Known.StaffLogged), strconv.Itoa(r.Known.LinkNotVerified), strconv.Itoa(r.Known.OneClick)})
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

// StipendFileName names a month's CSV after its cohort:
// stipend-spark-phase-1-2026-12.csv.
func StipendFileName(co Cohort, m Month) string {
	return "stipend-" + slug(co.Name) + "-" + m.String() + ".csv"
}

// slug turns a name into lower-case letters and digits joined by dashes,
// at most 40 long; "cohort" if nothing is left.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	if b.Len() == 0 {
		return "cohort"
	}
	return b.String()
}

// StipendMessage is the monthly report for staff, with the CSV attached.
// With issued set (an export of a month issued already), it says when the
// report was issued and how many rows were revised since.
func StipendMessage(co Cohort, m Month, rows []StipendRow, issued *StipendIssue) Message {
	var msg Message
	msg.FieldSection(fmt.Sprintf("Stipend report — %s, %s", co.Name, m.Name()))
	msg.Add(monthLine(co, m))
	if issued != nil {
		revised := 0
		for _, r := range rows {
			if len(r.Revised) > 0 {
				revised++
			}
		}
		msg.Addf("Issued %s; %s revised since.", At(issued.IssuedAt, co.Location(), TimeFull), plural(revised, "row"))
	}
	if len(rows) == 0 {
		msg.Addf("No hosts.")
	}
	var csv []byte
	var wg sync.WaitGroup
	wg.Go(func() { csv = StipendCSV(co, m, rows) }) // beside the lines: both read rows only
	msg.Add(linesOf(len(rows), func(i int) Line { return stipendLine(rows[i]) })...)
	wg.Wait()
	msg.File = &File{Name: StipendFileName(co, m), ContentType: "text/csv", Data: csv}
	return msg
}

// monthLine says which weeks a month's report covers and the stipend.
func monthLine(co Cohort, m Month) Line {
	weeks := co.WeeksOfMonth(m)
	if len(weeks) == 0 {
		return Linef("No week of %s ends in %s.", co.Name, m.Name())
	}
	first, last := weeks[0], weeks[len(weeks)-1]
	return Linef("Weeks %d–%d (%s to %s), the weeks that end in %s; %s a month.", co.WeekNumber(first.Start),
		co.WeekNumber(last.Start), first.StartDate, last.StartDate.AddDays(6), m.Month, usd(int64(co.Stipend)*100))
}

// stipendLine is one row of the report.
func stipendLine(r StipendRow) Line {
	var amount string
	switch r.Status {
	case StipendReview:
		amount = "suggested " + usd(r.DueCents)
	default:
		amount = usd(r.DueCents)
	}
	if r.Status == StipendOpen {
		return Linef("%s: no week closed yet — nothing due yet", UserRef(r.UserID))
	}
	line := Linef("%s: %s — %s (%d of %s met or excused", UserRef(r.UserID), r.Status, amount, r.Met+r.Excused, plural(r.Counted, "week"))
	if r.Excused > 0 {
		line = append(line, Linef(", %d excused", r.Excused)...)
	}
	if len(r.Missed) > 0 {
		line = append(line, Linef("; missed %s", weekNumbers(r.Missed))...)
	}
	line = append(line, Linef("; %s, %s listeners)", plural(r.Spaces, "Space"), thousands(r.Listeners))...)
	if len(r.Revised) > 0 {
		line = append(line, Linef(" — revised: %s", strings.Join(r.Revised, ", "))...)
	}
	return line
}

// weekNumbers renders "week 3" or "weeks 3, 5".
func weekNumbers(weeks []int) string {
	if len(weeks) == 1 {
		return "week " + weekList(weeks)
	}
	return "weeks " + weekList(weeks)
}

func (r *Router) cohortExport(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohortOption(ctx, c)
	if err != nil {
		return Response{}, err
	}
	m := optionValue[Month](c, "month")
	now := r.clock.Now()
	rows, issued, err := MonthStipend(ctx, r.store, c.Workspace, co, m, now)
	if err != nil {
		return Response{}, err
	}
	msg := StipendMessage(co, m, rows, issued)
	if weeks := co.WeeksOfMonth(m); monthOpen(co, m, now) {
		closed := 0
		for _, w := range weeks {
			if !w.End.After(now) {
				closed++
			}
		}
		msg.Note("%s is not over: the rows count the weeks closed so far (%d of %d).", m.Name(), closed, len(weeks))
	}
	return Response{Ephemeral: true, Message: msg}, nil
}

// MonthStipend is month m's report as staff read it at now: StipendReport,
// revised against the report issued on the 1st if there is one (which it
// returns too). /cohort export and the dashboard's stipend page show it.
func MonthStipend(ctx context.Context, st Store, ws WorkspaceRef, co Cohort, m Month, now time.Time) ([]StipendRow, *StipendIssue, error) {
	mr, err := stipendRows(ctx, st, ws, co, m, now)
	if err != nil {
		return nil, nil, err
	}
	var rows reportRows[StipendRow]
	if mr != nil {
		rows = mr.rows
	}
	is, err := st.IssuedStipend(ctx, ws, co.ID, m)
	if errors.Is(err, ErrNotFound) {
		if mr == nil {
			return nil, nil, nil
		}
		return rows.all(), nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	out := make([]StipendRow, 0, rows.n) // Revise, from the rows where they were gathered
	reviseEach(rows.n, rows.at, is, func(r StipendRow) { out = append(out, r) })
	return out, &is, nil
}
