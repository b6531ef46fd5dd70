// Package pushstats holds the statistics of the emulator's push dispatcher as plain values.
// The dispatcher (emulator/callbacks) fills them; a run directory keeps them as
// dispatcher.json, and the report reads them back (assemble.ReadEmulatorLoss) without
// linking the emulator, which is why they live in a package that imports nothing.
package pushstats

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
	// Overflow counts pushes refused because their destination's backlog was full
	// (ErrBacklogFull): emulator-side loss, never delivered nor retried.
	Overflow uint64 `json:"overflow"`
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
	// Destinations is the number of app + URL destinations seen; MaxBacklog the largest
	// current backlog among them (compare with Options.Backlog).
	Destinations int `json:"destinations"`
	MaxBacklog   int `json:"maxBacklog"`
}

// Loss returns the pushes the emulator itself lost, over all kinds: refused for a full
// backlog, dropped after the last re-push, and abandoned at Close.
func (s Stats) Loss() (overflow, dropped, abandoned uint64) {
	for _, k := range s.ByKind {
		overflow += k.Overflow
		dropped += k.Dropped
		abandoned += k.Abandoned
	}
	return overflow, dropped, abandoned
}
