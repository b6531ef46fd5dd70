package main

import (
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// causeDisconnect is a §7.3 disconnect carrying stateCode code.
func causeDisconnect(session string, code int) []byte {
	b, _ := json.Marshal(map[string]any{"eventType": "disconnect", "statusInfo": map[string]any{
		"timestamp": utc(time.Now()), "sessionId": session, "caller": "+8613800000001", "called": "+8617001100001",
		"stateCode": code, "stateDesc": "d", "subscriptionId": "sub-1"}})
	return b
}

// TestReceiveAndReportHangupCauses: `harness receive` counts the calls' disconnects by
// stateCode and prints them with the contract's meaning; a code outside the contract's table
// is a schema violation (exit 1) and is marked; `harness report` shows the same table.
func TestReceiveAndReportHangupCauses(t *testing.T) {
	rp := startReceive(t)
	p := rp.pusher(false)
	for _, c := range []struct {
		events []string
		code   int
	}{{b1, 0}, {b4, 8102}, {b4, 8102}, {b7, 8047}, {b7, 9999}} {
		s := p.call(c.events[:len(c.events)-1]...)
		p.pushOK(causeDisconnect(s, c.code))
	}
	code, out, rep := rp.stop()
	if code != exitFailed {
		t.Errorf("exit %d, want %d: stateCode 9999 is no cause of the contract\n%s", code, exitFailed, out)
	}
	if want := map[string]int64{"0": 1, "8102": 2, "8047": 1, "9999": 1}; !maps.Equal(rep.Causes, want) {
		t.Errorf("receiver.json causes %v, want %v", rep.Causes, want)
	}
	if rep.Counters.SchemaInvalid != 1 {
		t.Errorf("schema-invalid bodies %d, want 1 (the 9999 disconnect)", rep.Counters.SchemaInvalid)
	}
	line := "hang-up causes: 0 (normal hang-up after connection) ×1; 8047 (caller call-frequency control) ×1; " +
		"8102 (callee busy) ×2; 9999 (not in the contract's cause table) ×1"
	if !strings.Contains(out, line) {
		t.Errorf("output lacks %q:\n%s", line, out)
	}

	dir := t.TempDir()
	if code, stdout, stderr := runHarness(t, nil, "report", "--out", dir, rp.out); code != exitOK && code != exitFailed {
		t.Fatalf("report exit %d\n%s\n%s", code, stdout, stderr)
	}
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Hang-up causes", "callee busy", "caller call-frequency control", "not in the contract", ">9999<"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	var sum struct {
		Callbacks struct {
			Causes []struct {
				Code    string `json:"code"`
				Count   int64  `json:"count"`
				Listed  bool   `json:"listed"`
				Meaning string `json:"meaning"`
			} `json:"causes"`
		} `json:"callbacks"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err == nil {
		err = json.Unmarshal(b, &sum)
	}
	if err != nil || len(sum.Callbacks.Causes) != 4 || sum.Callbacks.Causes[2].Code != "8102" || sum.Callbacks.Causes[2].Count != 2 ||
		sum.Callbacks.Causes[3].Listed {
		t.Errorf("summary.json causes %+v (%v)", sum.Callbacks.Causes, err)
	}
}

// TestPlatformForcesHangupCauses: on `emulate --platform-only` a simulated call can be forced
// to any cause of the contract's table through the admin API, which lists them, and a share
// of the calls can be ended with causes of a list (the fault menu).
func TestPlatformForcesHangupCauses(t *testing.T) {
	p := startPlatform(t)
	var menu struct {
		Causes []struct {
			Code   int      `json:"code"`
			Events []string `json:"events"`
		} `json:"causes"`
	}
	p.adminJSON(t, "causes", &menu)
	if len(menu.Causes) < 80 {
		t.Fatalf("menu lists %d causes", len(menu.Causes))
	}
	post := func(body string) (int, map[string]any) {
		resp, err := http.Post(p.AdminURL+"calls", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	// No binding on this X: an inbound-leg cause still releases the call with it; a callee
	// cause needs a forwarded call and is refused with a reason.
	status, m := post(`{"caller":"+8613800100001","called":"+8617001100000","cause":8055}`)
	if status != 200 || m["stateCode"] != float64(8055) || m["stateDesc"] != "X number unusable." || len(m["events"].([]any)) != 2 {
		t.Errorf("forced 8055: %d %v", status, m)
	}
	status, m = post(`{"caller":"+8613800100001","called":"+8617001100000","cause":8104}`)
	if msg, _ := m["error"].(string); status != 400 || !strings.Contains(msg, "not forwarded") {
		t.Errorf("forced 8104 on an unforwarded call: %d %v", status, m)
	}
	status, m = post(`{"caller":"+8613800100001","called":"+8617001100000","cause":4711}`)
	if msg, _ := m["error"].(string); status != 400 || !strings.Contains(msg, "4711") {
		t.Errorf("unknown cause: %d %v", status, m)
	}
	// The fault menu: every call without its own cause ends with one of the list it can end
	// with (8104 needs a forwarded call, so this unbound call gets 8056).
	resp, err := http.Post(p.AdminURL+"causes", "application/json", strings.NewReader(`{"rate":1,"causes":[8104,8056]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST causes: %d", resp.StatusCode)
	}
	for range 3 {
		if status, m = post(`{"caller":"+8613800100001","called":"+8617001100000"}`); status != 200 || m["stateCode"] != float64(8056) {
			t.Errorf("call under injection: %d %v", status, m)
		}
	}
}
