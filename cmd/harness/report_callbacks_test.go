package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
)

// receiverDir writes the receiver.json of a receiver that got one good push and bad badly
// signed ones.
func receiverDir(t *testing.T, bad int) string {
	t.Helper()
	const key, secret = "appCbReport", "secretCbReport"
	r := receiver.New(receiver.Options{Apps: map[string]string{key: secret}, Settle: time.Nanosecond})
	post := func(s pns.Signer, body string) {
		req := httptest.NewRequest(http.MethodPost, "/cb", bytes.NewReader([]byte(body)))
		s.Sign(req.Header)
		r.Handler().ServeHTTP(httptest.NewRecorder(), req)
	}
	ts := pns.FormatUTC(time.Now())
	// One complete call (B7: callin, disconnect, its fee record), judged from its pushes.
	post(pns.Signer{AppKey: key, AppSecret: secret}, `{"eventType":"callin","statusInfo":{"sessionId":"S1","timestamp":"`+ts+`"}}`)
	post(pns.Signer{AppKey: key, AppSecret: secret}, `{"eventType":"disconnect","statusInfo":{"sessionId":"S1","timestamp":"`+ts+`"}}`)
	post(pns.Signer{AppKey: key, AppSecret: secret}, `{"eventType":"fee","feeLst":[{"sessionId":"S1","icid":"i1","callEndTime":"`+ts+`"}]}`)
	for i := 0; i < bad; i++ {
		post(pns.Signer{AppKey: key, AppSecret: "wrong"}, `{"eventType":"disconnect","statusInfo":{"sessionId":"S`+string(rune('2'+i))+`","timestamp":"`+ts+`"}}`)
	}
	dir := t.TempDir()
	if err := writeJSONFile(filepath.Join(dir, assemble.ReceiverFile), r.Final()); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReportFailsOnBadlySignedCallbacks is issue 11's verdict check through the binary:
// `harness report` over receiver results with 2 badly signed pushes fails with exit 1 and
// lists them; clean results pass, and callback thresholds are evaluated over them.
func TestReportFailsOnBadlySignedCallbacks(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runHarness(t, nil, "report", "--out", t.TempDir(), receiverDir(t, 2))
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitFailed, stdout, stderr)
	}
	for _, want := range []string{"FAIL", "2 callbacks badly signed", `bad signature (wrong digest): app "appCbReport"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	out := t.TempDir()
	code, stdout, stderr = runHarness(t, nil, "report", "--out", out, "--threshold", "callback.missing==0", "--threshold", "callback.callin.received==1", receiverDir(t, 0))
	if code != exitOK || !strings.Contains(stdout, "thresholds: 2 passed, 0 failed") {
		t.Fatalf("clean results: exit %d\n%s\n%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil || !strings.Contains(string(b), `"reference": "platform"`) {
		t.Errorf("summary.json lacks the delay reference: %v", err)
	}
	code, _, stderr = runHarness(t, nil, "report", "--out", t.TempDir(), "--threshold", "callback.fee.p42x<1s", receiverDir(t, 0))
	if code != exitUsage || !strings.Contains(stderr, `unknown callback metric "callback.fee.p42x"`) {
		t.Errorf("bad threshold: exit %d, stderr %s", code, stderr)
	}
}
