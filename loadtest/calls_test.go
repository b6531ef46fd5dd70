package loadtest

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/embedded"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/schemas"
)

func TestCallsScenario(t *testing.T) {
	for _, mode := range []pns.Mode{pns.ModeAXB, pns.ModeAX, pns.ModeAXE} {
		t.Run(string(mode), func(t *testing.T) {
			tr := NewCallbackTracker()
			rcv := receiver.New(receiver.Options{Apps: map[string]string{"demo-axb": "demo-axb-secret"}})
			rcv.Subscribe(tr.Record)
			rs := httptest.NewServer(rcv.Handler())
			defer rs.Close()
			f, srv := newFake(t)
			f.callbackURL = rs.URL
			th, _ := ParseThresholds([]string{"calls.success>=100%", "callback.fee.count>0", "callback.fee.p99>=0s", "callback.disconnect.count>0"})
			res, err := Run(context.Background(), Config{
				Target: srv.URL, Profile: fakeProfile(), Scenario: ScenarioCalls, Mode: mode, Rate: 50, Duration: 500 * time.Millisecond,
				Callbacks: tr, SchemaSample: -1, Thresholds: th,
			})
			if err != nil {
				t.Fatal(err)
			}
			calls, _ := res.Interface(IfaceCalls)
			if calls.Success == 0 || calls.Success != res.SentHits {
				t.Fatalf("calls %+v sent %d", calls.Codes, res.SentHits)
			}
			// Counts and the order of the latency quantiles, not their size: how long a push
			// takes is the machine's speed, which a test must not assert.
			events := map[string]int64{}
			for _, c := range res.Callbacks {
				events[c.Event] = c.Count
				if l := c.Latency; l.Min < 0 || l.P50 < l.Min || l.P99 < l.P50 || l.Max < l.P99 {
					t.Fatalf("%s latency quantiles out of order: %+v", c.Event, l)
				}
			}
			for _, ev := range []string{"callin", "answer", "disconnect", "fee"} {
				if events[ev] != calls.Success {
					t.Fatalf("%s: %d callbacks for %d calls (%v)", ev, events[ev], calls.Success, events)
				}
			}
			if !res.Passed() || len(res.Warnings) != 0 {
				t.Fatalf("thresholds %+v warnings %v", res.Thresholds, res.Warnings)
			}
			var perSecond int64
			for _, s := range res.Series {
				perSecond += s.Callbacks
			}
			if perSecond != 4*calls.Success {
				t.Fatalf("series callbacks %d", perSecond)
			}
			if f.liveCount() != 0 {
				t.Fatal("bindings left")
			}
		})
	}
}

// A push that arrives before the call's answer is accounted once the call is known.
func TestCallbackTrackerEarlyArrival(t *testing.T) {
	tr := NewCallbackTracker()
	var got []time.Duration
	var conf []string
	tr.start(func(_ string, _ time.Time, d time.Duration) { got = append(got, d) }, func(_ time.Time, m []string) { conf = append(conf, m...) })
	t0 := time.Unix(100, 0)
	tr.Arrived("event", "callin", []string{"s1"}, t0.Add(30*time.Millisecond), nil)
	if len(got) != 0 || tr.openCalls() != 0 {
		t.Fatal("accounted before the trigger")
	}
	tr.triggered("s1", t0, []string{"callin"}, nil)
	tr.Arrived("fee", "fee", []string{"s1"}, t0.Add(50*time.Millisecond), []string{"bad"})
	if len(got) != 2 || got[0] != 30*time.Millisecond || got[1] != 50*time.Millisecond || tr.openCalls() != 0 {
		t.Fatalf("latencies %v open %d", got, tr.openCalls())
	}
	if len(conf) != 1 || conf[0] != "callback.fee: schema: bad" {
		t.Fatalf("conformance %v", conf)
	}
}

