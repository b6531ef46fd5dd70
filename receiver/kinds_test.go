package receiver

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// kindSamples holds a valid push of each kind of pns.Notifications, built from the pns wire
// types. A kind added to the table without a sample fails TestEveryPNSKindIsReceived: the
// receiver must then learn to recognise and account it.
func kindSamples() map[string]any {
	ts := pns.FormatUTC(time.Now())
	fee := pns.FeeInfo{Direction: 1, SpID: "sp01", AppKey: appAKSK.AppKey, Icid: "icid-kinds", BindNum: "+8617000000001",
		SessionID: "s-kinds", CallerNum: "+8613800000001", CalleeNum: "+8617000000001", CallInTime: ts, CallEndTime: ts,
		ServiceType: "004", HostName: "emulator.local"}
	return map[string]any{
		pns.NotifyEvent: pns.Event{EventType: pns.EventCallin, StatusInfo: pns.StatusInfo{Timestamp: ts, SessionID: "s-kinds",
			Caller: "+8613800000001", Called: "+8617000000001"}},
		pns.NotifyFee:       pns.FeeMessage{EventType: pns.EventTypeFee, FeeLst: []pns.FeeInfo{fee}},
		pns.NotifyNumStatus: pns.StatusMessage{EventType: pns.EventTypeNumStatus, NumInfo: []pns.NumInfo{{Number: "+8617000000001", Status: "5"}}},
		pns.NotifySMSNotify: pns.SMSNotification{AppKey: appAKSK.AppKey, SMSEvent: pns.SMSEvent{SMSIdentifier: "sms-kinds",
			NotificationMode: pns.NotifyModeNotify, Calling: "+8613800000001", Called: "+8613800000002",
			VirtualNumber: "+8617000000001", Event: pns.SMSEventText, TimeStamp: ts}},
		pns.NotifySMSBlock: pns.SMSNotification{AppKey: appAKSK.AppKey, SMSEvent: pns.SMSEvent{SMSIdentifier: "sms-kinds",
			NotificationMode: pns.NotifyModeBlock, Calling: "+8613800000001", VirtualNumber: "+8617000000001",
			Event: pns.SMSEventText, TimeStamp: ts}},
	}
}

// TestEveryPNSKindIsReceived is the guard of the notification table on the receiver's side:
// a valid push of each kind of pns.Notifications is recognised as that kind on both decode
// paths, passes its schema, and is accounted in its report row (pns.Notification.Types), once
// as received and once as a duplicate when it comes again.
func TestEveryPNSKindIsReceived(t *testing.T) {
	samples := kindSamples()
	v, err := schemas.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, withSchemas := range []bool{false, true} {
		for _, n := range pns.Notifications {
			sample, ok := samples[n.Kind]
			if !ok {
				t.Errorf("%s: no sample push: teach the receiver the kind, then add one here", n.Kind)
				continue
			}
			body, err := json.Marshal(sample)
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Apps: apps}
			if withSchemas {
				opts.Schemas = v
			}
			r := New(opts)
			for i := 0; i < 2; i++ {
				if st := post(t, r.Handler(), &appAKSK, body); st != 200 {
					t.Fatalf("%s: delivery %d answered %d", n.Kind, i, st)
				}
			}
			rep := r.Snapshot()
			row := n.Types[0]
			if n.Kind == pns.NotifyEvent {
				row = pns.EventCallin
			}
			if rep.ByKind[n.Kind] != 2 || rep.ByType[row].Received != 1 || rep.ByType[row].Duplicate != 1 || rep.Counters.Invalid != 0 {
				t.Errorf("%s (schemas %v): byKind %d, byType[%s] %+v, invalid %d; want 2, received 1 and duplicate 1, 0",
					n.Kind, withSchemas, rep.ByKind[n.Kind], row, rep.ByType[row], rep.Counters.Invalid)
			}
		}
	}
}

// TestCallEventTypesFitTheMask: a session keeps the event types seen as the bits of its mask.
func TestCallEventTypesFitTheMask(t *testing.T) {
	if n, bits := len(pns.CallEventTypes), 8*int(unsafe.Sizeof(session{}.mask)); n > bits {
		t.Fatalf("%d call event types do not fit the %d bits of session.mask", n, bits)
	}
}

// TestDecodeViewNames: the scanner's cases follow the field order of the decode view's
// structs, and each struct's names fit the scanner's bit set of names seen (a uint8).
func TestDecodeViewNames(t *testing.T) {
	if got := strings.Join(envelopeNames, " "); got != "eventType statusInfo feeLst numInfo appKey smsEvent" {
		t.Errorf("envelope names %q: the cases of scanEnvelope and fill follow this order", got)
	}
	for _, names := range [][]string{envelopeNames, statusInfoNames, feeNames, smsNames} {
		if len(names) > 8 {
			t.Errorf("%d names %v do not fit the scanner's uint8 of names seen", len(names), names)
		}
	}
}
