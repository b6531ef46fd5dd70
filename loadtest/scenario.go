package loadtest

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/pns-harness/pns-harness/pns"
)

// sink is an opened result file.
type sink struct {
	name string
	f    *os.File
	bw   *bufio.Writer
	enc  vegeta.Encoder
}

func (r *runner) openSink(name string) (*sink, error) {
	if r.cfg.OutDir == "" {
		return nil, nil
	}
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

func (r *runner) runBindUnbind(ctx context.Context) (*Result, error) {
	r.primary = r.bindIface.ID
	r.agg.primary = r.primary
	if err := r.prepareOut(); err != nil {
		return nil, err
	}
	bindName, unbindName := r.attackName("bind"), r.attackName("unbind")
	r.agg.attacks = []string{bindName, unbindName}
	bindSink, err := r.openSink(bindName + ".gob")
	if err != nil {
		return nil, err
	}
	unbindSink, err := r.openSink(unbindName + ".gob")
	if err != nil {
		_ = bindSink.close()
		return nil, err
	}
	r.queue = newUnbindQueue(func(el time.Duration) float64 { return r.plan.RateAt(el - r.hold) })
	bindAtk, unbindAtk := r.attacker(), r.attacker()

	var st stopper
	stopLoad := func(reason string) {
		st.stop(reason, func() {
			bindAtk.Stop()
			r.queue.drainNow()
			// Unbinds get one request timeout (plus slack) to drain; the rest is cleanup's.
			time.AfterFunc(r.cfg.Timeout+5*time.Second, r.queue.stop)
		})
	}
	hl, err := r.openLog()
	if err != nil {
		_ = bindSink.close()
		_ = unbindSink.close()
		return nil, err
	}
	unbindRes := unbindAtk.Attack(r.unbindTargeter(), r.queue, 0, unbindName)
	r.drive(ctx, hl, stopLoad, func() (<-chan struct{}, func()) {
		bindRes := bindAtk.Attack(r.bindTargeter(), PlanPacer{Plan: r.plan}, r.attackBound(), bindName)
		bindDone := r.consume(bindRes, bindSink, r.handleBind)
		unbindDone := r.consume(unbindRes, unbindSink, r.handleUnbind)
		// Watch until the unbinds are done too: a cancel during a long hold drains at once.
		return unbindDone, func() {
			<-bindDone
			r.queue.finish()
			<-unbindDone
		}
	})
	r.cleanup(ctx)
	return r.finish(&st)
}

// consume reads an attack's results without delay (vegeta's results channel is unbuffered and
// a slow reader would stall its workers) into a buffered channel, checks them on one goroutine
// per CPU (JSON, schemas, histograms) and writes them to the gob file from a single goroutine.
// done is closed when everything is processed and the file is closed.
func (r *runner) consume(results <-chan *vegeta.Result, s *sink, handle func(*vegeta.Result)) chan struct{} {
	buf := make(chan *vegeta.Result, 1<<14)
	go func() {
		for res := range results {
			buf <- res
		}
		close(buf)
	}()
	var enc chan *vegeta.Result
	if s != nil {
		enc = make(chan *vegeta.Result, 1<<12)
	}
	var wg sync.WaitGroup
	for i := 0; i < max(1, runtime.GOMAXPROCS(0)); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for res := range buf {
				if res.Error == vegeta.ErrNoTargets.Error() && res.Method == "" {
					continue // the extra result of a targeter that ended the attack
				}
				handle(res)
				if enc != nil {
					enc <- res
				}
			}
		}()
	}
	done := make(chan struct{})
	if enc == nil {
		go func() {
			wg.Wait()
			close(done)
		}()
		return done
	}
	go func() {
		wg.Wait()
		close(enc)
	}()
	go func() {
		defer close(done)
		var werr error
		for res := range enc {
			if werr == nil {
				werr = s.enc.Encode(res)
			}
		}
		if err := s.close(); err != nil && werr == nil {
			werr = err
		}
		if werr != nil {
			r.mu.Lock()
			if r.fileErr == nil {
				r.fileErr = fmt.Errorf("%s: %w", s.name, werr)
			}
			r.mu.Unlock()
		}
	}()
	return done
}

