package bot

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// topSpaces picks what sorting every log by listeners, stably, and taking
// the first digestTopN with listeners would: ties go to the first added.
func TestTopSpacesIsTheStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		var logs []SpaceLog
		for i := range rng.IntN(12) {
			logs = append(logs, SpaceLog{SpaceID: fmt.Sprint(i), Listeners: rng.IntN(4)})
		}
		var top topSpaces
		for _, l := range logs {
			top.add(l)
		}
		sorted := append([]SpaceLog(nil), logs...)
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Listeners > sorted[j].Listeners })
		var want []SpaceLog
		for i, l := range sorted {
			if i == digestTopN || l.Listeners == 0 {
				break
			}
			want = append(want, l)
		}
		if !reflect.DeepEqual(top.logs, want) {
			t.Fatalf("of %v: got %v, want %v", logs, top.logs, want)
		}
	}
}

// TestSortDigestRowsIsTheStableSort: rows by user id (counted into order)
// and rows in any order (sorted) come out as the stable sort by logs,
// most first, then user id.
func TestSortDigestRowsIsTheStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 400 {
		n := rng.IntN(40)
		ids := rng.Perm(1000)[:n]
		if round%2 == 0 {
			slices.Sort(ids)
		}
		var rows reportRows[digestRow]
		var want []digestRow
		for _, id := range ids {
			r := digestRow{host: rowHost{UserID: fmt.Sprintf("U%04d", id)}, week: HostWeek{Logs: make([]SpaceLog, rng.IntN(4))}, streak: id}
			rows.add(r)
			want = append(want, r)
		}
		slices.SortStableFunc(want, func(a, b digestRow) int {
			if a, b := len(a.week.Logs), len(b.week.Logs); a != b {
				return b - a
			}
			return strings.Compare(a.host.UserID, b.host.UserID)
		})
		got := sortDigestRows(&rows)
		if !slices.EqualFunc(got, want, func(a, b digestRow) bool { return a.streak == b.streak }) {
			t.Fatalf("round %d: got %v, want %v", round, streaks(got), streaks(want))
		}
	}
}

func streaks(rows []digestRow) []int {
	var out []int
	for _, r := range rows {
		out = append(out, r.streak)
	}
	return out
}
