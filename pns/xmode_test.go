package pns

import (
	"errors"
	"testing"
)

func TestParseCallinReply(t *testing.T) {
	ok := []struct {
		name, body, op, callee, userData string
	}{
		{"reference example", `{"operation":"connect","connectInfo":{"displayCalleeNum":"+8617000000001","calleeNum":"+8613800000023",
			"maxDuration":60,"waitVoice":"waitVoice001.wav","recordFlag":"true","recordHintTone":"recordHintTone001.wav","userData":"order-4711"}}`,
			CallinConnect, "+8613800000023", "order-4711"},
		{"array form of the Java sample", `{"operation":"connect","connectInfo":[{"calleeNum":"+8613800000023","recordFlag":true}]}`, CallinConnect, "+8613800000023", ""},
		{"maxDuration 0 and 1440", `{"operation":"connect","connectInfo":{"calleeNum":"+8613800000023","maxDuration":1440}}`, CallinConnect, "+8613800000023", ""},
		{"close", `{"operation":"close","closeInfo":{"closeHintTone":"closeHintTone001.wav","userData":"order-4711"}}`, CallinClose, "", "order-4711"},
		{"close without closeInfo", `{"operation":"close"}`, CallinClose, "", ""},
		{"close as array", `{"operation":"close","closeInfo":[{"userData":"u"}]}`, CallinClose, "", "u"},
	}
	for _, tc := range ok {
		r, err := ParseCallinReply([]byte(tc.body))
		if err != nil || r.Operation != tc.op {
			t.Errorf("%s: %+v %v", tc.name, r, err)
			continue
		}
		if tc.op == CallinConnect && (r.ConnectInfo.CalleeNum != tc.callee || r.ConnectInfo.UserData != tc.userData) {
			t.Errorf("%s: connectInfo %+v", tc.name, r.ConnectInfo)
		}
		if tc.op == CallinClose && r.CloseInfo.UserData != tc.userData {
			t.Errorf("%s: closeInfo %+v", tc.name, r.CloseInfo)
		}
	}
	if r, _ := ParseCallinReply([]byte(ok[0].body)); !r.ConnectInfo.RecordFlag.On() || *r.ConnectInfo.MaxDuration != 60 {
		t.Errorf("recordFlag/maxDuration of the example: %+v", r.ConnectInfo)
	}
	for _, tc := range []struct{ name, body string }{
		{"not JSON", `connect`},
		{"empty body", ``},
		{"no operation", `{}`},
		{"unknown operation", `{"operation":"forward","connectInfo":{"calleeNum":"+8613800000023"}}`},
		{"connect without connectInfo", `{"operation":"connect"}`},
		{"connect with an empty array", `{"operation":"connect","connectInfo":[]}`},
		{"calleeNum not global", `{"operation":"connect","connectInfo":{"calleeNum":"13800000023"}}`},
		{"maxDuration 7200 (the FAQ's example)", `{"operation":"connect","connectInfo":{"calleeNum":"+8613800000023","maxDuration":7200}}`},
		{"maxDuration negative", `{"operation":"connect","connectInfo":{"calleeNum":"+8613800000023","maxDuration":-1}}`},
		{"recordFlag yes", `{"operation":"connect","connectInfo":{"calleeNum":"+8613800000023","recordFlag":"yes"}}`},
		{"displayCalleeNum not global", `{"operation":"connect","connectInfo":{"calleeNum":"+8613800000023","displayCalleeNum":"x"}}`},
		{"userData with braces", `{"operation":"close","closeInfo":{"userData":"{x}"}}`},
	} {
		if _, err := ParseCallinReply([]byte(tc.body)); !errors.Is(err, ErrInvalidReply) {
			t.Errorf("%s: err %v, want ErrInvalidReply", tc.name, err)
		}
	}
}

func TestParseSMSBlockReply(t *testing.T) {
	const from = "+8613800000001"
	a, err := ParseSMSBlockReply([]byte(`{"actions":[{"operation":"vNumberRoute","message":{"called":"+8613800000002","calling":"+8613800000001"}}]}`), from)
	if err != nil || a.Operation != SMSRoute || a.Message.Called != "+8613800000002" {
		t.Errorf("reference example: %+v %v", a, err)
	}
	if a, err := ParseSMSBlockReply([]byte(`{"actions":[{"operation":"DiscardMessage"},{"operation":"vNumberRoute"}]}`), from); err != nil || a.Operation != SMSDiscard {
		t.Errorf("discard (first action counts): %+v %v", a, err)
	}
	for _, tc := range []struct{ name, body string }{
		{"not JSON", `x`},
		{"no actions", `{}`},
		{"empty actions", `{"actions":[]}`},
		{"route without message", `{"actions":[{"operation":"vNumberRoute"}]}`},
		{"route to a local number", `{"actions":[{"operation":"vNumberRoute","message":{"called":"13800000002","calling":"+8613800000001"}}]}`},
		{"calling differs", `{"actions":[{"operation":"vNumberRoute","message":{"called":"+8613800000002","calling":"+8613800000009"}}]}`},
		{"unknown operation", `{"actions":[{"operation":"Forward"}]}`},
		{"userData with braces", `{"actions":[{"operation":"DiscardMessage","userData":"{"}]}`},
	} {
		if _, err := ParseSMSBlockReply([]byte(tc.body), from); !errors.Is(err, ErrInvalidReply) {
			t.Errorf("%s: err %v, want ErrInvalidReply", tc.name, err)
		}
	}
}
