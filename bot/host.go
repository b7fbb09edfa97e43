package bot

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Location is the zone a host's times are read and shown in: their own
// choice, else the zone their platform reports, else the cohort's.
func (h Host) Location(c Cohort, platformZone string) *time.Location {
	for _, name := range []string{h.Zone, platformZone, h.PlatformZone} {
		if name == "" {
			continue
		}
		if loc, err := LoadZone(name); err == nil {
			return loc
		}
	}
	return c.Location()
}

// LeadTimes returns the host's reminder lead times, or the defaults.
func (h Host) LeadTimes() []time.Duration {
	if h.Leads == nil {
		return DefaultLeads
	}
	return h.Leads
}

// cohort loads the workspace's cohort, or says how to start one.
func (r *Router) cohort(ctx context.Context, ws WorkspaceRef) (Cohort, error) {
	c, err := r.store.Cohort(ctx, ws)
	if errors.Is(err, ErrNotFound) {
		return Cohort{}, NotFoundf("There is no cohort here yet. Staff start one with /cohort create name:\"Spark Phase 1\" start:YYYY-MM-DD.")
	}
	return c, err
}

// openCohort loads the workspace's cohort if it has not ended; next says
// what to do if it has.
func (r *Router) openCohort(ctx context.Context, ws WorkspaceRef, next string) (Cohort, error) {
	co, err := r.cohort(ctx, ws)
	if err == nil && !r.clock.Now().Before(co.EndsAt()) {
		return Cohort{}, Conflictf("%s has ended. %s", co.Name, next)
	}
	return co, err
}

// host loads the caller's record, or a new one if they have none.
// A zone the platform reports for a host (one who ever was a member) is
// kept, so that DMs the scheduler sends later read in it too. A host with
// no zone on record gets the platform asked for one (Request.Profile);
// one with a zone on record has it refreshed whenever the platform is
// asked anyway: by every command but /spaces log and /spaces status.
func (r *Router) host(ctx context.Context, c *Call) (Host, error) {
	h, err := r.hostByID(ctx, c.Workspace, c.UserID, c.UserName)
	if err == nil && len(h.Memberships) > 0 && h.Zone == "" && h.PlatformZone == "" {
		c.ResolveProfile(ctx)
	}
	if err != nil || len(h.Memberships) == 0 || c.UserZone == "" || c.UserZone == h.PlatformZone {
		return h, err
	}
	if _, err := LoadZone(c.UserZone); err != nil {
		return h, nil // not a zone we know: ignore it
	}
	h.PlatformZone = c.UserZone
	return h, r.store.PutHost(ctx, c.Workspace, h)
}

func (r *Router) hostByID(ctx context.Context, ws WorkspaceRef, userID, name string) (Host, error) {
	h, err := r.store.Host(ctx, ws, userID)
	if errors.Is(err, ErrNotFound) {
		return Host{UserID: userID, Name: name}, nil
	}
	if err != nil {
		return Host{}, err
	}
	if name != "" {
		h.Name = name
	}
	return h, nil
}

// member loads the cohort and the caller, who must be one of its hosts.
func (r *Router) member(ctx context.Context, c *Call) (Cohort, Host, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Cohort{}, Host{}, err
	}
	h, err := r.host(ctx, c)
	if err != nil {
		return Cohort{}, Host{}, err
	}
	if !h.MemberOf(co) && c.staff(ctx) {
		return Cohort{}, Host{}, Forbiddenf("You're program staff, not a host in %s: see the hosts with /cohort report or /cohort dashboard.", co.Name)
	}
	if !h.MemberOf(co) {
		return Cohort{}, Host{}, Forbiddenf("You're not a host in %s yet. Apply with /spaces apply handle:@you followers:N country:US.", co.Name)
	}
	return co, h, nil
}

// pastMember loads the cohort of the cohort: option (default: the latest)
// and the caller, who must have been one of its hosts at some time.
func (r *Router) pastMember(ctx context.Context, c *Call) (Cohort, Host, error) {
	co, err := r.cohortOption(ctx, c)
	if err != nil {
		return Cohort{}, Host{}, err
	}
	h, err := r.host(ctx, c)
	if err != nil {
		return Cohort{}, Host{}, err
	}
	if !h.WasMember(co) {
		return Cohort{}, Host{}, Forbiddenf("You were not a host in %s. Apply with /spaces apply handle:@you followers:N country:US.", co.Name)
	}
	return co, h, nil
}

