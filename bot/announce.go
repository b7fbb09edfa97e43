package bot

import (
	"context"
	"fmt"
	"strings"
)

// Announcement jobs are keyed <workspace>/announce/<id>/post, and the DMs
// of one sent to every host <workspace>/announce/<id>/dm/<user>, so one
// prefix covers an announcement and its copies.
func announcePrefix(ws WorkspaceRef, id int64) string {
	return fmt.Sprintf("%s/announce/%d/", ws.Key(), id)
}

// AnnouncementDMKey is the key of one host's copy of an announcement.
func AnnouncementDMKey(parent, userID string) string {
	return strings.TrimSuffix(parent, "post") + "dm/" + userID
}

// parsePing reads the ping option: none, here, everyone or role:NAME.
func parsePing(raw string) (Ping, error) {
	switch v := strings.ToLower(strings.TrimSpace(raw)); {
	case v == "" || v == "none":
		return Ping{}, nil
	case v == "here":
		return Ping{Kind: PingHere}, nil
	case v == "everyone":
		return Ping{Kind: PingEveryone}, nil
	case strings.HasPrefix(v, "role:") && len(v) > len("role:"):
		role := strings.TrimPrefix(strings.TrimSpace(raw)[len("role:"):], "@")
		if len(role) > 100 || strings.ContainsAny(role, "<>@#") {
			break
		}
		return Ping{Kind: PingRole, Role: role}, nil
	}
	return Ping{}, Invalidf("ping:%s — ping must be none, here, everyone or role:NAME, like ping:role:hosts", echoInput(raw))
}

func (r *Router) announceSend(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	ping, err := parsePing(optionValue[string](c, "ping"))
	if err != nil {
		return Response{}, err
	}
	toHosts := optionValue[string](c, "to") == "hosts"
	channel := co.AnnounceChannel
	if c.Has("channel") {
		channel = optionValue[string](c, "channel")
	}
	switch {
	case toHosts && ping.Kind != PingNone:
		return Response{}, Invalidf("ping: does not go with to:hosts; a DM reaches each host anyway.")
	case toHosts && c.Has("channel"):
		return Response{}, Invalidf("channel: does not go with to:hosts, which DMs every host instead of posting. Leave out channel: to DM the hosts, or to: to post in the channel.")
	case !toHosts && channel == "":
		return Response{}, Invalidf("Say where: channel:#news, or to:hosts to DM every host. Set a default with /cohort settings announce:#news.")
	}
	now := r.clock.Now()
	due := now
	if c.Has("at") {
		dt := optionValue[DateTime](c, "at")
		due = LocalTime(dt.Date, dt.Time, co.Location())
		if !due.After(now) {
			return Response{}, Invalidf("at:\"%s %s\" is in the past (%s time); leave at: out to send now.", dt.Date, dt.Time, co.Zone)
		}
		if due.After(now.AddDate(1, 0, 0)) {
			return Response{}, Invalidf("at: is more than a year away; schedule announcements up to a year ahead.")
		}
	}
	id, err := r.store.NextSequence(ctx, c.Workspace, "announcement")
	if err != nil {
		return Response{}, err
	}
	msg := Message{Ping: ping}
	msg.Add(Line{UserText(optionValue[string](c, "text"))})
	job := Job{
		Key: announcePrefix(c.Workspace, id) + "post", Kind: JobAnnounce, Workspace: c.Workspace, Due: due,
		Channel: channel, Message: &msg, ToHosts: toHosts, CreatedBy: c.UserID,
	}
	if toHosts {
		job.Channel = ""
	}
	if err := queue(ctx, r.store, r.planner, job); err != nil { // sent now, or the scheduler's timer set for due
		return Response{}, err
	}
	if !c.Has("at") {
		return Reply("Announcement #%d is on its way to %s.", id, announceTarget(job)), nil
	}
	return Reply("Announcement #%d will go to %s at %s. Cancel it with /announce cancel id:%d.",
		id, announceTarget(job), At(due, co.Location(), TimeFull), id), nil
}

// announceTarget names where an announcement goes.
func announceTarget(j Job) Span {
	if j.ToHosts {
		return Text("every host, by DM")
	}
	return ChannelRef(j.Channel)
}

// announceOptions says where a scheduled announcement goes and whom it
// pings, as the options that asked for it: "channel:#news ping:here", or
// "to:hosts (a DM to every host)".
func announceOptions(j Job) Line {
	if j.ToHosts {
		return Line{Text("to:hosts (a DM to every host)")}
	}
	var p Ping
	if j.Message != nil {
		p = j.Message.Ping
	}
	line := Linef("channel:%s ping:", ChannelRef(j.Channel))
	switch p.Kind {
	case PingHere:
		return append(line, Text("here"))
	case PingEveryone:
		return append(line, Text("everyone"))
	case PingRole:
		return append(line, Text("role:"), UserText(p.Role))
	}
	return append(line, Text("none"))
}

func (r *Router) announceList(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	jobs, err := r.store.PendingJobs(ctx, c.Workspace.Key()+"/announce/")
	if err != nil {
		return Response{}, err
	}
	resp := Response{Ephemeral: true}
	resp.Section("Scheduled announcements")
	for _, j := range jobs {
		if j.Kind != JobAnnounce {
			continue
		}
		var id int64
		fmt.Sscanf(strings.TrimPrefix(j.Key, c.Workspace.Key()+"/announce/"), "%d", &id)
		text := ""
		if j.Message != nil {
			text = j.Message.PlainText(func(s Span) string { return s.Text })
		}
		line := Linef("#%d at %s — ", id, At(j.Due, co.Location(), TimeFull))
		line = append(line, announceOptions(j)...)
		resp.Add(append(line, Linef(": %s", UserText(echoInput(text)))...))
	}
	if len(resp.Blocks[0].Lines) == 0 {
		resp.Addf("None. Schedule one with %s", Lookup([]string{"announce", "send"}).Example)
	}
	return resp, nil
}

func (r *Router) announceCancel(ctx context.Context, c *Call) (Response, error) {
	id := int64(optionValue[int](c, "id"))
	n, err := r.store.CancelJobs(ctx, announcePrefix(c.Workspace, id))
	if err != nil {
		return Response{}, err
	}
	if n == 0 {
		return Response{}, NotFoundf("There is no pending announcement #%d; it was sent or cancelled already. See /announce list.", id)
	}
	return Reply("Cancelled announcement #%d.", id), nil
}

// sendWelcome queues the welcome DM of a newly admitted host.
func (r *Router) sendWelcome(ctx context.Context, ws WorkspaceRef, co Cohort, h Host) error {
	msg := WelcomeMessage(co, h)
	if h.rejoined(co) {
		msg = WelcomeBackMessage(co, h)
	}
	joined := h.Joined(co)
	job := Job{
		Key:  fmt.Sprintf("%s%s/%d", CohortJobPrefix(ws, "welcome", co.ID), h.UserID, joined.Unix()),
		Kind: JobDM, Workspace: ws, Cohort: co.ID, Due: joined, UserID: h.UserID, Message: &msg,
	}
	if err := queue(ctx, r.store, r.planner, job); err != nil {
		return err
	}
	return nil
}
