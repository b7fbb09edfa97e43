package fakex_test

import (
	"strings"
	"testing"
	"time"

	"sparkbot/xapi/fakex"
)

// TestTimeline: a Space's steps apply as its creator is polled, and a
// world with steps out of order or of an unknown state is refused.
func TestTimeline(t *testing.T) {
	x, _ := startWithLimit(t, 300)
	n := 143
	x.AddSpace(fakex.Space{ID: "1soon", State: "scheduled", CreatorID: "1001", ScheduledStart: t0.Add(time.Hour),
		Timeline: []fakex.Step{
			{AfterPolls: 2, State: "live", StartedAt: t0.Add(time.Hour), ParticipantCount: &n},
			{AfterPolls: 3, State: "ended", EndedAt: t0.Add(2 * time.Hour)},
		}})
	stateOf := func() string {
		a := get(t, x, token, "/2/spaces/by/creator_ids?user_ids=1001&space.fields=state,participant_count")
		data, _ := a.body["data"].([]any)
		for _, d := range data {
			if sp := d.(map[string]any); sp["id"] == "1soon" {
				return sp["state"].(string)
			}
		}
		return "absent"
	}
	var got []string
	for range 4 {
		got = append(got, stateOf())
	}
	if want := "scheduled scheduled live absent"; strings.Join(got, " ") != want {
		t.Errorf("states over four polls: %v, want %s", got, want)
	}
	for _, tt := range []struct{ name, world, want string }{
		{"out of order", `{"users":[{"id":"1","username":"a"}],"spaces":[{"id":"s","state":"live","creator_id":"1","timeline":[{"after_polls":3},{"after_polls":1}]}]}`, "in order"},
		{"unknown state", `{"users":[{"id":"1","username":"a"}],"spaces":[{"id":"s","state":"live","creator_id":"1","timeline":[{"after_polls":3,"state":"paused"}]}]}`, "live or ended"},
	} {
		if _, err := fakex.ReadWorld(strings.NewReader(tt.world)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ReadWorld error %v, want one saying %q", tt.name, err, tt.want)
		}
	}
}
