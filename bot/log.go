package bot

import (
	"context"
	"errors"
	"strings"
	"time"
)

func (r *Router) spacesLog(ctx context.Context, c *Call) (Response, error) {
	l, err := newLog(ctx, c)
	if err != nil {
		return Response{}, err
	}
	co, h, err := r.logger(ctx, c, l)
	if err != nil {
		return Response{}, err
	}
	now := r.clock.Now()
	loc := h.Location(co, c.UserZone)
	typed := c.Has("at")
	l.Start, l.LoggedAt = now, now
	if typed {
		dt := optionValue[DateTime](c, "at")
		l.Start = LocalTime(dt.Date, dt.Time, loc)
	}
	if err := checkLogTime(l.Start, now, loc, func() bool { return c.staff(ctx) }); err != nil {
		return Response{}, err
	}
	if week := co.WeekOf(l.Start); l.Provenance == StaffLogged && !h.MemberDuring(co, week.Start, week.End) {
		return Response{}, NotFoundf("%s was not a host of %s in %s; staff can log only the weeks they were a member in.",
			mentionText(h.UserID), co.Name, co.weekName(week))
	}
	if err := r.refuseRejected(ctx, c.Workspace, l.SpaceID); err != nil {
		return Response{}, err
	}
	xc, err := r.checkOnX(ctx, c, co, h, &l, typed, loc)
	if err != nil {
		return Response{}, err
	}
	p, refusal, err := r.planLog(ctx, c, co, l, typed || xc.verified, loc)
	if err != nil || refusal != nil {
		return derefResponse(refusal), err
	}
	if p.replaces == "" {
		p.replaces = xc.replaces
	}
	if err := r.saveLog(ctx, c, p.log, p.replaces); err != nil {
		return Response{}, err
	}
	r.recheckLater(ctx, c.Workspace, p.log, xc)
	note, err := r.logsChanged(ctx, c.Workspace, co, h, p.log.Start, +1)
	if err != nil {
		return Response{}, err
	}
	if p.log.LoggedBy != "" {
		r.tellHost(ctx, c.Workspace, co, "log", h.UserID, now, staffLogMessage(p.log, p.clashes, note, h.Location(co, "")))
	}
	resp := logReply(p.log, p.replaces != "", p.clashes, loc)
	xc.note(&resp, p.replaces != "")
	resp.Add(note...)
	return resp, nil
}

// logPlan is a new log as it will be stored: the log, the log it
// replaces as the same Space (if any), and the logs it overlaps.
type logPlan struct {
	log      SpaceLog
	replaces string
	clashes  []SpaceLog
}

// planLog ties l to its scheduled occurrence (attach) and applies the
// overlap rule: l may replace the one log it overlaps when it upgrades it,
// is kept beside it, marked Forced, with staff's force:true, and is
// otherwise refused, the refusal naming the first.
func (r *Router) planLog(ctx context.Context, c *Call, co Cohort, l SpaceLog, typed bool, loc *time.Location) (logPlan, *Response, error) {
	replaces, err := r.attach(ctx, c, &l, typed)
	if err != nil {
		return logPlan{}, nil, err
	}
	clashes, err := r.overlapping(ctx, c.Workspace, co, l, replaces)
	if err != nil || len(clashes) == 0 {
		return logPlan{log: l, replaces: replaces}, nil, err
	}
	switch {
	case len(clashes) == 1 && replaces == "" && l.Provenance.Upgrades(clashes[0].Provenance):
		replaces = clashes[0].SpaceID
	case optionValue[string](c, "force") == "true":
		l.Forced = true
	default:
		refusal := overlapRefusal(l, clashes[0], co.OverlapGap(), loc, l.Provenance == StaffLogged)
		return logPlan{}, &refusal, nil
	}
	return logPlan{log: l, replaces: replaces, clashes: clashes}, nil, nil
}

// derefResponse is *resp, or an empty response for nil.
func derefResponse(resp *Response) Response {
	if resp == nil {
		return Response{}
	}
	return *resp
}

// logger loads the cohort and the host a log is for: the caller, who must
// be a member, or the host staff name with user:, who must have been one
// (checked against the log's time once it is known).
func (r *Router) logger(ctx context.Context, c *Call, l SpaceLog) (Cohort, Host, error) {
	if l.Provenance != StaffLogged {
		return r.member(ctx, c)
	}
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Cohort{}, Host{}, err
	}
	h, err := r.store.Host(ctx, c.Workspace, l.UserID)
	if errors.Is(err, ErrNotFound) || err == nil && !h.WasMember(co) {
		return Cohort{}, Host{}, NotFoundf("%s is not a host of %s.", mentionText(l.UserID), co.Name)
	}
	return co, h, err
}

