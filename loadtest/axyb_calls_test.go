package loadtest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/embedded"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/schemas"
)

// axybCallsPlatform starts the embedded platform whose AXYB app pushes to a receiver registered
// with a new tracker.
func axybCallsPlatform(t *testing.T) (*embedded.Platform, *CallbackTracker, *receiver.Receiver) {
	t.Helper()
	tr := NewCallbackTracker()
	sv, err := schemas.New()
	if err != nil {
		t.Fatal(err)
	}
	rcv := receiver.New(receiver.Options{Apps: map[string]string{"demo-axyb": "demo-axyb-secret"}, Validate: sv.ValidateCallback})
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
	return p, tr, rcv
}

// TestEmbeddedAXYBCalls runs testdata/axyb-calls.yaml against the embedded platform and checks
// the calls as the emulator logged them: each session's call went from its B to its X and was
// put through to its A (fee direction 0), shown the Y of the session's YB bind or one the
// platform assigned; the stopped flow's calls ended with 8017, the others normally; every
// call's notifications arrived; and no relation is left.
func TestEmbeddedAXYBCalls(t *testing.T) {
	p, tr, rcv := axybCallsPlatform(t)
	w, err := LoadWorkload(filepath.Join("testdata", "axyb-calls.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Config{Target: p.URL, Profile: DefaultProfile(), Workload: w, Duration: time.Second,
		Callbacks: tr, CallbackWait: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	flows := map[string]int64{}
	for _, f := range res.Flows {
		flows[f.Name] = f.Arrivals
		for _, s := range f.Steps {
			if s.Count != f.Arrivals || s.Success != s.Count {
				t.Errorf("flow %s step %s: %d sent, %d succeeded, want %d", f.Name, s.Op, s.Count, s.Success, f.Arrivals)
			}
		}
	}
	all := flows["yb-calls"] + flows["auto-y-calls"] + flows["stopped"]
	if flows["yb-calls"] == 0 || flows["auto-y-calls"] == 0 || flows["stopped"] == 0 {
		t.Fatalf("flows %v: want sessions in each", flows)
	}
	log := p.Simulator.CallLog("demo-axyb")
	if int64(len(log)) != all {
		t.Fatalf("%d AXYB calls logged, want %d", len(log), all)
	}
	byState := map[int]int64{}
	var autoY int64
	for _, c := range log {
		byState[c.StateCode]++
		if c.Route.Direction != 0 || c.Fee.FwdDstNum == "" || c.Fee.FwdDisplayNum == "" || c.Fee.SubscriptionID == "" {
			t.Errorf("call %s: direction %d, put through to %q shown %q (%s); want B reaching A through X shown a Y",
				c.SessionID, c.Route.Direction, c.Fee.FwdDstNum, c.Fee.FwdDisplayNum, c.Route.Reason)
		}
		if strings.Contains(c.Route.Reason, "a Y is assigned") {
			autoY++
		}
	}
	if byState[8017] != flows["stopped"] || byState[0] != all-flows["stopped"] || len(byState) != 2 {
		t.Errorf("calls by final state %v, want %d stopped (8017) and %d ended normally (0)", byState, flows["stopped"], all-flows["stopped"])
	}
	if autoY != flows["auto-y-calls"] {
		t.Errorf("%d calls were given a Y by the platform, want the %d of auto-y-calls (the others have their YB)", autoY, flows["auto-y-calls"])
	}
	fin := rcv.Final()
	if fin.Counters.Expected != all || fin.Sessions.Satisfied != all || fin.Sessions.Missing != 0 {
		t.Errorf("expectations: %d registered, sessions %+v, want %d satisfied", fin.Counters.Expected, fin.Sessions, all)
	}
	if res.Conformance.Errors != 0 || !res.Passed() {
		t.Errorf("conformance %+v thresholds %+v warnings %v", res.Conformance, res.Thresholds, res.Warnings)
	}
	if d := p.Emulator.Store().Dump(""); len(d.AXYB) != 0 {
		t.Fatalf("%d AXYB relations left", len(d.AXYB))
	}
}

// TestYBStepRules: the yb step exists only in AXYB flows and must come right after the bind of
// the relation it extends; a workload breaking either is refused before anything is sent.
func TestYBStepRules(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"flows: [{name: f, mode: axb, rate: 1, steps: [{op: bind}, {op: yb}, {op: unbind}]}]\n", `operation "yb" does not exist in mode axb (it does in axyb)`},
		{"flows: [{name: f, mode: axyb, rate: 1, steps: [{op: bind}, {op: query}, {op: yb}, {op: unbind}]}]\n", "yb must come right after a bind step"},
		{"flows: [{name: f, mode: axyb, rate: 1, pool: 2, steps: [{op: yb}]}]\n", "yb must come right after a bind step"},
	} {
		if _, err := ParseWorkload([]byte(c.doc)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.doc, err, c.want)
		}
	}
	if _, err := ParseWorkload([]byte("flows: [{name: f, mode: axyb, rate: 1, steps: [{op: bind}, {op: yb}, {op: call}, {op: stop}, {op: unbind}]}]\n")); err != nil {
		t.Errorf("bind, yb, call, stop, unbind: %v", err)
	}
}
