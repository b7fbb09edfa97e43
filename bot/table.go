package bot

import (
	"context"
	"slices"
	"strings"
)

// The command table: every command sparkbot has, described once. Adapters
// derive their platform surface from Commands(); the router runs entries.
var commands []*Command

func init() { commands = commandTable() }

// Commands returns the command table, in help order.
func Commands() []*Command { return commands }

// Common option descriptions, shared by several commands.
var (
	optUserTarget   = Option{Name: "user", Type: OptUser, Required: true, Help: "the host, like @alice"}
	optCohort       = Option{Name: "cohort", Type: OptString, MaxLen: 80, Help: `an earlier cohort, by name, like "Spark Phase 1" (default: the latest)`}
	optFeedReset    = Option{Name: "action", Type: OptString, Choices: []string{"reset"}, Positional: true, Help: "reset: revoke the current address and make a new one"}
	optScheduleID   = Option{Name: "id", Type: OptInt, Required: true, Min: 1, Max: 1 << 30, Suggest: SuggestOwnSchedules, Help: "the schedule's number, from /spaces schedule list"}
	optScheduleUser = Option{Name: "user", Type: OptUser, Help: "staff only: that host's recurring Spaces, by their numbers"}
)

func commandTable() []*Command {
	return []*Command{
		{Path: []string{"spaces", "help"}, Help: "List the host commands.", Example: "/spaces help", run: (*Router).spacesHelp},
		{Path: []string{"spaces", "apply"}, Help: "Apply to join the cohort.", Example: "/spaces apply handle:@alice followers:12000 country:US",
			Options: []Option{
				{Name: "handle", Type: OptString, Required: true, MaxLen: 16, Help: "your X handle, like @alice"},
				{Name: "followers", Type: OptInt, Required: true, Min: 0, Max: 1_000_000_000, Help: "your follower count on X"},
				{Name: "country", Type: OptString, Required: true, MaxLen: 2, Help: "where you live, a two-letter code like US"},
				{Name: "show", Type: OptString, MaxLen: maxShowLink, Help: "a link to your show elsewhere (a podcast, another audio platform)"},
			}, run: (*Router).spacesApply},
		{Path: []string{"spaces", "timezone"}, Help: "Show or set your time zone.", Example: "/spaces timezone tz:America/Chicago",
			Options: []Option{{Name: "tz", Type: OptTimeZone, Suggest: SuggestZones, Positional: true, Help: "a place's IANA time zone, like America/Chicago (default: show yours)"}},
			run:     (*Router).spacesTimezone},
		{Path: []string{"spaces", "schedule", "add"}, Help: "Add a recurring Space.", Example: `/spaces schedule add title:"Night owls" days:tue,thu time:20:00 duration:60m`,
			Options: []Option{
				{Name: "title", Type: OptString, Required: true, MaxLen: 100, Help: "what the Space is called"},
				{Name: "days", Type: OptWeekdays, Required: true, Help: "weekdays, like tue,thu or mon-fri"},
				{Name: "time", Type: OptTime, Required: true, Help: "start time, 24-hour, like 20:00"},
				{Name: "duration", Type: OptDuration, Min: 5, Max: 12 * 60, Help: "how long it runs, like 60m (default 60m)"},
				{Name: "tz", Type: OptTimeZone, Suggest: SuggestZones, Help: "time zone of days and time (default: yours)"},
			}, run: (*Router).scheduleAdd},
		{Path: []string{"spaces", "schedule", "list"}, Help: "List your recurring Spaces.", Example: "/spaces schedule list",
			Options: []Option{optScheduleUser}, run: (*Router).scheduleList},
		{Path: []string{"spaces", "schedule", "remove"}, Help: "Remove a recurring Space.", Example: "/spaces schedule remove id:3",
			Options: []Option{optScheduleID, optScheduleUser}, run: (*Router).scheduleRemove},
		{Path: []string{"spaces", "schedule", "pause"}, Help: "Pause a recurring Space, until a date or until resumed.", Example: "/spaces schedule pause id:3 until:2026-12-31",
			Options: []Option{optScheduleID, {Name: "until", Type: OptDate, Help: "last paused date, like 2026-12-31 (default: until resumed)"}, optScheduleUser},
			run:     (*Router).schedulePause},
		{Path: []string{"spaces", "schedule", "resume"}, Help: "Resume a paused recurring Space.", Example: "/spaces schedule resume id:3",
			Options: []Option{optScheduleID, optScheduleUser}, run: (*Router).scheduleResume},
		{Path: []string{"spaces", "schedule", "skip"}, Help: "Skip one date of a recurring Space.", Example: "/spaces schedule skip id:3 date:2026-12-24",
			Options: []Option{optScheduleID, {Name: "date", Type: OptDate, Required: true, Help: "the date to skip, like 2026-12-24"}, optScheduleUser},
			run:     (*Router).scheduleSkip},
		{Path: []string{"spaces", "log"}, Help: "Log a Space you hosted.", Example: "/spaces log url:https://x.com/i/spaces/1eaKbrPAqbwKX listeners:120",
			Options: []Option{
				{Name: "url", Type: OptURL, Required: true, Positional: true, Help: "the Space's link, like https://x.com/i/spaces/1eaKbrPAqbwKX, or its id"},
				{Name: "title", Type: OptString, MaxLen: 200, Help: "what it was called"},
				{Name: "at", Type: OptDateTime, Help: `when it started, in your time zone, like "2026-11-26 20:00" (default: now)`},
				{Name: "listeners", Type: OptInt, Min: 0, Max: 10_000_000, Help: "how many listened"},
				{Name: "minutes", Type: OptInt, Min: 1, Max: maxLogMinutes, Help: "how long it ran, in minutes"},
				{Name: "user", Type: OptUser, Help: "staff only: log for this host (staff may log any date)"},
				{Name: "force", Type: OptString, Choices: []string{"true", "false"}, Help: "staff only, with user: log it although it overlaps another of the host's logs"},
			}, LazyProfile: true, run: (*Router).spacesLog},
		{Path: []string{"spaces", "unlog"}, Help: "Remove one of your logs.", Example: "/spaces unlog space:1eaKbrPAqbwKX",
			Options: []Option{
				{Name: "space", Type: OptURL, Positional: true, Help: "the Space's link or id"},
				{Name: "at", Type: OptDateTime, Help: `or, for a one-click log, when it started, like "2026-12-01 20:00"`},
				{Name: "user", Type: OptUser, Help: "staff only: remove this host's log (at: in their time zone)"},
			},
			run: (*Router).spacesUnlog},
		{Path: []string{"spaces", "status"}, Help: "Where you stand this week.", Example: "/spaces status", LazyProfile: true, run: (*Router).spacesStatus},
		{Path: []string{"spaces", "history"}, Help: "Your past weeks, met or missed.", Example: "/spaces history weeks:8",
			Options: []Option{{Name: "weeks", Type: OptInt, Min: 1, Max: 52, Help: "how many weeks back (default 4)"}, optCohort},
			run:     (*Router).spacesHistory},
		{Path: []string{"spaces", "reminders"}, Help: "Show or change your reminders and nudges; quota warnings always come.", Example: "/spaces reminders lead:60m,10m on",
			Options: []Option{
				{Name: "lead", Type: OptDurations, Help: "how long before each Space, like 60m,10m"},
				{Name: "state", Type: OptString, Choices: []string{"on", "off"}, Positional: true, Help: "on, or off: no reminders and no nudges (quota warnings still come)"},
				{Name: "quiet", Type: OptString, MaxLen: 20, Hint: "22-08|off", Help: "quiet hours, your time, like 22-08, or off: warnings and nudges wait till they end"},
			}, run: (*Router).spacesReminders},
		{Path: []string{"spaces", "leaderboard"}, Help: "The cohort this week and this month (a week counts in the month it ends in).", Example: "/spaces leaderboard", Slow: true, run: (*Router).spacesLeaderboard},
		{Path: []string{"spaces", "dashboard"}, Help: "A link to sign in to your page of the web dashboard.", Example: "/spaces dashboard", run: (*Router).spacesDashboard},
		{Path: []string{"spaces", "calendar"}, Help: "A private calendar feed of your recurring Spaces.", Example: "/spaces calendar",
			Options: []Option{optFeedReset}, run: (*Router).spacesCalendar},

		{Path: []string{"cohort", "help"}, Help: "List the staff commands.", Example: "/cohort help", run: (*Router).cohortHelp},
		{Path: []string{"cohort", "create"}, Access: StaffOnly, Help: "Start the workspace's cohort, or the next once the last has ended.", Example: `/cohort create name:"Spark Phase 1" start:2026-11-30`,
			Options: []Option{
				{Name: "name", Type: OptString, Required: true, MaxLen: 80, Help: "the cohort's name"},
				{Name: "start", Type: OptDate, Required: true, Help: "first day, like 2026-11-30"},
				{Name: "weeks", Type: OptInt, Min: 1, Max: 104, Help: "length in weeks (default 12)"},
				{Name: "quota", Type: OptInt, Min: 1, Max: 21, Help: "Spaces required each week (default 2)"},
				{Name: "tz", Type: OptTimeZone, Suggest: SuggestZones, Help: "the cohort's time zone (default America/New_York)"},
				{Name: "weekstart", Type: OptWeekday, Help: "the day weeks start (default mon)"},
			}, run: (*Router).cohortCreate},
		{Path: []string{"cohort", "settings"}, Access: StaffOnly, Help: "Show or change the cohort's settings.", Example: "/cohort settings minfollowers:3000 countries:US,CA digest:#spark-digest",
			Options: []Option{
				{Name: "name", Type: OptString, MaxLen: 80, Help: "the cohort's name"},
				{Name: "start", Type: OptDate, Help: "first day"},
				{Name: "weeks", Type: OptInt, Min: 1, Max: 104, Help: "length in weeks"},
				{Name: "quota", Type: OptInt, Min: 1, Max: 21, Help: "Spaces required each week"},
				{Name: "tz", Type: OptTimeZone, Suggest: SuggestZones, Help: "the cohort's time zone"},
				{Name: "weekstart", Type: OptWeekday, Help: "the day weeks start"},
				{Name: "minfollowers", Type: OptInt, Min: 0, Max: 1_000_000_000, Help: "minimum followers to apply"},
				{Name: "countries", Type: OptCountries, Help: "countries that may apply, like US,CA"},
				{Name: "lastcall", Type: OptInt, Min: 1, Max: 167, Help: "hours before the week ends when a host below quota is on last call"},
				{Name: "stipend", Type: OptInt, Min: 0, Max: 1_000_000, Help: "the monthly stipend in US dollars (default 2500)"},
				{Name: "overlap", Type: OptInt, Min: 1, Max: 12 * 60, Help: "minutes: a host's logs closer than this are one Space (default 30)"},
				{Name: "digest", Type: OptChannel, Help: "channel for the weekly digest"},
				{Name: "staff", Type: OptChannel, Help: "staff channel for the stipend report and alerts (default: the digest channel)"},
				{Name: "announce", Type: OptChannel, Help: "channel for announcements"},
				{Name: "fallback", Type: OptChannel, Help: "channel that hears about hosts whose DMs fail"},
				{Name: "live", Type: OptChannel, Help: "channel that hears when a host goes live on X (default: none)"},
				{Name: "xretention", Type: OptInt, Min: 1, Max: 3650, Help: "days the cohort's X data is kept after it ends (default 90)"},
			}, run: (*Router).cohortSettings},
		{Path: []string{"cohort", "applications"}, Access: StaffOnly, Help: "List pending applications.", Example: "/cohort applications", run: (*Router).cohortApplications},
		{Path: []string{"cohort", "approve"}, Access: StaffOnly, Help: "Approve an application.", Example: "/cohort approve user:@alice",
			Options: []Option{optUserTarget}, run: (*Router).cohortApprove},
		{Path: []string{"cohort", "reject"}, Access: StaffOnly, Help: "Reject an application.", Example: `/cohort reject user:@alice reason:"under 5,000 followers"`,
			Options: []Option{optUserTarget, {Name: "reason", Type: OptString, Required: true, MaxLen: 300, Help: "why, in a sentence"}},
			run:     (*Router).cohortReject},
		{Path: []string{"cohort", "add"}, Access: StaffOnly, Help: "Add a host without an application.", Example: "/cohort add user:@alice handle:@alice_x",
			Options: []Option{optUserTarget, {Name: "handle", Type: OptString, Required: true, MaxLen: 16, Help: "their X handle"}},
			run:     (*Router).cohortAdd},
		{Path: []string{"cohort", "remove"}, Access: StaffOnly, Help: "Remove a host from the cohort.", Example: "/cohort remove user:@alice",
			Options: []Option{optUserTarget}, run: (*Router).cohortRemove},
		{Path: []string{"cohort", "report"}, Access: StaffOnly, Slow: true, Help: "Every host's week: logged, status, streak.", Example: "/cohort report week:2026-11-30",
			Options: []Option{{Name: "week", Type: OptDate, Help: "any date in the week (default: this week)"}, optCohort},
			run:     (*Router).cohortReport},
		{Path: []string{"cohort", "export"}, Access: StaffOnly, Slow: true, Help: "The month's stipend report as a CSV file (a week counts in the month it ends in).", Example: "/cohort export month:2026-12",
			Options: []Option{{Name: "month", Type: OptMonth, Required: true, Help: "the month, like 2026-12"}, optCohort},
			run:     (*Router).cohortExport},
		{Path: []string{"cohort", "excuse"}, Access: StaffOnly, Help: "Excuse a host's week (it counts as met); again to change the reason.", Example: `/cohort excuse user:@alice week:2026-12-21 reason:"holiday"`,
			Options: []Option{
				optUserTarget,
				{Name: "week", Type: OptDate, Required: true, Help: "any date in the week"},
				{Name: "reason", Type: OptString, Required: true, MaxLen: 300, Help: "why, in a few words"},
			}, run: (*Router).cohortExcuse},
		{Path: []string{"cohort", "unexcuse"}, Access: StaffOnly, Help: "Take back a week's excuse.", Example: "/cohort unexcuse user:@alice week:2026-12-21",
			Options: []Option{optUserTarget, {Name: "week", Type: OptDate, Required: true, Help: "any date in the week"}},
			run:     (*Router).cohortUnexcuse},
		{Path: []string{"cohort", "dashboard"}, Access: StaffOnly, Help: "A link to sign in to the web dashboard.", Example: "/cohort dashboard", run: (*Router).cohortDashboard},
		{Path: []string{"cohort", "calendar"}, Access: StaffOnly, Help: "A private calendar feed of every host's recurring Spaces.", Example: "/cohort calendar",
			Options: []Option{optFeedReset, {Name: "user", Type: OptUser, Help: "with reset: revoke this staff member's feed instead of yours"}},
			run:     (*Router).cohortCalendar},
		{Path: []string{"cohort", "link"}, Access: StaffOnly, Help: "Set a host's X account, on which their Spaces are seen; hosts cannot change their own.", Example: "/cohort link user:@alice handle:@alice_x",
			Options: []Option{optUserTarget, {Name: "handle", Type: OptString, Required: true, MaxLen: 16, Help: "their X handle, like @alice_x"}},
			run:     (*Router).cohortLink},
		{Path: []string{"cohort", "links"}, Access: StaffOnly, Help: "Every host's X account: handle, X id, when last seen live.", Example: "/cohort links", run: (*Router).cohortLinks},
		{Path: []string{"cohort", "review"}, Access: StaffOnly, Help: "A week's logs X did not verify, to approve; or reject one, with a reason its host is told.", Example: `/cohort review reject space:1eaKbrPAqbwKX reason:"not your Space"`,
			Options: []Option{
				{Name: "action", Type: OptString, Choices: []string{"reject"}, Positional: true, Help: "reject: remove the log space: names; it stops counting"},
				{Name: "week", Type: OptDate, Help: "any date in the week (default: this week)"},
				{Name: "space", Type: OptString, MaxLen: maxSpaceLink, Help: "with reject: the log's Space link or id (a one-click log's id, as the list shows it)"},
				{Name: "reason", Type: OptString, MaxLen: 300, Help: "with reject: why, in a sentence, for the host"},
			}, run: (*Router).cohortReview},
		{Path: []string{"cohort", "spotlight"}, Access: StaffOnly, Help: "The week's top Spaces verified by X: title, host, peak listeners, length.", Example: "/cohort spotlight week:2026-11-30",
			Options: []Option{{Name: "week", Type: OptDate, Help: "any date in the week (default: this week)"}},
			run:     (*Router).cohortSpotlight},

		{Path: []string{"announce", "help"}, Help: "List the announcement commands.", Example: "/announce help", run: (*Router).announceHelp},
		{Path: []string{"announce", "send"}, Access: StaffOnly, GroupDefault: true, Help: "Announce in a channel or to every host, now or later.",
			Example: `/announce send text:"Office hours at 5pm ET" channel:#news`,
			Options: []Option{
				{Name: "text", Type: OptString, Required: true, MaxLen: 2000, Help: "what to say; it pings nobody unless ping: says so"},
				{Name: "channel", Type: OptChannel, Help: "where (default: the cohort's announcement channel)"},
				{Name: "at", Type: OptDateTime, Help: `when, in the cohort's time zone, like "2026-12-01 10:00" (default: now)`},
				{Name: "ping", Type: OptString, MaxLen: 110, Help: "none, here, everyone or role:NAME (default none)"},
				{Name: "to", Type: OptString, Choices: []string{"hosts"}, Help: "hosts: DM every host instead of posting (without channel: or ping:)"},
			}, run: (*Router).announceSend},
		{Path: []string{"announce", "list"}, Access: StaffOnly, Help: "List scheduled announcements.", Example: "/announce list", run: (*Router).announceList},
		{Path: []string{"announce", "cancel"}, Access: StaffOnly, Help: "Cancel a scheduled announcement.", Example: "/announce cancel id:3",
			Options: []Option{{Name: "id", Type: OptInt, Required: true, Min: 1, Max: 1 << 30, Help: "the announcement's number, from /announce list"}},
			run:     (*Router).announceCancel},
	}
}

