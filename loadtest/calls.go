package loadtest

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
)

// CallsPath is the emulator's control endpoint that simulates a call through an X number.
const CallsPath = "/emulator/v1/calls"

// IfaceCalls is the interface ID under which the calls scenario reports its requests. A call
// counts as a success (code "0") when the emulator answers 200 with a sessionId.
const IfaceCalls = "emulator.calls"

// Defaults of the calls scenario.
const (
	// DefaultCallbackWait bounds the wait for callbacks after the last call.
	DefaultCallbackWait = 30 * time.Second
	// callbackQuiet ends the wait when calls are still missing their fee record but nothing
	// arrived for this long (an app without a fee URL); longer than the emulator's default
	// fee batch window (2 s).
	callbackQuiet = 5 * time.Second
	maxParked     = 100000
)

// CallbackTracker measures the callback delays of the calls scenario, per event type (callin,
// callout, alerting, answer, disconnect, collectInfo; "fee" for each fee record): the
// receiver's delay (arrival − the emulator's stated emission instant, exact) when the push
// carries one, else the time from sending the simulated call to the arrival. Feed it from the
// callback receiver (receiver.Receiver.Subscribe) with Record; Run records the triggers and, with
// SetReceiver, registers each call's expected notifications with the receiver so that it
// reports what is missing. It is safe for concurrent use, and a push that arrives before its
// call's answer is kept until the call is known.
type CallbackTracker struct {
	mu       sync.Mutex
	expect   func(receiver.Expectation)
	triggers map[string]time.Time // sessionId → sent
	parked   map[string][]parkedArrival
	nParked  int
	pending  map[string]int // sessionId → pushes still expected (its event types and its fee record)
	ends     map[string]int // sessionId → endDisconnect|endFee seen, for calls of unknown events
	open     int            // triggered sessions still expecting a push
	record   func(event string, at time.Time, d time.Duration)
	conf     func(at time.Time, msgs []string)
	arrivals atomic.Int64
	last     atomic.Int64 // UnixNano of the last arrival
}

type parkedArrival struct {
	event    string
	at       time.Time
	delay    time.Duration
	measured bool // the receiver measured delay (DelayUnknown: skew, not recorded)
}

// NewCallbackTracker returns an empty tracker.
func NewCallbackTracker() *CallbackTracker {
	return &CallbackTracker{triggers: map[string]time.Time{}, pending: map[string]int{}, ends: map[string]int{},
		parked: map[string][]parkedArrival{}}
}

// SetReceiver makes the tracker register every triggered call with the receiver
// (receiver.Expect, with the event types the emulator says the call produces and its fee
// record), so that the receiver's report counts expected, received and missing per type.
func (t *CallbackTracker) SetReceiver(r *receiver.Receiver) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.expect = r.Expect
}

// Record is the tracker's subscriber to the receiver (receiver.Receiver.Subscribe): it
// records each push at its accepted delivery, now; re-deliveries and duplicates carry no new
// latency. The receiver's per-record delays are used when it measured them.
func (t *CallbackTracker) Record(a receiver.Arrival) {
	// The receiver accounts a body at its accepted delivery (Attempts set), which is a
	// redelivery when an earlier attempt was refused; other redeliveries and duplicates carry
	// nothing new.
	if a.Duplicate || (a.Redelivery && a.Attempts == 0) {
		return
	}
	var delays []time.Duration
	if a.Emitted != nil && len(a.Delays) == len(a.SessionIDs) {
		delays = a.Delays
	}
	t.arrived(a.Kind, a.EventType, a.SessionIDs, delays, time.Now(), a.Violations)
}

// Arrived records one received push: its kind ("event", "fee", ... as the receiver names
// them), its event type, the call sessions it is about, its arrival time and its schema
// violations (counted as conformance errors of the run, in the second it arrived). Pushes of
// other kinds (SMS, X-number status) are counted under their kind when they carry a known
// session.
func (t *CallbackTracker) Arrived(kind, eventType string, sessionIDs []string, at time.Time, violations []string) {
	t.arrived(kind, eventType, sessionIDs, nil, at, violations)
}

