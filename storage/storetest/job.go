package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

// JobStore is what the job contract needs: the due index and outbox, and
// cohorts, which make a workspace one that Workspaces lists.
type JobStore interface {
	bot.JobStore
	bot.CohortStore
}

// RunJobStore checks store against bot.JobStore's contract. open returns a
// new, empty store for each subtest and arranges (t.Cleanup) to close it.
func RunJobStore(t *testing.T, open func(t *testing.T) JobStore) {
	for _, tt := range jobTests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}

type jobTest struct {
	name string
	run  func(t *testing.T, s JobStore)
}

var jobTests = []jobTest{
	{"round trip keeps every field", func(t *testing.T, s JobStore) {
		want := fullJob(wsA, "reminder/u1/7/1", day0)
		addJobs(t, s, want)
		wantEqual(t, pending(t, s, ""), []bot.Job{want})
		wantEqual(t, dueJobs(t, s, day0, 10), []bot.Job{want})
	}},
	{"same key twice is one job, and the first counts", func(t *testing.T, s JobStore) {
		first := fullJob(wsA, "dm/welcome/u1", day0)
		second := fullJob(wsA, "dm/welcome/u1", day0.Add(time.Hour))
		second.UserID = "u2"
		addJobs(t, s, first, second)
		addJobs(t, s, second)
		wantEqual(t, pending(t, s, ""), []bot.Job{first})
		wantEqual(t, dueKeys(t, s, day0.Add(24*time.Hour), 10), []string{first.Key})
	}},
	{"a finished key is never added again", func(t *testing.T, s JobStore) {
		j := fullJob(wsA, "nudge/u1/7/1", day0)
		addJobs(t, s, j)
		must(t, s.FinishJob(t.Context(), outcome(j, bot.Sent, day0)))
		addJobs(t, s, j)
		wantEqual(t, pendingKeys(t, s, ""), []string{})
		wantEqual(t, dueKeys(t, s, day0.Add(time.Hour), 10), []string{})
	}},
	{"a key finished without being pending is never added", func(t *testing.T, s JobStore) {
		j := fullJob(wsA, "nudge/u1/7/1", day0)
		must(t, s.FinishJob(t.Context(), outcome(j, bot.Skipped, day0)))
		addJobs(t, s, j)
		wantEqual(t, pendingKeys(t, s, ""), []string{})
		got, err := s.JobOutcome(t.Context(), j.Key)
		must(t, err)
		wantEqual(t, got, outcome(j, bot.Skipped, day0))
	}},
	{"a dropped key may be added again", func(t *testing.T, s JobStore) {
		j := fullJob(wsA, "warning/u1/2025-03-03/2", day0)
		addJobs(t, s, j)
		must(t, s.DropJob(t.Context(), j.Key))
		wantEqual(t, pendingKeys(t, s, ""), []string{})
		_, err := s.JobOutcome(t.Context(), j.Key)
		wantErrIs(t, err, bot.ErrNotFound)
		must(t, s.DropJob(t.Context(), j.Key)) // not pending: no error
		addJobs(t, s, j)
		wantEqual(t, dueKeys(t, s, day0, 10), []string{j.Key})
	}},
	{"due jobs are by due time then key, up to now and limit", testDueJobs},
	{"due order is by instant, across zones and before 1970", func(t *testing.T, s JobStore) {
		newYork, err := time.LoadLocation("America/New_York")
		must(t, err)
		addJobs(t, s,
			job(wsA, "late", day0.Add(10*time.Hour)),
			job(wsA, "ny", time.Date(2025, time.March, 3, 4, 0, 0, 0, newYork)), // 09:00 UTC
			job(wsA, "early", day0.Add(8*time.Hour)),
			job(wsA, "1969", time.Date(1969, time.July, 20, 20, 17, 0, 0, time.UTC)),
			job(wsA, "zero", time.Time{}),
		)
		want := keys(wsA, "zero", "1969", "early", "ny", "late")
		wantEqual(t, dueKeys(t, s, day0.AddDate(1, 0, 0), 10), want)
	}},
	{"next due is the earliest pending due time", func(t *testing.T, s JobStore) {
		wantNextDue(t, s, time.Time{}, false)
		a, b := job(wsA, "a", day0.Add(2*time.Hour)), job(wsB, "b", day0.Add(time.Hour+1))
		addJobs(t, s, a, b)
		wantNextDue(t, s, b.Due, true)
		must(t, s.FinishJob(t.Context(), outcome(b, bot.Sent, day0)))
		wantNextDue(t, s, a.Due, true)
		must(t, s.DropJob(t.Context(), a.Key))
		wantNextDue(t, s, time.Time{}, false)
	}},
	{"update rewrites a pending job and moves its due entry", func(t *testing.T, s JobStore) {
		j, other := fullJob(wsA, "dm/u1", day0), job(wsA, "other", day0.Add(time.Hour))
		addJobs(t, s, j, other)
		j.Due, j.Attempts, j.LastError = day0.Add(2*time.Hour), 1, "429 Too Many Requests"
		must(t, s.UpdateJob(t.Context(), j))
		wantEqual(t, dueKeys(t, s, day0.Add(90*time.Minute), 10), []string{other.Key})
		wantEqual(t, dueJobs(t, s, day0.Add(2*time.Hour), 10), []bot.Job{other, j})
		wantNextDue(t, s, other.Due, true)
		// Same due time: the entry stays, the rest changes.
		j.Attempts = 2
		must(t, s.UpdateJob(t.Context(), j))
		wantEqual(t, dueJobs(t, s, day0.Add(2*time.Hour), 10), []bot.Job{other, j})
	}},
	{"update of a job not pending is ErrNotFound and adds nothing", func(t *testing.T, s JobStore) {
		missing, finished, dropped := job(wsA, "missing", day0), job(wsA, "finished", day0), job(wsA, "dropped", day0)
		addJobs(t, s, finished, dropped)
		must(t, s.FinishJob(t.Context(), outcome(finished, bot.Sent, day0)))
		must(t, s.DropJob(t.Context(), dropped.Key))
		for _, j := range []bot.Job{missing, finished, dropped} {
			wantErrIs(t, s.UpdateJob(t.Context(), j), bot.ErrNotFound)
		}
		wantEqual(t, pendingKeys(t, s, ""), []string{})
		wantNextDue(t, s, time.Time{}, false)
	}},
	{"finish records the outcome; a second finish replaces it", func(t *testing.T, s JobStore) {
		j := fullJob(wsA, "dm/u1", day0)
		_, err := s.JobOutcome(t.Context(), j.Key)
		wantErrIs(t, err, bot.ErrNotFound)
		addJobs(t, s, j)
		failed := outcome(j, bot.Failed, day0.Add(time.Minute))
		must(t, s.FinishJob(t.Context(), failed))
		got, err := s.JobOutcome(t.Context(), j.Key)
		must(t, err)
		wantEqual(t, got, failed)
		wantEqual(t, failures(t, s, wsA, time.Time{}), []bot.Outcome{failed})

		sent := outcome(j, bot.Sent, day0.Add(2*time.Minute))
		must(t, s.FinishJob(t.Context(), sent))
		got, err = s.JobOutcome(t.Context(), j.Key)
		must(t, err)
		wantEqual(t, got, sent)
		wantEqual(t, failures(t, s, wsA, time.Time{}), []bot.Outcome{})
		n, err := s.PruneOutcomes(t.Context(), day0.Add(time.Hour))
		must(t, err)
		wantEqual(t, n, 1)
	}},
	{"pending and cancel match keys by prefix; callers end prefixes with /", testPrefixes},
	{"failures are per workspace, since a time, oldest first", testFailures},
	{"prune forgets outcomes recorded before a time", testPrune},
	{"sequences count from 1 per workspace and name", func(t *testing.T, s JobStore) {
		for _, step := range []struct {
			ws   bot.WorkspaceRef
			name string
			want int64
		}{
			{wsA, "announcement", 1}, {wsA, "announcement", 2}, {wsB, "announcement", 1},
			{wsA, "other", 1}, {wsA, "announcement", 3}, {wsC, "announcement", 1},
		} {
			got, err := s.NextSequence(t.Context(), step.ws, step.name)
			must(t, err)
			if got != step.want {
				t.Fatalf("NextSequence(%s, %q): got %d, want %d", step.ws.Key(), step.name, got, step.want)
			}
		}
	}},
	{"workspaces are those with a cohort", func(t *testing.T, s JobStore) {
		list, err := s.Workspaces(t.Context())
		must(t, err)
		wantEqual(t, len(list), 0)
		colon := bot.WorkspaceRef{Platform: bot.Console, ID: "a:b"}
		for _, ws := range []bot.WorkspaceRef{wsB, colon, wsA} {
			must(t, s.PutCohort(t.Context(), ws, bot.Cohort{Name: ws.Key()}))
		}
		_, err = s.NextSequence(t.Context(), wsC, "announcement") // data, but no cohort
		must(t, err)
		addJobs(t, s, job(wsC, "dm/u1", day0))
		list, err = s.Workspaces(t.Context())
		must(t, err)
		slices.SortFunc(list, func(a, b bot.WorkspaceRef) int { return strings.Compare(a.Key(), b.Key()) })
		wantEqual(t, list, []bot.WorkspaceRef{colon, wsA, wsB})
	}},
	{"an empty store has nothing", func(t *testing.T, s JobStore) {
		wantEqual(t, dueKeys(t, s, day0.AddDate(100, 0, 0), 10), []string{})
		wantNextDue(t, s, time.Time{}, false)
		wantEqual(t, pendingKeys(t, s, ""), []string{})
		wantEqual(t, failures(t, s, wsA, time.Time{}), []bot.Outcome{})
		n, err := s.PruneOutcomes(t.Context(), day0.AddDate(100, 0, 0))
		must(t, err)
		wantEqual(t, n, 0)
		n, err = s.CancelJobs(t.Context(), wsA.Key()+"/")
		must(t, err)
		wantEqual(t, n, 0)
	}},
	{"one call may add many jobs", func(t *testing.T, s JobStore) {
		const n = 12_000 // more than one write transaction's worth in storage
		jobs := make([]bot.Job, 0, n+1)
		for i := range n {
			// Keys in reverse of due order, so neither order helps the other.
			jobs = append(jobs, job(wsA, fmt.Sprintf("dm/%06d", i), day0.Add(time.Duration(n-i)*time.Second)))
		}
		jobs = append(jobs, job(wsA, "dm/000000", day0)) // a duplicate, ignored
		addJobs(t, s, jobs...)
		if got := len(pending(t, s, "")); got != n {
			t.Fatalf("got %d pending jobs, want %d", got, n)
		}
		wantEqual(t, dueKeys(t, s, day0.Add(2*time.Second), 10), keys(wsA, "dm/011999", "dm/011998"))
		wantNextDue(t, s, day0.Add(time.Second), true)
	}},
}

