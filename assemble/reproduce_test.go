package assemble

import (
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/receiver"
)

// TestCallbackReproductions: every push and call judged wrong gets a reproduction under the
// check it failed; a call the harness made is made again by its trigger, one it did not make
// is said not reproducible, with the contract's phrase; pushes without a kept request have none.
func TestCallbackReproductions(t *testing.T) {
	push := &receiver.Replay{URL: "http://127.0.0.1:9/", Body: []byte(`{}`), SignatureHeader: "X-AKSK", AppKey: "k"}
	rep := receiver.Report{
		BadSignatures: []receiver.BadSignatureSample{{AppKey: "k", Reason: "wrong digest", Replay: push}, {AppKey: "k"}},
		Violations:    []receiver.ViolationSample{{Kind: "event", EventType: "callin", Violations: []string{"v"}, Replay: push}},
		Duplicates:    []receiver.DuplicateSample{{Kind: "fee", Replay: &receiver.Replay{URL: "http://127.0.0.1:9/", Body: []byte(`{}`), Repeat: 2}}},
		Failures: []receiver.SessionDetail{
			{SessionID: "ours", Problems: []string{"late", "missing fee"}, Trigger: &receiver.CallTrigger{URL: "http://127.0.0.1:9/emulator/v1/calls", Body: `{"caller":"+1"}`}},
			{SessionID: "theirs", Problems: []string{"orphan-fee"}},
			{SessionID: "late", Problems: []string{"late"}},
		},
	}
	got := CallbackReproductions(rep, "", "")
	want := []struct{ check, problem, line string }{
		{"badSignature", "bad signature (wrong digest)", "curl "},
		{"schemaInvalid", "invalid event callin: v", "curl "},
		{"duplicate", "duplicate fee", "for i in $(seq 2); do curl "},
		{"missing", "call ours: late, missing fee", "curl -sS -X POST 'http://127.0.0.1:9/emulator/v1/calls'"},
		{"orphanFee", "call theirs: orphan-fee", receiver.NotOurCall},
		{"", "call late: late", receiver.NotOurCall},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d reproductions, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Check != w.check || !strings.HasPrefix(g.Problem, w.problem) || !strings.HasPrefix(g.Line(), w.line) {
			t.Errorf("reproduction %d = %+v (line %q), want check %q, problem %q…, line %q…", i, g, g.Line(), w.check, w.problem, w.line)
		}
	}
	if NotOurs := receiver.NotOurCall; NotOurs != "not reproducible here: the target's calls are not ours" {
		t.Errorf("NotOurCall = %q", NotOurs)
	}
}
