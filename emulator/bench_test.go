package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// benchServer serves h on a real loopback listener with a plain http.Server (keep-alive on),
// the same stack for both benchmarks so that their ratio is the emulator's own cost.
func benchServer(b *testing.B, h http.Handler) (string, *http.Client) {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { _ = srv.Close() })
	tr := &http.Transport{MaxIdleConnsPerHost: 4}
	b.Cleanup(tr.CloseIdleConnections)
	return "http://" + ln.Addr().String(), &http.Client{Transport: tr}
}

func benchDo(b *testing.B, c *http.Client, signer pns.Signer, method, url, body string) []byte {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", pns.ContentTypeJSON)
	signer.Sign(req.Header)
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, data)
	}
	return data
}

// BenchmarkBindUnbindHTTP measures one AXB bind plus one unbind (two requests) through the
// whole emulator: routing, authentication, validation, store, JSON answer.
func BenchmarkBindUnbindHTTP(b *testing.B) {
	base, c := benchServer(b, benchEmulator(b))
	signer := pns.Signer{AppKey: axbKey, AppSecret: axbSecret}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bindUnbind(b, c, signer, base)
	}
}

func benchEmulator(b *testing.B) http.Handler {
	cfg, err := DefaultConfig()
	if err != nil {
		b.Fatal(err)
	}
	e, err := New(*cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = e.Close() })
	return e.Handler()
}

const benchBindBody = `{"callerNum":"+8613800100001","calleeNum":"+8613800100002","duration":3600,"recordFlag":"false"}`

// bindUnbind is one operation against the emulator: an AXB bind and the unbind of its result.
func bindUnbind(b *testing.B, c *http.Client, signer pns.Signer, base string) {
	data := benchDo(b, c, signer, "POST", base+pathAXB, benchBindBody)
	var out struct {
		SubscriptionID string `json:"subscriptionId"`
	}
	if err := json.Unmarshal(data, &out); err != nil || out.SubscriptionID == "" {
		b.Fatalf("bind: %s", data)
	}
	benchDo(b, c, signer, "DELETE", base+pathAXB+"?subscriptionId="+out.SubscriptionID, "")
}

// BenchmarkTrivialJSONHandler is the baseline: the same server stack and client, two requests
// per operation with the same headers, answered by a handler that decodes a small JSON body and
// writes a JSON envelope.
func BenchmarkTrivialJSONHandler(b *testing.B) {
	base, c := benchServer(b, trivialHandler())
	signer := pns.Signer{AppKey: axbKey, AppSecret: axbSecret}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		trivialOp(b, c, signer, base)
	}
}

// BenchmarkBindUnbindVsTrivial runs both in the same benchmark, interleaved in rounds so that
// machine noise hits both alike, and reports emulator ops/s, trivial ops/s (wall clock) and
// their ratio (the aim of issue 25: at least 0.9). The ratio is the trivial handler's CPU time
// per op over the emulator's (the process's CPU: client and server, the client's work being
// the same for both), the median of the rounds' ratios with the order alternating: on a
// shared machine wall-clock rounds moved it between 0.27 and 0.92 in one afternoon, because the
// time a round waits for a core is not its cost.
func BenchmarkBindUnbindVsTrivial(b *testing.B) {
	ebase, ec := benchServer(b, benchEmulator(b))
	tbase, tc := benchServer(b, trivialHandler())
	signer := pns.Signer{AppKey: axbKey, AppSecret: axbSecret}
	const round = 200
	var et, tt time.Duration
	var ratios []float64
	n := 0
	for r := 0; n < b.N; r++ {
		emu := func() (time.Duration, time.Duration) {
			c0, t0 := processCPU(), time.Now()
			for i := 0; i < round; i++ {
				bindUnbind(b, ec, signer, ebase)
			}
			return processCPU() - c0, time.Since(t0)
		}
		triv := func() (time.Duration, time.Duration) {
			c0, t0 := processCPU(), time.Now()
			for i := 0; i < round; i++ {
				trivialOp(b, tc, signer, tbase)
			}
			return processCPU() - c0, time.Since(t0)
		}
		var ec, ew, tcpu, tw time.Duration
		if r%2 == 0 {
			ec, ew = emu()
			tcpu, tw = triv()
		} else {
			tcpu, tw = triv()
			ec, ew = emu()
		}
		et += ew
		tt += tw
		if ec <= 0 || tcpu <= 0 { // no process CPU clock: the wall clock
			ec, tcpu = ew, tw
		}
		ratios = append(ratios, tcpu.Seconds()/ec.Seconds())
		n += round
	}
	b.ReportMetric(float64(n)/et.Seconds(), "emulator-ops/s")
	b.ReportMetric(float64(n)/tt.Seconds(), "trivial-ops/s")
	sort.Float64s(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "ratio")
}

// trivialOp is bindUnbind against the trivial handler, the client's work included: it decodes
// the bind answer for its subscriptionId and unbinds that, as bindUnbind does, so that the
// ratio compares the two servers and not two clients (the trivial side once skipped the
// decode, which counted about 4 µs of the client's CPU per op against the emulator).
func trivialOp(b *testing.B, c *http.Client, signer pns.Signer, base string) {
	data := benchDo(b, c, signer, "POST", base+pathAXB, benchBindBody)
	var out struct {
		SubscriptionID string `json:"subscriptionId"`
	}
	if err := json.Unmarshal(data, &out); err != nil || out.SubscriptionID == "" {
		b.Fatalf("bind: %s", data)
	}
	benchDo(b, c, signer, "DELETE", base+pathAXB+"?subscriptionId="+out.SubscriptionID, "")
}

func trivialHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		data, _ := io.ReadAll(r.Body)
		if len(data) > 0 {
			_ = json.NewDecoder(bytes.NewReader(data)).Decode(&in)
		}
		w.Header().Set("Content-Type", ContentTypeResponse)
		_, _ = w.Write([]byte(`{"resultcode":"0","resultdesc":"Success","subscriptionId":"0167ecc9-bfb6-4eec-b671-a7dab2ba78cf"}`))
	})
}
