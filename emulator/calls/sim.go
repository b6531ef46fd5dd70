package calls

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// Defaults of a simulated call.
const (
	// DefaultRingSeconds is the ringing time when CallRequest.RingSeconds is 0.
	DefaultRingSeconds = 5
	// DefaultTalkSeconds is the conversation time when CallRequest.TalkSeconds is 0.
	DefaultTalkSeconds = 10
	// MaxCallSeconds bounds RingSeconds and TalkSeconds (one day) so that a typo cannot schedule
	// pushes years ahead.
	MaxCallSeconds = 86400
	// LogRetention is how long the call log keeps a call ("business details" of 31 days, §8.1).
	LogRetention = 31 * 24 * time.Hour
	// DefaultMaxLogPerApp bounds the call log of one app (a few KB per call) so that a long
	// run cannot exhaust memory.
	DefaultMaxLogPerApp = 20000
)

// Fixed delays of the simulated timeline: the AXE prompt and digit collection, the time from
// callout to alerting, from callout to a busy answer, and from a failed inbound leg to its
// release.
const (
	collectDelay = 3 * time.Second
	alertDelay   = 1 * time.Second
	busyDelay    = 1 * time.Second
	releaseDelay = 1 * time.Second
)

// ErrInvalid marks a request the control interface must reject with 400.
var ErrInvalid = errors.New("invalid request")

// ErrUnknownNumber marks a number that is no X number of any app.
var ErrUnknownNumber = errors.New("unknown number")

func invalid(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, a...))
}

// Options tune a Simulator. Zero values give the defaults.
type Options struct {
	// HostName is the fee record's hostName and the sessionId's host part.
	HostName string
	// RecordDomain and RecordBucket name the recording storage in fee records (§8.3, §11).
	RecordDomain string
	RecordBucket string
	// Immediate pushes every event and the fee record at once instead of at its emulator-clock
	// instant (timestamps are unchanged). Load tests use it to avoid thousands of timers.
	Immediate bool
	// MaxLogPerApp bounds the call log per app (oldest dropped first); 0 means
	// DefaultMaxLogPerApp.
	MaxLogPerApp int
}

// Simulator runs simulated calls, SMS and X-status changes. It is safe for concurrent use.
type Simulator struct {
	be   Backend
	push Pusher
	clk  Clock
	opt  Options

	seq        atomic.Uint64
	pushErrors atomic.Uint64

	mu          sync.Mutex
	logs        map[string][]*CallRecord
	lastPushErr string

	rec *recordings
	// inj ends a share of the calls with injected hang-up causes (POST /emulator/v1/causes).
	inj injector

	// liveMu guards live: the calls a stop call (§11.2) can still end, by app and sessionId.
	liveMu sync.Mutex
	live   map[liveKey]*liveCall
}

// New returns a Simulator reading state from be, pushing through p, timed by clk.
func New(be Backend, p Pusher, clk Clock, opt Options) *Simulator {
	if opt.HostName == "" {
		opt.HostName = "callenabler.pns-emulator.local"
	}
	if opt.RecordDomain == "" {
		opt.RecordDomain = "ostor.pns-emulator.local"
	}
	if opt.RecordBucket == "" {
		opt.RecordBucket = "sp-emulator"
	}
	if opt.MaxLogPerApp <= 0 {
		opt.MaxLogPerApp = DefaultMaxLogPerApp
	}
	return &Simulator{be: be, push: p, clk: clk, opt: opt, logs: map[string][]*CallRecord{}, rec: newRecordings(),
		live: map[liveKey]*liveCall{}}
}

var reDTMF = regexp.MustCompile(`^[0-9*#]{0,8}$`)

