package bot

import "sort"

// RosterRow is one host's line in a report of one week: their record and
// that week of it.
type RosterRow struct {
	Record HostRecord
	Week   HostWeek
}

// Roster is who a report of week lists, from recs (AccountMembers over a
// span holding week): every host who was a member at some time in the
// week, who needs attention first (Standing.Urgency), then by name. It is
// /cohort report's order, and the dashboard's.
func Roster(recs []HostRecord, week Week) []RosterRow {
	var rows []RosterRow
	for _, rec := range recs {
		if hw, ok := rec.WeekStarting(week.Start); ok && hw.Standing != NotMember {
			rows = append(rows, RosterRow{rec, hw})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i].Week.Standing.Urgency(), rows[j].Week.Standing.Urgency()
		if a != b {
			return a < b
		}
		return rows[i].Record.Host.Name < rows[j].Record.Host.Name
	})
	return rows
}
