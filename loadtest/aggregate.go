package loadtest

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// maxExamples bounds the conformance and cleanup error examples kept.
const maxExamples = 20

type codeAgg struct {
	count     int64
	statuses  map[string]int64
	service   *hdr.Histogram
	corrected *hdr.Histogram
}

// secAgg is one second of the series. Its histograms are dense while the second is recent
// and encoded (a few hundred bytes) once it is old, so that a long run's series costs little
// memory; a late result for an old second inflates it again.
type secAgg struct {
	target    float64
	sent      int64
	requests  int64
	success   int64
	conf      int64
	callbacks int64
	service   *hdr.Histogram
	corrected *hdr.Histogram
	svcEnc    string
	corEnc    string
	// busy is the service time, in nanoseconds, that requests spent in flight within the
	// second (Second.InFlight).
	busy int64
	// sessionTime is the time, in nanoseconds, that sessions spent in progress within the
	// second (Second.ActiveSessions).
	sessionTime int64
	// ifaces are the second's requests by interface, with their corrected histograms (dense
	// or encoded like the second's own).
	ifaces map[string]*secIface
}

// secIface is one interface's part of a second.
type secIface struct {
	requests int64
	hist     *hdr.Histogram
	enc      string
}

// iface returns the second's part of interface id, dense.
func (s *secAgg) iface(id string) *secIface {
	if s.ifaces == nil {
		s.ifaces = map[string]*secIface{}
	}
	x := s.ifaces[id]
	if x == nil {
		x = &secIface{}
		s.ifaces[id] = x
	}
	if x.hist == nil {
		x.hist = newSecHist()
		if h, err := decodeHist(x.enc); err == nil && h != nil {
			x.hist = h
		}
		x.enc = ""
	}
	return x
}

// view returns the interface's histogram without changing its state (nil when empty).
func (x *secIface) view() (*hdr.Histogram, error) {
	if x.hist != nil {
		return x.hist, nil
	}
	return decodeHist(x.enc)
}

// inflate makes the histograms dense (decoding the encoded form, or new).
func (s *secAgg) inflate() {
	if s.service != nil {
		return
	}
	s.service, s.corrected = newSecHist(), newSecHist()
	if h, err := decodeHist(s.svcEnc); err == nil && h != nil {
		s.service = h
	}
	if h, err := decodeHist(s.corEnc); err == nil && h != nil {
		s.corrected = h
	}
	s.svcEnc, s.corEnc = "", ""
}

// compact encodes the dense histograms and drops them.
func (s *secAgg) compact() error {
	if s.service == nil {
		return nil
	}
	svc, err := encodeHist(s.service)
	if err != nil {
		return err
	}
	cor, err := encodeHist(s.corrected)
	if err != nil {
		return err
	}
	s.svcEnc, s.corEnc, s.service, s.corrected = svc, cor, nil, nil
	for _, x := range s.ifaces {
		if x.hist == nil {
			continue
		}
		enc, err := encodeHist(x.hist)
		if err != nil {
			return err
		}
		x.enc, x.hist = enc, nil
	}
	return nil
}

// view returns the histograms without changing the second's state (decoding when encoded).
func (s *secAgg) view() (svc, cor *hdr.Histogram, err error) {
	if s.service != nil {
		return s.service, s.corrected, nil
	}
	if svc, err = decodeHist(s.svcEnc); err != nil {
		return nil, nil, err
	}
	cor, err = decodeHist(s.corEnc)
	return svc, cor, err
}

// encoded returns the encoded histograms.
func (s *secAgg) encoded() (svc, cor string, err error) {
	if s.service == nil {
		return s.svcEnc, s.corEnc, nil
	}
	if svc, err = encodeHist(s.service); err != nil {
		return "", "", err
	}
	cor, err = encodeHist(s.corrected)
	return svc, cor, err
}

// compactBefore encodes the histograms of every second before t.
func (a *aggregate) compactBefore(t int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for ts, s := range a.secs {
		if ts < t {
			_ = s.compact() // encoding a valid histogram does not fail
		}
	}
}

