package loadtest

import (
	"fmt"
	"strings"
	"sync"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// AbortSuffix ends a threshold that stops the load as soon as it is broken (k6's
// abortOnFail), e.g. "axb.bind.p99[10s]<200ms!abort".
const AbortSuffix = "!abort"

// parseWindow parses the W of SCOPE.STAT[W]: a whole number of seconds, because the windows
// slide by the second, from 1s to MaxDuration.
func parseWindow(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return 0, fmt.Errorf("window %q is not a duration such as 10s", s)
	case d < time.Second:
		return 0, fmt.Errorf("window %s is shorter than 1s (windows slide by the second)", s)
	case d%time.Second != 0:
		return 0, fmt.Errorf("window %s is not a whole number of seconds (windows slide by the second)", s)
	case d > MaxDuration:
		return 0, fmt.Errorf("window %s is longer than the longest load (%s)", s, MaxDuration)
	}
	return d, nil
}

// windowable reports whether t's metric can be windowed: the per-interface statistics, which
// the run buckets by second; run-wide counters (rate, conformance, flows, …) have no window.
func windowable(t Threshold) bool {
	switch {
	case t.Scope == "rate", t.Scope == "conformance", t.Scope == "throttling", t.Scope == "rejections",
		t.Scope == "flow", strings.HasPrefix(t.Scope, "flow."), strings.HasPrefix(t.Scope, "generator"),
		t.Scope == "callback", strings.HasPrefix(t.Scope, "callback."):
		return false
	}
	return true
}

// WindowOutcome is what the load saw of one windowed threshold: every full window with
// samples is checked. Actual is the first failing window's value, or else the worst one
// (highest for < and <=, lowest for > and >=, the last for == and !=).
type WindowOutcome struct {
	Expr          string  `json:"expr"`
	WindowSeconds int64   `json:"windowSeconds"`
	Checked       int64   `json:"checked"`
	Failed        int64   `json:"failed"`
	Actual        float64 `json:"actual"`
	// ActualEnd is the end (seconds from the load's start) of the window Actual is from;
	// FirstFailedEnd that of the first failing window (0: none failed).
	ActualEnd      int64 `json:"actualEndSeconds"`
	FirstFailedEnd int64 `json:"firstFailedEndSeconds,omitempty"`
	// ElapsedSeconds is how long the load ran (whole seconds), for a "not checked" reason.
	ElapsedSeconds int64 `json:"elapsedSeconds"`
	// Inexact counts the windows left unchecked because merging their seconds' histograms
	// dropped values (DroppedOnMerge in all), so the window's percentile would leave them out:
	// such a window is neither passed nor failed.
	Inexact        int64 `json:"inexactWindows,omitempty"`
	DroppedOnMerge int64 `json:"droppedOnMerge,omitempty"`
}

// winBucket is one interface's answers recorded in one second.
type winBucket struct {
	count, success int64
	codes          map[string]int64
	svc, cor       *hdr.Histogram
}

// LiveSecond is what a load recorded in one second: every answer (and request that failed
// without one) of each interface, by the second in which the harness recorded it. The
// seconds of a run together hold every request of its Result's interfaces.
type LiveSecond struct {
	// Offset is the second's start in seconds from the load's start; Time its end (the
	// load's end for the last, partial, second) and Seconds its length (1 but for the last).
	Offset  int64
	Time    time.Time
	Seconds float64
	// Interfaces are sorted by ID; an interface without requests in the second is absent.
	Interfaces []LiveInterface
}

// LiveInterface is one interface's requests in a LiveSecond.
type LiveInterface struct {
	ID string
	// Requests counts the answers and failed requests; Success those with resultcode "0";
	// Codes every outcome by result code ("transport" for a request without an answer, as
	// in the Result).
	Requests, Success int64
	Codes             map[string]int64
	// Latency is the service time (ms) of the requests entered in the latency statistics
	// (Latency.Count of them: a stopping load's early unbinds are counted, not timed).
	Latency Latency
}

// windows evaluates the windowed thresholds of a run as its seconds complete. Answers are
// bucketed by the second (from the load's start) in which they were recorded, so a window
// is complete, and never changes, once its end has passed; buckets older than the longest
// window are dropped, so memory is bounded by the window, not the run.
type windows struct {
	mu      sync.Mutex
	start   time.Time
	ths     []Threshold
	abort   []bool
	out     []WindowOutcome
	buckets map[int64]map[string]*winBucket
	next    int64 // the next window end to evaluate (seconds from start)
	longest int64
	reason  string // the first abort-worthy failure, once
	closed  bool   // the load is over: no window is evaluated any more
	// onSecond receives each second as it completes (Config.OnSecond).
	onSecond func(LiveSecond)
}

