package bot_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/internal/cohorttest"
	"sparkbot/storage/bolt"
)

// The accounting reads less than it did (issue 11): a log accounts only
// the weeks the rules look at, reports read the store in one pass. These
// tests hold it to the whole recount (bot.Naive…, export_test.go) on
// random cohorts: hosts joining late, leaving, rejoining, excused, and
// logs that overlap in chains across week boundaries, forced or not.

const randomCohorts = 16

var accountWS = bot.WorkspaceRef{Platform: bot.Console, ID: "random"}

// randomWorld stores cohort seed's world in a new bbolt file.
func randomWorld(t *testing.T, seed uint64) (*bolt.DB, cohorttest.World, *rand.Rand) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 42))
	w := cohorttest.Random(rng)
	db, err := bolt.OpenWith(filepath.Join(t.TempDir(), "sparkbot.db"), bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := w.Store(context.Background(), db, accountWS); err != nil {
		t.Fatal(err)
	}
	return db, w, rng
}

func storedHosts(t *testing.T, st bot.Store) []bot.Host {
	t.Helper()
	hosts, err := st.Hosts(context.Background(), accountWS)
	if err != nil {
		t.Fatal(err)
	}
	return hosts
}

func TestAccountHostIsTheWholeRecount(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(randomCohorts) {
		db, w, rng := randomWorld(t, seed)
		for range 6 {
			now := w.At(rng)
			for _, h := range storedHosts(t, db) {
				want, err := bot.NaiveAccountHost(ctx, db, accountWS, w.Cohort, h, now)
				if err != nil {
					t.Fatal(err)
				}
				got, err := bot.AccountHost(ctx, db, accountWS, w.Cohort, h, now)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("cohort %d, %s at %s:\n got %+v\nwant %+v", seed, h.UserID, now, got, want)
				}
			}
		}
	}
}

// Each week of a recent account is the whole record's; the account
// reaches back to since (or the rules' look-back), and further to a week
// the host met, so that a run of missed weeks in it is whole.
func TestAccountRecentWeeksAreTheWholeRecords(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(randomCohorts) {
		db, w, rng := randomWorld(t, seed)
		for range 6 {
			now, since := w.At(rng), w.At(rng)
			if since.After(now) {
				since = now
			}
			for _, h := range storedHosts(t, db) {
				whole, err := bot.NaiveAccountHost(ctx, db, accountWS, w.Cohort, h, now)
				if err != nil {
					t.Fatal(err)
				}
				acct, err := bot.AccountRecent(ctx, db, accountWS, w.Cohort, h, now, since)
				if err != nil {
					t.Fatal(err)
				}
				checkRecent(t, seed, w.Cohort, whole, acct, now, since)
			}
		}
	}
}

func checkRecent(t *testing.T, seed uint64, co bot.Cohort, whole bot.HostRecord, acct bot.RecentAccount, now, since time.Time) {
	t.Helper()
	got := acct.Record.Weeks
	if len(got) == 0 || len(got) > len(whole.Weeks) {
		t.Fatalf("cohort %d, %s at %s: %d weeks, the whole record has %d", seed, whole.Host.UserID, now, len(got), len(whole.Weeks))
	}
	skipped := whole.Weeks[:len(whole.Weeks)-len(got)]
	if want := whole.Weeks[len(skipped):]; !reflect.DeepEqual(got, want) {
		t.Fatalf("cohort %d, %s at %s since %s:\n got %+v\nwant %+v", seed, whole.Host.UserID, now, since, got, want)
	}
	if len(skipped) == 0 {
		return // the whole record
	}
	reach := co.WeekOf(since)
	if back := co.WeekOf(now.Add(-bot.AlertLookBack)); back.Start.Before(reach.Start) {
		reach = back
	}
	if got[0].Week.Start.After(reach.Start) {
		t.Fatalf("cohort %d, %s at %s: the account starts at %s, after the week of %s", seed, whole.Host.UserID, now, got[0].Week.StartDate, reach.StartDate)
	}
	// Whole runs: the first week is one the host met or was excused, or
	// no week before it was owed.
	if first := got[0]; first.Standing == bot.Missed || !first.Standing.Owed() {
		for _, hw := range skipped {
			if hw.Standing.Owed() {
				t.Fatalf("cohort %d, %s: starts at %s (%s), and the owed week %s before it is left out",
					seed, whole.Host.UserID, first.Week.StartDate, first.Standing, hw.Week.StartDate)
			}
		}
	}
}

