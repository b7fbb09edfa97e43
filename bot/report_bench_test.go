package bot_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/storage/bolt"
)

// The report benchmarks read one cohort of reportHosts hosts in its sixth
// week (Wednesday noon), each with two weekly schedules and about two logs
// a week since the cohort began (some miss a week, some log three, a
// fifth by one click), some excused, some who left, joined late or
// rejoined, and December's stipend report issued on January 1st with a
// few weeks backfilled since: 1.1 million logs. The file is built once per
// test process, without fsync, and reopened as the program opens it.
const reportHosts = 100_000

var (
	reportWS    = bot.WorkspaceRef{Platform: bot.Discord, ID: "reports"}
	reportStart = bot.Date{Year: 2026, Month: time.November, Day: 30}
	reportNow   = time.Date(2027, time.January, 6, 12, 0, 0, 0, newYork)
)

var reportWorld struct {
	once sync.Once
	dir  string
	db   *bolt.DB
	co   bot.Cohort
	err  error
}

// openReportWorld returns the seeded store, building it on first use.
func openReportWorld(b *testing.B) (*bolt.DB, bot.Cohort) {
	b.Helper()
	reportWorld.once.Do(func() {
		reportWorld.dir, reportWorld.err = os.MkdirTemp("", "sparkbot-reports-")
		if reportWorld.err != nil {
			return
		}
		path := filepath.Join(reportWorld.dir, "reports.db")
		if reportWorld.err = writeReportWorld(path); reportWorld.err != nil {
			return
		}
		if reportWorld.err = syncFile(path); reportWorld.err != nil {
			return
		}
		reportWorld.db, reportWorld.err = bolt.Open(path)
		if reportWorld.err == nil {
			reportWorld.co, reportWorld.err = reportWorld.db.Cohort(context.Background(), reportWS)
		}
	})
	if reportWorld.err != nil {
		b.Fatal(reportWorld.err)
	}
	return reportWorld.db, reportWorld.co
}

