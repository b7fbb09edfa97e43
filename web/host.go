package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"sparkbot/bot"
)

// The host page: one host's weeks, logs with their provenance, schedules
// and next reminders, from bot.AccountHost (what /spaces status and
// /spaces history read). Hosts see only their own; staff see every host's
// and may excuse a week from it.

type hostView struct {
	layout
	Name, Handle, HandleURL, Zone string
	Member                        bool
	Joined                        string
	Streak                        int
	Current                       weekRow
	Weeks                         []weekRow
	Logs                          []logRow
	Schedules                     []scheduleRow
	RemindersOff                  bool
	Reminders                     []reminderRow
	ExcuseAction                  string
	ExcuseWeeks                   []weekRow
}

type weekRow struct {
	Number          int
	From, FromDate  string
	Logged, Quota   int
	Verified        int
	Standing, Class string
	Excuse          string
}

type logRow struct {
	Start                  stamp
	Space, SpaceURL, Title string
	Listeners, Minutes     int
	Provenance             string
}

type scheduleRow struct {
	Number                int // the host's own #1, #2 (never the workspace-wide ID)
	Title, When, Length   string
	State, Skips, Next    string
	NextISO               string
	Paused, PausedForGood bool
}

type reminderRow struct {
	At    stamp
	Lead  string
	Title string
	Space string
}

// hostSession returns the session if it may see userID's page: staff, or
// that host.
func (s *Server) hostSession(r *http.Request, userID string) (session, error) {
	sess, err := s.signedIn(r)
	if err != nil {
		return sess, err
	}
	if !sess.Staff && sess.UserID != userID {
		return sess, forbidden("This is another host's page: each host sees only their own. Yours is at " + sess.home() + ".")
	}
	return sess, nil
}

func (s *Server) hostPage(w http.ResponseWriter, r *http.Request) error {
	return s.showHost(w, r, nil)
}

// showHost renders the host page, with the answer to an action if any.
func (s *Server) showHost(w http.ResponseWriter, r *http.Request, flash *bot.Response) error {
	userID := r.PathValue("user")
	sess, err := s.hostSession(r, userID)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ch, err := s.chooseCohort(ctx, r, sess.Workspace)
	if err != nil {
		return err
	}
	co := ch.co
	h, err := s.store.Host(ctx, sess.Workspace, userID)
	if errors.Is(err, bot.ErrNotFound) {
		return notFound("There is no host with that id in this workspace.")
	}
	if err != nil {
		return err
	}
	now := s.now()
	rec, err := bot.AccountHost(ctx, s.store, sess.Workspace, co, h, now)
	if err != nil {
		return err
	}
	schedules, err := s.store.SchedulesOf(ctx, sess.Workspace, userID)
	if err != nil {
		return err
	}
	c := clock{now: now, loc: h.Location(co, "")}
	v := hostView{layout: ch.frame(sess, displayName(h), "host", bot.HostPagePath(userID)), Name: displayName(h), Handle: h.Handle,
		Zone: c.loc.String(), Member: h.MemberOf(co), Streak: rec.Streak, RemindersOff: h.RemindersOff}
	if h.Handle != "" {
		v.HandleURL = handleURL(h.Handle)
	}
	if joined := h.Joined(co); !joined.IsZero() {
		v.Joined = c.date(joined)
	}
	v.Current = weekRowOf(co, rec.Current(), c)
	for i := len(rec.Weeks) - 1; i >= 0; i-- {
		v.Weeks = append(v.Weeks, weekRowOf(co, rec.Weeks[i], c))
		for j := len(rec.Weeks[i].Logs) - 1; j >= 0; j-- {
			v.Logs = append(v.Logs, logRowOf(rec.Weeks[i].Logs[j], c))
		}
	}
	for _, sc := range schedules {
		v.Schedules = append(v.Schedules, scheduleRowOf(sc, c))
	}
	for _, rem := range bot.UpcomingReminders(co, h, schedules, now, 6) {
		v.Reminders = append(v.Reminders, reminderRow{At: c.stamp(rem.At()), Lead: bot.HumanDuration(rem.Lead),
			Title: rem.Occurrence.Schedule.Title, Space: c.full(rem.Occurrence.Start)})
	}
	if sess.Staff && v.Member && ch.latest() { // /cohort excuse is the latest cohort's
		v.ExcuseAction, v.ExcuseWeeks = bot.HostPagePath(userID)+"/excuse", v.Weeks
	}
	status := http.StatusOK
	if flash != nil {
		v.Flash, v.FlashFailed = plainLines(flash.Message, names{h.UserID: h}, c), flash.Failed
		if flash.Failed {
			status = http.StatusUnprocessableEntity
		}
	}
	s.render(w, status, "host", v)
	return nil
}