// countedFrom counts, from the logs since read, exactly what counting all
// of them counts since from, or says it cannot: on dense logs of one
// host, overlapping in chains, some a day long, some forced.
func TestCountedFromIsCountOnce(t *testing.T) {
	from := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
	told := 0
	for seed := range uint64(2000) {
		rng := rand.New(rand.NewPCG(seed, 7))
		gap := time.Duration(15+rng.IntN(90)) * time.Minute
		var logs []bot.SpaceLog
		at := from.Add(-time.Duration(rng.IntN(120)) * time.Hour)
		for i := range 10 + rng.IntN(60) {
			l := bot.SpaceLog{SpaceID: fmt.Sprintf("s%03d", i), Start: at, Minutes: rng.IntN(120),
				Provenance: bot.Provenance(1 + rng.IntN(4)), LoggedAt: at.Add(time.Duration(rng.IntN(100)) * time.Hour), Forced: rng.IntN(8) == 0}
			if rng.IntN(6) == 0 {
				l.Minutes = bot.MaxLogMinutes
			}
			logs = append(logs, l)
			at = at.Add(time.Duration(rng.IntN(240)) * time.Minute)
		}
		read := from.Add(-time.Duration(rng.IntN(96)) * time.Hour)
		var window []bot.SpaceLog
		for _, l := range logs {
			if !l.Start.Before(read) {
				window = append(window, l)
			}
		}
		got, ok := bot.CountedFrom(window, gap, read, from)
		if !ok {
			continue
		}
		told++
		all, _ := bot.CountOnce(logs, gap)
		if want, have := since(all, from), since(got, from); !reflect.DeepEqual(have, want) {
			t.Fatalf("seed %d: counted since %s:\n got %v\nwant %v", seed, from, ids(have), ids(want))
		}
	}
	if told < 1000 {
		t.Errorf("countedFrom could tell in %d cases of 2000; want most", told)
	}
}

func sortLogs(logs []bot.SpaceLog) {
	for i := 1; i < len(logs); i++ {
		for j := i; j > 0 && (logs[j].Start.Before(logs[j-1].Start) || logs[j].Start.Equal(logs[j-1].Start) && logs[j].SpaceID < logs[j-1].SpaceID); j-- {
			logs[j], logs[j-1] = logs[j-1], logs[j]
		}
	}
}

func since(logs []bot.SpaceLog, from time.Time) []bot.SpaceLog {
	out := []bot.SpaceLog{}
	for _, l := range logs {
		if !l.Start.Before(from) {
			out = append(out, l)
		}
	}
	return out
}

func ids(logs []bot.SpaceLog) []string {
	var out []string
	for _, l := range logs {
		out = append(out, l.SpaceID)
	}
	return out
}

// hostByHost hides the store's one-pass scan: reports then read it host
// by host, the way they read a store without one.
type hostByHost struct{ bot.Store }

// The reports read in one pass, and the same with a store that has no
// scan, what they read host by host before.
func TestReportsAreTheWholeRecount(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(randomCohorts / 2) {
		db, w, rng := randomWorld(t, seed)
		issueMonths(t, db, w, rng)
		for range 4 {
			now := w.At(rng)
			for _, st := range []bot.Store{db, hostByHost{db}} {
				checkDigest(t, seed, st, w.Cohort, w.Cohort.WeekOf(now))
				checkStipend(t, seed, st, w.Cohort, now)
				checkCohortReport(t, seed, st, w.Cohort, now, rng)
				recs, err := bot.AccountMembers(ctx, st, accountWS, w.Cohort, w.Cohort.FirstWeek().Start, w.Cohort.EndsAt(), now)
				if err != nil {
					t.Fatal(err)
				}
				want, err := bot.NaiveAccountMembers(ctx, st, accountWS, w.Cohort, w.Cohort.FirstWeek().Start, w.Cohort.EndsAt(), now)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(recs, want) {
					t.Fatalf("cohort %d at %s: AccountMembers differs from the whole recount", seed, now)
				}
			}
		}
	}
}

// issueMonths issues each month's stipend report on its first day, then
// backfills a few logs, so reports show revisions.
func issueMonths(t *testing.T, db *bolt.DB, w cohorttest.World, rng *rand.Rand) {
	t.Helper()
	ctx := context.Background()
	from, to := w.Span()
	loc := w.Cohort.Location()
	for m := bot.MonthOf(w.Cohort.FirstWeek()); ; m = nextMonth(m) {
		issued := time.Date(m.Year, m.Month+1, 1, 9, 0, 0, 0, loc)
		if issued.After(to) {
			break
		}
		if _, err := bot.IssueStipendReport(ctx, db, accountWS, w.Cohort, m, issued); err != nil {
			t.Fatal(err)
		}
	}
	hosts := storedHosts(t, db)
	for i := range 5 {
		h := hosts[rng.IntN(len(hosts))]
		at := from.Add(time.Duration(rng.Int64N(int64(to.Sub(from)))))
		l := bot.SpaceLog{SpaceID: "1backfill" + string(rune('a'+i)), UserID: h.UserID, Start: at.UTC(), LoggedAt: to.UTC(), Provenance: bot.StaffLogged, Forced: true}
		if err := db.AddLog(ctx, accountWS, l); err != nil {
			t.Fatal(err)
		}
	}
}

func nextMonth(m bot.Month) bot.Month {
	if m.Month == time.December {
		return bot.Month{Year: m.Year + 1, Month: time.January}
	}
	return bot.Month{Year: m.Year, Month: m.Month + 1}
}

