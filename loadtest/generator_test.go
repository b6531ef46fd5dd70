package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The generator sends through the transport directly when the client follows no redirects
// (defaultClient); a hit must then look as it did through Client.Do: the same error text, the
// 3xx answer handed back, the deadline applied to the whole exchange.
func TestGeneratorDirectTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/redirect":
			http.Redirect(w, r, "/ok", http.StatusFound)
		case "/slow":
			<-r.Context().Done()
		default:
			_, _ = w.Write([]byte(`{"resultcode":"0"}`))
		}
	}))
	defer srv.Close()
	closed := deadURL(t)

	send := func(c *http.Client, method, url string) *hit {
		g := newGenerator(context.Background(), c, 1, 1)
		h := &hit{req: request{method: method, url: url}}
		h.start = time.Now()
		g.newWorker().do(h)
		return h
	}
	direct := defaultClient(200*time.Millisecond, 4, nil)
	if g := newGenerator(context.Background(), direct, 1, 1); g.rt == nil {
		t.Fatal("defaultClient: the generator does not use the transport directly")
	}
	follows := &http.Client{Transport: direct.Transport, Timeout: time.Second}
	if g := newGenerator(context.Background(), follows, 1, 1); g.rt != nil {
		t.Fatal("a client that follows redirects must go through Client.Do")
	}

	if h := send(direct, http.MethodGet, srv.URL+"/ok"); h.err != "" || h.status != 200 || string(h.body) != `{"resultcode":"0"}` {
		t.Errorf("ok: %+v", h)
	}
	if h := send(direct, http.MethodGet, srv.URL+"/redirect"); h.err != "" || h.status != http.StatusFound {
		t.Errorf("redirect: status %d err %q, want the 302 handed back", h.status, h.err)
	}
	if h := send(follows, http.MethodGet, srv.URL+"/redirect"); h.err != "" || h.status != 200 {
		t.Errorf("redirect through Client.Do: status %d err %q, want it followed", h.status, h.err)
	}
	// Client.Do's error text: `Post "URL": dial tcp …: connect: connection refused`.
	want := send(&http.Client{Transport: direct.Transport, Timeout: time.Second}, http.MethodPost, closed+"/x").err
	got := send(direct, http.MethodPost, closed+"/x").err
	if got == "" || got != want {
		t.Errorf("refused: got %q, Client.Do gives %q", got, want)
	}
	if h := send(direct, http.MethodGet, srv.URL+"/slow"); h.err == "" || h.status != 0 {
		t.Errorf("slow: status %d err %q, want the request timeout", h.status, h.err)
	}
}

func TestURLErrorOp(t *testing.T) {
	for in, want := range map[string]string{"": "Get", "GET": "Get", "POST": "Post", "PUT": "Put", "DELETE": "Delete"} {
		if got := urlErrorOp(in); got != want {
			t.Errorf("urlErrorOp(%q) = %q, want %q", in, got, want)
		}
	}
}

