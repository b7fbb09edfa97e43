package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
	var rows reportRows[digestRow]
	err := eachMember(ctx, st, ws, co, w.Start, w.End, w.End, w.Start, func(rec HostRecord) error {
		if hw, ok := rec.WeekStarting(w.Start); ok {
			hw.Logs = slices.Clone(hw.Logs) // keep the week's logs, not the record's
			rows.add(digestRow{rowHostOf(rec.Host), hw, rec.Streak})
		}
		return nil
	})
	if err != nil {
		return Message{}, err
	}
	return digestMessage(co, w, sortDigestRows(&rows)), nil
}

type digestRow struct {
	host   rowHost
	week   HostWeek
	streak int
}

// digestMessage is the digest of rows, in sortDigestRows' order.
func digestMessage(co Cohort, w Week, rows []digestRow) Message {
	var m Message
	m.FieldSection(fmt.Sprintf("Week %d digest — %s (from %s)", co.WeekNumber(w.Start), co.Name, w.StartDate))
	var missed []Span
	var all byProvenance
	var top topSpaces
	for _, r := range rows {
		m.Addf("%s: %d of %d%s — %s", UserRef(r.host.UserID), len(r.week.Logs), r.week.Quota, provenanceNote(r.week.Logs), r.week.Standing)
		if r.week.Standing == Missed {
			missed = append(missed, UserRef(r.host.UserID))
		}
		all.add(r.week.Logs)
		for _, l := range r.week.Logs {
			top.add(l)
		}
	}
	if len(rows) == 0 {
		m.Addf("No hosts yet.")
		return m
	}
	m.Section("Highlights")
	m.Add(listLine("Missed: ", missed, "nobody 🎉"))
	m.Addf("Logs: %s", orNone(all.String()))
	m.Add(streakLeaders(rows))
	for i, l := range top.logs {
		m.Addf("Top Space %d: %s by %s — %s listeners (%s)", i+1, UserText(titleOr(l)), UserRef(l.UserID), thousands(l.Listeners), l.Provenance)
	}
	return m
}

// sortDigestRows orders rows by Spaces logged, most first, then by user
// id.
func sortDigestRows(rows *reportRows[digestRow]) []digestRow {
	return rows.sorted(func(a, b *digestRow) int {
		if a, b := len(a.week.Logs), len(b.week.Logs); a != b {
			return b - a
		}
		return strings.Compare(a.host.UserID, b.host.UserID)
	})
}

// topSpaces keeps the digestTopN logs with the most listeners, of those
// added, the first added first among equals, none with 0 listeners.
type topSpaces struct{ logs []SpaceLog }

func (t *topSpaces) add(l SpaceLog) {
	if l.Listeners == 0 || len(t.logs) == digestTopN && l.Listeners <= t.logs[digestTopN-1].Listeners {
		return
	}
	i := len(t.logs)
	for i > 0 && t.logs[i-1].Listeners < l.Listeners {
		i--
	}
	t.logs = slices.Insert(t.logs, i, l)
	if len(t.logs) > digestTopN {
		t.logs = t.logs[:digestTopN]
	}
}

func titleOr(l SpaceLog) string {
	if l.Title != "" {
		return "“" + l.Title + "”"
	}
	return displayID(l)
}

// streakLeaders are the digestTopN hosts with the longest streaks, in
// rows' order among equals, none with no streak.
func streakLeaders(rows []digestRow) Line {
	var leaders []digestRow
	for _, r := range rows {
		if r.streak == 0 || len(leaders) == digestTopN && r.streak <= leaders[digestTopN-1].streak {
			continue
		}
		i := len(leaders)
		for i > 0 && leaders[i-1].streak < r.streak {
			i--
		}
		leaders = slices.Insert(leaders, i, r)
		if len(leaders) > digestTopN {
			leaders = leaders[:digestTopN]
		}
	}
	var spans []Span
	for _, r := range leaders {
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