// aggregate is the mergeable state behind a Result: counters and histograms, never raw
// results, so memory stays bounded however long the run.
type aggregate struct {
	mu         sync.Mutex
	scenario   string
	mode       string
	primary    string
	shards     []string
	attacks    []string
	started    time.Time
	ended      time.Time
	plan       Plan
	hold       float64
	targetHits float64
	sentHits   int64
	elapsed    float64
	ifaces     map[string]map[string]*codeAgg
	callbacks  map[string]*hdr.Histogram
	secs       map[int64]*secAgg
	conf       Conformance
	cleanup    Cleanup
	aborted    string
	// couldNotCheck is Result.CouldNotCheck; a merge keeps the first shard's.
	couldNotCheck string
	warnings      []string
	files         []string
	// lag and blocked are the generator's dispatch lag and wait for a worker, per request;
	// lagLimit (ms) the generator.lag limit the run was held to.
	lag        *hdr.Histogram
	blocked    *hdr.Histogram
	lagLimit   float64
	rejections map[rejectKey]*rejectAgg
	flows      []FlowStats
	run        RunInfo
	// dropped counts, by histogram name, the values a merge could not add (see
	// Result.MergeDropped); empty while every merge was exact.
	dropped map[string]int64
}

// allCodes names the histogram of an interface's codes added together (Result.MergeDropped).
const allCodes = " all codes"

// drop records n values the merge of histogram name dropped (n is mergeInto's answer).
func (a *aggregate) drop(name string, n int64) {
	if n == 0 {
		return
	}
	if a.dropped == nil {
		a.dropped = map[string]int64{}
	}
	a.dropped[name] += n
}

// codesDropped sums the values the merges of the per-code histograms of kind (" service" or
// " corrected") of the interfaces match accepts dropped (names "<id> code <code><kind>").
func (a *aggregate) codesDropped(match func(id string) bool, kind string) int64 {
	var n int64
	for name, v := range a.dropped {
		id, rest, ok := strings.Cut(name, " code ")
		if ok && strings.HasSuffix(rest, kind) && match(id) {
			n += v
		}
	}
	return n
}

