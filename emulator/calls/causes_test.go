package calls

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// Every cause of the menu can be forced on a forwarded AXB call (D91): the call's events are
// the menu's sequence for the cause, its disconnect and fee record carry the code, and the
// stateDesc is the table's.
func TestForcedCauses(t *testing.T) {
	f := newFixture(Options{Immediate: true})
	menu := CauseMenu()
	if len(menu) != len(pns.HangupCauses()) {
		t.Fatalf("menu has %d causes, the table %d", len(menu), len(pns.HangupCauses()))
	}
	for _, c := range menu {
		code := c.Code
		res, err := f.sim.Call(context.Background(), CallRequest{Caller: axbA, Called: axbX1, Cause: &code})
		if err != nil {
			t.Fatalf("cause %d: %v", code, err)
		}
		var types []string
		for _, ev := range res.Events {
			types = append(types, ev.EventType)
		}
		if !slices.Equal(types, c.Events) {
			t.Errorf("cause %d: events %v, menu says %v", code, types, c.Events)
		}
		last := res.Events[len(res.Events)-1].StatusInfo
		if last.StateCode == nil || *last.StateCode != code || last.StateDesc != c.StateDesc || res.StateCode != code {
			t.Errorf("cause %d: disconnect %v %q, result %d", code, last.StateCode, last.StateDesc, res.StateCode)
		}
		if res.Fee.UlFailReason != code {
			t.Errorf("cause %d: fee ulFailReason %d", code, res.Fee.UlFailReason)
		}
		forwarded := len(types) > 2
		if forwarded != (res.Fee.FwdDstNum == axbB) || forwarded != (res.Route.Target == axbB) {
			t.Errorf("cause %d: forwarded %v but fee fwdDstNum %q, route target %q", code, forwarded, res.Fee.FwdDstNum, res.Route.Target)
		}
		answered := slices.Contains(types, pns.EventAnswer)
		if answered != (res.Fee.FwdAnswerTime != "") || answered == (res.Fee.FailTime != "") {
			t.Errorf("cause %d: answered %v, fee answer %q fail %q", code, answered, res.Fee.FwdAnswerTime, res.Fee.FailTime)
		}
	}
}

func TestForcedCauseQ850AndRecording(t *testing.T) {
	f := newFixture(Options{Immediate: true})
	for code, q := range map[int]int{8102: q850Busy, 7503: q850Rejected, 8101: q850NoAnswer, 8104: q850None} {
		res, err := f.sim.Call(context.Background(), CallRequest{Caller: axbA, Called: axbX1, Cause: &code})
		if err != nil || res.Fee.FwdUnaswRsn != q || res.Fee.CallOutUnaswRsn != q {
			t.Errorf("cause %d: Q.850 %d/%d, want %d (%v)", code, res.Fee.FwdUnaswRsn, res.Fee.CallOutUnaswRsn, q, err)
		}
	}
	// The binding of axbX3 records: a call released with "recording failed" has none.
	code := 8015
	res, err := f.sim.Call(context.Background(), CallRequest{Caller: axbA3, Called: axbX3, TalkSeconds: 5, Cause: &code})
	if err != nil || res.Fee.RecordFlag != 0 || res.Recording != "" {
		t.Errorf("8015: recordFlag %d recording %q (%v)", res.Fee.RecordFlag, res.Recording, err)
	}
	normal := 0
	res, err = f.sim.Call(context.Background(), CallRequest{Caller: axbA3, Called: axbX3, TalkSeconds: 5, Cause: &normal})
	if err != nil || res.Fee.RecordFlag != 1 {
		t.Errorf("forced 0: recordFlag %d (%v)", res.Fee.RecordFlag, err)
	}
}

func TestForcedCauseRefused(t *testing.T) {
	f := newFixture(Options{Immediate: true})
	for _, tc := range []struct {
		name           string
		caller, called string
		code           int
	}{
		{"not in the table", axbA, axbX1, 9999},
		{"negative", axbA, axbX1, -1},
		{"callee cause on a call that is not forwarded", "+8613899999999", axbX1, 8102},
		{"answered cause on a call that is not forwarded", "+8613899999999", axbX1, 0},
	} {
		code := tc.code
		_, err := f.sim.Call(context.Background(), CallRequest{Caller: tc.caller, Called: tc.called, Cause: &code})
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err %v, want ErrInvalid", tc.name, err)
		}
	}
	// An inbound-leg cause releases even a call the bindings would not forward.
	code := 8047
	res, err := f.sim.Call(context.Background(), CallRequest{Caller: "+8613899999999", Called: axbX1, Cause: &code})
	if err != nil || res.StateCode != 8047 || len(res.Events) != 2 {
		t.Errorf("8047 on an unbound caller: %+v %v", res, err)
	}
}

