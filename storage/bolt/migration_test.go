package bolt

import (
	"errors"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// schema2 is a workspace as sparkbot wrote it under schema 2: one cohort
// at "cohort", membership as Member and JoinedAt, job keys without a cohort.
var (
	s2Joined  = time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC)
	s2LastLog = time.Date(2026, 12, 9, 2, 0, 0, 0, time.UTC) // Tue 8 Dec 21:00 New York, week 2
	schema2   = map[string]string{
		"cohort": `{"Name":"Spark Phase 1","Start":"2026-11-30","Weeks":12,"Quota":2,"Zone":"America/New_York","WeekStart":1,"DigestChannel":"c-digest"}`,
	}
	schema2Hosts = map[string]string{
		"alice": `{"Handle":"alice_x","Member":true,"JoinedAt":"2026-11-30T14:00:00Z","Excused":{"2026-12-07":"flu"}}`,
		"bob":   `{"Handle":"bob_x","JoinedAt":"2026-11-30T14:00:00Z"}`,   // removed; last log in week 2
		"carol": `{"Handle":"carol_x","JoinedAt":"2026-12-01T14:00:00Z"}`, // removed; never logged
		"dave":  `{"Zone":"Europe/Paris"}`,                                // never a member
	}
	schema2Jobs = map[string]string{ // pending
		"console:m/digest/2026-12-07":                `{"Kind":"digest","Workspace":{"Platform":"console","ID":"m"},"Due":"2026-12-14T14:00:00Z","Week":"2026-12-07"}`,
		"console:m/reminder/alice/1/1765324800/3600": `{"Kind":"reminder","Workspace":{"Platform":"console","ID":"m"},"Due":"2026-12-09T23:00:00Z","UserID":"alice"}`,
	}
	schema2Outcomes = map[string]string{ // finished
		"console:m/stipend/2026-11":   `{"Kind":"stipend","Workspace":{"Platform":"console","ID":"m"},"Result":"sent","At":"2026-12-01T14:00:00Z"}`,
		"console:m/digest/2026-11-30": `{"Kind":"digest","Workspace":{"Platform":"console","ID":"m"},"Channel":"c1","Result":"failed","Reason":"gone","At":"2026-12-07T14:00:00Z"}`,
	}
)

var mws = bot.WorkspaceRef{Platform: bot.Console, ID: "m"}

// WriteSchema2 writes the schema-2 workspace above into a file at path
// (exported for upgrade_test.go, which runs the scheduler on it).
func WriteSchema2(t *testing.T, path string) {
	t.Helper()
	writeSchema(t, path, 2)
	b, err := bbolt.Open(path, 0o600, nil)
	must(t, err)
	defer b.Close()
	must(t, b.Update(func(tx *bbolt.Tx) error {
		w, err := writableWorkspace(tx, mws)
		if err != nil {
			return err
		}
		must(t, w.Put([]byte("cohort"), []byte(schema2["cohort"])))
		hosts, _ := w.CreateBucketIfNotExists(hostsBucket)
		for k, v := range schema2Hosts {
			must(t, hosts.Put([]byte(k), []byte(v)))
		}
		apps, _ := w.CreateBucketIfNotExists(applicationsBucket)
		must(t, apps.Put([]byte("erin"), []byte(`{"Handle":"erin_x","State":"pending"}`)))
		logs, _ := w.CreateBucketIfNotExists([]byte("logs"))
		byTime, _ := w.CreateBucketIfNotExists([]byte("logs_by_time"))
		byUser, _ := w.CreateBucketIfNotExists([]byte("logs_by_user"))
		for id, start := range map[string]time.Time{"1BobFirst": s2Joined.Add(time.Hour), "1BobLast": s2LastLog} {
			must(t, logs.Put([]byte(id), []byte(`{"UserID":"bob","Start":"`+start.Format(time.RFC3339)+`","Verified":true}`)))
			must(t, byTime.Put(concat(timeKey(start), []byte(id)), []byte{}))
			must(t, byUser.Put(concat(userPrefix("bob"), timeKey(start), []byte(id)), []byte{}))
		}
		jb := openJobBuckets(tx)
		for k, v := range schema2Jobs {
			due, err := dueOf([]byte(k), []byte(v))
			must(t, err)
			must(t, jb.jobs.Put([]byte(k), []byte(v)))
			must(t, jb.due.Put(dueKey([]byte(k), due), []byte{}))
		}
		for k, v := range schema2Outcomes {
			o, err := jb.outcome([]byte(k))
			if !errors.Is(err, bot.ErrNotFound) {
				t.Fatalf("outcome %s before writing: %v %v", k, o, err)
			}
			must(t, jb.outcomes.Put([]byte(k), []byte(v)))
			o, err = jb.outcome([]byte(k))
			must(t, err)
			must(t, jb.putOutcome(o, []byte(v)))
		}
		return nil
	}))
}

