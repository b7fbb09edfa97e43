package bot

import (
	"context"
	"errors"
	"io"
	"net/url"
	"strings"
	"time"
)

// Dashboard is what the router needs to hand out the web dashboard's
// sign-in links and calendar feed addresses.
type Dashboard struct {
	Tokens TokenStore
	// Random is where secrets come from (crypto/rand.Reader in production).
	Random io.Reader
	// URL is the public base address links start with, like
	// https://bot.example.org; a path is kept, a trailing slash is not.
	URL string
}

// SetDashboard lets the router answer /cohort dashboard, /spaces dashboard
// and the calendar commands. Call it before serving.
func (r *Router) SetDashboard(d *Dashboard) { r.dashboard = d }

// Paths of the web dashboard and feeds, shared by the links the router
// makes and the web server that serves them.
const (
	SignInPath = "/dashboard/signin/"
	FeedPath   = "/ical/"
)

// SignInURL is the address of the sign-in link for secret.
func (d *Dashboard) SignInURL(secret string) string {
	return strings.TrimSuffix(d.URL, "/") + SignInPath + secret
}

// FeedURL is the address of the calendar feed for secret.
func (d *Dashboard) FeedURL(secret string) string {
	return strings.TrimSuffix(d.URL, "/") + FeedPath + secret + ".ics"
}

// HostPagePath is the dashboard page of one host.
func HostPagePath(userID string) string { return "/dashboard/hosts/" + url.PathEscape(userID) }

// dashboardOff is the answer when this sparkbot serves no dashboard.
func dashboardOff() error {
	return Conflictf("This sparkbot has no web dashboard set up; ask whoever runs it.")
}

// signInLink stores a new one-time sign-in token for the caller and
// returns its secret.
func (r *Router) signInLink(ctx context.Context, c *Call, staff bool) (string, error) {
	d := r.dashboard
	secret, err := NewSecret(d.Random)
	if err != nil {
		return "", err
	}
	now := r.clock.Now()
	t := Grant{Kind: TokenSignIn, Workspace: c.Workspace, UserID: c.UserID, Name: c.UserName, Staff: staff,
		Created: now, Expires: now.Add(SignInLinkTTL)}
	if err := d.Tokens.AddToken(ctx, HashToken(secret), t); err != nil {
		return "", err
	}
	// Old links and sessions go when new ones come, so the store stays small.
	if _, err := d.Tokens.PruneTokens(ctx, now); err != nil {
		r.log.Warn("pruning expired tokens failed", "err", err)
	}
	return secret, nil
}

func (r *Router) cohortDashboard(ctx context.Context, c *Call) (Response, error) {
	if r.dashboard == nil {
		return Response{}, dashboardOff()
	}
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	secret, err := r.signInLink(ctx, c, true)
	if err != nil {
		return Response{}, err
	}
	return signInResponse(r.dashboard.SignInURL(secret), co, r.clock.Now(), "the staff dashboard"), nil
}

func (r *Router) spacesDashboard(ctx context.Context, c *Call) (Response, error) {
	if r.dashboard == nil {
		return Response{}, dashboardOff()
	}
	co, _, err := r.member(ctx, c)
	if err != nil {
		return Response{}, err
	}
	secret, err := r.signInLink(ctx, c, false)
	if err != nil {
		return Response{}, err
	}
	return signInResponse(r.dashboard.SignInURL(secret), co, r.clock.Now(), "your page"), nil
}

// signInResponse shows a sign-in link to the one person who asked for it.
func signInResponse(link string, co Cohort, now time.Time, what string) Response {
	resp := Reply("Sign in to %s of %s with this link — it is yours alone, works once, and expires %s:",
		what, UserText(co.Name), At(now.Add(SignInLinkTTL), nil, TimeRelative))
	resp.Addf("%s", link)
	resp.Note("Opening it shows a Sign in button; the session lasts %s. Don't share the link: it signs in as you.", HumanDuration(SessionTTL))
	return resp
}