// logReply tells what /spaces log stored: l, in place of another log of
// the same Space when upgraded, or forced beside clashes.
func logReply(l SpaceLog, upgraded bool, clashes []SpaceLog, loc *time.Location) Response {
	verb := "Logged"
	switch {
	case upgraded && l.Provenance.Verified():
		verb = "Verified by X: logged"
	case upgraded:
		verb = "Replaced your one-click log with its link: logged"
	}
	resp := Reply("%s Space %s%s, started %s.", verb, l.SpaceID, titleSuffix(l.Title), At(l.Start, loc, TimeFull))
	if l.Forced {
		first := clashes[0]
		resp.Addf("Forced over the overlap with %s%s, %s: both count.", displayID(first), titleSuffix(first.Title), At(first.Start, loc, TimeFull))
	}
	return resp
}

// newLog starts the log /spaces log makes from its options. With user:,
// staff log for that host, and from here on the call is theirs.
func newLog(ctx context.Context, c *Call) (SpaceLog, error) {
	l := SpaceLog{
		SpaceID: optionValue[string](c, "url"), Title: optionValue[string](c, "title"),
		Listeners: optionValue[int](c, "listeners"), Minutes: optionValue[int](c, "minutes"),
		Provenance: LinkNotVerified,
	}
	if c.Has("user") {
		if !c.staff(ctx) {
			return SpaceLog{}, Forbiddenf("Only staff may log a Space for another host; leave out user: to log your own.")
		}
		if target := optionValue[string](c, "user"); target != c.UserID {
			l.Provenance, l.LoggedBy = StaffLogged, c.UserID
			// The caller's profile is not the host's: never ask for it now.
			c.UserID, c.UserName, c.UserZone, c.Profile = target, "", "", nil
		}
	}
	if optionValue[string](c, "force") == "true" && l.Provenance != StaffLogged {
		return SpaceLog{}, Forbiddenf("Only staff may log with force:true, when they log for a host with user:.")
	}
	l.UserID = c.UserID
	return l, nil
}

// overlapping returns the host's logs that l overlaps, but for the log it
// replaces (replacing, if any).
func (r *Router) overlapping(ctx context.Context, ws WorkspaceRef, co Cohort, l SpaceLog, replacing string) ([]SpaceLog, error) {
	all, err := OverlappingLogs(ctx, r.store, ws, l, co.OverlapGap())
	if err != nil {
		return nil, err
	}
	var out []SpaceLog
	for _, ex := range all {
		if ex.SpaceID != replacing {
			out = append(out, ex)
		}
	}
	return out, nil
}

// saveLog stores l, in place of the log replacing names if any.
func (r *Router) saveLog(ctx context.Context, c *Call, l SpaceLog, replacing string) error {
	var err error
	if replacing != "" {
		err = r.store.ReplaceLog(ctx, c.Workspace, replacing, l)
	} else {
		err = r.store.AddLog(ctx, c.Workspace, l)
	}
	if errors.Is(err, ErrExists) {
		return r.duplicateLog(ctx, c, l.SpaceID)
	}
	return err
}

// attach ties a new log to the scheduled occurrence it stands for, if any
// (see matchOccurrence). Without at:, the log takes the occurrence's start,
// so a Space logged after midnight counts in the week it started. If the
// occurrence has a one-click log, the new log replaces it (the Space counts
// once) and attach returns the one-click log's id; if it is logged by
// another Space already, the new log stands alone.
func (r *Router) attach(ctx context.Context, c *Call, l *SpaceLog, typed bool) (upgrades string, err error) {
	schedules, err := r.store.SchedulesOf(ctx, c.Workspace, c.UserID)
	if err != nil {
		return "", err
	}
	var o Occurrence
	var existing SpaceLog
	var logged, found bool
	for _, cand := range candidateOccurrences(schedules, l.Start, typed) {
		logs, err := occurrenceLogs(ctx, r.store, c.Workspace, c.UserID, cand.Start)
		if err != nil {
			return "", err
		}
		// The first candidate not logged yet, or logged only by one click.
		if ex, ok := OccurrenceLog(logs, cand); !ok || !ex.Provenance.HasSpaceID() {
			o, existing, logged, found = cand, ex, ok, true
			break
		}
		if typed {
			break // the nearest is taken: this is another Space
		}
	}
	if !found {
		return "", nil
	}
	l.ScheduleID, l.Occurrence = o.Schedule.ID, o.Start
	if !typed {
		l.Start = o.Start
	}
	if !logged {
		return "", nil
	}
	if l.Title == "" {
		l.Title = existing.Title
	}
	return existing.SpaceID, nil
}

