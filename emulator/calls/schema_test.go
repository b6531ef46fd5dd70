package calls

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// TestNotificationsMatchSchemas validates every notification body the simulator produces
// against the harness's JSON Schemas of the callbacks (schemas/json/callback-*.json).
func TestNotificationsMatchSchemas(t *testing.T) {
	v, err := schemas.New()
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(Options{Immediate: true})
	f.push.block = func([]byte) ([]byte, error) { return []byte(`{"actions":[{"operation":"vNumberRoute"}]}`), nil }
	ctx := context.Background()
	f.be.SetCallback(axeX, axeA1, stranger)
	for _, req := range []CallRequest{
		{Caller: axbA, Called: axbX1},
		{Caller: axbA, Called: axbX1, Outcome: OutcomeNoAnswer},
		{Caller: axbB, Called: axbX1, Outcome: OutcomeBusy},
		{Caller: axbA, Called: axbX1, Outcome: OutcomeRejected},
		{Caller: axbA, Called: axbX1, Outcome: OutcomeCallerHangup},
		{Caller: stranger, Called: axbX1},
		{Caller: axbA3, Called: axbX3, TalkSeconds: 100},
		{Caller: stranger, Called: axX1},
		{Caller: axA1, Called: axX1},
		{Caller: axA2, Called: axX2},
		{Caller: stranger, Called: axX3},
		{Caller: stranger, Called: axeX, Extension: axeE1},
		{Caller: stranger, Called: axeX, Extension: "9"},
		{Caller: stranger, Called: axeX},
		{Caller: axeA1, Called: axeX},
		{Caller: axeA2, Called: axeX},
		{Caller: stranger, Called: axeX, Extension: axeE3},
	} {
		if _, err := f.sim.Call(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	for _, req := range []SMSRequest{
		{From: axbA, To: axbX1, Content: "hello"},
		{From: stranger, To: axbX1, Content: "hello"},
		{From: stranger, To: axX1, Content: "hello"},
		{From: axA1, To: axX1, Content: "hi@+8613500000001"},
		{From: axA1, To: axX1, Content: "no suffix"},
	} {
		if _, err := f.sim.SMS(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.sim.SetStatus([]string{axbX2}, StatusUnavailable, "5"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sim.SetStatus([]string{axbX2}, StatusPaused, ""); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, m := range f.push.all() {
		var name string
		body := m.body
		switch m.kind {
		case pns.NotifyEvent:
			name = "callback-event.request"
		case pns.NotifyFee:
			name = "callback-fee.request"
			body, _ = json.Marshal(pns.FeeMessage{EventType: "fee", FeeLst: []pns.FeeInfo{decodeFee(t, body)}})
		case pns.NotifyNumStatus:
			name = "callback-numstatus.request"
			var ni pns.NumInfo
			_ = json.Unmarshal(body, &ni)
			body, _ = json.Marshal(pns.StatusMessage{EventType: "numStatus", NumInfo: []pns.NumInfo{ni}})
		case pns.NotifySMSNotify:
			name = "callback-sms-notify.request"
		case "block":
			name = "callback-sms-block.request"
		}
		seen[name]++
		viol, err := v.Validate(name, body)
		if err != nil {
			t.Fatal(err)
		}
		for _, vi := range viol {
			t.Errorf("%s %s: %s", name, body, vi)
		}
	}
	if len(seen) != 5 || seen["callback-event.request"] < 60 {
		t.Errorf("pushes validated per schema: %v", seen)
	}
	viol, _ := v.Validate("callback-sms-block.response", []byte(`{"actions":[{"operation":"vNumberRoute","message":{"called":"+8613900000099","calling":"+8613900000001"}}]}`))
	if len(viol) != 0 {
		t.Errorf("block answer used by the tests is invalid: %v", viol)
	}
}

func decodeFee(t *testing.T, b []byte) pns.FeeInfo {
	t.Helper()
	var f pns.FeeInfo
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}
