package bot

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// The DMs a staff action sends the person it is about: a rejection, a
// removal, an excuse given or taken back. Each is a JobDM in the outbox
// with a key of its own, so a retry never sends it twice; each
// is Personal, so it reaches someone who is not (or no longer) a host.

// queueNotice queues msg as a DM to userID about cohort co, for the action
// (a word: "reject", "remove", "excuse") staff took at at. Each action has
// a number of its own, so two at the same instant are two DMs.
func (r *Router) queueNotice(ctx context.Context, ws WorkspaceRef, co Cohort, action, userID string, at time.Time, msg Message) error {
	n, err := r.store.NextSequence(ctx, ws, "notice")
	if err != nil {
		return err
	}
	job := Job{
		Key:  fmt.Sprintf("%s%d/%s/%s", CohortJobPrefix(ws, "notice", co.ID), n, action, url.PathEscape(userID)),
		Kind: JobDM, Workspace: ws, Cohort: co.ID, Due: at, UserID: userID, Message: &msg, Personal: true,
	}
	if err := queue(ctx, r.store, r.planner, job); err != nil {
		return err
	}
	return nil
}

// RejectionMessage tells an applicant why staff turned them down.
func RejectionMessage(co Cohort, reason string) Message {
	var m Message
	m.Add(Line{Text("Your application to join "), UserText(co.Name), Text(" was not accepted. Staff said: "), UserText("“" + reason + "”")})
	m.Addf("You're welcome to apply again for a later cohort with /spaces apply.")
	return m
}

// RemovalMessage tells a host staff removed them.
func RemovalMessage(co Cohort) Message {
	var m Message
	m.Add(Line{Text("Staff removed you from "), UserText(co.Name), Text(".")})
	m.Addf("Your logs stay on record, and you get no more reminders or warnings. If this is a mistake, ask staff.")
	return m
}

// ExcuseMessage tells a host staff excused one of their weeks; earlier is
// the reason it replaces, if any.
func ExcuseMessage(co Cohort, w Week, reason, earlier string) Message {
	var m Message
	line := Linef("Staff excused your %s in ", co.weekName(w))
	line = append(line, UserText(co.Name), Text(": "), UserText("“"+reason+"”"), Text(". It counts as met."))
	m.Add(line)
	if earlier != "" {
		m.Add(Line{Text("This replaces the earlier reason "), UserText("“" + earlier + "”"), Text(".")})
	}
	return m
}

// UnexcuseMessage tells a host staff took an excuse back, and where the
// week stands without it ("is missed", "counts again").
func UnexcuseMessage(co Cohort, w Week, reason, state string) Message {
	var m Message
	line := Linef("Staff took back the excuse of your %s in ", co.weekName(w))
	line = append(line, UserText(co.Name), Text(" ("), UserText("“"+reason+"”"))
	line = append(line, Linef("): the week %s.", state)...)
	m.Add(line)
	return m
}

// WelcomeBackMessage is the DM a host re-added to a cohort gets instead of
// the first welcome.
func WelcomeBackMessage(co Cohort, h Host) Message {
	var m Message
	m.Add(Line{Text("Welcome back to "), UserText(co.Name), Text(", @"), UserText(h.Handle), Text("! You're a host again.")})
	m.Addf("Your past weeks are kept: see /spaces history. Weeks you were not a member for do not count.")
	m.Addf("The one rule: host at least %s every week. Your recurring Spaces are as you left them: /spaces schedule list.", plural(co.Quota, "Space"))
	return m
}
