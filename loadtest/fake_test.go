package loadtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// fakePNS is a minimal PNS for the load tests: it authenticates, binds and unbinds in all
// three modes and tracks live bindings, with an optional service delay.
type fakePNS struct {
	mu      sync.Mutex
	live    map[string]string  // subscriptionId → X
	recs    map[string]fakeRec // subscriptionId → numbers
	onX     map[string]int
	seq     int
	delay   atomic.Int64
	binds   atomic.Int64
	unbinds atomic.Int64
	badAuth atomic.Int64
	secret  map[string]string
	// dropBindEvery > 0 binds every n-th bind and then drops the connection without an
	// answer; failUnbindEvery > 0 answers every n-th unbind with 1010001 without unbinding.
	dropBindEvery   int64
	failUnbindEvery int64
	nBind, nUnbind  atomic.Int64
	// callbackURL, when set, enables POST /emulator/v1/calls: each call to a bound X is
	// answered with a sessionId and its events and fee record are pushed there.
	callbackURL string
	calls       atomic.Int64
}

// serveCalls is a minimal /emulator/v1/calls: route by X (and extension), answer a sessionId,
// then push callin, answer, disconnect and a fee record, signed for the app of the X.
func (f *fakePNS) serveCalls(w http.ResponseWriter, r *http.Request) {
	if f.callbackURL == "" || r.URL.Path != "/emulator/v1/calls" {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if r.Method == http.MethodGet {
		writeJSON(w, 200, map[string]any{"calls": []any{}})
		return
	}
	var req struct{ Caller, Called, Extension string }
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	subs := f.find(func(rec fakeRec) bool {
		return rec.x == req.Called && (req.Extension == "" || rec.ext == req.Extension)
	})
	if len(subs) == 0 {
		writeJSON(w, 400, map[string]string{"error": "no binding"})
		return
	}
	n := f.calls.Add(1)
	session := fmt.Sprintf("session-%d", n)
	writeJSON(w, 200, map[string]any{"sessionId": session, "subscriptionId": subs[0]})
	go func() {
		time.Sleep(5 * time.Millisecond)
		signer := pns.Signer{AppKey: "demo-axb", AppSecret: "demo-axb-secret"}
		push := func(body any) {
			b, _ := json.Marshal(body)
			req, _ := http.NewRequest(http.MethodPost, f.callbackURL, bytes.NewReader(b))
			req.Header.Set("Content-Type", pns.ContentTypeJSON)
			signer.Sign(req.Header)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}
		ts := pns.FormatUTC(time.Now())
		for _, ev := range []string{"callin", "answer", "disconnect"} {
			push(map[string]any{"eventType": ev, "statusInfo": map[string]any{"timestamp": ts, "sessionId": session, "subscriptionId": subs[0]}})
		}
		push(map[string]any{"eventType": "fee", "feeLst": []map[string]any{{"sessionId": session, "subscriptionId": subs[0], "callEndTime": ts}}})
	}()
}

type fakeRec struct{ x, a, ext string }

func (f *fakePNS) find(match func(fakeRec) bool) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for sub, r := range f.recs {
		if match(r) {
			out = append(out, sub)
		}
	}
	return out
}

func (f *fakePNS) remove(sub string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	x, ok := f.live[sub]
	if ok {
		delete(f.live, sub)
		delete(f.recs, sub)
		f.onX[x]--
	}
	return ok
}

