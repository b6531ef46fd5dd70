// Package callbacks is the emulator's push dispatcher: it delivers call events, fee records,
// X-number status changes and SMS notifications to customer URLs (reference §7-§10), signed
// with the app's own key (D66), and re-pushes failed messages on the §7.6 schedule (D67).
//
// Model. A caller hands the dispatcher one Push per notification with Enqueue. Call events and
// SMS Notify messages become one message each. Fee records and X-number status changes are
// collected per app, URL and kind for a batching window of emulator time and sent as one message
// of at most FeeBatchMax (50, D70) or StatusBatchMax (100, D73) records; a full batch is sent at
// once. A message (batch or single) is the unit of delivery and of retry: every re-push carries
// the identical body with fresh authentication headers.
//
// Clocks (D76). Retry offsets and the batching window run on the emulator's virtual clock
// (clock.Virtual), so tests can Advance through five hours of re-pushes; the per-attempt HTTP
// timeout and the `Created` of the signature use the wall clock.
//
// Destinations. Every message belongs to one destination: the app that signs it and the URL it
// goes to. Each destination has its own ready queue and its own workers (up to Workers, started
// when there is work and stopped when its queue is empty), so a slow or dead endpoint holds only
// its own pushes: a hanging URL of one app never delays another app's callbacks, nor another
// URL of the same app.
//
// Ordering. Messages that share an ordering key (Push.OrderKey; for call events the body's
// statusInfo.sessionId by default) make their FIRST attempts in enqueue order, one at a time:
// the next one is handed to a worker only when the previous first attempt has been answered
// (or has failed), so a healthy receiver sees the events of a call in §7.4 order even with many
// workers and events that are due at the same instant. Re-pushes are outside this order: each
// message is retried independently at its own schedule offsets and later events of the call are
// not held back by a failed one, so a failing receiver sees events out of order (§7.6, D67).
// The price is that a receiver that answers slowly delays the later events of a call by up to
// Timeout (5 s) each; other calls keep the remaining workers of the destination.
//
// Backlog. Enqueue never waits. Each destination accepts new work while its backlog (messages
// waiting for a worker, including first attempts held behind an earlier message of their
// ordering key) is below Backlog; beyond it Enqueue fails with ErrBacklogFull and the push is
// counted in KindStats.Overflow (pns_callback_overflow_total): the limit is a memory bound, and
// its overflow is emulator-side loss that reports show as such. Nothing accepted is lost while
// its retry budget lasts: re-pushes and window flushes are never refused (they run on timer
// callbacks and were accepted already), so they may take a backlog past Backlog, bounded by
// what was accepted.
//
// Emission instant. Every attempt carries the emulator-only header EmittedHeader with the
// wall-clock instant each record of the message was emitted (the Enqueue call), so a receiver
// measures exact delays whatever the virtual clock does (the body's timestamps follow the
// emulator clock, which may be scaled or advanced). The real platform sends no such header.
package callbacks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pns-harness/pns-harness/emulator/clock"
	"github.com/pns-harness/pns-harness/pns"
)

// Kinds lists every kind in a stable order (used for statistics and metrics): the order of
// pns.Notifications, whose index is a kind's index here.
var Kinds = pns.NotificationKinds()

func kindIndex(k string) int {
	for i, s := range Kinds {
		if s == k {
			return i
		}
	}
	return -1
}

// Defaults of Options (reference D67, D70, D73).
const (
	DefaultTimeout = 5 * time.Second
	// DefaultBacklog is the per-destination backlog limit: at about 1 KiB per queued message
	// (body, headers of the record, bookkeeping) 64 Ki messages bound a destination to some
	// 64 MiB.
	DefaultBacklog        = 1 << 16
	DefaultWorkers        = 16
	DefaultFeeBatchWindow = 2 * time.Second
	DefaultFeeBatchMax    = 50  // pns row of pns.NotifyFee: BatchCap
	DefaultStatusBatchMax = 100 // pns row of pns.NotifyNumStatus: BatchCap
	DefaultLogSize        = 1000
	// MaxResponseBody is how much of a customer's answer is read (and, for Block, returned);
	// the rest is discarded so that a misbehaving receiver cannot exhaust memory.
	MaxResponseBody = 64 << 10
)

// DefaultSchedule returns the §7.6 re-push offsets, measured from the first attempt: 1, 4, 9,
// 106, 203 and 300 minutes.
func DefaultSchedule() []time.Duration {
	return []time.Duration{1 * time.Minute, 4 * time.Minute, 9 * time.Minute,
		106 * time.Minute, 203 * time.Minute, 300 * time.Minute}
}

