package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// xHandle is an X username: letters, digits and underscores, 1–15 long.
var xHandle = regexp.MustCompile(`^[A-Za-z0-9_]{1,15}$`)

// parseHandle reads "@alice_x" or "alice_x" into "alice_x".
func parseHandle(option, raw string) (string, error) {
	h := strings.TrimPrefix(strings.TrimSpace(raw), "@")
	if !xHandle.MatchString(h) {
		return "", Invalidf("%s:%s — an X handle is 1–15 letters, digits or underscores, like @alice_x", option, echoInput(raw))
	}
	return h, nil
}

// applicationFailures lists, in words, the cohort rules a applicant misses.
func applicationFailures(c Cohort, followers int, country string) []string {
	var failed []string
	if followers < c.MinFollowers {
		failed = append(failed, fmt.Sprintf("followers: %s is below the cohort's minimum of %s", thousands(followers), thousands(c.MinFollowers)))
	}
	if len(c.Countries) > 0 && !slices.Contains(c.Countries, country) {
		failed = append(failed, fmt.Sprintf("country: %s — the cohort is open to %s only", country, strings.Join(c.Countries, ", ")))
	}
	return failed
}

// thousands renders 12000 as "12,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func (r *Router) spacesApply(ctx context.Context, c *Call) (Response, error) {
	co, err := r.openCohort(ctx, c.Workspace, "Applications open when staff start the next cohort.")
	if err != nil {
		return Response{}, err
	}
	handle, err := parseHandle("handle", optionValue[string](c, "handle"))
	if err != nil {
		return Response{}, err
	}
	country := strings.ToUpper(optionValue[string](c, "country"))
	if !isCountry(country) {
		return Response{}, Invalidf("country:%s — use a two-letter country code, like US", echoInput(country))
	}
	h, err := r.host(ctx, c)
	if err != nil {
		return Response{}, err
	}
	if h.MemberOf(co) {
		return Response{}, Conflictf("You're already a host in %s.", co.Name)
	}
	show, err := parseShowLink(optionValue[string](c, "show"))
	if err != nil {
		return Response{}, err
	}
	followers := optionValue[int](c, "followers")
	app := Application{
		Cohort: co.ID, UserID: c.UserID, Name: c.UserName, Handle: handle, Followers: followers, Country: country, Show: show,
		Failed: applicationFailures(co, followers, country), State: Pending, At: r.clock.Now(),
	}
	r.checkFollowers(ctx, co, &app)
	if err := r.store.PutApplication(ctx, c.Workspace, app); err != nil {
		return Response{}, err
	}
	if len(app.Failed) == 0 {
		return Reply("Application received for @%s to join %s. Staff will review it, and you'll hear back here.", handle, UserText(co.Name)), nil
	}
	resp := Reply("Application recorded for @%s, but it doesn't meet the cohort's rules:", handle)
	for _, f := range app.Failed {
		resp.Addf("• %s", f)
	}
	resp.Addf("Staff will see this when they review it.")
	return resp, nil
}

