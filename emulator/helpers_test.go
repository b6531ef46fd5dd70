package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// metricValue sums the counter values of a collector (prometheus/testutil needs a module that
// is not in go.sum).
func metricValue(c prometheus.Collector) float64 {
	ch := make(chan prometheus.Metric, 64)
	go func() { c.Collect(ch); close(ch) }()
	var sum float64
	for m := range ch {
		var d dto.Metric
		if err := m.Write(&d); err == nil && d.Counter != nil {
			sum += d.Counter.GetValue()
		}
	}
	return sum
}

// t0 is the fixed wall-clock time of tests: authentication windows are checked against it.
var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

const (
	axbKey, axbSecret   = "demo-axb", "demo-axb-secret"
	axKey, axSecret     = "demo-ax", "demo-ax-secret"
	axeKey, axeSecret   = "demo-axe", "demo-axe-secret"
	axybKey, axybSecret = "demo-axyb", "demo-axyb-secret"
)

var secrets = map[string]string{axbKey: axbSecret, axKey: axSecret, axeKey: axeSecret, axybKey: axybSecret}

// testEmu is an emulator served by httptest with a fixed wall clock.
type testEmu struct {
	t     *testing.T
	e     *Emulator
	srv   *httptest.Server
	wall  atomic.Int64 // unix seconds
	nonce atomic.Int64
}

// newTestEmu starts the default configuration, changed by mutate.
func newTestEmu(t *testing.T, mutate func(*Config), opts ...Option) *testEmu {
	t.Helper()
	cfg, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(cfg)
	}
	te := &testEmu{t: t}
	te.wall.Store(t0.Unix())
	opts = append([]Option{WithWallClock(func() time.Time { return time.Unix(te.wall.Load(), 0) })}, opts...)
	e, err := New(*cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	te.e = e
	te.srv = httptest.NewServer(e.Handler())
	t.Cleanup(func() { te.srv.Close(); _ = e.Close() })
	return te
}

// akskDigest is written from reference §2.1 only (not the pns package), so that the tests check
// the emulator against the contract rather than against shared code.
func akskDigest(secret, nonce, created string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(nonce + created))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func wsseDigest(secret, nonce, created string) string {
	s := sha256.Sum256([]byte(nonce + created + secret))
	return base64.StdEncoding.EncodeToString(s[:])
}

// authHeaders returns valid X-AKSK headers for app at the test wall time.
func (te *testEmu) authHeaders(app string) http.Header {
	nonce := fmt.Sprintf("%032x", te.nonce.Add(1))
	created := time.Unix(te.wall.Load(), 0).UTC().Format("2006-01-02T15:04:05Z")
	h := http.Header{}
	h.Set("Authorization", `AKSK realm="SDP",profile="UsernameToken",type="Appkey"`)
	h.Set("X-AKSK", fmt.Sprintf(`UsernameToken Username="%s",PasswordDigest="%s",Nonce="%s",Created="%s"`,
		app, akskDigest(secrets[app], nonce, created), nonce, created))
	h.Set("Content-Type", "application/json;charset=UTF-8")
	return h
}

// result is a decoded answer.
type result struct {
	Status int
	Close  bool // the server asked to close the connection
	Header http.Header
	Body   []byte
	Code   string
	Desc   string
	JSON   map[string]any
}

// raw sends a request with explicit headers.
func (te *testEmu) raw(method, path string, h http.Header, body string) result {
	te.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, te.srv.URL+path, rd)
	if err != nil {
		te.t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		te.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	r := result{Status: resp.StatusCode, Close: resp.Close, Header: resp.Header, Body: data}
	if len(data) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.UseNumber()
		_ = dec.Decode(&r.JSON)
		r.Code, _ = r.JSON["resultcode"].(string)
		r.Desc, _ = r.JSON["resultdesc"].(string)
	}
	return r
}

// call sends a signed request for app.
func (te *testEmu) call(app, method, path, body string) result {
	te.t.Helper()
	return te.raw(method, path, te.authHeaders(app), body)
}

// mustOK fails unless the answer is a success.
func (r result) mustOK(t *testing.T) result {
	t.Helper()
	if r.Status != 200 || r.Code != "0" || r.Desc != "Success" {
		t.Fatalf("want success, got %d %s", r.Status, r.Body)
	}
	return r
}

// expect checks status, code and description.
func (r result) expect(t *testing.T, status int, code, desc string) {
	t.Helper()
	if r.Status != status || r.Code != code || (desc != "" && r.Desc != desc) {
		t.Fatalf("want %d %s %q, got %d %s", status, code, desc, r.Status, r.Body)
	}
}

func (r result) str(key string) string {
	s, _ := r.JSON[key].(string)
	return s
}

const (
	pathAXB    = "/rest/caas/relationnumber/partners/v1.0"
	pathAX     = "/rest/provision/caas/privatenumber/v1.0"
	pathCallee = "/rest/caas/privatenumber/calleenumber/v1.0"
	pathAXE    = "/rest/caas/extendnumber/v1.0"
	pathRecord = "/rest/provision/voice/record/v1.0"
)
