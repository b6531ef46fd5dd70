package embedded

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/emulator/callbacks"
	"github.com/pns-harness/pns-harness/emulator/calls"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/schemas"
)

// BenchmarkCallbacksEndToEnd measures callbacks delivered per second from the emulator to the
// harness receiver over loopback: the simulator computes calls (Immediate mode), the dispatcher
// signs and pushes their events and batched fee records, and the receiver verifies, accounts
// and (in "validated") schema-checks every push. One op is one simulated AXB call (about five
// event pushes plus a fiftieth of a fee message). Compare callbacks/s with
// BenchmarkTrivialPushes. "hanging-app" adds a second app whose endpoint never answers and
// which gets one call per ten of the healthy app: with per-destination queues the healthy
// app's rate must stay that of "validated".
func BenchmarkCallbacksEndToEnd(b *testing.B) {
	for _, tc := range []struct {
		name              string
		validate, hanging bool
	}{{"verified", false, false}, {"validated", true, false}, {"hanging-app", true, true}} {
		b.Run(tc.name, func(b *testing.B) { benchEndToEnd(b, tc.validate, tc.hanging) })
	}
}

func benchEndToEnd(b *testing.B, validate, hanging bool) {
	// Arrivals are counted by a subscriber: polling Snapshot (which encodes every histogram)
	// would slow the receiver it measures.
	var gotEvents, gotFees atomic.Int64
	count := func(a receiver.Arrival) {
		if a.Redelivery || a.Duplicate || a.Status != http.StatusOK {
			return
		}
		switch a.Kind {
		case pns.NotifyEvent:
			gotEvents.Add(1)
		case pns.NotifyFee:
			gotFees.Add(int64(len(a.SessionIDs)))
		}
	}
	opts := receiver.Options{Apps: e2eSecrets}
	if validate {
		v, err := schemas.New()
		if err != nil {
			b.Fatal(err)
		}
		opts.Schemas = v
	}
	rcv := receiver.New(opts)
	rcv.Subscribe(count)
	rurl, err := rcv.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer rcv.Close()
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		b.Fatal(err)
	}
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()

	for i := range cfg.Apps {
		switch {
		case cfg.Apps[i].AppKey == "demo-axb":
			cfg.Apps[i].CallStatusURL = rurl + "/status"
			cfg.Apps[i].FeeURL = rurl + "/fee"
		case cfg.Apps[i].AppKey == "demo-ax" && hanging:
			cfg.Apps[i].CallStatusURL = hang.URL + "/status"
			cfg.Apps[i].FeeURL = hang.URL + "/fee"
		}
	}
	p, err := Start(cfg, Options{Immediate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	releaseOnce := sync.OnceFunc(func() { close(release) })
	defer releaseOnce() // before p.Close, also after a failure
	ctx := context.Background()
	var axX string
	if hanging {
		ax := &pns.Client{BaseURL: p.URL, Signer: pns.Signer{AppKey: "demo-ax", AppSecret: e2eSecrets["demo-ax"]}}
		out, r, err := ax.AXBind(ctx, pns.AXBindRequest{OrigNum: "+8613800600001", AreaMatchMode: "1"})
		if err != nil || !r.OK() {
			b.Fatalf("AX bind: %v %s", err, r.Body)
		}
		axX = out.PrivateNum
	}
	c := &pns.Client{BaseURL: p.URL, Signer: pns.Signer{AppKey: "demo-axb", AppSecret: e2eSecrets["demo-axb"]}}
	type binding struct{ a, x string }
	bindings := make([]binding, 50)
	for i := range bindings {
		a := fmt.Sprintf("+86138001%05d", 2*i)
		out, r, err := c.AXBBind(ctx, pns.AXBBindRequest{CallerNum: a, CalleeNum: fmt.Sprintf("+86138001%05d", 2*i+1), AreaMatchMode: "1"})
		if err != nil || !r.OK() {
			b.Fatalf("bind: %v %s", err, r.Body)
		}
		bindings[i] = binding{a, out.RelationNum}
	}
	before := rcv.Snapshot().Counters.Requests

	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	const producers = 2
	var wg sync.WaitGroup
	var events atomic.Int64
	for w := 0; w < producers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < b.N; i += producers {
				bd := bindings[i%len(bindings)]
				res, err := p.Simulator.Call(ctx, calls.CallRequest{Caller: bd.a, Called: bd.x})
				if err != nil {
					b.Error(err)
					return
				}
				events.Add(int64(len(res.Events)))
				if hanging && i%10 == 0 {
					if _, err := p.Simulator.Call(ctx, calls.CallRequest{Caller: fmt.Sprintf("+86139006%05d", i%100000), Called: axX}); err != nil {
						b.Error(err)
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	if hanging {
		// The hanging destination never drains: wait for the healthy app's pushes only.
		p.Dispatcher.Flush()
		for gotFees.Load() < int64(b.N) || gotEvents.Load() < events.Load() {
			time.Sleep(time.Millisecond)
		}
	} else if err := p.Dispatcher.Drain(ctx); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	releaseOnce() // the hanging endpoint answers now, so that Close does not wait for it
	rep := rcv.Snapshot()
	got := rep.Counters.Requests - before
	if st := p.Simulator.Stats(); st.PushErrors != 0 {
		b.Fatalf("simulator push errors: %+v", st)
	}
	if rep.Counters.BadSignature != 0 || rep.Counters.SchemaInvalid != 0 || rep.Counters.FeeRecords != int64(b.N) {
		b.Fatalf("receiver: %+v", rep.Counters)
	}
	b.ReportMetric(float64(got)/elapsed.Seconds(), "callbacks/s")
}

// BenchmarkTrivialPushes is the baseline of BenchmarkCallbacksEndToEnd: a dispatcher with the
// same defaults pushing fixed, pre-encoded event bodies to a handler that only reads the body
// and answers 200. One op is one push; each push has its own ordering key, so the workers are
// never serialised.
func BenchmarkTrivialPushes(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	d := callbacks.New(callbacks.Options{})
	defer d.Close()
	body := []byte(`{"eventType":"answer","statusInfo":{"timestamp":"2026-03-01 08:00:06","sessionId":"0001_1_4294967295_20260301080000@pns-emulator.local","caller":"+8617001100000","called":"+8613800100001","subscriptionId":"0f0c2f60-9d8b-4c0e-a3a4-4c6f3f3a8b11"}}`)
	app := callbacks.AppRef{Key: "demo-axb", Secret: e2eSecrets["demo-axb"]}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := d.Enqueue(ctx, callbacks.Push{App: app, URL: srv.URL, Kind: pns.NotifyEvent, Body: body, OrderKey: strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
	}
	if err := d.Drain(ctx); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if ks := d.Stats().ByKind[pns.NotifyEvent]; ks.Delivered != uint64(b.N) {
		b.Fatalf("delivered %d of %d", ks.Delivered, b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "callbacks/s")
}
