package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/storage/bolt"
	"sparkbot/storage/postgres"
	"sparkbot/storage/postgres/pgtest"
)

// boltWithEverything is a bbolt file holding every kind of record: the
// README's console session (a cohort, an application, a host, a schedule,
// logs, jobs pending and finished), and what it does not make.
func boltWithEverything(t *testing.T) string {
	t.Helper()
	script, err := os.ReadFile("testdata/core.script")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "data", "sparkbot.db")
	var out, errOut bytes.Buffer
	notTTY := false
	app := &App{Stdin: bytes.NewReader(script), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }, Interactive: &notTTY}
	if code := app.Main(context.Background(), []string{"--db", path, "--http", "127.0.0.1:0", "--admin", "",
		"--now", "2026-11-30T09:00:00-05:00", "--user", "alice", "--log-level", "error"}); code != 0 {
		t.Fatalf("the console session failed: %s", errOut.String())
	}
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := t.Context()
	wss, err := db.Workspaces(ctx)
	if err != nil || len(wss) != 1 {
		t.Fatalf("the session made workspaces %v, %v; want one", wss, err)
	}
	ws := wss[0]
	at := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	must(t, db.AddToken(ctx, bot.HashToken("signin"), bot.Grant{Kind: bot.TokenSignIn, Workspace: ws, UserID: "boss", Staff: true, Created: at, Expires: at.Add(time.Hour)}))
	must(t, db.PutFeed(ctx, bot.HashToken("feed"), bot.Grant{Kind: bot.TokenFeed, Workspace: ws, UserID: "alice", Scope: bot.FeedHost, Created: at}))
	for range 3 {
		_, err := db.NextSequence(ctx, ws, "announcement")
		must(t, err)
	}
	_, err = db.IssueStipend(ctx, ws, bot.StipendIssue{Cohort: 1, Month: bot.Month{Year: 2026, Month: time.December}, IssuedAt: at,
		Rows: []bot.StipendRow{{UserID: "alice", Name: "alice", DueCents: 250000, Status: bot.StipendEligible}}})
	must(t, err)
	gone, err := db.AddSchedule(ctx, ws, bot.Schedule{UserID: "alice", Title: "gone"}) // its ID is never handed out again
	must(t, err)
	must(t, db.DeleteSchedule(ctx, ws, gone.ID))
	must(t, db.PutXLink(ctx, ws, bot.XLink{UserID: "alice", Handle: "alice_x", XID: "42", Resolved: at}))
	must(t, db.PutSeenSpace(ctx, ws, bot.SeenSpace{ID: "1SeenOpen", Cohort: 1, CreatorID: "42", UserID: "alice", CoHosts: []string{"bob"},
		State: bot.XLive, StartedAt: at, Peak: 7, LastSeen: at}))
	must(t, db.PutSeenSpace(ctx, ws, bot.SeenSpace{ID: "1SeenNobody", Cohort: 1, CreatorID: "99", State: bot.XEnded, ScheduledStart: at}))
	must(t, db.PutReview(ctx, ws, bot.Review{SpaceID: "1Rejected", UserID: "alice", Decision: bot.ReviewRejected, Reason: "not hers", By: "boss", At: at}))
	must(t, db.FinishJob(ctx, bot.Outcome{Key: ws.Key() + "/dm/x", Kind: bot.JobDM, Workspace: ws, Result: bot.Failed, Reason: "DMs closed", At: at}))
	return path
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateCopiesEverythingIntoAnEmptyDatabase(t *testing.T) {
	url := pgtest.Schema(t)
	path := boltWithEverything(t)
	var out, errOut bytes.Buffer
	app := &App{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	if code := app.runMigrate(context.Background(), []string{"--from", path, "--to", url}); code != 0 {
		t.Fatalf("migrate: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "the counts match") {
		t.Errorf("migrate printed:\n%s\nwant the counts compared", out.String())
	}

	src, err := bolt.Open(path)
	must(t, err)
	defer src.Close()
	dst, err := postgres.Open(t.Context(), url)
	must(t, err)
	defer dst.Close()
	sameStores(t, src, dst)

	out.Reset()
	errOut.Reset()
	if code := app.runMigrate(context.Background(), []string{"--from", path, "--to", url}); code != 1 ||
		!strings.Contains(errOut.String(), "holds sparkbot data already") {
		t.Errorf("a second migrate into the same database: exit %d, %q; want it refused", code, errOut.String())
	}
}

// sameStores compares what both stores answer, record by record, as JSON
// (a time's zone is a pointer, equal zones from two decodes are not ==).
func sameStores(t *testing.T, src *bolt.DB, dst *postgres.DB) {
	t.Helper()
	ctx := t.Context()
	same := func(what string, a, b any, errs ...error) {
		t.Helper()
		for _, err := range errs {
			must(t, err)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if !bytes.Equal(ja, jb) {
			t.Errorf("%s differ:\nbbolt      %s\nPostgreSQL %s", what, ja, jb)
		}
	}
	wss, err := src.AllWorkspaces(ctx)
	must(t, err)
	for _, ws := range wss {
		c1, e1 := src.Cohorts(ctx, ws)
		c2, e2 := dst.Cohorts(ctx, ws)
		same("cohorts", c1, c2, e1, e2)
		h1, e1 := src.Hosts(ctx, ws)
		h2, e2 := dst.Hosts(ctx, ws)
		same("hosts", h1, h2, e1, e2)
		a1, e1 := src.Applications(ctx, ws)
		a2, e2 := dst.Applications(ctx, ws)
		same("applications", a1, a2, e1, e2)
		s1, e1 := src.Schedules(ctx, ws)
		s2, e2 := dst.Schedules(ctx, ws)
		same("schedules", s1, s2, e1, e2)
		l1, e1 := src.Logs(ctx, ws, logsFrom, logsTo)
		l2, e2 := dst.Logs(ctx, ws, logsFrom, logsTo)
		same("logs", l1, l2, e1, e2)
		i1, e1 := src.IssuedStipends(ctx, ws, 1)
		i2, e2 := dst.IssuedStipends(ctx, ws, 1)
		same("stipend issues", i1, i2, e1, e2)
		n1, e1 := src.NextSequence(ctx, ws, "announcement")
		n2, e2 := dst.NextSequence(ctx, ws, "announcement")
		same("the next announcement number", n1, n2, e1, e2)
		x1, e1 := src.XLinks(ctx, ws)
		x2, e2 := dst.XLinks(ctx, ws)
		same("X links", x1, x2, e1, e2)
		v1, e1 := src.AllSeenSpaces(ctx, ws)
		v2, e2 := dst.SeenSpacesOf(ctx, ws, "bob", logsFrom, logsTo)
		same("bob's seen Spaces", v1[1:], v2, e1, e2) // by id: 1SeenNobody, 1SeenOpen
		w1, e1 := src.SeenSpace(ctx, ws, "1SeenNobody")
		w2, e2 := dst.SeenSpace(ctx, ws, "1SeenNobody")
		same("a seen Space of no host", w1, w2, e1, e2)
		r1, e1 := src.Reviews(ctx, ws)
		r2, e2 := dst.ReviewsOf(ctx, ws, []string{"1Rejected"})
		same("reviews", r1, r2, e1, e2)
		next1, e1 := src.AddSchedule(ctx, ws, bot.Schedule{UserID: "alice"})
		next2, e2 := dst.AddSchedule(ctx, ws, bot.Schedule{UserID: "alice"})
		same("the next schedule", next1, next2, e1, e2)
	}
	p1, e1 := src.PendingJobs(ctx, "")
	p2, e2 := dst.PendingJobs(ctx, "")
	same("pending jobs", p1, p2, e1, e2)
	o1, e1 := src.Outcomes(ctx, "")
	o2, e2 := dst.Outcomes(ctx, "")
	same("outcomes", o1, o2, e1, e2)
	t1, e1 := src.PlannedThrough(ctx)
	t2, e2 := dst.PlannedThrough(ctx)
	same("planned through", t1, t2, e1, e2)
	tokens, err := src.Tokens(ctx)
	must(t, err)
	for _, tok := range tokens {
		g, err := dst.Token(ctx, tok.Hash)
		same("a token", tok.Grant, g, err)
	}
	f1, e1 := src.Feed(ctx, wss[0], "alice", bot.FeedHost)
	f2, e2 := dst.Feed(ctx, wss[0], "alice", bot.FeedHost)
	same("alice's feed", f1, f2, e1, e2)
	if len(p1) == 0 || len(o1) == 0 || len(tokens) != 2 {
		t.Errorf("the file held %d pending jobs, %d outcomes, %d tokens: the test copies too little", len(p1), len(o1), len(tokens))
	}
}
