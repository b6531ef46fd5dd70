package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// TestTrailingCharacterAfterHeaderAttribute: a correctly signed request whose X-AKSK header
// has one character appended after the closing quote of Created is refused by `harness
// emulate --platform-only` with 1023036 (Created counts as missing, D9), while the same
// header without it is accepted; and the conformance scenarios that assert it pass through
// `harness conform` on the embedded emulator.
func TestTrailingCharacterAfterHeaderAttribute(t *testing.T) {
	p := startPlatform(t)
	hc := p.client(t)
	send := func(extra string) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, p.URL+pns.PathAXB+"?subscriptionId=no-such-binding", nil)
		if err != nil {
			t.Fatal(err)
		}
		pns.Signer{AppKey: "demo-axb", AppSecret: "demo-axb-secret"}.Sign(req.Header)
		req.Header.Set(pns.HeaderXAKSK, req.Header.Get(pns.HeaderXAKSK)+extra)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var env pns.Envelope
		if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
			t.Fatalf("HTTP %d: %v", resp.StatusCode, err)
		}
		return resp.StatusCode, env.ResultCode
	}
	if status, code := send(""); strings.HasPrefix(code, "1023") || status == http.StatusUnauthorized {
		t.Fatalf("the well-formed header was refused: HTTP %d %s", status, code)
	}
	if status, code := send("x"); status != http.StatusBadRequest || code != string(pns.CodeCreatedMissing) {
		t.Errorf(`Created="…Z"x: HTTP %d %s, want 400 1023036`, status, code)
	}

	out := t.TempDir()
	code, stdout, stderr := runHarness(t, nil, "conform", "--name", "character after its last closing quote", "--out", out)
	if code != exitOK {
		t.Fatalf("conform: exit %d\n%s\n%s", code, lastLines(stdout, 30), stderr)
	}
	scs := readStopScenarios(t, out)
	if len(scs) != 3 {
		t.Errorf("%d scenarios, want the 3 rows of the outline", len(scs))
	}
	for _, s := range scs {
		if s.State != "passed" {
			t.Errorf("%s: %s %s%s", s.Key, s.State, s.Reason, s.Error)
		}
	}
}
