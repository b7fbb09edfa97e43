package bot_test

import (
	"strings"
	"testing"
)

// TestLeadTimesAtMostFive: `lead:` takes at most 5 distinct lead times, so
// one host cannot plan an unbounded number of reminders per Space;
// repeats count once.
func TestLeadTimesAtMostFive(t *testing.T) {
	h := newHarness(t, "2026-12-01T15:00:00Z").withCohort("2026-11-30", "alice")
	tests := []struct {
		lead, want string
	}{
		{"60m,45m,30m,20m,10m,5m", "lead:60m,45m,30m,20m,10m,5m — lead must be up to 5 lengths like 60m,10m"},
		{"60m,60m,45m,45m,30m,20m,10m,10m", "Saved: your reminders are on"},
		{strings.Repeat("10m,", 200) + "10m", "Saved: your reminders are on"},
	}
	for _, tt := range tests {
		if got := h.do("alice", false, "/spaces reminders lead:"+tt.lead); !strings.Contains(got, tt.want) {
			t.Errorf("lead:%.40s…\n got %q\nwant it to contain %q", tt.lead, got, tt.want)
		}
	}
}
