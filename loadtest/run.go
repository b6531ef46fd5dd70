// Package loadtest is the load generator of the harness: open-model load on the PNS
// provisioning interfaces with vegeta, latency recorded twice (service time and response time
// from the intended send time, i.e. corrected for coordinated omission) into HdrHistograms,
// every response checked for its result code and against the JSON schemas, results streamed to
// vegeta gob files and HdrHistogram interval logs, and a mergeable JSON summary per shard.
//
// A bind-unbind run never leaves bindings behind: every binding is unbound after its hold, and
// whatever is still bound when the run ends (cancelled, aborted, failed unbinds, bind answers
// lost) is removed by a cleanup pass.
package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// Scenario names.
const (
	ScenarioBindUnbind = "bind-unbind"
	ScenarioQuery      = "query"
	ScenarioCalls      = "calls"
)

// Limits of a run.
const (
	// MaxDuration bounds every run: load is always time-boxed.
	MaxDuration = time.Hour
	// MaxHold bounds how long a binding is kept before its unbind.
	MaxHold = 10 * time.Minute
	// DefaultTimeout is the per-request timeout.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxWorkers caps vegeta's workers per attack so that a stalled target or a
	// CPU-starved generator cannot make it spawn goroutines and sockets without bound (each
	// worker holds a connection). 1000 workers sustain 100 000 requests/s at 10 ms; a cap
	// below the rate's need shows as shortfall and corrected latency, never silently.
	DefaultMaxWorkers = 1000
	// cleanupTimeout bounds the final cleanup pass.
	cleanupTimeout = 30 * time.Second
)

// SchemaValidator checks a response body of an interface (e.g. "axb.bind") and returns its
// violations, nil when it conforms.
type SchemaValidator func(iface string, body []byte) []string

// EmbeddedSchemas returns a SchemaValidator backed by the harness's embedded JSON schemas.
func EmbeddedSchemas() (SchemaValidator, error) {
	v, names, err := embeddedSchemas()
	if err != nil {
		return nil, err
	}
	return func(iface string, body []byte) []string {
		name := names.of(iface)
		if name == "" {
			return nil // no response schema for this interface
		}
		vs, err := v.Validate(name, body)
		return violations(vs, err)
	}, nil
}

// docValidator checks an already decoded response body (decodeDoc's shape) of an interface,
// so that a response is decoded once for both the result-code check and the schemas.
type docValidator func(iface string, doc any) []string

// embeddedDocValidator is EmbeddedSchemas for decoded bodies.
func embeddedDocValidator() (docValidator, error) {
	v, names, err := embeddedSchemas()
	if err != nil {
		return nil, err
	}
	return func(iface string, doc any) []string {
		name := names.of(iface)
		if name == "" {
			return nil
		}
		vs, err := v.ValidateValue(name, doc)
		return violations(vs, err)
	}, nil
}

// embeddedSchemas returns the embedded schemas, compiled once per process (schemas.Default)
// rather than once per run, and a cache of the response schema name of each interface.
func embeddedSchemas() (*schemas.Validator, *schemaNames, error) {
	v := schemas.Default()
	if v == nil {
		_, err := schemas.New() // Default failed: say why
		if err == nil {
			err = errors.New("schemas: no validator")
		}
		return nil, nil, err
	}
	return v, &schemaNames{}, nil
}

// schemaNames caches schemas.SchemaFor(iface, Response), "" for an interface without one.
type schemaNames struct{ m sync.Map }

func (c *schemaNames) of(iface string) string {
	if n, ok := c.m.Load(iface); ok {
		return n.(string)
	}
	name, err := schemas.SchemaFor(iface, schemas.Response)
	if err != nil {
		name = ""
	}
	c.m.Store(iface, name)
	return name
}

func violations(vs []schemas.Violation, err error) []string {
	if err != nil {
		return []string{err.Error()}
	}
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, len(vs))
	for i, x := range vs {
		out[i] = x.String()
	}
	return out
}

