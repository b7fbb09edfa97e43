package bot

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// naiveRevise is Revise as it was: rows by value in a map, every row's
// changes worked out in words.
func naiveRevise(rows []StipendRow, issued StipendIssue) []StipendRow {
	before := map[string]StipendRow{}
	for _, r := range issued.Rows {
		before[r.UserID] = r
	}
	out := make([]StipendRow, 0, len(rows))
	for _, r := range rows {
		old, ok := before[r.UserID]
		delete(before, r.UserID)
		if !ok {
			r.Revised = []string{"not in the issued report"}
		} else {
			r.Revised = rowChanges(old, r)
		}
		out = append(out, r)
	}
	for _, old := range issued.Rows {
		if _, gone := before[old.UserID]; gone {
			old.Revised = []string{"no longer a member in the month"}
			out = append(out, old)
		}
	}
	return out
}

// TestReviseIsTheNaiveRevise: on random rows and issues, users missing
// on either side or twice on one, Revise and revisedIssues' reviseEach
// give what the naive Revise gives.
func TestReviseIsTheNaiveRevise(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	row := func() StipendRow {
		r := StipendRow{UserID: fmt.Sprintf("U%d", rng.IntN(12)), Status: []StipendStatus{StipendEligible, StipendReview, StipendNotMember}[rng.IntN(3)]}
		r.Counted, r.Met, r.Spaces = rng.IntN(3), rng.IntN(3), rng.IntN(4)
		if rng.IntN(3) == 0 {
			r.Missed = []int{1 + rng.IntN(2)}
		} else if rng.IntN(2) == 0 {
			r.Missed = []int{}
		}
		r.DueCents = int64(rng.IntN(2)) * 250000
		return r
	}
	for range 2000 {
		var rows []StipendRow
		var is StipendIssue
		for range rng.IntN(10) {
			rows = append(rows, row())
		}
		for range rng.IntN(10) {
			is.Rows = append(is.Rows, row())
		}
		want := naiveRevise(rows, is)
		if got := Revise(rows, is); !reflect.DeepEqual(got, want) {
			t.Fatalf("Revise(%+v, %+v)\n= %+v\nwant %+v", rows, is.Rows, got, want)
		}
		var rr reportRows[StipendRow]
		for _, r := range rows {
			rr.add(r)
		}
		var got []StipendRow
		reviseEach(rr.n, rr.at, is, func(r StipendRow) { got = append(got, r) })
		if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("reviseEach(%+v, %+v)\n= %+v\nwant %+v", rows, is.Rows, got, want)
		}
	}
}