// checkLogTime enforces the log rules: not in the future, and for hosts
// not older than the backfill window.
//
// staff is asked only for a start past the backfill window: the caller's
// standing may cost the platform a round trip (Request.Profile).
func checkLogTime(start, now time.Time, loc *time.Location, staff func() bool) error {
	if start.After(now) {
		return Invalidf("at:%s is in the future; log a Space once it has started.", start.In(loc).Format("2006-01-02 15:04"))
	}
	if now.Sub(start) > HostBackfillDays*24*time.Hour && !staff() {
		return Invalidf("at:%s is more than %d days ago; hosts can log the last %d days only. Staff can log it for you with user:.",
			start.In(loc).Format("2006-01-02 15:04"), HostBackfillDays, HostBackfillDays)
	}
	return nil
}

func titleSuffix(title string) Span {
	if title == "" {
		return Text("")
	}
	return UserText(" (" + title + ")")
}

// duplicateLog explains a Space id that is logged already.
func (r *Router) duplicateLog(ctx context.Context, c *Call, spaceID string) error {
	existing, err := r.store.Log(ctx, c.Workspace, spaceID)
	if err != nil {
		return Conflictf("Space %s is already logged.", spaceID)
	}
	if existing.UserID == c.UserID {
		return Conflictf("You already logged Space %s on %s; each Space counts once.", spaceID, existing.LoggedAt.UTC().Format("2006-01-02"))
	}
	return Conflictf("Space %s is already logged by another host; each Space counts once. Ask staff if that's wrong.", spaceID)
}

// logsChanged accounts h's recent weeks (AccountRecent) after a log or
// unlog (delta +1 or -1) at t committed, hands the account to the planner,
// which re-checks the quota warnings from it, and returns the week note
// the reply ends with: one account serves both.
func (r *Router) logsChanged(ctx context.Context, ws WorkspaceRef, co Cohort, h Host, t time.Time, delta int) ([]Line, error) {
	acct, err := AccountRecent(ctx, r.store, ws, co, h, r.clock.Now(), t)
	if err != nil {
		return nil, err
	}
	r.planner.LogsAccounted(ctx, ws, acct)
	return weekNote(acct, t, delta), nil
}

// weekNote says where a log or unlog (delta +1 or -1) at t leaves the
// host, from their account after it: their standing this week, or, in a
// closed week, what it changed. It is empty outside the host's weeks.
func weekNote(acct RecentAccount, t time.Time, delta int) []Line {
	co, now := acct.Cohort, acct.Now
	week := co.WeekOf(t)
	if week.Start.After(now) {
		return nil
	}
	hw, ok := acct.Record.WeekStarting(week.Start)
	switch {
	case !ok:
		return nil
	case week.Contains(now):
		return []Line{Linef("This week: %d of %d — %s.", len(hw.Logs), hw.Quota, hw.Standing)}
	}
	return []Line{closedWeekNote(co, hw, delta)}
}

// closedWeekNote says what a log or unlog (delta) changed in a closed week:
// "Week 4 (from 2026-12-21) is now met: 2 of 2."
func closedWeekNote(co Cohort, hw HostWeek, delta int) Line {
	name := co.weekName(hw.Week)
	name = strings.ToUpper(name[:1]) + name[1:]
	n, q := len(hw.Logs), hw.Quota
	before := n - delta
	switch {
	case hw.Standing == Met && before < q:
		return Linef("%s is now met: %d of %d.", name, n, q)
	case hw.Standing == Met:
		return Linef("%s stays met: %d of %d.", name, n, q)
	case hw.Standing == Missed && before >= q:
		return Linef("%s is now missed: %d of %d.", name, n, q)
	case hw.Standing == Missed:
		return Linef("%s is still missed: %d of %d.", name, n, q)
	case hw.Standing == Excused:
		return Linef("%s is excused, so it counts as met either way: %d of %d logged.", name, n, q)
	}
	return Linef("%s does not count (%s): %d of %d logged.", name, hw.Standing, n, q)
}

func (r *Router) spacesUnlog(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	l, err := r.logToRemove(ctx, c, co)
	if err != nil {
		return Response{}, err
	}
	own := l.UserID == c.UserID
	if !own && !c.Staff {
		return Response{}, Forbiddenf("%s was logged by another host; you can remove only your own logs.", displayID(l))
	}
	if err := r.store.DeleteLog(ctx, c.Workspace, l.SpaceID); err != nil {
		return Response{}, err
	}
	resp := Reply("Removed the %s.", strings.Replace(displayID(l), "Space", "log of Space", 1))
	h, err := r.host(ctx, c)
	if !own {
		h, err = r.hostByID(ctx, c.Workspace, l.UserID, "")
	}
	if err != nil {
		r.planner.LogsChanged(ctx, c.Workspace, l.UserID)
		return Response{}, err
	}
	note, err := r.logsChanged(ctx, c.Workspace, co, h, l.Start, -1)
	if err != nil {
		return Response{}, err
	}
	resp.Add(note...)
	if !own {
		r.tellHost(ctx, c.Workspace, co, "unlog", l.UserID, r.clock.Now(), staffUnlogMessage(c.UserID, l, note, h.Location(co, "")))
	}
	return resp, nil
}