// decodeDoc decodes a body exactly as the schema validator does (jsonschema.UnmarshalJSON:
// numbers kept as json.Number, nothing but white space after the value). json.Unmarshal, which
// costs less than a Decoder, decodes it first; only a body with numbers, which it turns into
// float64, is decoded again with UseNumber.
func decodeDoc(body []byte) (any, error) {
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	if !hasFloat(doc) {
		return doc, nil
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	doc = nil
	if err := d.Decode(&doc); err != nil {
		return nil, err
	}
	return doc, nil // json.Unmarshal has already refused trailing data
}

// hasFloat reports whether a decoded JSON value holds a number.
func hasFloat(v any) bool {
	switch v := v.(type) {
	case float64:
		return true
	case map[string]any:
		for _, e := range v {
			if hasFloat(e) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if hasFloat(e) {
				return true
			}
		}
	}
	return false
}

// Progress is a live view of a run, delivered every Config.ProgressInterval.
type Progress struct {
	Elapsed time.Duration
	// TargetRate is the plan's current rate; AchievedRate the primary requests sent per
	// second over the last interval.
	TargetRate   float64
	AchievedRate float64
	Requests     int64
	SuccessPct   float64
	// P50 and P99 are the primary interface's service latencies so far, in milliseconds.
	P50, P99          float64
	CorrectedP99      float64
	Live              int64
	Callbacks         int64
	ConformanceErrors int64
}

// Config is a load run.
type Config struct {
	// Target is the platform's base URL; a host that is not loopback needs Gate (CheckTarget).
	Target string
	// Gate is the remote-target opt-in and the rate ceiling (CheckTarget).
	Gate Gate
	// TLSConfig, when set, is the TLS client configuration for an https target (a private CA,
	// or InsecureSkipVerify), used by the load and by cleanup alike.
	TLSConfig *tls.Config
	// Profile gives the apps and number ranges; nil means DefaultProfile().
	Profile *Profile
	// Scenario is bind-unbind (default), query or calls.
	Scenario string
	// Mode selects the app: AXB (default), AX or AXE.
	Mode pns.Mode
	// Rate is the primary requests per second for Duration, unless Plan is set. Both are
	// totals over all shards; a shard runs its share.
	Rate float64
	Plan Plan
	// Duration bounds the load (required, at most MaxDuration); a longer Plan is cut. After
	// it, a bind-unbind run waits for the last unbinds (at most Hold plus a request timeout),
	// a calls run for the last callbacks (CallbackWait), then cleanup takes at most 30 s.
	Duration time.Duration
	// Hold is how long each binding is kept before its unbind (bind-unbind, at most MaxHold).
	Hold time.Duration
	// Shard and Shards split the rate and the number space: this process is shard
	// Shard of Shards (0-based). Zero Shards means 1.
	Shard, Shards int
	// OutDir receives the result files; empty writes nothing.
	OutDir string
	// Thresholds are evaluated at the end (and periodically with AbortOnFail).
	Thresholds  []Threshold
	AbortOnFail bool
	// Workers and MaxWorkers are vegeta's initial and maximum workers per attack (defaults
	// 10 and DefaultMaxWorkers).
	Workers, MaxWorkers uint64
	// Timeout is the per-request timeout (default DefaultTimeout).
	Timeout time.Duration
	// SchemaSample is the fraction of responses validated against the schemas: 0 means the
	// default 1 (all), negative disables validation.
	SchemaSample float64
	// Validator overrides the embedded schemas.
	Validator SchemaValidator
	// Progress, when set, is called every ProgressInterval (default 1 s) from a separate
	// goroutine; it must return quickly.
	Progress         func(Progress)
	ProgressInterval time.Duration
	// Name prefixes the attack names (default "<mode>"); each shard gets its own names.
	Name string
	// HTTPClient replaces vegeta's client (e.g. a custom transport); nil uses vegeta's.
	HTTPClient *http.Client
	// Callbacks receives the notifications of the calls scenario (fed by the callback
	// receiver); CallbackWait bounds the wait for them after the last call (default
	// DefaultCallbackWait).
	Callbacks    *CallbackTracker
	CallbackWait time.Duration
	// Run identifies the distributed run this shard belongs to. It is recorded in the
	// Result, with StartAt and the profile's digest (computed when Run.ProfileDigest is
	// empty), so that Merge can refuse shards of different runs.
	Run RunInfo
	// StartAt, when set, is the shards' shared start instant: setup happens before it, the
	// load's schedule begins at it. Zero begins at once.
	StartAt time.Time
}

// bindInfo is what the bind request carried, kept until its answer arrives.
type bindInfo struct {
	id   uint64
	a, b string
	xi   int
	x    string
	ext  string
}

type runner struct {
	cfg          Config
	base         string
	mode         pns.Mode
	modeKey      string
	app          *AppProfile
	signer       pns.Signer
	sign         *loadSigner
	bindIface    pns.Interface
	unbindIface  pns.Interface
	queryIface   pns.Interface
	primary      string
	plan         Plan
	hold         time.Duration
	agg          *aggregate
	pool         *xPool
	aNums, bNums numRange
	validate     SchemaValidator
	validateDoc  docValidator // the embedded schemas, fed the body decoded once
	sample       float64
	start        time.Time
	inflight     inflightMap // uint64 → *bindInfo (binds) or *binding (unbinds)
	queue        *unbindQueue
	live         atomic.Int64
	fired        atomic.Int64
	callbacks    atomic.Int64

	mu        sync.Mutex
	leftovers []*binding  // unbinds that failed
	orphans   []*bindInfo // binds whose outcome is unknown
	fileErr   error

	ivMu sync.Mutex
	iv   map[string]*hdr.Histogram // interval histograms for the HdrHistogram log
}

var errNumberSpace = errors.New("loadtest: number range exhausted")

// Run executes a load run and returns its result. The returned error is for runs that could
// not be carried out (bad configuration, target refused, files); failed requests and broken
// thresholds are data in the Result. Cancelling ctx stops the load, unbinds everything still
// bound and returns the partial result with Aborted set.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	r, err := newRunner(ctx, cfg)
	if err != nil {
		return nil, err
	}
	switch r.cfg.Scenario {
	case ScenarioBindUnbind:
		return r.runBindUnbind(ctx)
	case ScenarioQuery:
		return r.runQuery(ctx)
	case ScenarioCalls:
		return r.runCalls(ctx)
	}
	return nil, fmt.Errorf("unknown scenario %q (want %s, %s or %s)", r.cfg.Scenario, ScenarioBindUnbind, ScenarioQuery, ScenarioCalls)
}

