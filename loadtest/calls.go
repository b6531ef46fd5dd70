package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

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
// callback receiver (receiver.Options.OnPush) with Record; Run records the triggers and, with
// SetReceiver, registers each call's expected notifications with the receiver so that it
// reports what is missing. It is safe for concurrent use, and a push that arrives before its
// call's answer is kept until the call is known.
type CallbackTracker struct {
	mu       sync.Mutex
	expect   func(receiver.Expectation)
	triggers map[string]time.Time // sessionId → sent
	parked   map[string][]parkedArrival
	nParked  int
	open     int // triggered sessions without a fee record yet
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
	return &CallbackTracker{triggers: map[string]time.Time{}, parked: map[string][]parkedArrival{}}
}

// SetReceiver makes the tracker register every triggered call with the receiver
// (receiver.Expect, with the event types the emulator says the call produces and its fee
// record), so that the receiver's report counts expected, received and missing per type.
func (t *CallbackTracker) SetReceiver(r *receiver.Receiver) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.expect = r.Expect
}

// Record is the receiver's OnPush hook (receiver.Options.OnPush): it records each push at its
// first delivery, now; re-deliveries and duplicates carry no new latency. The receiver's
// per-record delays are used when it measured them.
func (t *CallbackTracker) Record(a receiver.Arrival) {
	if a.Redelivery || a.Duplicate {
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

// account records one delay (the receiver's when measured, else from the trigger); the fee
// record is a call's last notification, so its session is forgotten then. Called with t.mu
// held.
func (t *CallbackTracker) account(id, event string, at, trig time.Time, d time.Duration, measured bool) {
	switch {
	case !measured:
		t.record(event, at, at.Sub(trig))
	case d != receiver.DelayUnknown:
		t.record(event, at, d)
	}
	if event == "fee" {
		delete(t.triggers, id)
		t.open--
	}
}

// triggered records that the call with this session was sent at sent and produces these
// pushed event types (and a fee record).
func (t *CallbackTracker) triggered(id string, sent time.Time, events []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.expect != nil {
		t.expect(receiver.Expectation{SessionID: id, Triggered: sent, Events: events, NoEvents: len(events) == 0})
	}
	t.triggers[id] = sent
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

func (t *CallbackTracker) openCalls() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.open
}

// Arrivals returns the number of pushes seen so far.
func (t *CallbackTracker) Arrivals() int64 { return t.arrivals.Load() }

// callRequest is the body of POST /emulator/v1/calls (the emulator's calls.CallRequest).
type callRequest struct {
	Caller      string `json:"caller"`
	Called      string `json:"called"`
	Outcome     string `json:"outcome,omitempty"`
	RingSeconds int    `json:"ringSeconds,omitempty"`
	TalkSeconds int    `json:"talkSeconds,omitempty"`
	Extension   string `json:"extension,omitempty"`
}

// callFor returns the call that goes through a binding: AXB A calls X and reaches B; AX and
// AXE: another number (the binding's B number, never bound) calls X (with the extension).
func (r *runner) callFor(b *binding) callRequest {
	c := callRequest{Called: b.info.x, Outcome: "answered", RingSeconds: 1, TalkSeconds: 1}
	switch r.mode {
	case pns.ModeAXB:
		c.Caller = b.info.a
	case pns.ModeAXE:
		c.Caller, c.Extension = b.info.b, b.info.ext
	default:
		c.Caller = b.info.b
	}
	return c
}

// probeCalls checks that the target serves the emulator's calls API.
func (r *runner) probeCalls(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+CallsPath+"?app="+r.app.AppKey, nil)
	if err != nil {
		return err
	}
	resp, err := r.client().HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("calls scenario needs the emulator's %s API: %w", CallsPath, err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
		return fmt.Errorf("calls scenario needs the emulator's %s API (GET answered %d)", CallsPath, resp.StatusCode)
	}
	return nil
}

// runCalls binds a pool of bindings, sends simulated calls through them at the plan's rate,
// waits for their callbacks and unbinds.
func (r *runner) runCalls(ctx context.Context) (*Result, error) {
	tr := r.cfg.Callbacks
	if tr == nil {
		return nil, errors.New("calls scenario needs a callback receiver (Config.Callbacks)")
	}
	if err := r.probeCalls(ctx); err != nil {
		return nil, err
	}
	r.primary = IfaceCalls
	r.agg.primary = r.primary
	if err := r.prepareOut(); err != nil {
		return nil, err
	}
	bound, teardown, firstErr := r.setupBindings(ctx, max(10, min(int(r.plan.MaxRate()), 200)))
	if len(bound) == 0 {
		teardown()
		return nil, fmt.Errorf("calls: setup bound no binding: %w", firstErr)
	}
	for _, b := range bound {
		if b.info.x == "" {
			teardown()
			return nil, errors.New("calls: the platform did not say which X it bound")
		}
	}
	name, cs, hl, err := r.openAttack("calls")
	if err != nil {
		teardown()
		return nil, err
	}
	tr.start(func(event string, at time.Time, d time.Duration) {
		r.callbacks.Add(1)
		r.agg.observeCallback(event, at, d)
		r.ivMu.Lock()
		k := "callback." + event
		if r.iv[k] == nil {
			r.iv[k] = newSecHist()
		}
		record(r.iv[k], d)
		r.ivMu.Unlock()
	}, r.agg.callbackConformance)
	var k atomic.Uint64
	targeter := func(t *vegeta.Target) error {
		i := k.Add(1) - 1
		r.fired.Add(1)
		body, err := json.Marshal(r.callFor(bound[i%uint64(len(bound))]))
		if err != nil {
			return err
		}
		t.Method = http.MethodPost
		t.URL = r.base + CallsPath + fragment('c', i)
		t.Body = body
		t.Header = http.Header{"Content-Type": {"application/json"}}
		return nil
	}
	handle := func(res *vegeta.Result) {
		o := &observation{iface: IfaceCalls, status: int(res.Code), ts: res.Timestamp, service: res.Latency, primary: true}
		var cr struct {
			SessionID string `json:"sessionId"`
			Events    []struct {
				EventType string `json:"eventType"`
				URL       string `json:"url"`
			} `json:"events"`
		}
		switch {
		case res.Code == 0:
			o.code = "transport"
		case res.Code == http.StatusOK && json.Unmarshal(res.Body, &cr) == nil && cr.SessionID != "":
			o.code, o.success = string(pns.CodeSuccess), true
			var pushed []string // events without a URL are not pushed (D77)
			for _, e := range cr.Events {
				if e.URL != "" {
					pushed = append(pushed, e.EventType)
				}
			}
			tr.triggered(cr.SessionID, res.Timestamp, pushed)
		default:
			o.code = "http-" + strconv.Itoa(int(res.Code))
			if res.Code == http.StatusOK {
				o.confErrs = append(o.confErrs, IfaceCalls+": answer without sessionId")
			}
		}
		o.corrected = r.planned(res)
		r.observe(o)
	}
	st := r.attack(ctx, name, cs, hl, targeter, handle, func() { r.waitCallbacks(ctx, tr) })
	if n := tr.openCalls(); n > 0 {
		r.agg.mu.Lock()
		r.agg.warnings = append(r.agg.warnings, fmt.Sprintf("%d calls had no fee record within the callback wait: check the emulator's callStatusUrl/feeUrl point at the receiver", n))
		r.agg.mu.Unlock()
	}
	teardown()
	return r.finish(st)
}

// waitCallbacks waits for the calls' notifications: until every call's fee record (its last
// notification) is in, or nothing arrived for a quiet period, or CallbackWait has passed, or
// ctx is done.
func (r *runner) waitCallbacks(ctx context.Context, tr *CallbackTracker) {
	wait := r.cfg.CallbackWait
	if wait <= 0 {
		wait = DefaultCallbackWait
	}
	deadline := time.Now().Add(wait)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			last := time.Unix(0, tr.last.Load())
			if last.Before(r.start) {
				last = r.start // no arrival yet: the quiet period runs from the start
			}
			quiet := now.Sub(last) >= callbackQuiet
			if now.After(deadline) || tr.openCalls() == 0 || quiet {
				return
			}
		}
	}
}
