package emulator

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"
)

// Lifecycle tests written from the reference only: headers are built by hand in helpers_test.go
// (akskDigest from §2.1), bodies and expectations come from the §3-§5 tables.

var (
	reUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	reTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)
)

func list(t *testing.T, r result, key string) []map[string]any {
	t.Helper()
	raw, ok := r.JSON[key].([]any)
	if !ok {
		t.Fatalf("%s missing: %s", key, r.Body)
	}
	out := make([]map[string]any, 0, len(raw))
	for _, e := range raw {
		out = append(out, e.(map[string]any))
	}
	return out
}

func num(v any) int64 {
	n, _ := v.(json.Number).Int64()
	return n
}

func TestClientAXBLifecycle(t *testing.T) {
	te := newTestEmu(t, nil)
	r := te.call(axbKey, "POST", pathAXB, `{"callerNum":"+8613800100001","calleeNum":"+8613800100002","callDirection":1,"duration":86400,"maxDuration":60,"recordFlag":true,"recordHintTone":"rec.wav","userData":"order-1"}`).mustOK(t)
	sid, x := r.str("subscriptionId"), r.str("relationNum")
	if !reUUID.MatchString(sid) {
		t.Errorf("subscriptionId %q is not a lower-case UUIDv4", sid)
	}
	// No area code: the A number's prefix maps to 010 (Beijing) in the default config.
	if x[:9] != "+86170011" {
		t.Errorf("relationNum %s not a Beijing X of demo-axb", x)
	}
	for k, want := range map[string]int64{"callDirection": 1, "duration": 86400, "maxDuration": 60} {
		if _, isNum := r.JSON[k].(json.Number); !isNum || num(r.JSON[k]) != want {
			t.Errorf("%s = %v, want JSON integer %d", k, r.JSON[k], want)
		}
	}
	if _, echoed := r.JSON["callerNum"]; echoed {
		t.Error("bind echoes callerNum")
	}
	q := te.call(axbKey, "GET", pathAXB+"?subscriptionId="+sid, "").mustOK(t)
	b := list(t, q, "relationNumList")
	if len(b) != 1 || num(q.JSON["totalCount"]) != 1 || num(q.JSON["pageIndex"]) != 1 || num(q.JSON["pageSize"]) != 50 {
		t.Fatalf("query: %s", q.Body)
	}
	if b[0]["recordFlag"] != "true" || b[0]["privateSms"] != "true" || b[0]["userData"] != "order-1" || b[0]["recordHintTone"] != "rec.wav" ||
		!reTime.MatchString(b[0]["subscribeTime"].(string)) || b[0]["callerNum"] != "+8613800100001" {
		t.Errorf("binding %v", b[0])
	}
	te.e.Clock().Advance(time.Minute)
	te.call(axbKey, "PUT", pathAXB, `{"subscriptionId":"`+sid+`","calleeNum":"+8613800100003","recordFlag":"false","privateSms":false}`).mustOK(t)
	q = te.call(axbKey, "GET", pathAXB+"?relationNum="+urlNum(x)+"&callerNum=%2B8613800100001", "").mustOK(t)
	b2 := list(t, q, "relationNumList")
	if len(b2) != 1 || b2[0]["calleeNum"] != "+8613800100003" || b2[0]["recordFlag"] != "false" || b2[0]["privateSms"] != "false" ||
		b2[0]["subscribeTime"] == b[0]["subscribeTime"] {
		t.Errorf("after modify %v", b2)
	}
	// X reuse rule (§13.1): A on the same X with another B is refused.
	te.call(axbKey, "POST", pathAXB, `{"callerNum":"+8613800100001","calleeNum":"+8613800100009","relationNum":"`+x+`"}`).expect(t, 403, "1012010", "The relation number has been bound.")
	te.call(axbKey, "DELETE", pathAXB+"?subscriptionId="+sid, "").mustOK(t)
	te.call(axbKey, "GET", pathAXB+"?subscriptionId="+sid, "").expect(t, 403, "1012007", "The record does not exist.")
	te.call(axbKey, "DELETE", pathAXB+"?subscriptionId="+sid, "").expect(t, 403, "1012007", "")
}

func urlNum(n string) string { return "%2B" + n[1:] }