// newWindows tracks ts's windowed thresholds and hands each second to onSecond (nil when there
// is neither); abortAll makes every windowed threshold stop the load (--abort-on-fail).
func newWindows(ts []Threshold, abortAll bool, onSecond func(LiveSecond)) *windows {
	w := &windows{buckets: map[int64]map[string]*winBucket{}, next: 1, onSecond: onSecond}
	for _, t := range ts {
		if t.Window <= 0 {
			continue
		}
		sec := int64(t.Window / time.Second)
		w.ths = append(w.ths, t)
		w.abort = append(w.abort, abortAll || t.Abort)
		w.out = append(w.out, WindowOutcome{Expr: t.Expr, WindowSeconds: sec})
		w.longest = max(w.longest, sec)
	}
	if len(w.ths) == 0 && onSecond == nil {
		return nil
	}
	return w
}

// begin sets the load's start, the origin of the seconds.
func (w *windows) begin(t time.Time) {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.start = t
	w.mu.Unlock()
}

// record enters an answer recorded at now.
func (w *windows) record(o *observation, now time.Time) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.start.IsZero() {
		return
	}
	sec := int64(now.Sub(w.start) / time.Second)
	if sec < w.next-1 {
		sec = w.next - 1 // recorded after its window was closed: it counts in the open second
	}
	m := w.buckets[sec]
	if m == nil {
		m = map[string]*winBucket{}
		w.buckets[sec] = m
	}
	b := m[o.iface]
	if b == nil {
		b = &winBucket{codes: map[string]int64{}, svc: newSecHist(), cor: newSecHist()}
		m[o.iface] = b
	}
	b.count++
	b.codes[o.code]++
	if o.success {
		b.success++
	}
	if !o.drained {
		record(b.svc, o.service)
		record(b.cor, o.corrected)
	}
}

// advance evaluates every window that ended by now and returns the reason of the first
// failure of a threshold that aborts ("" when none, and only once).
func (w *windows) advance(now time.Time) string {
	if w == nil {
		return ""
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.start.IsZero() || w.closed {
		return ""
	}
	done := int64(now.Sub(w.start) / time.Second)
	var reason string
	for ; w.next <= done; w.next++ {
		e := w.next
		w.emit(e-1, time.Second)
		for i, t := range w.ths {
			o := &w.out[i]
			o.ElapsedSeconds = e
			if e < o.WindowSeconds {
				continue
			}
			v, ok, dropped := w.value(t, e-o.WindowSeconds, e)
			if dropped > 0 {
				o.Inexact++
				o.DroppedOnMerge += dropped
				continue
			}
			if !ok {
				continue
			}
			o.Checked++
			held := Compare(v, t.Op, t.Value)
			if !held {
				o.Failed++
				if o.FirstFailedEnd == 0 {
					o.FirstFailedEnd, o.Actual, o.ActualEnd = e, v, e
					if w.abort[i] && w.reason == "" && reason == "" {
						reason = fmt.Sprintf("threshold %s broken in the window %ds-%ds (actual %g%s)",
							t.Expr, e-o.WindowSeconds, e, v, unitOf(t))
					}
				}
				continue
			}
			if o.Failed == 0 && (o.Checked == 1 || worse(t.Op, v, o.Actual)) {
				o.Actual, o.ActualEnd = v, e
			}
		}
		delete(w.buckets, e-w.longest-1)
	}
	if reason != "" {
		w.reason = reason
	}
	return reason
}

// worse reports whether v is further than cur from breaking a threshold with op's limit, in
// the direction that breaks it.
func worse(op string, v, cur float64) bool {
	switch op {
	case "<", "<=":
		return v > cur
	case ">", ">=":
		return v < cur
	}
	return true
}

func unitOf(t Threshold) string {
	switch t.Kind {
	case "latency":
		return "ms"
	case "percent":
		return "%"
	}
	return ""
}

// value computes t's statistic over the seconds [from, to); ok is false when the window has
// no sample of the metric, dropped how many values merging the seconds' histograms could not
// hold (a latency statistic is exact only when it is 0). The caller holds w.mu.
func (w *windows) value(t Threshold, from, to int64) (v float64, ok bool, dropped int64) {
	var count, success int64
	var h *hdr.Histogram
	for s := from; s < to; s++ {
		for id, b := range w.buckets[s] {
			if !(t.Scope == "all" || id == t.Scope || strings.HasSuffix(id, "."+t.Scope)) {
				continue
			}
			count += b.count
			success += b.success
			src := b.svc
			if t.Corrected {
				src = b.cor
			}
			if src.TotalCount() > 0 {
				if h == nil {
					h = newSecHist()
				}
				dropped += h.Merge(src)
			}
		}
	}
	switch t.Stat {
	case "count":
		return float64(count), true, 0
	case "success":
		return pct(success, count), count > 0, 0
	}
	if h == nil {
		return 0, false, 0
	}
	return latencyStat(h, t.Stat), true, dropped
}

// outcomes returns a copy of the windowed outcomes so far.
func (w *windows) outcomes() []WindowOutcome {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]WindowOutcome(nil), w.out...)
}

