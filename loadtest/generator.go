package loadtest

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The generator sends the requests of every flow and measures itself. Each request is a job
// with the instant the plan (or the previous step plus its think time) intended it; the
// scheduler that releases it, the worker that takes it and the HTTP round trip are timed
// separately, so that a result says how late the generator was (lag: taken − intended) and
// how long the job waited for a free worker (blocked: taken − released, each worker owning at
// most one connection in flight). Workers only send and read: decoding, checks and recording
// run on the checker goroutines, fed through a buffered channel, off the dispatch path.

// job is one request to send.
type job struct {
	s        *session
	step     int
	intended time.Time
	released time.Time
	primary  bool // the first step of a session: an arrival of its flow's plan
	// drained: sent before its due time because the load is stopping (the unbinds of the
	// bindings alive at a Ctrl-C, all at once): counted, but not timed, since that burst
	// measures the stop, not the plan.
	drained bool
	seq     uint64
}

// hit is a job's outcome, as a worker saw it.
type hit struct {
	job
	req      request
	start    time.Time // taken by a worker: the request was built and sent from here
	latency  time.Duration
	status   int
	body     []byte
	err      string
	unsent   bool // err came before any byte of the request could reach the target
	bytesOut int
	bytesIn  int
	// ans and obs are what the checker made of the answer (runner.handle): kept here rather
	// than in handle's frame, where they escaped to the heap on every request.
	ans answer
	obs observation
}

// lag is how late the generator sent the request; blocked the part of it spent waiting for a
// worker.
func (h *hit) lag() time.Duration     { return max(0, h.start.Sub(h.intended)) }
func (h *hit) blocked() time.Duration { return max(0, h.start.Sub(h.released)) }

// generator runs the workers.
type generator struct {
	client *http.Client
	// rt and timeout, when rt is set, replace client.Do by one RoundTrip under a deadline: the
	// client never follows redirects nor keeps cookies here, and Client.Do's per-request
	// copies (the request, its header for a redirect, a cancel timer) were a tenth of the
	// generator's allocations.
	rt         http.RoundTripper
	timeout    time.Duration
	ctx        context.Context
	maxBody    int64
	jobs       chan *hit
	results    chan *hit
	stop       chan struct{}
	maxWorkers int64
	workers    atomic.Int64
	wg         sync.WaitGroup
}

func newGenerator(ctx context.Context, client *http.Client, workers, maxWorkers uint64) *generator {
	g := &generator{client: client, ctx: ctx, maxBody: 64 << 10,
		jobs: make(chan *hit), results: make(chan *hit, 1<<14), stop: make(chan struct{}), maxWorkers: int64(max(1, maxWorkers))}
	if client.Transport != nil && client.Jar == nil && client.Timeout > 0 && noRedirects(client) {
		g.rt, g.timeout = client.Transport, client.Timeout
	}
	for i := uint64(0); i < min(max(1, workers), maxWorkers); i++ {
		g.spawn()
	}
	return g
}

func (g *generator) spawn() bool {
	for {
		n := g.workers.Load()
		if n >= g.maxWorkers {
			return false
		}
		if g.workers.CompareAndSwap(n, n+1) {
			break
		}
	}
	g.wg.Add(1)
	go g.work()
	return true
}

// dispatch hands j to a worker, starting one when every worker is busy and the cap allows,
// else waiting for one. It returns false when the generator was stopped meanwhile. The hit
// is allocated here, once: the worker fills it in and the checkers read it.
func (g *generator) dispatch(jb job) bool {
	j := &hit{job: jb}
	j.released = time.Now()
	select {
	case g.jobs <- j:
		return true
	default:
	}
	g.spawn()
	select {
	case g.jobs <- j:
		return true
	case <-g.stop:
		return false
	}
}

// close ends the workers once no more jobs will be dispatched and waits for them; results is
// closed after the last hit.
func (g *generator) close() {
	close(g.jobs)
	g.wg.Wait()
	close(g.results)
}

func (g *generator) work() {
	defer g.wg.Done()
	for h := range g.jobs {
		h.start = time.Now()
		step := &h.s.flow.steps[h.step]
		step.op.Request(step.m, h.s, &h.req)
		g.do(h)
		g.results <- h
	}
}

// do sends the request and reads the answer (at most maxBody bytes kept, the rest drained).
func (g *generator) do(h *hit) {
	var body io.Reader
	if h.req.body != nil {
		body = bytes.NewReader(h.req.body)
	}
	ctx := g.ctx
	if g.rt != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, g.timeout)
		defer cancel() // after the body is read: the deadline covers the whole exchange, as Client.Timeout does
	}
	req, err := http.NewRequestWithContext(ctx, h.req.method, h.req.url, body)
	if err != nil {
		h.err = err.Error()
		h.latency = time.Since(h.start)
		return
	}
	if h.req.header != nil {
		req.Header = h.req.header
	}
	h.bytesOut = len(h.req.body)
	var resp *http.Response
	if g.rt != nil {
		if resp, err = g.rt.RoundTrip(req); err != nil {
			err = &url.Error{Op: urlErrorOp(req.Method), URL: h.req.url, Err: err} // the text Client.Do gives
		}
	} else {
		resp, err = g.client.Do(req)
	}
	if err != nil {
		h.err = err.Error()
		h.unsent = neverSent(err)
		h.latency = time.Since(h.start)
		return
	}
	h.body, err = readBody(resp.Body, g.maxBody, resp.ContentLength)
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	_ = resp.Body.Close()
	h.latency = time.Since(h.start)
	h.status = resp.StatusCode
	h.bytesIn = len(h.body)
	if err != nil {
		h.err = err.Error()
	}
}

// readBody is io.ReadAll(io.LimitReader(r, limit)) without the LimitedReader and, when the
// answer's length is known (size >= 0), in one buffer of that length: two to three heap
// objects per request fewer in the generator's profile.
func readBody(r io.Reader, limit, size int64) ([]byte, error) {
	c := int64(512)
	if size >= 0 {
		c = size + 1 // room to see the end without growing
	}
	b := make([]byte, 0, min(c, limit))
	for int64(len(b)) < limit {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow
		}
		n, err := r.Read(b[len(b):min(int64(cap(b)), limit)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
	return b, nil
}

// noRedirects reports whether c hands 3xx answers back instead of following them, as
// defaultClient does.
func noRedirects(c *http.Client) bool {
	if c.CheckRedirect == nil {
		return false
	}
	return errors.Is(c.CheckRedirect(nil, nil), http.ErrUseLastResponse)
}

// urlErrorOp is the Op of the *url.Error Client.Do returns for method ("Get", "Post", …).
func urlErrorOp(method string) string {
	if method == "" {
		return "Get"
	}
	return method[:1] + strings.ToLower(method[1:])
}

// defaultClient is the generator's HTTP client when Config.HTTPClient is nil: keep-alive
// connections, as many idle ones as workers, no redirects followed, the request timeout.
func defaultClient(timeout time.Duration, maxWorkers uint64, tc *tls.Config) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if tc != nil {
		tr.TLSClientConfig = tc.Clone() // net/http writes to the transport's TLS configuration
	}
	tr.MaxIdleConns = 0
	tr.MaxIdleConnsPerHost = int(min(maxWorkers, 10000))
	return &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// neverSent reports whether a request's error came before the request could reach the target:
// the connection was never made (refused, no route, dial timeout, name not found). A bind
// that failed so cannot have created a binding; any later failure (a reset, a timeout waiting
// for the answer, TLS after the dial) may have let the request through.
func neverSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
