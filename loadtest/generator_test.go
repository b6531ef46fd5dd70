package loadtest

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
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
		g.do(h)
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