// ParseScenario splits a scenario name that may carry its mode ("axb-bind-unbind") into
// scenario and mode; mode is empty when the name has none.
func ParseScenario(name string) (scenario string, mode pns.Mode) {
	for _, m := range []string{"axe", "axb", "ax"} {
		if rest, ok := strings.CutPrefix(name, m+"-"); ok {
			return rest, pns.Mode(strings.ToUpper(m))
		}
	}
	return name, ""
}

func newRunner(ctx context.Context, cfg Config) (*runner, error) {
	if cfg.Scenario == "" {
		cfg.Scenario = ScenarioBindUnbind
	}
	if s, m := ParseScenario(cfg.Scenario); m != "" {
		if cfg.Mode != "" && !strings.EqualFold(string(cfg.Mode), string(m)) {
			return nil, fmt.Errorf("scenario %q names mode %s but mode %s was given", cfg.Scenario, m, cfg.Mode)
		}
		cfg.Scenario, cfg.Mode = s, m
	}
	if cfg.Mode == "" {
		cfg.Mode = pns.ModeAXB
	}
	mode := pns.Mode(strings.ToUpper(string(cfg.Mode)))
	if mode != pns.ModeAXB && mode != pns.ModeAX && mode != pns.ModeAXE {
		return nil, fmt.Errorf("unknown mode %q (want axb, ax or axe)", cfg.Mode)
	}
	cfg.Mode = mode
	switch cfg.Scenario {
	case ScenarioBindUnbind, ScenarioQuery, ScenarioCalls:
	default:
		return nil, fmt.Errorf("unknown scenario %q (want %s, %s or %s)", cfg.Scenario, ScenarioBindUnbind, ScenarioQuery, ScenarioCalls)
	}
	if cfg.Duration <= 0 {
		return nil, errors.New("duration is required and must be positive")
	}
	if cfg.Duration > MaxDuration {
		return nil, fmt.Errorf("duration %s exceeds the maximum of %s", cfg.Duration, MaxDuration)
	}
	if cfg.Hold < 0 || cfg.Hold > MaxHold {
		return nil, fmt.Errorf("hold %s outside 0-%s", cfg.Hold, MaxHold)
	}
	if cfg.Shards == 0 {
		cfg.Shards = 1
	}
	if cfg.Shards < 1 || cfg.Shard < 0 || cfg.Shard >= cfg.Shards {
		return nil, fmt.Errorf("shard %d/%d: want 0 <= i < N", cfg.Shard, cfg.Shards)
	}
	plan := cfg.Plan
	if len(plan) == 0 {
		if cfg.Rate <= 0 || math.IsNaN(cfg.Rate) || math.IsInf(cfg.Rate, 0) {
			return nil, errors.New("rate must be positive (or give a ramp plan)")
		}
		plan = Plan{{Duration: cfg.Duration, Rate: cfg.Rate}}
	}
	if err := CheckTarget(cfg.Target, cfg.Gate, plan.Truncate(cfg.Duration).MaxRate()); err != nil {
		return nil, err
	}
	plan = plan.Truncate(cfg.Duration).Scale(1 / float64(cfg.Shards))
	if plan.MaxRate() <= 0 {
		return nil, errors.New("the plan schedules no request within the duration")
	}
	if cfg.Profile == nil {
		cfg.Profile = DefaultProfile()
	}
	app, secret, err := cfg.Profile.ModeApp(mode)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Workers == 0 {
		cfg.Workers = vegeta.DefaultWorkers
	}
	if cfg.MaxWorkers == 0 {
		cfg.MaxWorkers = DefaultMaxWorkers
	}
	if cfg.ProgressInterval <= 0 {
		cfg.ProgressInterval = time.Second
	}
	if cfg.Name == "" {
		cfg.Name = strings.ToLower(string(mode))
	}
	r := &runner{cfg: cfg, base: strings.TrimRight(cfg.Target, "/"), mode: mode,
		modeKey: strings.ToLower(string(mode)), app: app, plan: plan, hold: cfg.Hold,
		signer: pns.Signer{AppKey: app.AppKey, AppSecret: secret, Scheme: pns.SchemeAKSK},
		iv:     map[string]*hdr.Histogram{}}
	r.sign = newLoadSigner(app.AppKey, secret)
	r.bindIface, _ = pns.InterfaceByID(r.modeKey + ".bind")
	r.unbindIface, _ = pns.InterfaceByID(r.modeKey + ".unbind")
	r.queryIface, _ = pns.InterfaceByID(r.modeKey + ".query")
	r.sample = cfg.SchemaSample
	if r.sample == 0 {
		r.sample = 1
	}
	if r.sample > 0 {
		r.validate = cfg.Validator
		if r.validate == nil {
			if r.validateDoc, err = embeddedDocValidator(); err != nil {
				return nil, fmt.Errorf("schemas: %w", err)
			}
		}
	}
	nums := cfg.Profile.Numbers
	if nums.A.Start == "" {
		nums.A = NumberRange{Start: DefaultAStart, Count: DefaultRangeN}
	}
	if nums.B.Start == "" {
		nums.B = NumberRange{Start: DefaultBStart, Count: DefaultRangeN}
	}
	aR, err := parseRange(nums.A)
	if err != nil {
		return nil, fmt.Errorf("profile: numbers.a: %w", err)
	}
	bR, err := parseRange(nums.B)
	if err != nil {
		return nil, fmt.Errorf("profile: numbers.b: %w", err)
	}
	r.aNums, r.bNums = aR.shard(cfg.Shard, cfg.Shards), bR.shard(cfg.Shard, cfg.Shards)
	need := math.Ceil(plan.Hits(plan.Total()))
	if need > float64(min(r.aNums.count, r.bNums.count)) {
		return nil, fmt.Errorf("the plan needs %.0f numbers per shard but the profile's ranges give %d", need, min(r.aNums.count, r.bNums.count))
	}
	r.pool = newXPool(mode, app, cfg.Shard, cfg.Shards)
	if n := len(app.Xs()); n > 0 && len(r.pool.xs) == 0 {
		return nil, fmt.Errorf("profile: apps.%s lists %d X numbers, fewer than the %d shards (shards never share an X)", r.modeKey, n, cfg.Shards)
	}
	if mode == pns.ModeAX && cfg.Scenario == ScenarioBindUnbind && len(r.pool.xs) > 0 {
		// One binding per X: the live bindings (rate × (hold + latency)) must fit.
		if liveNeed := plan.MaxRate() * (cfg.Hold.Seconds() + 0.5); liveNeed > float64(len(r.pool.xs)) {
			return nil, fmt.Errorf("ax bind-unbind: about %.0f live bindings per shard (rate × (hold + 0.5 s)) but the profile has %d X numbers and AX binds one A per X", liveNeed, len(r.pool.xs))
		}
	}
	r.agg = newAggregate()
	r.agg.scenario, r.agg.mode = cfg.Scenario, r.modeKey
	r.agg.shards = []string{fmt.Sprintf("%d/%d", cfg.Shard, cfg.Shards)}
	r.agg.plan = plan
	r.agg.hold = cfg.Hold.Seconds()
	r.agg.run = cfg.Run
	r.agg.run.StartAt = cfg.StartAt
	if r.agg.run.ProfileDigest == "" {
		r.agg.run.ProfileDigest = ProfileDigest(cfg.Profile)
	}
	return r, nil
}

