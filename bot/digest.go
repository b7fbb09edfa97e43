package bot

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// digestTopN bounds the digest's streak leaders and top Spaces.
const digestTopN = 3

// DigestTime is when the digest of the week ending at weekEnd goes out:
// 09:00 cohort time on the day the next week starts.
func DigestTime(co Cohort, weekEnd time.Time) time.Time {
	return LocalTime(DateOf(weekEnd.In(co.Location())), TimeOfDay{9, 0}, co.Location())
}

// WeekDigest accounts every host for the closed week w.
func WeekDigest(ctx context.Context, st Store, ws WorkspaceRef, co Cohort, w Week) (Message, error) {
	var rows []digestRow
	err := eachMember(ctx, st, ws, co, w.Start, w.End, w.End, w.Start, func(rec HostRecord) error {
		if hw, ok := rec.WeekStarting(w.Start); ok {
			rows = append(rows, digestRow{rec.Host, hw, rec.Streak})
		}
		return nil
	})
	if err != nil {
		return Message{}, err
	}
	return digestMessage(co, w, rows), nil
}

type digestRow struct {
	host   Host
	week   HostWeek
	streak int
}

func digestMessage(co Cohort, w Week, rows []digestRow) Message {
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
	m.Add(streakLeaders(rows))
	sort.SliceStable(logs, func(i, j int) bool { return logs[i].Listeners > logs[j].Listeners })
	for i, l := range logs {
		if i == digestTopN || l.Listeners == 0 {
			break
		}
		m.Addf("Top Space %d: %s by %s — %s listeners (%s)", i+1, UserText(titleOr(l)), UserRef(l.UserID), thousands(l.Listeners), l.Provenance)
	}
	return m
}

func titleOr(l SpaceLog) string {
	if l.Title != "" {
		return "“" + l.Title + "”"
	}
	return displayID(l)
}

func streakLeaders(rows []digestRow) Line {
	sorted := append([]digestRow(nil), rows...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].streak > sorted[j].streak })
	var spans []Span
	for i, r := range sorted {
		if i == digestTopN || r.streak == 0 {
			break
		}
		spans = append(spans, UserRef(r.host.UserID), Text(fmt.Sprintf(" (%d)", r.streak)))
	}
	return listLine("Streak leaders: ", spans, "none yet")
}

// listLine renders "label: a, b, c" from spans, grouping each UserRef with
// the text after it.
func listLine(label string, spans []Span, empty string) Line {
	line := Line{Text(label)}
	if len(spans) == 0 {
		return append(line, Text(empty))
	}
	for i, s := range spans {
		if i > 0 && s.Kind == SpanUserRef {
			line = append(line, Text(", "))
		}
		line = append(line, s)
	}
	return line
}
