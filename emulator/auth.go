package emulator

import (
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/pns-harness/pns-harness/pns"
	"golang.org/x/time/rate"
)

// Authentication pipeline of reference §2.5, steps 0-19 (step 20, request validation, is in
// the handlers). The order is the emulator's (D10); each single defect gets its documented
// code.

// peerIP returns the TCP peer address of a request; forwarding headers are ignored (D8).
func peerIP(remoteAddr string) netip.Addr {
	if ap, err := netip.ParseAddrPort(remoteAddr); err == nil {
		return ap.Addr().Unmap()
	}
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

// authenticate runs steps 0-19 and returns the app, or the first defect. Failures of steps
// 1-9 and 11-15 count toward the client-IP lockout (D8); answers given during a lock do not.
func (e *Emulator) authenticate(r *http.Request, ip netip.Addr, iface pns.Interface) (*App, *pns.Error) {
	now := e.clock.Now()
	if e.lock.locked(ip, now) { // step 0
		return nil, pns.NewError(pns.CodeLockedOut)
	}
	app, err := e.authSteps(r, ip, iface)
	if err != nil && pns.IsAuthFailure(err) {
		e.metrics.authFailures.WithLabelValues(string(err.Code)).Inc()
		if e.lock.fail(ip, now) {
			e.metrics.lockouts.Inc()
		}
	}
	return app, err
}

func (e *Emulator) authSteps(r *http.Request, ip netip.Addr, iface pns.Interface) (*App, *pns.Error) {
	tok, err := pns.ParseRequestAuth(r.Header) // steps 1-7
	if err != nil {
		return nil, err
	}
	app, ok := e.apps[tok.Username] // step 8
	if !ok {
		return nil, pns.NewError(pns.CodeInvalidAppKey)
	}
	if tok.Scheme == pns.SchemeWSSE && !isTrue(app.LegacyWSSE) { // step 9 (D1)
		return app, pns.NewError(pns.CodeXAKSKMissing)
	}
	if !app.ipAllowed(ip) { // step 10 (D12)
		return app, pns.NewError(pns.CodeIPNotWhitelisted)
	}
	wall := e.wall()
	local, err := tok.Verify(app.AppSecret, pns.VerifyOptions{Now: wall, Skew: e.skew, LocalOffset: e.localOff}) // steps 11-14
	if err != nil {
		return app, err
	}
	if local {
		e.metrics.localTime.Inc()
	}
	if e.cfg.RejectNonceReplay { // steps 15-16 (D6)
		created, _ := pns.ParseCreated(tok.Created)
		if local {
			created = created.Add(-e.localOff)
		}
		if !e.nonces.add(app.AppKey, tok.Nonce, created.Add(e.skew), wall) {
			return app, pns.NewError(pns.CodeInvalidDigest)
		}
	}
	if app.Frozen && iface.ID != pns.IfaceRecordDownload { // step 17 (D13)
		return app, pns.NewError(pns.CodeFrozen)
	}
	if iface.Mode != "" && iface.Mode != app.Mode { // step 18 (D27)
		return app, pns.NewError(pns.CodeAPINotAllowed)
	}
	if app.QPSLimit > 0 && !app.qps.allow(wall, app.QPSLimit) { // step 19 (D11)
		return app, pns.FlowControl()
	}
	if app.bucket != nil && !app.bucket.allow(wall) { // step 19, token bucket (D11)
		return app, pns.FlowControl()
	}
	return app, nil
}

// lockout is the client-IP lockout of D8, on the emulator clock.
type lockout struct {
	mu       sync.Mutex
	enabled  bool
	failures int
	window   time.Duration
	duration time.Duration
	ips      map[netip.Addr]*ipState
}

type ipState struct {
	fails []time.Time // failure times inside the sliding window, oldest first
	until time.Time   // locked until this instant (zero = not locked)
}

func newLockout(enabled bool, failures int, window, duration time.Duration) *lockout {
	return &lockout{enabled: enabled, failures: failures, window: window, duration: duration, ips: map[netip.Addr]*ipState{}}
}

// locked reports whether ip is locked at now; an expired lock is forgotten.
func (l *lockout) locked(ip netip.Addr, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.enabled {
		return false
	}
	s := l.ips[ip]
	if s == nil || s.until.IsZero() {
		return false
	}
	if now.Before(s.until) {
		return true
	}
	delete(l.ips, ip)
	return false
}

// fail records a counted failure and reports whether it locked the IP.
func (l *lockout) fail(ip netip.Addr, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.enabled || l.failures <= 0 {
		return false
	}
	s := l.ips[ip]
	if s == nil {
		s = &ipState{}
		l.ips[ip] = s
	}
	cut := now.Add(-l.window)
	k := 0
	for k < len(s.fails) && !s.fails[k].After(cut) {
		k++
	}
	s.fails = append(s.fails[k:], now)
	if len(s.fails) >= l.failures {
		s.fails = nil
		s.until = now.Add(l.duration)
		return true
	}
	return false
}

// setEnabled switches the lockout on or off; switching clears all counters and locks.
func (l *lockout) setEnabled(on bool) {
	l.mu.Lock()
	l.enabled = on
	l.ips = map[netip.Addr]*ipState{}
	l.mu.Unlock()
}

// clear forgets every failure and lock.
func (l *lockout) clear() {
	l.mu.Lock()
	l.ips = map[netip.Addr]*ipState{}
	l.mu.Unlock()
}

// LockoutState is the admin view of the lockout.
type LockoutState struct {
	Enabled bool `json:"enabled"`
	// Locked lists the locked client IPs with the UTC end of their lock.
	Locked map[string]string `json:"locked"`
}

func (l *lockout) state(now time.Time) LockoutState {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := LockoutState{Enabled: l.enabled, Locked: map[string]string{}}
	for ip, s := range l.ips {
		if !s.until.IsZero() && now.Before(s.until) {
			st.Locked[ip.String()] = pns.FormatUTC(s.until)
		}
	}
	return st
}

// nonceCache remembers accepted nonces per app key until they could no longer pass the skew
// check (D6), on the wall clock.
type nonceCache struct {
	mu      sync.Mutex
	seen    map[string]time.Time
	inserts int
}

func newNonceCache() *nonceCache { return &nonceCache{seen: map[string]time.Time{}} }

// add records a nonce valid until expiry; it returns false when the nonce is already known
// and still inside its window.
func (c *nonceCache) add(app, nonce string, expiry, now time.Time) bool {
	k := app + "\x00" + nonce
	c.mu.Lock()
	defer c.mu.Unlock()
	if exp, ok := c.seen[k]; ok && now.Before(exp) {
		return false
	}
	c.seen[k] = expiry
	c.inserts++
	if c.inserts >= 4096 {
		c.inserts = 0
		for key, exp := range c.seen {
			if !now.Before(exp) {
				delete(c.seen, key)
			}
		}
	}
	return true
}

func (c *nonceCache) clear() {
	c.mu.Lock()
	c.seen = map[string]time.Time{}
	c.mu.Unlock()
}

// qpsWindow is a per-second request counter on the wall clock (D11).
type qpsWindow struct {
	mu    sync.Mutex
	sec   int64
	count int
}

func (q *qpsWindow) allow(now time.Time, limit int) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if s := now.Unix(); s != q.sec {
		q.sec, q.count = s, 0
	}
	if q.count >= limit {
		return false
	}
	q.count++
	return true
}

// tokenBucket is the FlowControl limit of an app, on the wall clock. golang.org/x/time/rate
// implements the bucket; reset replaces it with a full one.
type tokenBucket struct {
	fc FlowControl
	mu sync.Mutex
	l  *rate.Limiter
}

func newTokenBucket(fc FlowControl) *tokenBucket {
	return &tokenBucket{fc: fc, l: rate.NewLimiter(rate.Limit(fc.Rate), fc.Burst)}
}

func (b *tokenBucket) allow(now time.Time) bool {
	b.mu.Lock()
	l := b.l
	b.mu.Unlock()
	return l.AllowN(now, 1)
}

func (b *tokenBucket) reset() {
	b.mu.Lock()
	b.l = rate.NewLimiter(rate.Limit(b.fc.Rate), b.fc.Burst)
	b.mu.Unlock()
}

func (q *qpsWindow) reset() {
	q.mu.Lock()
	q.sec, q.count = 0, 0
	q.mu.Unlock()
}
