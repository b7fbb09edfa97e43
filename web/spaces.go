package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"sparkbot/bot"
)

// The Spaces page: every Space that counts in the cohort, as the
// leaderboard counts them (bot.CountedSpaces), sortable by a column through
// the query (?sort=listeners&dir=desc, no JavaScript), and the week's top
// Spaces (bot.TopSpaces).

type spacesView struct {
	layout
	Columns  []column
	Rows     []spaceRow
	Top      []spaceRow
	Week     string
	Page     int
	Pages    int
	Prev     string
	Next     string
	Total    int
	SortedBy string
}

type column struct {
	Label, Href, Sort string // Sort: ascending, descending or none (aria-sort)
	Num               bool
}

type spaceRow struct {
	Start                  stamp
	Host, HostPath         string
	Title, Space, SpaceURL string
	Listeners, Minutes     int
	Provenance             string
}

// spaceSort is one sortable column: its key in the query and its order.
type spaceSort struct {
	key, label string
	num        bool
	cmp        func(a, b bot.SpaceLog, n names) int
}

var spaceSorts = []spaceSort{
	{"start", "Started", false, func(a, b bot.SpaceLog, _ names) int { return a.Start.Compare(b.Start) }},
	{"host", "Host", false, func(a, b bot.SpaceLog, n names) int {
		return cmp.Compare(strings.ToLower(n.of(a.UserID)), strings.ToLower(n.of(b.UserID)))
	}},
	{"title", "Title", false, func(a, b bot.SpaceLog, _ names) int {
		return cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
	}},
	{"listeners", "Listeners", true, func(a, b bot.SpaceLog, _ names) int { return cmp.Compare(a.Listeners, b.Listeners) }},
	{"minutes", "Minutes", true, func(a, b bot.SpaceLog, _ names) int { return cmp.Compare(a.Minutes, b.Minutes) }},
}

// spacesPerPage bounds a page of the table.
const spacesPerPage = 100

// topSpacesShown is how many of the week's top Spaces the page lists.
const topSpacesShown = 5

// spacesQuery is the page's query, strictly read.
type spacesQuery struct {
	sort   spaceSort
	desc   bool
	page   int
	cohort cohortChoice // the cohort the page shows (?cohort=)
}

func parseSpacesQuery(q url.Values) (spacesQuery, error) {
	sq := spacesQuery{sort: spaceSorts[0], desc: true, page: 1}
	if key := q.Get("sort"); key != "" {
		i := slices.IndexFunc(spaceSorts, func(s spaceSort) bool { return s.key == key })
		if i < 0 {
			return sq, badRequest("sort must be start, host, title, listeners or minutes.")
		}
		sq.sort = spaceSorts[i]
	}
	switch q.Get("dir") {
	case "", "desc":
	case "asc":
		sq.desc = false
	default:
		return sq, badRequest("dir must be asc or desc.")
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 100_000 {
			return sq, badRequest("page must be a page number, like 2.")
		}
		sq.page = n
	}
	return sq, nil
}

// href is the page's address with q's sort and direction, on page.
func (sq spacesQuery) href(key string, desc bool, page int) string {
	v := url.Values{"sort": {key}, "dir": {map[bool]string{true: "desc", false: "asc"}[desc]}}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return sq.cohort.link("/dashboard/spaces", v)
}

func (s *Server) spacesPage(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.staff(r)
	if err != nil {
		return err
	}
	sq, err := parseSpacesQuery(r.URL.Query())
	if err != nil {
		return err
	}
	ctx := r.Context()
	if sq.cohort, err = s.chooseCohort(ctx, r, sess.Workspace); err != nil {
		return err
	}
	co := sq.cohort.co
	hosts, err := s.store.Hosts(ctx, sess.Workspace)
	if err != nil {
		return err
	}
	n := namesOf(hosts)
	// The Spaces that count, as the leaderboard counts them: the cohort's,
	// and the report week's for its top Spaces.
	logs, err := bot.CountedSpaces(ctx, s.store, sess.Workspace, co, co.FirstWeek().Start, co.EndsAt())
	if err != nil {
		return err
	}
	now := s.now()
	c := clock{now: now, loc: co.Location()}
	week := reportWeek(co, now)
	inWeek, err := bot.CountedSpaces(ctx, s.store, sess.Workspace, co, week.Start, week.End)
	if err != nil {
		return err
	}
	v := spacesView{layout: sq.cohort.frame(sess, "Spaces", "spaces", "/dashboard/spaces"), Total: len(logs), Week: c.date(week.Start), SortedBy: sq.sort.label}
	for _, l := range bot.TopSpaces(inWeek, topSpacesShown) {
		v.Top = append(v.Top, spaceRowOf(l, n, c, sq.cohort))
	}
	v.table(logs, sq, n, c)
	v.Columns = spaceColumns(sq)
	s.render(w, http.StatusOK, "spaces", v)
	return nil
}

// table fills the table's page of logs, sorted as sq says, and the
// links to the pages before and after it.
func (v *spacesView) table(logs []bot.SpaceLog, sq spacesQuery, n names, c clock) {
	slices.SortStableFunc(logs, func(a, b bot.SpaceLog) int {
		if sq.desc {
			return sq.sort.cmp(b, a, n)
		}
		return sq.sort.cmp(a, b, n)
	})
	v.Pages = max(1, (len(logs)+spacesPerPage-1)/spacesPerPage)
	v.Page = min(sq.page, v.Pages)
	for _, l := range logs[(v.Page-1)*spacesPerPage : min(len(logs), v.Page*spacesPerPage)] {
		v.Rows = append(v.Rows, spaceRowOf(l, n, c, sq.cohort))
	}
	if v.Page > 1 {
		v.Prev = sq.href(sq.sort.key, sq.desc, v.Page-1)
	}
	if v.Page < v.Pages {
		v.Next = sq.href(sq.sort.key, sq.desc, v.Page+1)
	}
}

// spaceColumns are the table's headers: each links to sorting by it, the
// current one to the other direction.
func spaceColumns(sq spacesQuery) []column {
	var out []column
	for _, ss := range spaceSorts {
		c := column{Label: ss.label, Num: ss.num, Sort: "none", Href: sq.href(ss.key, ss.num || ss.key == "start", 1)}
		if ss.key == sq.sort.key {
			c.Sort = map[bool]string{true: "descending", false: "ascending"}[sq.desc]
			c.Href = sq.href(ss.key, !sq.desc, 1)
		}
		out = append(out, c)
	}
	return out
}

func spaceRowOf(l bot.SpaceLog, n names, c clock, ch cohortChoice) spaceRow {
	row := spaceRow{Start: c.stamp(l.Start), Host: n.of(l.UserID), HostPath: ch.hostPath(l.UserID), Title: l.Title,
		Listeners: l.Listeners, Minutes: l.Minutes, Provenance: provenance(l)}
	if l.Provenance.HasSpaceID() {
		row.Space, row.SpaceURL = l.SpaceID, spaceURL(l.SpaceID)
	}
	return row
}
