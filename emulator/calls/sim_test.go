package calls

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// leg is an expected event: type, caller, called.
type leg struct{ typ, caller, called string }

func (l leg) String() string { return fmt.Sprintf("%s(%s→%s)", l.typ, l.caller, l.called) }

func fwd(x, dst string, typs ...string) []leg {
	out := make([]leg, len(typs))
	for i, t := range typs {
		out[i] = leg{t, x, dst}
	}
	return out
}

func legs(parts ...[]leg) []leg {
	var out []leg
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func in(c, x string, typs ...string) []leg { return fwd(c, x, typs...) }

// TestSequences checks every scenario of reference §7.4: events (type, caller, called, order,
// shared sessionId, subscriptionId), the final stateCode and the fee record's fields.
func TestSequences(t *testing.T) {
	const (
		ci, co, al, an, di, cl = pns.EventCallin, pns.EventCallout, pns.EventAlerting, pns.EventAnswer, pns.EventDisconnect, pns.EventCollectInfo
	)
	cases := []struct {
		id       string
		setup    func(f *fixture)
		req      CallRequest
		want     []leg
		state    int
		dir      int
		sub      string // expected subscriptionId ("" = absent)
		q850     int
		answered bool
		service  string
		ext      string
		userData string
	}{
		{id: "B1", req: CallRequest{Caller: axbA, Called: axbX1}, want: legs(in(axbA, axbX1, ci), fwd(axbX1, axbB, co, al, an, di)),
			state: 0, dir: 1, sub: subAXB1, answered: true, service: "004", userData: "ud-axb"},
		{id: "B2", req: CallRequest{Caller: axbB, Called: axbX1}, want: legs(in(axbB, axbX1, ci), fwd(axbX1, axbA, co, al, an, di)),
			state: 0, dir: 0, sub: subAXB1, answered: true, service: "004", userData: "ud-axb"},
		{id: "B3", req: CallRequest{Caller: axbA, Called: axbX1, Outcome: OutcomeNoAnswer}, want: legs(in(axbA, axbX1, ci), fwd(axbX1, axbB, co, al, di)),
			state: 8101, dir: 1, sub: subAXB1, q850: 19, service: "004", userData: "ud-axb"},
		{id: "B4", req: CallRequest{Caller: axbB, Called: axbX1, Outcome: OutcomeBusy}, want: legs(in(axbB, axbX1, ci), fwd(axbX1, axbA, co, di)),
			state: 7504, dir: 0, sub: subAXB1, q850: 17, service: "004", userData: "ud-axb"},
		{id: "B5", req: CallRequest{Caller: axbA, Called: axbX1, Outcome: OutcomeRejected}, want: legs(in(axbA, axbX1, ci), fwd(axbX1, axbB, co, al, di)),
			state: 7504, dir: 1, sub: subAXB1, q850: 21, service: "004", userData: "ud-axb"},
		{id: "B6", req: CallRequest{Caller: axbA, Called: axbX1, Outcome: OutcomeCallerHangup}, want: legs(in(axbA, axbX1, ci), fwd(axbX1, axbB, co, al, di)),
			state: 8009, dir: 1, sub: subAXB1, service: "004", userData: "ud-axb"},
		{id: "B7", req: CallRequest{Caller: stranger, Called: axbX1}, want: in(stranger, axbX1, ci, di),
			state: 8014, dir: 2, service: "004"},
		{id: "B7-unbound", setup: func(f *fixture) { f.be.removeBinding(subAXB1) }, req: CallRequest{Caller: axbA, Called: axbX1},
			want: in(axbA, axbX1, ci, di), state: 8014, dir: 2, service: "004"},
		{id: "B8", req: CallRequest{Caller: axbB2, Called: axbX2}, want: in(axbB2, axbX2, ci, di),
			state: 8016, dir: 0, sub: subAXB2, service: "004"},
		{id: "B8-A", req: CallRequest{Caller: axbA4, Called: axbX4}, want: in(axbA4, axbX4, ci, di),
			state: 8016, dir: 1, sub: subAXB4, service: "004"},
		{id: "B9", req: CallRequest{Caller: axbA3, Called: axbX3, TalkSeconds: 300}, want: legs(in(axbA3, axbX3, ci), fwd(axbX3, axbB3, co, al, an, di)),
			state: 8010, dir: 1, sub: subAXB3, answered: true, service: "004"},
		{id: "X1", req: CallRequest{Caller: stranger, Called: axX1}, want: legs(in(stranger, axX1, ci), fwd(axX1, axA1, co, al, an, di)),
			state: 0, dir: 0, sub: subAX1, answered: true, service: "003", userData: "ud-ax"},
		{id: "X2", req: CallRequest{Caller: axA1, Called: axX1}, want: legs(in(axA1, axX1, ci), fwd(axX1, axT, co, al, an, di)),
			state: 0, dir: 1, sub: subAX1, answered: true, service: "003", userData: "ud-ax"},
		{id: "X3", req: CallRequest{Caller: axA2, Called: axX2}, want: in(axA2, axX2, ci, di),
			state: 8013, dir: 1, sub: subAX2, service: "003"},
		{id: "X3-expired", setup: func(f *fixture) { f.clk.Advance(61 * time.Second) }, req: CallRequest{Caller: axA1, Called: axX1},
			want: in(axA1, axX1, ci, di), state: 8013, dir: 1, sub: subAX1, service: "003", userData: "ud-ax"},
		{id: "X4", req: CallRequest{Caller: stranger, Called: axX3}, want: in(stranger, axX3, ci, di),
			state: 8018, dir: 2, service: "003"},
		{id: "X5", req: CallRequest{Caller: axA5, Called: axX5}, want: in(axA5, axX5, ci, di),
			state: 8016, dir: 1, sub: subAX5, service: "003"},
		{id: "X5-C", req: CallRequest{Caller: stranger, Called: axX7}, want: in(stranger, axX7, ci, di),
			state: 8016, dir: 0, sub: subAX7, service: "003"},
		{id: "X6", req: CallRequest{Caller: stranger, Called: axX4}, want: in(stranger, axX4, ci, di),
			state: 8018, dir: 0, sub: subAX4, service: "003"},
		{id: "X6-A", req: CallRequest{Caller: axA4, Called: axX4}, want: in(axA4, axX4, ci, di),
			state: 8018, dir: 1, sub: subAX4, service: "003"},
		{id: "X7", req: CallRequest{Caller: stranger, Called: axX6}, want: in(stranger, axX6, ci, di),
			state: 8024, dir: 0, sub: subAX6, service: "003"},
		{id: "E1", req: CallRequest{Caller: stranger, Called: axeX, Extension: axeE1}, want: legs(in(stranger, axeX, ci, cl), fwd(axeX, axeA1, co, al, an, di)),
			state: 0, dir: 0, sub: subAXE1, answered: true, service: "005", ext: axeE1, userData: "ud-axe"},
		{id: "E2", req: CallRequest{Caller: stranger, Called: axeX, Extension: "0999"}, want: in(stranger, axeX, ci, cl, di),
			state: 8022, dir: 2, service: "005"},
		{id: "E2-none", req: CallRequest{Caller: stranger, Called: axeX}, want: in(stranger, axeX, ci, cl, di),
			state: 8022, dir: 2, service: "005"},
		{id: "E3", setup: func(f *fixture) { f.be.SetCallback(axeX, axeA1, stranger) },
			req: CallRequest{Caller: axeA1, Called: axeX}, want: legs(in(axeA1, axeX, ci), fwd(axeX, stranger, co, al, an, di)),
			state: 0, dir: 1, sub: subAXE1, answered: true, service: "005", ext: axeE1, userData: "ud-axe"},
		{id: "E4", req: CallRequest{Caller: axeA2, Called: axeX}, want: legs(in(axeA2, axeX, ci), fwd(axeX, axeCallbackNum, co, al, an, di)),
			state: 0, dir: 1, sub: subAXE2, answered: true, service: "005", ext: axeE2},
		{id: "E5", req: CallRequest{Caller: axeA1, Called: axeX}, want: in(axeA1, axeX, ci, di),
			state: 8019, dir: 1, sub: subAXE1, service: "005", ext: axeE1, userData: "ud-axe"},
		{id: "E6", req: CallRequest{Caller: stranger, Called: axeX, Extension: axeE3}, want: in(stranger, axeX, ci, cl, di),
			state: 8024, dir: 0, sub: subAXE3, service: "005", ext: axeE3},
		{id: "paused", setup: func(f *fixture) { _, _ = f.be.SetXStatus(axbX1, StatusPaused, "") },
			req: CallRequest{Caller: axbA, Called: axbX1}, want: in(axbA, axbX1, ci, di), state: 8020, dir: 2, service: "004"},
		{id: "frozen-works", setup: func(f *fixture) { _, _ = f.be.SetXStatus(axbX1, StatusFrozen, "") },
			req: CallRequest{Caller: axbA, Called: axbX1}, want: legs(in(axbA, axbX1, ci), fwd(axbX1, axbB, co, al, an, di)),
			state: 0, dir: 1, sub: subAXB1, answered: true, service: "004", userData: "ud-axb"},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			f := newFixture(Options{})
			if tc.setup != nil {
				tc.setup(f)
			}
			res, err := f.sim.Call(context.Background(), tc.req)
			if err != nil {
				t.Fatalf("Call: %v", err)
			}
			var got []leg
			for _, e := range res.Events {
				got = append(got, leg{e.EventType, e.StatusInfo.Caller, e.StatusInfo.Called})
				si := e.StatusInfo
				if si.SessionID != res.SessionID || si.SessionID == "" {
					t.Errorf("%s: sessionId %q, call %q", e.EventType, si.SessionID, res.SessionID)
				}
				if si.SubscriptionID != tc.sub {
					t.Errorf("%s: subscriptionId %q, want %q", e.EventType, si.SubscriptionID, tc.sub)
				}
				if si.UserData != tc.userData {
					t.Errorf("%s: userData %q, want %q", e.EventType, si.UserData, tc.userData)
				}
				if (e.EventType == pns.EventDisconnect) != (si.StateCode != nil) {
					t.Errorf("%s: stateCode presence wrong: %v", e.EventType, si.StateCode)
				}
				if (e.EventType == pns.EventCollectInfo) != (si.DigitInfo != nil) {
					t.Errorf("%s: digitInfo presence wrong", e.EventType)
				}
				if e.EventType == pns.EventCollectInfo && *si.DigitInfo != tc.req.Extension {
					t.Errorf("digitInfo %q, want %q", *si.DigitInfo, tc.req.Extension)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("events\n got %v\nwant %v", got, tc.want)
			}
			last := res.Events[len(res.Events)-1].StatusInfo
			if *last.StateCode != tc.state || res.StateCode != tc.state || last.StateDesc != StateDesc(tc.state) {
				t.Errorf("stateCode %d (%q), result %d, want %d", *last.StateCode, last.StateDesc, res.StateCode, tc.state)
			}
			fee := res.Fee
			checkFee(t, fee, res, tc.req, tc.dir, tc.state, tc.q850, tc.answered)
			if fee.SubscriptionID != tc.sub || fee.MptyID != tc.sub {
				t.Errorf("fee subscriptionId %q mptyId %q, want %q", fee.SubscriptionID, fee.MptyID, tc.sub)
			}
			if fee.ServiceType != tc.service || fee.ExtendNum != tc.ext || fee.UserData != tc.userData {
				t.Errorf("fee serviceType %q extendNum %q userData %q, want %q %q %q", fee.ServiceType, fee.ExtendNum, fee.UserData, tc.service, tc.ext, tc.userData)
			}
			if res.Route.Direction != tc.dir {
				t.Errorf("route direction %d, want %d", res.Route.Direction, tc.dir)
			}
		})
	}
}