// finish computes the run-wide figures, evaluates the thresholds and writes the summary.
func (r *runner) finish(st *stopper) (*Result, error) {
	// A run that was not stopped lasted its plan (the last hit may leave before the plan's
	// end); a stopped one lasted until the stop.
	reason, at := st.get()
	el := r.plan.Total()
	if reason != "" {
		el = min(at.Sub(r.start), el)
	}
	a := r.agg
	a.mu.Lock()
	a.aborted = reason
	a.ended = time.Now()
	a.elapsed = el.Seconds()
	a.targetHits = float64(r.plan.ExpectedHits(el))
	a.addPlanTargets(r.plan, el)
	if a.targetHits > 0 && float64(a.sentHits) < 0.9*a.targetHits && reason == "" {
		a.warnings = append(a.warnings, fmt.Sprintf("the generator sent %d of %.0f scheduled requests: raise --max-workers or lower the rate", a.sentHits, a.targetHits))
	}
	a.mu.Unlock()
	res, err := a.result(true)
	if err != nil {
		return nil, err
	}
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
		if err := res.WriteSummary(r.cfg.OutDir); err != nil {
			return res, err
		}
	}
	return res, nil
}

// cleanup removes every binding the load may have left: queued or failed unbinds, and binds
// whose answer was lost (reconciled by query or by number pair).
func (r *runner) cleanup(ctx context.Context) {
	var bs []*binding
	if r.queue != nil {
		bs = r.queue.remaining()
	}
	r.mu.Lock()
	bs = append(bs, r.leftovers...)
	orphans := r.orphans
	r.leftovers, r.orphans = nil, nil
	r.mu.Unlock()
	if len(bs) == 0 && len(orphans) == 0 {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	jobs := make(chan func() error)
	var retried, leaked atomic.Int64
	var emu sync.Mutex
	var errs []string
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if err := retry(cctx, j); err != nil {
					leaked.Add(1)
					emu.Lock()
					errs = addExample(errs, err.Error())
					emu.Unlock()
				} else {
					retried.Add(1)
				}
			}
		}()
	}
	c := r.client()
	for _, b := range bs {
		jobs <- func() error {
			if err := r.unbindSub(cctx, c, b.sub); err != nil {
				return err
			}
			r.live.Add(-1)
			r.pool.release(b.info.xi)
			return nil
		}
	}
	for _, o := range orphans {
		jobs <- func() error {
			if err := r.reconcile(cctx, c, o); err != nil {
				return err
			}
			r.pool.release(o.xi)
			return nil
		}
	}
	close(jobs)
	wg.Wait()
	r.agg.mu.Lock()
	r.agg.cleanup.Retried += retried.Load()
	r.agg.cleanup.Leaked += leaked.Load()
	for _, e := range errs {
		r.agg.cleanup.Errors = addExample(r.agg.cleanup.Errors, e)
	}
	r.agg.mu.Unlock()
}

