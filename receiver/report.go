package receiver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Deliveries describes how the platform delivered the bodies the receiver accepted.
type Deliveries struct {
	// Attempts counts accepted bodies by the number of deliveries they took ("1" = first
	// attempt; "8" = eight or more).
	Attempts map[string]int64 `json:"attempts,omitempty"`
	// FirstRepush is the interval from a refused first delivery to its first re-push, over
	// the bodies re-pushed (reference §7.6: 1 minute).
	FirstRepush *IntervalStats `json:"firstRepush,omitempty"`
	// FirstAttemptDelay is the delay of the refused first attempt of the re-pushed call
	// events and fee records (their Latency is that of the accepted delivery).
	FirstAttemptDelay *IntervalStats `json:"firstAttemptDelay,omitempty"`
}

// IntervalStats summarise measured intervals.
type IntervalStats struct {
	Count int64         `json:"count"`
	Min   time.Duration `json:"minNs"`
	Mean  time.Duration `json:"meanNs"`
	Max   time.Duration `json:"maxNs"`
}

// Latency summarises one latency histogram. Values are in milliseconds; Histogram holds the
// full HdrHistogram (V2 compressed, base64, unit microseconds) for merging and re-analysis.
type Latency struct {
	// Reference is RefPlatform or RefTrigger.
	Reference string `json:"reference"`
	// Type is the event type ("callin" … "disconnect", "collectInfo"), "fee", or the SMS kind.
	Type      string  `json:"type"`
	Count     int64   `json:"count"`
	MinMs     float64 `json:"minMs"`
	MeanMs    float64 `json:"meanMs"`
	P50Ms     float64 `json:"p50Ms"`
	P90Ms     float64 `json:"p90Ms"`
	P99Ms     float64 `json:"p99Ms"`
	P999Ms    float64 `json:"p999Ms"`
	MaxMs     float64 `json:"maxMs"`
	Histogram string  `json:"histogram"`
	// Series is the delay over time (omitted by Merge, whose inputs have separate clocks).
	Series []DelayPoint `json:"series,omitempty"`
}

// DelayPoint is one bucket of a delay-over-time series: arrivals in [AtS−WidthS, AtS) seconds
// after the receiver started.
type DelayPoint struct {
	AtS    float64 `json:"atS"`
	WidthS float64 `json:"widthS"`
	Count  int64   `json:"count"`
	MeanMs float64 `json:"meanMs"`
	MaxMs  float64 `json:"maxMs"`
}

// Hist decodes the histogram.
func (l Latency) Hist() (*hdrhistogram.Histogram, error) {
	return hdrhistogram.Decode([]byte(l.Histogram))
}

func summarise(ref, typ string, h *hdrhistogram.Histogram) (Latency, error) {
	enc, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return Latency{}, fmt.Errorf("receiver: encode histogram %s/%s: %w", ref, typ, err)
	}
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return Latency{Reference: ref, Type: typ, Count: h.TotalCount(),
		MinMs: ms(h.Min()), MeanMs: h.Mean() / 1000, P50Ms: ms(h.ValueAtQuantile(50)),
		P90Ms: ms(h.ValueAtQuantile(90)), P99Ms: ms(h.ValueAtQuantile(99)),
		P999Ms: ms(h.ValueAtQuantile(99.9)), MaxMs: ms(h.Max()), Histogram: string(enc)}, nil
}

// ReportFormat is the Report.Format of this receiver: 2 counts every duplicate once, in its
// type's row (ByType[t].Duplicate, Counters.DuplicatesUntyped), and every invalid body once
// (Counters.Invalid); 3 also counts, per type, the received records about expected calls
// (ByType[t].OfExpected), so that a report can keep the two scopes apart.
const ReportFormat = 3

// Report is a JSON-serialisable snapshot of the receiver.
type Report struct {
	// Format is ReportFormat (absent from the reports of older harnesses).
	Format   int           `json:"format,omitempty"`
	Started  time.Time     `json:"started"`
	Elapsed  time.Duration `json:"elapsedNs"`
	Counters Counters      `json:"counters"`
	// ByKind counts deliveries per detected kind; ByEventType distinct bodies per eventType
	// (fee, numStatus and SMS kinds included); ByScheme deliveries per signature scheme.
	ByKind      map[string]int64 `json:"byKind"`
	ByEventType map[string]int64 `json:"byEventType"`
	ByScheme    map[string]int64 `json:"byScheme"`
	Sessions    SessionCounts    `json:"sessions"`
	// ByType holds expected, received and anomaly counts per notification type.
	ByType map[string]TypeCounts `json:"byType,omitempty"`
	// Causes counts the distinct disconnect events by hang-up cause (stateCode, reference
	// §7.7): the decimal code, or CauseAbsent, or CauseNotInteger. pns.LookupHangupCause
	// gives a code's meaning; a code it does not know is no cause of the contract.
	Causes map[string]int64 `json:"causes,omitempty"`
	// BlockReplies counts the replies given to Block requests, every delivery included, by
	// "callin " or "sms " and the operation ("callin connect", "sms DiscardMessage"), or
	// "callin invalid" / "sms invalid" for a reply the contract does not allow.
	BlockReplies map[string]int64 `json:"blockReplies,omitempty"`
	// PlatformClock summarises delays measured against the platform's timestamps.
	PlatformClock *ClockOffset `json:"platformClock,omitempty"`
	// Final is true for a snapshot taken with Final: expectations not yet due count missing.
	Final bool `json:"final,omitempty"`
	// Settle is Options.Settle: when non-zero, calls were judged from their own pushes.
	Settle time.Duration `json:"settleNs,omitempty"`
	// Deliveries are the attempts per accepted body and the measured re-push interval.
	Deliveries *Deliveries `json:"deliveries,omitempty"`
	// Latency is sorted by Reference, then Type.
	Latency []Latency `json:"latency"`
	// Failures holds at most MaxDetails sessions with problems.
	Failures      []SessionDetail      `json:"failures,omitempty"`
	Violations    []ViolationSample    `json:"violations,omitempty"`
	BadSignatures []BadSignatureSample `json:"badSignatures,omitempty"`
	// Duplicates holds at most MaxDetails bodies accepted once and delivered again.
	Duplicates []DuplicateSample `json:"duplicates,omitempty"`
	// MergeDropped counts, by delay histogram ("reference/type"), the values Merge could not
	// add (outside the range of the histogram they were added to): such a merge is not exact
	// and its delay percentiles leave them out. Empty when every value was kept.
	MergeDropped map[string]int64 `json:"mergeDropped,omitempty"`
}