// A negative UnreachableAfter keeps a load against a dead target going to the end of its plan,
// every request counted as a transport failure.
func TestUnreachableAfterDisabled(t *testing.T) {
	dead := deadURL(t)
	res, err := Run(context.Background(), Config{Target: dead, Profile: fakeProfile(), Rate: 20, Duration: 1500 * time.Millisecond,
		UnreachableAfter: -1, ProgressInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Aborted != "" {
		t.Fatalf("aborted %q with UnreachableAfter < 0", res.Aborted)
	}
	b, _ := res.Interface("axb.bind")
	if b.Count == 0 || b.Success != 0 {
		t.Errorf("axb.bind: %d sent, %d succeeded; want every one a transport failure", b.Count, b.Success)
	}
}

// A load against a target that answers nothing stops once UnreachableAfter has passed without
// an answer, long before its plan's end, and says why.
func TestUnreachableAfterStops(t *testing.T) {
	dead := deadURL(t)
	res, err := Run(context.Background(), Config{Target: dead, Profile: fakeProfile(), Rate: 20, Duration: 5 * time.Minute,
		UnreachableAfter: 200 * time.Millisecond, ProgressInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Aborted, "target unreachable: no answer for ") || !strings.Contains(res.Aborted, "connection refused") {
		t.Fatalf("aborted %q", res.Aborted)
	}
	if res.ElapsedSeconds >= 300 {
		t.Errorf("elapsed %.0fs: the plan ran to its end", res.ElapsedSeconds)
	}
}

// deadURL is the URL of a loopback port nothing listens on: every request is refused.
func deadURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return "http://" + ln.Addr().String()
}

// A hit comes back from the pool as a new one, keeping only its answer buffer and, when the
// exchange ended with the answer read and closed, its header map as the spare the next
// request is signed into; a failed exchange leaves no header to reuse (the transport may still
// read it).
func TestHitRecycled(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"resultcode":"0","resultdesc":"Success"}`))
	}))
	defer srv.Close()
	g := newGenerator(context.Background(), defaultClient(time.Second, 1, nil), 1, 1)
	w := g.newWorker()
	defer w.close()
	m := &modeRun{sign: newLoadSigner("k", "s")}
	send := func(url string) *hit {
		h := getHit(job{seq: 7, primary: true})
		h.req = request{method: http.MethodGet, url: url, spare: h.req.spare}
		h.req.header = m.sign.headerInto(h.req.spare)
		h.start = time.Now()
		w.do(h)
		return h
	}
	h := send(srv.URL)
	if h.err != "" || h.status != 200 || !h.reusable {
		t.Fatalf("ok: status %d err %q reusable %v", h.status, h.err, h.reusable)
	}
	header, body := h.req.header, h.body
	h.obs.confErrs = []string{"x"}
	putHit(h)
	if h.seq != 0 || h.primary || h.status != 0 || h.obs.confErrs != nil || h.req.header != nil || len(h.body) != 0 || h.reusable {
		t.Fatalf("recycled hit not zeroed: %+v", h)
	}
	if cap(h.body) != cap(body) || h.req.spare == nil || len(h.req.spare) != len(header) {
		t.Fatalf("recycled hit lost its buffer (cap %d, was %d) or its header map (%v)", cap(h.body), cap(body), h.req.spare)
	}
	h.req.header = m.sign.headerInto(h.req.spare)
	h.req.header["X-Marker"] = []string{"1"}
	if header["X-Marker"] == nil {
		t.Fatal("the spare header map was not the one signed into")
	}
	delete(h.req.header, "X-Marker")

	h.req.url, h.err, h.status = deadURL(t), "", 0
	w.do(h)
	if h.err == "" || h.reusable {
		t.Fatalf("refused: err %q reusable %v", h.err, h.reusable)
	}
	putHit(h)
	if h.req.spare != nil {
		t.Fatal("a failed exchange's header map was kept for reuse")
	}
}

// A worker's requests are http.NewRequestWithContext's, field for field, with the URL before
// its query parsed once: every kind of URL and body the load sends, and some it never does.
func TestWorkerRequestMatchesNewRequest(t *testing.T) {
	g := newGenerator(context.Background(), defaultClient(time.Second, 1, nil), 1, 1)
	w := g.newWorker()
	defer w.close()
	urls := []string{
		"http://127.0.0.1:8080/rest/caas/relationnumber/partners/v1.0",
		"http://127.0.0.1:8080/rest/caas/relationnumber/partners/v1.0?subscriptionId=s1",
		"http://127.0.0.1:8080/rest/caas/relationnumber/partners/v1.0?subscriptionId=s2&app_key=k",
		"http://127.0.0.1:8080/rest/caas/relationnumber/partners/v1.0?",
		"http://127.0.0.1:8080/rest/caas/relationnumber/partners/v1.0??",
		"http://127.0.0.1:8080/rest/x?a?b",
		"https://user:pw@Example.COM:/p%20q/r?x=%zz",
		"HTTP://[::1]:9/p?q",
		"http://h/p#frag?x",
		"http://h/p?x#frag",
		"http://h/p?x\x01",
		"http://h/p\x7f?x",
		"mailto:a@b?x",
		"/relative?x",
		"",
		"http://%zz/?x",
	}
	bodies := [][]byte{nil, {}, []byte(`{"a":1}`)}
	for _, method := range []string{http.MethodGet, http.MethodPost, "", "BAD METHOD", "PROPFIND"} {
		for _, raw := range urls {
			for _, body := range bodies {
				var rd io.Reader
				if body != nil {
					rd = bytes.NewReader(body)
				}
				want, werr := http.NewRequestWithContext(w.ctx, method, raw, rd)
				got, gerr := w.request(method, raw, body)
				name := fmt.Sprintf("%s %q body %q", method, raw, body)
				if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
					t.Fatalf("%s: error %v, want %v", name, gerr, werr)
				}
				if werr != nil {
					continue
				}
				if got.Context() != want.Context() || got.Method != want.Method || got.Host != want.Host ||
					got.ContentLength != want.ContentLength || got.Proto != want.Proto || got.ProtoMajor != want.ProtoMajor ||
					got.ProtoMinor != want.ProtoMinor || !reflect.DeepEqual(got.URL, want.URL) {
					t.Fatalf("%s:\n got %+v %+v\nwant %+v %+v", name, got, got.URL, want, want.URL)
				}
				if (got.Body == nil) != (want.Body == nil) || (got.Body == http.NoBody) != (want.Body == http.NoBody) ||
					(got.GetBody == nil) != (want.GetBody == nil) {
					t.Fatalf("%s: body %v getBody %v, want %v %v", name, got.Body, got.GetBody != nil, want.Body, want.GetBody != nil)
				}
				if got.Body != nil {
					gb, _ := io.ReadAll(got.Body)
					wb, _ := io.ReadAll(want.Body)
					again, _ := got.GetBody()
					ab, _ := io.ReadAll(again)
					if !bytes.Equal(gb, wb) || !bytes.Equal(ab, wb) {
						t.Fatalf("%s: body %q, again %q, want %q", name, gb, ab, wb)
					}
				}
			}
		}
	}
}

// A request that times out fails with the deadline, and the worker's next request, on a new
// context, is not affected by it.
func TestWorkerTimeoutRenews(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-r.Context().Done()
			return
		}
		_, _ = w.Write([]byte(`{"resultcode":"0"}`))
	}))
	defer srv.Close()
	g := newGenerator(context.Background(), defaultClient(100*time.Millisecond, 1, nil), 1, 1)
	w := g.newWorker()
	defer w.close()
	send := func(path string) *hit {
		h := &hit{req: request{method: http.MethodGet, url: srv.URL + path}}
		h.start = time.Now()
		w.do(h)
		return h
	}
	if h := send("/ok"); h.err != "" || h.status != 200 {
		t.Fatalf("ok: status %d err %q", h.status, h.err)
	}
	first := w.ctx
	if h := send("/slow"); h.status != 0 || !strings.Contains(h.err, "context deadline exceeded") {
		t.Fatalf("slow: status %d err %q, want the deadline", h.status, h.err)
	}
	if w.ctx == first || w.ctx.Err() != nil {
		t.Fatal("the worker kept the context its timed-out request cancelled")
	}
	for range 3 {
		if h := send("/ok"); h.err != "" || h.status != 200 {
			t.Fatalf("after the timeout: status %d err %q", h.status, h.err)
		}
	}
}