func (r *Router) cohortApplications(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	apps, err := r.store.Applications(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	resp := Response{Ephemeral: true}
	resp.Section("Pending applications")
	for _, a := range apps {
		if a.State != Pending || a.Cohort != co.ID {
			continue
		}
		resp.Addf("%s — @%s, %s, %s, applied %s", UserRef(a.UserID), UserText(a.Handle),
			followersText(a, r.x != nil), a.Country, At(a.At, co.Location(), TimeDate))
		if a.Show != "" {
			resp.Add(Line{Text("    show: "), UserText(a.Show)})
		}
		for _, f := range a.Failed {
			resp.Addf("    ⚠ %s", f)
		}
	}
	if len(resp.Blocks[0].Lines) == 0 {
		resp.Addf("No pending applications.")
	} else {
		resp.Note("Approve with /cohort approve user:@name, or reject with /cohort reject user:@name reason:\"...\".")
	}
	return resp, nil
}

// pendingApplication loads the application of the user option to co.
func (r *Router) pendingApplication(ctx context.Context, c *Call, co Cohort) (Application, error) {
	userID := optionValue[string](c, "user")
	a, err := r.store.Application(ctx, c.Workspace, userID)
	if errors.Is(err, ErrNotFound) {
		return Application{}, NotFoundf("%s has not applied. Add them directly with /cohort add user:@name handle:@x.", mentionText(userID))
	}
	if err != nil {
		return Application{}, err
	}
	if a.State != Pending {
		return Application{}, Conflictf("That application was already %s.", a.State)
	}
	if a.Cohort != co.ID {
		return Application{}, Conflictf("%s applied to an earlier cohort; ask them to apply again to %s with /spaces apply.", mentionText(userID), co.Name)
	}
	return a, nil
}

// mentionText is how a user is named in an error message, which is plain text.
func mentionText(userID string) string { return "@" + userID }

func (r *Router) cohortApprove(ctx context.Context, c *Call) (Response, error) {
	co, err := r.openCohort(ctx, c.Workspace, "Start the next cohort with /cohort create; applicants then apply to it.")
	if err != nil {
		return Response{}, err
	}
	a, err := r.pendingApplication(ctx, c, co)
	if err != nil {
		return Response{}, err
	}
	now := r.clock.Now()
	a.State, a.DecidedBy, a.DecidedAt = Approved, c.UserID, now
	h, err := r.hostByID(ctx, c.Workspace, a.UserID, a.Name)
	if err != nil {
		return Response{}, err
	}
	if h.MemberOf(co) { // added meanwhile: close the application, keep their record
		if err := r.store.PutApplication(ctx, c.Workspace, a); err != nil {
			return Response{}, err
		}
		return Reply("%s is already a host; closed their application.", UserRef(a.UserID)), nil
	}
	if err := r.handleFree(ctx, c.Workspace, co, a.UserID, a.Handle, "", " Reject the application, or first give the other host their right handle with /cohort link."); err != nil {
		return Response{}, err
	}
	if err := r.admit(ctx, c.Workspace, a.UserID, a.Name, a.Handle); err != nil {
		return Response{}, err
	}
	if err := r.store.PutApplication(ctx, c.Workspace, a); err != nil {
		return Response{}, err
	}
	return Response{Message: messagef("Approved %s (@%s): they're a host in %s now.", UserRef(a.UserID), UserText(a.Handle), UserText(co.Name))}, nil
}

// admit makes a user a member of the cohort and sends their welcome DM.
func (r *Router) admit(ctx context.Context, ws WorkspaceRef, userID, name, handle string) error {
	co, err := r.cohort(ctx, ws)
	if err != nil {
		return err
	}
	h, err := r.hostByID(ctx, ws, userID, name)
	if err != nil {
		return err
	}
	h.Handle = handle
	h.Join(co, r.clock.Now())
	if err := r.store.PutHost(ctx, ws, h); err != nil {
		return err
	}
	r.planner.HostChanged(ctx, ws, h.UserID)
	return r.sendWelcome(ctx, ws, co, h)
}

func (r *Router) cohortReject(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	a, err := r.pendingApplication(ctx, c, co)
	if err != nil {
		return Response{}, err
	}
	a.State, a.Reason, a.DecidedBy, a.DecidedAt = Rejected, optionValue[string](c, "reason"), c.UserID, r.clock.Now()
	if err := r.store.PutApplication(ctx, c.Workspace, a); err != nil {
		return Response{}, err
	}
	if err := r.queueNotice(ctx, c.Workspace, co, "reject", a.UserID, a.DecidedAt, RejectionMessage(co, a.Reason)); err != nil {
		return Response{}, err
	}
	resp := Response{Ephemeral: true, Message: messagef("Rejected the application of %s: %s", UserRef(a.UserID), UserText(a.Reason))}
	resp.Addf("They get a DM with the reason.")
	return resp, nil
}

func (r *Router) cohortAdd(ctx context.Context, c *Call) (Response, error) {
	co, err := r.openCohort(ctx, c.Workspace, "Start the next cohort with /cohort create, then add hosts to it.")
	if err != nil {
		return Response{}, err
	}
	handle, err := parseHandle("handle", optionValue[string](c, "handle"))
	if err != nil {
		return Response{}, err
	}
	userID := optionValue[string](c, "user")
	h, err := r.hostByID(ctx, c.Workspace, userID, "")
	if err != nil {
		return Response{}, err
	}
	if h.MemberOf(co) {
		return Response{}, Conflictf("%s is already a host in %s.", mentionText(userID), co.Name)
	}
	if err := r.handleFree(ctx, c.Workspace, co, userID, handle, "", ""); err != nil {
		return Response{}, err
	}
	if err := r.admit(ctx, c.Workspace, userID, h.Name, handle); err != nil {
		return Response{}, err
	}
	// A pending application is decided by this.
	if a, err := r.store.Application(ctx, c.Workspace, userID); err == nil && a.State == Pending {
		a.State, a.DecidedBy, a.DecidedAt = Approved, c.UserID, r.clock.Now()
		if err := r.store.PutApplication(ctx, c.Workspace, a); err != nil {
			return Response{}, err
		}
	}
	return Response{Message: messagef("Added %s (@%s) to %s.", UserRef(userID), UserText(handle), UserText(co.Name))}, nil
}

// memberOption loads the host named by the user option, who must be a
// member of co now.
func (r *Router) memberOption(ctx context.Context, c *Call, co Cohort) (Host, error) {
	userID := optionValue[string](c, "user")
	h, err := r.store.Host(ctx, c.Workspace, userID)
	if errors.Is(err, ErrNotFound) || (err == nil && !h.MemberOf(co)) {
		return Host{}, NotFoundf("%s is not a host of %s.", mentionText(userID), co.Name)
	}
	return h, err
}

func (r *Router) cohortRemove(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	h, err := r.memberOption(ctx, c, co)
	if err != nil {
		return Response{}, err
	}
	userID, now := h.UserID, r.clock.Now()
	h.Leave(co, now)
	if err := r.store.PutHost(ctx, c.Workspace, h); err != nil {
		return Response{}, err
	}
	r.planner.HostChanged(ctx, c.Workspace, h.UserID)
	if err := r.queueNotice(ctx, c.Workspace, co, "remove", userID, now, RemovalMessage(co)); err != nil {
		return Response{}, err
	}
	return Reply("Removed %s from the cohort. Their logs stay on record; they get no more reminders, and a DM saying so.", UserRef(userID)), nil
}

// messagef is a Message holding one Linef line.
func messagef(format string, args ...any) Message {
	var m Message
	m.Addf(format, args...)
	return m
}

// maxShowLink bounds a show: link.
const maxShowLink = 300

// parseShowLink checks an application's show: link: an http or https URL
// with a host, as typed; empty is no link.
func parseShowLink(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		len(raw) > maxShowLink || strings.ContainsAny(raw, " \t\n<>\"") {
		return "", Invalidf("show:%s — give your show's web address, like https://podcasts.apple.com/us/podcast/… (http or https, up to %d characters)",
			echoInput(raw), maxShowLink)
	}
	return raw, nil
}