// checkFee asserts the fee record's fields against the call's events (reference §8.3, D71).
func checkFee(t *testing.T, fee pns.FeeInfo, res CallResult, req CallRequest, dir, state, q850 int, answered bool) {
	t.Helper()
	ts := map[string]string{}
	for _, e := range res.Events {
		ts[e.EventType] = e.StatusInfo.Timestamp
	}
	if fee.Direction != dir || fee.UlFailReason != state || fee.FwdUnaswRsn != q850 || fee.CallOutUnaswRsn != q850 {
		t.Errorf("fee direction %d ulFailReason %d fwdUnaswRsn %d callOutUnaswRsn %d, want %d %d %d", fee.Direction, fee.UlFailReason, fee.FwdUnaswRsn, fee.CallOutUnaswRsn, dir, state, q850)
	}
	if fee.SessionID != res.SessionID || fee.BindNum != req.Called || fee.CallerNum != req.Caller || fee.CalleeNum != req.Called {
		t.Errorf("fee identity: %+v", fee)
	}
	if fee.AppKey == "" || fee.SpID == "" || fee.Icid == "" || fee.HostName == "" {
		t.Errorf("fee appKey/spId/icid/hostName missing: %+v", fee)
	}
	if fee.CallInTime != ts[pns.EventCallin] || fee.CallEndTime != ts[pns.EventDisconnect] {
		t.Errorf("fee callInTime %q callEndTime %q, events %v", fee.CallInTime, fee.CallEndTime, ts)
	}
	if fee.FwdStartTime != ts[pns.EventCallout] || fee.FwdAlertingTime != ts[pns.EventAlerting] || fee.FwdAnswerTime != ts[pns.EventAnswer] {
		t.Errorf("fee fwd times %q %q %q, events %v", fee.FwdStartTime, fee.FwdAlertingTime, fee.FwdAnswerTime, ts)
	}
	forwarded := ts[pns.EventCallout] != ""
	if forwarded != (fee.FwdDstNum != "") || forwarded != (fee.FwdDisplayNum == req.Called) {
		t.Errorf("fee fwdDstNum %q fwdDisplayNum %q, forwarded %v", fee.FwdDstNum, fee.FwdDisplayNum, forwarded)
	}
	if forwarded && fee.FwdDstNum != res.Route.Target {
		t.Errorf("fee fwdDstNum %q, route target %q", fee.FwdDstNum, res.Route.Target)
	}
	if answered == (fee.FailTime != "") {
		t.Errorf("fee failTime %q with answered %v", fee.FailTime, answered)
	}
	if !answered && fee.FailTime != fee.CallEndTime {
		t.Errorf("failTime %q != callEndTime %q", fee.FailTime, fee.CallEndTime)
	}
	// Times are UTC yyyy-MM-dd HH:mm:ss and ordered.
	prev := time.Time{}
	for _, e := range res.Events {
		tm, err := time.Parse(pns.UTCLayout, e.StatusInfo.Timestamp)
		if err != nil {
			t.Fatalf("timestamp %q: %v", e.StatusInfo.Timestamp, err)
		}
		if tm.Before(prev) {
			t.Errorf("timestamps out of order at %s", e.EventType)
		}
		prev = tm
	}
	// JSON shape: integers always present, absent strings omitted.
	raw, _ := json.Marshal(fee)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	for _, k := range []string{"direction", "fwdUnaswRsn", "ulFailReason", "sipStatusCode", "callOutUnaswRsn", "recordFlag", "ttsPlayTimes", "ttsTransDuration", "voiceCheckType", "serviceType", "hostName", "spId", "appKey", "icid", "bindNum", "sessionId", "callerNum", "calleeNum", "callInTime", "callEndTime"} {
		if _, ok := m[k]; !ok {
			t.Errorf("fee JSON lacks %s: %s", k, raw)
		}
	}
	if _, ok := m["subscriptionId"]; ok != (fee.SubscriptionID != "") {
		t.Errorf("fee JSON subscriptionId presence wrong: %s", raw)
	}
}

