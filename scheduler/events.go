package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sparkbot/bot"
)

// eventsAhead is how far ahead upcoming Spaces are published as platform
// events (Discord Scheduled Events).
const eventsAhead = 7 * 24 * time.Hour

// publisher returns ws's platform's event publisher, if it has one.
func (s *Scheduler) publisher(ws bot.WorkspaceRef) (bot.EventPublisher, bool) {
	p, ok := s.notifiers[ws.Platform].(bot.EventPublisher)
	return p, ok
}

// eventsJob asks for ws's platform events to be synced, if its platform
// publishes events: after a schedule change, and daily as days roll in.
// The sync runs as a job, so a slow or failing platform is retried with
// back-off and never holds up the command that changed the schedule.
func (s *Scheduler) eventsJob(ws bot.WorkspaceRef, now time.Time) []bot.Job {
	if _, ok := s.publisher(ws); !ok {
		return nil
	}
	// Each request is its own key (a finished key is never added again);
	// the counter tells apart requests made at the same instant.
	key := fmt.Sprintf("%s/events/%d-%d", ws.Key(), now.UnixNano(), s.eventSeq.Add(1))
	return []bot.Job{{Key: key, Kind: bot.JobEvents, Workspace: ws, Due: now}}
}

// syncEvents publishes every member's occurrences of the coming week.
func (s *Scheduler) syncEvents(ctx context.Context, j bot.Job) (verdict, error) {
	pub, ok := s.publisher(j.Workspace)
	if !ok {
		return skipped("the platform publishes no events"), nil
	}
	// This sync covers every change so far: later requests are redundant.
	if _, err := s.store.CancelJobs(ctx, j.Workspace.Key()+"/events/"); err != nil {
		return verdict{}, err
	}
	events, err := s.upcomingEvents(ctx, j.Workspace)
	if err != nil {
		return verdict{}, err
	}
	if err := pub.SyncEvents(ctx, j.Workspace, events); err != nil {
		if de, ok := bot.AsDeliveryError(err); ok && de.Permanent {
			return skipped(de.Reason), nil
		}
		return verdict{}, err
	}
	return verdict{done: true}, nil
}

func (s *Scheduler) upcomingEvents(ctx context.Context, ws bot.WorkspaceRef) ([]bot.SpaceEvent, error) {
	co, err := s.store.Cohort(ctx, ws)
	if errors.Is(err, bot.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	hosts, err := s.store.Hosts(ctx, ws)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	until := now.Add(eventsAhead)
	if end := co.EndsAt(); end.Before(until) {
		until = end // nothing after the cohort's end
	}
	var events []bot.SpaceEvent
	for _, h := range hosts {
		if !h.MemberOf(co) {
			continue
		}
		schedules, err := s.store.SchedulesOf(ctx, ws, h.UserID)
		if err != nil {
			return nil, err
		}
		location := "https://x.com/"
		if h.Handle != "" {
			location += h.Handle
		}
		for _, sc := range schedules {
			for _, start := range sc.Occurrences(now, until) {
				events = append(events, bot.SpaceEvent{Key: fmt.Sprintf("%d:%d", sc.ID, start.Unix()), Title: sc.Title,
					HostID: h.UserID, Location: location, Start: start, End: start.Add(sc.Duration)})
			}
		}
	}
	return events, nil
}
