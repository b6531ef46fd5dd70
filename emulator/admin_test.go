package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAdminEndpoints(t *testing.T) {
	te := newTestEmu(t, nil)
	get := func(path string) result { return te.raw("GET", "/emulator/v1/"+path, nil, "") }
	post := func(path, body string) result { return te.raw("POST", "/emulator/v1/"+path, nil, body) }

	if r := get("health"); r.Status != 200 || r.JSON["status"] != "ok" {
		t.Fatalf("health %d %s", r.Status, r.Body)
	}
	r := te.call(axbKey, "POST", pathAXB, `{"callerNum":"+8613800100001","calleeNum":"+8613800100002","duration":60}`).mustOK(t)
	sid := r.str("subscriptionId")
	dump := get("bindings?app=demo-axb")
	if dump.Status != 200 || !strings.Contains(string(dump.Body), sid) || !strings.Contains(string(dump.Body), `"expiresAt"`) {
		t.Fatalf("dump %s", dump.Body)
	}
	if get("bindings?app=nobody").Status != 400 {
		t.Error("dump of unknown app accepted")
	}
	if r := get("invariants"); r.Status != 200 || string(r.Body) != "{\n  \"violations\": []\n}\n" {
		t.Fatalf("invariants %s", r.Body)
	}

	before := te.e.Clock().Now()
	adv := post("clock/advance", `{"seconds":60}`)
	if adv.Status != 200 || te.e.Clock().Now().Sub(before) < 60*time.Second {
		t.Fatalf("advance %d %s", adv.Status, adv.Body)
	}
	// duration 60 s elapsed: the binding expired.
	te.call(axbKey, "GET", pathAXB+"?subscriptionId="+sid, "").expect(t, 403, "1012007", "")
	for _, bad := range []string{`{}`, `{"seconds":-1}`, `{"seconds":"1"}`, `{"secs":1}`, `x`} {
		if r := post("clock/advance", bad); r.Status != 400 || r.JSON["error"] == nil {
			t.Errorf("advance %s: %d %s", bad, r.Status, r.Body)
		}
	}
	if r := post("clock/scale", `{"scale":10}`); r.Status != 200 || te.e.Clock().Scale() != 10 {
		t.Fatalf("scale %d %s", r.Status, r.Body)
	}
	for _, bad := range []string{`{"scale":0}`, `{"scale":-2}`, `{}`} {
		if r := post("clock/scale", bad); r.Status != 400 {
			t.Errorf("scale %s accepted", bad)
		}
	}
	if r := get("clock"); r.Status != 200 || num(r.JSON["scale"]) != 10 {
		t.Errorf("clock %s", r.Body)
	}

	te.call(axbKey, "POST", pathAXB, validAXBBody).mustOK(t)
	if r := post("reset", ``); r.Status != 200 {
		t.Fatalf("reset %d", r.Status)
	}
	if d := get("bindings"); strings.Contains(string(d.Body), "+8613800100001") {
		t.Fatalf("bindings after reset: %s", d.Body)
	}
	hooked := false
	te.e.OnReset(func() { hooked = true })
	post("reset", ``)
	if !hooked {
		t.Error("OnReset hook not run")
	}

	cfg := get("config")
	if cfg.Status != 200 || strings.Contains(string(cfg.Body), "demo-axb-secret") || !strings.Contains(string(cfg.Body), `"appSecret": "***"`) ||
		!strings.Contains(string(cfg.Body), `"authSkewSeconds": 300`) {
		t.Fatalf("config %s", cfg.Body)
	}
	// Wrong method on an admin route.
	if r := te.raw("DELETE", "/emulator/v1/health", nil, ""); r.Status != 405 {
		t.Errorf("DELETE health: %d", r.Status)
	}
	if r := te.raw("GET", "/emulator/v1/nothing", nil, ""); r.Status != 404 {
		t.Errorf("unknown admin path: %d", r.Status)
	}
}

