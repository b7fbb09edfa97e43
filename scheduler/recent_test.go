package scheduler

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/internal/cohorttest"
	"sparkbot/storage/bolt"
)

// The warning re-check after a log, the nudge's and the daily check read
// a host's recent weeks only (bot.AccountRecent). On random cohorts they
// plan exactly the warnings and alerts the whole record calls for, and a
// warning or alert delivered later finds the week or run it is about.
func TestWarningsFromRecentWeeksAreTheWholeRecords(t *testing.T) {
	ctx := context.Background()
	ws := bot.WorkspaceRef{Platform: bot.Console, ID: "random"}
	for seed := range uint64(16) {
		rng := rand.New(rand.NewPCG(seed, 1))
		w := cohorttest.Random(rng)
		db, err := bolt.OpenWith(filepath.Join(t.TempDir(), "sparkbot.db"), bolt.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := w.Store(ctx, db, ws); err != nil {
			t.Fatal(err)
		}
		hosts, err := db.Hosts(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		for range 8 {
			now := w.At(rng)
			for _, h := range hosts {
				whole, err := bot.AccountHost(ctx, db, ws, w.Cohort, h, now)
				if err != nil {
					t.Fatal(err)
				}
				acct, err := bot.AccountRecent(ctx, db, ws, w.Cohort, h, now, now)
				if err != nil {
					t.Fatal(err)
				}
				want := warningJobs(ws, bot.RecentAccount{Cohort: w.Cohort, Now: now, Record: whole})
				if got := warningJobs(ws, acct); !reflect.DeepEqual(got, want) {
					t.Fatalf("cohort %d, %s at %s:\n got %+v\nwant %+v", seed, h.UserID, now, got, want)
				}
				for _, hw := range whole.Weeks {
					checkRunFrom(t, ctx, db, ws, w.Cohort, h, now, whole, hw.Week)
				}
			}
		}
	}
}

// checkRunFrom: an account from week (as composeAlert and composeWarning
// make) has week as the whole record has it, and the run of missed weeks
// starting there, if there is one.
func checkRunFrom(t *testing.T, ctx context.Context, db *bolt.DB, ws bot.WorkspaceRef, co bot.Cohort, h bot.Host, now time.Time, whole bot.HostRecord, week bot.Week) {
	t.Helper()
	acct, err := bot.AccountRecent(ctx, db, ws, co, h, now, week.Start)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := acct.Record.WeekStarting(week.Start)
	want, _ := whole.WeekStarting(week.Start)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s at %s, week %s:\n got %+v\nwant %+v", h.UserID, now, week.StartDate, got, want)
	}
	if got, want := runFrom(acct.Record, now, week), runFrom(whole, now, week); !reflect.DeepEqual(got, want) {
		t.Fatalf("%s at %s, the run from %s:\n got %+v\nwant %+v", h.UserID, now, week.StartDate, got, want)
	}
}

func runFrom(rec bot.HostRecord, now time.Time, week bot.Week) []bot.HostWeek {
	for _, run := range missedRuns(rec, now) {
		if run[0].Week.Start.Equal(week.Start) {
			return run
		}
	}
	return nil
}
