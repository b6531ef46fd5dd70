package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pns-harness/pns-harness/conformance/results"
	"github.com/pns-harness/pns-harness/internal/bindjournal"
	"github.com/pns-harness/pns-harness/pns"
)

// This file keeps the suite safe on a platform that is not ours: every binding a scenario
// created is unbound with retries and counted exactly (CleanupReport), and deliberate
// authentication failures are paced below the profile's lockout and stopped at the first
// 1020176 (IP locked out), because a locked IP fails every later request for 30 minutes.

// CleanupReport is the exact account of the bindings the suite created
// (results.CleanupReport).
type CleanupReport = results.CleanupReport

// LeakedBinding is a binding the cleanup could not remove (results.LeakedBinding).
type LeakedBinding = results.LeakedBinding

// cleanupAttempts and cleanupBackoff bound the retries of one unbind: 5 attempts, the first at
// the end of its scenario, the others in the end-of-run sweep 200 ms, 400 ms, 800 ms and 1.6 s
// apart (flow control, a lost connection, a 5xx).
const (
	cleanupAttempts = 5
	cleanupBackoff  = 200 * time.Millisecond
)

// ledger collects the cleanup accounting of a run.
type ledger struct {
	mu      sync.Mutex
	report  CleanupReport
	pending []pendingUnbind // retryable failures, for the sweep at the end of the run
}

func (l *ledger) created() {
	l.mu.Lock()
	l.report.Created++
	l.mu.Unlock()
}

func (l *ledger) result() CleanupReport {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.report
	r.Leaked = append([]LeakedBinding(nil), l.report.Leaked...)
	sort.Slice(r.Leaked, func(i, j int) bool { return r.Leaked[i].SubscriptionID < r.Leaked[j].SubscriptionID })
	return r
}

// unbindPath maps a bind interface to the path its unbind uses and its mode; an interface
// outside the table is taken for AXB's, the first scope's main mode.
func unbindPath(bindIface string) (string, pns.Mode) {
	if i, ok := pns.InterfaceByID(bindIface); ok {
		if u, ok := pns.InterfaceFor(i.Mode, "unbind"); ok {
			return u.Path, i.Mode
		}
	}
	return pns.PathAXB, pns.ModeAXB
}

// removeBinding unbinds one created binding once, at the end of its scenario, and books the
// outcome; a failure that a retry may cure (transport error, 5xx, flow control, lockout) is
// queued for the sweep at the end of the run instead, so that one slow platform does not
// stall every scenario behind its backoff.
func (rs *runState) removeBinding(ctx context.Context, scenario string, c createdBinding) {
	p := pendingUnbind{c: c, scenario: scenario}
	if done := rs.tryUnbind(ctx, &p); !done {
		rs.ledger.mu.Lock()
		rs.ledger.pending = append(rs.ledger.pending, p)
		rs.ledger.mu.Unlock()
	}
}

// pendingUnbind is a binding whose unbind failed in a way a retry may cure.
type pendingUnbind struct {
	c        createdBinding
	scenario string
	reason   string
}

// tryUnbind sends one unbind and books a final outcome (removed, gone, definite refusal);
// it returns false when the failure is retryable.
func (rs *runState) tryUnbind(ctx context.Context, p *pendingUnbind) bool {
	c := p.c
	path, mode := unbindPath(c.iface)
	leak := LeakedBinding{SubscriptionID: c.id, App: c.app, Mode: string(mode), Scenario: p.scenario}
	a := rs.prof.App(c.app)
	if a == nil {
		leak.Reason = "app not in the profile"
		rs.book(false, false, leak)
		return true
	}
	leak.AppKey = a.AppKey
	cl := &pns.Client{BaseURL: rs.target, HTTP: rs.httpc, Signer: pns.Signer{AppKey: a.AppKey, AppSecret: rs.secrets[c.app]}}
	params := url.Values{"subscriptionId": {c.id}}
	if mode.Spec().AppKeyInURL {
		params.Set("app_key", a.AppKey) // every request of the mode names its app (AXYB, §6.3)
	}
	resp, err := cl.Do(ctx, http.MethodDelete, path, params, nil)
	switch {
	case err != nil:
		p.reason = err.Error()
		return false
	case resp.OK():
		rs.gone(c)
		rs.book(true, false, leak)
		return true
	case pns.BindingNotFound(mode, resp.Envelope.ResultCode):
		rs.gone(c)
		rs.book(false, true, leak)
		return true
	}
	p.reason = fmt.Sprintf("HTTP %d resultcode %s %s", resp.Status, resp.Envelope.ResultCode, resp.Envelope.ResultDesc)
	if resp.Status >= 500 || isFlowControl(resp) || resp.Envelope.ResultCode == string(pns.CodeLockedOut) {
		return false
	}
	leak.Reason = p.reason // a definite refusal: retrying cannot help
	rs.book(false, false, leak)
	return true
}

// sweep retries the queued unbinds with backoff (cleanupAttempts in all, 4 at a time) and books
// what is still there as leaked. It runs even after an interrupt.
func (rs *runState) sweep(ctx context.Context) {
	rs.ledger.mu.Lock()
	todo := rs.ledger.pending
	rs.ledger.pending = nil
	rs.ledger.mu.Unlock()
	if len(todo) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	jobs := make(chan *pendingUnbind)
	var wg sync.WaitGroup
	for range min(4, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				wait := cleanupBackoff
				done := false
				for attempt := 2; attempt <= cleanupAttempts && !done; attempt++ {
					select {
					case <-time.After(wait):
					case <-ctx.Done():
						p.reason += " (cleanup time ran out)"
						attempt = cleanupAttempts
						continue
					}
					wait *= 2
					done = rs.tryUnbind(ctx, p)
				}
				if !done {
					_, mode := unbindPath(p.c.iface)
					leak := LeakedBinding{SubscriptionID: p.c.id, App: p.c.app, Mode: string(mode), Scenario: p.scenario,
						Reason: fmt.Sprintf("%s (after %d attempts)", p.reason, cleanupAttempts)}
					if a := rs.prof.App(p.c.app); a != nil {
						leak.AppKey = a.AppKey
					}
					rs.book(false, false, leak)
				}
			}
		}()
	}
	for i := range todo {
		jobs <- &todo[i]
	}
	close(jobs)
	wg.Wait()
}