// feedSubscribeHelp says how to add a feed to the common calendar apps.
const feedSubscribeHelp = "Subscribe in Google Calendar (Other calendars → From URL), Apple Calendar (File → New Calendar Subscription) or Outlook (Add calendar → Subscribe from web). Google refreshes subscribed calendars only every few hours."

func (r *Router) spacesCalendar(ctx context.Context, c *Call) (Response, error) {
	if r.dashboard == nil {
		return Response{}, dashboardOff()
	}
	co, _, err := r.member(ctx, c)
	if err != nil {
		return Response{}, err
	}
	return r.calendarFeed(ctx, c, co, c.UserID, FeedHost, "your recurring Spaces, with your reminder times as alarms")
}

func (r *Router) cohortCalendar(ctx context.Context, c *Call) (Response, error) {
	if r.dashboard == nil {
		return Response{}, dashboardOff()
	}
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	if c.Has("user") && optionValue[string](c, "user") != c.UserID {
		return r.revokeCohortFeed(ctx, c, optionValue[string](c, "user"))
	}
	return r.calendarFeed(ctx, c, co, c.UserID, FeedCohort, "every host's recurring Spaces")
}

// calendarFeed makes the owner's feed of scope, or, if they have one and did
// not ask for a reset, says how to get a new one: a feed's address is
// stored only as a hash, so it cannot be shown twice.
func (r *Router) calendarFeed(ctx context.Context, c *Call, co Cohort, owner string, scope FeedScope, holds string) (Response, error) {
	d := r.dashboard
	reset := optionValue[string](c, "action") == "reset"
	existing, err := d.Tokens.Feed(ctx, c.Workspace, owner, scope)
	switch {
	case err == nil && !reset:
		resp := Reply("You have a calendar feed already (made %s). Its address is shown only when it is made; to get a new one, run /%s reset — the old address then stops working.",
			At(existing.Created, nil, TimeDate), c.Cmd.Name())
		return resp, nil
	case err != nil && !errors.Is(err, ErrNotFound):
		return Response{}, err
	}
	replaced := err == nil
	secret, err := NewSecret(d.Random)
	if err != nil {
		return Response{}, err
	}
	t := Grant{Kind: TokenFeed, Workspace: c.Workspace, UserID: owner, Name: c.UserName, Staff: c.Staff, Scope: scope, Created: r.clock.Now()}
	if err := d.Tokens.PutFeed(ctx, HashToken(secret), t); err != nil {
		return Response{}, err
	}
	resp := Reply("Your private calendar feed of %s holds %s, through the cohort's last week:", UserText(co.Name), holds)
	resp.Addf("%s", d.FeedURL(secret))
	if replaced {
		resp.Addf("Your old feed address has stopped working; subscribe to this one instead.")
	}
	resp.Note("%s Anyone with the address can read the feed: keep it to yourself, and run /%s reset if it gets out.", feedSubscribeHelp, c.Cmd.Name())
	return resp, nil
}

// revokeCohortFeed lets staff revoke another staff member's cohort feed,
// for someone who left the staff.
func (r *Router) revokeCohortFeed(ctx context.Context, c *Call, userID string) (Response, error) {
	if optionValue[string](c, "action") != "reset" {
		return Response{}, Invalidf("To revoke %s's cohort feed, run /cohort calendar reset user:%s.", mentionText(userID), mentionText(userID))
	}
	err := r.dashboard.Tokens.DeleteFeed(ctx, c.Workspace, userID, FeedCohort)
	if errors.Is(err, ErrNotFound) {
		return Response{}, NotFoundf("%s has no cohort calendar feed.", mentionText(userID))
	}
	if err != nil {
		return Response{}, err
	}
	return Reply("Revoked the cohort calendar feed of %s: its address stopped working.", UserRef(userID)), nil
}
