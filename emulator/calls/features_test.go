package calls

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// checkWAV asserts a RIFF/WAVE PCM 8 kHz mono 16-bit file of the given length in seconds.
func checkWAV(t *testing.T, b []byte, seconds int) {
	t.Helper()
	if len(b) < 44 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" || string(b[12:16]) != "fmt " || string(b[36:40]) != "data" {
		t.Fatalf("not a RIFF/WAVE file: % x", b[:min(len(b), 44)])
	}
	le := binary.LittleEndian
	if got := le.Uint32(b[4:8]); int(got) != len(b)-8 {
		t.Errorf("RIFF size %d, file %d", got, len(b))
	}
	if le.Uint16(b[20:22]) != 1 || le.Uint16(b[22:24]) != 1 || le.Uint32(b[24:28]) != 8000 || le.Uint16(b[34:36]) != 16 {
		t.Errorf("format: pcm=%d ch=%d rate=%d bits=%d", le.Uint16(b[20:22]), le.Uint16(b[22:24]), le.Uint32(b[24:28]), le.Uint16(b[34:36]))
	}
	if got := le.Uint32(b[40:44]); int(got) != seconds*16000 || len(b) != 44+seconds*16000 {
		t.Errorf("data size %d (file %d), want %d", got, len(b), seconds*16000)
	}
}

func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, httptest.NewRequest(http.MethodGet, target, nil))
	return rr
}

func TestRecording(t *testing.T) {
	f := newFixture(Options{})
	h := f.sim.RecordingHandler()
	res, err := f.sim.Call(context.Background(), CallRequest{Caller: axbA3, Called: axbX3, RingSeconds: 2, TalkSeconds: 20})
	if err != nil {
		t.Fatal(err)
	}
	fee := res.Fee
	if fee.RecordFlag != 1 || fee.RecordObjectName == "" || !strings.HasSuffix(fee.RecordObjectName, ".wav") ||
		fee.RecordDomain == "" || fee.RecordBucketName == "" || fee.RecordStartTime != fee.FwdAnswerTime {
		t.Fatalf("fee recording fields: %+v", fee)
	}
	name, domain := fee.RecordObjectName, fee.RecordDomain
	if _, perr := f.sim.ResolveRecording(appAXB, name, domain); perr == nil || perr.Code != pns.CodeRecordNotExist {
		t.Fatalf("recording available before the call ended: %v", perr)
	}
	f.clk.Advance(30 * time.Second)
	for _, tc := range []struct {
		app, name, domain string
		code              pns.Code
		status            int
	}{
		{appAXB, "", domain, pns.CodeInvalidRequest, 403},
		{appAXB, name, "", pns.CodeInvalidRequest, 403},
		{appAXB, "nope.wav", domain, pns.CodeRecordNotExist, 404},
		{appAXB, name, "other.domain", pns.CodeRecordNotExist, 404},
		{appAX, name, domain, pns.CodeRecordNotExist, 404},
	} {
		if _, perr := f.sim.ResolveRecording(tc.app, tc.name, tc.domain); perr == nil || perr.Code != tc.code || perr.HTTPStatus() != tc.status {
			t.Errorf("resolve(%q,%q,%q) = %v, want %s/%d", tc.app, tc.name, tc.domain, perr, tc.code, tc.status)
		}
	}
	loc, perr := f.sim.ResolveRecording(appAXB, name, domain)
	if perr != nil || !strings.HasPrefix(loc, RecordingPath+name+"?token=") {
		t.Fatalf("resolve: %q %v", loc, perr)
	}
	rr := get(t, h, loc)
	if rr.Code != 200 || rr.Header().Get("Content-Type") != "audio/wav" {
		t.Fatalf("download: %d %s", rr.Code, rr.Body)
	}
	checkWAV(t, rr.Body.Bytes(), 3)
	if rr := get(t, h, RecordingPath+name); rr.Code != 403 {
		t.Errorf("download without token: %d", rr.Code)
	}
	if rr := get(t, h, RecordingPath+name+"?token=bad"); rr.Code != 403 {
		t.Errorf("download with a bad token: %d", rr.Code)
	}
	// The URL is valid 3 days; the recording 7 days from the fee push.
	f.clk.Advance(DownloadURLValidity)
	if rr := get(t, h, loc); rr.Code != 403 {
		t.Errorf("download URL after 3 days: %d", rr.Code)
	}
	loc2, perr := f.sim.ResolveRecording(appAXB, name, domain)
	if perr != nil {
		t.Fatalf("resolve after 3 days: %v", perr)
	}
	f.clk.Advance(RecordingRetention - DownloadURLValidity)
	if _, perr := f.sim.ResolveRecording(appAXB, name, domain); perr == nil || perr.Code != pns.CodeRecordNotExist || perr.HTTPStatus() != 404 {
		t.Errorf("resolve after 7 days: %v", perr)
	}
	if rr := get(t, h, loc2); rr.Code == 200 {
		t.Errorf("download after 7 days: %d", rr.Code)
	}
	// No file under the path: the empty 404 of any unknown URI on the provisioning listener.
	for _, target := range []string{RecordingPath, RecordingPath + "a/b.wav?token=x"} {
		if rr := get(t, h, target); rr.Code != 404 || rr.Body.Len() != 0 {
			t.Errorf("GET %s: %d %q, want an empty 404", target, rr.Code, rr.Body)
		}
	}
}

