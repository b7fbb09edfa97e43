package fakex

import (
	"fmt"
	"time"
)

// A Space's timeline scripts it against the polls that find it: a step
// applies once its creator has been asked about in AfterPolls
// by/creator_ids requests, before the next one is answered. The console
// script in the README runs on a fake clock a bot-minute a round, so it
// can say "live at the 17th poll, ended at the 37th" and come out the same
// every time, whoever runs it and however fast.

// Step is one change in a Space's timeline.
type Step struct {
	AfterPolls int    `json:"after_polls"`
	State      string `json:"state,omitempty"` // live or ended; empty: unchanged
	// StartedAt (going live) and EndedAt (ending) default to the fake's clock.
	StartedAt        time.Time `json:"started_at,omitzero"`
	EndedAt          time.Time `json:"ended_at,omitzero"`
	ParticipantCount *int      `json:"participant_count,omitempty"`
	Gone             bool      `json:"gone,omitempty"`
}

// checkTimeline checks sp's steps: in order of AfterPolls, each a known change.
func checkTimeline(sp *Space) error {
	last := -1
	for i, st := range sp.Timeline {
		switch {
		case st.AfterPolls < 0 || st.AfterPolls < last:
			return fmt.Errorf("space %q: timeline step %d: after_polls must be 0 or more, in order", sp.ID, i+1)
		case st.State != "" && st.State != "live" && st.State != "ended":
			return fmt.Errorf("space %q: timeline step %d: state must be live or ended, not %q", sp.ID, i+1, st.State)
		case st.ParticipantCount != nil && *st.ParticipantCount < 0:
			return fmt.Errorf("space %q: timeline step %d: participant_count cannot be negative", sp.ID, i+1)
		}
		last = st.AfterPolls
	}
	return nil
}

// countPolls counts a by/creator_ids request for the users asked about and
// applies the timeline steps now due. It runs with s.mu held.
func (s *Server) countPolls(userIDs []string) {
	for _, id := range userIDs {
		s.polls[id]++
	}
	now := s.cfg.Clock.Now()
	for _, sp := range s.spaces {
		n := s.polls[sp.CreatorID]
		for len(sp.Timeline) > 0 && sp.Timeline[0].AfterPolls < n {
			sp.apply(sp.Timeline[0], now)
			sp.Timeline = sp.Timeline[1:]
		}
	}
}

// apply makes one step's change.
func (sp *Space) apply(st Step, now time.Time) {
	switch st.State {
	case "live":
		sp.State, sp.StartedAt = "live", orNow(st.StartedAt, now)
	case "ended":
		sp.State, sp.EndedAt = "ended", orNow(st.EndedAt, now)
	}
	if st.ParticipantCount != nil {
		sp.ParticipantCount = *st.ParticipantCount
	}
	if st.Gone {
		sp.Gone = true
	}
}