func TestCauseMenuRoute(t *testing.T) {
	f := newFixture(Options{Immediate: true})
	status, m := do(t, f.sim.Handler(), "GET", "/emulator/v1/causes", "")
	causes, _ := m["causes"].([]any)
	if status != 200 || len(causes) != len(pns.HangupCauses()) {
		t.Fatalf("GET causes: %d, %d causes", status, len(causes))
	}
	status, m = do(t, f.sim.Handler(), "POST", "/emulator/v1/calls", `{"caller":"`+axbA+`","called":"`+axbX1+`","cause":8103}`)
	if status != 200 || m["stateCode"].(float64) != 8103 || m["stateDesc"] != "Callee unreachable." {
		t.Fatalf("forced call: %d %v", status, m)
	}
	status, m = do(t, f.sim.Handler(), "POST", "/emulator/v1/calls", `{"caller":"`+axbA+`","called":"`+axbX1+`","cause":1234}`)
	if status != 400 {
		t.Fatalf("unknown cause: %d %v", status, m)
	}
}

// The injection ends the share of calls its rate says with causes of its list, only with
// those a call can end with (a callee cause never ends a call that is not forwarded), and
// never overrides an explicit cause.
func TestCauseInjection(t *testing.T) {
	f := newFixture(Options{Immediate: true})
	for _, bad := range []CauseInjection{{Rate: -0.1, Causes: []int{8102}}, {Rate: 1.5, Causes: []int{8102}}, {Rate: 0.5}, {Rate: 1, Causes: []int{9999}}} {
		if err := f.sim.SetCauseInjection(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: err %v", bad, err)
		}
	}
	if err := f.sim.SetCauseInjection(CauseInjection{Rate: 1, Causes: []int{8102, 8047}, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	seen := map[int]int{}
	for range 40 {
		res, err := f.sim.Call(context.Background(), CallRequest{Caller: axbA, Called: axbX1})
		if err != nil {
			t.Fatal(err)
		}
		seen[res.StateCode]++
	}
	if seen[8102] == 0 || seen[8047] == 0 || seen[8102]+seen[8047] != 40 {
		t.Errorf("forwarded calls ended with %v, want only and both of 8102 and 8047", seen)
	}
	for range 10 {
		res, err := f.sim.Call(context.Background(), CallRequest{Caller: stranger, Called: axbX1})
		if err != nil || res.StateCode != 8047 {
			t.Fatalf("unforwarded call: %d %v (8102 cannot end it)", res.StateCode, err)
		}
	}
	code := 8104
	if res, _ := f.sim.Call(context.Background(), CallRequest{Caller: axbA, Called: axbX1, Cause: &code}); res.StateCode != 8104 {
		t.Errorf("explicit cause overridden: %d", res.StateCode)
	}
	if err := f.sim.SetCauseInjection(CauseInjection{Rate: 0.5, Causes: []int{8102}, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	n := 0
	for range 400 {
		if res, _ := f.sim.Call(context.Background(), CallRequest{Caller: axbA, Called: axbX1}); res.StateCode == 8102 {
			n++
		}
	}
	if n < 140 || n > 260 { // a seeded draw: the same every run
		t.Errorf("rate 0.5 injected %d of 400", n)
	}
	f.sim.Reset()
	if got := f.sim.CauseInjectionConfig(); got.Rate != 0 {
		t.Errorf("reset left %+v", got)
	}
	status, m := do(t, f.sim.Handler(), "POST", "/emulator/v1/causes", `{"rate":1,"causes":[8048]}`)
	if status != 200 || m["injection"].(map[string]any)["rate"].(float64) != 1 {
		t.Fatalf("POST causes: %d %v", status, m)
	}
	if _, m = do(t, f.sim.Handler(), "POST", "/emulator/v1/calls", `{"caller":"`+axbA+`","called":"`+axbX1+`"}`); m["stateCode"].(float64) != 8048 {
		t.Errorf("call under injection: %v", m)
	}
	if status, _ = do(t, f.sim.Handler(), "POST", "/emulator/v1/causes", `{"rate":2,"causes":[8048]}`); status != 400 {
		t.Errorf("bad rate: %d", status)
	}
	if status, m = do(t, f.sim.Handler(), "DELETE", "/emulator/v1/causes", ""); status != 200 || m["injection"].(map[string]any)["rate"].(float64) != 0 {
		t.Errorf("DELETE causes: %d %v", status, m)
	}
}