func (r *CallRequest) normalize() error {
	if r.Caller == "" {
		return invalid("caller is required")
	}
	if !pns.IsGlobalNumber(r.Caller) {
		return invalid("caller %q is not a number in global format (+ and digits)", r.Caller)
	}
	if r.Called == "" {
		return invalid("called is required (the X number)")
	}
	if !pns.ValidXNumber(r.Called) {
		return invalid("called %q is not an X number (+86 mobile format)", r.Called)
	}
	if r.Caller == r.Called {
		return invalid("caller and called are the same number")
	}
	switch r.Outcome {
	case "":
		r.Outcome = OutcomeAnswered
	case OutcomeAnswered, OutcomeNoAnswer, OutcomeBusy, OutcomeRejected, OutcomeCallerHangup:
	default:
		return invalid("outcome %q: want answered, no-answer, busy, rejected or caller-hangup", r.Outcome)
	}
	if r.RingSeconds < 0 || r.RingSeconds > MaxCallSeconds {
		return invalid("ringSeconds %d: want 0..%d", r.RingSeconds, MaxCallSeconds)
	}
	if r.TalkSeconds < 0 || r.TalkSeconds > MaxCallSeconds {
		return invalid("talkSeconds %d: want 0..%d", r.TalkSeconds, MaxCallSeconds)
	}
	if r.RingSeconds == 0 {
		r.RingSeconds = DefaultRingSeconds
	}
	if r.TalkSeconds == 0 {
		r.TalkSeconds = DefaultTalkSeconds
	}
	if !reDTMF.MatchString(r.Extension) {
		return invalid("extension %q: want up to 8 keypad digits (0-9 * #)", r.Extension)
	}
	if r.Cause != nil {
		if _, ok := pns.LookupHangupCause(*r.Cause); !ok {
			return invalid("cause %d is not a hang-up cause of reference §7.7 (GET %scauses lists them)", *r.Cause, AdminPrefix)
		}
	}
	return nil
}

// force applies a forced hang-up cause (D91) to a routing decision. A cause of the inbound
// leg releases the call before forwarding, whatever the bindings say; a cause of a later
// stage needs a forwarded call, so on a call the bindings do not forward it is an error
// rather than a sequence the platform could not produce.
func force(d decision, code int) (decision, error) {
	c, _ := pns.LookupHangupCause(code)
	d.forced = &c
	d.reason += fmt.Sprintf("; hang-up cause %d forced", code)
	if c.Stage == pns.StageInbound {
		d.target, d.callbackA, d.cause = "", "", code
		return d, nil
	}
	if d.target == "" {
		return d, invalid("cause %d ends a forwarded call, but this call is not forwarded (%s)", code, d.reason)
	}
	return d, nil
}

// decision is the routing outcome of a call, before timing.
type decision struct {
	binding   *Binding
	direction int
	target    string // forward destination; empty = the call fails with cause
	cause     int
	collect   bool // AXE prompt and digit collection first
	reason    string
	// callbackA is set when the forwarded leg goes to an AXE A: the callback record of A gets
	// the caller at callout.
	callbackA string
	// forced is the hang-up cause forced by CallRequest.Cause (D91), nil when none.
	forced *pns.HangupCause
	// display is the privacy number the forwarded leg shows when it is not the dialled X
	// (AXYB: B reaches A through X and A sees Y, §6.5).
	display string
}

func fail(b *Binding, dir, cause int, reason string) decision {
	return decision{binding: b, direction: dir, cause: cause, reason: reason}
}

// route applies the binding rules of reference §7.4 with the state at the start of the call.
func (s *Simulator) route(xi XInfo, req CallRequest) decision {
	if xi.Status == StatusPaused || xi.Status == StatusUnavailable {
		return fail(nil, 2, CauseServiceError, "X number status "+xi.Status+" (paused or unavailable)")
	}
	if r, ok := modeRoutes[xi.Mode]; ok {
		return r.route(s, req)
	}
	return fail(nil, 2, CauseServiceError, "X number belongs to an app of unsupported mode "+string(xi.Mode))
}

