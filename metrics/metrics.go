// Package metrics is sparkbot's Prometheus instrumentation, through
// prometheus/client_golang: commands, deliveries, platform API calls (X's
// too), the outbox and due index, hosts by standing, what is left of the X
// API's rate-limit windows, and the Go and process collectors, on one
// registry served at the admin listener's /metrics.
//
// Names follow Prometheus conventions (sparkbot_ prefix, _total counters,
// base units in _seconds). No label holds a user id, a token or text a
// user typed: commands are named by the command table, deliveries by job
// kind, platforms by name.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"sparkbot/bot"
	"sparkbot/scheduler"
)

// Metrics holds sparkbot's collectors. It is safe for concurrent use.
type Metrics struct {
	reg *prometheus.Registry

	commands       *prometheus.CounterVec
	commandSeconds *prometheus.HistogramVec
	deliveries     *prometheus.CounterVec
	lateness       *prometheus.HistogramVec
	apiRequests    *prometheus.CounterVec
	apiErrors      *prometheus.CounterVec
	apiLimited     *prometheus.CounterVec
}

var (
	_ bot.CommandObserver        = (*Metrics)(nil)
	_ scheduler.DeliveryObserver = (*Metrics)(nil)
)

// New returns sparkbot's metrics on a registry of their own, with the Go
// and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sparkbot_commands_total",
			Help: "Commands and button clicks handled, by command path and outcome (ok, invalid, not_found, forbidden, conflict, internal, panic, rate_limited).",
		}, []string{"command", "outcome"}),
		commandSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sparkbot_command_duration_seconds",
			Help:    "Time the router took to answer a command, by command path.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"command"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sparkbot_deliveries_total",
			Help: "Delivery attempts, by job kind and result (sent, skipped, failed, retried).",
		}, []string{"kind", "result"}),
		lateness: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sparkbot_delivery_lateness_seconds",
			Help:    "How long after its due time a delivery was sent, by job kind.",
			Buckets: []float64{.1, .5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 900, 3600},
		}, []string{"kind"}),
		apiRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sparkbot_platform_api_requests_total",
			Help: "HTTP requests to a chat platform's API, by platform.",
		}, []string{"platform"}),
		apiErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sparkbot_platform_api_errors_total",
			Help: "Platform API requests that failed: no response, or a 4xx or 5xx status (429s included), by platform.",
		}, []string{"platform"}),
		apiLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sparkbot_platform_api_rate_limited_total",
			Help: "Platform API requests answered 429 Too Many Requests, by platform.",
		}, []string{"platform"}),
	}
	m.reg.MustRegister(m.commands, m.commandSeconds, m.deliveries, m.lateness, m.apiRequests, m.apiErrors, m.apiLimited,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, ErrorHandling: promhttp.ContinueOnError})
}

// Register adds a collector of another package's (the X API client's).
func (m *Metrics) Register(c prometheus.Collector) error { return m.reg.Register(c) }

// GaugeFunc registers a gauge whose value f reads at each scrape. (The X
// API budget has its own, WatchXBudgets.)
func (m *Metrics) GaugeFunc(name, help string, f func() float64) error {
	return m.reg.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// CommandDone counts one handled request (bot.CommandObserver).
func (m *Metrics) CommandDone(_ context.Context, e bot.CommandEvent) {
	m.commands.WithLabelValues(e.Command, e.Outcome).Inc()
	m.commandSeconds.WithLabelValues(e.Command).Observe(e.Duration.Seconds())
}

// DeliveryDone counts one delivery attempt (scheduler.DeliveryObserver).
func (m *Metrics) DeliveryDone(_ context.Context, e scheduler.DeliveryEvent) {
	m.deliveries.WithLabelValues(string(e.Kind), string(e.Result)).Inc()
	if e.Result == bot.Sent {
		m.lateness.WithLabelValues(string(e.Kind)).Observe(max(e.Lateness, 0).Seconds())
	}
}

// Transport counts the requests next carries to platform's API.
func (m *Metrics) Transport(platform string, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return countingTransport{m: m, platform: platform, next: next}
}

type countingTransport struct {
	m        *Metrics
	platform string
	next     http.RoundTripper
}

func (t countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.m.apiRequests.WithLabelValues(t.platform).Inc()
	resp, err := t.next.RoundTrip(req)
	switch {
	case err != nil:
		t.m.apiErrors.WithLabelValues(t.platform).Inc()
	case resp.StatusCode == http.StatusTooManyRequests:
		t.m.apiLimited.WithLabelValues(t.platform).Inc()
		t.m.apiErrors.WithLabelValues(t.platform).Inc()
	case resp.StatusCode >= 400:
		t.m.apiErrors.WithLabelValues(t.platform).Inc()
	}
	return resp, err
}

// scrapeTimeout bounds the store reads one scrape makes.
const scrapeTimeout = 5 * time.Second
