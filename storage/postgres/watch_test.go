package postgres

import "testing"

// A change marked on one replica moves the generation every replica
// reads; nothing else moves it.
func TestWatchGenerationMovesWithAChangeOnAnyReplica(t *testing.T) {
	dbs := replicas(t, 2, Options{})
	read := func() int64 {
		t.Helper()
		g, err := dbs[1].WatchGeneration(t.Context())
		must(t, err)
		return g
	}
	before := read()
	if again := read(); again != before {
		t.Fatalf("the generation moved from %d to %d with no change", before, again)
	}
	must(t, dbs[0].MarkWatchStale(t.Context()))
	after := read()
	if after == before {
		t.Fatalf("the generation stayed %d after a change on another replica", after)
	}
	must(t, dbs[1].MarkWatchStale(t.Context()))
	if last := read(); last == after {
		t.Errorf("the generation stayed %d after a second change", last)
	}
}