// Lookup returns the command at path, or nil.
func Lookup(path []string) *Command {
	for _, c := range commands {
		if slices.Equal(c.Path, path) {
			return c
		}
	}
	return nil
}

// isGroup reports whether path is a proper prefix of some command's path:
// "spaces", or "spaces schedule".
func isGroup(path []string) bool {
	for _, c := range commands {
		if len(c.Path) > len(path) && slices.Equal(c.Path[:len(path)], path) {
			return true
		}
	}
	return false
}

// groupHelp describes each top-level command in one line.
var groupHelp = map[string]string{
	"spaces":   "Your Spaces: schedule them, log them, see your week.",
	"cohort":   "Staff: run the cohort, its hosts and its reports.",
	"announce": "Staff: announce in a channel or to every host.",
}

// GroupHelp describes a top-level command ("spaces") in one line.
func GroupHelp(group string) string { return groupHelp[group] }

// Groups returns the top-level command names, in table order.
func Groups() []string {
	var out []string
	for _, c := range commands {
		if !slices.Contains(out, c.Path[0]) {
			out = append(out, c.Path[0])
		}
	}
	return out
}

// usage renders one command's syntax: /spaces log url:<url> [title:<text>].
func usage(c *Command) string {
	parts := []string{"/" + c.Name()}
	for _, o := range c.Options {
		p := o.Name + ":" + typeHint(o)
		if !o.Required {
			p = "[" + p + "]"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

func typeHint(o Option) string {
	if o.Hint != "" {
		return o.Hint
	}
	if len(o.Choices) > 0 {
		return strings.Join(o.Choices, "|")
	}
	return optionTypeHints[o.Type]
}

var optionTypeHints = map[OptionType]string{
	OptString: "text", OptInt: "number", OptUser: "@user", OptChannel: "#channel",
	OptTime: "HH:MM", OptDate: "YYYY-MM-DD", OptDateTime: `"YYYY-MM-DD HH:MM"`,
	OptDuration: "60m", OptDurations: "60m,10m", OptWeekdays: "tue,thu", OptWeekday: "mon",
	OptTimeZone: "Area/City", OptURL: "link", OptMonth: "YYYY-MM", OptCountries: "US,CA",
}

// HelpText is the generated help for one group ("spaces"): every command's
// syntax, summary and options. Adapters and the README show it.
func HelpText(group string) string {
	var b strings.Builder
	for _, c := range commands {
		if c.Path[0] != group || c.Path[len(c.Path)-1] == "help" {
			continue
		}
		b.WriteString(usage(c))
		if c.Access == StaffOnly {
			b.WriteString("  (staff)")
		}
		b.WriteString("\n    " + c.Help + "\n")
		for _, o := range c.Options {
			b.WriteString("    " + o.Name + ": " + o.Help + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func helpResponse(group string) Response {
	r := Response{Ephemeral: true}
	for _, line := range strings.Split(HelpText(group), "\n") {
		r.Add(Line{Text(line)})
	}
	return r
}

func (r *Router) spacesHelp(_ context.Context, c *Call) (Response, error) {
	return helpResponse("spaces"), nil
}
func (r *Router) cohortHelp(_ context.Context, c *Call) (Response, error) {
	return helpResponse("cohort"), nil
}
func (r *Router) announceHelp(_ context.Context, c *Call) (Response, error) {
	return helpResponse("announce"), nil
}