func TestClientAXLifecycle(t *testing.T) {
	te := newTestEmu(t, nil)
	r := te.call(axKey, "POST", pathAX, `{"origNum":"+8613800200001","areaCode":"021","preVoice":{"callerHintTone":"a.wav"}}`).mustOK(t)
	sid, x := r.str("subscriptionId"), r.str("privateNum")
	if r.str("origNum") != "+8613800200001" || x[:9] != "+86170022" {
		t.Fatalf("bind: %s", r.Body)
	}
	q := te.call(axKey, "GET", pathAX+"?origNum=%2B8613800200001", "").mustOK(t)
	l := list(t, q, "privateNumList")
	if len(l) != 1 || l[0]["privateNumType"] != "mobile-virtual" || l[0]["turnFlag"] != "on" || l[0]["calleeNumDisplay"] != "0" {
		t.Fatalf("query: %s", q.Body)
	}
	if _, has := l[0]["callDirection"]; has {
		t.Error("callDirection shown although never set")
	}
	if pv, _ := l[0]["preVoice"].(map[string]any); pv["callerHintTone"] != "a.wav" {
		t.Errorf("preVoice %v", l[0]["preVoice"])
	}
	te.call(axKey, "PUT", pathAX, `{"privateNum":"`+x+`","turnFlag":"off","callDirection":2}`).mustOK(t)
	te.call(axKey, "PUT", pathCallee, `{"subscriptionId":"`+sid+`","calleeNum":"+8613800200009","duration":120}`).mustOK(t)
	te.call(axKey, "PUT", pathCallee, `{"privateNum":"`+x+`","calleeNum":"+8613800200001"}`).expect(t, 403, "1010002", "Invalid request. calleeNum")
	q = te.call(axKey, "GET", pathAX+"?subscriptionId="+sid, "").mustOK(t)
	l = list(t, q, "privateNumList")
	if l[0]["turnFlag"] != "off" || num(l[0]["callDirection"]) != 2 {
		t.Errorf("after modify %v", l[0])
	}
	te.call(axKey, "DELETE", pathAX+"?origNum=%2B8613800200001&privateNum="+urlNum(x), "").mustOK(t)
	te.call(axKey, "GET", pathAX+"?privateNum="+urlNum(x), "").expect(t, 403, "1016001", "The record does not exist")
}

func TestClientAXELifecycle(t *testing.T) {
	te := newTestEmu(t, nil)
	r := te.call(axeKey, "POST", pathAXE, `{"bindNum":"+8613800300001","areaCode":"0571","extendNum":"0042","callbackTone":"cb.wav","timeUnit":"1","bindExpiredTime":30}`).mustOK(t)
	sid, x := r.str("subscriptionId"), r.str("virtualNum")
	if r.str("extendNum") != "0042" || r.str("bindNum") != "+8613800300001" || x[:9] != "+86170035" {
		t.Fatalf("bind: %s", r.Body)
	}
	te.call(axeKey, "POST", pathAXE, `{"bindNum":"+8613800300002","virtualNum":"`+x+`","extendNum":"0042"}`).expect(t, 403, "1020167", "No idle extend Number.")
	q := te.call(axeKey, "GET", pathAXE+"?virtualNum="+urlNum(x)+"&extendNum=0042", "").mustOK(t)
	if q.str("subscriptionId") != sid || q.str("timeUnit") != "1" || num(q.JSON["bindExpiredTime"]) != 30 || q.str("callbackTone") != "cb.wav" {
		t.Fatalf("query: %s", q.Body)
	}
	te.call(axeKey, "PUT", pathAXE, `{"subscriptionId":"`+sid+`","callbackNum":"+8613800300009","timeUnit":"0","bindExpiredTime":1}`).mustOK(t)
	q = te.call(axeKey, "GET", pathAXE+"?subscriptionId="+sid, "").mustOK(t)
	if q.str("callbackNum") != "+8613800300009" || q.str("timeUnit") != "1" || num(q.JSON["bindExpiredTime"]) != 30 {
		t.Fatalf("after modify: %s", q.Body)
	}
	// bindExpiredTime 30 minutes on the emulator clock (D43).
	te.e.Clock().Advance(30 * time.Minute)
	te.call(axeKey, "GET", pathAXE+"?subscriptionId="+sid, "").expect(t, 403, "1012007", "")
	r = te.call(axeKey, "POST", pathAXE, `{"bindNum":"+8613800300001","virtualNum":"`+x+`"}`).mustOK(t)
	te.call(axeKey, "DELETE", pathAXE+"?virtualNum="+urlNum(x)+"&extendNum="+r.str("extendNum"), "").mustOK(t)
}