// evaluateWindowed fills o for the windowed threshold t from the outcomes a load recorded.
func evaluateWindowed(r *Result, t Threshold, o *ThresholdOutcome) {
	var w *WindowOutcome
	for i := range r.Windows {
		if r.Windows[i].Expr == t.Expr {
			w = &r.Windows[i]
		}
	}
	sec := int64(t.Window / time.Second)
	switch {
	case w == nil:
		o.Unmeasured = true
		o.Detail = "not checked: windowed thresholds are evaluated while the load runs, and this result has no windows of it"
	case w.Failed == 0 && w.Inexact > 0:
		// A window whose merge dropped values was not checked, so "held in all" would be a
		// false pass: the threshold is not checked, and says why.
		o.Unmeasured = true
		o.Detail = fmt.Sprintf("not checked: %d full %ds window(s) not exact (merging their seconds' histograms dropped %d value(s)); %d checked", w.Inexact, sec, w.DroppedOnMerge, w.Checked)
	case w.Checked == 0 && w.ElapsedSeconds < sec:
		o.Unmeasured = true
		o.Detail = fmt.Sprintf("not checked: no full %ds window, the load ran %ds", sec, w.ElapsedSeconds)
	case w.Checked == 0:
		o.Unmeasured = true
		o.Detail = fmt.Sprintf("not checked: no full %ds window had samples", sec)
	case w.Failed > 0:
		o.Actual = w.Actual
		o.Detail = fmt.Sprintf("%d of %d full %ds windows broke it, the first ending at %ds", w.Failed, w.Checked, sec, w.FirstFailedEnd)
		if w.Inexact > 0 {
			o.Detail += fmt.Sprintf(" (%d window(s) not checked: merging dropped %d value(s))", w.Inexact, w.DroppedOnMerge)
		}
	default:
		o.OK, o.Actual = true, w.Actual
		o.Detail = fmt.Sprintf("held in all %d full %ds windows (worst ending at %ds)", w.Checked, sec, w.ActualEnd)
	}
}

// close evaluates the windows ending by the load's end and freezes them: the seconds after it
// (callback wait, cleanup) are not load.
func (w *windows) close(end time.Time) {
	if w == nil {
		return
	}
	w.advance(end)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	// The last, partial, second and anything recorded after the end (nothing, as the load
	// is over when it is closed): the seconds must hold every request.
	last := w.next - 1
	for s := range w.buckets {
		last = max(last, s)
	}
	for s := w.next - 1; s <= last; s++ {
		length := time.Second
		if rest := end.Sub(w.start.Add(time.Duration(s) * time.Second)); rest > 0 && rest < time.Second {
			length = rest
		}
		if _, ok := w.buckets[s]; ok || s == w.next-1 && length < time.Second {
			w.emit(s, length)
		}
	}
}

// emit hands second s (of the given length) to onSecond. The caller holds w.mu.
func (w *windows) emit(s int64, length time.Duration) {
	if w.onSecond == nil {
		return
	}
	ls := LiveSecond{Offset: s, Time: w.start.Add(time.Duration(s)*time.Second + length).UTC(), Seconds: length.Seconds()}
	ids := make([]string, 0, len(w.buckets[s]))
	for id := range w.buckets[s] {
		ids = append(ids, id)
	}
	sortStrings(ids)
	for _, id := range ids {
		b := w.buckets[s][id]
		codes := make(map[string]int64, len(b.codes))
		for c, n := range b.codes {
			codes[c] = n
		}
		ls.Interfaces = append(ls.Interfaces, LiveInterface{ID: id, Requests: b.count, Success: b.success, Codes: codes, Latency: summarize(b.svc)})
	}
	w.onSecond(ls)
}
