package loadtest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/embedded"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/schemas"
)

// TestEmbeddedStopCalls runs testdata/stop.yaml against the complete embedded platform: a
// quarter of the calls are stopped. Every stop succeeds and is reported under call.stop, the
// emulator ended exactly those calls with 8017 and the others normally, and every call's
// disconnect and fee record reached the receiver, which the tracker waited for.
// stopPlatform starts the embedded platform whose demo apps push to a receiver registered
// with a new tracker, and a profile with its X numbers.
func stopPlatform(t *testing.T) (*embedded.Platform, *Profile, *CallbackTracker, *receiver.Receiver) {
	t.Helper()
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
	t.Cleanup(func() { rcv.Close() })
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Apps {
		cfg.Apps[i].CallStatusURL, cfg.Apps[i].FeeURL = rurl, rurl
	}
	cfg.FeeBatchWindowSeconds = 1
	p, err := embedded.Start(cfg, embedded.Options{Immediate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	prof := DefaultProfile()
	for _, e := range cfg.Entries() {
		if a := prof.Apps[strings.ToUpper(strings.TrimPrefix(e.App, "demo-"))]; a != nil {
			a.XNumbers = append(a.XNumbers, e.Number)
		}
	}
	return p, prof, tr, rcv
}

func TestEmbeddedStopCalls(t *testing.T) {
	p, prof, tr, rcv := stopPlatform(t)
	w, err := LoadWorkload(filepath.Join("testdata", "stop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Config{Target: p.URL, Profile: prof, Workload: w, Duration: time.Second,
		Callbacks: tr, CallbackWait: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	// The plan holds 15 and 5 sessions; a machine too busy to start them all in time runs
	// fewer, so the counts below follow the sessions that ran.
	if len(res.Flows) != 2 || res.Flows[0].Arrivals == 0 || res.Flows[1].Arrivals == 0 {
		t.Fatalf("flows %+v", res.Flows)
	}
	talked, stoppedCalls := res.Flows[0].Arrivals, res.Flows[1].Arrivals
	for _, f := range res.Flows {
		for _, s := range f.Steps {
			if s.Count != f.Arrivals || s.Success != s.Count {
				t.Errorf("flow %s step %s: %d sent, %d succeeded, want %d", f.Name, s.Op, s.Count, s.Success, f.Arrivals)
			}
		}
	}
	stops, ok := res.Interface(pns.IfaceStopCall)
	if !ok || stops.Count != stoppedCalls || stops.Success != stoppedCalls || len(stops.Codes) != 1 || stops.Codes[0].Code != "0" {
		t.Errorf("call.stop row: %v %+v, want %d answered 0", ok, stops, stoppedCalls)
	}
	if res.Conformance.Errors != 0 || !res.Passed() {
		t.Errorf("conformance %+v thresholds %+v warnings %v", res.Conformance, res.Thresholds, res.Warnings)
	}

	byState := map[int]int64{}
	for _, c := range p.Simulator.CallLog("demo-axb") {
		byState[c.StateCode]++
	}
	if byState[8017] != stoppedCalls || byState[0] != talked || len(byState) != 2 {
		t.Errorf("calls by final state %v, want %d stopped (8017) and %d ended normally (0)", byState, stoppedCalls, talked)
	}
	fin := rcv.Final()
	if all := talked + stoppedCalls; fin.Counters.Expected != all || fin.Sessions.Satisfied != all || fin.Sessions.Missing != 0 {
		t.Errorf("expectations: %d registered, sessions %+v, want %d satisfied", fin.Counters.Expected, fin.Sessions, all)
	}
	if tr.openCalls() != 0 {
		t.Errorf("%d calls still open for the tracker", tr.openCalls())
	}
	if d := p.Emulator.Store().Dump(""); len(d.AXB)+len(d.AX)+len(d.AXE) != 0 {
		t.Fatal("bindings left")
	}
}

// TestStopNeedsCall: a stop step must come right after a call step.
func TestStopNeedsCall(t *testing.T) {
	for _, steps := range [][]Step{
		{{Op: OpBind}, {Op: OpStop}, {Op: OpUnbind}},
		{{Op: OpBind}, {Op: OpCall}, {Op: OpQuery}, {Op: OpStop}, {Op: OpUnbind}},
	} {
		w := &Workload{Name: "w", Rate: 1, Flows: []Flow{{Name: "f", Mode: "axb", Share: 1, Steps: steps}}}
		if err := w.Validate(); err == nil || !strings.Contains(err.Error(), "stop must come right after a call step") {
			t.Errorf("%v: %v", steps, err)
		}
	}
}

// TestInterruptedLoadStopsItsCalls interrupts a load whose sessions wait a minute before
// stopping their calls: the stopping load still stops every call it placed (a live call is
// released like a binding) before unbinding, so no call is left going on (each would talk a
// minute more) and every call's disconnect and fee record arrive.
func TestInterruptedLoadStopsItsCalls(t *testing.T) {
	p, prof, tr, rcv := stopPlatform(t)
	w := &Workload{Name: "w", Rate: 10, Flows: []Flow{{Name: "f", Mode: "axb", Share: 1,
		Steps: []Step{{Op: OpBind}, {Op: OpCall}, {Op: OpStop, Think: time.Minute}, {Op: OpUnbind}}}}}
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Interrupt once three calls are going on (a condition, polled until a deadline).
	go func() {
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) && len(p.Simulator.CallLog("demo-axb")) < 3 {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	res, err := Run(ctx, Config{Target: p.URL, Profile: prof, Workload: w, Duration: time.Minute,
		Callbacks: tr, CallbackWait: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	log := p.Simulator.CallLog("demo-axb")
	stopped := 0
	for _, c := range log {
		if c.StateCode == 8017 {
			stopped++
		}
	}
	st := res.Flows[0].Steps[2]
	if len(log) < 3 || stopped != len(log) || st.Count != int64(len(log)) || st.Success != st.Count {
		t.Errorf("%d calls placed, %d stopped; stop step %d sent, %d succeeded", len(log), stopped, st.Count, st.Success)
	}
	// An interrupted load does not wait for callbacks: wait here (for a condition, until a
	// deadline) for every stopped call's disconnect and fee record.
	var fin receiver.Report
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if fin = rcv.Final(); fin.Sessions.Satisfied == int64(len(log)) {
			break
		}
	}
	if fin.Sessions.Satisfied != int64(len(log)) || fin.ByType["disconnect"].Received != int64(len(log)) {
		t.Errorf("receiver sessions %+v, want %d satisfied", fin.Sessions, len(log))
	}
	if d := p.Emulator.Store().Dump(""); len(d.AXB) != 0 {
		t.Errorf("%d bindings left", len(d.AXB))
	}
}

// TestStoppingLoadStopsLiveCall: once the load is stopping, a session that holds a live call
// goes on to its stop step before the unbind; one without a call (or whose stop is done)
// goes straight to the unbind.
func TestStoppingLoadStopsLiveCall(t *testing.T) {
	steps := []stepRun{{op: opBind, name: OpBind}, {op: opCall, name: OpCall}, {op: opStop, name: OpStop}, {op: opUnbind, name: OpUnbind}}
	for _, tc := range []struct {
		call string
		from int
		want int
	}{
		{"sid-1", 1, 2}, // the call's answer came after the interruption: stop it first
		{"", 1, 3},      // no live call (the call failed): unbind
		{"", 2, 3},      // stopped: unbind
	} {
		r := &runner{queue: newStepQueue(), idle: make(chan struct{})}
		r.stopping.Store(true)
		r.active.Store(1)
		f := &flowRun{steps: steps, unbind: 3}
		s := &session{flow: f, b: &bindState{sub: "sub-1"}, call: tc.call}
		r.advance(s, tc.from, true, time.Now())
		if len(r.queue.h) != 1 || r.queue.h[0].step != tc.want {
			t.Errorf("call %q after step %d: queued %v, want step %d", tc.call, tc.from, r.queue.h, tc.want)
		}
	}
}
