package calls

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

const (
	appX, appXNoURL = "xAppKey", "xNoURLAppKey"
	xX1, xXNoURL    = "+8617300000001", "+8617300000002"
	xCaller, xT     = "+8613500000001", "+8613500000099"
)

func newXFixture(opt Options) *fixture {
	f := newFixture(opt)
	f.be.addApp(AppConfig{AppKey: appX, SpID: "spX", Mode: pns.ModeX, Recording: true, CallStatusURL: urlStatus, CallinURL: urlCallin,
		FeeURL: urlFee, ToneFiles: []string{"wait.wav", "bye.wav"}}, xX1)
	f.be.addApp(AppConfig{AppKey: appXNoURL, SpID: "spX", Mode: pns.ModeX, FeeURL: urlFee}, xXNoURL)
	return f
}

func eventTypes(res CallResult) []string {
	var out []string
	for _, e := range res.Events {
		out = append(out, e.EventType)
	}
	return out
}

// M1 of reference §7.4: the reply connect forwards the call; callin goes out once, in Block
// mode, to the callin URL, before routing; the later events are Notify and carry the reply's
// userData; the fee record is an X-mode record (D88).
func TestXModeConnect(t *testing.T) {
	f := newXFixture(Options{Immediate: true})
	var asked []pns.Event
	f.push.block = func(b []byte) ([]byte, error) {
		var ev pns.Event
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatalf("block body %s", b)
		}
		asked = append(asked, ev)
		return []byte(`{"operation":"connect","connectInfo":[{"displayCalleeNum":"` + xX1 + `","calleeNum":"` + xT +
			`","maxDuration":1,"waitVoice":"wait.wav","recordFlag":true,"userData":"order-4711"}]}`), nil
	}
	res, err := f.sim.Call(context.Background(), CallRequest{Caller: xCaller, Called: xX1, TalkSeconds: 90})
	if err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || asked[0].EventType != pns.EventCallin || asked[0].StatusInfo.NotifyMode != pns.NotifyModeBlock ||
		asked[0].StatusInfo.Caller != xCaller || asked[0].StatusInfo.Called != xX1 || asked[0].StatusInfo.SubscriptionID != "" {
		t.Fatalf("Block callins %+v", asked)
	}
	if got := eventTypes(res); !slices.Equal(got, []string{"callin", "callout", "alerting", "answer", "disconnect"}) {
		t.Fatalf("events %v", got)
	}
	if blocks := f.push.ofKind("block"); len(blocks) != 1 || blocks[0].url != urlCallin {
		t.Errorf("block pushes %+v", blocks)
	}
	events := f.push.ofKind(pns.NotifyEvent)
	if len(events) != 4 {
		t.Fatalf("%d Notify events pushed, want 4 (callin is not pushed again)", len(events))
	}
	for _, m := range events {
		var ev pns.Event
		_ = json.Unmarshal(m.body, &ev)
		if ev.EventType == pns.EventCallin || ev.StatusInfo.NotifyMode != pns.NotifyModeNotify || ev.StatusInfo.UserData != "order-4711" ||
			ev.StatusInfo.SessionID != asked[0].StatusInfo.SessionID {
			t.Errorf("event %s", m.body)
		}
	}
	// maxDuration 1 minute ends the 90 s call with 8010.
	if res.StateCode != CauseMaxDuration || res.Route.Target != xT || res.Route.Direction != 1 {
		t.Errorf("state %d route %+v", res.StateCode, res.Route)
	}
	fee := res.Fee
	if fee.NotifyMode != pns.NotifyModeBlock || fee.ServiceType != "" || fee.SubscriptionID != "" || fee.UserData != "order-4711" ||
		fee.Direction != 1 || fee.FwdDstNum != xT || fee.RecordFlag != 1 {
		t.Errorf("fee %+v", fee)
	}
	b, _ := json.Marshal(fee)
	if strings.Contains(string(b), "serviceType") || !strings.Contains(string(b), `"notifyMode":"Block"`) {
		t.Errorf("fee JSON %s", b)
	}
}

// M2: the reply close releases the call with 8017, after callin only.
func TestXModeClose(t *testing.T) {
	f := newXFixture(Options{Immediate: true})
	f.push.block = func([]byte) ([]byte, error) {
		return []byte(`{"operation":"close","closeInfo":{"closeHintTone":"bye.wav","userData":"u-1"}}`), nil
	}
	res, err := f.sim.Call(context.Background(), CallRequest{Caller: xCaller, Called: xX1})
	if err != nil {
		t.Fatal(err)
	}
	last := res.Events[len(res.Events)-1].StatusInfo
	if got := eventTypes(res); !slices.Equal(got, []string{"callin", "disconnect"}) || res.StateCode != CauseXClosed ||
		*last.StateCode != 8017 || last.StateDesc != "Released by customer." || last.UserData != "u-1" || last.Caller != xCaller {
		t.Errorf("events %v state %d last %+v", got, res.StateCode, last)
	}
	if res.Fee.Direction != 2 || res.Fee.UlFailReason != 8017 || res.Fee.UserData != "u-1" || res.Fee.FwdDstNum != "" {
		t.Errorf("fee %+v", res.Fee)
	}
}