func newFake(t *testing.T) (*fakePNS, *httptest.Server) {
	f := &fakePNS{live: map[string]string{}, recs: map[string]fakeRec{}, onX: map[string]int{},
		secret: map[string]string{"demo-axb": "demo-axb-secret", "demo-ax": "demo-ax-secret", "demo-axe": "demo-axe-secret"}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakePNS) liveCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.live)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakePNS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/emulator/") {
		f.serveCalls(w, r)
		return
	}
	if d := f.delay.Load(); d > 0 {
		time.Sleep(time.Duration(d))
	}
	tok, perr := pns.ParseRequestAuth(r.Header)
	if perr == nil {
		if _, err := tok.Verify(f.secret[tok.Username], pns.VerifyOptions{Now: time.Now(), Skew: 300 * time.Second}); err != nil {
			perr = err
		}
	}
	if perr != nil {
		f.badAuth.Add(1)
		writeJSON(w, perr.HTTPStatus(), pns.Envelope{ResultCode: string(perr.Code), ResultDesc: perr.Desc})
		return
	}
	iface, ok, _ := pns.Route(r.Method, r.URL.Path)
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	switch iface.ID {
	case pns.IfaceAXBBind, pns.IfaceAXBind, pns.IfaceAXEBind:
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeJSON(w, 403, pns.Envelope{ResultCode: "1010002", ResultDesc: "Invalid request. body"})
			return
		}
		x, _ := body["relationNum"].(string)
		if x == "" {
			x, _ = body["privateNum"].(string)
		}
		if x == "" {
			x, _ = body["virtualNum"].(string)
		}
		if x == "" {
			x = "+8617000000000"
		}
		f.mu.Lock()
		if iface.Mode == pns.ModeAX && f.onX[x] > 0 {
			f.mu.Unlock()
			writeJSON(w, 403, pns.Envelope{ResultCode: "1011005", ResultDesc: "Resources have been allocated."})
			return
		}
		f.seq++
		sub := fmt.Sprintf("sub-%d", f.seq)
		a, _ := body["callerNum"].(string)
		if a == "" {
			a, _ = body["origNum"].(string)
		}
		if a == "" {
			a, _ = body["bindNum"].(string)
		}
		ext, _ := body["extendNum"].(string)
		f.live[sub] = x
		f.recs[sub] = fakeRec{x: x, a: a, ext: ext}
		f.onX[x]++
		f.mu.Unlock()
		f.binds.Add(1)
		if n := f.nBind.Add(1); f.dropBindEvery > 0 && n%f.dropBindEvery == 0 {
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					_ = c.Close()
					return
				}
			}
		}
		resp := map[string]any{"resultcode": "0", "resultdesc": "Success", "subscriptionId": sub}
		switch iface.Mode {
		case pns.ModeAXB:
			resp["relationNum"] = x
		case pns.ModeAX:
			resp["privateNum"], resp["origNum"] = x, body["origNum"]
		case pns.ModeAXE:
			resp["virtualNum"], resp["bindNum"] = x, body["bindNum"]
			ext, _ := body["extendNum"].(string)
			if ext == "" {
				ext = "0001"
			}
			resp["extendNum"] = ext
		}
		writeJSON(w, 200, resp)
	case pns.IfaceAXBUnbind, pns.IfaceAXUnbind, pns.IfaceAXEUnbind:
		if n := f.nUnbind.Add(1); f.failUnbindEvery > 0 && n%f.failUnbindEvery == 0 {
			writeJSON(w, 500, pns.Envelope{ResultCode: "1010001", ResultDesc: "Internal system error."})
			return
		}
		q := r.URL.Query()
		subs := []string{q.Get("subscriptionId")}
		if subs[0] == "" {
			switch {
			case q.Get("origNum") != "":
				subs = f.find(func(r fakeRec) bool { return r.a == q.Get("origNum") && r.x == q.Get("privateNum") })
			case q.Get("extendNum") != "":
				subs = f.find(func(r fakeRec) bool { return r.x == q.Get("virtualNum") && r.ext == q.Get("extendNum") })
			}
		}
		ok := false
		for _, sub := range subs {
			if f.remove(sub) {
				ok = true
			}
		}
		if !ok {
			code := "1012007"
			if iface.Mode == pns.ModeAX {
				code = "1016001"
			}
			writeJSON(w, 403, pns.Envelope{ResultCode: code, ResultDesc: "The record does not exist."})
			return
		}
		f.unbinds.Add(1)
		writeJSON(w, 200, pns.Envelope{ResultCode: "0", ResultDesc: "Success"})
	case pns.IfaceAXBQuery, pns.IfaceAXQuery, pns.IfaceAXEQuery:
		q := r.URL.Query()
		var subs []string
		if sub := q.Get("subscriptionId"); sub != "" {
			subs = f.find(func(fakeRec) bool { return true })
			subs = slices.DeleteFunc(subs, func(s string) bool { return s != sub })
		} else {
			subs = f.find(func(r fakeRec) bool {
				return (q.Get("relationNum") == "" || r.x == q.Get("relationNum")) && r.a == q.Get("callerNum")+q.Get("origNum")
			})
		}
		if len(subs) == 0 {
			code := "1012007"
			if iface.Mode == pns.ModeAX {
				code = "1016001"
			}
			writeJSON(w, 403, pns.Envelope{ResultCode: code, ResultDesc: "The record does not exist."})
			return
		}
		// Each element names its numbers, as the contract's relationNumList and
		// privateNumList elements always do: cleanup matches a lost AX bind by its X.
		var list []map[string]any
		f.mu.Lock()
		for _, s := range subs {
			rec := f.recs[s]
			list = append(list, map[string]any{"subscriptionId": s, "relationNum": rec.x, "callerNum": rec.a, "privateNum": rec.x, "origNum": rec.a})
		}
		f.mu.Unlock()
		writeJSON(w, 200, map[string]any{"resultcode": "0", "resultdesc": "Success", "totalCount": len(list), "pageIndex": 1, "pageSize": 50,
			"relationNumList": list, "privateNumList": list})
	default:
		writeJSON(w, 403, pns.Envelope{ResultCode: "1010002", ResultDesc: "Invalid request."})
	}
}

// fakeProfile is the default profile with explicit X numbers.
func fakeProfile() *Profile {
	p := DefaultProfile()
	p.Apps["AXB"].XRanges = []XRange{{From: "+8617001100000", Count: 100}}
	p.Apps["AX"].XRanges = []XRange{{From: "+8617002100000", Count: 400}}
	p.Apps["AXE"].XRanges = []XRange{{From: "+8617003100000", Count: 100}}
	return p
}
