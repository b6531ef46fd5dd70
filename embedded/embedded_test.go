package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
)

// TestCallReachesReceiver starts the whole platform with the demo AXB app's notification URLs
// pointing at a receiver, binds A and B, simulates an answered call and checks that the
// receiver got the complete, signed event sequence and the fee record.
func TestCallReachesReceiver(t *testing.T) {
	rcv, rurl := startReceiver(t, receiver.Options{Apps: map[string]string{"demo-axb": "demo-axb-secret"}})
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Apps {
		if cfg.Apps[i].AppKey == "demo-axb" {
			cfg.Apps[i].CallStatusURL = rurl
			cfg.Apps[i].FeeURL = rurl
		}
	}
	p, err := Start(cfg, Options{Immediate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c := &pns.Client{BaseURL: p.URL, Signer: pns.Signer{AppKey: "demo-axb", AppSecret: "demo-axb-secret"}}
	ctx := context.Background()
	out, resp, err := c.AXBBind(ctx, pns.AXBBindRequest{CallerNum: "+8613800000001", CalleeNum: "+8613800000002", AreaMatchMode: "1"})
	if err != nil || !resp.OK() {
		t.Fatalf("bind: %v %s", err, resp.Body)
	}
	body, _ := json.Marshal(map[string]any{"caller": "+8613800000001", "called": out.RelationNum, "outcome": "answered", "talkSeconds": 10})
	r, err := http.Post(p.URL+"/emulator/v1/calls", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		SessionID string `json:"sessionId"`
		StateCode int    `json:"stateCode"`
	}
	if err := json.NewDecoder(r.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusOK || res.SessionID == "" || res.StateCode != 0 {
		t.Fatalf("call: status %d, %+v", r.StatusCode, res)
	}
	// The fee record waits for the batch window (2 s of emulator time): advance past it, then
	// wait until the dispatcher has nothing queued or in flight.
	p.Emulator.Clock().Advance(5 * time.Second)
	dctx, cancel := context.WithTimeout(ctx, 2*time.Minute) // a hang guard, not a speed bound
	defer cancel()
	if err := p.Dispatcher.Drain(dctx); err != nil {
		t.Fatalf("drain: %v", err)
	}
	rep := rcv.Snapshot()
	if rep.Counters.Events != 5 || rep.Counters.FeeRecords != 1 {
		t.Fatalf("events=%d feeRecords=%d, want 5 and 1", rep.Counters.Events, rep.Counters.FeeRecords)
	}
	if rep.Counters.BadSignature != 0 || rep.Counters.OutOfOrder != 0 {
		t.Fatalf("badSignature=%d outOfOrder=%d", rep.Counters.BadSignature, rep.Counters.OutOfOrder)
	}
	if rep.Sessions.Complete != 1 {
		t.Fatalf("sessions %+v, want one complete", rep.Sessions)
	}
}

// startReceiver starts a callback receiver with opts and its subscribers on a free loopback
// port and returns it with its URL; it closes when the test ends.
func startReceiver(t *testing.T, opts receiver.Options, subscribers ...func(receiver.Arrival)) (*receiver.Receiver, string) {
	t.Helper()
	rcv := receiver.New(opts)
	for _, fn := range subscribers {
		rcv.Subscribe(fn)
	}
	url, err := rcv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rcv.Close() })
	return rcv, url
}