// LatencyFor returns the summary of one reference and type.
func (rep Report) LatencyFor(ref, typ string) (Latency, bool) {
	for _, l := range rep.Latency {
		if l.Reference == ref && l.Type == typ {
			return l, true
		}
	}
	return Latency{}, false
}

// Snapshot returns the current report. Expectations past their deadline are reported missing.
func (r *Receiver) Snapshot() Report { return r.snapshot(false) }

// Final returns the report at the end of a run: expectations not yet past their deadline are
// reported missing too, since nothing more will arrive.
func (r *Receiver) Final() Report { return r.snapshot(true) }

func (r *Receiver) snapshot(final bool) Report {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	st := &r.st
	rep := Report{Format: ReportFormat, Started: r.start, Elapsed: now.Sub(r.start), Counters: st.c, Final: final,
		ByKind: cloneCounts(st.byKind), ByEventType: cloneCounts(st.byEventType), ByScheme: cloneCounts(st.byScheme),
		ByType:        map[string]TypeCounts{},
		Causes:        nilIfEmpty(cloneCounts(st.causes)),
		BlockReplies:  nilIfEmpty(cloneCounts(st.replies)),
		Violations:    append([]ViolationSample(nil), st.violations...),
		BadSignatures: append([]BadSignatureSample(nil), st.badSigs...),
		Duplicates:    append([]DuplicateSample(nil), st.dups...)}
	for t, c := range st.types {
		tc := *c
		tc.Missing = st.retiredMiss[t]
		rep.ByType[t] = tc
	}
	if p := st.platform; p.n > 0 {
		rep.PlatformClock = &ClockOffset{Samples: p.n, MinMs: float64(p.min) / float64(time.Millisecond), MaxMs: float64(p.max) / float64(time.Millisecond)}
	}
	rep.Latency = st.latencies()
	rep.Deliveries = st.deliveries()
	rep.Settle = r.opts.Settle
	r.judgeSessions(&rep, final, now)
	return rep
}

// latencies summarises the delay histograms of every reference and type, with their series,
// in a stable order.
func (st *state) latencies() []Latency {
	var out []Latency
	for ref, m := range st.lat {
		for typ, h := range m {
			l, err := summarise(ref, typ, h)
			if err == nil {
				l.Series = st.series[ref][typ].points()
				out = append(out, l)
			}
		}
	}
	sortLatency(out)
	return out
}

// deliveries reports the delivery attempts per push and the measured re-push intervals, nil
// when no attempt was counted.
func (st *state) deliveries() *Deliveries {
	if len(st.attemptsHist) == 0 {
		return nil
	}
	d := &Deliveries{Attempts: map[string]int64{}}
	for n, c := range st.attemptsHist {
		d.Attempts[fmt.Sprint(n)] = c
	}
	if p := st.repush; p.n > 0 {
		d.FirstRepush = p.stats()
	}
	if p := st.firstAttempt; p.n > 0 {
		d.FirstAttemptDelay = p.stats()
	}
	return d
}

func sortLatency(ls []Latency) {
	sort.Slice(ls, func(i, j int) bool {
		if ls[i].Reference != ls[j].Reference {
			return ls[i].Reference < ls[j].Reference
		}
		return ls[i].Type < ls[j].Type
	})
}

// points renders a series (nil-safe).
func (s *series) points() []DelayPoint {
	if s == nil {
		return nil
	}
	out := make([]DelayPoint, 0, len(s.pts))
	w := s.width.Seconds()
	for i, p := range s.pts {
		if p.count == 0 {
			continue
		}
		out = append(out, DelayPoint{AtS: float64(i+1) * w, WidthS: w, Count: p.count,
			MeanMs: float64(p.sumUs) / float64(p.count) / 1000, MaxMs: float64(p.max) / 1000})
	}
	return out
}

// ReportHandler serves Snapshot as JSON on GET (for `harness receive` and for watching a
// long run); mount it on a path separate from the push handler.
func (r *Receiver) ReportHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		b, err := json.Marshal(r.Snapshot())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	})
}
