package reports

import (
	"strings"
	"testing"
)

// TestCallbackCaseReproductions: a failed callback case's failure text carries the reproduce
// lines of the pushes that failed that check (at most maxCaseReproductions, then a pointer to
// the report), and no other check's.
func TestCallbackCaseReproductions(t *testing.T) {
	cb := &Callbacks{Counters: CallbackCounters{Invalid: 5, BadSignature: 1}}
	for i := 0; i < 5; i++ {
		cb.Reproductions = append(cb.Reproductions, CallbackReproduction{Check: "schemaInvalid", Problem: "invalid event callin", Curl: "curl -X POST 'http://127.0.0.1:1/'"})
	}
	cb.Reproductions = append(cb.Reproductions, CallbackReproduction{Check: "badSignature", Problem: "bad signature", Curl: "curl BAD"})
	cases := map[string]testCase{}
	for _, tc := range callbackCases(cb) {
		cases[tc.Name] = tc
	}
	inv := cases["callbacks.schemaInvalid"].Body
	if n := strings.Count(inv, "\nreproduce: curl -X POST"); n != maxCaseReproductions || !strings.HasSuffix(inv, "(more reproductions in the report)") || strings.Contains(inv, "curl BAD") {
		t.Errorf("schemaInvalid failure text:\n%s", inv)
	}
	if bad := cases["callbacks.badSignature"].Body; !strings.HasSuffix(bad, "\nbad signature\nreproduce: curl BAD") {
		t.Errorf("badSignature failure text:\n%s", bad)
	}
	if body := cases["callbacks.missing"].Body; body != "" {
		t.Errorf("a passed case carries text: %q", body)
	}
}