// TestOpenMigratesSchema2 (hole 1): a schema-2 file opens as schema 3 with
// its cohort as cohort 1, each host's membership as a history, and the
// cohort's job keys under cohort 1, so nothing sent is planned again.
func TestOpenMigratesSchema2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparkbot.db")
	WriteSchema2(t, path)
	db := openAt(t, path)
	ctx := t.Context()

	co, err := db.Cohort(ctx, mws)
	must(t, err)
	if co.ID != 1 || co.Name != "Spark Phase 1" || co.Stipend != bot.DefaultStipend || co.Weeks != 12 {
		t.Errorf("got cohort %+v, want Spark Phase 1 as cohort 1 with the default stipend", co)
	}
	endOfWeek2 := time.Date(2026, 12, 14, 5, 0, 0, 0, time.UTC) // Mon 14 Dec 00:00 New York
	wantMemberships := map[string][]bot.Membership{
		"alice": {{Cohort: 1, Joined: s2Joined}},
		"bob":   {{Cohort: 1, Joined: s2Joined, Left: endOfWeek2}},
		"carol": {{Cohort: 1, Joined: s2Joined.Add(24 * time.Hour), Left: s2Joined.Add(24 * time.Hour)}},
		"dave":  nil,
	}
	for user, want := range wantMemberships {
		h, err := db.Host(ctx, mws, user)
		must(t, err)
		if !reflect.DeepEqual(h.Memberships, want) {
			t.Errorf("%s: got memberships %+v, want %+v", user, h.Memberships, want)
		}
	}
	alice, _ := db.Host(ctx, mws, "alice")
	if alice.Excused["2026-12-07"] != "flu" || !alice.MemberOf(co) {
		t.Errorf("alice lost her excuse or membership: %+v", alice)
	}
	app, err := db.Application(ctx, mws, "erin")
	must(t, err)
	if app.Cohort != 1 {
		t.Errorf("got application of cohort %d, want 1", app.Cohort)
	}
	must(t, db.bolt.View(func(tx *bbolt.Tx) error {
		if workspace(tx, mws).Get([]byte("cohort")) != nil {
			t.Error("the schema-2 cohort value is still there")
		}
		return nil
	}))
	checkMigratedJobs(t, db)
}

func checkMigratedJobs(t *testing.T, db *DB) {
	ctx := t.Context()
	digestKey := func(rest string) string { return bot.CohortJobPrefix(mws, "digest", 1) + rest }
	stipendKey := bot.CohortJobPrefix(mws, "stipend", 1) + "2026-11"
	digest, err := db.PendingJob(ctx, digestKey("2026-12-07"))
	must(t, err)
	if digest.Cohort != 1 || digest.Week != (bot.Date{Year: 2026, Month: 12, Day: 7}) {
		t.Errorf("got digest job %+v, want cohort 1's for week 2026-12-07", digest)
	}
	if _, err := db.PendingJob(ctx, "console:m/digest/2026-12-07"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("the old digest key is still pending: %v", err)
	}
	due, err := db.DueJobs(ctx, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), 10)
	must(t, err)
	var keys []string
	for _, j := range due {
		keys = append(keys, j.Key)
	}
	want := []string{"console:m/reminder/1/alice/1/1765324800/3600", digestKey("2026-12-07")}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("due jobs %q, want %q (host jobs name cohort 1 from schema 8 on)", keys, want)
	}
	sent, err := db.JobOutcome(ctx, stipendKey)
	must(t, err)
	if sent.Result != bot.Sent {
		t.Errorf("got stipend outcome %+v, want sent", sent)
	}
	// Planning the report again under its new key adds nothing.
	must(t, db.AddJobs(ctx, []bot.Job{{Key: stipendKey, Kind: bot.JobStipend, Workspace: mws, Due: sent.At}}))
	if _, err := db.PendingJob(ctx, stipendKey); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("the stipend report already sent was planned again: %v", err)
	}
	failures, err := db.Failures(ctx, mws, time.Time{})
	must(t, err)
	if len(failures) != 1 || failures[0].Key != digestKey("2026-11-30") {
		t.Errorf("got failures %+v, want the digest's under its new key", failures)
	}
	if _, err := db.JobOutcome(ctx, "console:m/digest/2026-11-30"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("the old outcome key is still there: %v", err)
	}
	pruned, err := db.PruneOutcomes(ctx, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	must(t, err)
	if pruned != 2 {
		t.Errorf("pruned %d outcomes, want 2: the time index follows the new keys", pruned)
	}
}

