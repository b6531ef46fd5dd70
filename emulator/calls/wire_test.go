package calls

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/emulator/callbacks"
	"github.com/pns-harness/pns-harness/emulator/clock"
	"github.com/pns-harness/pns-harness/pns"
)

// receiver is a customer endpoint that records pushes and checks their signatures.
type receiver struct {
	t       *testing.T
	secrets map[string]string
	mu      sync.Mutex
	got     map[string][][]byte // path → bodies
	block   string              // answer to /smscontrol
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	tok, perr := pns.ParseRequestAuth(r.Header)
	if perr != nil || !tok.DigestMatches(rc.secrets[tok.Username]) {
		rc.t.Errorf("push to %s: bad signature (%v, user %q)", r.URL.Path, perr, tok.Username)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	rc.mu.Lock()
	rc.got[r.URL.Path] = append(rc.got[r.URL.Path], body)
	answer := rc.block
	rc.mu.Unlock()
	if r.URL.Path == "/smscontrol" {
		_, _ = io.WriteString(w, answer)
	}
}

func (rc *receiver) bodies(path string) [][]byte {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([][]byte(nil), rc.got[path]...)
}

type env struct {
	t    *testing.T
	clk  *clock.Virtual
	em   *emulator.Emulator
	d    *callbacks.Dispatcher
	sim  *Simulator
	srv  *httptest.Server
	rc   *receiver
	cli  map[string]*pns.Client
	wall *http.Client
}

const (
	eAXB, eAX, eAXE = "demo-axb", "demo-ax", "demo-axe"
)

// newEnv runs the real emulator, store and dispatcher with a receiver for every URL.
func newEnv(t *testing.T) *env {
	t.Helper()
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	rc := &receiver{t: t, secrets: map[string]string{}, got: map[string][][]byte{}}
	rsrv := httptest.NewServer(rc)
	t.Cleanup(rsrv.Close)
	for i := range cfg.Apps {
		a := &cfg.Apps[i]
		rc.secrets[a.AppKey] = a.AppSecret
		a.CallStatusURL, a.FeeURL, a.XStatusURL = rsrv.URL+"/status", rsrv.URL+"/fee", rsrv.URL+"/xstatus"
		a.SMSNotifyURL, a.SMSControlURL = rsrv.URL+"/sms", rsrv.URL+"/smscontrol"
		if a.Mode == pns.ModeAX {
			a.CallinURL = rsrv.URL + "/callin"
		}
	}
	clk := clock.NewVirtual(testScale)
	em, err := emulator.New(*cfg, emulator.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	d := callbacks.New(callbacks.Options{Clock: clk})
	t.Cleanup(func() { _ = d.Close() })
	sim := Register(em, d, Options{})
	srv := httptest.NewServer(em.Handler())
	t.Cleanup(srv.Close)
	e := &env{t: t, clk: clk, em: em, d: d, sim: sim, srv: srv, rc: rc, cli: map[string]*pns.Client{}, wall: srv.Client()}
	for _, a := range cfg.Apps {
		e.cli[a.AppKey] = &pns.Client{BaseURL: srv.URL, Signer: pns.Signer{AppKey: a.AppKey, AppSecret: a.AppSecret}}
	}
	return e
}

// settle advances the emulator clock and waits until the dispatcher has delivered everything.
func (e *env) settle(d time.Duration) {
	e.t.Helper()
	e.clk.Advance(d)
	e.d.Flush()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.d.Drain(ctx); err != nil {
		e.t.Fatalf("drain: %v", err)
	}
}

func (e *env) admin(method, path string, body any) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	resp, err := e.wall.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestEmulatorIntegration runs calls, recordings, status changes and SMS through the real
// emulator, store and push dispatcher to an httptest receiver.
func TestEmulatorIntegration(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const x, a, b = "+8617001100007", "+8613800100001", "+8613800100002"
	bind, r, err := e.cli[eAXB].AXBBind(ctx, pns.AXBBindRequest{CallerNum: a, CalleeNum: b, RelationNum: x, RecordFlag: "true", UserData: "ud1"})
	if err != nil || !r.OK() {
		t.Fatalf("bind: %v %s", err, r.Body)
	}

	// B1 through the admin interface.
	status, body := e.admin("POST", "/emulator/v1/calls", CallRequest{Caller: a, Called: x, RingSeconds: 3, TalkSeconds: 20})
	var res CallResult
	if status != 200 || json.Unmarshal(body, &res) != nil {
		t.Fatalf("call: %d %s", status, body)
	}
	if res.SubscriptionID != bind.SubscriptionID || res.StateCode != 0 || res.Route.Target != b || res.Fee.ServiceType != "004" {
		t.Fatalf("call result %s", body)
	}
	e.settle(time.Minute)
	evs := e.rc.bodies("/status")
	if len(evs) != 5 {
		t.Fatalf("%d events delivered", len(evs))
	}
	types := map[string]bool{}
	for _, raw := range evs {
		var ev pns.Event
		if err := json.Unmarshal(raw, &ev); err != nil || ev.StatusInfo.SessionID != res.SessionID || ev.StatusInfo.UserData != "ud1" {
			t.Errorf("event %s", raw)
		}
		types[ev.EventType] = true
	}
	if len(types) != 5 {
		t.Errorf("event types %v", types)
	}
	fees := e.rc.bodies("/fee")
	var fm pns.FeeMessage
	if len(fees) != 1 || json.Unmarshal(fees[0], &fm) != nil || fm.EventType != "fee" || len(fm.FeeLst) != 1 {
		t.Fatalf("fee messages %q", fees)
	}
	fee := fm.FeeLst[0]
	if fee.SessionID != res.SessionID || fee.RecordFlag != 1 || fee.MptyID != bind.SubscriptionID || fee.Direction != 1 || fee.HostName != e.em.Config().HostName {
		t.Errorf("fee %+v", fee)
	}

	// Recording: 301 to a WAV, then 1012007 after 7 days.
	rr, err := e.cli[eAXB].RecordingURL(ctx, pns.RecordParams{FileName: fee.RecordObjectName, RecordDomain: fee.RecordDomain})
	if err != nil || rr.Status != http.StatusMovedPermanently || rr.Header.Get("Location") == "" {
		t.Fatalf("recording URL: %v %d %s", err, rr.Status, rr.Body)
	}
	loc := rr.Header.Get("Location")
	if want := e.srv.URL + RecordingPath; !strings.HasPrefix(loc, want) {
		t.Fatalf("Location %q: want it on the host the client used, %s…", loc, want)
	}
	status, wav := e.admin("GET", strings.TrimPrefix(loc, e.srv.URL), nil)
	if status != 200 {
		t.Fatalf("download: %d %s", status, wav)
	}
	checkWAV(t, wav, 3)
	if rr, _ := e.cli[eAX].RecordingURL(ctx, pns.RecordParams{FileName: fee.RecordObjectName, RecordDomain: fee.RecordDomain}); rr.Code() != pns.CodeRecordNotExist {
		t.Errorf("another app's recording: %d %s", rr.Status, rr.Body)
	}
	e.clk.Advance(RecordingRetention)
	rr, _ = e.cli[eAXB].RecordingURL(ctx, pns.RecordParams{FileName: fee.RecordObjectName, RecordDomain: fee.RecordDomain})
	if rr.Status != 404 || rr.Code() != pns.CodeRecordNotExist {
		t.Errorf("recording after 7 days: %d %s", rr.Status, rr.Body)
	}

	// X status: unavailable → numStatus push, binds refused, calls 8020.
	status, body = e.admin("POST", "/emulator/v1/numbers/status", StatusRequest{Numbers: []string{x, "+8617001100008"}, Status: "10", Cause: "2"})
	if status != 200 {
		t.Fatalf("status: %d %s", status, body)
	}
	e.settle(5 * time.Second)
	st := e.rc.bodies("/xstatus")
	var sm pns.StatusMessage
	if len(st) != 1 || json.Unmarshal(st[0], &sm) != nil || sm.EventType != "numStatus" || len(sm.NumInfo) != 2 || sm.NumInfo[0] != (pns.NumInfo{Number: x, Status: "10", Cause: "2"}) {
		t.Fatalf("numStatus pushes %q", st)
	}
	if _, r, _ := e.cli[eAXB].AXBBind(ctx, pns.AXBBindRequest{CallerNum: "+8613800100003", CalleeNum: "+8613800100004", RelationNum: x}); r.Code() != pns.CodeNoResource {
		t.Errorf("bind on an unavailable X: %s", r.Body)
	}
	if res, err := e.sim.Call(ctx, CallRequest{Caller: a, Called: x}); err != nil || res.StateCode != CauseServiceError {
		t.Errorf("call through an unavailable X: %d %v", res.StateCode, err)
	}

	// AXE: E1 then E3 through the store's callback record.
	const ex, ea, caller = "+8617003100001", "+8613800100011", "+8613800100099"
	axe, r, err := e.cli[eAXE].AXEBind(ctx, pns.AXEBindRequest{VirtualNum: ex, BindNum: ea, CallbackExpiredTime: pns.Int(1), TimeUnit: "0"})
	if err != nil || !r.OK() {
		t.Fatalf("AXE bind: %v %s", err, r.Body)
	}
	if res, _ := e.sim.Call(ctx, CallRequest{Caller: caller, Called: ex, Extension: axe.ExtendNum}); res.StateCode != 0 || res.Route.Target != ea || res.Fee.ExtendNum != axe.ExtendNum {
		t.Errorf("E1: %+v", res)
	}
	e.settle(10 * time.Second)
	if res, _ := e.sim.Call(ctx, CallRequest{Caller: ea, Called: ex}); res.StateCode != 0 || res.Route.Target != caller {
		t.Errorf("E3: %+v", res)
	}
	e.settle(time.Hour)
	if res, _ := e.sim.Call(ctx, CallRequest{Caller: ea, Called: ex}); res.StateCode != CauseNoCallback {
		t.Errorf("E5 after callbackExpiredTime: %+v", res)
	}

	// AX SMS: Block answered with vNumberRoute forwards to the reply's message.called.
	const axx, axa, tcallee = "+8617002100001", "+8613800100021", "+8613800100029"
	if _, r, err := e.cli[eAX].AXBind(ctx, pns.AXBindRequest{OrigNum: axa, PrivateNum: axx}); err != nil || !r.OK() {
		t.Fatalf("AX bind: %v %s", err, r.Body)
	}
	if r, err := e.cli[eAX].AXSetCallee(ctx, pns.AXCalleeRequest{PrivateNum: axx, CalleeNum: tcallee, Duration: pns.Int(600)}); err != nil || !r.OK() {
		t.Fatalf("temp callee: %v %s", err, r.Body)
	}
	e.rc.mu.Lock()
	e.rc.block = `{"actions":[{"operation":"vNumberRoute","message":{"called":"` + tcallee + `","calling":"` + axa + `"}}]}`
	e.rc.mu.Unlock()
	status, body = e.admin("POST", "/emulator/v1/sms", SMSRequest{From: axa, To: axx, Content: "no suffix"})
	var sr SMSResult
	if status != 200 || json.Unmarshal(body, &sr) != nil || !sr.Forwarded || sr.ForwardTo != tcallee {
		t.Fatalf("SMS: %d %s", status, body)
	}
	e.settle(time.Second)
	if n := len(e.rc.bodies("/smscontrol")); n != 1 {
		t.Errorf("%d Block requests", n)
	}
	notes := e.rc.bodies("/sms")
	if len(notes) != 1 || !strings.Contains(string(notes[0]), `"notificationMode":"Notify"`) {
		t.Errorf("notify %q", notes)
	}
	// X2 with callin to the callinUrl.
	if res, _ := e.sim.Call(ctx, CallRequest{Caller: axa, Called: axx}); res.StateCode != 0 || res.Route.Target != tcallee {
		t.Errorf("X2: %+v", res)
	}
	e.settle(time.Minute)
	if n := len(e.rc.bodies("/callin")); n != 1 {
		t.Errorf("%d callin events at callinUrl", n)
	}

	// The call log is readable and reset clears it.
	status, body = e.admin("GET", "/emulator/v1/calls?app="+eAXB, nil)
	if status != 200 || !strings.Contains(string(body), res.SessionID) {
		t.Errorf("call log: %d", status)
	}
	e.em.Reset()
	if n := len(e.sim.CallLog(eAXB)); n != 0 {
		t.Errorf("%d calls after reset", n)
	}
	if s := e.sim.Stats(); s.PushErrors != 0 {
		t.Errorf("push errors: %+v", s)
	}
}