// testDueJobs adds jobs at 0h (two of them), 1h and 2h after day0, out of
// order, in two workspaces.
func testDueJobs(t *testing.T, s JobStore) {
	at := func(d time.Duration) time.Time { return day0.Add(d) }
	addJobs(t, s,
		job(wsB, "2h", at(2*time.Hour)),
		job(wsA, "0h-b", at(0)),
		job(wsA, "1h", at(time.Hour)),
		job(wsA, "0h-a", at(0)),
	)
	tests := []struct {
		name  string
		now   time.Time
		limit int
		want  []string
	}{
		{"a job due at now is included", at(time.Hour), 10, keys(wsA, "0h-a", "0h-b", "1h")},
		{"nanoseconds count", at(time.Hour - 1), 10, keys(wsA, "0h-a", "0h-b")},
		{"every workspace", at(2 * time.Hour), 10, append(keys(wsA, "0h-a", "0h-b", "1h"), keys(wsB, "2h")...)},
		{"limit keeps the earliest", at(2 * time.Hour), 2, keys(wsA, "0h-a", "0h-b")},
		{"limit zero", at(2 * time.Hour), 0, []string{}},
		{"nothing due yet", at(-1), 10, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantEqual(t, dueKeys(t, s, tt.now, tt.limit), tt.want)
		})
	}
	// Reading due jobs does not take them.
	wantEqual(t, len(dueKeys(t, s, at(2*time.Hour), 10)), 4)
}

