package loadtest

import (
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
		n := f.spec.Pool
		if n == 0 {
			continue
		}
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
				var q request
				opBind.Request(f.m, &session{flow: f, b: b}, &q)
				resp, err := c.Do(ctx, q.method, f.m.iface(OpBind).Path, nil, q.body)
				var a answer
				if err == nil && resp.OK() {
					_ = json.Unmarshal(resp.Body, &a)
				}
				if a.SubscriptionID == "" {
					emu.Lock()
					if firstErr == nil {
						if err != nil {
							firstErr = err
						} else {
							firstErr = fmt.Errorf("resultcode %q %s", resp.Envelope.ResultCode, resp.Envelope.ResultDesc)
						}
					}
					emu.Unlock()
					if err != nil {
						r.orphan(b)
					} else {
						f.m.pool.release(b.xi)
					}
					return
				}
				b.sub = a.SubscriptionID
				if x := a.RelationNum + a.PrivateNum + a.VirtualNum; b.x == "" && x != "" {
					b.x = x
				}
				if b.ext == "" {
					b.ext = a.ExtendNum
				}
				r.bound(b)
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
	}
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

// removeAll unbinds bs and reconciles orphans with 8 requests in flight, each retried with
// backoff, within cleanupTimeout. Removed bindings count as Retried when retry (cleanup)
// else as Unbound; a binding that could not be removed is Leaked and named; an orphan that
// could not be reconciled is Unknown (it may never have been bound).
func (r *runner) removeAll(ctx context.Context, bs, orphans []*bindState, retried bool) {
	if len(bs) == 0 && len(orphans) == 0 {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	type outcome struct {
		removed, found int
		leaked         string
		unknown        bool
		err            error
	}
	jobs := make(chan func() outcome)
	results := make(chan outcome)
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
	go func() {
		for _, b := range bs {
			jobs <- func() outcome {
				if err := retry(cctx, func() error { return unbindSub(cctx, b.m.client(), b.m, b.sub) }); err != nil {
					return outcome{leaked: b.sub, err: err}
				}
				r.live.Add(-1)
				b.m.pool.release(b.xi)
				return outcome{removed: 1}
			}
		}
		for _, o := range orphans {
			jobs <- func() outcome {
				var n int
				err := retry(cctx, func() error {
					var err error
					n, err = reconcile(cctx, o.m.client(), o)
					return err
				})
				if err != nil {
					return outcome{unknown: true, err: err}
				}
				o.m.pool.release(o.xi)
				return outcome{removed: n, found: n}
			}
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	c := &r.agg.cleanup
	for o := range results {
		r.agg.mu.Lock()
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
		r.agg.mu.Unlock()
	}
}

// retry runs f up to 5 times with exponential backoff and jitter (100 ms to 1.6 s): cleanup
// must survive a transient failure of the platform, likely right after a load, and a platform
// that throttles.
func retry(ctx context.Context, f func() error) error {
	var err error
	wait := 100 * time.Millisecond
	for i := 0; i < 5; i++ {
		if i > 0 {
			d := wait/2 + rand.N(wait/2+1)
			select {
			case <-ctx.Done():
				return errors.Join(err, ctx.Err())
			case <-time.After(d):
			}
			wait *= 2
		}
		if err = f(); err == nil {
			return nil
		}
	}
	return err
}

// gone reports whether an unbind's result code means the binding no longer exists.
func gone(code string) bool {
	return code == string(pns.CodeSuccess) || pns.BindingNotFound("", code)
}

func unbindSub(ctx context.Context, c *pns.Client, m *modeRun, sub string) error {
	resp, err := c.Call(ctx, m.iface(OpUnbind), url.Values{"subscriptionId": {sub}}, nil, nil)
	if err != nil {
		return fmt.Errorf("unbind %s: %w", sub, err)
	}
	if !gone(resp.Envelope.ResultCode) {
		return fmt.Errorf("unbind %s: resultcode %q %s", sub, resp.Envelope.ResultCode, resp.Envelope.ResultDesc)
	}
	return nil
}

// reconcile removes whatever a bind with a lost answer may have created and returns how many
// bindings it removed.
func reconcile(ctx context.Context, c *pns.Client, o *bindState) (int, error) {
	switch o.m.mode {
	case pns.ModeAXB:
		if o.x == "" {
			return 0, fmt.Errorf("bind of %s: answer lost and X chosen by the platform: cannot reconcile", o.a)
		}
		q, resp, err := c.AXBQuery(ctx, pns.AXBQueryParams{RelationNum: o.x, CallerNum: o.a})
		if err != nil {
			return 0, fmt.Errorf("reconcile %s on %s: %w", o.a, o.x, err)
		}
		if resp.Envelope.ResultCode == string(pns.CodeRecordNotExist) {
			return 0, nil
		}
		if !resp.OK() {
			return 0, fmt.Errorf("reconcile %s on %s: query resultcode %q", o.a, o.x, resp.Envelope.ResultCode)
		}
		for _, b := range q.RelationNumList {
			if err := unbindSub(ctx, c, o.m, b.SubscriptionID); err != nil {
				return 0, err
			}
		}
		return len(q.RelationNumList), nil
	case pns.ModeAX:
		if o.x != "" {
			resp, err := c.AXUnbind(ctx, pns.AXUnbindParams{OrigNum: o.a, PrivateNum: o.x})
			if err != nil {
				return 0, fmt.Errorf("reconcile %s on %s: %w", o.a, o.x, err)
			}
			switch {
			case resp.Envelope.ResultCode == string(pns.CodeSuccess):
				return 1, nil
			case gone(resp.Envelope.ResultCode):
				return 0, nil
			}
			return 0, fmt.Errorf("reconcile %s on %s: unbind resultcode %q", o.a, o.x, resp.Envelope.ResultCode)
		}
		q, resp, err := c.AXQuery(ctx, pns.AXQueryParams{OrigNum: o.a})
		if err != nil {
			return 0, fmt.Errorf("reconcile %s: %w", o.a, err)
		}
		if pns.BindingNotFound(pns.ModeAX, resp.Envelope.ResultCode) {
			return 0, nil
		}
		for _, b := range q.PrivateNumList {
			if err := unbindSub(ctx, c, o.m, b.SubscriptionID); err != nil {
				return 0, err
			}
		}
		return len(q.PrivateNumList), nil
	default:
		if o.x == "" || o.ext == "" {
			return 0, fmt.Errorf("bind of %s: answer lost and extension chosen by the platform: cannot reconcile", o.a)
		}
		resp, err := c.AXEUnbind(ctx, pns.AXEKeyParams{VirtualNum: o.x, ExtendNum: o.ext})
		if err != nil {
			return 0, fmt.Errorf("reconcile %s on %s-%s: %w", o.a, o.x, o.ext, err)
		}
		switch {
		case resp.Envelope.ResultCode == string(pns.CodeSuccess):
			return 1, nil
		case gone(resp.Envelope.ResultCode):
			return 0, nil
		}
		return 0, fmt.Errorf("reconcile %s on %s-%s: unbind resultcode %q", o.a, o.x, o.ext, resp.Envelope.ResultCode)
	}
}
