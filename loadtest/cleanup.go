package loadtest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// maxLeakedIDs bounds the subscription IDs a result names as leaked.
const maxLeakedIDs = 1000

// client is the plain PNS client of setup and cleanup (never on the load's hot path), one per
// mode: its transport keeps connections across the cleanup's retries, and one transport per
// TLS configuration is what net/http supports (configuring HTTP/2 writes to it).
func (m *modeRun) client() *pns.Client {
	m.clientOnce.Do(func() {
		var tr http.RoundTripper
		if m.tls != nil {
			t := http.DefaultTransport.(*http.Transport).Clone()
			t.TLSClientConfig = m.tls.Clone()
			tr = t
		}
		m.pnsClient = &pns.Client{BaseURL: m.base, Signer: m.signer, HTTP: &http.Client{
			Transport:     tr,
			Timeout:       5 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
	})
	return m.pnsClient
}

// setupPools binds every flow's pool before the load, with up to 8 requests in flight; these
// binds are not measured. A pool that bound nothing fails the run (the first error says why).
func (r *runner) setupPools(ctx context.Context) error {
	for _, f := range r.flows {
		if f.spec.Pool == 0 {
			continue
		}
		if err := r.setupPool(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

// setupPool binds the pool of flow f.
func (r *runner) setupPool(ctx context.Context, f *flowRun) error {
	n := f.spec.Pool
	c := f.m.client()
	got := make([]*bindState, n)
	var emu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := 0; i < n; i++ {
		id := r.nextID.Add(1) - 1
		b := &bindState{m: f.m, id: id, a: r.aNums.number(id), b: r.bNums.number(id)}
		b.xi, b.x, b.ext = f.m.pool.acquire()
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := r.poolBind(ctx, f, c, b); err != nil {
				emu.Lock()
				firstErr = cmp.Or(firstErr, err)
				emu.Unlock()
				return
			}
			got[i] = b
		}()
	}
	wg.Wait()
	for _, b := range got {
		if b != nil {
			f.pool = append(f.pool, b)
		}
	}
	if len(f.pool) == 0 {
		return fmt.Errorf("flow %s: the pool's setup bound no binding: %w", f.name, firstErr)
	}
	if f.spec.Steps[0].Op == OpCall {
		for _, b := range f.pool {
			if b.x == "" {
				return fmt.Errorf("flow %s: the platform did not say which X it bound", f.name)
			}
		}
	}
	return nil
}

// poolBind binds b, one binding of f's pool, and records it as bound; a bind that failed is
// released, refused or kept as an orphan to reconcile, and its error returned.
func (r *runner) poolBind(ctx context.Context, f *flowRun, c *pns.Client, b *bindState) error {
	var q request
	opBind.Request(f.m, &session{flow: f, b: b}, &q)
	if err := r.cleanupPacer().wait(ctx); err != nil {
		f.m.pool.release(b.xi) // never sent
		return err
	}
	resp, err := c.Do(ctx, q.method, f.m.iface(OpBind).Path, f.m.params(nil), q.body)
	var a answer
	if err == nil && resp.OK() {
		_ = json.Unmarshal(resp.Body, &a)
	}
	if a.SubscriptionID == "" {
		if err != nil && !neverSent(err) {
			r.orphan(b) // the request may have reached the platform
		} else {
			r.refused(b)
		}
		if err != nil {
			return err
		}
		return fmt.Errorf("resultcode %q %s", resp.Envelope.ResultCode, resp.Envelope.ResultDesc)
	}
	b.sub = a.SubscriptionID
	if x := a.x(); b.x == "" && x != "" {
		b.x = x
	}
	if b.ext == "" {
		b.ext = a.ExtendNum
	}
	r.bound(b)
	return nil
}

// teardownPools unbinds the pools' bindings after the load: the run's own unbinds.
func (r *runner) teardownPools(ctx context.Context) {
	var bs []*bindState
	for _, f := range r.flows {
		bs = append(bs, f.pool...)
		f.pool = nil
	}
	r.removeAll(ctx, bs, nil, false)
}

// cleanup removes every binding the load may have left: failed or never sent unbinds, and
// binds whose answer was lost (reconciled by query or by number pair).
func (r *runner) cleanup(ctx context.Context) {
	r.mu.Lock()
	bs, orphans := r.leftovers, r.orphans
	r.leftovers, r.orphans = nil, nil
	r.mu.Unlock()
	r.removeAll(ctx, bs, orphans, true)
}

// removeAll unbinds bs and reconciles orphans with 8 requests in flight, paced by the run's
// cleanup pacer and each retried with backoff, within the cleanup budget (Config.CleanupTimeout,
// CleanupAttempts). Removed bindings count as Retried when retry (cleanup) else as Unbound; a
// binding that could not be removed is Leaked and named; an orphan that could not be
// reconciled is Unknown (it may never have been bound).
func (r *runner) removeAll(ctx context.Context, bs, orphans []*bindState, retried bool) {
	if len(bs) == 0 && len(orphans) == 0 {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.CleanupTimeout)
	defer cancel()
	jobs := make(chan func() cleanupOutcome)
	results := make(chan cleanupOutcome)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- j()
			}
		}()
	}
	try := func(f func() error) error { return retry(cctx, r.cleanupPacer(), r.cfg.CleanupAttempts, f) }
	go func() {
		for _, b := range bs {
			jobs <- func() cleanupOutcome {
				if err := try(func() error { return unbindSub(cctx, b.m.client(), b.m, b.sub) }); err != nil {
					return cleanupOutcome{leaked: b.sub, err: err}
				}
				r.journal.outcome(journalGone, b)
				r.live.Add(-1)
				b.m.pool.release(b.xi)
				return cleanupOutcome{removed: 1}
			}
		}
		for _, o := range orphans {
			jobs <- func() cleanupOutcome {
				var n int
				err := try(func() error {
					var err error
					n, err = reconcile(cctx, o.m.client(), o, r.cleanupPacer().wait)
					return err
				})
				if err != nil {
					return cleanupOutcome{unknown: true, err: err}
				}
				r.journal.outcome(journalGone, o)
				o.m.pool.release(o.xi)
				return cleanupOutcome{removed: n, found: n}
			}
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	for o := range results {
		r.countCleanup(o, retried)
	}
}

// cleanupOutcome is what removing one binding, or reconciling one orphan, came to.
type cleanupOutcome struct {
	removed, found int
	leaked         string
	unknown        bool
	err            error
}

// countCleanup adds o to the load's cleanup counts: removed bindings as Retried when retried
// (cleanup) else as Unbound.
func (r *runner) countCleanup(o cleanupOutcome, retried bool) {
	c := &r.agg.cleanup
	r.agg.mu.Lock()
	defer r.agg.mu.Unlock()
	// A binding found by reconciliation was bound by the load after all.
	c.Bound += int64(o.found)
	if retried {
		c.Retried += int64(o.removed)
	} else {
		c.Unbound += int64(o.removed)
	}
	if o.leaked != "" {
		c.Leaked++
		if len(c.LeakedIDs) < maxLeakedIDs {
			c.LeakedIDs = append(c.LeakedIDs, o.leaked)
		}
	}
	if o.unknown {
		c.Unknown++
	}
	if o.err != nil {
		c.Errors = addExample(c.Errors, o.err.Error())
	}
}

// DefaultCleanupRate is the cleanup's request rate when neither the profile's flowControl
// nor a ceiling says what the platform takes.
const DefaultCleanupRate = 100

// cleanupRate is the rate setup and cleanup start at: Config.CleanupRate, else half the
// platform's flow control (profile flowControl), else the ceiling, else DefaultCleanupRate;
// never above the ceiling.
func cleanupRate(cfg Config) float64 {
	rate := cfg.CleanupRate
	if rate <= 0 {
		switch {
		case cfg.Profile != nil && cfg.Profile.FlowControl > 0:
			rate = cfg.Profile.FlowControl / 2
		case cfg.Gate.MaxRate > 0:
			rate = cfg.Gate.MaxRate
		default:
			rate = DefaultCleanupRate
		}
	}
	if cfg.Gate.MaxRate > 0 {
		rate = min(rate, cfg.Gate.MaxRate)
	}
	return rate / float64(max(cfg.Shards, 1))
}

// cleanupPacer returns the run's pacer of setup and cleanup requests.
func (r *runner) cleanupPacer() *pacer {
	r.pacerOnce.Do(func() { r.pacer = newPacer(cleanupRate(r.cfg)) })
	return r.pacer
}

// pacer spaces requests at a rate shared by every worker of setup and cleanup, and halves
// that rate each time the platform pushes back (flow control, HTTP 5xx), down to minRate:
// retrying at the rate that was refused would be refused again.
type pacer struct {
	mu   sync.Mutex
	rate float64
	next time.Time
}

// minRate is the floor of a pacer's rate: even a platform that throttles everything gets a
// request per second, until the budget ends.
const minRate = 1.0

func newPacer(rate float64) *pacer { return &pacer{rate: max(rate, minRate)} }

// wait blocks until the pacer's next slot, or ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	now := time.Now()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(time.Duration(float64(time.Second) / p.rate))
	p.mu.Unlock()
	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// slowDown halves the rate.
func (p *pacer) slowDown() {
	p.mu.Lock()
	p.rate = max(p.rate/2, minRate)
	p.mu.Unlock()
}

// Rate returns the pacer's current rate.
func (p *pacer) Rate() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rate
}

// pushback is an answer of a platform that is overloaded or throttling: 1010010 with the
// flow-control description, or HTTP 5xx. Cleanup slows down and retries it.
type pushback struct{ err error }

func (e *pushback) Error() string { return e.err.Error() }
func (e *pushback) Unwrap() error { return e.err }

// refusal wraps the error of an answer that is not a success: a pushback when the platform
// throttles or fails.
func refusal(resp *pns.Response, err error) error {
	if resp.Status >= 500 || (resp.Envelope.ResultCode == string(pns.CodeInvalidDigest) && descIs(resp.Envelope.ResultDesc, pns.DescFlowControl)) {
		return &pushback{err}
	}
	return err
}

// Backoff of a cleanup retry: exponential from retryBase, capped at retryCap, with full
// jitter so that the workers do not retry in step.
const (
	retryBase = 200 * time.Millisecond
	retryCap  = 10 * time.Second
)

// retry runs f up to attempts times, each paced by p, with exponential backoff and jitter
// between tries: cleanup must survive a transient failure of the platform, likely right after
// a load, and a platform that throttles (a pushback also slows the whole pacer down).
func retry(ctx context.Context, p *pacer, attempts int, f func() error) error {
	var err error
	wait := retryBase
	for i := 0; i < attempts; i++ {
		if i > 0 {
			d := rand.N(wait) + time.Millisecond
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return errors.Join(err, ctx.Err())
			case <-t.C:
			}
			wait = min(wait*2, retryCap)
		}
		if werr := p.wait(ctx); werr != nil {
			if err == nil {
				err = werr
			}
			return errors.Join(err, ctx.Err())
		}
		if err = f(); err == nil {
			return nil
		}
		var pb *pushback
		if errors.As(err, &pb) {
			p.slowDown()
		}
	}
	if attempts > 1 {
		err = fmt.Errorf("%w (after %d attempts)", err, attempts)
	}
	return err
}

// gone reports whether an unbind's result code means the binding no longer exists.
func gone(code string) bool {
	return code == string(pns.CodeSuccess) || pns.BindingNotFound("", code)
}

func unbindSub(ctx context.Context, c *pns.Client, m *modeRun, sub string) error {
	resp, err := c.Call(ctx, m.iface(OpUnbind), m.params(url.Values{"subscriptionId": {sub}}), nil, nil)
	if err != nil {
		return fmt.Errorf("unbind %s: %w", sub, err)
	}
	if !gone(resp.Envelope.ResultCode) {
		return refusal(resp, fmt.Errorf("unbind %s: resultcode %q %s", sub, resp.Envelope.ResultCode, resp.Envelope.ResultDesc))
	}
	return nil
}

// reconcile removes whatever a bind with a lost answer may have created and returns how many
// bindings it removed, the way the mode's row of loadModes finds a lost bind again. pace
// waits for the cleanup's next request slot: a look-up that takes more than a query and its
// unbinds (AXYB's, one query per X) spaces its requests with it.
func reconcile(ctx context.Context, c *pns.Client, o *bindState, pace func(context.Context) error) (int, error) {
	return loadModes[o.m.mode].reconcile(ctx, c, o, pace)
}