func TestRecordingOnlyWhenAnsweredAndEnabled(t *testing.T) {
	f := newFixture(Options{Immediate: true})
	ctx := context.Background()
	res, _ := f.sim.Call(ctx, CallRequest{Caller: axbA3, Called: axbX3, Outcome: OutcomeNoAnswer})
	if res.Fee.RecordFlag != 0 || res.Fee.RecordObjectName != "" || res.Recording != "" {
		t.Errorf("unanswered call recorded: %+v", res.Fee)
	}
	res, _ = f.sim.Call(ctx, CallRequest{Caller: axbA, Called: axbX1})
	if res.Fee.RecordFlag != 0 {
		t.Errorf("binding without recordFlag recorded")
	}
	// App without the recording option: recordFlag of the binding has no effect.
	f.be.addBinding(Binding{Mode: pns.ModeAXE, SubscriptionID: "rec-axe", X: axeX, A: "+8613700000055", Extension: "0055", RecordFlag: true})
	res, _ = f.sim.Call(ctx, CallRequest{Caller: stranger, Called: axeX, Extension: "0055"})
	if res.StateCode != 0 || res.Fee.RecordFlag != 0 {
		t.Errorf("AXE app without recording: state %d recordFlag %d", res.StateCode, res.Fee.RecordFlag)
	}
}

func TestWAV(t *testing.T) {
	for _, s := range []int{0, 1, 3} {
		checkWAV(t, WAV(s), s)
	}
}

