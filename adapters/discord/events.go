package discord

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"sparkbot/bot"
)

// Event is one upcoming Space to show as a Discord Scheduled Event
// (SPARKBOT_DISCORD_EVENTS=on).
type Event = bot.SpaceEvent

var _ bot.EventPublisher = (*Adapter)(nil)

// Discord's limits on scheduled events.
const (
	maxActiveEvents = 100 // scheduled or active events in one server
	maxEventName    = 100
	maxLocation     = 100
	maxEventKey     = 40
	// eventMark starts the last line of the description of every event
	// sparkbot made; the key follows. It is how a sync finds its own
	// events again after a restart.
	eventMark = "sparkbot event "
)

// SyncEvents makes the server's scheduled events match want, the complete
// set of upcoming Spaces: it creates the missing ones, edits the changed
// ones and deletes the ones no longer wanted. Events that have started,
// and events sparkbot did not make, are left alone. Only the earliest
// upcoming Spaces are shown, so that the server never holds more than
// Discord's 100 active events.
func (a *Adapter) SyncEvents(ctx context.Context, ws bot.WorkspaceRef, want []Event) error {
	if !isSnowflake(ws.ID) {
		return bot.PermanentFailure(fmt.Sprintf("workspace %q is not a Discord server", ws.ID), nil)
	}
	existing, err := a.rest.GuildScheduledEvents(ws.ID, false, discordgo.WithContext(ctx))
	if err != nil {
		return eventError(err, "list the server's events")
	}
	ours, others := map[string]*discordgo.GuildScheduledEvent{}, 0
	var extra []*discordgo.GuildScheduledEvent // a second event of one key (two syncs at once)
	for _, ev := range existing {
		key, mine := eventKey(ev)
		switch {
		case mine && ev.Status == discordgo.GuildScheduledEventStatusScheduled:
			if ours[key] != nil {
				extra = append(extra, ev)
				continue
			}
			ours[key] = ev
		case ev.Status == discordgo.GuildScheduledEventStatusScheduled || ev.Status == discordgo.GuildScheduledEventStatusActive:
			others++ // counts against the limit; not ours to touch
		}
	}
	plan := a.upcoming(want, maxActiveEvents-others)
	keep := map[string]bool{}
	for _, p := range plan {
		keep[p.key] = true
	}
	for key, ev := range ours {
		if !keep[key] {
			extra = append(extra, ev)
		}
	}
	for _, ev := range extra {
		if err := a.rest.GuildScheduledEventDelete(ws.ID, ev.ID, discordgo.WithContext(ctx)); err != nil {
			return eventError(err, "delete a scheduled event")
		}
	}
	for _, p := range plan {
		ev, ok := ours[p.key]
		switch {
		case !ok:
			_, err = a.rest.GuildScheduledEventCreate(ws.ID, p.params, discordgo.WithContext(ctx))
		case !sameEvent(ev, p.params):
			_, err = a.rest.GuildScheduledEventEdit(ws.ID, ev.ID, p.params, discordgo.WithContext(ctx))
		}
		if err != nil {
			return eventError(err, "create or edit a scheduled event")
		}
	}
	return nil
}

type plannedEvent struct {
	key    string
	params *discordgo.GuildScheduledEventParams
}

// upcoming returns the events to show, in start order: the earliest ones
// that have not started, at most room of them.
func (a *Adapter) upcoming(want []Event, room int) []plannedEvent {
	now := a.clock.Now()
	var next []Event
	for _, e := range want {
		if e.Start.After(now) && e.End.After(e.Start) && e.Key != "" && len(e.Key) <= maxEventKey && !strings.ContainsAny(e.Key, "\n\r") {
			next = append(next, e)
		}
	}
	slices.SortStableFunc(next, func(x, y Event) int { return x.Start.Compare(y.Start) })
	var out []plannedEvent
	seen := map[string]bool{}
	for _, e := range next {
		if len(out) >= room {
			break
		}
		if !seen[e.Key] {
			seen[e.Key] = true
			out = append(out, plannedEvent{key: e.Key, params: eventParams(e)})
		}
	}
	return out
}

func eventParams(e Event) *discordgo.GuildScheduledEventParams {
	start, end := e.Start.UTC(), e.End.UTC()
	name := clip(strings.TrimSpace(oneLine(e.Title)), maxEventName)
	if name == "" {
		name = "Space"
	}
	location := clip(strings.TrimSpace(oneLine(e.Location)), maxLocation)
	if location == "" {
		location = "X Spaces"
	}
	desc := "A Space of the cohort."
	if isSnowflake(e.HostID) {
		desc = "A Space hosted by <@" + e.HostID + ">."
	}
	return &discordgo.GuildScheduledEventParams{
		Name: name, Description: desc + "\n" + eventMark + e.Key,
		ScheduledStartTime: &start, ScheduledEndTime: &end,
		PrivacyLevel:   discordgo.GuildScheduledEventPrivacyLevelGuildOnly,
		EntityType:     discordgo.GuildScheduledEventEntityTypeExternal,
		EntityMetadata: &discordgo.GuildScheduledEventEntityMetadata{Location: location},
	}
}

// eventKey reads the key sparkbot left in an event's description.
func eventKey(ev *discordgo.GuildScheduledEvent) (string, bool) {
	if ev == nil || ev.EntityType != discordgo.GuildScheduledEventEntityTypeExternal {
		return "", false
	}
	i := strings.LastIndex(ev.Description, "\n"+eventMark)
	if i < 0 {
		return "", false
	}
	return ev.Description[i+1+len(eventMark):], true
}

func sameEvent(ev *discordgo.GuildScheduledEvent, p *discordgo.GuildScheduledEventParams) bool {
	return ev.Name == p.Name && ev.Description == p.Description &&
		ev.ScheduledStartTime.Equal(*p.ScheduledStartTime) &&
		ev.ScheduledEndTime != nil && ev.ScheduledEndTime.Equal(*p.ScheduledEndTime) &&
		ev.EntityMetadata.Location == p.EntityMetadata.Location
}

func eventError(err error, what string) error {
	if c := apiCode(err); c == discordgo.ErrCodeMissingPermissions || c == discordgo.ErrCodeMissingAccess {
		return bot.PermanentFailure(what+": the bot needs the Manage Events permission (Create Events in newer servers)", err)
	}
	return deliveryError(err, what)
}