// EmittedHeader is the emulator-only request header stating when each record of a push was
// emitted: comma-separated RFC 3339 UTC instants with nanoseconds (wall clock), one per record
// in body order (one for call events and SMS, one per feeLst / numInfo entry of a batch). The
// real platform does not send it; package receiver uses it for exact delays.
const EmittedHeader = "X-Emulator-Emitted-At"

// Errors returned by Enqueue and Block.
var (
	// ErrBacklogFull means the destination's backlog had reached Options.Backlog: the push was
	// not accepted (counted as overflow) and the caller still owns it.
	ErrBacklogFull = errors.New("callbacks: backlog full")
	// ErrClosed means the dispatcher has been closed.
	ErrClosed = errors.New("callbacks: dispatcher closed")
	// ErrUnknownKind means Push.Kind is not one of the Kinds accepted by the call.
	ErrUnknownKind = errors.New("callbacks: unknown kind")
	// ErrNoURL means Push.URL is empty. Callers should not push at all when the app has no URL
	// for the notification type (D77); the error guards against doing so by accident.
	ErrNoURL = errors.New("callbacks: no URL")
)

// AppRef identifies the app whose key signs a push. Secret is used only to compute the
// digest and is never logged, reported or exposed by the dispatcher.
type AppRef struct {
	Key    string
	Secret string
	// Scheme is pns.SchemeAKSK (default, also when empty) or pns.SchemeWSSE, from the app's
	// callbackAuth setting (D66).
	Scheme pns.Scheme
}

// Push is one notification to deliver.
type Push struct {
	App AppRef
	// URL is the customer's endpoint for this kind (D77 decides which URL, not the dispatcher).
	URL string
	// Kind is one of Kinds (the kinds of pns.Notifications, pns.NotifyEvent …).
	Kind string
	// Body is the JSON to send: the whole message for pns.NotifyEvent, pns.NotifySMSNotify and
	// pns.NotifySMSBlock; one record (FeeInfo object / numInfo entry) for pns.NotifyFee and
	// pns.NotifyNumStatus. It must be valid JSON; the dispatcher does not re-check it. The
	// dispatcher keeps the slice: the caller must not modify it afterwards.
	Body []byte
	// Value is marshalled with encoding/json when Body is nil (convenience for callers that
	// hold typed values).
	Value any
	// Ref labels the push in attempts and in the delivery log, e.g. a sessionId, an icid or
	// an smsIdentifier. Optional.
	Ref string
	// OrderKey groups unbatched pushes whose first attempts must go out in enqueue order, one
	// at a time (see the package doc), e.g. the sessionId of a call's events. When empty, a
	// pns.NotifyEvent push uses the sessionId of its body's statusInfo; other kinds are unordered.
	// Ignored for the batched kinds (fee, numstatus): a batch mixes many calls.
	OrderKey string
}

// Attempt describes one delivery attempt of a message; Options.Observe receives it.
type Attempt struct {
	Kind   string
	AppKey string
	URL    string
	// Refs are the Push.Ref values of the records in the message (one for unbatched kinds).
	Refs []string
	// Records is the number of records in the message (1 for unbatched kinds).
	Records int
	// N is 1 for the first attempt and 2..7 for the re-pushes.
	N int
	// First is the emulator-clock time of the first attempt (the origin of the schedule and
	// of recording retention, D75); At is this attempt's emulator-clock time.
	First, At time.Time
	// Status is the HTTP status of the answer (0 when there was none) and Err the transport
	// error or timeout, if any.
	Status int
	Err    error
	// Delivered is true when the attempt succeeded (status exactly 200, D67). Dropped is true
	// when it failed and the retry budget is exhausted.
	Delivered bool
	Dropped   bool
}