// modeCalls is what the simulator needs of a binding mode: its routing rule and the
// serviceType its fee records carry ("" omits it).
type modeCalls struct {
	route       func(*Simulator, CallRequest) decision
	serviceType string
}

// modeRoutes holds the modeCalls of each binding mode. The first scope's rules live in this
// file; a mode whose rules have a file of their own registers them there (axyb.go), so that a
// new mode's calls are one new file and no case here.
var modeRoutes = map[pns.Mode]modeCalls{
	pns.ModeAXB: {(*Simulator).routeAXB, "004"},
	pns.ModeAX:  {(*Simulator).routeAX, "003"},
	pns.ModeAXE: {(*Simulator).routeAXE, "005"},
}

func (s *Simulator) routeAXB(req CallRequest) decision {
	b, ok := s.be.AXB(req.Called, req.Caller)
	if !ok {
		return fail(nil, 2, CauseNoBinding, "caller has no AXB binding on X")
	}
	if req.Caller == b.A {
		if b.CallDirection == 2 {
			return fail(&b, 1, CauseDirection, "callDirection 2 forbids A calling B")
		}
		return decision{binding: &b, direction: 1, target: b.B, reason: "A calls X: forwarded to B"}
	}
	if b.CallDirection == 1 {
		return fail(&b, 0, CauseDirection, "callDirection 1 forbids B calling A")
	}
	return decision{binding: &b, direction: 0, target: b.A, reason: "B calls X: forwarded to A"}
}

func (s *Simulator) routeAX(req CallRequest) decision {
	b, ok := s.be.AX(req.Called)
	if !ok {
		return fail(nil, 2, CauseNoPermission, "X has no AX binding")
	}
	dir := 0
	if req.Caller == b.A {
		dir = 1
	}
	if b.TurnFlag == "off" {
		return fail(&b, dir, CauseNoPermission, "turnFlag is off")
	}
	if dir == 1 && b.CallDirection == 2 {
		return fail(&b, dir, CauseDirection, "callDirection 2 forbids A calling out")
	}
	if dir == 0 && b.CallDirection == 1 {
		return fail(&b, dir, CauseDirection, "callDirection 1 forbids calls to A")
	}
	if dir == 0 {
		if b.CalleeNumDisplay == "1" {
			return fail(&b, dir, CauseRealCallerShown, "calleeNumDisplay is \"1\"")
		}
		return decision{binding: &b, direction: 0, target: b.A, reason: "another user calls X: forwarded to A"}
	}
	t, ok := s.be.TempCallee(req.Called)
	if !ok {
		return fail(&b, dir, CauseNoTempCallee, "A calls X without a valid temporary callee")
	}
	return decision{binding: &b, direction: 1, target: t, reason: "A calls X: forwarded to the temporary callee"}
}

func (s *Simulator) routeAXE(req CallRequest) decision {
	if b, ok := s.be.AXEByBindNum(req.Called, req.Caller); ok {
		if c, ok := s.be.Callback(req.Called, b.A); ok {
			return decision{binding: &b, direction: 1, target: c, reason: "A calls X: forwarded to the last caller (callback record)"}
		}
		if b.CallbackNum != "" {
			return decision{binding: &b, direction: 1, target: b.CallbackNum, reason: "A calls X without a callback record: forwarded to callbackNum"}
		}
		return fail(&b, 1, CauseNoCallback, "A calls X without a callback record or callbackNum")
	}
	b, ok := s.be.AXEByExtension(req.Called, req.Extension)
	if !ok || req.Extension == "" {
		d := fail(nil, 2, CauseNoExtension, "unknown or expired extension")
		d.collect = true
		return d
	}
	if b.DisplayNumMode == "1" {
		d := fail(&b, 0, CauseRealCallerShown, "displayNumMode is \"1\"")
		d.collect = true
		return d
	}
	return decision{binding: &b, direction: 0, target: b.A, collect: true, callbackA: b.A,
		reason: "caller entered the extension: forwarded to A"}
}