// Schema 7 (and every schema before it) wrote host-level job keys (reminders, nudges, warnings, staff
// alerts) without their cohort: <ws>/<kind>/<user>/…. s7Now is Tue 15 Dec
// 19:05 New York, week 3 of Spark Phase 1: alice's 60m reminder of her
// 20:00 Space went out, her 10m one is pending; bob's 16:00 Space was
// nudged and he was warned he is at risk; carol missed weeks 1 and 2,
// was warned, and staff were alerted.
var (
	s7Now         = time.Date(2026, 12, 16, 0, 5, 0, 0, time.UTC)
	s7AliceSpace  = time.Date(2026, 12, 16, 1, 0, 0, 0, time.UTC)  // Tue 15 Dec 20:00 New York
	s7BobSpace    = time.Date(2026, 12, 15, 21, 0, 0, 0, time.UTC) // Tue 15 Dec 16:00 New York
	s7Week3       = time.Date(2026, 12, 14, 5, 0, 0, 0, time.UTC)
	s7Pending     = map[string]bot.Job{}
	s7Finished    = map[string]bot.JobKind{}
	s7OtherCohort = bot.WorkspaceRef{Platform: bot.Console, ID: "n"} // a workspace on its second cohort
)

func init() {
	unix := func(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
	reminder := bot.Job{Kind: bot.JobReminder, Workspace: mws, Due: s7AliceSpace.Add(-10 * time.Minute), UserID: "alice",
		ScheduleID: 1, Occurrence: s7AliceSpace, Lead: 10 * time.Minute}
	s7Pending["console:m/reminder/alice/1/"+unix(s7AliceSpace)+"/600"] = reminder
	reminder.ScheduleID, reminder.SpaceID = 0, "1SpaceOnX"
	s7Pending["console:m/xreminder/alice/1SpaceOnX/"+unix(s7AliceSpace)+"/600"] = reminder // X reminders keep theirs
	s7Pending["console:n/warning/dan/2027-03-08/at risk"] = bot.Job{Kind: bot.JobWarning, Workspace: s7OtherCohort,
		Due: time.Date(2027, 3, 9, 14, 0, 0, 0, time.UTC), UserID: "dan", Level: bot.AtRisk, Week: bot.Date{Year: 2027, Month: 3, Day: 8}}
	s7Finished["console:m/reminder/alice/1/"+unix(s7AliceSpace)+"/3600"] = bot.JobReminder
	s7Finished["console:m/nudge/bob/2/"+unix(s7BobSpace)] = bot.JobNudge
	s7Finished["console:m/warning/bob/2026-12-14/at risk"] = bot.JobWarning
	s7Finished["console:m/warning/carol/2026-12-07/missed"] = bot.JobWarning
	s7Finished["console:m/alert/carol/2026-11-30"] = bot.JobAlert
}

// WriteSchema7 writes the schema-7 workspaces above into a file at path
// (exported for upgrade_test.go, which runs the scheduler on it).
func WriteSchema7(t *testing.T, path string) {
	t.Helper()
	db := openAt(t, path)
	ctx := t.Context()
	co := bot.NewCohort("Spark Phase 1", bot.Date{Year: 2026, Month: 11, Day: 30})
	co.StaffChannel = "c-staff"
	co, err := db.AddCohort(ctx, mws, co, 0)
	must(t, err)
	hosts := map[string]time.Time{"alice": s7Week3, "bob": s7Week3, "carol": s2Joined}
	for user, joined := range hosts {
		h := bot.Host{UserID: user, Handle: user + "_x"}
		h.Join(co, joined)
		must(t, db.PutHost(ctx, mws, h))
	}
	for _, sc := range []bot.Schedule{
		{UserID: "alice", Title: "Night owls", Days: bot.Weekdays(1 << time.Tuesday), At: bot.TimeOfDay{Hour: 20}, Duration: time.Hour, Zone: "America/New_York", CreatedAt: s2Joined},
		{UserID: "bob", Title: "Tea time", Days: bot.Weekdays(1 << time.Tuesday), At: bot.TimeOfDay{Hour: 16}, Duration: time.Hour, Zone: "America/New_York", CreatedAt: s2Joined},
	} {
		_, err := db.AddSchedule(ctx, mws, sc)
		must(t, err)
	}
	first, err := db.AddCohort(ctx, s7OtherCohort, bot.NewCohort("One", bot.Date{Year: 2026, Month: 11, Day: 30}), 0)
	must(t, err)
	_, err = db.AddCohort(ctx, s7OtherCohort, bot.NewCohort("Two", bot.Date{Year: 2027, Month: 3, Day: 1}), first.ID)
	must(t, err)
	for key, j := range s7Pending {
		j.Key = key
		must(t, db.AddJobs(ctx, []bot.Job{j}))
	}
	for key, kind := range s7Finished {
		ws, _, _ := strings.Cut(key, "/")
		must(t, db.FinishJob(ctx, bot.Outcome{Key: key, Kind: kind, Workspace: workspaceOf(ws), Result: bot.Sent, At: s7Now.Add(-time.Hour)}))
	}
	must(t, db.SetPlannedThrough(ctx, s7Now.Add(-time.Hour)))
	must(t, db.Close())
	writeSchema(t, path, 7)
}

func workspaceOf(key string) bot.WorkspaceRef {
	if key == s7OtherCohort.Key() {
		return s7OtherCohort
	}
	return mws
}

// TestOpenMigratesSchema7: host-level job keys, pending and finished, name
// the workspace's latest cohort after the kind, as the scheduler plans them
// now; X reminders and other kinds keep theirs.
func TestOpenMigratesSchema7(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparkbot.db")
	WriteSchema7(t, path)
	db := openAt(t, path)
	ctx := t.Context()
	moved := func(key string) string {
		if strings.Contains(key, "/xreminder/") {
			return key
		}
		id := "1"
		if strings.HasPrefix(key, s7OtherCohort.Key()+"/") {
			id = "2"
		}
		ws, rest, _ := strings.Cut(key, "/")
		kind, rest, _ := strings.Cut(rest, "/")
		return ws + "/" + kind + "/" + id + "/" + rest
	}
	for old := range s7Pending {
		if _, err := db.PendingJob(ctx, moved(old)); err != nil {
			t.Errorf("pending %s: not under %s: %v", old, moved(old), err)
		}
		if moved(old) != old {
			if _, err := db.PendingJob(ctx, old); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("the old key %s is still pending: %v", old, err)
			}
		}
	}
	for old := range s7Finished {
		if o, err := db.JobOutcome(ctx, moved(old)); err != nil || o.Key != moved(old) || o.Result != bot.Sent {
			t.Errorf("outcome of %s: got %+v, %v under %s; want it sent", old, o, err, moved(old))
		}
		if _, err := db.JobOutcome(ctx, old); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("the old outcome key %s is still there: %v", old, err)
		}
	}
	due, err := db.DueJobs(ctx, time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC), 10)
	must(t, err)
	if len(due) != len(s7Pending) {
		t.Errorf("%d jobs in the due index, want %d: it follows the new keys", len(due), len(s7Pending))
	}
	pruned, err := db.PruneOutcomes(ctx, s7Now)
	must(t, err)
	if pruned != len(s7Finished) {
		t.Errorf("pruned %d outcomes, want %d: the time index follows the new keys", pruned, len(s7Finished))
	}
}
