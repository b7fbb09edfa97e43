package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"sparkbot/xapi"
)

// XBudgeter is what the X budget gauge reads; *xapi.Client is one.
type XBudgeter interface {
	Budgets() []xapi.Budget
}

var xBudgetDesc = prometheus.NewDesc("sparkbot_x_api_budget_remaining",
	"Requests the X API client may still send in the current rate-limit window, by endpoint.", []string{"endpoint"}, nil)

// WatchXBudgets adds sparkbot_x_api_budget_remaining, read from x at each
// scrape. An endpoint X has not answered for yet (Remaining −1) is left
// out until it has.
func (m *Metrics) WatchXBudgets(x XBudgeter) { m.reg.MustRegister(xBudgetCollector{x}) }

type xBudgetCollector struct{ x XBudgeter }

func (c xBudgetCollector) Describe(ch chan<- *prometheus.Desc) { ch <- xBudgetDesc }

func (c xBudgetCollector) Collect(ch chan<- prometheus.Metric) {
	for _, b := range c.x.Budgets() {
		if b.Remaining >= 0 {
			ch <- prometheus.MustNewConstMetric(xBudgetDesc, prometheus.GaugeValue, float64(b.Remaining), string(b.Endpoint))
		}
	}
}
