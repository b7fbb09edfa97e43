package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// How a Space the watcher saw becomes a log: once its creator was polled
// and X no longer returns it live, it is looked up once more (for
// ended_at) and logged as verified by X for its creator's host, with the
// peak participant count as its listeners. A Space logged by hand already
// is upgraded in place; a one-click log of the same scheduled slot, or a
// hand log it overlaps, is replaced: an auto-log is never refused by the
// overlap rule. Co-hosts see it as co-hosted (SeenSpacesOf); it counts
// for its creator only.

// settle looks up the open Spaces whose creator X answered for without
// returning them, and logs the ones that ended.
func (w *Watcher) settle(ctx context.Context, set *watchSet, got polled, now time.Time) {
	var ids []string
	gone := map[string][]wsSeen{}
	for ws, open := range set.open {
		for _, sp := range open {
			stale := sp.State == XLive && now.Sub(sp.LastSeen) > staleLive
			if got.spaces[sp.ID] || (!got.creators[sp.CreatorID] && !stale) {
				continue // still there, or not asked about this round
			}
			if len(gone[sp.ID]) == 0 {
				ids = append(ids, sp.ID)
			}
			gone[sp.ID] = append(gone[sp.ID], wsSeen{ws, sp})
		}
	}
	for batch := range slices.Chunk(ids, MaxXBatch) {
		res, err := w.x.Spaces(ctx, batch)
		if err != nil {
			w.log.Warn("watching X: looking up Spaces that are no longer live failed; trying again next round", "spaces", len(batch), "err", err)
			w.settleStale(ctx, set, gone, batch, now)
			return
		}
		w.settleBatch(ctx, set, gone, batch, res, now)
	}
}

// wsSeen is a seen Space and the workspace it was seen in.
type wsSeen struct {
	ws WorkspaceRef
	sp SeenSpace
}

// settleBatch acts on X's answer for Spaces no longer returned live: an
// ended one is logged, one X cannot find is logged as last seen if it was
// live (X forgets ended Spaces) and forgotten if it was only scheduled
// (cancelled), one still live or scheduled stays open.
func (w *Watcher) settleBatch(ctx context.Context, set *watchSet, gone map[string][]wsSeen, batch []string, res XSpaces, now time.Time) {
	byID := map[string]XSpace{}
	for _, sp := range res.Spaces {
		byID[sp.ID] = sp
	}
	for _, id := range batch {
		x, found := byID[id]
		for _, g := range gone[id] {
			var err error
			switch {
			case found && x.State == XEnded:
				g.sp.Title = firstText(x.Title, g.sp.Title)
				g.sp.StartedAt = firstNonZero(x.StartedAt, g.sp.StartedAt, g.sp.LastSeen)
				g.sp.Peak = max(g.sp.Peak, x.Participants)
				err = w.finish(ctx, set, g.ws, g.sp, firstNonZero(x.EndedAt, g.sp.LastSeen), now)
			case found:
				continue // X still has it live or scheduled: next round sees it
			case g.sp.State == XLive:
				err = w.finish(ctx, set, g.ws, g.sp, g.sp.LastSeen, now)
			default:
				err = w.store.DeleteSeenSpace(ctx, g.ws, id) // scheduled, then cancelled
			}
			if err != nil {
				w.log.Error("watching X: settling a Space", "workspace", g.ws.Key(), "space", id, "err", err)
			}
		}
	}
}

// settleStale logs the live Spaces of batch unseen for staleLive while X
// could not be asked, as they were last seen; the rest wait.
func (w *Watcher) settleStale(ctx context.Context, set *watchSet, gone map[string][]wsSeen, batch []string, now time.Time) {
	for _, id := range batch {
		for _, g := range gone[id] {
			if g.sp.State != XLive || now.Sub(g.sp.LastSeen) <= staleLive {
				continue
			}
			if err := w.finish(ctx, set, g.ws, g.sp, g.sp.LastSeen, now); err != nil {
				w.log.Error("watching X: settling a Space", "workspace", g.ws.Key(), "space", id, "err", err)
			}
		}
	}
}