func testPrefixes(t *testing.T, s JobStore) {
	p := wsA.Key() + "/reminder/"
	addJobs(t, s,
		job(wsA, "reminder/alice/2", day0.Add(2*time.Hour)),
		job(wsA, "reminder/alice/1", day0.Add(3*time.Hour)),
		job(wsA, "reminder/alice2/1", day0),
		job(wsA, "reminder/bob/1", day0.Add(time.Hour)),
		job(wsB, "reminder/alice/1", day0),
	)
	wantEqual(t, pendingKeys(t, s, p+"alice/"), []string{p + "alice/1", p + "alice/2"})
	// Without the closing "/", a prefix is only bytes: alice2 matches too.
	wantEqual(t, pendingKeys(t, s, p+"alice"), []string{p + "alice/1", p + "alice/2", p + "alice2/1"})

	n, err := s.CancelJobs(t.Context(), p+"alice/")
	must(t, err)
	wantEqual(t, n, 2)
	wantEqual(t, pendingKeys(t, s, wsA.Key()+"/"), keys(wsA, "reminder/alice2/1", "reminder/bob/1"))
	wantEqual(t, pendingKeys(t, s, wsB.Key()+"/"), keys(wsB, "reminder/alice/1"))
	wantEqual(t, dueKeys(t, s, day0.Add(24*time.Hour), 10),
		[]string{p + "alice2/1", wsB.Key() + "/reminder/alice/1", p + "bob/1"})

	// Cancelled is not finished: the key may be planned again.
	addJobs(t, s, job(wsA, "reminder/alice/1", day0.Add(3*time.Hour)))
	wantEqual(t, pendingKeys(t, s, p+"alice/"), []string{p + "alice/1"})
	n, err = s.CancelJobs(t.Context(), p+"nobody/")
	must(t, err)
	wantEqual(t, n, 0)
}