// TestTimeline checks the event timestamps against ring and talk seconds, maxDuration, and that
// pushes are scheduled on the emulator clock.
func TestTimeline(t *testing.T) {
	f := newFixture(Options{})
	res, err := f.sim.Call(context.Background(), CallRequest{Caller: axbA, Called: axbX1, RingSeconds: 7, TalkSeconds: 42})
	if err != nil {
		t.Fatal(err)
	}
	t0, _ := time.Parse(pns.UTCLayout, res.Events[0].StatusInfo.Timestamp)
	wantOff := []time.Duration{0, 0, time.Second, 8 * time.Second, 50 * time.Second}
	for i, e := range res.Events {
		tm, _ := time.Parse(pns.UTCLayout, e.StatusInfo.Timestamp)
		if tm.Sub(t0) != wantOff[i] {
			t.Errorf("%s at +%v, want +%v", e.EventType, tm.Sub(t0), wantOff[i])
		}
	}
	// Only the callin is due now.
	if n := len(f.push.ofKind(pns.NotifyEvent)); n > 2 {
		t.Fatalf("%d events pushed before the clock advanced, want ≤ 2 (callin, callout)", n)
	}
	f.clk.Advance(10 * time.Second)
	if n := len(f.push.ofKind(pns.NotifyEvent)); n != 4 {
		t.Fatalf("%d events pushed after 10 s, want 4", n)
	}
	if n := len(f.push.ofKind(pns.NotifyFee)); n != 0 {
		t.Fatalf("fee pushed before the end of the call")
	}
	f.clk.Advance(45 * time.Second)
	evs := f.push.ofKind(pns.NotifyEvent)
	if len(evs) != 5 {
		t.Fatalf("%d events after the call, want 5", len(evs))
	}
	for _, m := range evs {
		if m.url != urlStatus || m.appKey != appAXB {
			t.Errorf("event pushed to %s for %s", m.url, m.appKey)
		}
	}
	fees := f.push.ofKind(pns.NotifyFee)
	if len(fees) != 1 || fees[0].url != urlFee {
		t.Fatalf("fees %v", fees)
	}
	var fee pns.FeeInfo
	_ = json.Unmarshal(fees[0].body, &fee)
	if fee.SessionID != res.SessionID {
		t.Errorf("fee sessionId %q", fee.SessionID)
	}

	// maxDuration 1 min cuts a 300 s call at 60 s after answer.
	res, err = f.sim.Call(context.Background(), CallRequest{Caller: axbA3, Called: axbX3, RingSeconds: 2, TalkSeconds: 300})
	if err != nil {
		t.Fatal(err)
	}
	ans, _ := time.Parse(pns.UTCLayout, res.Fee.FwdAnswerTime)
	end, _ := time.Parse(pns.UTCLayout, res.Fee.CallEndTime)
	if end.Sub(ans) != time.Minute || res.StateCode != CauseMaxDuration {
		t.Errorf("maxDuration: talk %v state %d", end.Sub(ans), res.StateCode)
	}
}

