// Package receiver is the harness's callback receiver: an HTTP endpoint that plays the
// customer's side of the PNS notifications (reference §7-§10) for the load tester, the
// conformance suite and `harness receive`, and accounts for what arrives.
//
// For every push it verifies the X-AKSK / X-WSSE signature with the app's secret, detects the
// kind from the body shape, validates the body against its JSON Schema, records the arrival
// time, correlates call events and fee records by sessionId (and expectations by
// subscriptionId), and records latencies into mergeable HdrHistograms.
//
// Answers. A push is answered 200 (empty body; a Block request, SMS or X-mode callin, gets the
// instruction Options.Rules choose, see Rules) unless
//   - its signature does not verify: 401, so that a platform with a wrong key sees its error
//     in its own logs. The platform will then re-push the same body, which the receiver counts
//     as a redelivery; such bodies are not accounted (see Options.AcceptBadSignature);
//   - it is selected for failure injection (Options.FailFirst): Options.FailStatus.
//
// Content defects (schema violations, unknown shapes, malformed JSON) are counted but answered
// 200: a re-push of the same body could not fix them.
//
// Identity and duplicates. A message is identified by a 128-bit content hash of its body,
// because the platform re-pushes the identical body (D67) with fresh headers. Deliveries of a
// body after the receiver answered it non-200 are Redeliveries (expected: the platform is doing
// its job); deliveries after a 200 are Duplicates (a true duplicate, or a 200 the platform did
// not see in time). A body is accounted (events, fee records, sessions) once, at its first
// delivery answered 200. Latency is taken at its first delivery, whatever the answer.
//
// Time. Arrivals are measured with the monotonic clock from the receiver's start (time.Now
// carries the monotonic reading) and exposed as durations since start. A push's delay is its
// arrival minus the instant the platform says the notification was emitted:
//   - against the emulator, the instants of EmittedHeader (one per record; an emulator-only
//     header, absent from the real platform), exact to the microsecond: reference
//     RefEmulator. The body's timestamps then follow the emulator's virtual clock, which may
//     be scaled or advanced (D76), and are not used;
//   - otherwise the body's timestamps (statusInfo.timestamp, callEndTime, smsEvent.timeStamp;
//     reference RefPlatform). They have a resolution of one second and are truncated, so
//     delays against them read 0-1 s high, and "late" (Options.LateAfter) can fire up to 1 s
//     early: choose LateAfter ≥ 2 s. Report.PlatformClock shows their spread, from which the
//     offset between the platform's clock and the receiver's can be estimated.
//
// A negative delay is impossible: it is counted as ClockSkew and never recorded, so that it
// cannot pass for a fast delivery.
//
// Memory. Without Options.Forget the receiver remembers every body, icid and session for the
// whole run. With it, a multi-hour soak stays bounded: what was last seen more than Forget
// ago is judged (sessions, due expectations) into the counts and forgotten. A delivery of a
// forgotten body then counts as a new body, not as a redelivery or duplicate, so choose a
// window longer than the platform's re-push schedule (5 h, §7.6) to keep detecting them.
package receiver