func (r *runner) attackName(op string) string {
	return fmt.Sprintf("%s.%s.s%d", r.cfg.Name, op, r.cfg.Shard)
}

func (r *runner) attacker() *vegeta.Attacker {
	var opts []func(*vegeta.Attacker)
	if r.cfg.HTTPClient != nil {
		opts = append(opts, vegeta.Client(r.cfg.HTTPClient)) // first: later options patch it
	}
	if r.cfg.TLSConfig != nil && r.cfg.HTTPClient == nil { // a caller's client brings its own TLS
		opts = append(opts, vegeta.TLSConfig(r.cfg.TLSConfig))
	}
	opts = append(opts, vegeta.Workers(r.cfg.Workers), vegeta.MaxWorkers(r.cfg.MaxWorkers),
		vegeta.Timeout(r.cfg.Timeout), vegeta.MaxBody(64<<10), vegeta.Redirects(vegeta.NoFollow))
	return vegeta.NewAttacker(opts...)
}

// header returns the signed headers of one request (Content-Type, Authorization, X-AKSK).
func (r *runner) header() http.Header { return r.sign.header() }

// fragment marks a URL with a correlation ID in its fragment: vegeta echoes the target URL in
// the Result, and a fragment is never sent on the wire.
func fragment(kind byte, id uint64) string { return "#" + string(kind) + strconv.FormatUint(id, 10) }

