package sync

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/partnermap/partnermap/scoring"
)

// Results of one scheduled sync, as counted in metrics and shown by /healthz.
const (
	ResultOK      = "ok"      // the sync ran (whether or not it had to write)
	ResultFailed  = "failed"  // a run failure: network, file, API, configuration
	ResultSkipped = "skipped" // the workbook was open or changed, or another process was syncing it
)

// Metrics are the service's Prometheus metrics, in a registry of their own so nothing else in
// the process (or a library) can add to or clash with them. A nil *Metrics records nothing.
type Metrics struct {
	reg         *prometheus.Registry
	syncs       *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	requests    *prometheus.CounterVec
	issues      *prometheus.GaugeVec
	rows        *prometheus.GaugeVec
	lastSuccess *prometheus.GaugeVec
	digests     *prometheus.CounterVec
	waiting     prometheus.Gauge
}

// NewMetrics registers partnermap's metrics, and the Go runtime and process collectors, in a new registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		syncs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnermap_syncs_total",
			Help: "Scheduled syncs by source and result (ok, failed, skipped).",
		}, []string{"source", "result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "partnermap_sync_duration_seconds",
			Help:    "How long one sync took, read to write, by source.",
			Buckets: prometheus.ExponentialBuckets(0.025, 2, 14), // 25 ms (a small workbook) to 205 s
		}, []string{"source"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnermap_api_requests_total",
			Help: "Google Sheets API attempts by source, method (get, batchUpdate) and HTTP status (0: no usable answer).",
		}, []string{"source", "method", "status"}),
		issues: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "partnermap_data_issues",
			Help: "Data issues found by the last sync that read the spreadsheet, by source and severity.",
		}, []string{"source", "severity"}),
		rows: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "partnermap_rows_read",
			Help: "Data rows read by the last sync that read the spreadsheet, by source and input tab.",
		}, []string{"source", "tab"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "partnermap_last_success_timestamp_seconds",
			Help: "Unix time the last successful sync of a source finished.",
		}, []string{"source"}),
		digests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnermap_digests_total",
			Help: "Weekly digests by source and result: sent (accepted by the mail server or webhook) or failed (a digest, or a whole run that could not read the source).",
		}, []string{"source", "result"}),
		waiting: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "partnermap_syncs_waiting",
			Help: "Syncs due but waiting for their turn (at most four run at once): above zero for long, the schedule asks more than the API quota gives.",
		}),
	}
	m.reg.MustRegister(m.syncs, m.duration, m.requests, m.issues, m.rows, m.lastSuccess, m.digests, m.waiting,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// APIRequest returns the hook the Google backend calls once per API attempt of source
// (google.Options.OnRequest).
func (m *Metrics) APIRequest(source string) func(method string, status int) {
	if m == nil {
		return nil
	}
	return func(method string, status int) {
		m.requests.WithLabelValues(source, method, strconv.Itoa(status)).Inc()
	}
}

// observe records one finished sync. rep may be nil (the source could not be opened).
func (m *Metrics) observe(source, result string, took time.Duration, rep *Report, finished time.Time) {
	if m == nil {
		return
	}
	m.syncs.WithLabelValues(source, result).Inc()
	if result == ResultSkipped {
		return
	}
	m.duration.WithLabelValues(source).Observe(took.Seconds())
	if rep != nil && len(rep.Rows) > 0 {
		counts := rep.Severities()
		for _, sev := range []scoring.Severity{scoring.SevError, scoring.SevWarning, scoring.SevInfo} {
			m.issues.WithLabelValues(source, string(sev)).Set(float64(counts[sev]))
		}
		for _, r := range rep.Rows {
			m.rows.WithLabelValues(source, r.Tab).Set(float64(r.Rows))
		}
	}
	if result == ResultOK {
		m.lastSuccess.WithLabelValues(source).Set(float64(finished.UnixMilli()) / 1000)
	}
}

// wait counts a sync that starts (+1) or stops (-1) waiting for its turn.
func (m *Metrics) wait(delta float64) {
	if m != nil {
		m.waiting.Add(delta)
	}
}

// digestRun counts the digests of one run of one source.
func (m *Metrics) digestRun(source string, sent, failed int) {
	if m == nil {
		return
	}
	m.digests.WithLabelValues(source, "sent").Add(float64(sent))
	m.digests.WithLabelValues(source, "failed").Add(float64(failed))
}

// forget drops every series of a source that a reload removed.
func (m *Metrics) forget(source string) {
	if m == nil {
		return
	}
	labels := prometheus.Labels{"source": source}
	m.syncs.DeletePartialMatch(labels)
	m.duration.DeletePartialMatch(labels)
	m.requests.DeletePartialMatch(labels)
	m.issues.DeletePartialMatch(labels)
	m.rows.DeletePartialMatch(labels)
	m.lastSuccess.DeletePartialMatch(labels)
	m.digests.DeletePartialMatch(labels)
}
