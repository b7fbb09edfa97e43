package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"sparkbot/bot"
)

// The cohort selector: ?cohort=N on the cohort, stipend, Spaces and host
// pages shows the workspace's cohort N (numbered 1, 2, … as created), so a
// past cohort stays readable here as chat's cohort: option keeps it in
// chat. Without it, a page shows the latest cohort; links on a page of an
// earlier one keep to it.

// cohortChoice is the cohort a page shows, among the workspace's.
type cohortChoice struct {
	co       bot.Cohort
	all      []bot.Cohort // by ID
	latestID int          // the workspace's latest cohort (store.Cohort)
}

// latest reports whether the chosen cohort is the workspace's latest.
func (ch cohortChoice) latest() bool { return ch.co.ID == ch.latestID }

// chooseCohort reads the request's ?cohort=, strictly: a cohort of the
// session's workspace, by number.
func (s *Server) chooseCohort(ctx context.Context, r *http.Request, ws bot.WorkspaceRef) (cohortChoice, error) {
	latest, err := s.cohortOf(ctx, ws)
	if err != nil {
		return cohortChoice{}, err
	}
	ch := cohortChoice{co: latest, latestID: latest.ID}
	if ch.all, err = s.store.Cohorts(ctx, ws); err != nil {
		return cohortChoice{}, err
	}
	raw := r.URL.Query().Get("cohort")
	if raw == "" {
		return ch, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || len(raw) > 6 {
		return ch, badRequest(fmt.Sprintf("cohort must be a cohort's number, like 1; this workspace's are numbered 1 to %d.", len(ch.all)))
	}
	co, err := s.store.CohortByID(ctx, ws, n)
	if errors.Is(err, bot.ErrNotFound) {
		return ch, notFound(fmt.Sprintf("This workspace has no cohort %d; its cohorts are numbered 1 to %d.", n, len(ch.all)))
	}
	if err != nil {
		return ch, err
	}
	ch.co = co
	return ch, nil
}

// link is path with query v and the choice (none for the latest cohort).
func (ch cohortChoice) link(path string, v url.Values) string {
	if !ch.latest() {
		if v == nil {
			v = url.Values{}
		}
		v.Set("cohort", strconv.Itoa(ch.co.ID))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// hostPath is the page of userID in the chosen cohort.
func (ch cohortChoice) hostPath(userID string) string { return ch.link(bot.HostPagePath(userID), nil) }

// frame is the layout of a page at path about the chosen cohort: the
// selector (when the workspace has more than one cohort) and the nav's
// links keep to it.
func (ch cohortChoice) frame(sess session, title, active, path string) layout {
	l := frame(sess, ch.co, title, active)
	l.CohortQuery = ch.link("", nil)
	if len(ch.all) < 2 {
		return l
	}
	for _, co := range ch.all {
		c := cohortChoice{co: co, latestID: ch.latestID}
		l.Cohorts = append(l.Cohorts, cohortLink{Label: fmt.Sprintf("%s (from %s)", co.Name, co.Start), Href: c.link(path, nil),
			Current: co.ID == ch.co.ID})
	}
	return l
}

// cohortLink is one cohort in the selector.
type cohortLink struct {
	Label, Href string
	Current     bool
}