func (r *runner) client() *pns.Client {
	var tr http.RoundTripper
	if r.cfg.TLSConfig != nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = r.cfg.TLSConfig
		tr = t
	}
	return &pns.Client{BaseURL: r.base, Signer: r.signer, HTTP: &http.Client{
		Transport:     tr,
		Timeout:       5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (r *runner) unbindSub(ctx context.Context, c *pns.Client, sub string) error {
	resp, err := c.Call(ctx, r.unbindIface, url.Values{"subscriptionId": {sub}}, nil, nil)
	if err != nil {
		return fmt.Errorf("unbind %s: %w", sub, err)
	}
	if !gone(resp.Envelope.ResultCode) {
		return fmt.Errorf("unbind %s: resultcode %q %s", sub, resp.Envelope.ResultCode, resp.Envelope.ResultDesc)
	}
	return nil
}

// reconcile removes whatever a bind with a lost answer may have created.
func (r *runner) reconcile(ctx context.Context, c *pns.Client, o *bindInfo) error {
	switch r.mode {
	case pns.ModeAXB:
		if o.x == "" {
			return fmt.Errorf("bind of %s: answer lost and X chosen by the platform: cannot reconcile", o.a)
		}
		q, resp, err := c.AXBQuery(ctx, pns.AXBQueryParams{RelationNum: o.x, CallerNum: o.a})
		if err != nil {
			return fmt.Errorf("reconcile %s on %s: %w", o.a, o.x, err)
		}
		if resp.Envelope.ResultCode == string(pns.CodeRecordNotExist) {
			return nil
		}
		if !resp.OK() {
			return fmt.Errorf("reconcile %s on %s: query resultcode %q", o.a, o.x, resp.Envelope.ResultCode)
		}
		for _, b := range q.RelationNumList {
			if err := r.unbindSub(ctx, c, b.SubscriptionID); err != nil {
				return err
			}
		}
		return nil
	case pns.ModeAX:
		if o.x != "" {
			resp, err := c.AXUnbind(ctx, pns.AXUnbindParams{OrigNum: o.a, PrivateNum: o.x})
			if err != nil {
				return fmt.Errorf("reconcile %s on %s: %w", o.a, o.x, err)
			}
			if !gone(resp.Envelope.ResultCode) {
				return fmt.Errorf("reconcile %s on %s: unbind resultcode %q", o.a, o.x, resp.Envelope.ResultCode)
			}
			return nil
		}
		q, resp, err := c.AXQuery(ctx, pns.AXQueryParams{OrigNum: o.a})
		if err != nil {
			return fmt.Errorf("reconcile %s: %w", o.a, err)
		}
		if resp.Envelope.ResultCode == string(pns.CodeAXRecordNotExist) {
			return nil
		}
		for _, b := range q.PrivateNumList {
			if err := r.unbindSub(ctx, c, b.SubscriptionID); err != nil {
				return err
			}
		}
		return nil
	default:
		if o.x == "" || o.ext == "" {
			return fmt.Errorf("bind of %s: answer lost and extension chosen by the platform: cannot reconcile", o.a)
		}
		resp, err := c.AXEUnbind(ctx, pns.AXEKeyParams{VirtualNum: o.x, ExtendNum: o.ext})
		if err != nil {
			return fmt.Errorf("reconcile %s on %s-%s: %w", o.a, o.x, o.ext, err)
		}
		if !gone(resp.Envelope.ResultCode) {
			return fmt.Errorf("reconcile %s on %s-%s: unbind resultcode %q", o.a, o.x, o.ext, resp.Envelope.ResultCode)
		}
		return nil
	}
}

// runQuery binds a small pool of bindings (not measured), queries them at the plan's rate and
// unbinds them.
func (r *runner) runQuery(ctx context.Context) (*Result, error) {
	r.primary = r.queryIface.ID
	r.agg.primary = r.primary
	if err := r.prepareOut(); err != nil {
		return nil, err
	}
	bound, teardown, firstErr := r.setupBindings(ctx, max(10, min(int(r.plan.MaxRate()), 200)))
	live := make([]string, len(bound))
	for i, b := range bound {
		live[i] = b.sub
	}
	if len(live) == 0 {
		teardown()
		return nil, fmt.Errorf("query: setup bound no binding: %w", firstErr)
	}
	name, qs, hl, err := r.openAttack("query")
	if err != nil {
		teardown()
		return nil, err
	}
	var k atomic.Uint64
	tr := func(t *vegeta.Target) error {
		i := k.Add(1) - 1
		r.fired.Add(1)
		t.Method = r.queryIface.Method
		t.URL = r.base + r.queryIface.Path + "?subscriptionId=" + url.QueryEscape(live[i%uint64(len(live))]) + fragment('q', i)
		t.Header = r.header()
		return nil
	}
	handle := func(res *vegeta.Result) {
		_, o := r.check(r.queryIface.ID, res)
		o.primary = true
		o.corrected = r.planned(res)
		r.observe(&o)
	}
	st := r.attack(ctx, name, qs, hl, tr, handle, nil)
	teardown()
	return r.finish(st)
}

// openAttack names the single attack of a scenario after op and opens its result file and
// the interval log (both nil without an output directory).
func (r *runner) openAttack(op string) (name string, s *sink, hl *hlogSink, err error) {
	name = r.attackName(op)
	r.agg.attacks = []string{name}
	if s, err = r.openSink(name + ".gob"); err != nil {
		return "", nil, nil, err
	}
	if hl, err = r.openLog(); err != nil {
		_ = s.close()
		return "", nil, nil, err
	}
	return name, s, hl, nil
}

// attack runs the single attack of the query and calls scenarios: targeter at the plan's
// rate, each result checked by handle and written to s, driven by drive. settle, when not
// nil, runs once every result is handled, before the monitor stops (the calls scenario waits
// for its callbacks there). It returns the stopper for finish.
func (r *runner) attack(ctx context.Context, name string, s *sink, hl *hlogSink, targeter vegeta.Targeter, handle func(*vegeta.Result), settle func()) *stopper {
	atk := r.attacker()
	st := &stopper{}
	stopLoad := func(reason string) { st.stop(reason, func() { atk.Stop() }) }
	r.drive(ctx, hl, stopLoad, func() (<-chan struct{}, func()) {
		done := r.consume(atk.Attack(targeter, PlanPacer{Plan: r.plan}, r.attackBound(), name), s, handle)
		return done, func() {
			<-done
			if settle != nil {
				settle()
			}
		}
	})
	return st
}

// drive runs the load of a scenario, which every scenario shares: it takes the schedule's
// origin, then launch fires the attacks and starts their consumers. Meanwhile the monitor
// runs (progress, interval log hl, abort-on-fail through stopLoad), and a cancelled ctx stops
// the load until watched is closed. drive returns once wait (launch's) has returned and the
// monitor has written its last interval.
func (r *runner) drive(ctx context.Context, hl *hlogSink, stopLoad func(reason string), launch func() (watched <-chan struct{}, wait func())) {
	// The schedule's origin: taken right before the attack so that corrected latency does
	// not include setup time (nor the wait for the shards' shared start instant).
	r.waitStart(ctx)
	r.start = time.Now()
	r.agg.started = r.start
	watched, wait := launch()
	stopMon := make(chan struct{})
	monDone := r.monitor(hl, stopMon, stopLoad)
	go func() {
		select {
		case <-ctx.Done():
			stopLoad("cancelled: " + ctx.Err().Error())
		case <-watched:
		}
	}()
	wait()
	close(stopMon)
	<-monDone
}

// attackBound is the wall-clock bound of the primary attack: the plan's length. A generator
// that falls behind catches up only within it; what it could not send is the shortfall.
func (r *runner) attackBound() time.Duration {
	return r.plan.Total()
}

// retry runs f up to 3 times with a short backoff: cleanup must survive a transient failure
// of the platform, which is likely right after a load.
func retry(ctx context.Context, f func() error) error {
	var err error
	for i, wait := range []time.Duration{0, 100 * time.Millisecond, 500 * time.Millisecond} {
		if i > 0 {
			select {
			case <-ctx.Done():
				return err
			case <-time.After(wait):
			}
		}
		if err = f(); err == nil {
			return nil
		}
	}
	return err
}

// setupBindings binds n bindings (not measured) with up to 8 requests in flight, for the
// scenarios that need live bindings. teardown unbinds them (counted as the run's own
// unbinds). firstErr is the first failure, for a run that bound nothing.
func (r *runner) setupBindings(ctx context.Context, n int) (bound []*binding, teardown func(), firstErr error) {
	c := r.client()
	got := make([]*binding, n)
	var emu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			info := &bindInfo{id: uint64(i), a: r.aNums.number(uint64(i)), b: r.bNums.number(uint64(i))}
			info.xi, info.x, info.ext = r.pool.acquire()
			body, _ := r.bindBody(info)
			resp, err := c.Do(ctx, r.bindIface.Method, r.bindIface.Path, nil, body)
			var a answer
			if err == nil && resp.OK() {
				_ = jsonUnmarshal(resp.Body, &a)
			}
			if a.SubscriptionID == "" {
				emu.Lock()
				defer emu.Unlock()
				if firstErr == nil {
					if err != nil {
						firstErr = err
					} else {
						firstErr = fmt.Errorf("resultcode %q %s", resp.Envelope.ResultCode, resp.Envelope.ResultDesc)
					}
				}
				if err != nil {
					r.mu.Lock()
					r.orphans = append(r.orphans, info)
					r.mu.Unlock()
				} else {
					r.pool.release(info.xi)
				}
				return
			}
			// The platform's choice, when the profile lists no X.
			if x := a.RelationNum + a.PrivateNum + a.VirtualNum; info.x == "" && x != "" {
				info.x = x
			}
			if info.ext == "" {
				info.ext = a.ExtendNum
			}
			got[i] = &binding{sub: a.SubscriptionID, info: info}
		}()
	}
	wg.Wait()
	for _, b := range got {
		if b != nil {
			bound = append(bound, b)
		}
	}
	r.agg.mu.Lock()
	r.agg.cleanup.Bound += int64(len(bound))
	r.agg.mu.Unlock()
	r.live.Store(int64(len(bound)))
	teardown = func() {
		r.mu.Lock()
		r.leftovers = append(r.leftovers, bound...)
		r.mu.Unlock()
		r.agg.mu.Lock()
		before := r.agg.cleanup.Retried
		r.agg.mu.Unlock()
		r.cleanup(ctx)
		r.agg.mu.Lock()
		// Setup bindings removed by the teardown are the run's own unbinds, not retries.
		moved := min(r.agg.cleanup.Retried-before, int64(len(bound)))
		r.agg.cleanup.Retried -= moved
		r.agg.cleanup.Unbound += moved
		r.agg.mu.Unlock()
	}
	return bound, teardown, firstErr
}
