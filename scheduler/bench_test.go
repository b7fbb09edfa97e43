package scheduler

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/storage/bolt"
)

// The benchmarks run a cohort of benchHosts hosts, each with two weekly
// Spaces at random times of day and the default two lead times.
const benchHosts = 100_000

var benchWS = bot.WorkspaceRef{Platform: bot.Discord, ID: "bench"}

// benchStart is a Monday 00:00:30 in New York: schedules start at 02:00 or
// later, so nothing is due yet.
var benchStart = time.Date(2026, 11, 30, 0, 0, 30, 0, mustZone("America/New_York"))

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var (
	templateOnce sync.Once
	templatePath string
	templateErr  error
)

// benchTemplate builds, once per process, a database file with the cohort,
// its hosts and schedules but no jobs, and returns its path.
func benchTemplate(b *testing.B) string {
	templateOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sparkbot-bench-")
		if err != nil {
			templateErr = err
			return
		}
		templatePath = filepath.Join(dir, "template.db")
		templateErr = writeTemplate(templatePath)
	})
	if templateErr != nil {
		b.Fatal(templateErr)
	}
	return templatePath
}

func writeTemplate(path string) error {
	db, err := bolt.OpenWith(path, bolt.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	co := bot.NewCohort("Bench", bot.Date{Year: 2026, Month: 11, Day: 30})
	if err := db.PutCohort(ctx, benchWS, co); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	// Joined at the start: a fresh deployment, with no past Spaces to nudge.
	joined := benchStart.Add(-time.Minute)
	for i := 0; i < benchHosts; i++ {
		user := fmt.Sprintf("U%06d", i)
		if err := db.PutHost(ctx, benchWS, bot.Host{UserID: user, Memberships: []bot.Membership{{Cohort: 1, Joined: joined}}}); err != nil {
			return err
		}
		for k := 0; k < 2; k++ {
			days := bot.Weekdays(0).With(time.Weekday(rng.IntN(7))).With(time.Weekday(rng.IntN(7)))
			at := bot.TimeOfDay{Hour: 2 + rng.IntN(22), Minute: rng.IntN(60)}
			sc := bot.Schedule{UserID: user, Title: "Bench " + strconv.Itoa(k), Days: days, At: at,
				Duration: time.Hour, Zone: "America/New_York", CreatedAt: joined}
			if _, err := db.AddSchedule(ctx, benchWS, sc); err != nil {
				return err
			}
		}
	}
	return nil
}

// benchWorld copies the template and opens it with a scheduler on a fake
// clock at benchStart.
func benchWorld(b *testing.B) (*bolt.DB, *Scheduler, *bot.FakeClock, *countingNotifier) {
	b.Helper()
	clock := bot.NewFakeClock(benchStart)
	db, s, n := benchWorldOn(b, clock)
	return db, s, clock, n
}

// benchWorldOn copies the template and opens it with a scheduler on clock.
func benchWorldOn(b *testing.B, clock bot.Clock) (*bolt.DB, *Scheduler, *countingNotifier) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	if err := copyFile(benchTemplate(b), path); err != nil {
		b.Fatal(err)
	}
	db, err := bolt.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	s := New(db, clock, quiet, Config{Workers: 32})
	n := &countingNotifier{}
	s.SetNotifier(bot.Discord, n)
	return db, s, n
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// countingNotifier accepts every delivery instantly and counts them.
type countingNotifier struct {
	mu sync.Mutex
	n  int
}

func (c *countingNotifier) DM(context.Context, bot.WorkspaceRef, string, bot.Message) error {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return nil
}

func (c *countingNotifier) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func (c *countingNotifier) Post(ctx context.Context, ws bot.WorkspaceRef, channel string, m bot.Message) error {
	return c.DM(ctx, ws, channel, m)
}

// peakRSSMiB is the process's peak resident set so far (VmHWM), in MiB.
func peakRSSMiB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkBuildDueIndex is a cold start: planning every host's reminders
// and nudges, and the cohort's checks and digests, into an empty index.
func BenchmarkBuildDueIndex(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, s, _, _ := benchWorld(b)
		b.StartTimer()
		if err := s.PlanAll(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		jobs, _ := db.PendingJobs(context.Background(), benchWS.Key()+"/")
		b.ReportMetric(float64(len(jobs)), "jobs")
		b.StartTimer()
	}
}

// BenchmarkTickNothingDue is the cost of a tick when nothing is due, with
// the full index planned.
func BenchmarkTickNothingDue(b *testing.B) {
	_, s, _, n := benchWorld(b)
	ctx := context.Background()
	if err := s.PlanAll(ctx); err != nil {
		b.Fatal(err)
	}
	s.RunDue(ctx) // a cold start's late nudges, untimed
	before := n.n
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Tick(ctx)
	}
	b.StopTimer()
	s.Wait()
	if n.n != before {
		b.Fatalf("%d deliveries: something was due", n.n-before)
	}
}