// droppedList renders dropped in name order.
func (a *aggregate) droppedList() []DroppedValues {
	if len(a.dropped) == 0 {
		return nil
	}
	out := make([]DroppedValues, 0, len(a.dropped))
	for name, n := range a.dropped {
		out = append(out, DroppedValues{Histogram: name, Values: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Histogram < out[j].Histogram })
	return out
}

// rejectKey is a refusal: result code, and whether its description is flow control.
type rejectKey struct {
	code      string
	throttled bool
}

// rejectAgg counts one refusal and when it began.
type rejectAgg struct {
	count  int64
	first  time.Time
	ifaces map[string]int64
}

func newAggregate() *aggregate {
	return &aggregate{
		ifaces:     map[string]map[string]*codeAgg{},
		callbacks:  map[string]*hdr.Histogram{},
		secs:       map[int64]*secAgg{},
		lag:        newHist(),
		blocked:    newHist(),
		rejections: map[rejectKey]*rejectAgg{},
	}
}

// observation is one checked response.
type observation struct {
	iface     string
	code      string
	status    int
	ts        time.Time
	service   time.Duration
	corrected time.Duration
	primary   bool
	success   bool
	confErrs  []string
	schema    bool
	// lag and blocked are the generator's (see hit); reject is the resultcode of a refusal
	// ("" for a success or no answer), throttled when it is flow control.
	lag       time.Duration
	blocked   time.Duration
	reject    string
	throttled bool
	// unsent: the request failed before it could reach the target (see neverSent).
	unsent bool
	// drained: a step sent early because the load was stopping (job.drained): counted, not
	// entered in the latency histograms.
	drained bool
}

// second is the key of t's one-second bucket: whole seconds counted from the run's start
// (the schedule's origin), stored as started.Unix()+n so that Second.T stays a Unix time and
// shards sharing a start instant merge bucket by bucket. Buckets cut at wall-clock second
// boundaries split the plan's first and last seconds into partial ones: a 100/s run started at
// .08 s past a second showed 92/s in its first point and six points for a 5 s plan.
func (a *aggregate) second(t time.Time) int64 {
	if a.started.IsZero() {
		return t.Unix()
	}
	return a.started.Unix() + int64(math.Floor(t.Sub(a.started).Seconds()))
}

// addPlanTargets spreads the plan's scheduled hits over the first el of the run, in the same
// buckets as second. The caller holds a.mu.
func (a *aggregate) addPlanTargets(p Plan, el time.Duration) {
	for n := int64(0); time.Duration(n)*time.Second < el; n++ {
		t0 := time.Duration(n) * time.Second
		t1 := min(t0+time.Second, el)
		a.sec(a.started.Unix() + n).target += p.Hits(t1) - p.Hits(t0)
	}
}

// addBusy spreads a request in flight from start for d over the seconds it overlaps
// (Second.InFlight). The caller holds a.mu.
func (a *aggregate) addBusy(start time.Time, d time.Duration) {
	a.spread(start, d, func(s *secAgg, n int64) { s.busy += n })
}

// observeSession spreads a session in progress from start to end over the seconds it
// overlaps (Second.ActiveSessions).
func (a *aggregate) observeSession(start, end time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.spread(start, end.Sub(start), func(s *secAgg, n int64) { s.sessionTime += n })
}

// spread hands add the nanoseconds of [start, start+d) that fall in each second's bucket.
// The caller holds a.mu.
func (a *aggregate) spread(start time.Time, d time.Duration, add func(s *secAgg, n int64)) {
	end := start.Add(d)
	for t := start; t.Before(end); {
		k := a.second(t)
		next := a.secondStart(k + 1)
		if !next.After(t) { // a clock jump: never loop
			break
		}
		stop := next
		if end.Before(stop) {
			stop = end
		}
		add(a.sec(k), int64(stop.Sub(t)))
		t = stop
	}
}

// secondStart is the instant the bucket with key k (see second) begins.
func (a *aggregate) secondStart(k int64) time.Time {
	if a.started.IsZero() {
		return time.Unix(k, 0)
	}
	return a.started.Add(time.Duration(k-a.started.Unix()) * time.Second)
}

func (a *aggregate) sec(t int64) *secAgg {
	s := a.secs[t]
	if s == nil {
		s = &secAgg{}
		a.secs[t] = s
	}
	return s
}

func (a *aggregate) observe(o *observation) {
	a.mu.Lock()
	defer a.mu.Unlock()
	codes := a.ifaces[o.iface]
	if codes == nil {
		codes = map[string]*codeAgg{}
		a.ifaces[o.iface] = codes
	}
	c := codes[o.code]
	if c == nil {
		c = &codeAgg{statuses: map[string]int64{}, service: newHist(), corrected: newHist()}
		codes[o.code] = c
	}
	c.count++
	c.statuses[statusKey(o.status)]++
	if !o.drained {
		record(c.service, o.service)
		record(c.corrected, o.corrected)
		record(a.lag, o.lag)
		record(a.blocked, o.blocked)
	}
	if o.reject != "" {
		k := rejectKey{o.reject, o.throttled}
		x := a.rejections[k]
		if x == nil {
			x = &rejectAgg{first: o.ts, ifaces: map[string]int64{}}
			a.rejections[k] = x
		}
		x.count++
		x.ifaces[o.iface]++
		if o.ts.Before(x.first) {
			x.first = o.ts
		}
	}
	s := a.sec(a.second(o.ts))
	s.inflate()
	s.requests++
	si := s.iface(o.iface)
	si.requests++
	if !o.drained {
		record(si.hist, o.corrected)
	}
	a.addBusy(o.ts, o.service)
	if o.primary {
		s.sent++
		a.sentHits++
	}
	if o.success {
		s.success++
	}
	if !o.drained {
		record(s.service, o.service)
		record(s.corrected, o.corrected)
	}
	a.conf.Checked++
	if o.schema {
		a.conf.SchemaChecked++
	}
	if n := len(o.confErrs); n > 0 {
		s.conf += int64(n)
		a.conf.Errors += int64(n)
		for _, e := range o.confErrs {
			a.conf.Examples = addExample(a.conf.Examples, e)
		}
	}
}

// statusKeys are the decimal strings of the HTTP statuses, built once: every result counts one.
var statusKeys = func() (k [600]string) {
	for i := range k {
		k[i] = strconv.Itoa(i)
	}
	return k
}()

func statusKey(s int) string {
	if s >= 0 && s < len(statusKeys) {
		return statusKeys[s]
	}
	return strconv.Itoa(s)
}

func (a *aggregate) observeCallback(event string, at time.Time, latency time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.callbacks[event]
	if h == nil {
		h = newHist()
		a.callbacks[event] = h
	}
	record(h, latency)
	a.sec(a.second(at)).callbacks++
}

// callbackConformance counts schema violations of received callbacks.
func (a *aggregate) callbackConformance(at time.Time, msgs []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.conf.Errors += int64(len(msgs))
	a.sec(a.second(at)).conf += int64(len(msgs))
	for _, m := range msgs {
		a.conf.Examples = addExample(a.conf.Examples, m)
	}
}

func addExample(list []string, e string) []string {
	if len(list) >= maxExamples {
		return list
	}
	for _, x := range list {
		if x == e {
			return list
		}
	}
	return append(list, e)
}

// merge adds b into a.
func (a *aggregate) merge(b *aggregate) error {
	if a.scenario != b.scenario || a.mode != b.mode {
		return fmt.Errorf("merge: cannot merge scenario %s/%s with %s/%s", a.scenario, a.mode, b.scenario, b.mode)
	}
	for _, s := range b.shards {
		for _, t := range a.shards {
			if s == t && s != "" {
				return fmt.Errorf("merge: shard %s appears twice", s)
			}
		}
	}
	a.shards = append(a.shards, b.shards...)
	a.attacks = append(a.attacks, b.attacks...)
	if a.started.IsZero() || (!b.started.IsZero() && b.started.Before(a.started)) {
		a.started = b.started
	}
	if b.ended.After(a.ended) {
		a.ended = b.ended
	}
	if len(a.plan) == len(b.plan) {
		for i := range a.plan {
			if a.plan[i].Duration != b.plan[i].Duration {
				a.plan = nil
				break
			}
			a.plan[i].Rate += b.plan[i].Rate
			a.plan[i].From += b.plan[i].From
		}
	} else {
		a.plan = nil
	}
	a.targetHits += b.targetHits
	a.sentHits += b.sentHits
	a.elapsed = math.Max(a.elapsed, b.elapsed)
	for id, codes := range b.ifaces {
		ac := a.ifaces[id]
		if ac == nil {
			ac = map[string]*codeAgg{}
			a.ifaces[id] = ac
		}
		for code, c := range codes {
			x := ac[code]
			if x == nil {
				x = &codeAgg{statuses: map[string]int64{}}
				ac[code] = x
			}
			x.count += c.count
			for k, v := range c.statuses {
				x.statuses[k] += v
			}
			name := id + " code " + code
			a.drop(name+" service", mergeInto(&x.service, c.service))
			a.drop(name+" corrected", mergeInto(&x.corrected, c.corrected))
		}
	}
	for ev, h := range b.callbacks {
		x := a.callbacks[ev]
		a.drop("callback "+ev, mergeInto(&x, h))
		a.callbacks[ev] = x
	}
	for t, s := range b.secs {
		x := a.secs[t]
		if x == nil {
			x = &secAgg{}
			a.secs[t] = x
		}
		x.target += s.target
		x.sent += s.sent
		x.requests += s.requests
		x.success += s.success
		x.conf += s.conf
		x.callbacks += s.callbacks
		x.busy += s.busy
		x.sessionTime += s.sessionTime
		for id, si := range s.ifaces {
			h, err := si.view()
			if err != nil {
				return fmt.Errorf("merge: second %d interface %s: %w", t, id, err)
			}
			xi := x.iface(id)
			xi.requests += si.requests
			a.drop("second "+strconv.FormatInt(t, 10)+" "+id, mergeInto(&xi.hist, h))
		}
		svc, cor, err := s.view()
		if err != nil {
			return fmt.Errorf("merge: second %d: %w", t, err)
		}
		if svc != nil || cor != nil || len(x.ifaces) > 0 {
			x.inflate()
			name := "second " + strconv.FormatInt(t, 10)
			a.drop(name+" service", mergeInto(&x.service, svc))
			a.drop(name+" corrected", mergeInto(&x.corrected, cor))
			if err := x.compact(); err != nil {
				return err
			}
		}
	}
	a.conf.Checked += b.conf.Checked
	a.conf.SchemaChecked += b.conf.SchemaChecked
	a.conf.Errors += b.conf.Errors
	for _, e := range b.conf.Examples {
		a.conf.Examples = addExample(a.conf.Examples, e)
	}
	a.cleanup.Bound += b.cleanup.Bound
	a.cleanup.Unbound += b.cleanup.Unbound
	a.cleanup.Retried += b.cleanup.Retried
	a.cleanup.Leaked += b.cleanup.Leaked
	a.cleanup.Unknown += b.cleanup.Unknown
	a.cleanup.LifetimeSeconds = max(a.cleanup.LifetimeSeconds, b.cleanup.LifetimeSeconds)
	for _, id := range b.cleanup.LeakedIDs {
		if len(a.cleanup.LeakedIDs) < maxLeakedIDs {
			a.cleanup.LeakedIDs = append(a.cleanup.LeakedIDs, id)
		}
	}
	a.drop("generator lag", mergeInto(&a.lag, b.lag))
	a.drop("generator blocked", mergeInto(&a.blocked, b.blocked))
	for name, n := range b.dropped {
		a.drop(name, n)
	}
	a.lagLimit = math.Max(a.lagLimit, b.lagLimit)
	for k, x := range b.rejections {
		y := a.rejections[k]
		if y == nil {
			y = &rejectAgg{first: x.first, ifaces: map[string]int64{}}
			a.rejections[k] = y
		}
		y.count += x.count
		for i, n := range x.ifaces {
			y.ifaces[i] += n
		}
		if x.first.Before(y.first) {
			y.first = x.first
		}
	}
	a.flows = mergeFlows(a.flows, b.flows)
	for _, e := range b.cleanup.Errors {
		a.cleanup.Errors = addExample(a.cleanup.Errors, e)
	}
	if a.aborted == "" {
		a.aborted = b.aborted
	}
	if a.couldNotCheck == "" {
		a.couldNotCheck = b.couldNotCheck
	}
	a.warnings = append(a.warnings, b.warnings...)
	a.files = append(a.files, b.files...)
	return nil
}

func pct(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(d)*1e6) / 1e4
}