// TestCallinURLAndMissingURLs checks D77: callin events go to callinUrl when set, and nothing
// is pushed without a URL.
func TestCallinURLAndMissingURLs(t *testing.T) {
	f := newFixture(Options{Immediate: true})
	if _, err := f.sim.Call(context.Background(), CallRequest{Caller: stranger, Called: axX1}); err != nil {
		t.Fatal(err)
	}
	evs := f.push.ofKind(pns.NotifyEvent)
	if len(evs) != 5 {
		t.Fatalf("%d events", len(evs))
	}
	for _, m := range evs {
		isCallin := strings.Contains(string(m.body), `"eventType":"callin"`)
		if isCallin != (m.url == urlCallin) {
			t.Errorf("event %s went to %s", m.body, m.url)
		}
	}
	// An app without URLs gets nothing.
	f.be.addApp(AppConfig{AppKey: "silent", SpID: "sp", Mode: pns.ModeAXB}, "+8617000000099")
	f.be.addBinding(Binding{Mode: pns.ModeAXB, SubscriptionID: "s", X: "+8617000000099", A: axbA, B: axbB})
	before := len(f.push.all())
	res, err := f.sim.Call(context.Background(), CallRequest{Caller: axbA, Called: "+8617000000099"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.push.all()) != before {
		t.Errorf("pushes for an app without URLs")
	}
	for _, e := range res.Events {
		if e.URL != "" {
			t.Errorf("event URL %q for an app without URLs", e.URL)
		}
	}
}

// TestAXECallbackRecord checks that E1 creates the callback record at callout and that it
// expires after callbackExpiredTime.
func TestAXECallbackRecord(t *testing.T) {
	f := newFixture(Options{})
	ctx := context.Background()
	if _, err := f.sim.Call(ctx, CallRequest{Caller: stranger, Called: axeX, Extension: axeE1}); err != nil {
		t.Fatal(err)
	}
	// Before callout (3 s prompt) A's call back has no record.
	if res, _ := f.sim.Call(ctx, CallRequest{Caller: axeA1, Called: axeX}); res.StateCode != CauseNoCallback {
		t.Fatalf("before callout: state %d, want 8019", res.StateCode)
	}
	f.clk.Advance(5 * time.Second)
	res, err := f.sim.Call(ctx, CallRequest{Caller: axeA1, Called: axeX})
	if err != nil {
		t.Fatal(err)
	}
	if res.StateCode != 0 || res.Route.Target != stranger {
		t.Fatalf("E3 after E1: state %d target %q", res.StateCode, res.Route.Target)
	}
	f.clk.Advance(callbackExpiry)
	if res, _ := f.sim.Call(ctx, CallRequest{Caller: axeA1, Called: axeX}); res.StateCode != CauseNoCallback {
		t.Fatalf("after callbackExpiredTime: state %d, want 8019", res.StateCode)
	}
}

func TestCallValidation(t *testing.T) {
	f := newFixture(Options{})
	cases := []struct {
		name string
		req  CallRequest
		err  error
	}{
		{"no caller", CallRequest{Called: axbX1}, ErrInvalid},
		{"bad caller", CallRequest{Caller: "138", Called: axbX1}, ErrInvalid},
		{"bad X", CallRequest{Caller: axbA, Called: "+8675528123401"}, ErrInvalid},
		{"same", CallRequest{Caller: axbX1, Called: axbX1}, ErrInvalid},
		{"outcome", CallRequest{Caller: axbA, Called: axbX1, Outcome: "maybe"}, ErrInvalid},
		{"ring", CallRequest{Caller: axbA, Called: axbX1, RingSeconds: -1}, ErrInvalid},
		{"talk", CallRequest{Caller: axbA, Called: axbX1, TalkSeconds: MaxCallSeconds + 1}, ErrInvalid},
		{"ext", CallRequest{Caller: axbA, Called: axeX, Extension: "12a"}, ErrInvalid},
		{"unknown X", CallRequest{Caller: axbA, Called: "+8617999999999"}, ErrUnknownNumber},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.sim.Call(context.Background(), tc.req)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
		})
	}
}

