package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"sparkbot/bot"
)

// The applications and announcements page: pending applications with
// approve and reject, which run /cohort approve and /cohort reject through
// the router (the same permission checks, replies and welcome DMs as
// chat); scheduled and sent announcements; deliveries that failed, and why.

type applicationsView struct {
	layout
	Pending   []applicationRow
	Decided   []applicationRow
	Scheduled []announcementRow
	Sent      []announcementRow
	Failures  []failureRow
}

type applicationRow struct {
	UserID, Name, Handle, HandleURL string
	Show, ShowURL                   string // the show: link as given; ShowURL only if it is http or https
	Followers, Country, Applied     string
	Failed                          []string
	State, Reason, DecidedBy        string
	ApproveAction, RejectAction     string
}

type announcementRow struct {
	ID         int64
	To, Text   string
	At         stamp
	Result     string
	Delivered  int
	Failed     int
	FailReason string
}

type failureRow struct {
	Kind, To, Reason string
	At               stamp
}

// decidedShown bounds the recently decided applications listed.
const decidedShown = 20

// failuresShown bounds the failed deliveries listed, newest first.
const failuresShown = 50

func (s *Server) applicationsPage(w http.ResponseWriter, r *http.Request) error {
	return s.showApplications(w, r, nil)
}

func (s *Server) showApplications(w http.ResponseWriter, r *http.Request, flash *bot.Response) error {
	sess, err := s.staff(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	co, err := s.cohortOf(ctx, sess.Workspace)
	if err != nil {
		return err
	}
	hosts, err := s.store.Hosts(ctx, sess.Workspace)
	if err != nil {
		return err
	}
	n := namesOf(hosts)
	c := clock{now: s.now(), loc: co.Location()}
	v := applicationsView{layout: frame(sess, co, "Applications and announcements", "applications")}
	if err := s.applications(r, sess, co, &v, n, c); err != nil {
		return err
	}
	if err := s.announcements(r, sess, &v, n, c); err != nil {
		return err
	}
	failures, err := s.store.Failures(ctx, sess.Workspace, co.FirstWeek().Start.AddDate(0, 0, -7))
	if err != nil {
		return err
	}
	for i := len(failures) - 1; i >= 0 && len(v.Failures) < failuresShown; i-- {
		v.Failures = append(v.Failures, failureRowOf(failures[i], n, c))
	}
	status := http.StatusOK
	if flash != nil {
		v.Flash, v.FlashFailed = plainLines(flash.Message, n, c), flash.Failed
		if flash.Failed {
			status = http.StatusUnprocessableEntity
		}
	}
	s.render(w, status, "applications", v)
	return nil
}

// applications lists co's pending applications, as /cohort applications
// does (one to an earlier cohort cannot be approved into co), and the
// recently decided ones.
func (s *Server) applications(r *http.Request, sess session, co bot.Cohort, v *applicationsView, n names, c clock) error {
	apps, err := s.store.Applications(r.Context(), sess.Workspace)
	if err != nil {
		return err
	}
	for _, a := range apps {
		row := applicationRow{UserID: a.UserID, Name: a.Name, Handle: a.Handle, HandleURL: handleURL(a.Handle),
			Followers: strconv.Itoa(a.Followers), Country: a.Country, Applied: c.date(a.At), Failed: a.Failed,
			State: string(a.State), Reason: a.Reason, DecidedBy: n.of(a.DecidedBy)}
		if row.Name == "" {
			row.Name = a.UserID
		}
		if row.Show = a.Show; webLink(a.Show) {
			row.ShowURL = a.Show
		}
		base := "/dashboard/applications/" + pathEscape(a.UserID)
		row.ApproveAction, row.RejectAction = base+"/approve", base+"/reject"
		switch {
		case a.State != bot.Pending:
			v.Decided = append(v.Decided, row)
		case a.Cohort == co.ID:
			v.Pending = append(v.Pending, row)
		}
	}
	slices.Reverse(v.Decided) // most recent applications first
	v.Decided = v.Decided[:min(len(v.Decided), decidedShown)]
	return nil
}

// announcements lists the scheduled ones (pending jobs) and the sent ones
// (finished jobs, with their copies' DMs counted).
func (s *Server) announcements(r *http.Request, sess session, v *applicationsView, n names, c clock) error {
	prefix := sess.Workspace.Key() + "/announce/"
	pending, err := s.store.PendingJobs(r.Context(), prefix)
	if err != nil {
		return err
	}
	for _, j := range pending {
		if j.Kind != bot.JobAnnounce {
			continue
		}
		row := announcementRow{ID: announcementID(j.Key, prefix), To: target(j.ToHosts, j.Channel), At: c.stamp(j.Due)}
		if j.Message != nil {
			row.Text = j.Message.PlainText(func(sp bot.Span) string { return sp.Text })
		}
		v.Scheduled = append(v.Scheduled, row)
	}
	slices.SortFunc(v.Scheduled, func(a, b announcementRow) int { return strings.Compare(a.At.ISO, b.At.ISO) })
	outcomes, err := s.store.Outcomes(r.Context(), prefix)
	if err != nil {
		return err
	}
	v.Sent = sentAnnouncements(outcomes, prefix, n, c)
	return nil
}

// sentAnnouncements folds outcomes into one row per announcement, newest
// first: the post's result, and for one sent to every host the DMs
// delivered and failed.
func sentAnnouncements(outcomes []bot.Outcome, prefix string, n names, c clock) []announcementRow {
	byID := map[int64]*announcementRow{}
	var ids []int64
	for _, o := range outcomes {
		id := announcementID(o.Key, prefix)
		row := byID[id]
		if row == nil {
			row = &announcementRow{ID: id}
			byID[id] = row
			ids = append(ids, id)
		}
		if strings.HasSuffix(o.Key, "/post") {
			row.At, row.Result = c.stamp(o.At), string(o.Result)
			row.To = target(o.Channel == "", o.Channel)
			if o.Result == bot.Failed {
				row.FailReason = o.Reason
			}
			continue
		}
		switch o.Result { // one host's copy
		case bot.Sent:
			row.Delivered++
		case bot.Failed:
			row.Failed++
			row.FailReason = "@" + n.of(o.UserID) + ": " + o.Reason
		}
	}
	slices.SortFunc(ids, func(a, b int64) int { return int(b - a) })
	out := make([]announcementRow, 0, len(ids))
	for _, id := range ids {
		out = append(out, *byID[id])
	}
	return out
}

// announcementID reads the number out of an announcement's job key.
func announcementID(key, prefix string) int64 {
	num, _, _ := strings.Cut(strings.TrimPrefix(key, prefix), "/")
	id, _ := strconv.ParseInt(num, 10, 64)
	return id
}

func target(toHosts bool, channel string) string {
	if toHosts {
		return "every host, by DM"
	}
	return "#" + channel
}

func failureRowOf(o bot.Outcome, n names, c clock) failureRow {
	to := "#" + o.Channel
	if o.UserID != "" {
		to = "@" + n.of(o.UserID)
	}
	return failureRow{Kind: string(o.Kind), To: to, Reason: o.Reason, At: c.stamp(o.At)}
}

// webLink reports whether s is an http or https address with a host: a
// link a page may make of what an applicant typed (show: is checked when
// they apply; this holds for whatever is stored).
func webLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// decide approves or rejects an application through the router, as
// /cohort approve or /cohort reject typed by the signed-in staff member.
func (s *Server) decide(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.staff(r)
	if err != nil {
		return err
	}
	if err := checkCSRF(r, sess); err != nil {
		return err
	}
	user := r.PathValue("user")
	opts := map[string]string{"user": "<@" + user + ">"}
	var path []string
	switch r.PathValue("decision") {
	case "approve":
		path = []string{"cohort", "approve"}
	case "reject":
		path = []string{"cohort", "reject"}
		opts["reason"] = strings.TrimSpace(r.PostFormValue("reason"))
		if opts["reason"] == "" {
			return s.showApplications(w, r, formFailure("Give a reason to reject the application of @%s: they get it in a DM, so say why in a sentence.", user))
		}
	default:
		return notFound("There is no such action: approve or reject.")
	}
	resp := s.command(r, sess, path, opts)
	return s.showApplications(w, r, &resp)
}

// pathEscape escapes a user id for a path segment.
func pathEscape(id string) string {
	return strings.TrimPrefix(bot.HostPagePath(id), "/dashboard/hosts/")
}
