package bot_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestLeaderboardShowsEveryHost: the leaderboard is a staff view, so it
// lists every host who logged, ranked, however many there are (the
// adapters split long messages within the platforms' limits).
func TestLeaderboardShowsEveryHost(t *testing.T) {
	const n = 25
	hosts := make([]string, n)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("host%02d", i+1)
	}
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", hosts...)
	h.clock.Set(mustTime(t, "2026-12-01T21:00:00-05:00"))
	for i, u := range hosts {
		// host01 has the fewest listeners, so the ranking reverses the names.
		h.must(u, false, fmt.Sprintf("/spaces log url:1Host%02dSpace listeners:%d", i+1, 10*(i+1)), "Logged")
	}
	board := h.must("boss", true, "/spaces leaderboard", "This week")
	week, month, _ := strings.Cut(board, "This month")
	for name, table := range map[string]string{"week": week, "month": month} {
		for rank := 1; rank <= n; rank++ {
			want := fmt.Sprintf("%d. @host%02d — 1 Space, %d listeners", rank, n+1-rank, 10*(n+1-rank))
			if !strings.Contains(table, want) {
				t.Errorf("this %s's table lacks %q:\n%s", name, want, table)
			}
		}
	}
}