func testFailures(t *testing.T, s JobStore) {
	at := func(d time.Duration) time.Time { return day0.Add(d) }
	a1 := outcome(job(wsA, "dm/1", day0), bot.Failed, at(2*time.Hour))
	a2 := outcome(job(wsA, "dm/2", day0), bot.Failed, at(time.Hour))
	a3 := outcome(job(wsA, "dm/3", day0), bot.Failed, at(3*time.Hour))
	sent := outcome(job(wsA, "dm/4", day0), bot.Sent, at(time.Hour))
	skipped := outcome(job(wsA, "dm/5", day0), bot.Skipped, at(time.Hour))
	b1 := outcome(job(wsB, "dm/1", day0), bot.Failed, at(time.Hour))
	c1 := outcome(job(wsC, "dm/1", day0), bot.Failed, at(time.Hour)) // wsC's key extends wsA's
	for _, o := range []bot.Outcome{a1, a2, a3, sent, skipped, b1, c1} {
		must(t, s.FinishJob(t.Context(), o))
	}
	wantEqual(t, failures(t, s, wsA, time.Time{}), []bot.Outcome{a2, a1, a3})
	wantEqual(t, failures(t, s, wsA, at(2*time.Hour)), []bot.Outcome{a1, a3})
	wantEqual(t, failures(t, s, wsA, at(3*time.Hour+1)), []bot.Outcome{})
	wantEqual(t, failures(t, s, wsB, time.Time{}), []bot.Outcome{b1})
	wantEqual(t, failures(t, s, wsC, time.Time{}), []bot.Outcome{c1})
}

func testPrune(t *testing.T, s JobStore) {
	at := func(d time.Duration) time.Time { return day0.Add(d) }
	old := outcome(job(wsA, "dm/old", day0), bot.Failed, at(0))
	edge := outcome(job(wsB, "dm/edge", day0), bot.Sent, at(time.Hour))
	recent := outcome(job(wsA, "dm/recent", day0), bot.Failed, at(2*time.Hour))
	for _, o := range []bot.Outcome{recent, old, edge} {
		must(t, s.FinishJob(t.Context(), o))
	}
	pendingJob := job(wsA, "dm/pending", at(-time.Hour))
	addJobs(t, s, pendingJob)

	n, err := s.PruneOutcomes(t.Context(), at(time.Hour))
	must(t, err)
	wantEqual(t, n, 1)
	_, err = s.JobOutcome(t.Context(), old.Key)
	wantErrIs(t, err, bot.ErrNotFound)
	for _, o := range []bot.Outcome{edge, recent} {
		got, err := s.JobOutcome(t.Context(), o.Key)
		must(t, err)
		wantEqual(t, got, o)
	}
	wantEqual(t, failures(t, s, wsA, time.Time{}), []bot.Outcome{recent})
	wantEqual(t, pendingKeys(t, s, ""), []string{pendingJob.Key}) // pending jobs are not outcomes

	n, err = s.PruneOutcomes(t.Context(), at(time.Hour))
	must(t, err)
	wantEqual(t, n, 0)
	n, err = s.PruneOutcomes(t.Context(), at(24*time.Hour))
	must(t, err)
	wantEqual(t, n, 2)
	wantEqual(t, failures(t, s, wsA, time.Time{}), []bot.Outcome{})
}