func fragmentID(u string) (byte, uint64, bool) {
	i := strings.LastIndexByte(u, '#')
	if i < 0 || i+2 > len(u) {
		return 0, 0, false
	}
	id, err := strconv.ParseUint(u[i+2:], 10, 64)
	return u[i+1], id, err == nil
}

func (r *runner) bindBody(info *bindInfo) ([]byte, error) {
	mm := r.app.AreaMatchMode
	if mm == "" && r.app.AreaCode == "" {
		// Selection by the A number's area: the generated A numbers have none the platform
		// knows, so only a non-strict match finds an X.
		mm = "1"
	}
	return appendBindBody(make([]byte, 0, 128), r.mode, info.a, info.b, info.x, info.ext, r.app.AreaCode, mm), nil
}

func (r *runner) bindTargeter() vegeta.Targeter {
	var n atomic.Uint64
	return func(t *vegeta.Target) error {
		id := n.Add(1) - 1
		r.fired.Add(1)
		if id >= r.aNums.count || id >= r.bNums.count {
			return errNumberSpace
		}
		info := &bindInfo{id: id, a: r.aNums.number(id), b: r.bNums.number(id)}
		info.xi, info.x, info.ext = r.pool.acquire()
		body, err := r.bindBody(info)
		if err != nil {
			return err
		}
		r.inflight.Store(id, info)
		t.Method = r.bindIface.Method
		t.URL = r.base + r.bindIface.Path + fragment('b', id)
		t.Body = body
		t.Header = r.header()
		return nil
	}
}

func (r *runner) unbindTargeter() vegeta.Targeter {
	return func(t *vegeta.Target) error {
		var b *binding
		select {
		case b = <-r.queue.ready:
		case <-r.queue.abort:
			return vegeta.ErrNoTargets
		}
		r.inflight.Store(b.info.id|1<<63, b)
		t.Method = r.unbindIface.Method
		t.URL = r.base + r.unbindIface.Path + "?subscriptionId=" + url.QueryEscape(b.sub) + fragment('u', b.info.id)
		t.Header = r.header()
		return nil
	}
}

// answer is the part of a response body the load needs.
type answer struct {
	ResultCode     *json.RawMessage `json:"resultcode"`
	ResultDesc     *json.RawMessage `json:"resultdesc"`
	SubscriptionID string           `json:"subscriptionId"`
	RelationNum    string           `json:"relationNum"`
	PrivateNum     string           `json:"privateNum"`
	VirtualNum     string           `json:"virtualNum"`
	ExtendNum      string           `json:"extendNum"`
	code           string
	ok             bool // the body is a JSON object with a string resultcode
}

// answerFields are the JSON names of answer's fields.
var answerFields = [...]string{"resultcode", "resultdesc", "subscriptionId", "relationNum", "privateNum", "virtualNum", "extendNum"}

