// Split from dispatcher.go (issue 23): delivery: the workers, attempts, re-push delays, signing and sending.

package callbacks

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

func newTransport(workers int, insecure bool) *http.Transport {
	t := &http.Transport{
		Proxy: nil, // pushes go straight to the customer, never via a proxy
		// No dial timeout of its own: the attempt's Timeout (request context) bounds the
		// connection too, as D67 bounds the whole exchange.
		DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        4 * workers,
		MaxIdleConnsPerHost: workers,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   false,
	}
	if insecure {
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // callbackInsecureTLS, off by default
	}
	return t
}

// worker delivers the ready messages of one destination until its queue is empty.
func (d *Dispatcher) worker(q *dest) {
	defer d.wg.Done()
	d.mu.Lock()
	for len(q.ready) > 0 {
		m := q.ready[0]
		q.ready[0] = nil
		q.ready = q.ready[1:]
		if len(q.ready) == 0 {
			q.ready = q.ready[:0:0] // let the backing array go once drained
		}
		d.queued--
		// A keyed first attempt holds its key until it ends; re-pushes never hold one.
		holdsKey := m.key != "" && m.attempts == 0
		q.inflight++
		d.inflight++
		d.mu.Unlock()

		d.deliver(m)

		d.mu.Lock()
		q.inflight--
		d.inflight--
		if holdsKey {
			d.releaseKeyLocked(m.key)
		}
	}
	q.running--
	d.mu.Unlock()
}

// waitDelay holds a first attempt until Options.Delay after its emission (or Close).
func (d *Dispatcher) waitDelay(m *message) {
	if d.opts.Delay <= 0 || m.attempts > 0 {
		return
	}
	wait := m.sent.Add(d.opts.Delay).Sub(d.opts.Wall())
	if wait <= 0 {
		return
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
	case <-d.done:
	}
}

// deliver makes one attempt and schedules the next one or records the outcome.
func (d *Dispatcher) deliver(m *message) {
	d.waitDelay(m)
	now := d.clk.Now()
	if m.attempts == 0 {
		m.first = now
	}
	m.attempts++
	c := &d.counters[m.kind]
	c.attempts.Add(1)
	if m.attempts > 1 {
		c.retries.Add(1)
	}
	status, err := d.send(context.Background(), m.app, m.url, m.body, m.emitted, io.Discard)
	ok := err == nil && status == http.StatusOK
	a := Attempt{Kind: Kinds[m.kind], AppKey: m.app.Key, URL: m.url, Refs: m.refs, Records: m.records,
		N: m.attempts, First: m.first, At: now, Status: status, Err: err, Delivered: ok}
	if ok {
		c.delivered.Add(1)
		d.observe(a)
		return
	}
	c.failed.Add(1)
	next := m.attempts - 1 // index of the next re-push in the schedule
	if next >= len(d.sched) {
		a.Dropped = true
		c.dropped.Add(1)
		d.logUndelivered(m, now, status, err)
		d.observe(a)
		return
	}
	d.observe(a)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		c.abandoned.Add(1)
		return
	}
	due := m.first.Add(d.sched[next])
	if !due.After(d.clk.Now()) {
		// Already due (a slow attempt or a compressed schedule): requeue directly so that
		// Drain never sees a message that is neither queued nor scheduled.
		d.pushReadyLocked(m)
		return
	}
	// An absolute deadline, not AfterFunc(due - now): an Advance between reading Now and
	// scheduling would otherwise push the re-push that far past its instant (seen as a
	// scenario that advanced five hours and got no re-push at all).
	d.retries[m] = d.clk.At(due, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		if _, ok := d.retries[m]; !ok {
			return // abandoned by Close
		}
		delete(d.retries, m)
		d.pushReadyLocked(m)
	})
}

func (d *Dispatcher) observe(a Attempt) {
	if d.opts.Observe != nil {
		d.opts.Observe(a)
	}
}

// send POSTs body with fresh authentication headers and copies at most MaxResponseBody bytes
// of the answer to w. It returns the status (0 without an answer) and the transport error.
func (d *Dispatcher) send(ctx context.Context, app AppRef, url string, body []byte, emitted string, w io.Writer) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", pns.ContentTypeJSON)
	req.Header.Set(EmittedHeader, emitted)
	pns.Signer{AppKey: app.Key, AppSecret: app.Secret, Scheme: app.Scheme, Now: d.opts.Now}.Sign(req.Header)
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	// The answer must be complete within the timeout (D67): reading is part of the attempt.
	_, err = io.Copy(w, io.LimitReader(resp.Body, MaxResponseBody))
	if err == nil {
		// Drain a little more so that the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxResponseBody))
	}
	return resp.StatusCode, err
}

// Block sends a Block request synchronously and returns the customer's answer body (at most
// MaxResponseBody bytes): an SMS Block request (§10, Kind pns.NotifySMSBlock or empty) or
// the Block callin of an X-mode call (§6.7, Kind pns.NotifyEvent), counted under its kind.
// It is never retried (D74, D87). An error is returned for a transport failure, a timeout
// (Timeout, wall clock) or a status other than 200; the caller then drops the SMS or fails
// the call.
func (d *Dispatcher) Block(ctx context.Context, p Push) ([]byte, error) {
	kind := p.Kind
	if kind == "" {
		kind = pns.NotifySMSBlock
	}
	if kind != pns.NotifySMSBlock && kind != pns.NotifyEvent {
		return nil, fmt.Errorf("%w %q for Block", ErrUnknownKind, p.Kind)
	}
	if p.URL == "" {
		return nil, ErrNoURL
	}
	body, err := pushBody(p)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	closed := d.closed
	d.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	c := &d.counters[kindIndex(kind)]
	c.enqueued.Add(1)
	c.messages.Add(1)
	c.attempts.Add(1)
	var answer bytes.Buffer
	status, err := d.send(ctx, p.App, p.URL, body, formatEmitted(d.opts.Wall()), &answer)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("callbacks: block answer status %d", status)
	}
	now := d.clk.Now()
	a := Attempt{Kind: kind, AppKey: p.App.Key, URL: p.URL, Records: 1, N: 1, First: now, At: now,
		Status: status, Err: err, Delivered: err == nil, Dropped: err != nil}
	if p.Ref != "" {
		a.Refs = []string{p.Ref}
	}
	if err != nil {
		c.failed.Add(1)
		c.dropped.Add(1)
		d.observe(a)
		return nil, err
	}
	c.delivered.Add(1)
	d.observe(a)
	return answer.Bytes(), nil
}
