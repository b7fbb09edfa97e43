// Package storetest is the contract every bot.Store implementation keeps,
// as one test suite: an implementation's tests call Run with a constructor,
// and RunJobStore for the due index and outbox (bot.JobStore).
package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"sparkbot/bot"
)

// Run checks store against bot.Store's contract. open returns a new, empty
// store for each subtest and arranges (t.Cleanup) to close it.
//
// Fixtures use UTC times without monotonic readings, so a store that keeps
// times as text round-trips them exactly.
func Run(t *testing.T, open func(t *testing.T) bot.Store) {
	suites := []struct {
		name  string
		tests []contractTest
	}{
		{"Cohort", cohortTests},
		{"Stipend", stipendTests},
		{"Host", hostTests},
		{"Application", applicationTests},
		{"Schedule", scheduleTests},
		{"Log", logTests},
		{"XLink", xlinkTests},
		{"SeenSpace", seenSpaceTests},
		{"Review", reviewTests},
		{"HostScanner", memberTests},
	}
	for _, suite := range suites {
		t.Run(suite.name, func(t *testing.T) {
			for _, tt := range suite.tests {
				t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
			}
		})
	}
}

// contractTest is one clause of the contract, checked on a fresh store.
type contractTest struct {
	name string
	run  func(t *testing.T, s bot.Store)
}

// Two workspaces on different platforms with the same id: data written to
// one must never show in the other.
var (
	wsA = bot.WorkspaceRef{Platform: bot.Discord, ID: "1001"}
	wsB = bot.WorkspaceRef{Platform: bot.Slack, ID: "1001"}
)

// day0 is a fixed UTC instant the fixtures count from.
var day0 = time.Date(2025, time.March, 3, 0, 0, 0, 0, time.UTC)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func wantErrIs(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("got error %v, want one that is %v", err, target)
	}
}

func wantEqual[T any](t *testing.T, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}