func (r *Router) spacesTimezone(ctx context.Context, c *Call) (Response, error) {
	h, err := r.host(ctx, c)
	if err != nil {
		return Response{}, err
	}
	if !c.Has("tz") {
		return r.showTimezone(ctx, c, h)
	}
	loc := optionValue[*time.Location](c, "tz")
	h.Zone = loc.String()
	if err := r.store.PutHost(ctx, c.Workspace, h); err != nil {
		return Response{}, err
	}
	r.planner.HostChanged(ctx, c.Workspace, h.UserID)
	now := r.clock.Now()
	return Reply("Saved: your time zone is %s (it's %s there now). New schedules use it unless you give tz:; existing schedules keep their own zone.",
		h.Zone, At(now, loc, TimeShort)), nil
}

// showTimezone says which zone the host's times read in, and where it
// comes from (in Location's order: their choice, their platform's, the
// cohort's).
func (r *Router) showTimezone(ctx context.Context, c *Call, h Host) (Response, error) {
	co, err := r.store.Cohort(ctx, c.Workspace)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Response{}, err
	}
	loc, now := h.Location(co, c.UserZone), r.clock.Now()
	if _, err := LoadZone(h.Zone); h.Zone != "" && err == nil {
		return Reply("Your time zone is %s (it's %s there now). Change it with /spaces timezone tz:Area/City.", loc.String(), At(now, loc, TimeShort)), nil
	}
	source := "the cohort's"
	for _, z := range []string{c.UserZone, h.PlatformZone} {
		if _, err := LoadZone(z); z != "" && err == nil {
			source = "from your profile"
			if c.Workspace.Platform == Slack {
				source = "from your Slack profile"
			}
			break
		}
	}
	return Reply("Your time zone is %s, %s (it's %s there now). Set yours with /spaces timezone tz:America/Chicago.", loc.String(), source, At(now, loc, TimeShort)), nil
}

func (r *Router) spacesReminders(ctx context.Context, c *Call) (Response, error) {
	h, err := r.host(ctx, c)
	if err != nil {
		return Response{}, err
	}
	changed := c.Has("lead") || c.Has("state") || c.Has("quiet")
	if c.Has("quiet") {
		q, err := parseQuietHours(optField{key: "quiet", noun: "quiet hours"}, strings.TrimSpace(optionValue[string](c, "quiet")))
		if err != nil {
			return Response{}, err
		}
		h.Quiet = q
	}
	if c.Has("lead") {
		h.Leads = optionValue[[]time.Duration](c, "lead")
	}
	if c.Has("state") {
		h.RemindersOff = optionValue[string](c, "state") == "off"
	}
	if changed {
		if err := r.store.PutHost(ctx, c.Workspace, h); err != nil {
			return Response{}, err
		}
		r.planner.HostChanged(ctx, c.Workspace, h.UserID)
	}
	co, err := r.store.Cohort(ctx, c.Workspace)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Response{}, err
	}
	prefix := "Your reminders"
	if changed {
		prefix = "Saved: your reminders"
	}
	var resp Response
	if h.RemindersOff {
		resp = Reply("%s are off: no DMs before your Spaces and no nudges after them. Quota warnings still come: they are the program's rule. "+
			"Turn reminders on with /spaces reminders on.", prefix)
	} else {
		resp = Reply("%s are on: a DM %s before each scheduled Space, and a nudge if one isn't logged %s after it ends. "+
			"Change with /spaces reminders lead:60m,10m or turn off with /spaces reminders off (quota warnings still come).",
			prefix, joinLeads(h.LeadTimes()), HumanDuration(NudgeAfter))
	}
	resp.Addf("%s Change with /spaces reminders quiet:22-08, or quiet:off.", describeQuiet(h.QuietHours(), h.Quiet != (QuietHours{}), h.Location(co, c.UserZone)))
	return resp, nil
}

func joinLeads(leads []time.Duration) string {
	parts := make([]string, len(leads))
	for i, d := range leads {
		parts[i] = HumanDuration(d)
	}
	return strings.Join(parts, " and ")
}