// answerFromDoc fills a from a body decoded by decodeDoc with the outcome json.Unmarshal into
// a would have: decoded says the decode would succeed (a JSON object or null whose known
// fields have the right types), code is the resultcode when it is a string, hasDesc whether
// resultdesc is present and not null. exact is false when the object has a key that
// encoding/json would match to a field case-insensitively (e.g. "ResultCode"): the caller then
// decodes the body into the struct instead.
func answerFromDoc(doc any, a *answer) (decoded, codeOK, hasDesc, exact bool) {
	if doc == nil {
		return true, false, false, true
	}
	m, isObj := doc.(map[string]any)
	if !isObj {
		return false, false, false, true
	}
	decoded = true
	for k, v := range m {
		var dst *string
		switch k {
		case "resultcode":
			a.code, codeOK = v.(string)
			continue
		case "resultdesc":
			hasDesc = v != nil
			continue
		case "subscriptionId":
			dst = &a.SubscriptionID
		case "relationNum":
			dst = &a.RelationNum
		case "privateNum":
			dst = &a.PrivateNum
		case "virtualNum":
			dst = &a.VirtualNum
		case "extendNum":
			dst = &a.ExtendNum
		default:
			for _, f := range answerFields {
				if strings.EqualFold(k, f) {
					return false, false, false, false
				}
			}
			continue
		}
		switch v := v.(type) {
		case nil:
		case string:
			*dst = v
		default:
			decoded = false // a type error: json.Unmarshal fails
		}
	}
	return decoded, codeOK, hasDesc, true
}

// check classifies a result and runs the conformance checks: JSON envelope, result code,
// HTTP status of the code, sampled schema validation. A response validated against the
// embedded schemas is decoded once, for both.
func (r *runner) check(iface string, res *vegeta.Result) (answer, observation) {
	o := observation{iface: iface, status: int(res.Code), ts: res.Timestamp, service: res.Latency}
	var a answer
	if res.Code == 0 {
		o.code = "transport"
		return a, o
	}
	schema := (r.validate != nil || r.validateDoc != nil) && (r.sample >= 1 || rand.Float64() < r.sample)
	var doc any
	decoded, codeOK, hasDesc, exact := false, false, false, false
	if schema && r.validateDoc != nil {
		if d, err := decodeDoc(res.Body); err == nil {
			doc = d
			decoded, codeOK, hasDesc, exact = answerFromDoc(doc, &a)
		} else {
			exact = true // not JSON: json.Unmarshal fails too
		}
	}
	if !exact {
		sa := new(answer) // only this path escapes to the heap
		decoded = json.Unmarshal(res.Body, sa) == nil
		if decoded && sa.ResultCode != nil {
			codeOK = json.Unmarshal(*sa.ResultCode, &sa.code) == nil
		}
		hasDesc = sa.ResultDesc != nil
		a = *sa
	}
	if !decoded {
		a = answer{} // what a failed decode left is not an answer
		o.code = "http-" + strconv.Itoa(int(res.Code))
		o.confErrs = append(o.confErrs, iface+": body is not a JSON object")
		return a, o
	}
	if !codeOK {
		a.code = ""
		o.code = "http-" + strconv.Itoa(int(res.Code))
		o.confErrs = append(o.confErrs, iface+": resultcode missing or not a string")
		return a, o
	}
	code := a.code
	a.ok = true
	o.code = code
	o.success = code == string(pns.CodeSuccess)
	if !hasDesc {
		o.confErrs = append(o.confErrs, iface+": resultdesc missing")
	}
	if _, known := pns.Lookup(pns.Code(code)); known {
		if want := pns.Code(code).HTTPStatus(); want != int(res.Code) {
			o.confErrs = append(o.confErrs, fmt.Sprintf("%s: resultcode %s with HTTP %d, want %d", iface, code, res.Code, want))
		}
	}
	if schema {
		o.schema = true
		var vs []string
		if r.validateDoc != nil {
			vs = r.validateDoc(iface, doc)
		} else {
			vs = r.validate(iface, res.Body)
		}
		for _, v := range vs {
			o.confErrs = append(o.confErrs, iface+": schema: "+v)
		}
	}
	return a, o
}

// corrected returns the latency from the intended send time, never below the service time
// (a hit fired slightly ahead of schedule is not faster than its own round trip).
func corrected(res *vegeta.Result, intended time.Time) time.Duration {
	c := res.End().Sub(intended)
	if c < res.Latency {
		c = res.Latency
	}
	return c
}

// planned is the corrected latency of a primary request: measured from the instant the plan
// scheduled it, or its service time when the plan does not know its sequence number.
func (r *runner) planned(res *vegeta.Result) time.Duration {
	if at, ok := r.plan.Intended(res.Seq); ok {
		return corrected(res, r.start.Add(at))
	}
	return res.Latency
}

func (r *runner) observe(o *observation) {
	r.agg.observe(o)
	keys := ivKeys(o.iface)
	r.ivMu.Lock()
	for i, k := range keys {
		h := r.iv[k]
		if h == nil {
			h = newSecHist()
			r.iv[k] = h
		}
		if i == 0 {
			record(h, o.service)
		} else {
			record(h, o.corrected)
		}
	}
	r.ivMu.Unlock()
}

