package metrics

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sparkbot/bot"
)

// JobCounter counts the store's pending jobs; *bolt.DB is one.
type JobCounter interface {
	JobCounts(ctx context.Context, now time.Time) (pending, due int, err error)
}

// StandingCounter counts current hosts by standing this week;
// bot.CountStandings over the store is one.
type StandingCounter func(ctx context.Context, now time.Time) (map[bot.Standing]int, error)

// standingsEvery is how often hosts are counted by standing: it reads
// every member's week, too much for every scrape of a large cohort.
const standingsEvery = time.Minute

// WatchState adds the gauges read from the store at scrape time: the due
// index's depth, the outbox's backlog, and hosts by standing (counted at
// most once a minute).
func (m *Metrics) WatchState(clock bot.Clock, jobs JobCounter, standings StandingCounter) {
	m.reg.MustRegister(&stateCollector{clock: clock, jobs: jobs, standings: standings})
}

var (
	dueIndexDesc = prometheus.NewDesc("sparkbot_due_index_jobs",
		"Pending jobs in the due index: every delivery planned and not yet finished.", nil, nil)
	outboxDesc = prometheus.NewDesc("sparkbot_outbox_due_jobs",
		"Pending jobs whose due time has come: the outbox waiting for workers (or retrying).", nil, nil)
	hostsDesc = prometheus.NewDesc("sparkbot_hosts",
		"Members of running cohorts by their standing this week.", []string{"standing"}, nil)
)

// reported are the standings of an open week, always reported (0 when
// nobody stands there), so a dashboard's series do not come and go.
var reported = []bot.Standing{bot.OnTrack, bot.OnPace, bot.AtRisk, bot.LastCall, bot.Excused, bot.NotCounted}

type stateCollector struct {
	clock     bot.Clock
	jobs      JobCounter
	standings StandingCounter

	mu      sync.Mutex
	counted time.Time
	last    map[bot.Standing]int
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- dueIndexDesc
	ch <- outboxDesc
	ch <- hostsDesc
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	now := c.clock.Now()
	pending, due, err := c.jobs.JobCounts(ctx, now)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(dueIndexDesc, err)
	} else {
		ch <- prometheus.MustNewConstMetric(dueIndexDesc, prometheus.GaugeValue, float64(pending))
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(due))
	}
	counts, err := c.standingCounts(ctx, now)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(hostsDesc, err)
		return
	}
	for _, s := range reported {
		ch <- prometheus.MustNewConstMetric(hostsDesc, prometheus.GaugeValue, float64(counts[s]), standingLabel(s))
	}
}

// standingCounts returns the counts of the last minute, counting anew
// when they are older.
func (c *stateCollector) standingCounts(ctx context.Context, now time.Time) (map[bot.Standing]int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last != nil && now.Sub(c.counted) < standingsEvery {
		return c.last, nil
	}
	counts, err := c.standings(ctx, now)
	if err != nil {
		return nil, err
	}
	c.last, c.counted = counts, now
	return counts, nil
}

// standingLabel is a standing as a label value: "on_track", "not_counted".
func standingLabel(s bot.Standing) string {
	if s == bot.NotCounted {
		return "not_counted"
	}
	return strings.ReplaceAll(s.String(), " ", "_")
}
