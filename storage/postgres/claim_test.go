package postgres

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/storage/postgres/pgtest"
)

var (
	ws   = bot.WorkspaceRef{Platform: bot.Discord, ID: "1001"}
	day0 = time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
)

// replicas opens n stores on one new schema, as n processes would.
func replicas(t *testing.T, n int, opt Options) []*DB {
	t.Helper()
	_, dbs := replicasAt(t, n, opt)
	return dbs
}

// replicasAt is replicas, with the schema's URL: each replica's sessions
// are pgtest.Named after it (replica-0, replica-1, …).
func replicasAt(t *testing.T, n int, opt Options) (string, []*DB) {
	t.Helper()
	url := pgtest.Schema(t)
	dbs := make([]*DB, n)
	for i := range dbs {
		o := opt
		o.Replica = fmt.Sprintf("replica-%d", i)
		dbs[i] = openURL(t, pgtest.Named(t, url, o.Replica), o)
	}
	return url, dbs
}

func dueJobs(n int, kind bot.JobKind) []bot.Job {
	jobs := make([]bot.Job, n)
	for i := range jobs {
		jobs[i] = bot.Job{Key: fmt.Sprintf("%s/%s/%04d", ws.Key(), kind, i), Kind: kind, Workspace: ws,
			Due: day0.Add(time.Duration(i) * time.Second), UserID: "u1"}
	}
	return jobs
}

func keysOf(jobs []bot.Job) []string {
	keys := []string{}
	for _, j := range jobs {
		keys = append(keys, j.Key)
	}
	return keys
}

func claim(t *testing.T, db *DB, limit int, except ...bot.JobKind) []string {
	t.Helper()
	jobs, err := db.ClaimJobs(t.Context(), day0.Add(time.Hour), limit, except)
	must(t, err)
	return keysOf(jobs)
}

func TestClaimsSplitDueJobsBetweenReplicas(t *testing.T) {
	dbs := replicas(t, 2, Options{})
	a, b := dbs[0], dbs[1]
	all := dueJobs(10, bot.JobDM)
	must(t, a.AddJobs(t.Context(), all))
	must(t, a.AddJobs(t.Context(), []bot.Job{{Key: ws.Key() + "/later", Kind: bot.JobDM, Workspace: ws, Due: day0.Add(2 * time.Hour)}}))

	gotA := claim(t, a, 6)
	if want := keysOf(all[:6]); !slices.Equal(gotA, want) {
		t.Fatalf("first claim: got %v, want the 6 earliest %v", gotA, want)
	}
	gotB := claim(t, b, 10)
	if want := keysOf(all[6:]); !slices.Equal(gotB, want) {
		t.Fatalf("second replica's claim: got %v, want the 4 left, not yet due ones excluded: %v", gotB, want)
	}
	if got := claim(t, a, 10); len(got) != 0 {
		t.Fatalf("a third claim got %v; every due job is held", got)
	}
	// B's alarm sees its own claims and the later job, never A's.
	upcoming, err := b.ClaimableJobs(t.Context(), 20, nil)
	must(t, err)
	if want := append(keysOf(all[6:]), ws.Key()+"/later"); !slices.Equal(keysOf(upcoming), want) {
		t.Fatalf("claimable for B: got %v, want %v", keysOf(upcoming), want)
	}
	// Reading due jobs is not claiming: the contract's DueJobs sees all.
	due, err := b.DueJobs(t.Context(), day0.Add(time.Hour), 20)
	must(t, err)
	if len(due) != 10 {
		t.Fatalf("DueJobs returned %d jobs, want all 10, claimed or not", len(due))
	}
}

func TestReleasedAndUpdatedJobsAreClaimableAgain(t *testing.T) {
	dbs := replicas(t, 2, Options{})
	a, b := dbs[0], dbs[1]
	jobs := dueJobs(2, bot.JobDM)
	must(t, a.AddJobs(t.Context(), jobs))
	claim(t, a, 2)
	must(t, b.ReleaseClaim(t.Context(), jobs[0].Key)) // not B's: no effect
	if got := claim(t, b, 2); len(got) != 0 {
		t.Fatalf("B released A's claim: it claimed %v", got)
	}
	must(t, a.ReleaseClaim(t.Context(), jobs[0].Key))
	retry := jobs[1]
	retry.Attempts, retry.Due = 1, day0.Add(time.Minute)
	must(t, a.UpdateJob(t.Context(), retry)) // a retry: the worker is done with it
	if got, want := claim(t, b, 2), keysOf(jobs); !slices.Equal(got, want) {
		t.Fatalf("after A gave both back, B claimed %v, want %v", got, want)
	}
}

func TestLapsedClaimsAreTakenOver(t *testing.T) {
	// A lease of a microsecond has lapsed by the next statement: what a
	// replica that died mid-delivery leaves, without waiting for it.
	dbs := replicas(t, 2, Options{ClaimLease: time.Microsecond})
	a, b := dbs[0], dbs[1]
	jobs := dueJobs(3, bot.JobDM)
	must(t, a.AddJobs(t.Context(), jobs))
	claim(t, a, 3)
	lapsed, err := b.RenewClaims(t.Context(), nil)
	must(t, err)
	if !lapsed {
		t.Fatal("RenewClaims did not report A's lapsed claims")
	}
	if got, want := claim(t, b, 3), keysOf(jobs); !slices.Equal(got, want) {
		t.Fatalf("B took over %v, want %v", got, want)
	}
}