// Options configure a Dispatcher. Zero values select the documented defaults.
type Options struct {
	// Clock is the emulator clock for retries and batching; nil means a real-time virtual
	// clock (clock.NewVirtual(1)).
	Clock *clock.Virtual
	// HTTPClient sends the pushes; nil means a client with keep-alive connection pooling
	// sized for Workers (and InsecureTLS applied). The per-attempt Timeout is applied with a
	// request context, so a custom client needs no timeout of its own.
	HTTPClient *http.Client
	// Timeout is the wall-clock limit for a complete answer (D67, 5 s).
	Timeout time.Duration
	// Schedule holds the re-push offsets from the first attempt on the emulator clock
	// (DefaultSchedule). An explicitly empty, non-nil slice disables re-pushes.
	Schedule []time.Duration
	// Backlog bounds each destination's backlog for new work (DefaultBacklog); see the
	// package doc.
	Backlog int
	// Workers is the number of concurrent deliveries per destination (DefaultWorkers).
	Workers int
	// Delay holds every message's first attempt until this long (wall clock) after its
	// emission: a known delivery delay for calibrating what receivers report. Zero sends at
	// once.
	Delay time.Duration
	// FeeBatchWindow is the emulator-time window collecting fee records and status changes
	// of one app and URL (D70, D73; 2 s).
	FeeBatchWindow time.Duration
	// FeeBatchMax and StatusBatchMax cap the records per fee / numStatus message (50, 100).
	FeeBatchMax    int
	StatusBatchMax int
	// InsecureTLS skips certificate verification of customer endpoints (callbackInsecureTLS);
	// ignored when HTTPClient is set.
	InsecureTLS bool
	// LogSize is how many undelivered messages the delivery log keeps (DefaultLogSize; the
	// oldest are forgotten first, the Dropped counter keeps counting).
	LogSize int
	// Observe, when set, is called after every attempt on the worker goroutine. It must be
	// quick: it holds a worker of the destination.
	Observe func(Attempt)
	// Now is the wall clock used for the signature's Created (time.Now when nil); tests use
	// it to exercise skew checks.
	Now func() time.Time
	// Wall is the wall clock of emission instants (EmittedHeader) and of Delay (time.Now
	// when nil).
	Wall func() time.Time
}

// message is the unit of delivery and retry.
type message struct {
	kind     int
	app      AppRef
	url      string
	dest     *dest
	body     []byte
	refs     []string
	records  int
	emitted  string    // EmittedHeader value
	sent     time.Time // wall-clock emission of the last record (Delay holds every record)
	first    time.Time
	attempts int
	// key is the ordering key ("" = unordered). A keyed message on the ready queue or in
	// flight with attempts == 0 holds its key until the attempt ends.
	key string
}

// destKey identifies a destination: the signing app and the URL.
type destKey struct {
	app string
	url string
}

// dest is one destination's queue and workers (guarded by Dispatcher.mu).
type dest struct {
	key      destKey
	ready    []*message // FIFO; head at ready[0]
	held     int        // messages of this destination waiting in keyQueues
	running  int        // worker goroutines
	inflight int        // attempts in progress
}

// backlog is what counts against Options.Backlog.
func (q *dest) backlog() int { return len(q.ready) + q.held }

type kindCounters struct {
	enqueued, records, messages, attempts, delivered, failed, retries, dropped, abandoned, overflow atomic.Uint64
}

// Dispatcher delivers pushes; it is safe for concurrent use. Create it with New and release it
// with Close.
type Dispatcher struct {
	opts   Options
	clk    *clock.Virtual
	client *http.Client
	sched  []time.Duration

	mu       sync.Mutex
	dests    map[destKey]*dest
	keys     map[string]*keyQueue // ordering keys held by a queued or in-flight first attempt
	queued   int                  // ready messages over all destinations
	held     int                  // messages waiting in keyQueues (part of the queue depth)
	inflight int
	batches  map[batchKey]*batch
	closed   bool
	done     chan struct{} // closed by Close: ends Delay waits
	log      []Undelivered
	logNext  int

	retries  map[*message]*clock.Timer // messages waiting for a re-push
	counters []kindCounters            // one per kind, indexed as Kinds
	wg       sync.WaitGroup
}