func TestSetStatus(t *testing.T) {
	f := newFixture(Options{})
	ctx := context.Background()
	ch, err := f.sim.SetStatus([]string{axbX1, axX1, axbX1}, StatusUnavailable, "2")
	if err != nil {
		t.Fatal(err)
	}
	if len(ch) != 2 || !ch[0].Changed || ch[0].URL != urlXStatus || ch[1].URL != urlStatus {
		t.Fatalf("changes %+v", ch)
	}
	st := f.push.ofKind(pns.NotifyNumStatus)
	if len(st) != 2 {
		t.Fatalf("%d status pushes", len(st))
	}
	var ni pns.NumInfo
	_ = json.Unmarshal(st[0].body, &ni)
	if ni != (pns.NumInfo{Number: axbX1, Status: "10", Cause: "2"}) || st[0].appKey != appAXB {
		t.Errorf("push %+v to %s", ni, st[0].appKey)
	}
	// Same status and cause again: no change, no push; another cause: pushed.
	ch, _ = f.sim.SetStatus([]string{axbX1}, StatusUnavailable, "2")
	if ch[0].Changed || len(f.push.ofKind(pns.NotifyNumStatus)) != 2 {
		t.Errorf("unchanged status pushed")
	}
	if ch, _ = f.sim.SetStatus([]string{axbX1}, StatusUnavailable, "3"); !ch[0].Changed || len(f.push.ofKind(pns.NotifyNumStatus)) != 3 {
		t.Errorf("cause change not pushed")
	}
	// Unavailable and paused X: calls fail with 8020; frozen and normal: calls work.
	for _, tc := range []struct {
		status string
		state  int
	}{{StatusPaused, CauseServiceError}, {StatusFrozen, 0}, {StatusNormal, 0}} {
		if _, err := f.sim.SetStatus([]string{axbX1}, tc.status, ""); err != nil {
			t.Fatal(err)
		}
		res, err := f.sim.Call(ctx, CallRequest{Caller: axbA, Called: axbX1})
		if err != nil || res.StateCode != tc.state {
			t.Errorf("status %s: call state %d (%v), want %d", tc.status, res.StateCode, err, tc.state)
		}
	}
	if res, _ := f.sim.Call(ctx, CallRequest{Caller: stranger, Called: axX1}); res.StateCode != CauseServiceError || res.Fee.Direction != 2 {
		t.Errorf("unavailable AX X: state %d direction %d", res.StateCode, res.Fee.Direction)
	}
	for _, tc := range []struct {
		name           string
		numbers        []string
		status, cause  string
		wantErrUnknown bool
	}{
		{"no numbers", nil, "9", "", false},
		{"no status", []string{axbX1}, "", "", false},
		{"bad status", []string{axbX1}, "7", "", false},
		{"cause with 9", []string{axbX1}, "9", "2", false},
		{"bad cause", []string{axbX1}, "10", "4", false},
		{"unknown", []string{axbX1, "+8617999999999"}, "9", "", true},
	} {
		_, err := f.sim.SetStatus(tc.numbers, tc.status, tc.cause)
		want := ErrInvalid
		if tc.wantErrUnknown {
			want = ErrUnknownNumber
		}
		if !errors.Is(err, want) {
			t.Errorf("%s: err %v, want %v", tc.name, err, want)
		}
	}
	// A failed validation changes nothing.
	if xi, _ := f.be.XInfo(axbX1); xi.Status != StatusNormal {
		t.Errorf("status changed by a rejected request: %s", xi.Status)
	}
}

