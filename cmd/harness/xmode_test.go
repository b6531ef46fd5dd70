package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// TestXModeBothSides: `harness emulate --platform-only` with an X-mode app whose call-status
// and SMS control URLs are `harness receive --rules`: each simulated call's Block callin and
// each text's Block SMS reach the receiver, which answers with the rule's reply, and the
// platform acts on it (connect forwards to the rule's calleeNum with its userData, close ends
// the call with 8017, an invalid reply fails it with 8014, no rule: close; vNumberRoute
// forwards the text, no rule: discarded).
func TestXModeBothSides(t *testing.T) {
	rules := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(rules, []byte(`
callin:
  - caller: "+8613800100001"
    reply: {operation: connect, connectInfo: {calleeNum: "+8613800100002", userData: order-4711}}
  - caller: "+8613800100003"
    reply: {operation: close, closeInfo: {userData: order-4712}}
  - caller: "+8613800100005"
    raw: '{"operation":"connect","connectInfo":{"calleeNum":"+8613800100002","maxDuration":7200}}'
sms:
  - calling: "+8613800100001"
    reply: {operation: vNumberRoute, message: {called: "+8613800100002"}, userData: sms-7}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	rp := startReceive(t, "--rules", rules)
	const x = "+8617009900001"
	p := startPlatform(t, "--config", platformConfig(t, func(c *emulator.Config) {
		c.Apps = append(c.Apps, emulator.AppConfig{AppKey: pushKey, AppSecret: pushSecret, Mode: pns.ModeX,
			CallStatusURL: rp.url + "/status", FeeURL: rp.url + "/fee", SMSControlURL: rp.url + "/sms-control"})
		c.PoolRanges = append(c.PoolRanges, emulator.PoolRange{From: "+8617009900000", Count: 5, App: pushKey, CityCode: "010"})
	}))
	admin := func(path, body string) map[string]any {
		t.Helper()
		resp, err := http.Post(p.AdminURL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d %v %v", path, body, resp.StatusCode, m, err)
		}
		return m
	}
	call := func(caller string) map[string]any {
		return admin("calls", `{"caller":"`+caller+`","called":"`+x+`"}`)
	}
	fee := func(m map[string]any) map[string]any { f, _ := m["fee"].(map[string]any); return f }

	m := call("+8613800100001")
	if m["stateCode"] != float64(0) || fee(m)["fwdDstNum"] != "+8613800100002" || fee(m)["userData"] != "order-4711" ||
		fee(m)["notifyMode"] != "Block" || len(m["events"].([]any)) != 5 {
		t.Errorf("connect: %v", m)
	}
	m = call("+8613800100003")
	if m["stateCode"] != float64(8017) || fee(m)["direction"] != float64(2) || len(m["events"].([]any)) != 2 {
		t.Errorf("close: %v", m)
	}
	m = call("+8613800100005")
	if m["stateCode"] != float64(8014) || len(m["events"].([]any)) != 2 {
		t.Errorf("invalid reply: %v", m)
	}
	m = call("+8613800100007")
	if m["stateCode"] != float64(8017) {
		t.Errorf("no rule (close): %v", m)
	}
	// SMS to X: the Block request reaches the receiver; the rule forwards, no rule discards.
	m = admin("sms", `{"from":"+8613800100001","to":"`+x+`","content":"hi"}`)
	if m["forwarded"] != true || m["forwardTo"] != "+8613800100002" || m["blockOperation"] != "vNumberRoute" {
		t.Errorf("SMS routed by the rule: %v", m)
	}
	m = admin("sms", `{"from":"+8613800100009","to":"`+x+`","content":"hi"}`)
	if m["forwarded"] != false || m["blockOperation"] != "DiscardMessage" || m["notify"] != nil {
		t.Errorf("SMS without a rule: %v", m)
	}
	_, out, rep := rp.stop()
	if rep.Counters.SMSBlock != 2 {
		t.Errorf("receiver: %d Block SMS, want 2", rep.Counters.SMSBlock)
	}
	if rep.ByEventType["callin"] != 4 || rep.Counters.BadSignature != 0 || rep.Counters.Invalid != 0 {
		t.Errorf("receiver: callins %d, counters %+v\n%s", rep.ByEventType["callin"], rep.Counters, out)
	}
}

// xmodeOutcomes runs `harness conform` on the X-mode feature and returns its scenarios.
func xmodeOutcomes(t *testing.T, env []string, args ...string) (int, string, []scenarioOutcome) {
	t.Helper()
	out := t.TempDir()
	code, stdout, stderr := runHarness(t, env, append([]string{"conform", "--tags", "@callbacks", "--name", "^X: ", "--out", out}, args...)...)
	if _, err := os.Stat(filepath.Join(out, "conformance.json")); err != nil {
		t.Fatalf("exit %d, no conformance.json\n%s\n%s", code, lastLines(stdout, 20), stderr)
	}
	var xs []scenarioOutcome
	for _, s := range readScenarios(t, filepath.Join(out, "conformance.json")) {
		if strings.HasPrefix(s.Key, "xmode.feature:") {
			xs = append(xs, s)
		}
	}
	return code, stdout + stderr, xs
}

// TestConformXModeEmbedded: against the embedded emulator every X-mode scenario passes.
func TestConformXModeEmbedded(t *testing.T) {
	code, out, xs := xmodeOutcomes(t, nil)
	if code != exitOK || len(xs) != 14 {
		t.Fatalf("exit %d, %d X-mode scenarios, want 14\n%s", code, len(xs), lastLines(out, 30))
	}
	for _, s := range xs {
		if s.Status != "passed" {
			t.Errorf("%s: %s %s", s.Key, s.Status, s.reason())
		}
	}
}

// TestConformXModePlatformOnly: against `emulate --platform-only` with its admin API the
// X-mode scenarios cannot set the customer's replies (`harness conform` observes no pushes of
// a target, and a receiver's replies would be its own): none passes or fails, each is not
// checked with that reason.
func TestConformXModePlatformOnly(t *testing.T) {
	p := startPlatform(t, "--config", platformConfig(t, func(c *emulator.Config) {
		c.Apps = append(c.Apps, emulator.AppConfig{AppKey: "conf-x", AppSecret: "conf-x-secret", Mode: pns.ModeX})
		c.PoolRanges = append(c.PoolRanges, emulator.PoolRange{From: "+8617005200000", Count: 20, App: "conf-x", CityCode: "010"})
	}))
	base, err := os.ReadFile(platformProfile(t, `  X:
    appKey: conf-x
    appSecretEnv: PNS_T_X
    xRanges:
      - {from: "+8617005200000", count: 20, cityCode: "010"}
`))
	if err != nil {
		t.Fatal(err)
	}
	prof := filepath.Join(t.TempDir(), "profile.yaml")
	y := strings.Replace(string(base), "emulator: false", "emulator: true\nadminURL: "+p.AdminURL, 1)
	if err := os.WriteFile(prof, []byte(y), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, xs := xmodeOutcomes(t, append([]string{"PNS_T_X=conf-x-secret"}, platformEnv...), "--target", p.URL, "--ca-file", p.CertFile, "--profile", prof)
	if len(xs) != 14 {
		t.Fatalf("exit %d, %d X-mode scenarios, want 14\n%s", code, len(xs), lastLines(out, 30))
	}
	for _, s := range xs {
		if s.Status == "passed" || s.Status == "failed" || !strings.Contains(s.reason(), "no push source") {
			t.Errorf("%s: %s %q, want not checked because the replies are the target receiver's", s.Key, s.Status, s.reason())
		}
	}
}

// TestRunChecksXModeAndCauses: `harness run` (embedded emulator, its own receiver) runs the
// X-mode, SMS-control and hang-up-cause scenarios instead of skipping them (its receiver
// answers the replies the scenarios set), and its report tables the causes of the calls.
func TestRunChecksXModeAndCauses(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runHarness(t, nil, "run", "--out", out,
		"--tags", "@rule:sequence:M1,@rule:sequence:M2,@rule:sms:x-block,@rule:sms:block-route,@rule:business:forced-cause",
		"--load-duration", "500ms", "--rate", "20", "--call-rate", "5", "--seed", "3")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, lastLines(stdout, 30), stderr)
	}
	res := readScenarios(t, filepath.Join(out, "conformance", "conformance.json"))
	files := map[string]int{}
	for _, s := range res {
		if s.Status != "passed" {
			t.Errorf("%s: %s %s", s.Key, s.Status, s.reason())
		}
		files[strings.SplitN(s.Key, ":", 2)[0]]++
	}
	if files["xmode.feature"] != 5 || files["sms_control.feature"] != 3 || files["hangup_causes.feature"] != 82 {
		t.Errorf("scenarios per feature %v", files)
	}
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sum struct {
		Callbacks struct {
			Causes []struct {
				Code   string `json:"code"`
				Listed bool   `json:"listed"`
			} `json:"causes"`
		} `json:"callbacks"`
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	listed := 0
	for _, c := range sum.Callbacks.Causes {
		if c.Listed {
			listed++
		}
	}
	if listed != len(pns.HangupCauses()) {
		t.Errorf("the report tables %d listed causes, want all %d", listed, len(pns.HangupCauses()))
	}
}
