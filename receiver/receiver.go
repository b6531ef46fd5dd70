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
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/maphash"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// Kinds detected from the body shape: the kinds of pns.Notifications, whose rows say each
// one's schema, batching and report rows.
const (
	KindEvent     = pns.NotifyEvent
	KindFee       = pns.NotifyFee
	KindNumStatus = pns.NotifyNumStatus
	KindSMSNotify = pns.NotifySMSNotify
	KindSMSBlock  = pns.NotifySMSBlock
	// KindUnknown is a body that is not JSON or matches none of the shapes.
	KindUnknown = "unknown"
)

// Call event types (§7.2) in the order of §7.4 (pns.CallEventTypes).
const (
	EventCallin      = pns.EventCallin
	EventCollectInfo = pns.EventCollectInfo
	EventCallout     = pns.EventCallout
	EventAlerting    = pns.EventAlerting
	EventAnswer      = pns.EventAnswer
	EventDisconnect  = pns.EventDisconnect
)

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
	// KindSMSBlock, or KindEvent for an X-mode callin); ok false falls back to Rules. It runs
	// on the handler goroutine and must be quick. Test runners use it to give each scenario
	// its own reply.
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

// Expectation registers a call the harness triggered, so that the receiver can report it
// missing and measure trigger latencies.
type Expectation struct {
	// SessionID identifies the call when the harness knows it (emulator control interface).
	SessionID string
	// SubscriptionID identifies it otherwise: the first session carrying this subscriptionId
	// that is not yet claimed by another expectation matches, in registration order.
	SubscriptionID string
	// Triggered is the harness-side reference time for latency flavour (b); zero means now.
	Triggered time.Time
	// Deadline is how long after Triggered the disconnect event and the fee record must have
	// arrived (Options.ExpectDeadline when zero).
	Deadline time.Duration
	// NoEvents and NoFee say that the app has no call-status or no fee URL (D77), so those
	// are not required.
	NoEvents, NoFee bool
	// Events lists the call event types the call must produce (e.g. from the emulator's
	// simulated-call answer); empty requires only the disconnect.
	Events []string
	// Trigger is the request that made the call (the emulator's calls API), kept so that a
	// failed call's detail says how to make it again; nil when the call is not the harness's.
	Trigger *CallTrigger
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

// envelope holds the fields of every notification shape that the accounting needs; other
// fields are skipped by the decoder (decodeEnvelope).
type envelope struct {
	EventType  string            `json:"eventType"`
	StatusInfo *statusInfo       `json:"statusInfo"`
	FeeLst     []feeItem         `json:"feeLst"`
	NumInfo    []json.RawMessage `json:"numInfo"`
	AppKey     string            `json:"appKey"`
	SMS        *smsEvent         `json:"smsEvent"`
}

// statusInfo is the part of a call event's statusInfo the accounting reads.
type statusInfo struct {
	Timestamp      string `json:"timestamp"`
	SessionID      string `json:"sessionId"`
	SubscriptionID string `json:"subscriptionId"`
	// StateCode stays raw: a stateCode of the wrong type is a schema violation, and must
	// not make the whole body unreadable.
	StateCode json.RawMessage `json:"stateCode"`
	// Caller, Called and NotifyMode select the reply to an X-mode Block callin.
	Caller     string `json:"caller"`
	Called     string `json:"called"`
	NotifyMode string `json:"notifyMode"`
}

// feeItem is the part of a fee record the accounting reads.
type feeItem struct {
	Icid           string `json:"icid"`
	SessionID      string `json:"sessionId"`
	SubscriptionID string `json:"subscriptionId"`
	CallEndTime    string `json:"callEndTime"`
	FwdAnswerTime  string `json:"fwdAnswerTime"`
}

// smsEvent is the part of an SMS notification's smsEvent the accounting reads.
type smsEvent struct {
	SMSIdentifier    string `json:"smsIdentifier"`
	NotificationMode string `json:"notificationMode"`
	Calling          string `json:"calling"`
	VirtualNumber    string `json:"virtualNumber"`
	TimeStamp        string `json:"timeStamp"`
	SubscriptionID   string `json:"subscriptionId"`
}

// blockCallin reports whether the body is an X-mode callin in Block mode, whose reply steers
// the call (§6.7).
func (e *envelope) blockCallin() bool {
	return e.EventType == "callin" && e.StatusInfo != nil && e.StatusInfo.NotifyMode == pns.NotifyModeBlock
}

// blockAnswer is the reply body to a Block request: the rules' choice, else the defaults.
func (r *Receiver) blockAnswer(env *envelope) []byte {
	if env.SMS != nil {
		if b, ok := r.opts.Rules.SMSAnswer(env.SMS.Calling, env.SMS.VirtualNumber); ok {
			return b
		}
		return r.blockReply
	}
	return r.opts.Rules.CallinAnswer(env.StatusInfo.Caller, env.StatusInfo.Called)
}

// replyKey is the Report.BlockReplies key of a reply: "callin " or "sms " and the reply's
// operation, or "invalid" for a reply the contract does not allow (a rule's raw reply).
func replyKey(env *envelope, reply []byte) string {
	if env.SMS != nil {
		a, err := pns.ParseSMSBlockReply(reply, env.SMS.Calling)
		if err != nil {
			return "sms invalid"
		}
		return "sms " + a.Operation
	}
	c, err := pns.ParseCallinReply(reply)
	if err != nil {
		return "callin invalid"
	}
	return "callin " + c.Operation
}

// records is the number of records of a body of kind n: the length of a batched kind's list,
// else 1.
func (e *envelope) records(n pns.Notification) int {
	switch n.List {
	case "":
		return 1
	case "feeLst":
		return len(e.FeeLst)
	case "numInfo":
		return len(e.NumInfo)
	}
	return 0
}

// kind detects the notification kind from the body shape.
func (e *envelope) kind() string {
	switch {
	case e.EventType == pns.EventTypeFee || e.FeeLst != nil:
		return KindFee
	case e.EventType == pns.EventTypeNumStatus || e.NumInfo != nil:
		return KindNumStatus
	case e.SMS != nil:
		if e.SMS.NotificationMode == pns.NotifyModeBlock {
			return KindSMSBlock
		}
		return KindSMSNotify
	case e.StatusInfo != nil:
		return KindEvent
	}
	if _, ok := eventRank[e.EventType]; ok {
		return KindEvent
	}
	return KindUnknown
}

type bodyHash [16]byte

func hashBody(b []byte) bodyHash {
	s := sha256.Sum256(b)
	var h bodyHash
	copy(h[:], s[:16])
	return h
}

// failSelected is the deterministic FailFirst choice: a splitmix64 mix of the seed and the
// body hash mapped to [0,1).
func (r *Receiver) failSelected(h bodyHash) bool {
	if r.opts.FailFirst <= 0 {
		return false
	}
	x := binary.LittleEndian.Uint64(h[:8]) ^ (r.opts.Seed * 0x9E3779B97F4A7C15)
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return float64(x>>11)/(1<<53) < r.opts.FailFirst
}

func (r *Receiver) serveHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	body, err := readBody(req, r.opts.MaxBody)
	now := r.now()
	wall := now
	if !r.wallNow {
		wall = time.Now()
	}
	arrived := now.Sub(r.start)
	if err != nil {
		status := http.StatusBadRequest
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			status = http.StatusRequestEntityTooLarge
		}
		r.mu.Lock()
		r.st.c.Requests++
		r.st.c.ReadErrors++
		r.mu.Unlock()
		w.WriteHeader(status)
		return
	}

	a := Arrival{Arrived: arrived, Body: body, req: req}
	a.Emitted = parseEmitted(req.Header.Get(EmittedHeader))
	a.SignatureOK, a.AppKey, a.Scheme, a.refusal = r.verify(req.Header, wall)
	h := hashBody(body)

	var env envelope
	doc, parsed := decodeEnvelope(body, &env, r.opts.Validate == nil && r.opts.Schemas != nil)
	a.Kind = KindUnknown
	if parsed {
		a.Kind = env.kind()
		a.EventType = env.EventType
		if env.SMS != nil {
			a.EventType = env.SMS.NotificationMode
		}
		a.block = a.Kind == KindSMSBlock || env.blockCallin()
	}
	if a.Kind != KindUnknown && (a.SignatureOK || r.opts.AcceptBadSignature) {
		switch {
		case r.opts.Validate != nil:
			a.Violations = r.opts.Validate(a.Kind, body)
		case r.opts.Schemas != nil:
			a.Violations = r.opts.Schemas.ValidateCallbackDecoded(a.Kind, body, doc)
		}
	}

	r.mu.Lock()
	a.Status = r.st.account(r, &a, h, &env, parsed, now)
	r.mu.Unlock()

	r.subs.publish(a)
	if a.Status == http.StatusOK && a.block {
		w.Header().Set("Content-Type", pns.ContentTypeJSON)
		w.WriteHeader(http.StatusOK)
		reply, ok := []byte(nil), false
		if r.opts.BlockReply != nil {
			reply, ok = r.opts.BlockReply(a)
		}
		if !ok {
			reply = r.blockAnswer(&env)
		}
		key := replyKey(&env, reply)
		r.mu.Lock()
		r.st.replies[key]++
		r.mu.Unlock()
		_, _ = w.Write(reply)
		return
	}
	w.WriteHeader(a.Status)
}

