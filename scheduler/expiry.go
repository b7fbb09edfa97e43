package scheduler

import (
	"context"
	"fmt"
	"time"

	"sparkbot/bot"
)

// A job is late when it goes out after its time: the process was down, a
// platform kept failing, quiet hours held it. Each kind of job states here,
// once, what becomes of it then. The README's "Late deliveries" list is the
// late column of this table, word for word (a test keeps them in step).

// expiry is one kind's rule for going out late.
type expiry struct {
	// late says what becomes of a late job of the kind, for the README.
	late string
	// expired says why j can no longer go out at now, in words for staff,
	// or "" if it still can; nil if the kind never expires.
	expired func(s *Scheduler, ctx context.Context, j bot.Job, now time.Time) (string, error)
	// failed records an expired job as failed, so staff see it in
	// /cohort report and can act; otherwise it is recorded as skipped.
	failed bool
}

var expiries = map[bot.JobKind]expiry{
	bot.JobReminder: {
		late: "sent while its Space has not started, saying how long is left; when a closer " +
			"reminder of the same Space is due too, only that one goes. Once the Space has " +
			"started, it is not sent.",
		expired: reminderExpired,
	},
	bot.JobNudge: {
		late: fmt.Sprintf("held through the host's quiet hours (unless the Space was on air in "+
			"them: the host was up); sent late while the host can still log the Space (%d days "+
			"after it started, the hosts' backfill window); after that, or once the cohort "+
			"has ended, not sent.", bot.HostBackfillDays),
		expired: nudgeExpired,
	},
	bot.JobWarning: {
		late: "held through the host's quiet hours; at risk and last call also while one " +
			"of the host's Spaces is on air or just over, until its nudge, then sent with " +
			"the count as it stands, or not at all if a log made them untrue. At risk and " +
			"last call are not sent once their week has closed; missed (\"last week closed " +
			"at…\") not once the week after it has closed. None is sent once the cohort " +
			"has ended.",
		expired: warningExpired,
	},
	bot.JobCheck: {
		late: "runs once, on the standings at that moment, so it never warns about a week " +
			"that has closed; when several are due at once, only the last runs.",
		expired: checkExpired,
	},
	bot.JobDigest: {
		late: "never expires: every closed week's digest goes out once, oldest first, and one " +
			"more than an hour late says so and when it was due.",
	},
	bot.JobStipend: {
		late: "never expires: more than an hour late, the report says so and when it was due.",
	},
	bot.JobAnnounce: {
		late: "goes out up to a day late; after that it is not sent, and staff see it among " +
			"the failed deliveries in /cohort report, to send again if it still applies.",
		expired: announcementExpired,
		failed:  true,
	},
	bot.JobDM: {
		late: "fixed text (a welcome, a copy of an announcement, a note from staff, a " +
			"closing record): sent however late.",
	},
	bot.JobPost: {
		late: "fixed text (a DM's fallback post): posted however late.",
	},
	bot.JobPlan: {
		late: "runs once, and plans from where the last run left off, so nothing that fell " +
			"due meanwhile is lost.",
	},
	bot.JobEvents: {
		late: "runs once, with the Spaces upcoming at that moment.",
	},
	bot.JobFinal: {
		late: "never expires: a cohort's final report goes to staff once, saying so when more " +
			"than an hour late, and queues each host's closing DM.",
	},
	bot.JobAlert: {
		late: "posted however late while the host's run of missed weeks stands; an " +
			"excuse given meanwhile cancels it.",
	},
	bot.JobWatch: {
		late: "polls X at once, then every minute; rounds missed while sparkbot was stopped " +
			"are not made up, so a Space that began and ended meanwhile is not seen (its " +
			"host logs it by link).",
	},
	bot.JobRecheck: {
		late: "asks X once when it runs, then again at growing intervals up to an hour, for " +
			"three days after the log; then the log stays unverified, for staff in /cohort review.",
	},
}