import (
	"context"
	"errors"
	"hash/maphash"
	"math"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// KindUnknown is the Arrival.Kind of a body that is not JSON or matches none of the shapes;
// the others are the kinds of pns.Notifications (pns.NotifyEvent …), whose rows say each
// one's schema, batching and report rows.
const KindUnknown = "unknown"

// eventRank orders event types as in §7.4; arrival against this order detects out-of-order
// delivery. A session keeps the types seen as bits of a uint8 (session.mask), which holds
// the 6 of pns.CallEventTypes (TestCallEventTypesFitTheMask).
var eventRank = pns.CallEventRanks()

// Defaults of Options.
const (
	DefaultFailStatus     = http.StatusServiceUnavailable
	DefaultExpectDeadline = time.Minute
	DefaultMaxBody        = 1 << 20
	DefaultMaxDetails     = 1000
	// DefaultMaxRefused bounds the refused (badly signed) bodies remembered to recognise
	// their re-push; beyond it they are still counted, not remembered.
	DefaultMaxRefused = 4096
	// DefaultSkew is the accepted |wall clock − Created| window, the emulator's
	// authSkewSeconds (reference §2.6).
	DefaultSkew = 5 * time.Minute
	// DefaultLocalOffset is the offset of clients that stamp China local time with a Z: a
	// Created that far ahead, within the skew window, is accepted (§2.6, D2).
	DefaultLocalOffset = 8 * time.Hour
	// DefaultReadTimeout bounds the time a client may take to send a whole request, so that
	// a slow body cannot hold a connection.
	DefaultReadTimeout = 30 * time.Second
	// DefaultBlockAnswer drops an SMS no rule routes (§10.3): forwarding needs a receiver
	// (message.called) that only the customer knows, and vNumberRoute without one is an
	// invalid reply the platform drops anyway (D89).
	DefaultBlockAnswer = `{"actions":[{"operation":"DiscardMessage"}]}`
)

// EmittedHeader is the emulator-only request header with each record's emission instant
// (comma-separated RFC 3339 with nanoseconds, one per record in body order). It equals the
// emulator dispatcher's callbacks.EmittedHeader; the real platform does not send it.
const EmittedHeader = "X-Emulator-Emitted-At"

// DelayUnknown marks an Arrival.Delays entry that was not measured (no timestamp, a bad
// emission header, or a negative delay counted as clock skew).
const DelayUnknown = time.Duration(math.MinInt64)

// Histogram geometry: microseconds from 1 µs to 1 h, 3 significant digits.
const (
	histMin     = 1
	histMax     = int64(time.Hour / time.Microsecond)
	histSigFigs = 3
)

// Options configure a Receiver.
type Options struct {
	// Apps maps APP_Key to APP_Secret for signature verification. When nil, signatures are
	// parsed but not verified (counted as Unverified). Secrets never appear in reports. The
	// map must not be modified after New.
	Apps map[string]string
	// Skew is the accepted |wall clock − Created| window of a push's signature (§2.6;
	// DefaultSkew when zero; negative checks only the digest). A Created DefaultLocalOffset
	// ahead, within the window, is accepted as the contract's local time sent as UTC. Within
	// the window a nonce already accepted for the same app is refused as a replay (the
	// platform signs each attempt, re-pushes included, with a fresh nonce). The window is
	// measured on the wall clock, never on Now.
	Skew time.Duration
	// AcceptBadSignature answers 200 to badly signed pushes and accounts their content (the
	// BadSignature counter still counts them). Off by default: they get 401.
	AcceptBadSignature bool
	// Validate checks a body against the schema of its kind and returns human-readable
	// violations (none = valid). Nil skips validation. (*schemas.Validator).ValidateCallback has this signature.
	Validate func(kind string, body []byte) []string
	// Schemas, when Validate is nil, checks every push against the contract's schema of its
	// kind as (*schemas.Validator).ValidateCallback does (same verdicts, same rendered
	// violations), on the document the receiver decodes for its own accounting: one decode
	// per push instead of two (issue 25). Nil skips it.
	Schemas *schemas.Validator
	// FailFirst is the fraction (0..1) of messages whose FIRST delivery is answered
	// FailStatus, to exercise the platform's re-push. The choice is a deterministic function
	// of Seed and the body's content hash, so a re-push of the same body is recognised and
	// answered 200. SMS Block requests are never failed (they are not retried, D74).
	FailFirst float64
	// FailStatus is the status of injected failures (DefaultFailStatus).
	FailStatus int
	// Seed makes the FailFirst selection reproducible across runs.
	Seed uint64
	// LateAfter, when positive, counts a message as late when its arrival minus its platform
	// timestamp exceeds it (see the package doc about 1 s resolution).
	LateAfter time.Duration
	// ExpectDeadline is the default deadline of an Expectation (DefaultExpectDeadline).
	ExpectDeadline time.Duration
	// BlockAnswer is the body answered to SMS Block requests no rule of Rules matches
	// (DefaultBlockAnswer).
	BlockAnswer []byte
	// Rules choose the replies to Block requests: the X-mode callin (DefaultCallinAnswer
	// when no rule matches) and the SMS (BlockAnswer when no rule matches). Block requests
	// are never failed by FailFirst: the platform does not re-send them (§6.7, D89).
	Rules *Rules
	// BlockReply, when set, is asked first for the reply to a Block request (Arrival.Kind
	// pns.NotifySMSBlock, or pns.NotifyEvent for an X-mode callin); ok false falls back to
	// Rules. It runs on the handler goroutine and must be quick. Test runners use it to give
	// each scenario its own reply.
	BlockReply func(a Arrival) (reply []byte, ok bool)
	// MaxBody limits the request body read (DefaultMaxBody); larger bodies are answered 413.
	MaxBody int64
	// MaxRefused bounds the refused bodies remembered (DefaultMaxRefused); see
	// Counters.RefusedNotRecorded.
	MaxRefused int
	// Settle, when positive, judges every call (sessionId) from its own pushes once nothing
	// arrived about it for this long: each notification §7.4 requires of the sequence seen
	// that did not arrive counts missing, a fee record of a call without any event is an
	// orphan, an event stamped after the disconnect is counted. Calls registered with Expect
	// are judged by their expectation instead. Zero judges only expectations.
	Settle time.Duration
	// NoEvents and NoFee say that the platform's apps have no call-status or no fee URL
	// (nothing is pushed then, D77), so Settle requires neither.
	NoEvents, NoFee bool
	// ReadTimeout bounds the reading of a whole request by the server of Start
	// (DefaultReadTimeout).
	ReadTimeout time.Duration
	// MaxDetails caps the per-session failure details and sample violations kept for the
	// report (DefaultMaxDetails); counters keep counting past it.
	MaxDetails int
	// Forget, when positive, is the forgetting window for long soaks (see the package doc):
	// bodies, fee icids, SMS identifiers and sessions not seen for this long are forgotten
	// after being counted. Zero remembers everything.
	Forget time.Duration
	// Now is the clock (time.Now when nil). It must carry a monotonic reading; tests replace
	// it to control lateness and deadlines.
	Now func() time.Time
}

// Arrival describes one received push, as passed to the receiver's subscribers (Subscribe).
type Arrival struct {
	Kind string
	// EventType is the body's eventType (call event type, "fee", "numStatus") or, for SMS,
	// the notification mode.
	EventType string
	AppKey    string
	Scheme    pns.Scheme
	// SignatureOK is true when the signature verified (or verification is disabled).
	SignatureOK bool
	Violations  []string
	// Arrived is the arrival time since the receiver started (monotonic).
	Arrived time.Duration
	// Emitted holds the emission instants of EmittedHeader (one per record), nil when the
	// push has none (a real platform).
	Emitted []time.Time
	// Status is the HTTP status answered.
	Status int
	// Redelivery and Duplicate classify a body seen before (see the package doc).
	Redelivery, Duplicate bool
	SessionIDs            []string
	// Delays holds the measured delay of each record of SessionIDs (same order), or
	// DelayUnknown; set for call events and fee records at their accounted delivery.
	Delays         []time.Duration
	SubscriptionID string
	Body           []byte
	// Attempts is the number of deliveries the body took, set at its accepted delivery.
	Attempts int
	// refusal says why a signature was refused.
	refusal string
	// block is true for a Block request (SMS, X-mode callin), answered with an instruction.
	block bool
	// req is the request, kept to capture a Replay of a push judged wrong (nil in tests
	// that account arrivals directly).
	req *http.Request
}

// Receiver accounts for callback pushes. It is safe for concurrent use.
type Receiver struct {
	opts  Options
	now   func() time.Time
	start time.Time

	mu         sync.Mutex
	st         state
	srv        *http.Server
	ln         net.Listener
	serveDone  chan struct{}
	blockReply []byte
	subs       subscribers // the consumers of the pushes taken (Subscribe)
	// nonceSeeds key the hashes of nonceKey.
	nonceSeeds [2]maphash.Seed
	// wallNow: Options.Now is the wall clock, so a push's arrival is also its signature's
	// check time (one clock reading per push instead of two: a system call on some VMs).
	wallNow bool
}

// New returns a receiver; its clock starts now.
func New(opts Options) *Receiver {
	if opts.FailStatus == 0 {
		opts.FailStatus = DefaultFailStatus
	}
	if opts.ExpectDeadline <= 0 {
		opts.ExpectDeadline = DefaultExpectDeadline
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.MaxDetails <= 0 {
		opts.MaxDetails = DefaultMaxDetails
	}
	if opts.MaxRefused <= 0 {
		opts.MaxRefused = DefaultMaxRefused
	}
	if opts.Skew == 0 {
		opts.Skew = DefaultSkew
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = DefaultReadTimeout
	}
	wallNow := opts.Now == nil
	if wallNow {
		opts.Now = time.Now
	}
	r := &Receiver{opts: opts, now: opts.Now, wallNow: wallNow,
		nonceSeeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
	r.blockReply = opts.BlockAnswer
	if r.blockReply == nil {
		r.blockReply = []byte(DefaultBlockAnswer)
	}
	r.start = r.now()
	r.st.init()
	return r
}

// Handler returns the HTTP handler; it accepts POST on any path (platforms push each kind to
// its own URL, but the kind is taken from the body).
func (r *Receiver) Handler() http.Handler { return http.HandlerFunc(r.serveHTTP) }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background. It returns the
// base URL ("http://host:port") to configure as the app's notification URLs.
func (r *Receiver) Start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	return r.StartOn(ln)
}

// StartOn serves on a listener the caller opened, in the background, and closes it on Close.
// It lets a caller learn the address (port 0 picks a free one) before the receiver starts,
// e.g. to tell a platform where to push, without closing and reopening the port, which
// another process could take in between.
func (r *Receiver) StartOn(ln net.Listener) (string, error) {
	srv := r.Server()
	done := make(chan struct{})
	r.mu.Lock()
	if r.srv != nil {
		r.mu.Unlock()
		_ = ln.Close()
		return "", errors.New("receiver: already started")
	}
	r.srv, r.ln, r.serveDone = srv, ln, done
	r.mu.Unlock()
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	return "http://" + ln.Addr().String(), nil
}

// Server returns an http.Server for the push handler with the receiver's read limits: a
// header and a whole request must arrive within bounded times, so that a slow client cannot
// hold a connection (the body size is limited by Options.MaxBody in the handler).
func (r *Receiver) Server() *http.Server {
	return &http.Server{Handler: r.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: r.opts.ReadTimeout, IdleTimeout: 2 * time.Minute}
}

// Close stops the server started by Start (a no-op otherwise). The accounting stays readable.
func (r *Receiver) Close() error {
	r.mu.Lock()
	srv, done := r.srv, r.serveDone
	r.mu.Unlock()
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(ctx)
	<-done
	return err
}

// Since converts a time into the receiver's arrival scale (duration since start).
func (r *Receiver) Since(t time.Time) time.Duration { return t.Sub(r.start) }

// Started returns the receiver's start time.
func (r *Receiver) Started() time.Time { return r.start }

// newHist returns an empty latency histogram (microseconds).
func newHist() *hdrhistogram.Histogram { return hdrhistogram.New(histMin, histMax, histSigFigs) }