// syncFile waits for the seeded file to be on disk: written without
// fsync, it is otherwise flushed by the kernel while the first reports
// run, whose time then measures the flush (on a 2-core machine it takes
// about one core for a minute).
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// closeReportWorld removes the seeded file, if a benchmark built it.
func closeReportWorld() {
	if reportWorld.db != nil {
		reportWorld.db.Close()
	}
	if reportWorld.dir != "" {
		os.RemoveAll(reportWorld.dir)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	closeReportWorld()
	os.Exit(code)
}

func writeReportWorld(path string) error {
	db, err := bolt.OpenWith(path, bolt.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	co := bot.NewCohort("Spark Phase 1", reportStart)
	co.DigestChannel, co.StaffChannel = "digest", "staff"
	if err := db.PutCohort(ctx, reportWS, co); err != nil {
		return err
	}
	if co, err = db.Cohort(ctx, reportWS); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(3, 4))
	logs := make(chan bot.SpaceLog, 4096)
	done := make(chan error, 1)
	go func() { done <- addLogs(ctx, db, logs) }()
	for i := range reportHosts {
		if err := seedReportHost(ctx, db, co, rng, i, logs); err != nil {
			close(logs)
			<-done
			return err
		}
	}
	close(logs)
	if err := <-done; err != nil {
		return err
	}
	return issueDecember(ctx, db, co, rng)
}

// addLogs stores logs from many goroutines at once, so that bbolt's Batch
// fills its commits.
func addLogs(ctx context.Context, db *bolt.DB, logs <-chan bot.SpaceLog) error {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range 1000 {
		wg.Go(func() {
			for l := range logs {
				if err := db.AddLog(ctx, reportWS, l); err != nil {
					once.Do(func() { first = err })
				}
			}
		})
	}
	wg.Wait()
	return first
}

// seedReportHost stores host i, their schedules, and sends their logs.
func seedReportHost(ctx context.Context, db *bolt.DB, co bot.Cohort, rng *rand.Rand, i int, logs chan<- bot.SpaceLog) error {
	user := fmt.Sprintf("U%06d", i)
	first := co.FirstWeek()
	joined := first.Start.Add(-time.Hour)
	h := bot.Host{UserID: user, Name: fmt.Sprintf("Host %d", i), Handle: fmt.Sprintf("host%d", i)}
	switch r := rng.IntN(200); {
	case r < 2: // left in week 3
		h.Memberships = []bot.Membership{{Cohort: co.ID, Joined: joined, Left: first.Start.Add(16 * 24 * time.Hour)}}
	case r < 3: // joined on the Wednesday of week 2
		h.Memberships = []bot.Membership{{Cohort: co.ID, Joined: first.Start.Add(9 * 24 * time.Hour)}}
	case r < 5: // left in week 2, back in week 4
		h.Memberships = []bot.Membership{{Cohort: co.ID, Joined: joined, Left: first.Start.Add(10 * 24 * time.Hour)},
			{Cohort: co.ID, Joined: first.Start.Add(22 * 24 * time.Hour)}}
	default:
		h.Memberships = []bot.Membership{{Cohort: co.ID, Joined: joined}}
	}
	if rng.IntN(50) == 0 {
		week := first.StartDate.AddDays(7 * rng.IntN(5))
		h.Excused = map[string]string{week.String(): "travelling"}
	}
	if err := db.PutHost(ctx, reportWS, h); err != nil {
		return err
	}
	for k := range 2 {
		days := bot.Weekdays(0).With(time.Weekday(rng.IntN(7))).With(time.Weekday(rng.IntN(7)))
		sc := bot.Schedule{UserID: user, Title: fmt.Sprintf("Show %d", k), Days: days,
			At: bot.TimeOfDay{Hour: 2 + rng.IntN(22), Minute: rng.IntN(60)}, Duration: time.Hour, Zone: "America/New_York", CreatedAt: joined}
		if _, err := db.AddSchedule(ctx, reportWS, sc); err != nil {
			return err
		}
	}
	n := 0
	for w := first; w.Start.Before(reportNow); w = w.Next() {
		for _, day := range rng.Perm(7)[:weekLogs(rng, w)] {
			start := w.Start.Add(time.Duration(day)*24*time.Hour + time.Duration(8+rng.IntN(14))*time.Hour)
			if start.After(reportNow) || !h.MemberAt(co, start) {
				continue
			}
			logs <- reportLog(rng, user, n, start)
			n++
			if rng.IntN(1000) == 0 { // from before the overlap rule: counts once
				logs <- reportLog(rng, user, n, start.Add(10*time.Minute))
				n++
			}
		}
	}
	return nil
}

// weekLogs is how many Spaces a host logs in a week: mostly two.
func weekLogs(rng *rand.Rand, w bot.Week) int {
	if w.End.After(reportNow) {
		return rng.IntN(3)
	}
	switch r := rng.IntN(20); {
	case r == 0:
		return 0
	case r < 3:
		return 1
	case r < 17:
		return 2
	}
	return 3
}

func reportLog(rng *rand.Rand, user string, n int, start time.Time) bot.SpaceLog {
	l := bot.SpaceLog{SpaceID: fmt.Sprintf("1%s%03d", user, n), UserID: user, Title: fmt.Sprintf("Show %d", rng.IntN(2)),
		Start: start, Listeners: rng.IntN(500), Minutes: 60, LoggedAt: start.Add(90 * time.Minute), Provenance: bot.LinkNotVerified}
	switch r := rng.IntN(10); {
	case r < 2:
		l.SpaceID, l.Provenance, l.Title = fmt.Sprintf("unverified-%s-%d", user, start.Unix()), bot.OneClick, "Show"
	case r == 2:
		l.Provenance = bot.VerifiedByX
	}
	return l
}

// issueDecember issues December's report on January 1st, then backfills a
// Space into week 3 for a few hosts, so the report shows revisions.
func issueDecember(ctx context.Context, db *bolt.DB, co bot.Cohort, rng *rand.Rand) error {
	issued := time.Date(2027, time.January, 1, 9, 0, 0, 0, newYork)
	if _, err := bot.IssueStipendReport(ctx, db, reportWS, co, bot.Month{Year: 2026, Month: time.December}, issued); err != nil {
		return err
	}
	week3 := co.FirstWeek().Next().Next()
	for i := range 50 {
		user := fmt.Sprintf("U%06d", rng.IntN(reportHosts))
		l := reportLog(rng, user, 900+i, week3.Start.Add(6*24*time.Hour+23*time.Hour+30*time.Minute))
		if err := db.AddLog(ctx, reportWS, l); err != nil {
			return err
		}
	}
	return nil
}

// timeCPU starts b's timer; the function it returns, called after b's
// loop, reports beside the time the CPU time the process used per op
// (cpuTime): on a machine shared with other work, the steadier figure.
func timeCPU(b *testing.B) (stop func()) {
	b.Helper()
	start, ok := cpuTime()
	b.ResetTimer()
	return func() {
		if end, ok2 := cpuTime(); ok && ok2 {
			b.ReportMetric((end-start).Seconds()/float64(b.N), "cpu-s/op")
		}
	}
}

func reportRouter(b *testing.B, db *bolt.DB) *bot.Router {
	return bot.NewRouter(db, bot.NewFakeClock(reportNow), quietLogger)
}

// staffCommand runs a staff command and checks its reply holds want.
func staffCommand(b *testing.B, r *bot.Router, line, want string) bot.Response {
	b.Helper()
	path, opts, err := bot.ParseCommandLine(line)
	if err != nil {
		b.Fatal(err)
	}
	resp := r.Handle(context.Background(), bot.Request{Workspace: reportWS, UserID: "boss", UserName: "boss", Staff: true, Path: path, Options: opts})
	if text := plain(resp.Message); !strings.Contains(text, want) {
		b.Fatalf("%s: got %.300q, want %q in it", line, text, want)
	}
	return resp
}

// BenchmarkDigest100k is the weekly digest of week 5, the week that closed
// last, as the scheduler posts it.
func BenchmarkDigest100k(b *testing.B) {
	db, co := openReportWorld(b)
	week := co.WeekOf(reportNow).Prev()
	var msg bot.Message
	var err error
	stop := timeCPU(b)
	for range b.N {
		if msg, err = bot.WeekDigest(context.Background(), db, reportWS, co, week); err != nil {
			b.Fatal(err)
		}
	}
	stop()
	b.StopTimer()
	if got := strings.Count(plain(msg), " of 2"); got < reportHosts*9/10 {
		b.Fatalf("digest has %d hosts' rows, want about %d", got, reportHosts)
	}
}

func plain(m bot.Message) string { return m.PlainText(func(s bot.Span) string { return s.Text }) }

// BenchmarkStipendReport100k is /cohort export of December: the month's
// rows, revised against the issued report, with the CSV.
func BenchmarkStipendReport100k(b *testing.B) {
	db, _ := openReportWorld(b)
	r := reportRouter(b, db)
	stop := timeCPU(b)
	for range b.N {
		resp := staffCommand(b, r, "/cohort export month:2026-12", "revised since")
		if resp.File == nil || len(resp.File.Data) < reportHosts*50 {
			b.Fatal("no CSV")
		}
	}
	stop()
}

// BenchmarkCohortReport100k is /cohort report of the open week: every
// host's row, the revised stipend rows, overlaps and failed deliveries.
func BenchmarkCohortReport100k(b *testing.B) {
	db, _ := openReportWorld(b)
	r := reportRouter(b, db)
	stop := timeCPU(b)
	for range b.N {
		staffCommand(b, r, "/cohort report", "Stipend reports revised since issued")
	}
	stop()
}
