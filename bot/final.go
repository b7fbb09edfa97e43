package bot

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// When a cohort's last week closes, staff get a final report and each host
// still a member a closing DM with their record; after that nothing about
// the cohort goes to hosts (no reminders, nudges or warnings).

// FinalTime is when a cohort's final report goes out: just after the
// digest of its last week (09:00 cohort time on the day after it ends).
func FinalTime(co Cohort) time.Time { return DigestTime(co, co.EndsAt()).Add(5 * time.Minute) }

// FinalRow is one host's whole cohort.
type FinalRow struct {
	UserID string
	Tally       // every week of the cohort
	Streak int  // at the end
	AtEnd  bool // a member when the cohort ended
}

// FinalRows accounts the whole cohort for every host who was ever a member
// of it, by user id.
func FinalRows(ctx context.Context, st Store, ws WorkspaceRef, co Cohort) ([]FinalRow, error) {
	end := co.EndsAt()
	recs, err := AccountMembers(ctx, st, ws, co, co.FirstWeek().Start, end, end)
	if err != nil {
		return nil, err
	}
	rows := make([]FinalRow, len(recs))
	for i, rec := range recs {
		row := FinalRow{UserID: rec.Host.UserID, Streak: rec.Streak, AtEnd: rec.Host.MemberAt(co, end.Add(-time.Nanosecond))}
		for _, w := range rec.Weeks {
			row.add(co, w)
		}
		rows[i] = row
	}
	return rows, nil
}

// FinalMessage is the final report staff get when the cohort ends.
func FinalMessage(co Cohort, rows []FinalRow) Message {
	var m Message
	m.FieldSection(fmt.Sprintf("Final report — %s", co.Name))
	m.Add(Linef("Ended %s after %s.", At(co.EndsAt(), co.Location(), TimeDate), plural(co.Weeks, "week")))
	all := 0
	for _, r := range rows {
		if r.Counted > 0 && len(r.Missed) == 0 {
			all++
		}
	}
	m.Addf("%s; %d met or were excused every week that counted for them.", plural(len(rows), "host"), all)
	if len(rows) == 0 {
		m.Addf("No hosts.")
	}
	for _, r := range rows {
		line := Linef("%s: %s", UserRef(r.UserID), recordText(r))
		if !r.AtEnd {
			line = append(line, Text(" (left before the end)"))
		}
		m.Add(line)
	}
	name := UserText(`"` + co.Name + `"`)
	m.Add(Linef("It stays readable: /cohort report cohort:%s, /cohort export cohort:%s month:YYYY-MM. Start the next cohort with /cohort create.", name, name))
	return m
}

// recordText is a host's record in words.
func recordText(r FinalRow) string {
	s := fmt.Sprintf("%d of %s met or excused", r.Met+r.Excused, plural(r.Counted, "counted week"))
	if r.Excused > 0 {
		s += fmt.Sprintf(" (%d excused)", r.Excused)
	}
	return s + fmt.Sprintf(", %s, %s listeners, final streak %s", plural(r.Spaces, "Space"), thousands(r.Listeners), plural(r.Streak, "week"))
}

// ClosingMessage is the DM a host gets when the cohort ends.
func ClosingMessage(co Cohort, r FinalRow) Message {
	var m Message
	m.Add(Line{UserText(co.Name), Text(" has ended — thank you for hosting!")})
	m.Addf("Your record: %s.", recordText(r))
	m.Add(Linef("No more reminders or warnings for it. Every week is in /spaces history cohort:%s.", UserText(`"`+co.Name+`"`)))
	return m
}

// ClosingDMKey is the key of a host's closing DM.
func ClosingDMKey(ws WorkspaceRef, co Cohort, userID string) string {
	return CohortJobPrefix(ws, "closing", co.ID) + url.PathEscape(userID)
}

// ClosingJobs are the closing DMs of rows' hosts still members at the end,
// due at due: Personal, since they hold the host's record.
func ClosingJobs(ws WorkspaceRef, co Cohort, rows []FinalRow, due time.Time) []Job {
	var jobs []Job
	for _, r := range rows {
		if !r.AtEnd {
			continue
		}
		msg := ClosingMessage(co, r)
		jobs = append(jobs, Job{Key: ClosingDMKey(ws, co, r.UserID), Kind: JobDM, Workspace: ws, Cohort: co.ID,
			Due: due, UserID: r.UserID, Message: &msg, Personal: true})
	}
	return jobs
}