func weekRowOf(co bot.Cohort, hw bot.HostWeek, c clock) weekRow {
	return weekRow{Number: co.WeekNumber(hw.Week.Start), From: c.date(hw.Week.Start), FromDate: hw.Week.StartDate.String(),
		Logged: len(hw.Logs), Quota: hw.Quota, Verified: hw.Verified(),
		Standing: hw.Standing.String(), Class: slug(hw.Standing), Excuse: hw.Excuse}
}

func logRowOf(l bot.SpaceLog, c clock) logRow {
	row := logRow{Start: c.stamp(l.Start), Title: l.Title, Listeners: l.Listeners, Minutes: l.Minutes, Provenance: provenance(l)}
	if l.Provenance.HasSpaceID() {
		row.Space, row.SpaceURL = l.SpaceID, spaceURL(l.SpaceID)
	}
	return row
}

// provenance says how a log is known, in the program's words for it.
func provenance(l bot.SpaceLog) string { return l.Provenance.String() }

func scheduleRowOf(sc bot.Schedule, c clock) scheduleRow {
	row := scheduleRow{Number: sc.Number, Title: sc.Title, When: fmt.Sprintf("%s at %s %s", sc.Days, sc.At, sc.Zone),
		Length: bot.HumanDuration(sc.Duration), State: "active"}
	switch {
	case sc.Paused && sc.PausedUntil.IsZero():
		row.State, row.Paused, row.PausedForGood = "paused until resumed", true, true
	case sc.Paused:
		row.State, row.Paused = "paused through "+sc.PausedUntil.String(), true
	}
	today := bot.DateOf(c.now.In(sc.Location()))
	for _, d := range sc.Skips {
		if !d.Before(today) {
			if row.Skips != "" {
				row.Skips += ", "
			}
			row.Skips += d.String()
		}
	}
	if next := sc.NextOccurrences(c.now, 1); len(next) == 1 {
		row.Next, row.NextISO = c.full(next[0]), next[0].Format(time.RFC3339)
	}
	return row
}

// excuse runs /cohort excuse for the host, as the signed-in staff member.
func (s *Server) excuse(w http.ResponseWriter, r *http.Request) error {
	userID := r.PathValue("user")
	sess, err := s.staff(r)
	if err != nil {
		return err
	}
	if err := checkCSRF(r, sess); err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" {
		return s.showHost(w, r, formFailure("Give a reason to excuse the week: the host sees it on their page and in a DM."))
	}
	resp := s.command(r, sess, []string{"cohort", "excuse"}, map[string]string{
		"user": "<@" + userID + ">", "week": r.PostFormValue("week"), "reason": reason,
	})
	return s.showHost(w, r, &resp)
}

// formFailure is the answer to a form the page refuses before running a
// command: its words are the page's, not chat's syntax.
func formFailure(format string, args ...any) *bot.Response {
	resp := bot.Response{Failed: true}
	resp.Addf(format, args...)
	return &resp
}

// command runs a chat command as the signed-in user, with the rights the
// session has, through the router: what chat would do, DMs included.
func (s *Server) command(r *http.Request, sess session, path []string, opts map[string]string) bot.Response {
	for k, v := range opts {
		if v == "" {
			delete(opts, k) // an empty field is an option not given
		}
	}
	return s.router.Handle(r.Context(), bot.Request{Workspace: sess.Workspace, UserID: sess.UserID, UserName: sess.Name,
		Staff: sess.Staff, Path: path, Options: opts})
}
