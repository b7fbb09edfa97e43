package xapi_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"sparkbot/xapi"
)

func TestSpace(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name    string
		id      string
		want    xapi.Space
		wantErr error
	}{
		{name: "live", id: liveSpace.ID, want: xapi.Space{
			ID: liveSpace.ID, State: xapi.StateLive, Title: "Night owls",
			CreatorID: alice.ID, CreatorUsername: "alice_x",
			HostIDs: []string{alice.ID, bob.ID}, SpeakerIDs: []string{bob.ID},
			CreatedAt: t0, StartedAt: liveSpace.StartedAt, ParticipantCount: 143,
		}},
		{name: "scheduled", id: scheduledSpace.ID, want: xapi.Space{
			ID: scheduledSpace.ID, State: xapi.StateScheduled, Title: "Morning show",
			CreatorID: alice.ID, CreatorUsername: "alice_x", HostIDs: []string{alice.ID},
			CreatedAt: t0, ScheduledStart: scheduledSpace.ScheduledStart,
		}},
		{name: "ended, still returned", id: endedSpace.ID, want: xapi.Space{
			ID: endedSpace.ID, State: xapi.StateEnded, Title: "Done",
			CreatorID: bob.ID, CreatorUsername: "bob_x", HostIDs: []string{bob.ID},
			CreatedAt: endedSpace.StartedAt, StartedAt: endedSpace.StartedAt, EndedAt: endedSpace.EndedAt,
			ParticipantCount: 12,
		}},
		{name: "ended, no longer returned", id: goneSpace.ID, wantErr: xapi.ErrNotFound},
		{name: "never existed", id: "1zzzzzzzzzzzz", wantErr: xapi.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.c.Space(context.Background(), tt.id)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Space(%s) error = %v, want %v", tt.id, err, tt.wantErr)
			}
			if !equalSpace(got, tt.want) {
				t.Errorf("Space(%s)\n got %+v\nwant %+v", tt.id, got, tt.want)
			}
		})
	}
}