// gone journals that a created binding is no longer on the platform.
func (rs *runState) gone(c createdBinding) {
	if c.jid != 0 {
		rs.journal.Write(bindjournal.Record{Op: bindjournal.OpGone, ID: c.jid})
	}
}

func (rs *runState) book(removed, gone bool, leak LeakedBinding) {
	rs.ledger.mu.Lock()
	defer rs.ledger.mu.Unlock()
	switch {
	case removed:
		rs.ledger.report.Removed++
	case gone:
		rs.ledger.report.AlreadyGone++
	default:
		rs.ledger.report.Leaked = append(rs.ledger.report.Leaked, leak)
	}
}

func isFlowControl(r *pns.Response) bool {
	return r.Envelope.ResultCode == string(pns.CodeInvalidDigest) && r.Envelope.ResultDesc == pns.DescFlowControl
}

// authGuard watches the answers for authentication failures and the IP lockout.
type authGuard struct {
	locked  atomic.Bool
	skipped atomic.Int64
	all     atomic.Int64 // every failure of the run
	mu      sync.Mutex
	fails   []time.Time // arrival times of authentication-failure answers, oldest first
	perScen int         // the most failures one scenario produced so far (at least 1)
}

// tagLockoutRule marks the scenario that provokes the lockout on purpose (on the emulator,
// which lifts it afterwards): its 1020176 is the expected answer, not a lockout to warn of.
const tagLockoutRule = "@rule:business:lockout"

// observe is called with every answer the suite receives; deliberate is true in a scenario
// that provokes the lockout on purpose.
func (g *authGuard) observe(r *pns.Response, deliberate bool) {
	code := r.Envelope.ResultCode
	if code == string(pns.CodeLockedOut) {
		if !deliberate {
			g.locked.Store(true)
		}
		return
	}
	if pns.IsAuthFailure(&pns.Error{Code: pns.Code(code), Desc: r.Envelope.ResultDesc}) {
		g.mu.Lock()
		// The arrival time is after the platform counted the failure, so a failure expires
		// from the platform's window no later than arrival + window.
		g.fails = append(g.fails, time.Now())
		g.mu.Unlock()
		g.all.Add(1)
	}
}

// lockedReason is the skip reason of authentication scenarios after a lockout.
const lockedReason = "the platform answered 1020176 (client IP locked out after authentication failures): the authentication scenarios stop here; raise authFailurePause or state the platform's lockout (lockout: {failures, window}) in the profile"

// pace waits before an authentication-failure scenario until it can fail as often as the
// worst scenario so far did without reaching failures within window, so that the platform
// never locks the IP out. failures or window 0 (lockout not stated) does not pace.
func (g *authGuard) pace(ctx context.Context, failures int, window time.Duration) error {
	if failures <= 0 || window <= 0 {
		return nil
	}
	for {
		g.mu.Lock()
		now := time.Now()
		for len(g.fails) > 0 && now.Sub(g.fails[0]) > window {
			g.fails = g.fails[1:]
		}
		n, need := len(g.fails), max(g.perScen, 1)
		var wait time.Duration
		if k := min(n+need-(failures-1), n); k > 0 {
			// The k oldest failures must leave the window first.
			wait = window - now.Sub(g.fails[k-1]) + 10*time.Millisecond
		}
		g.mu.Unlock()
		if wait <= 0 {
			return nil
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// total returns the authentication failures observed so far in the run.
func (g *authGuard) total() int64 { return g.all.Load() }

// scenarioFailed records how many failures one scenario produced.
func (g *authGuard) scenarioFailed(n int) {
	g.mu.Lock()
	g.perScen = max(g.perScen, n)
	g.mu.Unlock()
}

// watchCredentials feeds the run's credential watch with the answer to a request the suite
// signed with the app's own credentials, so that a wrong appSecret stops the run after a few
// refusals instead of failing every scenario and locking the client IP out. Deliberately
// broken requests (the negative authentication scenarios) are never counted; after the
// first of them a lock (1020176) may be their doing, so it no longer counts either. Against
// the emulator the suite sets the credentials up itself, and its scenarios lock and
// allow-list apps on purpose: there is nothing to watch.
func (rs *runState) watchCredentials(app string, mods requestMods, r *pns.Response) {
	if rs.emulator {
		return
	}
	if !mods.zero() {
		rs.deliberate.Store(true)
		return
	}
	code := r.Envelope.ResultCode
	if code == string(pns.CodeLockedOut) && rs.deliberate.Load() {
		return
	}
	rs.creds.Observe(app, code, r.Envelope.ResultDesc)
}

// zero reports whether the request is signed as the profile says, untouched.
func (m requestMods) zero() bool {
	return len(m.set) == 0 && len(m.del) == 0 && !m.wsse && m.secret == "" && m.appKey == "" &&
		m.created == nil && m.rawTime == "" && m.nonce == "" && m.digest == nil && m.edit == nil
}