// M3: an invalid, failed or missing reply releases the call with 8014; callin is sent once.
func TestXModeInvalidReplies(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply string
		err   error
	}{
		{"maxDuration 7200", `{"operation":"connect","connectInfo":{"calleeNum":"` + xT + `","maxDuration":7200}}`, nil},
		{"tone never uploaded", `{"operation":"connect","connectInfo":{"calleeNum":"` + xT + `","waitVoice":"other.wav"}}`, nil},
		{"closeHintTone never uploaded", `{"operation":"close","closeInfo":{"closeHintTone":"other.wav"}}`, nil},
		{"another display number", `{"operation":"connect","connectInfo":{"calleeNum":"` + xT + `","displayCalleeNum":"+8617300000009"}}`, nil},
		{"unknown operation", `{"operation":"forward"}`, nil},
		{"empty body", ``, nil},
		{"not 200 or timeout", "", errors.New("callbacks: block answer status 500")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newXFixture(Options{Immediate: true})
			f.push.block = func([]byte) ([]byte, error) { return []byte(tc.reply), tc.err }
			res, err := f.sim.Call(context.Background(), CallRequest{Caller: xCaller, Called: xX1})
			if err != nil {
				t.Fatal(err)
			}
			if got := eventTypes(res); !slices.Equal(got, []string{"callin", "disconnect"}) || res.StateCode != 8014 || res.Fee.Direction != 2 {
				t.Errorf("events %v state %d direction %d (%s)", got, res.StateCode, res.Fee.Direction, res.Route.Reason)
			}
			if n := len(f.push.ofKind("block")); n != 1 {
				t.Errorf("callin sent %d times", n)
			}
		})
	}
	// No call-status URL: nothing to ask, the call fails with 8014 and nothing is pushed but the fee.
	f := newXFixture(Options{Immediate: true})
	res, err := f.sim.Call(context.Background(), CallRequest{Caller: xCaller, Called: xXNoURL})
	if err != nil || res.StateCode != 8014 || len(f.push.ofKind("block")) != 0 || len(f.push.ofKind(pns.NotifyEvent)) != 0 {
		t.Errorf("no URL: %+v %v, pushes %+v", res, err, f.push.all())
	}
}

// X-mode SMS (§10.1, §10.3, D89): every text goes to the SMS control URL in Block mode first;
// vNumberRoute forwards it to message.called and a Notify with the reply's userData follows;
// DiscardMessage and an invalid reply drop it without a Notify.
func TestXModeSMS(t *testing.T) {
	const xSMS, xSMSNoControl = "+8617300000003", "+8617300000004"
	for _, tc := range []struct {
		name      string
		x         string
		reply     string
		forwarded bool
		blocked   bool
	}{
		{"vNumberRoute", xSMS, `{"actions":[{"operation":"vNumberRoute","message":{"called":"` + xT + `","calling":"` + xCaller + `"},"userData":"sms-7"}]}`, true, true},
		{"DiscardMessage", xSMS, `{"actions":[{"operation":"DiscardMessage"}]}`, false, true},
		{"vNumberRoute to a local number", xSMS, `{"actions":[{"operation":"vNumberRoute","message":{"called":"13500000099","calling":"` + xCaller + `"}}]}`, false, true},
		{"no SMS control URL", xSMSNoControl, ``, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newXFixture(Options{Immediate: true})
			f.be.addApp(AppConfig{AppKey: "xSMSApp", Mode: pns.ModeX, SMS: true, SMSIncludeContent: true, SMSNotifyURL: urlSMS, SMSControlURL: urlSMSControl}, xSMS)
			f.be.addApp(AppConfig{AppKey: "xSMSNoControl", Mode: pns.ModeX, SMS: true, SMSNotifyURL: urlSMS}, xSMSNoControl)
			f.push.block = func([]byte) ([]byte, error) { return []byte(tc.reply), nil }
			res, err := f.sim.SMS(context.Background(), SMSRequest{From: xCaller, To: tc.x, Content: "hello"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Forwarded != tc.forwarded || (res.Block != nil) != true {
				t.Fatalf("result %+v", res)
			}
			blocks := f.push.ofKind("block")
			if len(blocks) != map[bool]int{true: 1}[tc.blocked] {
				t.Fatalf("%d Block requests", len(blocks))
			}
			if tc.blocked {
				var n pns.SMSNotification
				_ = json.Unmarshal(blocks[0].body, &n)
				if n.SMSEvent.NotificationMode != SMSModeBlock || n.SMSEvent.SubscriptionID != "" || n.SMSEvent.Called != "" || n.SMSEvent.Calling != xCaller {
					t.Errorf("Block request %s", blocks[0].body)
				}
			}
			notes := f.push.ofKind(pns.NotifySMSNotify)
			if len(notes) != map[bool]int{true: 1}[tc.forwarded] {
				t.Fatalf("%d Notify pushes", len(notes))
			}
			if tc.forwarded {
				var n pns.SMSNotification
				_ = json.Unmarshal(notes[0].body, &n)
				if n.SMSEvent.Called != xT || n.SMSEvent.UserData != "sms-7" || *n.SMSEvent.SendResult != 0 || n.SMSEvent.NotificationMode != SMSModeNotify {
					t.Errorf("Notify %s", notes[0].body)
				}
			}
		})
	}
}
