package bot

import (
	"context"
	"sort"
	"time"
)

// One Space counts once: a host is never on air twice at once. Two logs of
// one host overlap when their spans meet, a log's span running from its
// start for its minutes, or for the cohort's overlap gap if that is
// longer. So a log starting less than the gap after another, or inside its
// minutes:, overlaps it; Spaces the gap or more apart are back to back.
// /spaces log refuses an overlapping log unless it upgrades the same Space
// (see Router.attach and Provenance.Upgrades) or staff force it; logs
// stored before the rule count once (CountOnce).

// DefaultOverlapMinutes is a new cohort's overlap gap.
const DefaultOverlapMinutes = 30

// maxLogMinutes bounds a log's minutes (the minutes option's max), so the
// overlap check reads back at most this far. Logs from elsewhere (X's)
// must keep within it.
const maxLogMinutes = 24 * 60

// OverlapGap is the cohort's overlap gap (the default for a cohort saved
// before it had one).
func (c Cohort) OverlapGap() time.Duration {
	if c.OverlapMinutes <= 0 {
		return DefaultOverlapMinutes * time.Minute
	}
	return time.Duration(c.OverlapMinutes) * time.Minute
}

// end is when l's span ends, for a gap.
func (l SpaceLog) end(gap time.Duration) time.Time {
	return l.Start.Add(max(time.Duration(l.Minutes)*time.Minute, gap))
}

// overlaps reports whether logs a and b, of one host, are on air at once.
func overlaps(a, b SpaceLog, gap time.Duration) bool {
	return a.Start.Before(b.end(gap)) && b.Start.Before(a.end(gap))
}

// OverlappingLogs returns the logs of l.UserID that overlap l, by Start,
// leaving out l's own Space id. It reads one key range: the logs that
// started up to a day (the longest a log runs) before l, through l's span.
func OverlappingLogs(ctx context.Context, st HostData, ws WorkspaceRef, l SpaceLog, gap time.Duration) ([]SpaceLog, error) {
	back := max(maxLogMinutes*time.Minute, gap)
	near, err := st.LogsOf(ctx, ws, l.UserID, l.Start.Add(-back), l.end(gap))
	if err != nil {
		return nil, err
	}
	var out []SpaceLog
	for _, ex := range near {
		if ex.SpaceID != l.SpaceID && overlaps(ex, l, gap) {
			out = append(out, ex)
		}
	}
	return out, nil
}

// Overlap is a pair of stored logs of one host on air at once: Dropped
// does not count, because Counted does.
type Overlap struct {
	Counted, Dropped SpaceLog
}

// CountOnce returns the logs of one host that count (logs by Start, as
// stores return them; the result keeps that order) and the overlapping
// ones that do not. Of logs on air at once, the strongest provenance
// counts, then the first logged. A forced log counts on its own and
// drops nothing. Logs that overlap nothing are returned as they are.
func CountOnce(logs []SpaceLog, gap time.Duration) ([]SpaceLog, []Overlap) {
	if !anyOverlap(logs, gap) {
		return logs, nil
	}
	order := make([]int, len(logs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return stronger(logs[order[i]], logs[order[j]]) })
	counts := make([]bool, len(logs))
	var kept []int // counted logs that are not forced
	var out []Overlap
	for _, i := range order {
		if j, clash := clashWith(logs, kept, logs[i], gap); clash && !logs[i].Forced {
			out = append(out, Overlap{Counted: logs[j], Dropped: logs[i]})
			continue
		}
		counts[i] = true
		if !logs[i].Forced {
			kept = append(kept, i)
		}
	}
	var counted []SpaceLog
	for i, l := range logs {
		if counts[i] {
			counted = append(counted, l)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Dropped.Start.Before(out[j].Dropped.Start) })
	return counted, out
}

// anyOverlap reports whether two logs that are not forced may overlap:
// one pass over logs by Start (logs out of order answer yes).
func anyOverlap(logs []SpaceLog, gap time.Duration) bool {
	var last SpaceLog
	var reach time.Time // the latest end so far
	seen := false
	for _, l := range logs {
		if l.Forced {
			continue
		}
		if seen && (l.Start.Before(last.Start) || l.Start.Before(reach)) {
			return true
		}
		if e := l.end(gap); !seen || e.After(reach) {
			reach = e
		}
		last, seen = l, true
	}
	return false
}

// stronger orders logs by which counts when they overlap.
func stronger(a, b SpaceLog) bool {
	if a.Provenance != b.Provenance {
		return a.Provenance > b.Provenance
	}
	if !a.LoggedAt.Equal(b.LoggedAt) {
		return a.LoggedAt.Before(b.LoggedAt)
	}
	return a.SpaceID < b.SpaceID
}

// clashWith returns the first of logs[kept] that l overlaps.
func clashWith(logs []SpaceLog, kept []int, l SpaceLog, gap time.Duration) (int, bool) {
	for _, j := range kept {
		if overlaps(logs[j], l, gap) {
			return j, true
		}
	}
	return 0, false
}