// BenchmarkRSS measures the peak resident memory of a process that opens
// the 100,000-host database, builds the due index, delivers what is due and
// ticks: a child process, so the benchmark's own set-up is not counted.
func BenchmarkRSS(b *testing.B) {
	for i := 0; i < b.N; i++ {
		path := filepath.Join(b.TempDir(), "rss.db")
		if err := copyFile(benchTemplate(b), path); err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), rssChildEnv+"="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		b.Logf("child:\n%s", out)
		var mib float64
		if _, err := fmt.Sscanf(string(out[strings.Index(string(out), "peak-rss-mib"):]), "peak-rss-mib %f", &mib); err != nil {
			b.Fatalf("child said %q", out)
		}
		b.ReportMetric(mib, "peak-RSS-MiB")
	}
}

const rssChildEnv = "SPARKBOT_BENCH_RSS_DB"

// rssChild is BenchmarkRSS's child process.
func rssChild(path string) error {
	db, err := bolt.Open(path)
	if err != nil {
		return err
	}
	defer db.Close()
	s := New(db, bot.NewFakeClock(benchStart), quiet, Config{Workers: 32})
	s.SetNotifier(bot.Discord, &countingNotifier{})
	ctx := context.Background()
	if err := s.PlanAll(ctx); err != nil {
		return err
	}
	s.RunDue(ctx)
	for i := 0; i < 1000; i++ {
		s.Tick(ctx)
	}
	s.Wait()
	fmt.Printf("peak-rss-mib %.1f\n", peakRSSMiB())
	status, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "Rss") {
			fmt.Fprintln(os.Stderr, line)
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "go heap sys %d MiB, heap inuse %d MiB\n", ms.Sys>>20, ms.HeapInuse>>20)
	return nil
}

// BenchmarkLateness measures how late deliveries go out with Run on real
// timers through an evening (18:00–22:00 New York): for each delivery due
// then ("measured"), the time from its due time until the notifier has
// taken it. "deliveries" counts all, the cold start's late nudges and the
// unmeasured first hour too.
//
// The clock is the wall clock shifted by an offset (jumpClock). While the
// scheduler is idle, the offset jumps to just before the next due time, so
// each burst of deliveries (Spaces start on the minute) happens on the real
// clock, and the empty seconds between bursts are skipped. The first hour
// is delivered the same way, unmeasured, so the measured window starts in
// the steady state; the daily planner falls due inside it (19:05).
func BenchmarkLateness(b *testing.B) {
	from := time.Date(2026, 11, 30, 18, 0, 0, 0, benchStart.Location())
	to := from.Add(4 * time.Hour)
	var lateness []time.Duration
	deliveries := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		clock := newJumpClock(from.Add(-time.Hour))
		db, s, n := benchWorldOn(b, clock)
		b.StartTimer()
		lateness = append(lateness, evening(b, db, s, clock, from, to)...)
		deliveries += n.count()
	}
	b.StopTimer()
	if len(lateness) == 0 {
		b.Fatal("nothing was delivered")
	}
	slices.Sort(lateness)
	pct := func(p float64) float64 { return lateness[int(p*float64(len(lateness)-1))].Seconds() * 1000 }
	b.ReportMetric(float64(deliveries)/float64(b.N), "deliveries")
	b.ReportMetric(float64(len(lateness))/float64(b.N), "measured")
	b.ReportMetric(pct(0.50), "p50-late-ms")
	b.ReportMetric(pct(0.99), "p99-late-ms")
	b.ReportMetric(lateness[len(lateness)-1].Seconds()*1000, "max-late-ms")
}

