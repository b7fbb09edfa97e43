package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// What the bot says on its own: reminder, nudge, warning and welcome DMs.
// The scheduler decides when; these decide the words.

// ActionHosted is the action id of the "I hosted it" button.
const ActionHosted = "hosted"

// HostedButton is the one-click log button for one occurrence.
func HostedButton(scheduleID int64, start time.Time) Button {
	return Button{Label: "I hosted it", ActionID: ActionHosted, Value: fmt.Sprintf("%d:%d", scheduleID, start.Unix())}
}

// parseHostedValue reads a HostedButton value back.
func parseHostedValue(v string) (scheduleID int64, start time.Time, ok bool) {
	a, b, found := strings.Cut(v, ":")
	id, err1 := strconv.ParseInt(a, 10, 64)
	unix, err2 := strconv.ParseInt(b, 10, 64)
	if !found || err1 != nil || err2 != nil || id <= 0 {
		return 0, time.Time{}, false
	}
	return id, time.Unix(unix, 0), true
}

// ReminderMessage is the DM sent lead before an occurrence.
func ReminderMessage(s Schedule, start time.Time, lead time.Duration, loc *time.Location) Message {
	m := messagef("⏰ %s starts in %s, at %s.", UserText("“"+s.Title+"”"), HumanDuration(lead), At(start, loc, TimeFull))
	m.Addf("Once you've hosted it, log it with one click or with /spaces log url:<link>.")
	m.Buttons = []Button{HostedButton(s.ID, start)}
	return m
}

// NudgeMessage is the DM sent after an occurrence nobody logged.
func NudgeMessage(s Schedule, start time.Time, loc *time.Location) Message {
	m := messagef("Did %s happen (%s)? It isn't logged yet.", UserText("“"+s.Title+"”"), At(start, loc, TimeFull))
	m.Addf("If you hosted it, click below, or log it with its link for a verified entry: /spaces log url:<link>.")
	m.Buttons = []Button{HostedButton(s.ID, start)}
	return m
}

// WarningMessage is the quota warning DM for level, with where the host stands.
func WarningMessage(level Standing, hw HostWeek, loc *time.Location) Message {
	logged, need, quota := len(hw.Logs), hw.Quota-len(hw.Logs), plural(hw.Quota, "Space")
	lastMinute := At(hw.Week.End.Add(-time.Minute), loc, TimeFull)
	switch level {
	case Missed:
		m := messagef("Last week (from %s) closed at %d of %s — missed.", hw.Week.StartDate, logged, quota)
		m.Addf("Your streak starts again this week. If something kept you away, tell staff: they can excuse a week.")
		return m
	case LastCall:
		m := messagef("⚠ Last call: %d of %s this week, and the week ends %s.", logged, quota, lastMinute)
		m.Addf("Host %s and log each with /spaces log url:<link>.", more(need))
		return m
	}
	if len(hw.Upcoming) == 0 {
		return messagef("⚠ At risk: %d of %s this week, none scheduled before %s — schedule one with /spaces schedule add.",
			logged, quota, lastMinute)
	}
	short := need - len(hw.Upcoming)
	return messagef("⚠ At risk: %d of %s this week, %d scheduled before %s — that leaves you %d short: schedule %s with /spaces schedule add.",
		logged, quota, len(hw.Upcoming), lastMinute, short, map[bool]string{true: "one", false: "more"}[short == 1])
}

// WelcomeMessage is the DM a new host gets, with their first steps.
func WelcomeMessage(co Cohort, h Host) Message {
	m := messagef("Welcome to %s, @%s! You're a host now.", UserText(co.Name), UserText(h.Handle))
	m.Addf("The one rule: host at least %s every week (weeks start %s 00:00, %s).", plural(co.Quota, "Space"), co.WeekStart, co.Zone)
	m.Addf("First steps:")
	m.Addf("1. Set your time zone: /spaces timezone tz:America/Chicago")
	m.Addf(`2. Add your recurring Spaces: /spaces schedule add title:"Night owls" days:tue,thu time:20:00`)
	m.Addf("3. After each Space, log it: /spaces log url:https://x.com/i/spaces/…")
	m.Addf("4. See where you stand any time: /spaces status")
	m.Addf("I'll remind you before each scheduled Space and warn you before you fall behind.")
	return m
}

// LateNote returns m with a first line saying it is late: what it is (a
// "digest", a "report") and when it was due.
func LateNote(m Message, what string, due time.Time, loc *time.Location) Message {
	note := Block{Lines: []Line{Linef("Late: this %s was due %s.", what, At(due, loc, TimeFull))}}
	m.Blocks = append([]Block{note}, m.Blocks...)
	return m
}

// MissedRunAlert tells staff that a host missed the counted weeks of run in
// a row (two, or more when it goes out late). It names the host without
// pinging them.
func MissedRunAlert(userID string, run []HostWeek) Message {
	first, last := run[0].Week.StartDate, run[len(run)-1].Week.StartDate
	weeks, tallies := fmt.Sprintf("the weeks from %s and %s", first, last), make([]string, len(run))
	if len(run) > 2 {
		weeks = fmt.Sprintf("the weeks from %s to %s", first, last)
	}
	for i, hw := range run {
		tallies[i] = fmt.Sprintf("%d of %d", len(hw.Logs), hw.Quota)
	}
	m := messagef("⚠ %s missed %s counted weeks in a row: %s.", UserRef(userID), numberWord(len(run)), weeks)
	m.Addf("They logged %s Spaces. If something kept them away, excuse a week with /cohort excuse; "+
		"a missed week leaves its month's stipend for review.", andList(tallies))
	return m
}

// numberWord spells small counts out.
func numberWord(n int) string {
	if words := []string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}; n < len(words) {
		return words[n]
	}
	return strconv.Itoa(n)
}

// andList renders items as "a, b and c".
func andList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// FallbackMessage mentions a host in a channel when a DM to them failed for
// good. The reason stays out of it (the channel is public); staff read it
// in /cohort report.
func FallbackMessage(userID string, original Message) Message {
	m := messagef("%s I couldn't send you a DM, so here it is:", Mention(userID))
	for _, b := range original.Blocks {
		m.Add(b.Lines...)
	}
	return m
}
