package metrics

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"sparkbot/bot"
	"sparkbot/scheduler"
	"sparkbot/xapi"
)

type jobCounts struct {
	pending, due int
	err          error
}

func (j jobCounts) JobCounts(context.Context, time.Time) (int, int, error) {
	return j.pending, j.due, j.err
}

func TestMetricsCountWhatHappened(t *testing.T) {
	m := New()
	ctx := context.Background()
	for range 3 {
		m.CommandDone(ctx, bot.CommandEvent{Command: "spaces log", Outcome: bot.OutcomeOK, Duration: 3 * time.Millisecond})
	}
	m.CommandDone(ctx, bot.CommandEvent{Command: "cohort report", Outcome: "forbidden"})
	m.DeliveryDone(ctx, scheduler.DeliveryEvent{Kind: bot.JobReminder, Result: bot.Sent, Lateness: 2 * time.Second})
	m.DeliveryDone(ctx, scheduler.DeliveryEvent{Kind: bot.JobReminder, Result: scheduler.Retried})
	calls := 0
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.WriteHeader([]int{200, 429, 500}[(calls-1)%3])
	}))
	defer api.Close()
	client := &http.Client{Transport: m.Transport("slack", nil)}
	for range 3 {
		resp, err := client.Get(api.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	m.WatchState(bot.NewFakeClock(time.Now()), jobCounts{pending: 7, due: 2}, func(context.Context, time.Time) (map[bot.Standing]int, error) {
		return map[bot.Standing]int{bot.OnTrack: 4, bot.AtRisk: 1}, nil
	})

	want := `
# HELP sparkbot_commands_total Commands and button clicks handled, by command path and outcome (ok, invalid, not_found, forbidden, conflict, internal, panic, rate_limited).
# TYPE sparkbot_commands_total counter
sparkbot_commands_total{command="cohort report",outcome="forbidden"} 1
sparkbot_commands_total{command="spaces log",outcome="ok"} 3
# HELP sparkbot_deliveries_total Delivery attempts, by job kind and result (sent, skipped, failed, retried).
# TYPE sparkbot_deliveries_total counter
sparkbot_deliveries_total{kind="reminder",result="retried"} 1
sparkbot_deliveries_total{kind="reminder",result="sent"} 1
# HELP sparkbot_platform_api_requests_total HTTP requests to a chat platform's API, by platform.
# TYPE sparkbot_platform_api_requests_total counter
sparkbot_platform_api_requests_total{platform="slack"} 3
# HELP sparkbot_platform_api_errors_total Platform API requests that failed: no response, or a 4xx or 5xx status (429s included), by platform.
# TYPE sparkbot_platform_api_errors_total counter
sparkbot_platform_api_errors_total{platform="slack"} 2
# HELP sparkbot_platform_api_rate_limited_total Platform API requests answered 429 Too Many Requests, by platform.
# TYPE sparkbot_platform_api_rate_limited_total counter
sparkbot_platform_api_rate_limited_total{platform="slack"} 1
# HELP sparkbot_due_index_jobs Pending jobs in the due index: every delivery planned and not yet finished.
# TYPE sparkbot_due_index_jobs gauge
sparkbot_due_index_jobs 7
# HELP sparkbot_outbox_due_jobs Pending jobs whose due time has come: the outbox waiting for workers (or retrying).
# TYPE sparkbot_outbox_due_jobs gauge
sparkbot_outbox_due_jobs 2
# HELP sparkbot_hosts Members of running cohorts by their standing this week.
# TYPE sparkbot_hosts gauge
sparkbot_hosts{standing="at_risk"} 1
sparkbot_hosts{standing="excused"} 0
sparkbot_hosts{standing="last_call"} 0
sparkbot_hosts{standing="not_counted"} 0
sparkbot_hosts{standing="on_pace"} 0
sparkbot_hosts{standing="on_track"} 4
`
	names := []string{"sparkbot_commands_total", "sparkbot_deliveries_total", "sparkbot_platform_api_requests_total",
		"sparkbot_platform_api_errors_total", "sparkbot_platform_api_rate_limited_total",
		"sparkbot_due_index_jobs", "sparkbot_outbox_due_jobs", "sparkbot_hosts"}
	if err := testutil.GatherAndCompare(m.reg, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(m.lateness); n != 1 {
		t.Errorf("lateness histograms: %d, want 1 (reminder)", n)
	}
	problems, err := testutil.GatherAndLint(m.reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, "sparkbot_") {
			t.Errorf("%s: %s", p.Metric, p.Text)
		}
	}
}

// TestMetricsServeGoAndProcessCollectors, and a store that cannot answer
// costs its own gauges, not the scrape.
func TestMetricsServeGoAndProcessCollectors(t *testing.T) {
	m := New()
	m.WatchState(bot.SystemClock{}, jobCounts{err: errors.New("disk gone")}, func(context.Context, time.Time) (map[bot.Standing]int, error) {
		return nil, errors.New("disk gone")
	})
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{"go_goroutines ", "go_memstats_heap_alloc_bytes ", "process_cpu_seconds_total ", "process_resident_memory_bytes "} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if rec.Code != http.StatusOK || strings.Contains(body, "sparkbot_due_index_jobs ") {
		t.Errorf("status %d; a failing store should drop only its gauges", rec.Code)
	}
}

func TestGaugeFunc(t *testing.T) {
	m := New()
	budget := 42.0
	if err := m.GaugeFunc("sparkbot_example_remaining", "An example gauge.", func() float64 { return budget }); err != nil {
		t.Fatal(err)
	}
	want := "# HELP sparkbot_example_remaining An example gauge.\n# TYPE sparkbot_example_remaining gauge\nsparkbot_example_remaining 42\n"
	if err := testutil.GatherAndCompare(m.reg, strings.NewReader(want), "sparkbot_example_remaining"); err != nil {
		t.Error(err)
	}
}

type budgets []xapi.Budget

func (b budgets) Budgets() []xapi.Budget { return b }

func TestXBudgets(t *testing.T) {
	m := New()
	m.WatchXBudgets(budgets{{Endpoint: xapi.EndpointSpaces, Remaining: 12}, {Endpoint: xapi.EndpointSpace, Remaining: -1}})
	want := `# HELP sparkbot_x_api_budget_remaining Requests the X API client may still send in the current rate-limit window, by endpoint.
# TYPE sparkbot_x_api_budget_remaining gauge
sparkbot_x_api_budget_remaining{endpoint="spaces"} 12
`
	if err := testutil.GatherAndCompare(m.reg, strings.NewReader(want), "sparkbot_x_api_budget_remaining"); err != nil {
		t.Error(err)
	}
}