// serviceType is the fee record's serviceType of a mode's calls: "" (omitted) in X mode (D88)
// and for a mode that names none (AXYB, D86).
func serviceType(m pns.Mode) string {
	return modeRoutes[m].serviceType
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Call simulates one call: it routes it with the state at the current emulator time, computes
// its events and fee record, logs it, and schedules the pushes at their emulator-clock instants
// (or pushes them at once with Options.Immediate). It returns ErrInvalid or ErrUnknownNumber
// (wrapped) for requests that cannot be simulated.
func (s *Simulator) Call(ctx context.Context, req CallRequest) (CallResult, error) {
	if err := ctx.Err(); err != nil {
		return CallResult{}, err
	}
	if err := req.normalize(); err != nil {
		return CallResult{}, err
	}
	xi, ok := s.be.XInfo(req.Called)
	if !ok {
		return CallResult{}, fmt.Errorf("%w: %s is not an X number of any app", ErrUnknownNumber, req.Called)
	}
	app, ok := s.be.App(xi.AppKey)
	if !ok {
		return CallResult{}, fmt.Errorf("%w: app of %s is not configured", ErrUnknownNumber, req.Called)
	}
	if xi.Mode == "" {
		xi.Mode = app.Mode
	}
	t0 := s.clk.Now().UTC().Truncate(time.Second)
	var d decision
	var xc *xCallin
	if xi.Mode == pns.ModeX {
		if xi.Status == StatusPaused || xi.Status == StatusUnavailable {
			d = fail(nil, 2, CauseServiceError, "X number status "+xi.Status+" (paused or unavailable)")
		} else {
			d, xc = s.routeX(ctx, app, req, t0)
		}
	} else {
		d = s.route(xi, req)
	}
	if req.Cause != nil {
		var err error
		if d, err = force(d, *req.Cause); err != nil {
			return CallResult{}, err
		}
	} else {
		d = s.injectCause(d)
	}
	if d.forced != nil && xi.Mode == pns.ModeX && d.target == "" {
		d.direction = 2 // not forwarded (D88)
	}
	d = forcedAXYBDirection(xi.Mode, d)
	p := s.build(app, xi, req, d, t0, xc)
	entry := &CallRecord{Request: req, CallResult: p.result}
	s.logCall(app.AppKey, entry)
	s.dispatch(app, p, entry, !s.opt.Immediate || req.Live)
	return p.result, nil
}

// plan is a computed call: its result plus the instants of its side effects.
type plan struct {
	result   CallResult
	times    []time.Time // one per event
	end      time.Time
	calloutT time.Time
	cbA      string
	cbCaller string
	x        string
	// xCallinSent is true when the first event is an X-mode Block callin already sent.
	xCallinSent bool
}

// build computes the call of req, as routed by d, from its start t0: its events with their
// instants, its fee record and its recording. xc is the X-mode Block callin already sent,
// nil when none.
func (s *Simulator) build(app AppConfig, xi XInfo, req CallRequest, d decision, t0 time.Time, xc *xCallin) *plan {
	var n uint64
	var sessionID string
	if xc != nil {
		n, sessionID = xc.n, xc.sessionID
	} else {
		n, sessionID = s.newSession(t0)
	}
	x := req.Called
	b := &callBuilder{s: s, app: app, xi: xi, n: n, t0: t0, sessionID: sessionID, p: &plan{x: x, xCallinSent: xc != nil && xc.sent}}
	if d.binding != nil {
		b.subID = d.binding.SubscriptionID
		b.userData = d.binding.UserData
	}
	b.fee = b.newFee(req, d, x)
	p, fee := b.p, &b.fee
	if xc != nil {
		// The Block callin went out before routing, as it was sent.
		p.result.Events = append(p.result.Events, xc.event)
		p.times = append(p.times, t0)
	} else {
		b.add(t0, pns.EventCallin, req.Caller, x, nil)
	}
	t := t0
	if d.collect {
		t = t0.Add(collectDelay)
		digits := req.Extension
		b.add(t, pns.EventCollectInfo, req.Caller, x, func(si *pns.StatusInfo) { si.DigitInfo = &digits })
	}
	state := d.cause
	var end time.Time
	if d.target == "" {
		end = t.Add(releaseDelay)
		b.add(end, pns.EventDisconnect, req.Caller, x, disconnectState(state))
		fee.FailTime = pns.FormatUTC(end)
		fee.UlFailReason = state
	} else {
		if d.display != "" {
			x = d.display // the forwarded leg shows another privacy number (AXYB)
		}
		end, state = b.forward(req, &d, x, t)
	}
	fee.CallEndTime = pns.FormatUTC(end)
	p.end = end
	p.result.SessionID = sessionID
	p.result.SubscriptionID = b.subID
	p.result.AppKey = app.AppKey
	p.result.StateCode = state
	p.result.StateDesc = StateDesc(state)
	p.result.Fee = b.fee
	p.result.Route = Route{Mode: string(xi.Mode), Direction: d.direction, Target: d.target, Reason: d.reason}
	if d.target != "" {
		p.result.Route.Display = x
	}
	return p
}

// callBuilder holds what build shares while it lays out one call: the plan being filled and
// its fee record.
type callBuilder struct {
	s                          *Simulator
	app                        AppConfig
	xi                         XInfo
	n                          uint64
	t0                         time.Time
	sessionID, subID, userData string
	p                          *plan
	fee                        pns.FeeInfo
}

// add appends an event of type typ at t to the plan, to the app's call status URL (its
// callin URL for a callin when it has one).
func (b *callBuilder) add(t time.Time, typ, caller, called string, mod func(*pns.StatusInfo)) {
	si := pns.StatusInfo{Timestamp: pns.FormatUTC(t), SessionID: b.sessionID, Caller: caller, Called: called,
		SubscriptionID: b.subID, UserData: b.userData}
	if mod != nil {
		mod(&si)
	}
	if b.xi.Mode == pns.ModeX {
		si.NotifyMode = pns.NotifyModeNotify // every X-mode event but the Block callin (§7.3)
	}
	url := b.app.CallStatusURL
	if typ == pns.EventCallin && b.app.CallinURL != "" {
		url = b.app.CallinURL
	}
	b.p.result.Events = append(b.p.result.Events, TimedEvent{Event: pns.Event{EventType: typ, StatusInfo: si}, URL: url})
	b.p.times = append(b.p.times, t)
}

// disconnectState sets a disconnect event's state code and description.
func disconnectState(code int) func(*pns.StatusInfo) {
	return func(si *pns.StatusInfo) {
		c := code
		si.StateCode = &c
		si.StateDesc = StateDesc(code)
	}
}

// newFee is the call's fee record as it starts: who called which X, when, in which mode.
func (b *callBuilder) newFee(req CallRequest, d decision, x string) pns.FeeInfo {
	t0, n := b.t0, b.n
	fee := pns.FeeInfo{
		Direction: d.direction, SpID: b.app.SpID, AppKey: b.app.AppKey,
		Icid:    fmt.Sprintf("%s.%d.%d.%d", randHex(16), t0.Unix(), n, n%10),
		BindNum: x, SessionID: b.sessionID, SubscriptionID: b.subID, MptyID: b.subID,
		CallerNum: req.Caller, CalleeNum: x, CallInTime: pns.FormatUTC(t0),
		ServiceType: serviceType(b.xi.Mode), HostName: b.s.opt.HostName, UserData: b.userData,
	}
	if b.xi.Mode == pns.ModeAXE && d.binding != nil {
		fee.ExtendNum = d.binding.Extension
	}
	if b.xi.Mode == pns.ModeX {
		fee.NotifyMode = pns.NotifyModeBlock // marks an X-mode record (§6.8)
	}
	return fee
}

// forward lays out the forwarded leg from callout at t, showing x, to the outcome req asks
// for (or the cause d forces), and returns when the call ends with its state.
func (b *callBuilder) forward(req CallRequest, d *decision, x string, t time.Time) (end time.Time, state int) {
	fee, p := &b.fee, b.p
	fee.FwdDisplayNum, fee.FwdDstNum = x, d.target
	fee.FwdStartTime = pns.FormatUTC(t)
	p.calloutT = t
	b.add(t, pns.EventCallout, x, d.target, nil)
	alert := t.Add(alertDelay)
	ring := time.Duration(req.RingSeconds) * time.Second
	q850 := q850None
	outcome := req.Outcome
	if d.forced != nil {
		outcome = forcedOutcome(d.forced.Stage)
	}
	switch outcome {
	case OutcomeBusy:
		state, q850 = CauseRejected, q850Busy
		end = t.Add(busyDelay)
	case OutcomeNoAnswer, OutcomeRejected, OutcomeCallerHangup:
		b.add(alert, pns.EventAlerting, x, d.target, nil)
		fee.FwdAlertingTime = pns.FormatUTC(alert)
		end = alert.Add(ring)
		switch outcome {
		case OutcomeNoAnswer:
			state, q850 = CauseNoAnswer, q850NoAnswer
		case OutcomeRejected:
			state, q850 = CauseRejected, q850Rejected
		default:
			state = CauseCallerHangup
		}
	default: // answered
		b.add(alert, pns.EventAlerting, x, d.target, nil)
		fee.FwdAlertingTime = pns.FormatUTC(alert)
		end, state = b.answer(req, d, x, alert.Add(ring))
	}
	if d.forced != nil {
		state, q850 = d.forced.Code, forcedQ850(d.forced.Code)
	}
	b.add(end, pns.EventDisconnect, x, d.target, disconnectState(state))
	fee.FwdUnaswRsn, fee.CallOutUnaswRsn = q850, q850
	fee.UlFailReason = state
	if fee.FwdAnswerTime == "" {
		fee.FailTime = pns.FormatUTC(end)
	}
	if d.callbackA != "" {
		p.cbA, p.cbCaller = d.callbackA, req.Caller
	}
	return end, state
}

// answer lays out an answered call from ans: its talk time (cut at the binding's
// maxDuration) and its recording, and returns when it ends with its state.
func (b *callBuilder) answer(req CallRequest, d *decision, x string, ans time.Time) (end time.Time, state int) {
	fee, s, app := &b.fee, b.s, b.app
	b.add(ans, pns.EventAnswer, x, d.target, nil)
	fee.FwdAnswerTime = pns.FormatUTC(ans)
	talk := time.Duration(req.TalkSeconds) * time.Second
	state = CauseNormal
	if md := d.binding.MaxDuration; md > 0 && b.xi.Mode != pns.ModeAXE && talk > time.Duration(md)*time.Minute {
		talk = time.Duration(md) * time.Minute
		state = CauseMaxDuration
		d.reason += "; maxDuration reached"
	}
	end = ans.Add(talk)
	if d.binding.RecordFlag && app.Recording && talk > 0 && !recordingFailed(*d) {
		name := fmt.Sprintf("%s%011d.wav", ans.Format("060102150405"), b.n)
		secs := min(int(talk/time.Second), 3)
		s.rec.add(&recording{name: name, appKey: app.AppKey, domain: s.opt.RecordDomain,
			ready: end, expires: end.Add(RecordingRetention), seconds: secs}, b.t0)
		fee.RecordFlag = 1
		fee.RecordStartTime = pns.FormatUTC(ans)
		fee.RecordObjectName = name
		fee.RecordBucketName = s.opt.RecordBucket
		fee.RecordDomain = s.opt.RecordDomain
		b.p.result.Recording = name
	}
	return end, state
}

// atClock runs f at the emulator instant t (at once when t has passed).
func (s *Simulator) atClock(t time.Time, f func()) {
	if !t.After(s.clk.Now()) {
		f()
		return
	}
	s.clk.At(t, f)
}

// dispatch schedules the pushes of a computed call. A timed call pushes each event at its
// emulator instant and can be stopped until its end (stop.go); otherwise (Options.Immediate)
// everything is pushed now and the call is over for the stop call, since its disconnect is out.
func (s *Simulator) dispatch(app AppConfig, p *plan, entry *CallRecord, timed bool) {
	lc := &liveCall{app: app, p: p, entry: entry, key: liveKey{app.AppKey, p.result.SessionID}}
	s.addLive(lc)
	at := func(t time.Time, f func()) {
		if timed {
			s.atClock(t, f)
		} else {
			f()
		}
	}
	for i := range p.result.Events {
		// The X-mode callin went out synchronously (§6.7): fire skips it, never re-pushed.
		at(p.times[i], func() { s.fire(lc, i) })
	}
	if p.cbA != "" {
		// The callback record is created when the forwarded leg to A starts (§7.4).
		at(p.calloutT, func() { s.callbackRecord(lc) })
	}
	at(p.end, func() { s.finish(lc) })
}

// send hands one notification to the pusher. Pushes run on clock timers, where nobody could
// act on an error, so a refused push (queue full, dispatcher closed) is counted and remembered
// for Stats instead.
func (s *Simulator) send(kind, appKey, url, ref string, body any) {
	if err := s.push.Push(context.Background(), kind, appKey, url, ref, body); err != nil {
		s.pushErrors.Add(1)
		s.mu.Lock()
		s.lastPushErr = err.Error()
		s.mu.Unlock()
	}
}

// Stats are the simulator's counters.
type Stats struct {
	Calls      uint64 `json:"calls"`
	PushErrors uint64 `json:"pushErrors"`
	// LastPushError is the latest refused push, empty when none.
	LastPushError string `json:"lastPushError,omitempty"`
}

// Stats returns the simulator's counters.
func (s *Simulator) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Calls: s.seq.Load(), PushErrors: s.pushErrors.Load(), LastPushError: s.lastPushErr}
}

