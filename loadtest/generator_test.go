package loadtest

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	_ = ln.Close()

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
