package calls

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// pushedEvents decodes the call events pushed so far.
func pushedEvents(t *testing.T, f *fixture) []pns.Event {
	t.Helper()
	var out []pns.Event
	for _, m := range f.push.ofKind(pns.NotifyEvent) {
		var ev pns.Event
		if err := json.Unmarshal(m.body, &ev); err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}

// pushedFees decodes the fee records pushed so far.
func pushedFees(t *testing.T, f *fixture) []pns.FeeInfo {
	t.Helper()
	var out []pns.FeeInfo
	for _, m := range f.push.ofKind(pns.NotifyFee) {
		var fee pns.FeeInfo
		if err := json.Unmarshal(m.body, &fee); err != nil {
			t.Fatal(err)
		}
		out = append(out, fee)
	}
	return out
}

// TestStopCall stops calls in each state of D81 (before forwarding, ringing, talking with a
// recording) and checks what the customer receives: the events due before the stop, one
// disconnect with 8017 on the leg reached, nothing later, and a fee record with ulFailReason
// 8017 and only the times the call reached. A second stop, another app's stop and the stop of
// an ended call find no call (D80).
func TestStopCall(t *testing.T) {
	cases := []struct {
		name    string
		req     CallRequest
		app     string
		after   time.Duration // emulator time from the call to the stop
		want    []string      // event types pushed, the disconnect last
		caller  string        // the disconnect's leg
		called  string
		alert   bool // fee keeps fwdAlertingTime
		answer  bool // fee keeps fwdAnswerTime
		started bool // fee keeps fwdStartTime
		rec     bool // the recording survives
	}{
		{name: "AXE before forwarding", req: CallRequest{Caller: stranger, Called: axeX, Extension: axeE1}, app: appAXE, after: 1500 * time.Millisecond,
			want: []string{pns.EventCallin, pns.EventDisconnect}, caller: stranger, called: axeX},
		{name: "AXB ringing", req: CallRequest{Caller: axbA, Called: axbX1}, app: appAXB, after: 3 * time.Second,
			want: []string{pns.EventCallin, pns.EventCallout, pns.EventAlerting, pns.EventDisconnect}, caller: axbX1, called: axbB, alert: true, started: true},
		{name: "AXB talking, recorded", req: CallRequest{Caller: axbA3, Called: axbX3, RingSeconds: 2, TalkSeconds: 30}, app: appAXB, after: 10 * time.Second,
			want: []string{pns.EventCallin, pns.EventCallout, pns.EventAlerting, pns.EventAnswer, pns.EventDisconnect}, caller: axbX3, called: axbB3,
			alert: true, answer: true, started: true, rec: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(Options{})
			res, err := f.sim.Call(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			f.clk.Advance(tc.after)
			if _, err := f.sim.Stop(appAX, res.SessionID); !errors.Is(err, ErrNoCall) {
				t.Errorf("another app stops the call: %v, want ErrNoCall", err)
			}
			got, err := f.sim.Stop(tc.app, res.SessionID)
			if err != nil {
				t.Fatalf("Stop: %v", err)
			}
			f.clk.Advance(time.Hour) // every planned push is due: none may come
			evs := pushedEvents(t, f)
			var types []string
			for _, e := range evs {
				types = append(types, e.EventType)
			}
			if len(types) != len(tc.want) {
				t.Fatalf("events %v, want %v", types, tc.want)
			}
			for i := range types {
				if types[i] != tc.want[i] {
					t.Fatalf("events %v, want %v", types, tc.want)
				}
			}
			d := evs[len(evs)-1].StatusInfo
			if d.StateCode == nil || *d.StateCode != 8017 || d.StateDesc != "Released by customer." || d.Caller != tc.caller || d.Called != tc.called || d.SessionID != res.SessionID {
				t.Errorf("disconnect %+v, want 8017 Released by customer. %s→%s", d, tc.caller, tc.called)
			}
			fees := pushedFees(t, f)
			if len(fees) != 1 {
				t.Fatalf("%d fee records, want 1", len(fees))
			}
			fee := fees[0]
			if fee.UlFailReason != 8017 || fee.SessionID != res.SessionID || fee.CallEndTime != d.Timestamp {
				t.Errorf("fee ulFailReason %d callEndTime %q (disconnect at %q)", fee.UlFailReason, fee.CallEndTime, d.Timestamp)
			}
			if (fee.FwdAlertingTime != "") != tc.alert || (fee.FwdAnswerTime != "") != tc.answer || (fee.FwdStartTime != "") != tc.started ||
				(fee.FailTime == "") != tc.answer || (fee.RecordObjectName != "") != tc.rec {
				t.Errorf("fee times: start %q alerting %q answer %q fail %q record %q", fee.FwdStartTime, fee.FwdAlertingTime, fee.FwdAnswerTime, fee.FailTime, fee.RecordObjectName)
			}
			if got.StateCode != 8017 || got.Fee.UlFailReason != 8017 || len(got.Events) != len(tc.want) {
				t.Errorf("Stop's result: state %d, %d events", got.StateCode, len(got.Events))
			}
			if log := f.sim.CallLog(tc.app); len(log) != 1 || log[0].StateCode != 8017 {
				t.Errorf("call log does not show the stop: %+v", log)
			}
			if tc.rec {
				// 8 s of talk, the file holds at most 3 s (as every simulated recording).
				if _, err := f.sim.ResolveRecording(tc.app, fee.RecordObjectName, fee.RecordDomain); err != nil {
					t.Errorf("recording of the stopped call: %v", err)
				}
			}
			if _, err := f.sim.Stop(tc.app, res.SessionID); !errors.Is(err, ErrNoCall) {
				t.Errorf("second stop: %v, want ErrNoCall", err)
			}
		})
	}
}

// TestStopEndedCall: a call that has run its course, an unknown sessionId, and a call whose
// pushes all went out at once (Options.Immediate) are not live; Live keeps one stoppable.
func TestStopEndedCall(t *testing.T) {
	f := newFixture(Options{})
	res, err := f.sim.Call(context.Background(), CallRequest{Caller: axbA, Called: axbX1})
	if err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(time.Minute)
	if _, err := f.sim.Stop(appAXB, res.SessionID); !errors.Is(err, ErrNoCall) {
		t.Errorf("ended call: %v, want ErrNoCall", err)
	}
	if _, err := f.sim.Stop(appAXB, "nope"); !errors.Is(err, ErrNoCall) {
		t.Errorf("unknown call: %v, want ErrNoCall", err)
	}
	if n := len(pushedFees(t, f)); n != 1 {
		t.Errorf("%d fee records, want 1", n)
	}

	im := newFixture(Options{Immediate: true})
	res, err = im.sim.Call(context.Background(), CallRequest{Caller: axbA, Called: axbX1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := im.sim.Stop(appAXB, res.SessionID); !errors.Is(err, ErrNoCall) {
		t.Errorf("immediate call (disconnect already pushed): %v, want ErrNoCall", err)
	}
	res, err = im.sim.Call(context.Background(), CallRequest{Caller: axbA, Called: axbX1, Live: true, TalkSeconds: 60})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := im.sim.Stop(appAXB, res.SessionID); err != nil {
		t.Errorf("live call under Immediate: %v", err)
	}
	im.clk.Advance(time.Hour)
	if n := len(pushedFees(t, im)); n != 2 {
		t.Errorf("%d fee records, want 2 (one per call)", n)
	}
}

// TestStopXModeCall: an X-mode app stops its call while the callee rings (D79). Its Block
// callin went out once, synchronously: the stop does not push it again; the events that
// follow it, then the disconnect with 8017 and the fee record, are pushed.
func TestStopXModeCall(t *testing.T) {
	f := newXFixture(Options{})
	blocks := 0
	f.push.block = func([]byte) ([]byte, error) {
		blocks++
		return []byte(`{"operation":"connect","connectInfo":[{"displayCalleeNum":"` + xX1 + `","calleeNum":"` + xT + `"}]}`), nil
	}
	res, err := f.sim.Call(context.Background(), CallRequest{Caller: xCaller, Called: xX1, TalkSeconds: 60})
	if err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(3 * time.Second)
	if _, err := f.sim.Stop(appX, res.SessionID); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	f.clk.Advance(time.Hour)
	var types []string
	for _, e := range pushedEvents(t, f) {
		types = append(types, e.EventType)
	}
	if blocks != 1 || strings.Join(types, ",") != "callout,alerting,disconnect" {
		t.Errorf("%d Block callins, Notify events %v; want 1 and callout,alerting,disconnect", blocks, types)
	}
	if fees := pushedFees(t, f); len(fees) != 1 || fees[0].UlFailReason != 8017 {
		t.Errorf("fee records %+v, want one with ulFailReason 8017", fees)
	}
}