func TestAdminFaults(t *testing.T) {
	te := newTestEmu(t, nil)
	set := func(body string) result { return te.raw("POST", "/emulator/v1/faults", nil, body) }
	for _, bad := range []string{
		`{"faults":[{"interface":"nope"}]}`,
		`{"faults":[{"interface":"*","errorRate":2}]}`,
		`{"faults":[{"interface":"*","closeRate":-1}]}`,
		`{"faults":[{"interface":"*","resultcode":"42"}]}`,
		`{"faults":[{"interface":"*","resultcode":"0"}]}`,
		`{"faults":[{"interface":"*"},{"interface":"*"}]}`,
		`{"faults":[{"interface":"*","latencyMs":-5}]}`,
	} {
		if r := set(bad); r.Status != 400 {
			t.Errorf("%s accepted: %s", bad, r.Body)
		}
	}
	// Deterministic: the same seed gives the same sequence.
	seq := func(seed int) string {
		if r := set(fmt.Sprintf(`{"seed":%d,"faults":[{"interface":"axb.query","errorRate":0.5,"resultcode":"1023002"}]}`, seed)); r.Status != 200 {
			t.Fatalf("set faults: %s", r.Body)
		}
		var b strings.Builder
		for i := 0; i < 40; i++ {
			r := te.call(axbKey, "GET", pathAXB+"?subscriptionId=x", "")
			switch r.Code {
			case "1023002":
				if r.Status != 500 || r.Desc != "Response timeout." {
					t.Fatalf("injected %d %s", r.Status, r.Body)
				}
				b.WriteByte('E')
			case "1012007":
				b.WriteByte('.')
			default:
				t.Fatalf("unexpected %s", r.Body)
			}
		}
		return b.String()
	}
	s1, s2, s3 := seq(7), seq(7), seq(8)
	if s1 != s2 || s1 == s3 || !strings.Contains(s1, "E") || !strings.Contains(s1, ".") {
		t.Fatalf("sequences %s %s %s", s1, s2, s3)
	}
	// Other interfaces are untouched without a "*" spec.
	te.call(axbKey, "POST", pathAXB, validAXBBody).mustOK(t)
	if g := te.raw("GET", "/emulator/v1/faults", nil, ""); !strings.Contains(string(g.Body), `"axb.query"`) {
		t.Errorf("GET faults %s", g.Body)
	}
	// Connection close.
	set(`{"faults":[{"interface":"*","closeRate":1}]}`)
	req, _ := http.NewRequest("GET", te.srv.URL+pathAXB+"?subscriptionId=x", nil)
	req.Header = te.authHeaders(axbKey)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		t.Fatalf("connection not closed: %d", resp.StatusCode)
	}
	if got := metricValue(te.e.metrics.faults); got < 2 {
		t.Errorf("faults metric %v", got)
	}
	te.raw("DELETE", "/emulator/v1/faults", nil, "")
	te.call(axbKey, "GET", pathAXB+"?subscriptionId=x", "").expect(t, 403, "1012007", "")
}

func TestMetricsEndpoint(t *testing.T) {
	te := newTestEmu(t, nil)
	te.call(axbKey, "POST", pathAXB, validAXBBody).mustOK(t)
	te.call(axbKey, "POST", pathAXB, `{}`)
	h := te.authHeaders(axbKey)
	h.Del("X-AKSK")
	te.raw("POST", pathAXB, h, validAXBBody)
	resp, err := http.Get(te.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`pns_emulator_requests_total{interface="axb.bind",resultcode="0"} 1`,
		`pns_emulator_requests_total{interface="axb.bind",resultcode="1010002"} 1`,
		`pns_emulator_requests_total{interface="axb.bind",resultcode="1023033"} 1`,
		`pns_emulator_auth_failures_total{resultcode="1023033"} 1`,
		`pns_emulator_request_duration_seconds_bucket{interface="axb.bind"`,
		`pns_emulator_lockouts_total 0`,
		`pns_emulator_local_time_as_utc_total 0`,
		`pns_emulator_panics_total 0`,
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestObserver(t *testing.T) {
	var mu sync.Mutex
	var logs []RequestLog
	te := newTestEmu(t, nil, WithObserver(func(l RequestLog) { mu.Lock(); logs = append(logs, l); mu.Unlock() }))
	te.call(axKey, "POST", pathAXB, validAXBBody)
	mu.Lock()
	defer mu.Unlock()
	if len(logs) != 1 || logs[0].Interface != "axb.bind" || logs[0].AppKey != axKey || logs[0].ResultCode != "1010040" || logs[0].Status != 403 {
		t.Fatalf("logs %+v", logs)
	}
	b, _ := json.Marshal(logs[0])
	if strings.Contains(string(b), "secret") {
		t.Fatal("secret in request log")
	}
}

func TestCloseHooks(t *testing.T) {
	cfg, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	var order []int
	e.OnClose(func() { order = append(order, 1) })
	e.OnClose(func() { order = append(order, 2) })
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if len(order) != 2 || order[0] != 2 || order[1] != 1 {
		t.Fatalf("hooks ran %v", order)
	}
}

func TestFaultLatencyCounted(t *testing.T) {
	te := newTestEmu(t, nil)
	if r := te.raw("POST", "/emulator/v1/faults", nil, `{"faults":[{"interface":"axb.unbind","latencyMs":1}]}`); r.Status != 200 {
		t.Fatal(string(r.Body))
	}
	te.call(axbKey, "DELETE", pathAXB+"?subscriptionId=x", "").expect(t, 403, "1012007", "")
	if got := metricValue(te.e.metrics.faults); got != 1 {
		t.Fatalf("latency faults %v", got)
	}
}
