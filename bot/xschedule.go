package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// Spaces a linked host scheduled on X (scheduled_start) count like their
// registered schedules: they show in /spaces status as upcoming, count
// toward "enough scheduled", and get the host's reminders. One that starts
// within 15 minutes of a registered occurrence is that occurrence, shown
// and reminded once.

// XReminderPrefix starts the key of every reminder of a Space userID
// scheduled on X: <ws>/xreminder/<user>/.
func XReminderPrefix(ws WorkspaceRef, userID string) string {
	return fmt.Sprintf("%s/xreminder/%s/", ws.Key(), url.PathEscape(userID))
}

func xReminderKey(ws WorkspaceRef, userID, spaceID string, start time.Time, lead time.Duration) string {
	return fmt.Sprintf("%s%s/%d/%d", XReminderPrefix(ws, userID), spaceID, start.Unix(), int64(lead/time.Second))
}

// registeredNear reports whether one of schedules has an occurrence within
// atTolerance of start: the same Space, registered.
func registeredNear(schedules []Schedule, start time.Time) bool {
	for _, s := range schedules {
		if len(s.Occurrences(start.Add(-atTolerance), start.Add(atTolerance+time.Nanosecond))) > 0 {
			return true
		}
	}
	return false
}

// remindScheduled queues the reminders of rec, a Space its creator's host
// scheduled on X, at their lead times; the scheduler checks each again
// when it is due (xReminderVerdict).
func (w *Watcher) remindScheduled(ctx context.Context, set *watchSet, ws WorkspaceRef, rec SeenSpace, now time.Time) error {
	wh := set.users[ws][rec.UserID]
	start := rec.ScheduledStart
	if wh == nil || wh.host.RemindersOff || start.IsZero() || !start.After(now) || registeredNear(wh.schedules, start) {
		return nil
	}
	var jobs []Job
	for _, lead := range wh.host.LeadTimes() {
		jobs = append(jobs, Job{Key: xReminderKey(ws, rec.UserID, rec.ID, start, lead), Kind: JobReminder, Workspace: ws,
			Due: start.Add(-lead), UserID: rec.UserID, SpaceID: rec.ID, Occurrence: start, Lead: lead})
	}
	if err := queue(ctx, w.store, w.planner, jobs...); err != nil {
		return err
	}
	return nil
}

// XReminder decides, when it is due, what the reminder job j of a Space
// scheduled on X sends: the message, or why it is not sent.
func XReminder(ctx context.Context, st Store, j Job, now time.Time) (msg Message, skip string, err error) {
	co, err := st.Cohort(ctx, j.Workspace)
	if err != nil {
		return Message{}, "", err
	}
	h, err := st.Host(ctx, j.Workspace, j.UserID)
	if err != nil || !h.MemberOf(co) {
		return Message{}, "not a host any more", ignoreNotFound(err)
	}
	sp, err := st.SeenSpace(ctx, j.Workspace, j.SpaceID)
	if err != nil {
		return Message{}, "X no longer has the Space scheduled", ignoreNotFound(err)
	}
	schedules, err := st.SchedulesOf(ctx, j.Workspace, j.UserID)
	if err != nil {
		return Message{}, "", err
	}
	switch {
	case sp.State != XScheduled || !sp.ScheduledStart.Equal(j.Occurrence):
		return Message{}, "the Space was started, moved or cancelled on X", nil
	case h.RemindersOff:
		return Message{}, "reminders are off", nil
	case !slices.Contains(h.LeadTimes(), j.Lead):
		return Message{}, "the host's reminder times changed", nil
	case registeredNear(schedules, j.Occurrence):
		return Message{}, "a registered schedule reminds of this Space", nil
	}
	for _, l := range h.LeadTimes() {
		if l < j.Lead && !now.Before(j.Occurrence.Add(-l)) {
			return Message{}, "a closer reminder of the same Space was due too", nil
		}
	}
	left := j.Occurrence.Sub(now).Round(time.Minute)
	return XReminderMessage(sp.Title, j.Occurrence, left, h.Location(co, "")), "", nil
}

func ignoreNotFound(err error) error {
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// XReminderMessage is the reminder of a Space scheduled on X. It has no
// button: the watcher logs the Space itself once it has ended.
func XReminderMessage(title string, start time.Time, lead time.Duration, loc *time.Location) Message {
	name := Text("Your Space")
	if title != "" {
		name = UserText("“" + title + "”")
	}
	m := messagef("⏰ %s starts in %s, at %s (scheduled on X).", name, HumanDuration(lead), At(start, loc, TimeFull))
	m.Addf("Host it on X as scheduled and I'll log it automatically when it ends.")
	return m
}

// xUpcoming are the Spaces the host scheduled on X that still count as
// scheduled in week w at now, as occurrences: not logged, not over by
// more than NudgeAfter, and not a registered occurrence already.
func xUpcoming(seen []SeenSpace, schedules []Schedule, logs []SpaceLog, now time.Time, w Week) []Occurrence {
	var out []Occurrence
	for _, sp := range seen {
		if sp.State != XScheduled || !w.Contains(sp.ScheduledStart) || registeredNear(schedules, sp.ScheduledStart) {
			continue
		}
		o := Occurrence{Schedule: Schedule{UserID: sp.UserID, Title: sp.Title, Duration: xScheduledLength},
			Start: sp.ScheduledStart, SpaceID: sp.ID}
		if _, logged := OccurrenceLog(logs, o); logged || slices.ContainsFunc(logs, func(l SpaceLog) bool { return l.SpaceID == sp.ID }) {
			continue
		}
		if o.End().Add(NudgeAfter).After(now) {
			out = append(out, o)
		}
	}
	return out
}

// scheduledOnX loads the Spaces userID scheduled on X from from to to,
// for accounting.
func scheduledOnX(ctx context.Context, st HostData, ws WorkspaceRef, userID string, from, to time.Time) ([]SeenSpace, error) {
	all, err := st.SeenSpacesOf(ctx, ws, userID, from, to)
	if err != nil {
		return nil, err
	}
	var out []SeenSpace
	for _, sp := range all {
		if sp.State == XScheduled && sp.UserID == userID {
			out = append(out, sp)
		}
	}
	return out, nil
}