// ivKeyCache holds the interval-log tags of each interface, built once instead of per result.
var ivKeyCache sync.Map // iface → [2]string

// ivKeys returns the interval-log tags of an interface: <iface>.service and <iface>.corrected.
func ivKeys(iface string) [2]string {
	if k, ok := ivKeyCache.Load(iface); ok {
		return k.([2]string)
	}
	k := [2]string{iface + ".service", iface + ".corrected"}
	ivKeyCache.Store(iface, k)
	return k
}

func (r *runner) handleBind(res *vegeta.Result) {
	_, id, _ := fragmentID(res.URL)
	v, _ := r.inflight.LoadAndDelete(id)
	info, _ := v.(*bindInfo)
	a, o := r.check(r.bindIface.ID, res)
	o.primary = true
	o.corrected = r.planned(res)
	if o.success && a.SubscriptionID == "" {
		o.confErrs = append(o.confErrs, r.bindIface.ID+": success without subscriptionId")
	}
	r.observe(&o)
	if info == nil {
		return
	}
	switch {
	case o.success && a.SubscriptionID != "":
		r.live.Add(1)
		r.agg.mu.Lock()
		r.agg.cleanup.Bound++
		r.agg.mu.Unlock()
		r.queue.push(&binding{due: res.End().Add(r.hold), sub: a.SubscriptionID, info: info})
	case a.ok && !o.success:
		r.pool.release(info.xi) // refused: nothing was bound
	default:
		r.mu.Lock()
		r.orphans = append(r.orphans, info) // outcome unknown: reconcile in cleanup
		r.mu.Unlock()
	}
}

// gone reports whether an unbind's result code means the binding no longer exists.
func gone(code string) bool {
	return code == string(pns.CodeSuccess) || code == string(pns.CodeRecordNotExist) || code == string(pns.CodeAXRecordNotExist)
}

func (r *runner) handleUnbind(res *vegeta.Result) {
	_, id, _ := fragmentID(res.URL)
	v, _ := r.inflight.LoadAndDelete(id | 1<<63)
	b, _ := v.(*binding)
	a, o := r.check(r.unbindIface.ID, res)
	if b != nil {
		o.corrected = corrected(res, b.due)
	} else {
		o.corrected = res.Latency
	}
	r.observe(&o)
	if b == nil {
		return
	}
	if a.ok && gone(a.code) {
		r.live.Add(-1)
		r.pool.release(b.info.xi)
		r.agg.mu.Lock()
		r.agg.cleanup.Unbound++
		r.agg.mu.Unlock()
		return
	}
	r.mu.Lock()
	r.leftovers = append(r.leftovers, b)
	r.mu.Unlock()
}

// hlogSink is the HdrHistogram interval log file.
type hlogSink struct {
	f  *os.File
	bw *bufio.Writer
}

// openLog creates the HdrHistogram interval log (nil without an output directory).
func (r *runner) openLog() (*hlogSink, error) {
	if r.cfg.OutDir == "" {
		return nil, nil
	}
	name := fmt.Sprintf("%s.s%d.hlog", r.cfg.Name, r.cfg.Shard)
	f, err := os.Create(filepath.Join(r.cfg.OutDir, name))
	if err != nil {
		return nil, err
	}
	r.agg.files = append(r.agg.files, name)
	return &hlogSink{f: f, bw: bufio.NewWriter(f)}, nil
}