// equalSpace compares Spaces with times compared as instants.
func equalSpace(a, b xapi.Space) bool {
	times := [][2]time.Time{{a.CreatedAt, b.CreatedAt}, {a.StartedAt, b.StartedAt},
		{a.EndedAt, b.EndedAt}, {a.ScheduledStart, b.ScheduledStart}}
	for _, p := range times {
		if !p[0].Equal(p[1]) {
			return false
		}
	}
	a.CreatedAt, a.StartedAt, a.EndedAt, a.ScheduledStart = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	b.CreatedAt, b.StartedAt, b.EndedAt, b.ScheduledStart = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

func TestSpaceAsksForEveryField(t *testing.T) {
	h := newHarness(t)
	if _, err := h.c.Space(context.Background(), liveSpace.ID); err != nil {
		t.Fatal(err)
	}
	q := h.x.LastQuery(xapi.EndpointSpace)
	want := "state,title,created_at,started_at,ended_at,scheduled_start,participant_count,host_ids,creator_id,speaker_ids,is_ticketed"
	if got := q.Get("space.fields"); got != want {
		t.Errorf("space.fields = %q, want %q", got, want)
	}
	if got := q.Get("expansions"); got != "creator_id" {
		t.Errorf("expansions = %q, want creator_id", got)
	}
}

func TestSpaces(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name         string
		ids          []string
		wantIDs      []string
		wantNotFound []string
	}{
		{name: "all found", ids: []string{liveSpace.ID, endedSpace.ID},
			wantIDs: []string{liveSpace.ID, endedSpace.ID}},
		{name: "partial: gone and unknown ids", ids: []string{goneSpace.ID, liveSpace.ID, "1zzzzzzzzzzzz"},
			wantIDs: []string{liveSpace.ID}, wantNotFound: []string{goneSpace.ID, "1zzzzzzzzzzzz"}},
		{name: "none found", ids: []string{goneSpace.ID}, wantNotFound: []string{goneSpace.ID}},
		{name: "duplicates asked once", ids: []string{liveSpace.ID, liveSpace.ID},
			wantIDs: []string{liveSpace.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.c.Spaces(context.Background(), tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			if ids := spaceIDs(got.Spaces); !reflect.DeepEqual(ids, tt.wantIDs) {
				t.Errorf("Spaces = %v, want %v", ids, tt.wantIDs)
			}
			if !reflect.DeepEqual(got.NotFound, tt.wantNotFound) {
				t.Errorf("NotFound = %v, want %v", got.NotFound, tt.wantNotFound)
			}
			if len(got.Problems) != 0 {
				t.Errorf("Problems = %v, want none", got.Problems)
			}
		})
	}
}

func TestSpacesByCreators(t *testing.T) {
	h := newHarness(t)
	got, err := h.c.SpacesByCreators(context.Background(), []string{alice.ID, bob.ID, "999"})
	if err != nil {
		t.Fatal(err)
	}
	// X returns only live and scheduled Spaces here: bob's ended one is not.
	if ids, want := spaceIDs(got.Spaces), []string{scheduledSpace.ID, liveSpace.ID}; !reflect.DeepEqual(ids, want) {
		t.Errorf("Spaces = %v, want %v", ids, want)
	}
	if want := []string{"999"}; !reflect.DeepEqual(got.NotFound, want) {
		t.Errorf("NotFound = %v, want %v", got.NotFound, want)
	}
	for _, s := range got.Spaces {
		if s.CreatorUsername != "alice_x" {
			t.Errorf("%s: CreatorUsername = %q, want alice_x", s.ID, s.CreatorUsername)
		}
	}
	live := got.Spaces[1]
	if live.ParticipantCount != 143 || !live.StartedAt.Equal(liveSpace.StartedAt) || !live.HostedBy(bob.ID) {
		t.Errorf("live Space = %+v", live)
	}
}

func TestSpaceLookupsRefuseBadInput(t *testing.T) {
	h := newHarness(t)
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprint(1000 + i)
	}
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"Space id with a slash", func() error { _, err := h.c.Space(context.Background(), "../users"); return err }, "not a Space id"},
		{"empty Space id", func() error { _, err := h.c.Space(context.Background(), ""); return err }, "not a Space id"},
		{"Spaces with a bad id", func() error {
			_, err := h.c.Spaces(context.Background(), []string{liveSpace.ID, "a b"})
			return err
		}, "not a Space id"},
		{"creator id not a number", func() error {
			_, err := h.c.SpacesByCreators(context.Background(), []string{"alice_x"})
			return err
		}, "not a user id"},
		{"101 creators", func() error { _, err := h.c.SpacesByCreators(context.Background(), many); return err }, "at most 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one saying %q", err, tt.want)
			}
		})
	}
	for _, e := range xapi.Endpoints() {
		if n := h.x.Stats(e).Requests; n != 0 {
			t.Errorf("%s: %d requests sent for bad input, want 0", e, n)
		}
	}
}

func TestEmptyListsSendNothing(t *testing.T) {
	h := newHarness(t)
	if r, err := h.c.Spaces(context.Background(), nil); err != nil || len(r.Spaces) != 0 {
		t.Errorf("Spaces(nil) = %v, %v", r, err)
	}
	if r, err := h.c.SpacesByCreators(context.Background(), []string{}); err != nil || len(r.Spaces) != 0 {
		t.Errorf("SpacesByCreators([]) = %v, %v", r, err)
	}
	if n := h.x.Stats(xapi.EndpointSpaces).Requests + h.x.Stats(xapi.EndpointSpacesByCreators).Requests; n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
}

func spaceIDs(spaces []xapi.Space) []string {
	var ids []string
	for _, s := range spaces {
		ids = append(ids, s.ID)
	}
	return ids
}
