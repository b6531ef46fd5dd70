package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator/calls"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/reports"
)

// stopCallRaw sends a stop call exactly as Huawei's example writes it (reference §11.2): the
// lower-case header names of the official request, the Authorization and X-AKSK values built
// by hand as §2 describes, and the body {"sessionid":…,"signal":"call_stop"}. It returns the
// HTTP status, the Content-Type and the body.
func stopCallRaw(t *testing.T, hc *http.Client, base, appKey, secret, body string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/rest/httpsessions/callStop/v2.0", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	nonce := pns.NewNonce()
	created := time.Now().UTC().Format("2006-01-02T15:04:05Z")
	// Header names as the example spells them; Go sends map keys as they are.
	req.Header["content-type"] = []string{"application/json;charset=UTF-8"}
	req.Header["authorization"] = []string{`AKSK realm="SDP",profile="UsernameToken",type="Appkey"`}
	req.Header["x-aksk"] = []string{`UsernameToken Username="` + appKey + `",PasswordDigest="` + pns.AKSKDigest(secret, nonce, created) +
		`",Nonce="` + nonce + `",Created="` + created + `"`}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), data
}

// TestStopCallUnmodifiedClient stops a call on `harness emulate --platform-only` the way a
// public client does, with the request shape of Huawei's example: a live call of an AXB app
// (placed on the admin port) ends with 0 "Success"; stopping it again, stopping an unknown
// call or another app's call answers 1012007; a missing signal names it; an AXE app stops its
// own call (D79). The admin port's call log shows the call ended with 8017.
func TestStopCallUnmodifiedClient(t *testing.T) {
	p := startPlatform(t)
	hc := p.client(t)
	envelope := func(data []byte) pns.Envelope {
		t.Helper()
		var e pns.Envelope
		if err := json.Unmarshal(data, &e); err != nil {
			t.Fatalf("answer is not JSON: %v: %s", err, data)
		}
		return e
	}

	axb := pns.Client{BaseURL: p.URL, HTTP: hc, Signer: pns.Signer{AppKey: "demo-axb", AppSecret: "demo-axb-secret"}}
	bind, r, err := axb.AXBBind(t.Context(), pns.AXBBindRequest{CallerNum: "+8613800100601", CalleeNum: "+8613900100601"})
	if err != nil || !r.OK() {
		t.Fatalf("bind: %v %s", err, r.Body)
	}
	// An hour of talk: the call is going on whatever the machine's speed.
	var call calls.CallResult
	p.adminPost(t, "calls", calls.CallRequest{Caller: "+8613800100601", Called: bind.RelationNum, RingSeconds: 1, TalkSeconds: 3600}, &call)
	stop := `{"sessionid":"` + call.SessionID + `","signal":"call_stop"}`

	// Another app cannot stop it.
	status, _, data := stopCallRaw(t, hc, p.URL, "demo-ax", "demo-ax-secret", stop)
	if e := envelope(data); status != http.StatusForbidden || e.ResultCode != "1012007" {
		t.Errorf("another app's stop: HTTP %d %s, want 403 1012007", status, data)
	}
	status, ctype, data := stopCallRaw(t, hc, p.URL, "demo-axb", "demo-axb-secret", stop)
	if status != http.StatusOK || string(data) != `{"resultcode":"0","resultdesc":"Success"}` || ctype != "application/json;charset=utf-8" {
		t.Fatalf("stop: HTTP %d %q %s, want 200 and Huawei's success body", status, ctype, data)
	}
	status, _, data = stopCallRaw(t, hc, p.URL, "demo-axb", "demo-axb-secret", stop)
	if e := envelope(data); status != http.StatusForbidden || e.ResultCode != "1012007" || e.ResultDesc != "The record does not exist." {
		t.Errorf("second stop: HTTP %d %s, want 403 1012007", status, data)
	}
	status, _, data = stopCallRaw(t, hc, p.URL, "demo-axb", "demo-axb-secret", `{"sessionid":"`+call.SessionID+`"}`)
	if e := envelope(data); status != http.StatusForbidden || e.ResultCode != "1010002" || e.ResultDesc != "Invalid request. signal" {
		t.Errorf("no signal: HTTP %d %s, want 403 1010002 naming signal", status, data)
	}

	// The call log on the admin port: the call ended with 8017 and its fee record says so.
	resp, err := http.Get(p.AdminURL + "calls?app=demo-axb&sessionId=" + url.QueryEscape(call.SessionID))
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Calls []calls.CallRecord `json:"calls"`
	}
	err = json.NewDecoder(resp.Body).Decode(&log)
	resp.Body.Close()
	if err != nil || len(log.Calls) != 1 {
		t.Fatalf("call log: %v, %d calls", err, len(log.Calls))
	}
	got := log.Calls[0]
	last := got.Events[len(got.Events)-1]
	if got.StateCode != 8017 || got.Fee.UlFailReason != 8017 || last.EventType != pns.EventDisconnect ||
		last.StatusInfo.StateCode == nil || *last.StatusInfo.StateCode != 8017 {
		t.Errorf("logged call: state %d, fee %d, last event %+v; want 8017", got.StateCode, got.Fee.UlFailReason, last)
	}

	// An AXE app stops its own call: the stop call is no mode's (D79).
	axe := pns.Client{BaseURL: p.URL, HTTP: hc, Signer: pns.Signer{AppKey: "demo-axe", AppSecret: "demo-axe-secret"}}
	eb, r, err := axe.AXEBind(t.Context(), pns.AXEBindRequest{BindNum: "+8613800100602"})
	if err != nil || !r.OK() {
		t.Fatalf("AXE bind: %v %s", err, r.Body)
	}
	p.adminPost(t, "calls", calls.CallRequest{Caller: "+8613900100602", Called: eb.VirtualNum, Extension: eb.ExtendNum, TalkSeconds: 3600}, &call)
	// This time through the harness's own client (pns.Client.StopCall).
	r, err = axe.StopCall(t.Context(), call.SessionID)
	if err != nil || r.Status != http.StatusOK || !r.OK() {
		t.Errorf("AXE app's stop: %v %+v", err, r)
	}
}

