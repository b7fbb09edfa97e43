package bolt

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
	"sparkbot/storage/storetest"
)

func TestJobStoreContract(t *testing.T) {
	storetest.RunJobStore(t, func(t *testing.T) storetest.JobStore { return openTemp(t) })
}

var jobDay = time.Date(2025, time.December, 1, 0, 0, 0, 0, time.UTC)

func TestReopenKeepsJobsOutcomesAndSequences(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparkbot.db")
	db := openAt(t, path)
	pending := bot.Job{Key: ws.Key() + "/dm/u1", Kind: bot.JobDM, Workspace: ws, Due: jobDay, UserID: "u1"}
	done := bot.Outcome{Key: ws.Key() + "/dm/u2", Workspace: ws, Result: bot.Failed, At: jobDay}
	must(t, db.AddJobs(t.Context(), []bot.Job{pending}))
	must(t, db.FinishJob(t.Context(), done))
	first, err := db.NextSequence(t.Context(), ws, "announcement")
	must(t, err)
	must(t, db.Close())

	db = openAt(t, path)
	due, err := db.DueJobs(t.Context(), jobDay, 10)
	must(t, err)
	if len(due) != 1 || due[0].Key != pending.Key {
		t.Errorf("due after reopen: got %+v, want the one job %s", due, pending.Key)
	}
	if next, ok, err := db.NextDue(t.Context()); err != nil || !ok || !next.Equal(jobDay) {
		t.Errorf("NextDue after reopen: got %v, %t, %v; want %v, true, nil", next, ok, err, jobDay)
	}
	fails, err := db.Failures(t.Context(), ws, time.Time{})
	must(t, err)
	if len(fails) != 1 || fails[0].Key != done.Key {
		t.Errorf("failures after reopen: got %+v, want the one outcome %s", fails, done.Key)
	}
	second, err := db.NextSequence(t.Context(), ws, "announcement")
	must(t, err)
	if second != first+1 {
		t.Errorf("got sequence %d after reopen, want %d", second, first+1)
	}
}

// A file written before the job buckets existed gets them at open,
// without a new schema version.
func TestOpenAddsJobBucketsToAnOlderFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparkbot.db")
	db := openAt(t, path)
	must(t, db.PutCohort(t.Context(), ws, bot.Cohort{Name: "Spark 3"}))
	must(t, db.Close())
	b, err := bbolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, b.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{jobsBucket, dueBucket, outcomesBucket, outcomesByTimeBucket, failuresBucket} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		return nil
	}))
	must(t, b.Close())

	db = openAt(t, path)
	must(t, db.AddJobs(t.Context(), []bot.Job{{Key: ws.Key() + "/dm/u1", Due: jobDay}}))
	list, err := db.Workspaces(t.Context())
	must(t, err)
	if len(list) != 1 || list[0] != ws {
		t.Errorf("got workspaces %v, want [%v]", list, ws)
	}
	must(t, db.bolt.View(func(tx *bbolt.Tx) error {
		v, err := schemaOf(tx.Bucket(metaBucket))
		if v != SchemaVersion {
			t.Errorf("got schema %d, want %d", v, SchemaVersion)
		}
		return err
	}))
}

func TestAddJobsWithAnEmptyKeyAddsNothing(t *testing.T) {
	db := openTemp(t)
	err := db.AddJobs(t.Context(), []bot.Job{{Key: "a/1", Due: jobDay}, {Due: jobDay}})
	if err == nil {
		t.Fatal("got no error for a job without a key")
	}
	jobs, err := db.PendingJobs(t.Context(), "")
	must(t, err)
	if len(jobs) != 0 {
		t.Errorf("got %d pending jobs, want 0", len(jobs))
	}
}

// coldStartJobs is the planner's first fill for 100,000 hosts: per host,
// reminders at two lead times and a nudge for each of two occurrences in
// the coming week, in host order, as the planner produces them.
func coldStartJobs(start time.Time) []bot.Job {
	const hosts = 100_000
	jobs := make([]bot.Job, 0, 6*hosts)
	for h := range hosts {
		user := fmt.Sprintf("%018d", 1_100_000_000_000_000_000+int64(h)*7919)
		for occ := range 2 {
			at := start.Add(time.Duration(h%(7*24*60))*time.Minute + time.Duration(occ)*72*time.Hour)
			for _, lead := range bot.DefaultLeads {
				jobs = append(jobs, bot.Job{
					Key:  fmt.Sprintf("%s/reminder/%s/%d/%d/%d", ws.Key(), user, h, at.Unix(), int(lead.Minutes())),
					Kind: bot.JobReminder, Workspace: ws, Due: at.Add(-lead),
					UserID: user, ScheduleID: int64(h), Occurrence: at, Lead: lead,
				})
			}
			jobs = append(jobs, bot.Job{
				Key:  fmt.Sprintf("%s/nudge/%s/%d/%d", ws.Key(), user, h, at.Unix()),
				Kind: bot.JobNudge, Workspace: ws, Due: at.Add(2 * time.Hour),
				UserID: user, ScheduleID: int64(h), Occurrence: at,
			})
		}
	}
	return jobs
}

// BenchmarkDueJobsNothingDue is the cost of a scheduler tick when nothing
// is due yet and 600,000 jobs are pending: one read transaction and one
// cursor step, whatever the number pending.
func BenchmarkDueJobsNothingDue(b *testing.B) {
	db := openTemp(b)
	jobs := coldStartJobs(jobDay.Add(2 * time.Hour))
	if err := db.AddJobs(b.Context(), jobs); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		due, err := db.DueJobs(b.Context(), jobDay, 100)
		if err != nil || len(due) != 0 {
			b.Fatalf("got %d due, error %v; want none", len(due), err)
		}
	}
}

// BenchmarkDueJobs100Due is a busy tick: the first 100 of 600,000 pending.
func BenchmarkDueJobs100Due(b *testing.B) {
	db := openTemp(b)
	jobs := coldStartJobs(jobDay.Add(2 * time.Hour))
	if err := db.AddJobs(b.Context(), jobs); err != nil {
		b.Fatal(err)
	}
	now := jobDay.AddDate(1, 0, 0)
	for b.Loop() {
		due, err := db.DueJobs(b.Context(), now, 100)
		if err != nil || len(due) != 100 {
			b.Fatalf("got %d due, error %v; want 100", len(due), err)
		}
	}
}

// BenchmarkAddJobsColdStart adds 600,000 jobs to an empty file in one call,
// committed durably: the planner's first run for 100,000 hosts.
func BenchmarkAddJobsColdStart(b *testing.B) {
	jobs := coldStartJobs(jobDay.Add(2 * time.Hour))
	dir := b.TempDir()
	n := 0
	for b.Loop() {
		b.StopTimer()
		n++
		db, err := Open(filepath.Join(dir, fmt.Sprintf("cold-%d.db", n)))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := db.AddJobs(b.Context(), jobs); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(jobs))*float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
}
