package loadtest

import (
	"bufio"

	"fmt"
	"github.com/pns-harness/pns-harness/pns"
	"os"
	"path/filepath"
	"sync"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

func (r *runner) observe(o *observation) {
	r.agg.observe(o)
	if r.win != nil {
		r.win.record(o, time.Now())
	}
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
		lw = r.newIntervalLog(bw)
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
			r.flushIntervals(lw, lastLog, now)
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
				r.checkAbort(now, &aborted, abort)
			}
		}
	}()
	return done
}

// newIntervalLog starts the HdrHistogram interval log of the run on bw: its header, start
// time and legend.
func (r *runner) newIntervalLog(bw *bufio.Writer) *hdr.HistogramLogWriter {
	lw := hdr.NewHistogramLogWriter(bw)
	_ = lw.OutputComment("pns-harness load " + r.agg.scenario + " " + r.cfg.Name + " shard " + r.agg.shards[0] + "; values in ns, tags <interface>.service / <interface>.corrected")
	_ = lw.OutputLogFormatVersion()
	_ = lw.OutputStartTime(r.start.UnixMilli())
	_ = lw.OutputBaseTime(r.start.UnixMilli())
	lw.SetBaseTime(r.start.UnixMilli())
	_ = lw.OutputLegend()
	return lw
}

// flushIntervals writes the interval histograms gathered since from to lw, one per tag in
// name order, and starts new ones.
func (r *runner) flushIntervals(lw *hdr.HistogramLogWriter, from, now time.Time) {
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
		h.SetStartTimeMs(from.UnixMilli())
		h.SetEndTimeMs(now.UnixMilli())
		_ = lw.OutputIntervalHistogram(h)
	}
}

// checkAbort calls abort, once (aborted), when the target has stopped answering, a window
// threshold broke, or (with abort-on-fail, after the first second) a threshold broke.
func (r *runner) checkAbort(now time.Time, aborted *bool, abort func(string)) {
	if !*aborted {
		if why := r.unreachable(now); why != "" {
			*aborted = true
			r.couldNotCheck.CompareAndSwap(nil, &why)
			abort(why)
		}
	}
	if why := r.win.advance(now); why != "" && !*aborted {
		*aborted = true
		abort(why)
	}
	if r.abortable() && !*aborted && now.Sub(r.start) >= time.Second {
		if why := r.broken(); why != "" {
			*aborted = true
			abort(why)
		}
	}
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
	p := Progress{Elapsed: el, TargetRate: r.plan.RateAt(el), Interval: dt, Primary: r.primary, Live: r.live.Load(),
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
	svc, cor, _, _, _, _ := a.ifaceHists(func(id string) bool { return id == r.primary })
	if svc != nil && svc.TotalCount() > 0 {
		p.P50, p.P99 = ms(svc.ValueAtQuantile(50)), ms(svc.ValueAtQuantile(99))
	}
	if cor != nil && cor.TotalCount() > 0 {
		p.CorrectedP99 = ms(cor.ValueAtQuantile(99))
	}
	if a.lag.TotalCount() > 0 {
		p.LagP99 = ms(a.lag.ValueAtQuantile(99))
		p.GeneratorBound = a.lagLimit > 0 && p.LagP99 > a.lagLimit
	}
	for k, x := range a.rejections {
		if k.throttled {
			p.Throttled += x.count
		}
	}
	return p, sent
}

// unreachable says why the target counts as unreachable at now, or "": no HTTP answer for
// UnreachableAfter while requests failed at the transport level.
func (r *runner) unreachable(now time.Time) string {
	d := r.cfg.UnreachableAfter
	if d <= 0 || r.stopping.Load() {
		return ""
	}
	n := r.downErrs.Load()
	quiet := now.Sub(time.Unix(0, r.lastAnswer.Load()))
	if n == 0 || quiet < d {
		return ""
	}
	last := ""
	if e := r.lastDownErr.Load(); e != nil {
		last = ": last " + *e
	}
	return fmt.Sprintf("target unreachable: no answer for %s, %d requests failed at the transport level%s", quiet.Round(100*time.Millisecond), n, last)
}

// abortable reports whether a broken run-wide threshold stops the load: --abort-on-fail, or
// a threshold with AbortSuffix.
func (r *runner) abortable() bool {
	for _, t := range r.cfg.Thresholds {
		if r.cfg.AbortOnFail || t.Abort {
			return true
		}
	}
	return false
}

// broken evaluates the thresholds on a snapshot and returns the first broken one.
func (r *runner) broken() string {
	snap := r.snapshot()
	out, err := Evaluate(snap, r.cfg.Thresholds)
	if err != nil {
		return ""
	}
	for i, o := range out {
		if !o.OK && !o.Unmeasured && (r.cfg.AbortOnFail || r.cfg.Thresholds[i].Abort) {
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
	c.targetHits = float64(r.expectedHits(el))
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
	c.lag, c.blocked, c.lagLimit = a.lag.Clone(), a.blocked.Clone(), a.lagLimit
	for k, x := range a.rejections {
		c.rejections[k] = &rejectAgg{count: x.count, first: x.first, ifaces: map[string]int64{}}
	}
	c.started = a.started
	a.mu.Unlock()
	for _, f := range r.flows {
		c.flows = append(c.flows, FlowStats{Name: f.name, Arrivals: f.arrivals.Load(), Completed: f.completed.Load(), Ended: f.ended.Load()})
	}
	res, _ := c.result(false)
	return res
}