// tellHost DMs a host what staff did to their logs (the action: "log",
// "unlog"), as a staff-action notice (queueNotice): one DM per action,
// never two on a retry, reaching a host removed since. The change it tells
// of is committed already, so a failure here is logged for staff, not
// reported as the command's.
func (r *Router) tellHost(ctx context.Context, ws WorkspaceRef, co Cohort, action, userID string, at time.Time, msg Message) {
	if err := r.queueNotice(ctx, ws, co, action, userID, at, msg); err != nil {
		r.log.Error("could not queue the DM telling a host of a staff "+action, "workspace", ws.Key(), "user", userID, "err", err)
	}
}

// staffLogMessage tells a host staff logged l for them; forced over clashes.
func staffLogMessage(l SpaceLog, clashes []SpaceLog, note []Line, loc *time.Location) Message {
	var m Message
	m.Addf("%s logged Space %s%s for you, started %s.", UserRef(l.LoggedBy), l.SpaceID, titleSuffix(l.Title), At(l.Start, loc, TimeFull))
	if l.Forced {
		first := clashes[0]
		m.Addf("It overlaps your %s%s, %s; staff marked it forced, so both count.", logNoun(first), titleSuffix(first.Title), At(first.Start, loc, TimeFull))
	}
	m.Add(note...)
	return m
}

// staffUnlogMessage tells a host staff removed their log l.
func staffUnlogMessage(staffID string, l SpaceLog, note []Line, loc *time.Location) Message {
	var m Message
	m.Addf("%s removed your %s%s, started %s.", UserRef(staffID), logNoun(l), titleSuffix(l.Title), At(l.Start, loc, TimeFull))
	m.Add(note...)
	return m
}

// logToRemove finds the log /spaces unlog names: by its Space link or id,
// or, for a one-click log that has none, by when it started.
// With user: (staff only) it is that host's log.
func (r *Router) logToRemove(ctx context.Context, c *Call, co Cohort) (SpaceLog, error) {
	who, err := unlogFor(c)
	switch {
	case err != nil:
		return SpaceLog{}, err
	case c.Has("space") == c.Has("at"):
		return SpaceLog{}, Invalidf("Say which log: space:<link or id>, or for a one-click log at:\"YYYY-MM-DD HH:MM\" as /spaces status shows it.")
	case c.Has("space"):
		id := optionValue[string](c, "space")
		l, err := r.store.Log(ctx, c.Workspace, id)
		if errors.Is(err, ErrNotFound) {
			return SpaceLog{}, NotFoundf("Space %s is not logged.", id)
		}
		if err == nil && c.Has("user") && l.UserID != who {
			return SpaceLog{}, NotFoundf("Space %s is logged for %s, not %s.", id, mentionText(l.UserID), mentionText(who))
		}
		return l, err
	}
	h, zone, whose := Host{}, c.UserZone, "You have"
	if who == c.UserID {
		h, err = r.host(ctx, c)
	} else {
		h, err = r.hostByID(ctx, c.Workspace, who, "")
		zone, whose = "", mentionText(who)+" has"
	}
	if err != nil {
		return SpaceLog{}, err
	}
	dt := optionValue[DateTime](c, "at")
	at := LocalTime(dt.Date, dt.Time, h.Location(co, zone))
	logs, err := r.store.LogsOf(ctx, c.Workspace, who, at, at.Add(time.Minute))
	if err != nil {
		return SpaceLog{}, err
	}
	if len(logs) != 1 {
		return SpaceLog{}, NotFoundf("%s %d logs that started at %s %s; give space: to say which.", whose, len(logs), dt.Date, dt.Time)
	}
	return logs[0], nil
}

// unlogFor is whose log /spaces unlog removes: the caller's, or with user:
// (staff only) that host's.
func unlogFor(c *Call) (string, error) {
	if !c.Has("user") {
		return c.UserID, nil
	}
	if !c.Staff {
		return "", Forbiddenf("Only staff may remove another host's log; leave out user: to remove your own.")
	}
	return optionValue[string](c, "user"), nil
}