// stopScenario is the part of a conformance.json scenario the stop-call tests read.
type stopScenario struct {
	Key    string `json:"key"`
	Status string `json:"status"`
	State  string `json:"state"`
	Reason string `json:"reason"`
	Error  string `json:"error"`
}

func readStopScenarios(t *testing.T, dir string) []stopScenario {
	t.Helper()
	var r struct {
		Scenarios []stopScenario `json:"scenarios"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "conformance.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &r); err != nil || len(r.Scenarios) == 0 {
		t.Fatalf("conformance.json: %v, %d scenarios", err, len(r.Scenarios))
	}
	return r.Scenarios
}

// TestConformStopCall runs the stop-call feature through the binary: against the embedded
// emulator every scenario passes; against `emulate --platform-only` as a real platform the
// scenarios without emulator control pass and the others are not checked, with reasons; the
// alternative decisions fail none; and a profile that declares capabilities.stopCall: false
// makes every one not applicable.
func TestConformStopCall(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runHarness(t, nil, "conform", "--tags", "@call.stop", "--out", out)
	if code != exitOK {
		t.Fatalf("embedded: exit %d\n%s\n%s", code, lastLines(stdout, 30), stderr)
	}
	for _, s := range readStopScenarios(t, out) {
		if s.Status != "passed" {
			t.Errorf("embedded %s: %s %s%s", s.Key, s.Status, s.Reason, s.Error)
		}
	}

	p := startPlatform(t)
	out = t.TempDir()
	code, stdout, stderr = runHarness(t, platformEnv, "conform", "--target", p.URL, "--ca-file", p.CertFile,
		"--profile", platformProfile(t, ""), "--tags", "@call.stop", "--out", out)
	if code != exitOK {
		t.Fatalf("platform-only: exit %d\n%s\n%s", code, lastLines(stdout, 30), stderr)
	}
	passed := 0
	for _, s := range readStopScenarios(t, out) {
		switch {
		case s.Status == "passed":
			passed++
		case s.Status == "failed":
			t.Errorf("platform-only %s: failed: %s", s.Key, s.Error)
		case s.Reason == "":
			t.Errorf("platform-only %s: %s without a reason", s.Key, s.Status)
		}
	}
	if passed < 15 {
		t.Errorf("platform-only: only %d scenarios passed", passed)
	}

	// A platform that decided D79-D81 the other way (AXE apps only, 1010002 for an unknown
	// call, text/html answers as Huawei's example) fails no scenario: the decisions differ.
	alt := startPlatform(t, "--decisions", "alternative")
	out = t.TempDir()
	code, stdout, stderr = runHarness(t, platformEnv, "conform", "--target", alt.URL, "--ca-file", alt.CertFile,
		"--profile", platformProfile(t, ""), "--tags", "@call.stop", "--out", out)
	if code != exitOK {
		t.Fatalf("alternative decisions: exit %d\n%s\n%s", code, lastLines(stdout, 30), stderr)
	}
	differs := 0
	for _, s := range readStopScenarios(t, out) {
		switch {
		case s.Status == "failed":
			t.Errorf("alternative decisions %s: failed: %s", s.Key, s.Error)
		case s.State == "differs":
			differs++
		}
	}
	if differs == 0 {
		t.Error("alternative decisions: no scenario differs from the emulator's decisions")
	}

	out = t.TempDir()
	code, stdout, stderr = runHarness(t, platformEnv, "conform", "--target", p.URL, "--ca-file", p.CertFile,
		"--profile", platformProfile(t, "capabilities: {stopCall: false}\n"), "--tags", "@call.stop", "--out", out)
	if code != exitOK {
		t.Fatalf("stopCall: false: exit %d\n%s\n%s", code, lastLines(stdout, 30), stderr)
	}
	for _, s := range readStopScenarios(t, out) {
		if s.State != "not applicable" || !strings.Contains(s.Reason, "capabilities.stopCall: false") {
			t.Errorf("stopCall: false %s: %s %q", s.Key, s.State, s.Reason)
		}
	}
}

// TestLoadStopsShareOfCalls runs loadtest/testdata/stop.yaml through `harness load` on the
// embedded platform: a quarter of the sessions stop their calls, the stops are the report's
// call.stop row in summary.json and on the page, every one answered 0, and every call's
// callbacks came.
func TestLoadStopsShareOfCalls(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runHarness(t, nil, "load", "--workload", filepath.Join("..", "..", "loadtest", "testdata", "stop.yaml"),
		"--duration", "1s", "--generator-lag", "0", "--progress", "-1", "--out", out,
		"--threshold", "callback.missing==0", "--threshold", "callback.invalid==0")
	if code != exitOK {
		t.Fatalf("load: exit %d\n%s\n%s", code, lastLines(stdout, 40), stderr)
	}
	var res loadtest.Result
	data, err := os.ReadFile(filepath.Join(out, loadtest.ResultFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	// One stop per session of the stopped flow (5 in the plan; fewer on a machine too busy to
	// start them all in time).
	var stops int64
	for _, f := range res.Flows {
		if f.Name == "stopped" {
			stops = f.Arrivals
		}
	}
	row, ok := res.Interface(pns.IfaceStopCall)
	if !ok || stops == 0 || row.Count != stops || row.Success != stops {
		t.Fatalf("call.stop row %v %+v, want %d requests all answered 0", ok, row, stops)
	}
	rep := filepath.Join(t.TempDir(), "rep")
	code, repOut, stderr := runHarness(t, nil, "report", out, "--out", rep)
	if code != exitOK {
		t.Fatalf("report: exit %d\n%s\n%s", code, repOut, stderr)
	}
	sum, err := reports.LoadSummary(filepath.Join(rep, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Load == nil || len(sum.Load.Scenarios) != 1 {
		t.Fatal("the report has no load scenario")
	}
	var got *reports.InterfaceLoad
	for i, il := range sum.Load.Scenarios[0].Interfaces {
		if il.Interface == pns.IfaceStopCall {
			got = &sum.Load.Scenarios[0].Interfaces[i]
		}
	}
	if got == nil || got.Requests != stops || got.SuccessRatio != 1 {
		t.Fatalf("report's call.stop row %+v, want %d requests all answered 0", got, stops)
	}
	page, err := os.ReadFile(filepath.Join(rep, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), pns.IfaceStopCall) {
		t.Error("the page lacks the call.stop row")
	}
}
