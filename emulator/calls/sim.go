package calls

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
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
	if f := modeRoutes[xi.Mode].forced; f != nil {
		d = f(d)
	}
	p := s.build(app, xi, req, d, t0, xc)
	entry := &CallRecord{Request: req, CallResult: p.result}
	s.logCall(app.AppKey, entry)
	s.dispatch(app, p, entry, !s.opt.Immediate || req.Live)
	return p.result, nil
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
