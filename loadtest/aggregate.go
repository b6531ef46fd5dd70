package loadtest

import (
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