// lateAfter is how late a post may go out before it says it is late.
const lateAfter = time.Hour

// announceLate is how late an announcement may still go out.
const announceLate = 24 * time.Hour

// backfill is how long after a Space started its host can still log it.
const backfill = bot.HostBackfillDays * 24 * time.Hour

// expire checks j against its kind's expiry: expired, it is finished with
// the reason recorded, and ok is false.
func (s *Scheduler) expire(ctx context.Context, j bot.Job, now time.Time) (v verdict, ok bool, err error) {
	e := expiries[j.Kind]
	if e.expired == nil { // never expires (or a kind without a row yet: composing decides)
		return verdict{}, true, nil
	}
	reason, err := e.expired(s, ctx, j, now)
	if err != nil || reason == "" {
		return verdict{}, err == nil, err
	}
	if e.failed {
		return verdict{fail: reason}, false, nil
	}
	return skipped(reason), false, nil
}

func reminderExpired(_ *Scheduler, _ context.Context, j bot.Job, now time.Time) (string, error) {
	if now.Before(j.Occurrence) {
		return "", nil
	}
	return "the Space had started when the reminder could go out", nil
}

func nudgeExpired(_ *Scheduler, _ context.Context, j bot.Job, now time.Time) (string, error) {
	if now.Sub(j.Occurrence) <= backfill {
		return "", nil
	}
	return fmt.Sprintf("the Space started more than %d days before the nudge could go out: "+
		"past the hosts' backfill window, they can no longer log it", bot.HostBackfillDays), nil
}

// warningExpired: a warning about the open week is stale once the week has
// closed; "last week was missed" once another week has closed since.
func warningExpired(s *Scheduler, ctx context.Context, j bot.Job, now time.Time) (string, error) {
	co, err := s.store.Cohort(ctx, j.Workspace)
	if err != nil {
		return "", ignoreGone(err) // no cohort: composing says so
	}
	week := co.WeekOf(bot.LocalTime(j.Week, bot.TimeOfDay{Hour: 12}, co.Location()))
	if j.Level == bot.Missed {
		if now.Before(week.Next().End) {
			return "", nil
		}
		return fmt.Sprintf("another week had closed since the week from %s when the warning could go out", j.Week), nil
	}
	if now.Before(week.End) {
		return "", nil
	}
	return fmt.Sprintf("the week from %s had closed when the %s warning could go out", j.Week, j.Level), nil
}

// checkExpired: of the checks due at once (after downtime), the last one
// does the work; checking the same standings again adds nothing.
func checkExpired(s *Scheduler, ctx context.Context, j bot.Job, now time.Time) (string, error) {
	pending, err := s.store.PendingJobs(ctx, j.Workspace.Key()+"/"+string(bot.JobCheck)+"/")
	if err != nil {
		return "", err
	}
	for _, p := range pending {
		if p.Kind == bot.JobCheck && p.Key != j.Key && !p.Due.After(now) && p.Due.After(j.Due) {
			return "a later check was due too, and ran instead", nil
		}
	}
	return "", nil
}

func announcementExpired(s *Scheduler, ctx context.Context, j bot.Job, now time.Time) (string, error) {
	due := j.FirstDue()
	if now.Sub(due) <= announceLate {
		return "", nil
	}
	loc := time.UTC
	if co, err := s.store.Cohort(ctx, j.Workspace); err == nil {
		loc = co.Location()
	}
	return fmt.Sprintf("it was due %s, more than a day before it could go out; send it again with /announce send if it still applies",
		due.In(loc).Format("Mon 2 Jan 15:04 MST")), nil
}

// lateNote marks a post that goes out more than lateAfter after its time.
func lateNote(m bot.Message, j bot.Job, what string, now time.Time, loc *time.Location) bot.Message {
	if due := j.FirstDue(); now.Sub(due) > lateAfter {
		return bot.LateNote(m, what, due, loc)
	}
	return m
}