func TestCallLog(t *testing.T) {
	f := newFixture(Options{Immediate: true, MaxLogPerApp: 3})
	ctx := context.Background()
	var ids []string
	for i := 0; i < 4; i++ {
		res, err := f.sim.Call(ctx, CallRequest{Caller: axbA, Called: axbX1})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.SessionID)
	}
	l := f.sim.CallLog(appAXB)
	if len(l) != 3 || l[0].SessionID != ids[1] || l[2].SessionID != ids[3] {
		t.Fatalf("log bounded to 3: %d entries", len(l))
	}
	if l[0].Request.Caller != axbA || l[0].Fee.SessionID != ids[1] || len(l[0].Events) != 5 {
		t.Errorf("log entry incomplete: %+v", l[0])
	}
	if len(f.sim.CallLog(appAX)) != 0 {
		t.Errorf("other app has calls")
	}
	f.clk.Advance(LogRetention + time.Hour)
	if n := len(f.sim.CallLog(appAXB)); n != 0 {
		t.Errorf("%d calls older than 31 days kept", n)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("duplicate sessionId %s", id)
		}
		seen[id] = true
	}
}

// BenchmarkCall measures one simulated B1 call (routing, events, fee, log, immediate pushes to
// a fake sink).
func BenchmarkCall(b *testing.B) {
	f := newFixture(Options{Immediate: true, MaxLogPerApp: 1000})
	ctx := context.Background()
	req := CallRequest{Caller: axbA, Called: axbX1}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.sim.Call(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEveryModeRoutes: every binding mode has a routing rule, so that a call to the X of a new
// mode's app is routed by its rules rather than failed as an unsupported mode.
func TestEveryModeRoutes(t *testing.T) {
	for _, m := range pns.Modes {
		if modeRoutes[m].route == nil {
			t.Errorf("%s has no routing rule in modeRoutes", m)
		}
	}
}