// wsC's Key() starts with wsA's ("discord:1001" in "discord:10011").
var wsC = bot.WorkspaceRef{Platform: bot.Discord, ID: "10011"}

// job returns a job of ws due at due, whose key is ws.Key()/rest.
func job(ws bot.WorkspaceRef, rest string, due time.Time) bot.Job {
	return bot.Job{Key: ws.Key() + "/" + rest, Kind: bot.JobDM, Workspace: ws, Due: due, UserID: "u1"}
}

// fullJob sets every field, a Message with every part included.
func fullJob(ws bot.WorkspaceRef, rest string, due time.Time) bot.Job {
	msg := &bot.Message{
		Blocks: []bot.Block{{Heading: "News", Lines: []bot.Line{
			{bot.Text("Hello "), bot.UserText("@everyone"), {Kind: bot.SpanMention, ID: "u1"}},
			{{Kind: bot.SpanTime, At: day0.Add(time.Hour), Style: bot.TimeRelative}},
		}}},
		Buttons: []bot.Button{{Label: "Log it", ActionID: "log", Value: "7"}},
		File:    &bot.File{Name: "a.csv", ContentType: "text/csv", Data: []byte("a,b\n\x00\xff")},
		Ping:    bot.Ping{Kind: bot.PingRole, Role: "hosts"},
	}
	return bot.Job{
		Key:        ws.Key() + "/" + rest,
		Kind:       bot.JobAnnounce,
		Workspace:  ws,
		Cohort:     3,
		Due:        due,
		UserID:     "u1",
		Channel:    "c-news",
		ScheduleID: 7,
		Occurrence: day0.Add(time.Hour + 123),
		Lead:       10 * time.Minute,
		Level:      bot.LastCall,
		Week:       bot.Date{Year: 2025, Month: time.March, Day: 3},
		Month:      bot.Month{Year: 2025, Month: time.March},
		Message:    msg,
		ToHosts:    true,
		CreatedBy:  "staff-1",
		Personal:   true,
		Attempts:   2,
		LastError:  "DMs closed",
	}
}

func outcome(j bot.Job, r bot.Result, at time.Time) bot.Outcome {
	return bot.Outcome{
		Key: j.Key, Kind: j.Kind, Workspace: j.Workspace, UserID: j.UserID, Channel: j.Channel,
		Result: r, Reason: "because " + string(r), At: at,
	}
}

// keys returns ws's job keys of rests.
func keys(ws bot.WorkspaceRef, rests ...string) []string {
	list := []string{}
	for _, r := range rests {
		list = append(list, ws.Key()+"/"+r)
	}
	return list
}

func jobKeys(jobs []bot.Job) []string {
	list := []string{}
	for _, j := range jobs {
		list = append(list, j.Key)
	}
	return list
}

func addJobs(t *testing.T, s JobStore, jobs ...bot.Job) {
	t.Helper()
	must(t, s.AddJobs(t.Context(), jobs))
}

func dueJobs(t *testing.T, s JobStore, now time.Time, limit int) []bot.Job {
	t.Helper()
	jobs, err := s.DueJobs(t.Context(), now, limit)
	must(t, err)
	return jobs
}

func dueKeys(t *testing.T, s JobStore, now time.Time, limit int) []string {
	t.Helper()
	return jobKeys(dueJobs(t, s, now, limit))
}

func pending(t *testing.T, s JobStore, prefix string) []bot.Job {
	t.Helper()
	jobs, err := s.PendingJobs(t.Context(), prefix)
	must(t, err)
	return jobs
}

func pendingKeys(t *testing.T, s JobStore, prefix string) []string {
	t.Helper()
	return jobKeys(pending(t, s, prefix))
}

func failures(t *testing.T, s JobStore, ws bot.WorkspaceRef, since time.Time) []bot.Outcome {
	t.Helper()
	list, err := s.Failures(t.Context(), ws, since)
	must(t, err)
	if list == nil {
		list = []bot.Outcome{}
	}
	return list
}

func wantNextDue(t *testing.T, s JobStore, want time.Time, wantOK bool) {
	t.Helper()
	got, ok, err := s.NextDue(t.Context())
	must(t, err)
	if ok != wantOK || !got.Equal(want) {
		t.Fatalf("NextDue: got %v, %t; want %v, %t", got, ok, want, wantOK)
	}
}