func checkDigest(t *testing.T, seed uint64, st bot.Store, co bot.Cohort, week bot.Week) {
	t.Helper()
	got, err := bot.WeekDigest(context.Background(), st, accountWS, co, week)
	if err != nil {
		t.Fatal(err)
	}
	want, err := bot.NaiveWeekDigest(context.Background(), st, accountWS, co, week)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("cohort %d, digest of %s:\n got %s\nwant %s", seed, week.StartDate, plain(got), plain(want))
	}
}

func checkStipend(t *testing.T, seed uint64, st bot.Store, co bot.Cohort, now time.Time) {
	t.Helper()
	for m := bot.MonthOf(co.FirstWeek()); !bot.MonthOf(co.LastWeek()).Before(m); m = nextMonth(m) {
		got, err := bot.StipendReport(context.Background(), st, accountWS, co, m, now)
		if err != nil {
			t.Fatal(err)
		}
		want, err := bot.NaiveStipendReport(context.Background(), st, accountWS, co, m, now)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("cohort %d, stipend of %s at %s:\n got %+v\nwant %+v", seed, m, now, got, want)
		}
	}
}

// checkCohortReport compares /cohort report of the open week and of a
// random week with the whole recount.
func checkCohortReport(t *testing.T, seed uint64, st bot.Store, co bot.Cohort, now time.Time, rng *rand.Rand) {
	t.Helper()
	clock := bot.NewFakeClock(now)
	r := bot.NewRouter(st, clock, quietLogger)
	weeks := []bot.Week{co.WeekOf(now), co.WeekOf(co.FirstWeek().Start.Add(time.Duration(rng.IntN(co.Weeks)) * 7 * 24 * time.Hour))}
	for i, week := range weeks {
		line := "/cohort report"
		if i > 0 {
			line += " week:" + week.StartDate.String()
		} else {
			week = clampWeek(co, week)
		}
		path, opts, err := bot.ParseCommandLine(line)
		if err != nil {
			t.Fatal(err)
		}
		got := r.Handle(context.Background(), bot.Request{Workspace: accountWS, UserID: "boss", UserName: "boss", Staff: true, Path: path, Options: opts})
		asOf := now
		if week.End.Before(now) {
			asOf = week.End
		}
		want, err := bot.NaiveCohortReport(context.Background(), r, accountWS, co, week, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("cohort %d, %s at %s:\n got %s\nwant %s", seed, line, now, plain(got.Message), plain(want.Message))
		}
	}
}

func clampWeek(co bot.Cohort, w bot.Week) bot.Week {
	if first := co.FirstWeek(); w.Start.Before(first.Start) {
		return first
	}
	if last := co.LastWeek(); w.Start.After(last.Start) {
		return last
	}
	return w
}

// A chain of day-long logs, each starting before the last ends, from
// before the window an account reads into its first week: which of them
// count depends on the first, so the account must read back to it.
func TestAccountRecentCountsAChainFromBeforeItsWindow(t *testing.T) {
	ctx := context.Background()
	db, err := bolt.OpenWith(filepath.Join(t.TempDir(), "sparkbot.db"), bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	co := bot.NewCohort("Chains", bot.Date{Year: 2026, Month: 11, Day: 30})
	co.ID = 1
	must(t, db.PutCohort(ctx, accountWS, co))
	first := co.FirstWeek()
	h := bot.Host{UserID: "u1", Memberships: []bot.Membership{{Cohort: 1, Joined: first.Start.Add(-time.Hour)}}, Excused: map[string]string{}}
	for w := first; w.Start.Before(co.EndsAt()); w = w.Next() {
		h.Excused[w.StartDate.String()] = "away" // every week excused: none is missed
	}
	must(t, db.PutHost(ctx, accountWS, h))
	now := first.Start.Add(7*7*24*time.Hour + 60*time.Hour) // the Wednesday of week 8
	head := co.WeekOf(now.Add(-bot.AlertLookBack)).Prev()   // week 3: the rules' look-back and the week before
	for i := range 8 {
		at := head.Start.Add(-60*time.Hour + time.Duration(i)*12*time.Hour)
		l := bot.SpaceLog{SpaceID: fmt.Sprintf("1chain%d", i), UserID: "u1", Start: at.UTC(), Minutes: bot.MaxLogMinutes,
			LoggedAt: head.Start.Add(time.Duration(i) * time.Minute).UTC(), Provenance: bot.LinkNotVerified}
		must(t, db.AddLog(ctx, accountWS, l))
	}
	whole, err := bot.NaiveAccountHost(ctx, db, accountWS, co, h, now)
	must(t, err)
	acct, err := bot.AccountRecent(ctx, db, accountWS, co, h, now, now)
	must(t, err)
	if got := acct.Record.Weeks[0].Week; got.Start != head.Start {
		t.Fatalf("the account starts at %s, want %s", got.StartDate, head.StartDate)
	}
	checkRecent(t, 0, co, whole, acct, now, now)
	hw, _ := acct.Record.WeekStarting(head.Start)
	if got, want := ids(hw.Logs), []string{"1chain6"}; !reflect.DeepEqual(got, want) {
		t.Errorf("week %s counts %v, want %v", head.StartDate, got, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