// ifaceHists returns the merged service and corrected histograms of the interfaces selected
// by match, their total and success counts, and the values the adding of the codes' service
// and corrected histograms dropped (0 unless the codes' histograms have different ranges).
func (a *aggregate) ifaceHists(match func(id string) bool) (svc, cor *hdr.Histogram, count, success, svcLost, corLost int64) {
	// In sorted order: which histogram a merge starts from decides what it can hold, so an
	// unordered walk would make the dropped counts (and the percentiles) vary between runs.
	for _, id := range slices.Sorted(maps.Keys(a.ifaces)) {
		if !match(id) {
			continue
		}
		codes := a.ifaces[id]
		for _, code := range slices.Sorted(maps.Keys(codes)) {
			c := codes[code]
			svcLost += mergeInto(&svc, c.service)
			corLost += mergeInto(&cor, c.corrected)
			count += c.count
			if code == "0" {
				success += c.count
			}
		}
	}
	return
}

// result renders the aggregate; encode adds the encoded histograms (skipped for cheap
// progress snapshots).
func (a *aggregate) result(encode bool) (*Result, error) {
	r := &Result{
		Version: ResultVersion, Scenario: a.scenario, Mode: a.mode, Primary: a.primary,
		Shards: a.shards, Attacks: a.attacks, Started: a.started, Ended: a.ended,
		Plan: a.plan, HoldSeconds: a.hold, TargetHits: a.targetHits, SentHits: a.sentHits,
		ElapsedSeconds: a.elapsed, Conformance: a.conf, Cleanup: a.cleanup, Aborted: a.aborted,
		CouldNotCheck: a.couldNotCheck, Warnings: a.warnings, Files: a.files, Run: a.run, agg: a,
	}
	r.Conformance.Examples = append([]string(nil), a.conf.Examples...)
	r.Cleanup.LeakedIDs = append([]string(nil), a.cleanup.LeakedIDs...)
	r.Flows = append([]FlowStats(nil), a.flows...)
	r.Generator = Generator{Lag: summarize(a.lag), Blocked: summarize(a.blocked), LimitMs: a.lagLimit}
	r.Generator.Bound = a.lagLimit > 0 && r.Generator.Lag.P99 > a.lagLimit
	if encode {
		var err error
		if r.Generator.LagHist, err = encodeHist(a.lag); err != nil {
			return nil, err
		}
		if r.Generator.BlockedHist, err = encodeHist(a.blocked); err != nil {
			return nil, err
		}
	}
	r.Rejections = a.rejectionList()
	r.MergeDropped = a.droppedList()
	if a.elapsed > 0 {
		r.TargetRate = round3(a.targetHits / a.elapsed)
		r.AchievedRate = round3(float64(a.sentHits) / a.elapsed)
	}
	if a.targetHits > 0 && float64(a.sentHits) < a.targetHits {
		r.ShortfallPct = round3(100 * (1 - float64(a.sentHits)/a.targetHits))
	}
	ids := make([]string, 0, len(a.ifaces))
	for id := range a.ifaces {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		svc, cor, count, success, svcLost, corLost := a.ifaceHists(func(x string) bool { return x == id })
		if lost := svcLost + corLost; lost > 0 {
			// Rendering only: recorded in the result, not in a, so that a render is repeatable.
			r.MergeDropped = append(r.MergeDropped, DroppedValues{Histogram: id + allCodes, Values: lost})
		}
		is := InterfaceStats{ID: id, Count: count, Success: success, SuccessPct: pct(success, count),
			Service: summarize(svc), Corrected: summarize(cor), Buckets: buckets(svc)}
		codes := make([]string, 0, len(a.ifaces[id]))
		for code := range a.ifaces[id] {
			codes = append(codes, code)
		}
		sort.Strings(codes)
		for _, code := range codes {
			c := a.ifaces[id][code]
			cs := CodeStats{Code: code, Count: c.count, Statuses: c.statuses,
				Service: summarize(c.service), Corrected: summarize(c.corrected)}
			if encode {
				var err error
				if cs.ServiceHist, err = encodeHist(c.service); err != nil {
					return nil, err
				}
				if cs.CorrectedHist, err = encodeHist(c.corrected); err != nil {
					return nil, err
				}
			}
			is.Codes = append(is.Codes, cs)
		}
		r.Interfaces = append(r.Interfaces, is)
	}
	evs := make([]string, 0, len(a.callbacks))
	for ev := range a.callbacks {
		evs = append(evs, ev)
	}
	sort.Strings(evs)
	for _, ev := range evs {
		h := a.callbacks[ev]
		cs := CallbackStats{Event: ev, Count: h.TotalCount(), Latency: summarize(h)}
		if encode {
			var err error
			if cs.Hist, err = encodeHist(h); err != nil {
				return nil, err
			}
		}
		r.Callbacks = append(r.Callbacks, cs)
	}
	ts := make([]int64, 0, len(a.secs))
	for t := range a.secs {
		ts = append(ts, t)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
	start := a.started.Unix()
	for _, t := range ts {
		s := a.secs[t]
		sec := Second{T: t, Offset: t - start, TargetRate: round3(s.target), AchievedRate: s.sent,
			Requests: s.requests, Success: s.success, SuccessPct: pct(s.success, s.requests),
			ConformanceErrors: s.conf, Callbacks: s.callbacks, InFlight: round6(float64(s.busy) / float64(time.Second)),
			ActiveSessions: round6(float64(s.sessionTime) / float64(time.Second))}
		ifs := make([]string, 0, len(s.ifaces))
		for id := range s.ifaces {
			ifs = append(ifs, id)
		}
		sort.Strings(ifs)
		for _, id := range ifs {
			si := s.ifaces[id]
			h, err := si.view()
			if err != nil {
				return nil, fmt.Errorf("second %d interface %s: %w", t, id, err)
			}
			x := SecondInterface{ID: id, Requests: si.requests}
			if h != nil && h.TotalCount() > 0 {
				x.P50, x.P95, x.P99 = ms(h.ValueAtQuantile(50)), ms(h.ValueAtQuantile(95)), ms(h.ValueAtQuantile(99))
				if encode {
					if x.CorrectedHist, err = encodeHist(h); err != nil {
						return nil, err
					}
				}
			}
			sec.Interfaces = append(sec.Interfaces, x)
		}
		svc, cor, err := s.view()
		if err != nil {
			return nil, fmt.Errorf("second %d: %w", t, err)
		}
		if svc != nil && svc.TotalCount() > 0 {
			sec.P50 = ms(svc.ValueAtQuantile(50))
			sec.P99 = ms(svc.ValueAtQuantile(99))
		}
		if cor != nil && cor.TotalCount() > 0 {
			sec.CorrectedP99 = ms(cor.ValueAtQuantile(99))
		}
		if encode {
			if sec.ServiceHist, sec.CorrectedHist, err = s.encoded(); err != nil {
				return nil, err
			}
		}
		r.Series = append(r.Series, sec)
	}
	if r.Interfaces == nil {
		r.Interfaces = []InterfaceStats{}
	}
	if r.Series == nil {
		r.Series = []Second{}
	}
	return r, nil
}

func round3(f float64) float64 { return math.Round(f*1e3) / 1e3 }

// round6 keeps microseconds of a count of seconds (Second.InFlight).
func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// aggregateFromResult rebuilds the aggregate of a result from its encoded histograms.
func aggregateFromResult(r *Result) (*aggregate, error) {
	a := newAggregate()
	a.scenario, a.mode, a.primary = r.Scenario, r.Mode, r.Primary
	a.shards = append([]string(nil), r.Shards...)
	a.attacks = append([]string(nil), r.Attacks...)
	a.started, a.ended = r.Started, r.Ended
	a.plan = append(Plan(nil), r.Plan...)
	a.hold = r.HoldSeconds
	a.targetHits, a.sentHits, a.elapsed = r.TargetHits, r.SentHits, r.ElapsedSeconds
	a.conf = r.Conformance
	a.conf.Examples = append([]string(nil), r.Conformance.Examples...)
	a.cleanup = r.Cleanup
	a.cleanup.Errors = append([]string(nil), r.Cleanup.Errors...)
	a.aborted = r.Aborted
	a.couldNotCheck = r.CouldNotCheck
	a.cleanup.LeakedIDs = append([]string(nil), r.Cleanup.LeakedIDs...)
	// Deep: a merge adds into the flows' plans and steps, which must not write into r.
	a.flows = make([]FlowStats, len(r.Flows))
	for i, f := range r.Flows {
		f.Plan = append(Plan(nil), f.Plan...)
		f.Steps = append([]StepStats(nil), f.Steps...)
		a.flows[i] = f
	}
	a.lagLimit = r.Generator.LimitMs
	if h, err := decodeHist(r.Generator.LagHist); err != nil {
		return nil, fmt.Errorf("generator lag: %w", err)
	} else if h != nil {
		a.lag = h
	}
	if h, err := decodeHist(r.Generator.BlockedHist); err != nil {
		return nil, fmt.Errorf("generator blocked: %w", err)
	} else if h != nil {
		a.blocked = h
	}
	for _, x := range r.Rejections {
		ifs := map[string]int64{}
		for k, v := range x.Interfaces {
			ifs[k] = v
		}
		a.rejections[rejectKey{x.Code, x.Throttling}] = &rejectAgg{count: x.Count, ifaces: ifs,
			first: r.Started.Add(time.Duration(x.BeganOffsetSeconds * float64(time.Second)))}
	}
	a.warnings = append([]string(nil), r.Warnings...)
	a.files = append([]string(nil), r.Files...)
	a.run = r.Run
	for _, d := range r.MergeDropped {
		// An interface's "all codes" loss is the render's (result), found again on the next.
		if !strings.HasSuffix(d.Histogram, allCodes) {
			a.drop(d.Histogram, d.Values)
		}
	}
	for _, is := range r.Interfaces {
		codes := map[string]*codeAgg{}
		for _, cs := range is.Codes {
			svc, err := decodeHist(cs.ServiceHist)
			if err != nil {
				return nil, fmt.Errorf("interface %s code %s: %w", is.ID, cs.Code, err)
			}
			cor, err := decodeHist(cs.CorrectedHist)
			if err != nil {
				return nil, fmt.Errorf("interface %s code %s: %w", is.ID, cs.Code, err)
			}
			if svc == nil && cs.Count > 0 {
				return nil, fmt.Errorf("interface %s code %s: no histogram (summary written without histograms)", is.ID, cs.Code)
			}
			st := map[string]int64{}
			for k, v := range cs.Statuses {
				st[k] = v
			}
			codes[cs.Code] = &codeAgg{count: cs.Count, statuses: st, service: svc, corrected: cor}
		}
		a.ifaces[is.ID] = codes
	}
	for _, cb := range r.Callbacks {
		h, err := decodeHist(cb.Hist)
		if err != nil {
			return nil, fmt.Errorf("callback %s: %w", cb.Event, err)
		}
		if h != nil {
			a.callbacks[cb.Event] = h
		}
	}
	for _, s := range r.Series {
		// Kept encoded: decoded when merged or rendered.
		x := &secAgg{target: s.TargetRate, sent: s.AchievedRate, requests: s.Requests,
			success: s.Success, conf: s.ConformanceErrors, callbacks: s.Callbacks, svcEnc: s.ServiceHist, corEnc: s.CorrectedHist,
			busy:        int64(math.Round(s.InFlight * float64(time.Second))),
			sessionTime: int64(math.Round(s.ActiveSessions * float64(time.Second)))}
		for _, si := range s.Interfaces {
			if x.ifaces == nil {
				x.ifaces = map[string]*secIface{}
			}
			x.ifaces[si.ID] = &secIface{requests: si.Requests, enc: si.CorrectedHist}
		}
		a.secs[s.T] = x
	}
	return a, nil
}

// rejectionList renders the refusals, throttling first, then by count.
func (a *aggregate) rejectionList() []Rejection {
	out := make([]Rejection, 0, len(a.rejections))
	for k, x := range a.rejections {
		rj := Rejection{Code: k.code, Throttling: k.throttled, Count: x.count, Interfaces: map[string]int64{}}
		for i, n := range x.ifaces {
			rj.Interfaces[i] = n
		}
		if !a.started.IsZero() {
			rj.BeganOffsetSeconds = round3(x.first.Sub(a.started).Seconds())
		}
		if s := a.secs[a.second(x.first)]; s != nil {
			rj.BeganAtRate = s.requests
			rj.BeganAtTargetRate = round3(s.target)
		}
		out = append(out, rj)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Throttling != out[j].Throttling {
			return out[i].Throttling
		}
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Code < out[j].Code
	})
	if len(out) == 0 {
		return nil
	}
	return out
}

// mergeFlows adds the flows of b into a, by name.
func mergeFlows(a, b []FlowStats) []FlowStats {
	for _, f := range b {
		i := -1
		for j := range a {
			if a[j].Name == f.Name {
				i = j
			}
		}
		if i < 0 {
			f.Steps = append([]StepStats(nil), f.Steps...)
			f.Plan = append(Plan(nil), f.Plan...)
			a = append(a, f)
			continue
		}
		x := &a[i]
		x.TargetArrivals += f.TargetArrivals
		x.Arrivals += f.Arrivals
		x.Completed += f.Completed
		x.Ended += f.Ended
		x.Pool += f.Pool
		if len(x.Plan) == len(f.Plan) {
			for k := range x.Plan {
				x.Plan[k].Rate += f.Plan[k].Rate
				x.Plan[k].From += f.Plan[k].From
			}
		}
		for k := range x.Steps {
			if k < len(f.Steps) {
				x.Steps[k].Count += f.Steps[k].Count
				x.Steps[k].Success += f.Steps[k].Success
			}
		}
	}
	return a
}