// New returns a running dispatcher with its worker goroutines started.
func New(opts Options) *Dispatcher {
	if opts.Clock == nil {
		opts.Clock = clock.NewVirtual(1)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Schedule == nil {
		opts.Schedule = DefaultSchedule()
	}
	if opts.Backlog <= 0 {
		opts.Backlog = DefaultBacklog
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.FeeBatchWindow <= 0 {
		opts.FeeBatchWindow = DefaultFeeBatchWindow
	}
	if opts.FeeBatchMax <= 0 {
		opts.FeeBatchMax = DefaultFeeBatchMax
	}
	if opts.StatusBatchMax <= 0 {
		opts.StatusBatchMax = DefaultStatusBatchMax
	}
	if opts.LogSize <= 0 {
		opts.LogSize = DefaultLogSize
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Wall == nil {
		opts.Wall = time.Now
	}
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{Transport: newTransport(opts.Workers, opts.InsecureTLS)}
	}
	d := &Dispatcher{
		opts:    opts,
		clk:     opts.Clock,
		client:  client,
		sched:   append([]time.Duration(nil), opts.Schedule...),
		dests:   map[destKey]*dest{},
		batches: map[batchKey]*batch{},
		keys:    map[string]*keyQueue{},
		retries: map[*message]*clock.Timer{},
		done:    make(chan struct{}),
		// counters: one per kind of pns.Notifications (Kinds), so a new row is counted
		// without a change here.
		counters: make([]kindCounters, len(Kinds)),
	}
	return d
}

// Enqueue accepts a push for asynchronous delivery; it never waits. It fails with
// ErrBacklogFull (counted as overflow) when the destination's backlog is at Options.Backlog.
// Once Enqueue returns nil the push is delivered or, after its last re-push, recorded as
// undelivered — unless the dispatcher is closed first. ctx is checked once, on entry.
func (d *Dispatcher) Enqueue(ctx context.Context, p Push) error {
	k := kindIndex(p.Kind)
	if k < 0 || pns.Notifications[k].Block {
		return fmt.Errorf("%w %q", ErrUnknownKind, p.Kind)
	}
	if p.URL == "" {
		return ErrNoURL
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	body, err := pushBody(p)
	if err != nil {
		return err
	}
	key := p.OrderKey
	if key == "" && p.Kind == pns.NotifyEvent {
		key = eventSessionID(body)
	}
	emitted := d.opts.Wall()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ErrClosed
	}
	c := &d.counters[k]
	q := d.destLocked(p.App.Key, p.URL)
	if q.backlog() >= d.opts.Backlog {
		c.overflow.Add(1)
		return ErrBacklogFull
	}
	c.enqueued.Add(1)
	if pns.Notifications[k].Batched() {
		c.records.Add(1)
		d.addToBatchLocked(k, p, body, emitted)
	} else {
		var refs []string
		if p.Ref != "" {
			refs = []string{p.Ref}
		}
		d.pushFirstLocked(&message{kind: k, app: p.App, url: p.URL, dest: q, body: body, refs: refs, records: 1, key: key,
			emitted: formatEmitted(emitted), sent: emitted})
	}
	return nil
}

// destLocked returns the destination of an app key and URL, creating it on first use.
// Destinations are kept for the dispatcher's life: there is one per app and notification URL.
func (d *Dispatcher) destLocked(app, url string) *dest {
	k := destKey{app: app, url: url}
	q := d.dests[k]
	if q == nil {
		q = &dest{key: k}
		d.dests[k] = q
	}
	return q
}

// formatEmitted renders instants for EmittedHeader.
func formatEmitted(ts ...time.Time) string {
	var b []byte
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	}
	return string(b)
}

func pushBody(p Push) ([]byte, error) {
	if p.Body != nil {
		return p.Body, nil
	}
	if p.Value == nil {
		return nil, errors.New("callbacks: push has neither Body nor Value")
	}
	b, err := json.Marshal(p.Value)
	if err != nil {
		return nil, fmt.Errorf("callbacks: marshal push value: %w", err)
	}
	return b, nil
}

// Drain flushes open batches and waits until the ready queue is empty and no attempt is in
// flight, or ctx ends. Messages waiting for a re-push on the emulator clock are not waited for:
// advance the clock to release them (see Stats.RetryPending).
func (d *Dispatcher) Drain(ctx context.Context) error {
	d.Flush()
	return d.Idle(ctx)
}

// Idle is Drain without the flush: it waits until the ready queue is empty and no attempt is
// in flight, leaving open batches to their window (tests of the batching window use it).
func (d *Dispatcher) Idle(ctx context.Context) error {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		d.mu.Lock()
		idle := d.queued == 0 && d.held == 0 && d.inflight == 0
		d.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Close stops accepting pushes, sends open batches and the ready queues once (each attempt
// bounded by Timeout; a Delay wait ends at once), waits for the workers and returns. Messages
// still waiting for a re-push are abandoned (counted in KindStats.Abandoned, not in Dropped):
// call Drain and advance the clock first when they matter.
func (d *Dispatcher) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	// Flushing and closing in one critical section: no batch or retry timer can queue work
	// after the workers may have seen closed (their callbacks find nothing left to do).
	for key, b := range d.batches {
		b.timer.Stop()
		d.flushLocked(key, b)
	}
	d.closed = true
	close(d.done)
	for m, t := range d.retries {
		t.Stop()
		d.counters[m.kind].abandoned.Add(1)
		delete(d.retries, m)
	}
	d.mu.Unlock()
	d.wg.Wait()
	return nil
}