func (s *Simulator) logCall(appKey string, r *CallRecord) {
	now := s.clk.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	l := append(s.logs[appKey], r)
	l = pruneLog(l, now, s.opt.MaxLogPerApp)
	s.logs[appKey] = l
}

func pruneLog(l []*CallRecord, now time.Time, maxN int) []*CallRecord {
	cut := 0
	limit := pns.FormatUTC(now.Add(-LogRetention))
	for cut < len(l) && l[cut].Fee.CallInTime < limit {
		cut++
	}
	// Trim by count with some slack, so that a full log is not copied on every call.
	if len(l)-cut > maxN+maxN/8 {
		cut = len(l) - maxN
	}
	if cut == 0 {
		return l
	}
	return append([]*CallRecord(nil), l[cut:]...)
}

// CallLog returns an app's calls of the last 31 days of emulator time, oldest first.
func (s *Simulator) CallLog(appKey string) []CallRecord {
	now := s.clk.Now()
	s.mu.Lock()
	l := pruneLog(s.logs[appKey], now, s.opt.MaxLogPerApp)
	s.logs[appKey] = l
	if len(l) > s.opt.MaxLogPerApp {
		l = l[len(l)-s.opt.MaxLogPerApp:]
	}
	out := make([]CallRecord, len(l))
	for i, r := range l {
		out[i] = *r
	}
	s.mu.Unlock()
	return out
}

// Apps returns the app keys that have a call log, sorted.
func (s *Simulator) Apps() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.logs))
	for k := range s.logs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
