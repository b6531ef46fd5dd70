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
// run on the checker goroutines, fed through a buffered channel, off the dispatch path
// (runner.startCheckers says why not on the workers). A hit is recycled once checked
// (hitPool), with its answer buffer and header map.

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
	// reusable: the exchange ended with the answer's body read and closed, so the transport
	// no longer reads req.header (http.RoundTripper's contract) and the map can serve the
	// next request of this hit.
	reusable bool
}

// hitPool recycles hits: one per request was the generator's largest allocation after the
// answers' decoding.
var hitPool = sync.Pool{New: func() any { return new(hit) }}

// getHit returns a zeroed hit for jb, with a recycled answer buffer and header map when it
// has them.
func getHit(jb job) *hit {
	h := hitPool.Get().(*hit)
	h.job = jb
	return h
}

// putHit recycles h once nothing reads it any more: not its body, answer or observation
// (their strings are copies: schemas.Decode copies the body it decodes), nor its request.
func putHit(h *hit) {
	body, header := h.body[:0], h.req.header
	if !h.reusable || cap(body) > 16<<10 {
		header = nil // the transport may still read it; or keep no big buffer for ever
	}
	if cap(body) > 16<<10 {
		body = nil
	}
	*h = hit{body: body}
	h.req.spare = header
	hitPool.Put(h)
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
	rt      http.RoundTripper
	timeout time.Duration
	ctx     context.Context
	maxBody int64
	jobs    chan *hit
	// handle takes each hit a worker has sent and read (it hands it to the checkers, which
	// recycle it with putHit); after runs once the workers have handed over their last hit.
	// Both are set before the first dispatch.
	handle     func(*hit)
	after      func()
	stop       chan struct{}
	maxWorkers int64
	workers    atomic.Int64
	wg         sync.WaitGroup
}

func newGenerator(ctx context.Context, client *http.Client, workers, maxWorkers uint64) *generator {
	g := &generator{client: client, ctx: ctx, maxBody: 64 << 10,
		jobs: make(chan *hit), stop: make(chan struct{}), maxWorkers: int64(max(1, maxWorkers)), handle: putHit}
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
// is taken here: the worker fills it in and handles it.
func (g *generator) dispatch(jb job) bool {
	j := getHit(jb)
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
		putHit(j)
		return false
	}
}

// close ends the workers once no more jobs will be dispatched, waits for them to hand over
// their last hits, and then runs after.
func (g *generator) close() {
	close(g.jobs)
	g.wg.Wait()
	if g.after != nil {
		g.after()
	}
}

func (g *generator) work() {
	defer g.wg.Done()
	w := g.newWorker()
	defer w.close()
	for h := range g.jobs {
		h.start = time.Now()
		step := &h.s.flow.steps[h.step]
		step.op.Request(step.m, h.s, &h.req)
		w.do(h)
		g.handle(h)
	}
}

// worker is what one worker keeps from one request to the next, so that a request costs no
// more than the http.Request it needs (issue 25: a context with its timer, and parsing the
// URL, were a sixth of the generator's allocations; plain vegeta pays them too, through
// Client.Do). Its requests share one context, cancelled only when one of them times out (and
// then replaced); the URL up to its query is parsed once per distinct prefix.
type worker struct {
	g *generator
	// ctx and cancel: the requests' context and its cancel, which timer calls with
	// context.DeadlineExceeded when a request outlives the timeout; tmpl is a request made
	// with ctx, copied for each request (the context of a request cannot be set otherwise
	// without a second copy).
	ctx    *workerCtx
	cancel context.CancelCauseFunc
	timer  *time.Timer
	tmpl   *http.Request
	// uses counts the requests on ctx: it is renewed every renewAfter requests, which bounds
	// what it holds should a request's derived context ever stay registered on it (the
	// transport cancels each one when its exchange ends).
	uses int
	// base is the URL text before the query that baseURL was parsed from (the last request's
	// or earlier), "" before the first.
	base    string
	baseURL url.URL
}

// renewAfter is how many requests a worker's context serves before it is replaced.
const renewAfter = 4096

// workerCtx is a worker's requests' context: a context cancelled when a request times out,
// whose deadline is the current request's. The deadline is what a dial for the request reads
// (the dial gives up at it, as it would under context.WithTimeout); it is atomic because a
// dial started for one request may still read it when the worker has moved on.
type workerCtx struct {
	context.Context
	deadline atomic.Int64 // UnixNano
}

// Deadline returns the current request's deadline.
func (c *workerCtx) Deadline() (time.Time, bool) { return time.Unix(0, c.deadline.Load()), true }

func (g *generator) newWorker() *worker {
	w := &worker{g: g}
	if g.rt != nil {
		w.renew()
	}
	return w
}