// jumpLead is how long before each due time the jump lands: the timer
// then has a real wait ahead of it.
const jumpLead = 20 * time.Millisecond

// evening runs s from the clock's time to to, jumping over the gaps, and
// returns the lateness of each delivery due in [from, to).
func evening(b *testing.B, db *bolt.DB, s *Scheduler, clock *jumpClock, from, to time.Time) []time.Duration {
	var mu sync.Mutex
	var lateness []time.Duration
	s.afterSend = func(j bot.Job) bool { // the notifier has just returned
		late := clock.Now().Sub(j.Due)
		if !j.Due.Before(from) {
			mu.Lock()
			lateness = append(lateness, late)
			mu.Unlock()
		}
		return true
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}()
	for s.LastWake().IsZero() { // Run plans first
		time.Sleep(time.Millisecond)
	}
	for {
		waitIdle(ctx, db, s, clock)
		next, ok, err := db.NextDue(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if !ok || !next.Before(to) {
			break
		}
		if next.After(clock.Now().Add(jumpLead)) {
			clock.JumpTo(next.Add(-jumpLead))
		}
		for clock.Now().Before(next) {
			time.Sleep(time.Millisecond)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	return lateness
}

// waitIdle waits until no worker is busy and nothing is due.
func waitIdle(ctx context.Context, db *bolt.DB, s *Scheduler, clock *jumpClock) {
	for {
		s.mu.Lock()
		busy := len(s.inflight) > 0
		s.mu.Unlock()
		if !busy {
			if due, err := db.DueJobs(ctx, clock.Now(), 1); err == nil && len(due) == 0 {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
}

// jumpClock is the wall clock plus an offset that JumpTo moves forward.
// Its timers are real timers, re-armed at each jump for the same time on
// the shifted clock.
type jumpClock struct {
	mu     sync.Mutex
	offset time.Duration
	timers map[*jumpTimer]bool // pending
}

type jumpTimer struct {
	clock *jumpClock
	at    time.Time
	f     func()
	timer *time.Timer
}

func newJumpClock(start time.Time) *jumpClock {
	return &jumpClock{offset: time.Until(start), timers: map[*jumpTimer]bool{}}
}

func (c *jumpClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *jumpClock) AfterFunc(d time.Duration, f func()) bot.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &jumpTimer{clock: c, at: time.Now().Add(c.offset + d), f: f}
	c.timers[t] = true
	t.timer = time.AfterFunc(d, t.fire)
	return t
}

// JumpTo moves the clock forward to at and re-arms the pending timers.
func (c *jumpClock) JumpTo(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = time.Until(at)
	now := time.Now().Add(c.offset)
	for t := range c.timers {
		t.timer.Stop()
		t.timer = time.AfterFunc(t.at.Sub(now), t.fire)
	}
}

func (t *jumpTimer) fire() {
	c := t.clock
	c.mu.Lock()
	pending := c.timers[t]
	delete(c.timers, t)
	c.mu.Unlock()
	if pending {
		t.f()
	}
}

func (t *jumpTimer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	pending := c.timers[t]
	delete(c.timers, t)
	t.timer.Stop()
	return pending
}

func TestMain(m *testing.M) {
	if path := os.Getenv(rssChildEnv); path != "" {
		if err := rssChild(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	if templatePath != "" {
		os.RemoveAll(filepath.Dir(templatePath))
	}
	os.Exit(code)
}