func TestSMS(t *testing.T) {
	// forward answers vNumberRoute to axT, with the request's sender as message.calling (§10.3).
	forward := func(b []byte) ([]byte, error) {
		var n pns.SMSNotification
		if err := json.Unmarshal(b, &n); err != nil {
			return nil, err
		}
		return fmt.Appendf(nil, `{"actions":[{"operation":"vNumberRoute","message":{"called":%q,"calling":%q},"userData":"sms-ud"}]}`,
			axT, n.SMSEvent.Calling), nil
	}
	drop := func(b []byte) ([]byte, error) { return []byte(`{"actions":[{"operation":"DiscardMessage"}]}`), nil }
	invalid := func(b []byte) ([]byte, error) { return []byte(`{"actions":[{"operation":"vNumberRoute"}]}`), nil }
	otherSender := func(b []byte) ([]byte, error) {
		return []byte(`{"actions":[{"operation":"vNumberRoute","message":{"called":"` + axT + `","calling":"+8613900000777"}}]}`), nil
	}
	broken := func(b []byte) ([]byte, error) { return nil, errors.New("status 500") }
	cases := []struct {
		name      string
		setup     func(f *fixture)
		block     func([]byte) ([]byte, error)
		req       SMSRequest
		forwarded bool
		to, text  string
		result    int
		notify    bool
		blocked   bool
	}{
		{name: "AXB A→B", req: SMSRequest{From: axbA, To: axbX1, Content: "hello"}, forwarded: true, to: axbB, text: "hello", notify: true},
		{name: "AXB B→A", req: SMSRequest{From: axbB, To: axbX1, Content: "hi"}, forwarded: true, to: axbA, text: "hi", notify: true},
		{name: "AXB no binding", req: SMSRequest{From: stranger, To: axbX1, Content: "x"}, result: 2, notify: true},
		{name: "AXB privateSms false", req: SMSRequest{From: axbA4, To: axbX4, Content: "x"}, result: 10, notify: true},
		{name: "AX B→A", req: SMSRequest{From: stranger, To: axX1, Content: "hello"}, forwarded: true, to: axA1, text: "[From" + stranger + "]hello", notify: true},
		{name: "AX A@B", req: SMSRequest{From: axA1, To: axX1, Content: "see you@+8613500000001"}, forwarded: true, to: "+8613500000001", text: "see you", notify: true},
		{name: "AX block forward", block: forward, req: SMSRequest{From: axA1, To: axX1, Content: "no suffix"}, forwarded: true, to: axT, text: "no suffix", notify: true, blocked: true},
		{name: "AX block malformed suffix", block: forward, req: SMSRequest{From: axA1, To: axX1, Content: "x@12ab"}, forwarded: true, to: axT, text: "x@12ab", notify: true, blocked: true},
		{name: "AX block drop", block: drop, req: SMSRequest{From: axA1, To: axX1, Content: "no suffix"}, result: 10, blocked: true},
		{name: "AX block error", block: broken, req: SMSRequest{From: axA1, To: axX1, Content: "no suffix"}, result: 10, blocked: true},
		{name: "AX block forward without a temporary callee", block: forward, req: SMSRequest{From: axA2, To: axX2, Content: "no suffix"}, forwarded: true, to: axT, text: "no suffix", notify: true, blocked: true},
		{name: "AX block vNumberRoute without message", block: invalid, req: SMSRequest{From: axA1, To: axX1, Content: "no suffix"}, result: 10, blocked: true},
		{name: "AX block message.calling not the sender", block: otherSender, req: SMSRequest{From: axA1, To: axX1, Content: "no suffix"}, result: 10, blocked: true},
		{name: "AX no binding", req: SMSRequest{From: stranger, To: axX3, Content: "x"}, result: 2, notify: true},
		{name: "X without SMS", setup: func(f *fixture) {
			f.be.mu.Lock()
			xi := f.be.xs[axbX1]
			xi.NoSMS = true
			f.be.xs[axbX1] = xi
			f.be.mu.Unlock()
		}, req: SMSRequest{From: axbA, To: axbX1, Content: "x"}, result: 11, notify: true},
		{name: "paused X", setup: func(f *fixture) { _, _ = f.be.SetXStatus(axbX1, StatusPaused, "") },
			req: SMSRequest{From: axbA, To: axbX1, Content: "x"}, result: 3, notify: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(Options{})
			f.push.block = tc.block
			if tc.setup != nil {
				tc.setup(f)
			}
			res, err := f.sim.SMS(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Forwarded != tc.forwarded || res.ForwardTo != tc.to || res.ForwardText != tc.text || res.SendResult != tc.result {
				t.Fatalf("result %+v", res)
			}
			blocks := f.push.ofKind("block")
			if (len(blocks) == 1) != tc.blocked || (res.Block != nil) != tc.blocked {
				t.Fatalf("block pushes %d, result block %v", len(blocks), res.Block)
			}
			if tc.blocked {
				var n pns.SMSNotification
				_ = json.Unmarshal(blocks[0].body, &n)
				if blocks[0].url != urlSMSControl || n.SMSEvent.NotificationMode != SMSModeBlock || n.SMSEvent.Calling != tc.req.From || n.SMSEvent.VirtualNumber != tc.req.To {
					t.Errorf("block %s to %s", blocks[0].body, blocks[0].url)
				}
			}
			notes := f.push.ofKind(pns.NotifySMSNotify)
			if (len(notes) == 1) != tc.notify {
				t.Fatalf("%d notify pushes", len(notes))
			}
			if !tc.notify {
				return
			}
			var n pns.SMSNotification
			if err := json.Unmarshal(notes[0].body, &n); err != nil {
				t.Fatal(err)
			}
			ev := n.SMSEvent
			if notes[0].url != urlSMS || n.AppKey == "" || len(ev.SMSIdentifier) != 32 || ev.NotificationMode != SMSModeNotify ||
				ev.Event != pns.SMSEventText || ev.Calling != tc.req.From || ev.VirtualNumber != tc.req.To || ev.SMSContent != tc.req.Content ||
				ev.SendResult == nil || *ev.SendResult != tc.result {
				t.Errorf("notify %s", notes[0].body)
			}
			if want := map[bool]string{true: tc.to}[tc.forwarded]; ev.Called != want {
				t.Errorf("notify called %q, want %q (D90: only a known receiver)", ev.Called, want)
			}
			// D90: ISO 8601 UTC with milliseconds, no extInfo.
			if ts, err := time.Parse(pns.SMSTimeLayout, ev.TimeStamp); err != nil || ev.TimeStamp != pns.FormatSMSTime(ts) {
				t.Errorf("timeStamp %q: want %s", ev.TimeStamp, pns.SMSTimeLayout)
			}
			if bytes.Contains(notes[0].body, []byte("extInfo")) {
				t.Errorf("notify carries extInfo: %s", notes[0].body)
			}
		})
	}
	f := newFixture(Options{})
	for _, req := range []SMSRequest{
		{From: stranger, To: axeX, Content: "x"},
		{From: "abc", To: axbX1, Content: "x"},
		{From: axbA, To: axbX1},
		{From: axbA, To: "+8617999999999", Content: "x"},
	} {
		if _, err := f.sim.SMS(context.Background(), req); !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnknownNumber) {
			t.Errorf("SMS %+v: err %v", req, err)
		}
	}
}