func firstText(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// finish records that sp ended at end: its creator's host gets the log
// (first, so a crash in between logs it again, which is idempotent), then
// the record closes.
func (w *Watcher) finish(ctx context.Context, set *watchSet, ws WorkspaceRef, sp SeenSpace, end, now time.Time) error {
	sp.State, sp.EndedAt = XEnded, end
	if sp.StartedAt.IsZero() {
		sp.StartedAt = firstNonZero(sp.ScheduledStart, sp.LastSeen, end)
	}
	if wh := set.users[ws][sp.UserID]; wh != nil {
		if err := w.autoLog(ctx, wh, sp, now); err != nil {
			return err
		}
	}
	if err := w.store.PutSeenSpace(ctx, ws, sp); err != nil {
		return err
	}
	w.touchLinks(ctx, set, ws, sp, end)
	return nil
}

// verifiedLog is the log X's account of sp makes for its creator's host.
func verifiedLog(sp SeenSpace, userID string, now time.Time) SpaceLog {
	minutes := int(sp.EndedAt.Sub(sp.StartedAt).Round(time.Minute) / time.Minute)
	return SpaceLog{
		SpaceID: sp.ID, UserID: userID, Title: sp.Title, Start: sp.StartedAt, Listeners: sp.Peak,
		Minutes: min(max(minutes, 1), maxLogMinutes), LoggedAt: now, Provenance: VerifiedByX,
	}
}

// autoLog logs sp, which ended, for wh, its creator's host: a new log, an
// upgrade of a log of the same Space, or in place of a hand log of the
// same slot or on air at the same time. The host is told by DM.
func (w *Watcher) autoLog(ctx context.Context, wh *watched, sp SeenSpace, now time.Time) error {
	ws := wh.ws
	if rv, err := w.store.Review(ctx, ws, sp.ID); err == nil && rv.Decision == ReviewRejected {
		return nil // staff rejected this Space: it stays out
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	l := verifiedLog(sp, wh.host.UserID, now)
	old, err := w.store.Log(ctx, ws, sp.ID)
	switch {
	case err == nil && old.Provenance.Verified() && old.UserID == l.UserID:
		return w.refresh(ctx, ws, old, l) // verified from a pasted link already
	case err == nil:
		return w.upgrade(ctx, wh, sp, old, l)
	case !errors.Is(err, ErrNotFound):
		return err
	}
	replacing, err := w.placeLog(ctx, wh, &l)
	if err != nil {
		return err
	}
	if replacing != "" {
		err = w.store.ReplaceLog(ctx, ws, replacing, l)
	} else {
		err = w.store.AddLog(ctx, ws, l)
	}
	if err != nil && !errors.Is(err, ErrExists) {
		return err
	}
	return w.told(ctx, wh, l, "✓ Logged automatically", now, nil)
}

// refresh brings a log verified from a pasted link up to what the watcher
// saw: the peak and the length. No DM: the host was told when they logged it.
func (w *Watcher) refresh(ctx context.Context, ws WorkspaceRef, old, l SpaceLog) error {
	up := old
	up.Listeners = max(old.Listeners, l.Listeners)
	if old.Minutes == 0 {
		up.Minutes = l.Minutes
	}
	if up == old {
		return nil
	}
	return w.store.ReplaceLog(ctx, ws, old.SpaceID, up)
}

// upgrade replaces old, a log of the same Space that X did not verify
// (a pasted link, staff's) or another host's, by X's. A log that moves
// to the Space's creator is never moved in silence: its first host is
// told whom it counts for now, and the creator who logged it first.
func (w *Watcher) upgrade(ctx context.Context, wh *watched, sp SeenSpace, old, l SpaceLog) error {
	l.ScheduleID, l.Occurrence, l.LoggedBy = old.ScheduleID, old.Occurrence, old.LoggedBy
	l.Title = firstText(l.Title, old.Title)
	moved := old.UserID != l.UserID
	if moved { // it counts for its creator only
		l.ScheduleID, l.Occurrence, l.LoggedBy = 0, time.Time{}, ""
	}
	if err := w.store.ReplaceLog(ctx, wh.ws, old.SpaceID, l); err != nil {
		return err
	}
	now := w.clock.Now()
	if !moved {
		return w.told(ctx, wh, l, "✓ Verified by X", now, nil)
	}
	coHost := slices.Contains(sp.CoHosts, old.UserID)
	w.planner.LogsChanged(ctx, wh.ws, old.UserID)
	if err := w.tellMoved(ctx, wh, old, l, coHost, now); err != nil {
		return err
	}
	first := Linef("It was logged first by %s, whom X does not list among its hosts.", UserRef(old.UserID))
	if coHost {
		first = Linef("It was logged first by %s, a co-host: a Space counts for its creator.", UserRef(old.UserID))
	}
	return w.told(ctx, wh, l, "✓ Verified by X", now, first)
}

// tellMoved tells the host whose log of a Space now counts for its
// creator (l) whom it counts for, and where their week stands.
func (w *Watcher) tellMoved(ctx context.Context, wh *watched, old, l SpaceLog, coHost bool, now time.Time) error {
	oh, err := w.store.Host(ctx, wh.ws, old.UserID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	rec, err := AccountHost(ctx, w.store, wh.ws, wh.co, oh, now)
	if err != nil {
		return err
	}
	named := old
	named.Title = firstText(l.Title, old.Title)
	msg := MovedLogMessage(named, l.UserID, coHost, weekOfLog(wh.co, rec, old, now))
	job := Job{Key: fmt.Sprintf("%s/xmoved/%s/%s", wh.ws.Key(), url.PathEscape(old.UserID), old.SpaceID), Kind: JobDM,
		Workspace: wh.ws, Due: now, UserID: old.UserID, Message: &msg, Personal: true}
	return w.store.AddJobs(ctx, []Job{job}) // told dispatches
}

// MovedLogMessage tells a host that their log of a Space counts for
// creatorID now, the Space's creator on X.
func MovedLogMessage(old SpaceLog, creatorID string, coHost bool, lw logWeek) Message {
	name := Line{Text("Space " + old.SpaceID)}
	if old.Title != "" {
		name = Line{UserText("‘" + old.Title + "’"), Text(" (Space " + old.SpaceID + ")")}
	}
	line := append(Line{Text("Your log of ")}, name...)
	line = append(line, Linef(" now counts for %s, who created it on X", UserRef(creatorID))...)
	if coHost {
		line = append(line, Text(": a Space counts for its creator, and you see it in /spaces history as co-hosted."))
	} else {
		line = append(line, Text("; X does not list you among its hosts."))
	}
	var m Message
	m.Add(append(line, logWeekNote(lw)...))
	return m
}

// placeLog attaches l to the scheduled occurrence it stands for, if any,
// and returns the hand log it replaces: the one-click log of that slot,
// else the first log X did not verify that it overlaps.
func (w *Watcher) placeLog(ctx context.Context, wh *watched, l *SpaceLog) (string, error) {
	if slots := candidateOccurrences(wh.schedules, l.Start, true); len(slots) > 0 {
		o := slots[0] // the nearest
		logs, err := occurrenceLogs(ctx, w.store, wh.ws, l.UserID, o.Start)
		if err != nil {
			return "", err
		}
		// A slot another Space of X's took is not this one's.
		if ex, logged := OccurrenceLog(logs, o); !logged || !ex.Provenance.Verified() {
			l.ScheduleID, l.Occurrence = o.Schedule.ID, o.Start
			if logged && ex.SpaceID != "" {
				return ex.SpaceID, nil
			}
		}
	}
	clashes, err := OverlappingLogs(ctx, w.store, wh.ws, *l, wh.co.OverlapGap())
	if err != nil {
		return "", err
	}
	for _, ex := range clashes {
		if l.Provenance.Upgrades(ex.Provenance) {
			if l.ScheduleID == 0 {
				l.ScheduleID, l.Occurrence = ex.ScheduleID, ex.Occurrence
			}
			return ex.SpaceID, nil
		}
	}
	return "", nil
}

// told tells the planner of the host's new log and queues their DM, once
// per Space, with extra (if any) as its second line.
func (w *Watcher) told(ctx context.Context, wh *watched, l SpaceLog, head string, now time.Time, extra Line) error {
	w.planner.LogsChanged(ctx, wh.ws, l.UserID)
	rec, err := AccountHost(ctx, w.store, wh.ws, wh.co, wh.host, now)
	if err != nil {
		return err
	}
	msg := AutoLogMessage(head, l, weekOfLog(wh.co, rec, l, now), wh.host.Location(wh.co, ""))
	if extra != nil {
		msg.Add(extra)
	}
	job := Job{Key: fmt.Sprintf("%s/xlog/%s/%s", wh.ws.Key(), url.PathEscape(l.UserID), l.SpaceID), Kind: JobDM,
		Workspace: wh.ws, Due: now, UserID: l.UserID, Message: &msg}
	if err := queue(ctx, w.store, w.planner, job); err != nil {
		return err
	}
	return nil
}

// logWeek is where a log leaves its host: the week it counts in, and
// the log it counts once with (countedAs) when the overlap rule counts
// that one instead.
type logWeek struct {
	week      HostWeek
	current   bool
	found     bool
	countedAs *SpaceLog
	gap       time.Duration
}

func weekOfLog(co Cohort, rec HostRecord, l SpaceLog, now time.Time) logWeek {
	wk, ok := rec.WeekStarting(co.WeekOf(l.Start).Start)
	lw := logWeek{week: wk, current: ok && wk.Week.Contains(now), found: ok, gap: co.OverlapGap()}
	for _, w := range rec.Weeks {
		for _, c := range w.Logs { // the counted logs
			if c.SpaceID == l.SpaceID {
				return lw
			}
			if lw.countedAs == nil && overlaps(c, l, lw.gap) {
				lw.countedAs = &c
			}
		}
	}
	return lw
}

// countedOnce says that l counts once with c, which counts.
func countedOnce(l, c SpaceLog, gap time.Duration, loc *time.Location) Line {
	var line Line
	switch when := At(c.Start, loc, TimeFull); {
	case l.Start.Before(c.Start):
		line = append(Line{Text(" ")}, spaceName(c))
		line = append(line, Linef(" (%s) started less than %s after it", when, HumanDuration(gap))...)
	case l.Start.Before(c.Start.Add(time.Duration(c.Minutes) * time.Minute)):
		line = append(Line{Text(" It was on air during ")}, spaceName(c))
		line = append(line, Linef(" (from %s)", when)...)
	default:
		line = append(Linef(" It started less than %s after ", HumanDuration(gap)), spaceName(c))
		line = append(line, Linef(" (%s)", when)...)
	}
	line = append(line, Text(", so the two count as one Space: "), spaceName(c))
	return append(line, Text("."))
}

// AutoLogMessage is the DM a host gets when X's account of a Space is
// logged for them: "✓ Logged automatically: ‘Night owls’, 20:02–21:10,
// 143 listeners at peak. This week: 2 of 2 — on track."
func AutoLogMessage(head string, l SpaceLog, lw logWeek, loc *time.Location) Message {
	line := Linef("%s: %s, %s–%s, %s at peak.", head, spaceName(l), At(l.Start, loc, TimeShort),
		At(l.Start.Add(time.Duration(l.Minutes)*time.Minute), loc, TimeShort), countOf(l.Listeners, "listener"))
	if lw.countedAs != nil {
		line = append(line, countedOnce(l, *lw.countedAs, lw.gap, loc)...)
	}
	var m Message
	m.Add(append(line, logWeekNote(lw)...))
	return m
}

// logWeekNote is " This week: 2 of 2 — on track.", or the week's from its
// start date when it is not the current one.
func logWeekNote(lw logWeek) Line {
	switch {
	case lw.current:
		return Linef(" This week: %d of %d — %s.", len(lw.week.Logs), lw.week.Quota, lw.week.Standing)
	case lw.found:
		return Linef(" The week from %s: %d of %d — %s.", lw.week.Week.StartDate, len(lw.week.Logs), lw.week.Quota, lw.week.Standing)
	}
	return nil
}

// spaceName is a Space in a sentence: ‘Night owls’, or Space 1eaK… untitled.
func spaceName(l SpaceLog) Span {
	if l.Title != "" {
		return UserText("‘" + l.Title + "’")
	}
	return Text("Space " + l.SpaceID)
}

// countOf renders "1 listener", "1,204 listeners".
func countOf(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return thousands(n) + " " + word + "s"
}