// monitor runs the progress callback, the HdrHistogram interval log and the abort-on-fail
// evaluation until stop is closed. It calls abort (once) with the reason of a broken threshold.
// It is started right after the attacks, r.start being set.
func (r *runner) monitor(hl *hlogSink, stop <-chan struct{}, abort func(string)) (done chan struct{}) {
	var lw *hdr.HistogramLogWriter
	var bw *bufio.Writer
	var f *os.File
	if hl != nil {
		f, bw = hl.f, hl.bw
		lw = hdr.NewHistogramLogWriter(bw)
		_ = lw.OutputComment("pns-harness load " + r.cfg.Scenario + " " + r.modeKey + " shard " + r.agg.shards[0] + "; values in ns, tags <interface>.service / <interface>.corrected")
		_ = lw.OutputLogFormatVersion()
		_ = lw.OutputStartTime(r.start.UnixMilli())
		_ = lw.OutputBaseTime(r.start.UnixMilli())
		lw.SetBaseTime(r.start.UnixMilli())
		_ = lw.OutputLegend()
	}
	done = make(chan struct{})
	interval := r.cfg.ProgressInterval
	logEvery := time.Second
	go func() {
		defer close(done)
		tick := time.NewTicker(min(interval, logEvery))
		defer tick.Stop()
		lastLog, lastProg := r.start, r.start
		var lastSent int64
		flushLog := func(now time.Time) {
			if lw == nil {
				return
			}
			r.ivMu.Lock()
			ivs := r.iv
			r.iv = map[string]*hdr.Histogram{}
			r.ivMu.Unlock()
			keys := make([]string, 0, len(ivs))
			for k := range ivs {
				keys = append(keys, k)
			}
			sortStrings(keys)
			for _, k := range keys {
				h := ivs[k]
				h.SetTag(k)
				h.SetStartTimeMs(lastLog.UnixMilli())
				h.SetEndTimeMs(now.UnixMilli())
				_ = lw.OutputIntervalHistogram(h)
			}
			lastLog = now
		}
		aborted := false
		for {
			select {
			case <-stop:
				flushLog(time.Now())
				if bw != nil {
					_ = bw.Flush()
					_ = f.Close()
				}
				return
			case now := <-tick.C:
				if now.Sub(lastLog) >= logEvery {
					flushLog(now)
					// Seconds that can no longer receive results (older than a request
					// timeout) are encoded, bounding the series' memory.
					r.agg.compactBefore(now.Add(-r.cfg.Timeout - 2*time.Second).Unix())
				}
				if now.Sub(lastProg) < interval*9/10 {
					continue
				}
				p, sent := r.progress(now, lastSent, now.Sub(lastProg))
				lastSent, lastProg = sent, now
				if r.cfg.Progress != nil {
					r.cfg.Progress(p)
				}
				if r.cfg.AbortOnFail && !aborted && len(r.cfg.Thresholds) > 0 && now.Sub(r.start) >= time.Second {
					if why := r.broken(); why != "" {
						aborted = true
						abort(why)
					}
				}
			}
		}
	}()
	return done
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func (r *runner) progress(now time.Time, lastSent int64, dt time.Duration) (Progress, int64) {
	a := r.agg
	a.mu.Lock()
	defer a.mu.Unlock()
	el := now.Sub(r.start)
	p := Progress{Elapsed: el, TargetRate: r.plan.RateAt(el), Live: r.live.Load(),
		Callbacks: r.callbacks.Load(), ConformanceErrors: a.conf.Errors}
	sent := r.fired.Load()
	if dt > 0 {
		p.AchievedRate = round3(float64(sent-lastSent) / dt.Seconds())
	}
	var ok int64
	for _, codes := range a.ifaces {
		for code, c := range codes {
			p.Requests += c.count
			if code == string(pns.CodeSuccess) {
				ok += c.count
			}
		}
	}
	p.SuccessPct = pct(ok, p.Requests)
	svc, cor, _, _ := a.ifaceHists(func(id string) bool { return id == r.primary })
	if svc != nil && svc.TotalCount() > 0 {
		p.P50, p.P99 = ms(svc.ValueAtQuantile(50)), ms(svc.ValueAtQuantile(99))
	}
	if cor != nil && cor.TotalCount() > 0 {
		p.CorrectedP99 = ms(cor.ValueAtQuantile(99))
	}
	return p, sent
}

// broken evaluates the thresholds on a snapshot and returns the first broken one.
func (r *runner) broken() string {
	snap := r.snapshot()
	out, err := Evaluate(snap, r.cfg.Thresholds)
	if err != nil {
		return ""
	}
	for _, o := range out {
		if !o.OK && o.Detail == "" {
			return fmt.Sprintf("threshold %s broken (actual %g%s)", o.Expr, o.Actual, o.Unit)
		}
	}
	return ""
}

// snapshot copies the run-wide state (without the per-second series) for evaluation.
func (r *runner) snapshot() *Result {
	a := r.agg
	a.mu.Lock()
	c := newAggregate()
	c.scenario, c.mode, c.primary = a.scenario, a.mode, a.primary
	c.conf = a.conf
	c.sentHits = r.fired.Load() // hits fired, not answered: in-flight requests are no shortfall
	el := time.Since(r.start)
	c.elapsed = el.Seconds()
	c.targetHits = float64(r.plan.ExpectedHits(el))
	for id, codes := range a.ifaces {
		m := map[string]*codeAgg{}
		for code, x := range codes {
			m[code] = &codeAgg{count: x.count, service: x.service.Clone(), corrected: x.corrected.Clone()}
		}
		c.ifaces[id] = m
	}
	for ev, h := range a.callbacks {
		c.callbacks[ev] = h.Clone()
	}
	a.mu.Unlock()
	res, _ := c.result(false)
	return res
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
