package loadtest

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// sink is an opened vegeta gob result file, one per flow.
type sink struct {
	name string
	f    *os.File
	bw   *bufio.Writer
	enc  vegeta.Encoder
}

func (r *runner) openSink(name string) (*sink, error) {
	f, err := os.Create(filepath.Join(r.cfg.OutDir, name))
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	r.agg.files = append(r.agg.files, name)
	return &sink{name: name, f: f, bw: bw, enc: vegeta.NewEncoder(bw)}, nil
}

func (s *sink) close() error {
	if s == nil {
		return nil
	}
	err := s.bw.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (r *runner) prepareOut() error {
	if r.cfg.OutDir == "" {
		return nil
	}
	return os.MkdirAll(r.cfg.OutDir, 0o755)
}

// openFiles opens a gob file per flow and the interval log (nil without an output directory).
func (r *runner) openFiles() ([]*sink, *hlogSink, error) {
	for _, f := range r.flows {
		r.agg.attacks = append(r.agg.attacks, f.attack)
	}
	if r.cfg.OutDir == "" {
		return nil, nil, nil
	}
	sinks := make([]*sink, len(r.flows))
	closeAll := func() {
		for _, s := range sinks {
			_ = s.close()
		}
	}
	for i, f := range r.flows {
		s, err := r.openSink(f.attack + ".gob")
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		sinks[i] = s
	}
	hl, err := r.openLog()
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	return sinks, hl, nil
}

// encode writes each hit as a vegeta Result to its flow's gob file, then closes the files.
func (r *runner) encode(hits <-chan *hit, sinks []*sink) {
	var werr error
	for h := range hits {
		if werr != nil {
			putHit(h)
			continue
		}
		res := vegeta.Result{Attack: h.s.flow.attack, Seq: h.seq, Code: uint16(h.status),
			Timestamp: h.start, Latency: h.latency, BytesOut: uint64(h.bytesOut), BytesIn: uint64(h.bytesIn),
			Error: h.err, Body: h.body, Method: h.req.method, URL: h.req.url, Headers: http.Header(nil)}
		s := sinks[h.s.flow.idx]
		if err := s.enc.Encode(&res); err != nil {
			werr = fmt.Errorf("%s: %w", s.name, err)
		}
		putHit(h) // encoded: nothing reads it any more
	}
	for _, s := range sinks {
		if err := s.close(); err != nil && werr == nil {
			werr = fmt.Errorf("%s: %w", s.name, err)
		}
	}
	if werr != nil {
		r.mu.Lock()
		if r.fileErr == nil {
			r.fileErr = werr
		}
		r.mu.Unlock()
	}
}

// stopper stops the load once, recording why.
type stopper struct {
	once   sync.Once
	reason string
	at     time.Time
	mu     sync.Mutex
}

func (s *stopper) stop(reason string, f func()) {
	s.once.Do(func() {
		s.mu.Lock()
		s.reason, s.at = reason, time.Now()
		s.mu.Unlock()
		f()
	})
}

func (s *stopper) get() (string, time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reason, s.at
}

// finish computes the run-wide figures, evaluates the thresholds and writes the summary.
func (r *runner) finish(st *stopper) (*Result, error) {
	// A run that was not stopped lasted its plan (the last arrival may leave before the
	// plan's end); a stopped one lasted until the stop.
	reason, at := st.get()
	el := r.plan.Total()
	if reason != "" {
		el = min(at.Sub(r.start), el)
	}
	a := r.agg
	a.mu.Lock()
	a.aborted = reason
	if why := r.couldNotCheck.Load(); why != nil {
		a.couldNotCheck = *why
	}
	a.ended = time.Now()
	a.elapsed = el.Seconds()
	a.targetHits = float64(r.expectedHits(el))
	a.addPlanTargets(r.plan, el)
	a.flows = a.flows[:0]
	for _, f := range r.flows {
		fs := FlowStats{Name: f.name, Mode: f.m.key, Plan: f.plan, Pool: f.spec.Pool,
			TargetArrivals: float64(f.plan.ExpectedHits(el)), Arrivals: f.arrivals.Load(),
			Completed: f.completed.Load(), Ended: f.ended.Load()}
		for i, s := range f.steps {
			fs.Steps = append(fs.Steps, StepStats{Op: s.name, Interface: s.iface, ThinkSeconds: s.think.Seconds(),
				Count: f.sent[i].Load(), Success: f.success[i].Load()})
		}
		a.flows = append(a.flows, fs)
	}
	if a.targetHits > 0 && float64(a.sentHits) < 0.9*a.targetHits && reason == "" {
		a.warnings = append(a.warnings, fmt.Sprintf("the generator sent %d of %.0f scheduled requests: raise --max-workers or lower the rate", a.sentHits, a.targetHits))
	}
	a.mu.Unlock()
	res, err := a.result(true)
	if err != nil {
		return nil, err
	}
	res.Windows = r.win.outcomes()

	if len(r.cfg.Thresholds) > 0 {
		if _, err := Evaluate(res, r.cfg.Thresholds); err != nil {
			return nil, err
		}
	}
	r.mu.Lock()
	ferr := r.fileErr
	r.mu.Unlock()
	if ferr != nil {
		return res, ferr
	}
	if r.cfg.OutDir != "" {
		if err := res.WriteResult(r.cfg.OutDir); err != nil {
			return res, err
		}
	}
	return res, nil
}

// expectedHits is the arrivals every flow's plan schedules in [0, el].
func (r *runner) expectedHits(el time.Duration) uint64 {
	var n uint64
	for _, f := range r.flows {
		n += f.plan.ExpectedHits(el)
	}
	return n
}