// arrived is Arrived with the receiver's delays (nil, or one per session ID; DelayUnknown
// entries are not recorded: the receiver counted them as skew or unmeasurable).
func (t *CallbackTracker) arrived(kind, eventType string, sessionIDs []string, delays []time.Duration, at time.Time, violations []string) {
	event := kind
	if kind == "event" && eventType != "" {
		event = eventType
	}
	t.arrivals.Add(1)
	t.last.Store(at.UnixNano())
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(violations) > 0 && t.conf != nil {
		msgs := make([]string, len(violations))
		for i, v := range violations {
			msgs[i] = "callback." + event + ": schema: " + v
		}
		t.conf(at, msgs)
	}
	for i, id := range sessionIDs {
		d := receiver.DelayUnknown
		if delays != nil {
			d = delays[i]
		}
		trig, ok := t.triggers[id]
		if !ok || t.record == nil {
			if t.nParked < maxParked {
				t.parked[id] = append(t.parked[id], parkedArrival{event, at, d, delays != nil})
				t.nParked++
			}
			continue
		}
		t.account(id, event, at, trig, d, delays != nil)
	}
}

// account records one delay (the receiver's when measured, else from the trigger); the
// session is forgotten once all its expected pushes are in. Called with t.mu
// held.
func (t *CallbackTracker) account(id, event string, at, trig time.Time, d time.Duration, measured bool) {
	switch {
	case t.record == nil: // detached: the run has reported
	case !measured:
		t.record(event, at, at.Sub(trig))
	case d != receiver.DelayUnknown:
		t.record(event, at, d)
	}
	// A call is complete when every push it produces is in, not at its fee record: fee records
	// are batched apart from the call's events, so on a busy machine the disconnect may come
	// after the fee.
	// A call whose answer listed no events (a platform that does not say) ends at its fee.
	n, known := t.pending[id]
	ends, open := t.ends[id]
	switch {
	case known:
		if n--; n > 0 {
			t.pending[id] = n
			return
		}
		delete(t.pending, id)
	case open:
		// A call whose events were not known in advance (op_stop.go) is complete at its
		// disconnect and its fee record, in either order.
		switch event {
		case pns.EventDisconnect:
			ends |= endDisconnect
		case "fee":
			ends |= endFee
		}
		if ends != endOpen|endDisconnect|endFee {
			t.ends[id] = ends
			return
		}
		delete(t.ends, id)
	case event != "fee":
		return
	}
	delete(t.triggers, id)
	t.open--
}

// triggered records that the call with this session was sent at sent and produces these
// pushed event types (and a fee record); trigger is the request that made it, for the
// reproduction of a call judged wrong (nil: none).
func (t *CallbackTracker) triggered(id string, sent time.Time, events []string, trigger *receiver.CallTrigger) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.expectLocked(receiver.Expectation{SessionID: id, Triggered: sent, Events: events, NoEvents: len(events) == 0, Trigger: trigger}, sent)
}

// expectLocked registers a call with the receiver and starts waiting for its pushes: as many
// as its listed events and a fee record, or (none listed) until its fee record. Called with
// t.mu held.
func (t *CallbackTracker) expectLocked(e receiver.Expectation, sent time.Time) {
	id := e.SessionID
	if t.expect != nil {
		t.expect(e)
	}
	t.triggers[id] = sent
	if len(e.Events) > 0 {
		t.pending[id] = len(e.Events) + 1
	}
	t.open++
	for _, p := range t.parked[id] {
		t.nParked--
		t.account(id, p.event, p.at, sent, p.delay, p.measured)
	}
	delete(t.parked, id)
}

// start attaches the tracker to a run's recorders.
func (t *CallbackTracker) start(record func(event string, at time.Time, d time.Duration), conf func(at time.Time, msgs []string)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.record, t.conf = record, conf
}

// detach stops feeding the run's recorders: a push that arrives after the callback wait (a
// late one, or any once an interrupted run stopped waiting) is kept aside like an early one,
// so that the run's aggregates are final while it reports them.
func (t *CallbackTracker) detach() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.record, t.conf = nil, nil
}

func (t *CallbackTracker) openCalls() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.open
}

// Arrivals returns the number of pushes seen so far.
func (t *CallbackTracker) Arrivals() int64 { return t.arrivals.Load() }
