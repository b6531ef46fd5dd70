package callbacks

import "github.com/prometheus/client_golang/prometheus"

// KindStats are the cumulative counters of one kind.
type KindStats struct {
	// Enqueued counts accepted pushes (records, for fee and numStatus).
	Enqueued uint64 `json:"enqueued"`
	// Records counts fee records / status changes accepted for batching.
	Records uint64 `json:"records"`
	// Messages counts messages formed (a batch is one message).
	Messages uint64 `json:"messages"`
	// Attempts counts every HTTP attempt, first attempts and re-pushes.
	Attempts uint64 `json:"attempts"`
	// Delivered counts messages answered with status 200.
	Delivered uint64 `json:"delivered"`
	// Failed counts failed attempts (a message failing three times counts three).
	Failed uint64 `json:"failed"`
	// Retries counts re-push attempts (Attempts minus first attempts).
	Retries uint64 `json:"retries"`
	// Dropped counts messages recorded as undelivered after the last re-push (and failed
	// SMS Block requests).
	Dropped uint64 `json:"dropped"`
	// Abandoned counts messages whose pending re-push was cancelled by Close.
	Abandoned uint64 `json:"abandoned"`
}

// Stats is a point-in-time view of the dispatcher.
type Stats struct {
	ByKind map[string]KindStats `json:"byKind"`
	// QueueDepth is the number of messages waiting for a worker, OrderHeld included.
	QueueDepth int `json:"queueDepth"`
	// OrderHeld is the number of first attempts waiting for an earlier message of their
	// ordering key (Push.OrderKey) to be answered.
	OrderHeld int `json:"orderHeld"`
	// InFlight is the number of attempts in progress.
	InFlight int `json:"inFlight"`
	// RetryPending is the number of messages waiting on the emulator clock for a re-push.
	RetryPending int `json:"retryPending"`
	// OpenBatches is the number of fee / numStatus batches inside their window.
	OpenBatches int `json:"openBatches"`
}

// Stats returns the current counters and gauges.
func (d *Dispatcher) Stats() Stats {
	s := Stats{ByKind: make(map[string]KindStats, len(Kinds))}
	for i, k := range Kinds {
		c := &d.counters[i]
		s.ByKind[k] = KindStats{
			Enqueued: c.enqueued.Load(), Records: c.records.Load(), Messages: c.messages.Load(),
			Attempts: c.attempts.Load(), Delivered: c.delivered.Load(), Failed: c.failed.Load(),
			Retries: c.retries.Load(), Dropped: c.dropped.Load(), Abandoned: c.abandoned.Load(),
		}
	}
	d.mu.Lock()
	s.QueueDepth = len(d.ready) + d.held
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
	descQueue     = prometheus.NewDesc("pns_callback_queue_depth", "Callback messages waiting for a worker.", nil, nil)
	descInFlight  = prometheus.NewDesc("pns_callback_in_flight", "Callback attempts in progress.", nil, nil)
	descRetryWait = prometheus.NewDesc("pns_callback_retry_pending", "Callback messages waiting for a re-push.", nil, nil)
	descOrderHeld = prometheus.NewDesc("pns_callback_order_held", "Callback first attempts waiting for an earlier message of their call (ordering key).", nil, nil)
)

// Describe implements prometheus.Collector, so the emulator can register the dispatcher
// itself at /metrics.
func (d *Dispatcher) Describe(ch chan<- *prometheus.Desc) {
	for _, desc := range []*prometheus.Desc{descAttempts, descDelivered, descFailed, descRetried,
		descDropped, descRecords, descQueue, descInFlight, descRetryWait, descOrderHeld} {
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
	}
	ch <- prometheus.MustNewConstMetric(descQueue, prometheus.GaugeValue, float64(s.QueueDepth))
	ch <- prometheus.MustNewConstMetric(descInFlight, prometheus.GaugeValue, float64(s.InFlight))
	ch <- prometheus.MustNewConstMetric(descRetryWait, prometheus.GaugeValue, float64(s.RetryPending))
	ch <- prometheus.MustNewConstMetric(descOrderHeld, prometheus.GaugeValue, float64(s.OrderHeld))
}

var _ prometheus.Collector = (*Dispatcher)(nil)
