package bot

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
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