func do(t *testing.T, h http.Handler, method, target, body string) (int, map[string]any) {
	t.Helper()
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, httptest.NewRequest(method, target, strings.NewReader(body)))
	var m map[string]any
	raw, _ := io.ReadAll(rr.Body)
	if len(bytes.TrimSpace(raw)) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s %s: bad JSON %q", method, target, raw)
		}
	}
	return rr.Code, m
}

func TestHandler(t *testing.T) {
	f := newFixture(Options{Immediate: true})
	h := f.sim.Handler()
	cases := []struct {
		name, method, target, body string
		status                     int
		errContains                string
	}{
		{"call", "POST", "/emulator/v1/calls", `{"caller":"` + axbA + `","called":"` + axbX1 + `","outcome":"busy"}`, 200, ""},
		{"call bad json", "POST", "/emulator/v1/calls", `{"caller":`, 400, "invalid JSON"},
		{"call unknown field", "POST", "/emulator/v1/calls", `{"caler":"x"}`, 400, "unknown field"},
		{"call trailing", "POST", "/emulator/v1/calls", `{"caller":"` + axbA + `","called":"` + axbX1 + `"} {}`, 400, "trailing"},
		{"call wrong type", "POST", "/emulator/v1/calls", `{"caller":"` + axbA + `","called":"` + axbX1 + `","ringSeconds":"5"}`, 400, "ringSeconds"},
		{"call bad outcome", "POST", "/emulator/v1/calls", `{"caller":"` + axbA + `","called":"` + axbX1 + `","outcome":"x"}`, 400, "outcome"},
		{"call unknown X", "POST", "/emulator/v1/calls", `{"caller":"` + axbA + `","called":"+8617999999999"}`, 400, "not an X number"},
		{"log no app", "GET", "/emulator/v1/calls", "", 400, "app"},
		{"log bad limit", "GET", "/emulator/v1/calls?app=" + appAXB + "&limit=x", "", 400, "limit"},
		{"status", "POST", "/emulator/v1/numbers/status", `{"numbers":["` + axX2 + `"],"status":"9"}`, 200, ""},
		{"status bad", "POST", "/emulator/v1/numbers/status", `{"numbers":["` + axX2 + `"],"status":"1"}`, 400, "status"},
		{"sms", "POST", "/emulator/v1/sms", `{"from":"` + axbA + `","to":"` + axbX1 + `","content":"hi"}`, 200, ""},
		{"sms AXE", "POST", "/emulator/v1/sms", `{"from":"` + axbA + `","to":"` + axeX + `","content":"hi"}`, 400, "AXE"},
		{"recordings are not admin routes", "GET", "/emulator/v1/recordings/x.wav", "", 404, ""},
		{"wrong method", "DELETE", "/emulator/v1/calls", "", 405, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, m := do(t, h, tc.method, tc.target, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d (%v)", status, tc.status, m)
			}
			if tc.errContains != "" && !strings.Contains(m["error"].(string), tc.errContains) {
				t.Errorf("error %q lacks %q", m["error"], tc.errContains)
			}
		})
	}
	status, m := do(t, h, "POST", "/emulator/v1/calls", `{"caller":"`+axbA+`","called":"`+axbX1+`"}`)
	if status != 200 || m["sessionId"] == "" || m["subscriptionId"] != subAXB1 || m["stateCode"].(float64) != 0 {
		t.Fatalf("call result %v", m)
	}
	sid := m["sessionId"].(string)
	if evs := m["events"].([]any); len(evs) != 5 {
		t.Errorf("%d events", len(evs))
	}
	status, m = do(t, h, "GET", "/emulator/v1/calls?app="+appAXB, "")
	if status != 200 || m["count"].(float64) != 2 {
		t.Fatalf("call log %v", m)
	}
	status, m = do(t, h, "GET", "/emulator/v1/calls?app="+appAXB+"&sessionId="+sid, "")
	calls := m["calls"].([]any)
	if status != 200 || len(calls) != 1 || calls[0].(map[string]any)["fee"].(map[string]any)["sessionId"] != sid {
		t.Fatalf("call log by sessionId %v", m)
	}
	if _, m = do(t, h, "GET", "/emulator/v1/calls?app=nobody", ""); m["count"].(float64) != 0 || m["calls"] == nil {
		t.Errorf("empty log %v", m)
	}
}