// countedFrom is CountOnce's verdict on the logs of one host that started
// at or after from, told from logs, theirs that started at or after read
// (by Start, as stores return them), without the earlier ones: logs that
// overlap form chains, and a log's fate depends only on its chain, so it
// is enough to find a cut, a point at which no log before reaches a log
// after, between read plus the longest a log runs (no unread log reaches
// past that) and from. Forced logs count on their own and are no part of
// any chain. The result holds the counted logs after the cut, forced ones
// before it, and nothing else; ok is false if there is no cut (logs that
// overlap all the way), and then the caller must read earlier logs.
func countedFrom(logs []SpaceLog, gap time.Duration, read, from time.Time) ([]SpaceLog, bool) {
	safe := read.Add(max(maxLogMinutes*time.Minute, gap))
	var reach time.Time // the latest end of a log before i that is not forced
	seen := false
	cut := len(logs)
	for i, l := range logs {
		if l.Forced {
			continue
		}
		if !l.Start.Before(safe) && (!seen || !l.Start.Before(reach)) {
			cut = i
			break
		}
		if !l.Start.Before(from) {
			return nil, false // the chain runs into from's week
		}
		if e := l.end(gap); !seen || e.After(reach) {
			reach = e
		}
		seen = true
	}
	var out []SpaceLog
	for _, l := range logs[:cut] {
		if l.Forced {
			out = append(out, l)
		}
	}
	counted, _ := CountOnce(logs[cut:], gap)
	if len(out) == 0 {
		return counted, true
	}
	return append(out, counted...), true
}

// countedLogs is the logs of one host that count in c.
func countedLogs(c Cohort, logs []SpaceLog) []SpaceLog {
	counted, _ := CountOnce(logs, c.OverlapGap())
	return counted
}

// countedEach is CountOnce for the logs of many hosts (by Start): the ones
// that count, in the same order.
func countedEach(c Cohort, logs []SpaceLog) []SpaceLog {
	byUser := map[string][]SpaceLog{}
	for _, l := range logs {
		byUser[l.UserID] = append(byUser[l.UserID], l)
	}
	counts := map[string]bool{}
	for _, own := range byUser {
		for _, l := range countedLogs(c, own) {
			counts[l.SpaceID] = true
		}
	}
	var out []SpaceLog
	for _, l := range logs {
		if counts[l.SpaceID] {
			out = append(out, l)
		}
	}
	return out
}

// overlapRefusal refuses l, which overlaps first: it names the first log
// and says what to do. forHost is set when staff log for the host.
func overlapRefusal(l, first SpaceLog, gap time.Duration, loc *time.Location, forHost bool) Response {
	whose, apostrophe := Text("your"), Text("")
	if forHost {
		whose, apostrophe = UserRef(l.UserID), Text("'s")
	}
	resp := Reply("That overlaps %s%s %s%s, started %s: a host is on air once at a time, so logs less than %s apart (or inside a log's minutes:) are one Space.",
		whose, apostrophe, logNoun(first), titleSuffix(first.Title), At(first.Start, loc, TimeFull), HumanDuration(gap))
	if !first.Provenance.HasSpaceID() {
		resp.Addf("If it is the same Space, log its link with at:\"%s\" to replace it.", first.Start.In(loc).Format("2006-01-02 15:04"))
	} else {
		resp.Addf("If the first is wrong, remove it with /spaces unlog space:%s.", first.SpaceID)
	}
	if forHost {
		resp.Addf("If they really are two Spaces, add force:true to log it anyway.")
	}
	resp.Ephemeral, resp.Failed = true, true
	return resp
}

// logNoun names a log in a sentence: "log of Space 1eaK…", "one-click log".
func logNoun(l SpaceLog) string {
	if !l.Provenance.HasSpaceID() {
		return "one-click log"
	}
	return "log of Space " + l.SpaceID
}

// weekOverlaps are the stored logs of week that overlap another log of
// their host and so count once (logs from before the rule, or forced
// ones' neighbours are not among them), so staff can remove the wrong one.
// They are gathered host by host, by user id, from each host's logs that
// started from a day (the longest a log runs) before the week through its
// end.
type weekOverlaps struct {
	gap   time.Duration
	week  Week
	from  time.Time
	loc   *time.Location
	lines []Line
}

func newWeekOverlaps(co Cohort, week Week) *weekOverlaps {
	back := max(maxLogMinutes*time.Minute, co.OverlapGap())
	return &weekOverlaps{gap: co.OverlapGap(), week: week, from: week.Start.Add(-back), loc: co.Location()}
}

// add gathers userID's overlaps. Every log's user has a host record (only
// hosts log), so a pass over the hosts sees every log.
func (o *weekOverlaps) add(ctx context.Context, ws WorkspaceRef, userID string, data HostData) error {
	logs, err := data.LogsOf(ctx, ws, userID, o.from, o.week.End)
	if err != nil {
		return err
	}
	_, overlaps := CountOnce(logs, o.gap)
	for _, ov := range overlaps {
		if o.week.Contains(ov.Dropped.Start) {
			o.lines = append(o.lines, Linef("%s: %s, %s, overlaps %s, %s", UserRef(userID),
				displayID(ov.Dropped), At(ov.Dropped.Start, o.loc, TimeFull), displayID(ov.Counted), At(ov.Counted.Start, o.loc, TimeFull)))
		}
	}
	return nil
}

// render appends the overlaps to m, if there are any.
func (o *weekOverlaps) render(m *Message) {
	if len(o.lines) == 0 {
		return
	}
	m.Section("Logs that overlap, counted once")
	m.Add(o.lines...)
	m.Note("A host is on air once at a time. Remove the wrong log with /spaces unlog space:<id> user:@host (a one-click log by its time: at:\"YYYY-MM-DD HH:MM\" for space:). " +
		"If both are real, remove the one not counted and log it again with force:true: " +
		`/spaces unlog space:<id> user:@host, then /spaces log url:<id> at:"YYYY-MM-DD HH:MM" user:@host force:true; a forced log always counts.`)
}
