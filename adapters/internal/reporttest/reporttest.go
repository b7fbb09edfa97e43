// Package reporttest builds, for the adapters' tests, the messages staff
// get on their own (the weekly digest and the monthly stipend report) the
// way the scheduler builds them, so that each platform's test can send
// them through its adapter.
package reporttest

import (
	"context"
	"testing"
	"time"

	"sparkbot/bot"
)

// Delivery is one message to send, and how to check it arrived.
type Delivery struct {
	Name string
	Msg  bot.Message
	DM   bool // send it as a DM, else post it in a channel
	// Once: every host is named exactly once; the digest names the missed
	// again in its highlights.
	Once bool
}

// StaffDeliveries returns the digest of the cohort's current week, once it
// has closed (clock is moved past it), as a post and as a DM, and the
// stipend report of December 2026, as a post with its CSV.
func StaffDeliveries(t testing.TB, st bot.Store, ws bot.WorkspaceRef, clock *bot.FakeClock) []Delivery {
	t.Helper()
	ctx := context.Background()
	co, err := st.Cohort(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	week := co.WeekOf(clock.Now())
	clock.Set(week.End.Add(9 * time.Hour)) // the digest of a closed week
	digest, err := bot.WeekDigest(ctx, st, ws, co, week)
	if err != nil {
		t.Fatal(err)
	}
	month := bot.Month{Year: 2026, Month: time.December}
	rows, err := bot.StipendReport(ctx, st, ws, co, month, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return []Delivery{
		{Name: "digest post", Msg: digest},
		{Name: "digest DM", Msg: digest, DM: true},
		{Name: "stipend post", Msg: bot.StipendMessage(co, month, rows, nil), Once: true},
	}
}