// parseEmitted reads EmittedHeader: nil without the header. A header with an instant that
// does not parse gives an empty, non-nil slice: the push came from the emulator, so its
// virtual timestamps must not be used, and each of its records counts as BadEmitted.
func parseEmitted(v string) []time.Time {
	if v == "" {
		return nil
	}
	ts := make([]time.Time, 0, strings.Count(v, ",")+1)
	for _, f := range strings.Split(v, ",") {
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(f))
		if err != nil {
			return ts[:0]
		}
		ts = append(ts, t)
	}
	return ts
}

// readBody reads the body, at most max bytes. A body with a Content-Length within max is read
// straight into a buffer of that size: the server's body reader stops at the Content-Length,
// so the MaxBytesReader (an allocation per push) is needed only for the others.
func readBody(req *http.Request, max int64) ([]byte, error) {
	if req.ContentLength > 0 && req.ContentLength <= max {
		b := make([]byte, req.ContentLength)
		if _, err := io.ReadFull(req.Body, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	return io.ReadAll(http.MaxBytesReader(nil, req.Body, max))
}

// verify checks the authentication headers; it returns ok, the app key, the scheme and, when
// refused, why. The skew window and nonce replay use wall, the wall clock's reading at the
// push's arrival (as the platform's own authentication does, D76), not Options.Now.
func (r *Receiver) verify(h http.Header, wall time.Time) (bool, string, pns.Scheme, string) {
	tok, perr := pns.ParseRequestAuth(h)
	if perr != nil {
		return false, "", "", "authentication headers missing or malformed"
	}
	if r.opts.Apps == nil {
		return true, tok.Username, tok.Scheme, ""
	}
	secret, ok := r.opts.Apps[tok.Username]
	if !ok {
		return false, tok.Username, tok.Scheme, "unknown app key"
	}
	if r.opts.Skew < 0 {
		if !tok.DigestMatches(secret) {
			return false, tok.Username, tok.Scheme, "wrong digest"
		}
		return true, tok.Username, tok.Scheme, ""
	}
	if _, verr := tok.Verify(secret, pns.VerifyOptions{Now: wall, Skew: r.opts.Skew, LocalOffset: DefaultLocalOffset}); verr != nil {
		reason := "wrong digest"
		if verr.Code == pns.CodeTimeOutLimit || verr.Code == pns.CodeWSSECreatedInvalid {
			reason = "Created outside the skew window"
		}
		return false, tok.Username, tok.Scheme, reason
	}
	// The latest instant at which this Created still passes the window: a replay of the
	// nonce before it is refused; after it, the skew check refuses it anyway.
	created, _ := pns.ParseCreated(tok.Created)
	until := created.Add(r.opts.Skew).UnixNano()
	key := r.nonceKey(tok.Username, tok.Nonce)
	now := wall.UnixNano()
	r.mu.Lock()
	defer r.mu.Unlock()
	if exp, seen := r.st.nonces[key]; seen && now < exp {
		r.st.c.NonceReplays++
		return false, tok.Username, tok.Scheme, "nonce replayed"
	}
	r.st.nonces[key] = until
	if wall.Sub(r.st.nonceSwept) > r.opts.Skew/4 {
		r.st.nonceSwept = wall
		for k, exp := range r.st.nonces {
			if now > exp {
				delete(r.st.nonces, k)
			}
		}
	}
	return true, tok.Username, tok.Scheme, ""
}

// nonceKey identifies an app key and nonce pair in the table of nonces seen by a 128-bit
// keyed hash of the pair (the app key's length first, so that no two pairs hash the same
// text). A fixed-size key without pointers, instead of the concatenated string, spares an
// allocation per push and the collector's scan of every nonce remembered (issue 25); two
// different pairs share a key with probability about 2^-128, a push then refused as a
// replay.
func (r *Receiver) nonceKey(app, nonce string) nonceKey {
	var k nonceKey
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(app)))
	for i := range k {
		var h maphash.Hash
		h.SetSeed(r.nonceSeeds[i])
		_, _ = h.Write(n[:])
		_, _ = h.WriteString(app)
		_, _ = h.WriteString(nonce)
		k[i] = h.Sum64()
	}
	return k
}

