package emulator

import (
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the emulator's Prometheus series, on a registry of its own so that several
// emulators can live in one process (tests).
type metrics struct {
	reg          *prometheus.Registry
	handler      http.Handler
	requests     *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	authFailures *prometheus.CounterVec
	lockouts     prometheus.Counter
	localTime    prometheus.Counter
	panics       prometheus.Counter
	faults       *prometheus.CounterVec

	// series are the successful requests' series by interface ID (observe).
	mu     sync.RWMutex
	series map[string]*ifaceSeries
}

func newMetrics() *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pns_emulator_requests_total",
			Help: "Provisioning requests by interface ID and answered resultcode.",
		}, []string{"interface", "resultcode"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "pns_emulator_request_duration_seconds",
			Help:    "Time to answer a provisioning request, by interface ID.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"interface"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pns_emulator_auth_failures_total",
			Help: "Authentication failures that count toward the client-IP lockout, by resultcode.",
		}, []string{"resultcode"}),
		lockouts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pns_emulator_lockouts_total",
			Help: "Client IPs locked out after repeated authentication failures (1020176).",
		}),
		localTime: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pns_emulator_local_time_as_utc_total",
			Help: "Requests accepted only because Created was local time labelled as UTC (D2).",
		}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pns_emulator_panics_total",
			Help: "Handler panics answered with 1010001.",
		}),
		faults: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pns_emulator_faults_injected_total",
			Help: "Injected faults by interface ID and kind (latency, error, close).",
		}, []string{"interface", "kind"}),
	}
	reg.MustRegister(m.requests, m.latency, m.authFailures, m.lockouts, m.localTime, m.panics, m.faults,
		collectors.NewGoCollector())
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
	return m
}

// ifaceSeries are one interface's series of a successful request, looked up once: resolving
// them by label values (hashing the labels, a locked map) on every request was most of the
// cost of recording it (issue 25).
type ifaceSeries struct {
	ok      prometheus.Counter // requests answered resultcode 0
	latency prometheus.Observer
}

// observe records a request to an interface answered with a result code ("none" without an
// envelope) after d.
func (m *metrics) observe(iface, code string, d time.Duration) {
	if code != "0" {
		m.requests.WithLabelValues(iface, code).Inc()
		m.latency.WithLabelValues(iface).Observe(d.Seconds())
		return
	}
	m.mu.RLock()
	s := m.series[iface]
	m.mu.RUnlock()
	if s == nil {
		// Made at the first success, as WithLabelValues made them: /metrics shows the same
		// series as before.
		s = &ifaceSeries{ok: m.requests.WithLabelValues(iface, code), latency: m.latency.WithLabelValues(iface)}
		m.mu.Lock()
		if m.series == nil {
			m.series = map[string]*ifaceSeries{}
		}
		m.series[iface] = s
		m.mu.Unlock()
	}
	s.ok.Inc()
	s.latency.Observe(d.Seconds())
}

// Registerer returns the emulator's Prometheus registry so that other components (call
// simulator, push dispatcher) can add their series to /metrics.
func (e *Emulator) Registerer() prometheus.Registerer { return e.metrics.reg }

// Gatherer returns the emulator's Prometheus registry for reading metrics in-process.
func (e *Emulator) Gatherer() prometheus.Gatherer { return e.metrics.reg }