// TestConcurrentCalls exercises the simulator from many goroutines (run with -race).
func TestConcurrentCalls(t *testing.T) {
	f := newFixture(Options{})
	ctx := context.Background()
	done := make(chan struct{})
	for g := 0; g < 8; g++ {
		go func(g int) {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 50; i++ {
				switch i % 4 {
				case 0:
					_, _ = f.sim.Call(ctx, CallRequest{Caller: axbA, Called: axbX1})
				case 1:
					_, _ = f.sim.Call(ctx, CallRequest{Caller: stranger, Called: axeX, Extension: axeE1})
				case 2:
					_, _ = f.sim.SMS(ctx, SMSRequest{From: stranger, To: axX1, Content: "x"})
				default:
					_ = f.sim.CallLog(appAXB)
				}
			}
		}(g)
	}
	advanced := make(chan struct{})
	go func() {
		defer close(advanced)
		for i := 0; i < 20; i++ {
			f.clk.Advance(5 * time.Second)
		}
	}()
	for g := 0; g < 8; g++ {
		<-done
	}
	// Advance runs the timers it found due after releasing the clock: the advancing goroutine
	// may still be pushing a fee record when the last Advance below returns, so it must end
	// first.
	<-advanced
	f.clk.Advance(time.Hour)
	if n := len(f.sim.CallLog(appAXB)); n != 8*13 {
		t.Errorf("AXB log %d calls, want %d", n, 8*13)
	}
	if got := len(f.push.ofKind(pns.NotifyFee)); got != 8*(13+13) {
		t.Errorf("%d fee records, want %d", got, 8*26)
	}
}