// nonceKey is the key of the table of nonces seen (Receiver.nonceKey).
type nonceKey [2]uint64

// Expect registers an expected call (see Expectation).
func (r *Receiver) Expect(e Expectation) {
	if e.Triggered.IsZero() {
		e.Triggered = r.now()
	}
	if e.Deadline <= 0 {
		e.Deadline = r.opts.ExpectDeadline
	}
	r.mu.Lock()
	r.st.expect(r, e)
	r.mu.Unlock()
}

// MarkTriggered sets the harness-side trigger time of a session (by sessionId) for latency
// flavour (b) without expecting anything of it. Events already received are measured at once.
func (r *Receiver) MarkTriggered(sessionID string, t time.Time) {
	r.mu.Lock()
	r.st.markTriggered(r, sessionID, t)
	r.mu.Unlock()
}

// WaitExpected waits until every expectation is satisfied (its disconnect and fee arrived) or
// past its deadline, or ctx ends; it polls every few milliseconds.
func (r *Receiver) WaitExpected(ctx context.Context) error {
	return r.pollUntilNone(ctx, func() int { return r.st.openExpectations(r.now()) })
}

// WaitSettled waits until no call judged from its pushes (Options.Settle) is both incomplete
// and younger than the settle time, or ctx ends; it polls every few milliseconds. Calls that
// are complete need no wait, so a run whose calls all finished ends at once.
func (r *Receiver) WaitSettled(ctx context.Context) error {
	if r.opts.Settle <= 0 {
		return nil
	}
	return r.pollUntilNone(ctx, func() int { return r.st.unsettled(r, r.now().Sub(r.start)) })
}

// pollUntilNone calls open under the receiver's lock every few milliseconds until it returns 0
// (nil) or ctx ends (ctx.Err()): the one wait loop of WaitExpected and WaitSettled.
func (r *Receiver) pollUntilNone(ctx context.Context, open func() int) error {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		r.mu.Lock()
		n := open()
		r.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// newHist returns an empty latency histogram (microseconds).
func newHist() *hdrhistogram.Histogram { return hdrhistogram.New(histMin, histMax, histSigFigs) }