func TestRenewedClaimsHold(t *testing.T) {
	dbs := replicas(t, 2, Options{ClaimLease: time.Hour})
	a, b := dbs[0], dbs[1]
	jobs := dueJobs(1, bot.JobDM)
	must(t, a.AddJobs(t.Context(), jobs))
	claim(t, a, 1)
	lapsed, err := a.RenewClaims(t.Context(), keysOf(jobs))
	must(t, err)
	if lapsed {
		t.Fatal("a claim renewed for an hour reads as lapsed")
	}
	if got := claim(t, b, 1); len(got) != 0 {
		t.Fatalf("B claimed %v, held by A", got)
	}
	must(t, a.FinishJob(t.Context(), bot.Outcome{Key: jobs[0].Key, Kind: bot.JobDM, Workspace: ws, Result: bot.Sent, At: day0}))
	if got := claim(t, b, 1); len(got) != 0 {
		t.Fatalf("B claimed %v, finished", got)
	}
}

func TestClaimsLeaveExceptedKindsAlone(t *testing.T) {
	db := replicas(t, 1, Options{})[0]
	must(t, db.AddJobs(t.Context(), append(dueJobs(2, bot.JobDigest), dueJobs(2, bot.JobDM)...)))
	if got := claim(t, db, 10, bot.JobDigest, bot.JobPlan); len(got) != 2 || got[0] != ws.Key()+"/dm/0000" {
		t.Fatalf("a follower claimed %v, want the two DMs only", got)
	}
	upcoming, err := db.ClaimableJobs(t.Context(), 10, []bot.JobKind{bot.JobDigest})
	must(t, err)
	for _, j := range upcoming {
		if j.Kind == bot.JobDigest {
			t.Fatalf("a follower's alarm would ring for %s", j.Key)
		}
	}
	if got := claim(t, db, 10); len(got) != 2 {
		t.Fatalf("the leader claimed %v, want the two digests", got)
	}
}

func TestConcurrentClaimsNeverShareAJob(t *testing.T) {
	dbs := replicas(t, 2, Options{})
	const n = 1000
	must(t, dbs[0].AddJobs(t.Context(), dueJobs(n, bot.JobDM)))
	var mu sync.Mutex
	claimedBy := map[string]int{}
	var wg sync.WaitGroup
	for w := range 8 {
		db := dbs[w%2]
		wg.Go(func() {
			for {
				jobs, err := db.ClaimJobs(context.Background(), day0.Add(time.Hour), 7, nil)
				if err != nil {
					t.Error(err)
					return
				}
				if len(jobs) == 0 {
					return
				}
				mu.Lock()
				for _, j := range jobs {
					claimedBy[j.Key]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimedBy) != n {
		t.Fatalf("%d jobs claimed, want %d", len(claimedBy), n)
	}
	for key, times := range claimedBy {
		if times != 1 {
			t.Fatalf("%s claimed %d times", key, times)
		}
	}
}

// A tick with nothing due is one read that PostgreSQL plans once per
// connection. The claim, whose plan depends on now, is planned anew each
// time it runs (PostgreSQL keeps choosing custom plans for it, which cost
// more than the rest of the query), so it runs only when a job is due.
func TestClaimingWithNothingDuePlansNothingAgain(t *testing.T) {
	db := openURL(t, pgtest.Schema(t), Options{MaxConns: 1}) // one session, whose statements we can see
	ctx := t.Context()
	later := dueJobs(2000, bot.JobReminder)
	for i := range later {
		later[i].Due = later[i].Due.Add(time.Hour)
	}
	must(t, db.AddJobs(ctx, later))
	_, err := db.pool.Exec(ctx, `ANALYZE jobs`)
	must(t, err)
	var start time.Time // statements prepared from here on are the claims'
	must(t, db.pool.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&start))
	for _, except := range [][]bot.JobKind{nil, {bot.JobPlan, bot.JobDigest}} {
		for range 20 {
			got, err := db.ClaimJobs(ctx, day0, 32, except)
			must(t, err)
			if len(got) != 0 {
				t.Fatalf("claimed %d jobs an hour early", len(got))
			}
		}
	}
	rows, err := db.pool.Query(ctx, `SELECT statement, custom_plans FROM pg_prepared_statements WHERE custom_plans > 0 AND prepare_time >= $1
		AND statement NOT LIKE '%pg_prepared_statements%'`, start)
	must(t, err)
	defer rows.Close()
	for rows.Next() {
		var stmt string
		var plans int64
		must(t, rows.Scan(&stmt, &plans))
		t.Errorf("planned %d times for 40 claims with nothing due:\n%s", plans, stmt)
	}
	must(t, rows.Err())
}
