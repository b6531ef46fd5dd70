package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// axybEnv adds the AXYB app's secret to platformEnv.
var axybEnv = append(slices.Clone(platformEnv), "PNS_T_AXYB=demo-axyb-secret")

// axybProfileApp is the AXYB app of the default emulator as a user would declare it; its X
// numbers are the first ten of its Beijing range, where an AX bind with areaCode 010 lands.
const axybProfileApp = `  AXYB:
    appKey: demo-axyb
    appSecretEnv: PNS_T_AXYB
    xRanges:
      - {from: "+8617006100000", count: 10, cityCode: "010"}
`

// axybSubs lists the subscriptionIds of the AXYB relations on the platform, sorted.
func (p *platform) axybSubs(t *testing.T) []string {
	t.Helper()
	var d emulator.BindingsDump
	p.adminJSON(t, "bindings", &d)
	var ids []string
	for _, r := range d.AXYB {
		ids = append(ids, r.SubscriptionID)
	}
	slices.Sort(ids)
	return ids
}

// TestCleanupResolvesLostAXYBAnswers: `harness cleanup` removes a journaled AXYB relation by its
// subscriptionId, resolves an AX bind whose answer was lost by asking the app's X numbers
// what A holds (its YB goes with it), counts a bind that made nothing as no leak, and leaves
// a relation the journal does not name alone.
func TestCleanupResolvesLostAXYBAnswers(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	ctx := context.Background()
	c := &pns.Client{BaseURL: p.URL, HTTP: p.client(t), Signer: pns.Signer{AppKey: "demo-axyb", AppSecret: "demo-axyb-secret", Scheme: pns.SchemeAKSK}}
	const a1, a2, a3, a4, b1 = "+8613400000021", "+8613400000022", "+8613400000023", "+8613400000024", "+8613400000031"
	bind := func(req pns.AXYBBindRequest) string {
		t.Helper()
		r, resp, err := c.AXYBBind(ctx, "demo-axyb", req)
		if err != nil || !resp.OK() {
			t.Fatalf("AXYB bind %+v: %v %+v", req, err, resp)
		}
		return r.SubscriptionID
	}
	lost := bind(pns.AXYBBindRequest{OrigNum: a1, AreaCode: "010"})  // made, answer lost: found by query
	bind(pns.AXYBBindRequest{SubscriptionID: lost, OrigNum: b1})     // its YB: removed with it
	bound := bind(pns.AXYBBindRequest{OrigNum: a2, AreaCode: "010"}) // journaled with its ID
	keep := bind(pns.AXYBBindRequest{OrigNum: a4, AreaCode: "010"})  // not this run's
	dir := t.TempDir()
	journal := strings.Join([]string{
		`{"op":"run","target":"` + p.URL + `"}`,
		`{"op":"bind","id":1,"mode":"AXYB","app":"demo-axyb","a":"` + a1 + `"}`,
		`{"op":"bind","id":2,"mode":"AXYB","app":"demo-axyb","a":"` + a2 + `"}`,
		`{"op":"bound","id":2,"sub":"` + bound + `"}`,
		`{"op":"bind","id":3,"mode":"AXYB","app":"demo-axyb","a":"` + a3 + `"}`, // never made
	}, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "bindings.jsonl"), []byte(journal), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runHarness(t, axybEnv, "cleanup", "--profile", platformProfile(t, axybProfileApp), "--ca-file", p.CertFile, dir)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	want := "journal: 3 binds, 1 bound and not removed, 2 without an answer; removed 2 (1 of them found by query), 0 leaked, 0 unknown"
	if !strings.Contains(stdout, want) {
		t.Errorf("want %q in\n%s", want, stdout)
	}
	if ids := p.axybSubs(t); len(ids) != 1 || ids[0] != keep {
		t.Errorf("AXYB relations left: %v; want only %s (not in the journal)", ids, keep)
	}
}

// TestCleanupAXYBLostAnswerWithoutNumbers: with no X numbers of the AXYB app in the profile a
// lost AX bind cannot be looked up (the query needs X or the ID, §6.4): cleanup counts it
// unknown, says why, and fails.
func TestCleanupAXYBLostAnswerWithoutNumbers(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	dir := t.TempDir()
	journal := `{"op":"run","target":"` + p.URL + `"}` + "\n" +
		`{"op":"bind","id":1,"mode":"AXYB","app":"demo-axyb","a":"+8613400000041"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "bindings.jsonl"), []byte(journal), 0o600); err != nil {
		t.Fatal(err)
	}
	prof := platformProfile(t, "  AXYB:\n    appKey: demo-axyb\n    appSecretEnv: PNS_T_AXYB\n")
	code, stdout, stderr := runHarness(t, axybEnv, "cleanup", "--profile", prof, "--ca-file", p.CertFile, "--attempts", "1", dir)
	if code == exitOK {
		t.Fatalf("cleanup of an unresolvable bind succeeded\n%s\n%s", stdout, stderr)
	}
	if !strings.Contains(stdout+stderr, "1 unknown") || !strings.Contains(stdout+stderr, "lists no number of app demo-axyb") {
		t.Errorf("want the unknown bind and its reason in\n%s\n%s", stdout, stderr)
	}
}

// TestConformJournalsAXYBBinds: `harness conform` journals its AXYB AX binds, so relations it
// could not remove itself (a relay refuses every AXYB unbind) are removed by `harness cleanup
// DIR` by their subscriptionIds, and nothing of the suite is left on the platform.
func TestConformJournalsAXYBBinds(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	up := upstreamOf(t, p)
	client := p.client(t)
	relay, relayCert := startTLSFront(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete && r.URL.Path == pns.PathAXYB {
			// A definite refusal: the suite books the relation as leaked at once.
			w.Header().Set("Content-Type", "application/json;charset=UTF-8")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"resultcode":"1010040","resultdesc":"The app_key is not allowed to invoke the API."}`)
			return
		}
		resp, answer, err := forward(client, up, r)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		relayAnswer(w, resp, answer)
	}))
	prof := platformProfile(t, axybProfileApp)
	dir := filepath.Join(t.TempDir(), "conformance")
	code, out, errOut := runHarness(t, axybEnv, "conform", "--target", relay.URL, "--ca-file", relayCert, "--profile", prof, "--out", dir,
		"--tags", "@axyb.query", "--coverage=false")
	left := len(p.axybSubs(t))
	if code == exitOK || left == 0 {
		t.Fatalf("conform with refused unbinds: exit %d, %d AXYB relations left: the test tests nothing\n%s\n%s", code, left, out, errOut)
	}
	code, out, errOut = runHarness(t, axybEnv, "cleanup", "--target", p.URL, "--ca-file", p.CertFile, "--profile", prof, dir)
	if code != exitOK {
		t.Fatalf("cleanup: exit %d\n%s\n%s", code, out, errOut)
	}
	m := regexp.MustCompile(`removed (\d+) \(0 of them found by query\), 0 leaked, 0 unknown`).FindStringSubmatch(out)
	if m == nil || atoi(m[1]) != left {
		t.Errorf("cleanup says %v, the platform held %d AXYB relations\n%s", m, left, out)
	}
	if ids := p.axybSubs(t); len(ids) != 0 {
		t.Errorf("AXYB relations left after cleanup: %v\n%s", ids, out)
	}
}
