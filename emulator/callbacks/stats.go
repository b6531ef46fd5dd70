package callbacks

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pns-harness/pns-harness/emulator/pushstats"
)

// KindStats are the cumulative counters of one kind (declared in pushstats, a plain value
// package, so that readers of dispatcher.json need not link the emulator).
type KindStats = pushstats.KindStats

// Stats is a point-in-time view of the dispatcher (declared in pushstats).
type Stats = pushstats.Stats

// Stats returns the current counters and gauges.
func (d *Dispatcher) Stats() Stats {
	s := Stats{ByKind: make(map[string]KindStats, len(Kinds))}
	for i, k := range Kinds {
		c := &d.counters[i]
		s.ByKind[k] = KindStats{
			Enqueued: c.enqueued.Load(), Records: c.records.Load(), Messages: c.messages.Load(),
			Attempts: c.attempts.Load(), Delivered: c.delivered.Load(), Failed: c.failed.Load(),
			Retries: c.retries.Load(), Dropped: c.dropped.Load(), Abandoned: c.abandoned.Load(),
			Overflow: c.overflow.Load(),
		}
	}
	d.mu.Lock()
	s.QueueDepth = d.queued + d.held
	s.Destinations = len(d.dests)
	for _, q := range d.dests {
		s.MaxBacklog = max(s.MaxBacklog, q.backlog())
	}
	s.OrderHeld = d.held
	s.InFlight = d.inflight
	s.RetryPending = len(d.retries)
	s.OpenBatches = len(d.batches)
	d.mu.Unlock()
	return s
}

// Metric descriptors. Names follow Prometheus conventions; the label "kind" takes the values
// of Kinds.
var (
	descAttempts  = prometheus.NewDesc("pns_callback_attempts_total", "Callback push attempts (first attempts and re-pushes).", []string{"kind"}, nil)
	descDelivered = prometheus.NewDesc("pns_callback_delivered_total", "Callback messages delivered (answered 200).", []string{"kind"}, nil)
	descFailed    = prometheus.NewDesc("pns_callback_failed_total", "Failed callback attempts.", []string{"kind"}, nil)
	descRetried   = prometheus.NewDesc("pns_callback_retried_total", "Callback re-push attempts.", []string{"kind"}, nil)
	descDropped   = prometheus.NewDesc("pns_callback_dropped_total", "Callback messages recorded as undelivered after the last re-push.", []string{"kind"}, nil)
	descRecords   = prometheus.NewDesc("pns_callback_records_total", "Pushes accepted (fee records and status changes counted singly).", []string{"kind"}, nil)
	descOverflow  = prometheus.NewDesc("pns_callback_overflow_total", "Callback pushes refused because their destination's backlog was full (emulator-side loss).", []string{"kind"}, nil)
	descAbandoned = prometheus.NewDesc("pns_callback_abandoned_total", "Callback messages whose pending re-push was cancelled at shutdown.", []string{"kind"}, nil)
	descQueue     = prometheus.NewDesc("pns_callback_queue_depth", "Callback messages waiting for a worker.", nil, nil)
	descMaxBack   = prometheus.NewDesc("pns_callback_max_backlog", "Largest backlog of one destination (app + URL).", nil, nil)
	descDests     = prometheus.NewDesc("pns_callback_destinations", "Destinations (app + URL) with their own queue.", nil, nil)
	descInFlight  = prometheus.NewDesc("pns_callback_in_flight", "Callback attempts in progress.", nil, nil)
	descRetryWait = prometheus.NewDesc("pns_callback_retry_pending", "Callback messages waiting for a re-push.", nil, nil)
	descOrderHeld = prometheus.NewDesc("pns_callback_order_held", "Callback first attempts waiting for an earlier message of their call (ordering key).", nil, nil)
)

// Describe implements prometheus.Collector, so the emulator can register the dispatcher
// itself at /metrics.
func (d *Dispatcher) Describe(ch chan<- *prometheus.Desc) {
	for _, desc := range []*prometheus.Desc{descAttempts, descDelivered, descFailed, descRetried,
		descDropped, descRecords, descOverflow, descAbandoned, descQueue, descMaxBack, descDests,
		descInFlight, descRetryWait, descOrderHeld} {
		ch <- desc
	}
}

// Collect implements prometheus.Collector.
func (d *Dispatcher) Collect(ch chan<- prometheus.Metric) {
	s := d.Stats()
	for _, k := range Kinds {
		ks := s.ByKind[k]
		ch <- prometheus.MustNewConstMetric(descAttempts, prometheus.CounterValue, float64(ks.Attempts), k)
		ch <- prometheus.MustNewConstMetric(descDelivered, prometheus.CounterValue, float64(ks.Delivered), k)
		ch <- prometheus.MustNewConstMetric(descFailed, prometheus.CounterValue, float64(ks.Failed), k)
		ch <- prometheus.MustNewConstMetric(descRetried, prometheus.CounterValue, float64(ks.Retries), k)
		ch <- prometheus.MustNewConstMetric(descDropped, prometheus.CounterValue, float64(ks.Dropped), k)
		ch <- prometheus.MustNewConstMetric(descRecords, prometheus.CounterValue, float64(ks.Enqueued), k)
		ch <- prometheus.MustNewConstMetric(descOverflow, prometheus.CounterValue, float64(ks.Overflow), k)
		ch <- prometheus.MustNewConstMetric(descAbandoned, prometheus.CounterValue, float64(ks.Abandoned), k)
	}
	ch <- prometheus.MustNewConstMetric(descQueue, prometheus.GaugeValue, float64(s.QueueDepth))
	ch <- prometheus.MustNewConstMetric(descMaxBack, prometheus.GaugeValue, float64(s.MaxBacklog))
	ch <- prometheus.MustNewConstMetric(descDests, prometheus.GaugeValue, float64(s.Destinations))
	ch <- prometheus.MustNewConstMetric(descInFlight, prometheus.GaugeValue, float64(s.InFlight))
	ch <- prometheus.MustNewConstMetric(descRetryWait, prometheus.GaugeValue, float64(s.RetryPending))
	ch <- prometheus.MustNewConstMetric(descOrderHeld, prometheus.GaugeValue, float64(s.OrderHeld))
}

var _ prometheus.Collector = (*Dispatcher)(nil)