// renew gives the worker a new context and a timer that cancels it: at the start, when the
// last one was (or is about to be) cancelled by its timer, and every renewAfter requests.
func (w *worker) renew() {
	ctx, cancel := context.WithCancelCause(w.g.ctx)
	w.ctx = &workerCtx{Context: ctx}
	w.cancel = cancel
	w.timer = time.AfterFunc(time.Hour, func() { cancel(context.DeadlineExceeded) })
	w.timer.Stop()
	w.tmpl, _ = http.NewRequestWithContext(w.ctx, http.MethodGet, "http://localhost/", nil) // a valid literal URL: no error
	w.uses = 0
}

func (w *worker) close() {
	if w.timer != nil {
		w.timer.Stop()
		w.cancel(context.Canceled)
	}
}

// do sends the request and reads the answer (at most maxBody bytes kept, the rest drained).
func (w *worker) do(h *hit) {
	g := w.g
	var req *http.Request
	var err error
	if g.rt != nil {
		// The deadline covers the whole exchange, body read included, as Client.Timeout does.
		w.ctx.deadline.Store(time.Now().Add(g.timeout).UnixNano())
		w.timer.Reset(g.timeout)
		defer func() {
			w.uses++
			if !w.timer.Stop() || w.uses >= renewAfter { // fired, or firing: this context is done for
				// An old context that did not fire is dropped, not cancelled: the transport may
				// still be finishing the exchange (returning its connection to the idle pool),
				// and a cancel then would close that connection.
				w.renew()
			}
		}()
		req, err = w.request(h.req.method, h.req.url, h.req.body)
	} else {
		var body io.Reader
		if h.req.body != nil {
			body = bytes.NewReader(h.req.body)
		}
		req, err = http.NewRequestWithContext(g.ctx, h.req.method, h.req.url, body)
	}
	if err != nil {
		h.err = err.Error()
		h.latency = time.Since(h.start)
		return
	}
	if h.req.header != nil {
		req.Header = h.req.header
	} else if req.Header == nil {
		req.Header = http.Header{}
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
	h.body, err = readBody(h.body[:0], resp.Body, g.maxBody, resp.ContentLength)
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	h.reusable = resp.Body.Close() == nil && err == nil
	h.latency = time.Since(h.start)
	h.status = resp.StatusCode
	h.bytesIn = len(h.body)
	if err != nil {
		h.err = err.Error()
	}
}

// request is http.NewRequestWithContext(w.ctx, method, raw, bytes.NewReader(body)) (nil body:
// no body) with the URL's part before the query parsed once, not per request: the same
// request, field for field. A URL or method it is not sure to treat alike goes through
// http.NewRequestWithContext itself.
func (w *worker) request(method, raw string, body []byte) (*http.Request, error) {
	base, query, hasQuery := strings.Cut(raw, "?")
	if !plainMethod(method) || strings.Contains(raw, "#") || hasCTL(query) || !w.parseBase(base) {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		return http.NewRequestWithContext(w.ctx, method, raw, rd)
	}
	u := new(url.URL)
	*u = w.baseURL
	u.RawQuery, u.ForceQuery = query, hasQuery && query == ""
	req := new(http.Request)
	*req = *w.tmpl
	req.Method, req.URL, req.Host, req.Header = method, u, u.Host, nil // do sets the header
	if body != nil {
		req.ContentLength = int64(len(body))
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		if len(body) == 0 {
			req.Body = http.NoBody
			req.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
		}
	}
	return req, nil
}

// parseBase makes w.baseURL the parse of base, an absolute http(s) URL without query or
// fragment, as url.Parse and http.NewRequest leave it; false when base is not such a URL.
func (w *worker) parseBase(base string) bool {
	if base == w.base && base != "" {
		return true
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return false
	}
	u.Host = strings.TrimSuffix(u.Host, ":") // http.NewRequest's removeEmptyPort
	w.base, w.baseURL = base, *u
	return true
}

// plainMethod reports whether method is one http.NewRequest takes as is.
func plainMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodHead:
		return true
	}
	return false
}

// hasCTL reports whether s holds an ASCII control character, which url.Parse refuses.
func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// readBody is io.ReadAll(io.LimitReader(r, limit)) without the LimitedReader, appended to
// buf (the recycled buffer of a hit, empty) and, when it is too small and the answer's length
// is known (size >= 0), in one buffer of that length: two to three heap objects per request
// fewer in the generator's profile.
func readBody(buf []byte, r io.Reader, limit, size int64) ([]byte, error) {
	c := int64(512)
	if size >= 0 {
		c = size + 1 // room to see the end without growing
	}
	b := buf[:0]
	if int64(cap(b)) < min(c, limit) {
		b = make([]byte, 0, min(c, limit))
	}
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