// A call stays open until every push it produces is in: fee records are batched apart from
// the call's events, so a disconnect may arrive after the fee record and must still count.
func TestCallbackTrackerDisconnectAfterFee(t *testing.T) {
	tr := NewCallbackTracker()
	var events []string
	tr.start(func(ev string, _ time.Time, _ time.Duration) { events = append(events, ev) }, func(time.Time, []string) {})
	t0 := time.Unix(100, 0)
	tr.triggered("s1", t0, []string{"callin", "disconnect"}, nil)
	tr.Arrived("event", "callin", []string{"s1"}, t0.Add(time.Millisecond), nil)
	tr.Arrived("fee", "fee", []string{"s1"}, t0.Add(2*time.Millisecond), nil)
	if tr.openCalls() != 1 {
		t.Fatalf("open %d after the fee record with the disconnect still due, want 1", tr.openCalls())
	}
	tr.Arrived("event", "disconnect", []string{"s1"}, t0.Add(3*time.Millisecond), nil)
	if tr.openCalls() != 0 || strings.Join(events, ",") != "callin,fee,disconnect" {
		t.Fatalf("open %d, recorded %v", tr.openCalls(), events)
	}
}

// The calls scenario against the complete embedded platform: emulator, simulator and push
// dispatcher, with the demo apps' notification URLs pointing at the receiver.
func TestEmbeddedCalls(t *testing.T) {
	tr := NewCallbackTracker()
	sv, err := schemas.New()
	if err != nil {
		t.Fatal(err)
	}
	rcv := receiver.New(receiver.Options{
		Apps:     map[string]string{"demo-axb": "demo-axb-secret", "demo-ax": "demo-ax-secret", "demo-axe": "demo-axe-secret"},
		Validate: sv.ValidateCallback,
	})
	rcv.Subscribe(tr.Record)
	tr.SetReceiver(rcv)
	rurl, err := rcv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer rcv.Close()
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Apps {
		cfg.Apps[i].CallStatusURL, cfg.Apps[i].FeeURL = rurl, rurl
	}
	var total int64
	cfg.FeeBatchWindowSeconds = 1
	p, err := embedded.Start(cfg, embedded.Options{Immediate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	prof := DefaultProfile()
	for _, e := range cfg.Entries() {
		if a := prof.Apps[strings.ToUpper(strings.TrimPrefix(e.App, "demo-"))]; a != nil {
			a.XNumbers = append(a.XNumbers, e.Number)
		}
	}
	for _, mode := range []pns.Mode{pns.ModeAXB, pns.ModeAX, pns.ModeAXE} {
		th, _ := ParseThresholds([]string{"calls.success>=100%", "callback.fee.count>0", "callback.disconnect.count>0"})
		res, err := Run(context.Background(), Config{
			Target: p.URL, Profile: prof, Scenario: ScenarioCalls, Mode: mode, Rate: 20, Duration: 500 * time.Millisecond,
			Callbacks: tr, CallbackWait: 15 * time.Second, Thresholds: th,
		})
		if err != nil {
			t.Fatal(err)
		}
		calls, _ := res.Interface(IfaceCalls)
		events := map[string]int64{}
		for _, c := range res.Callbacks {
			events[c.Event] = c.Count
		}
		if calls.Success == 0 || events["fee"] != calls.Success || events["disconnect"] != calls.Success || !res.Passed() || res.Conformance.Errors != 0 {
			t.Fatalf("%s: calls %+v callbacks %v thresholds %+v warnings %v conformance %+v", mode, calls.Codes, events, res.Thresholds, res.Warnings, res.Conformance)
		}
		total += calls.Success
	}
	// Every call registered its expected notifications with the receiver: all arrived.
	fin := rcv.Final()
	if fin.Counters.Expected != total || fin.Sessions.Satisfied != total || fin.Sessions.Missing != 0 {
		t.Errorf("expectations: %d registered, sessions %+v, want %d satisfied", fin.Counters.Expected, fin.Sessions, total)
	}
	for _, typ := range []string{"callin", "disconnect", "fee"} {
		tc := fin.ByType[typ]
		if tc.Expected != total || tc.Received != total || tc.Missing != 0 {
			t.Errorf("%s: %+v, want %d expected and received", typ, tc, total)
		}
	}
	if d := p.Emulator.Store().Dump(""); len(d.AXB)+len(d.AX)+len(d.AXE) != 0 {
		t.Fatal("bindings left")
	}
}
