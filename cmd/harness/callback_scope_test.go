package main

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/reports"
)

// TestRunCallbackScopes: `harness run` receives the pushes of its load's calls and of the
// conformance scenarios' calls on one receiver. The console, summary.json and the HTML page
// must name the two scopes apart with the same numbers (the load's records against what its
// calls must produce, the others beside them), and the console must print the per-event
// callback lines docs/report.md promises, exactly as the report's data gives them.
func TestRunCallbackScopes(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	code, stdout, stderr := runHarness(t, nil, "run", "--out", out, "--tags", "@callbacks", "--load-duration", "1s", "--rate", "20", "--call-rate", "5", "--seed", "11",
		// Correctness thresholds only: the default delay bounds are the machine's speed.
		"--threshold", "bind.success>=99%", "--threshold", "callback.missing==0", "--threshold", "callback.duplicate==0",
		"--threshold", "callback.badSignature==0", "--threshold", "callback.invalid==0")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, tail(stdout, 4000), stderr)
	}
	s, err := reports.LoadSummary(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	cb := s.Callbacks
	if cb == nil || cb.ExpectedReceived == nil || cb.OtherReceived == nil {
		t.Fatalf("summary.json does not split the callback scopes: %+v", cb)
	}
	exp, other := *cb.ExpectedReceived, *cb.OtherReceived
	if cb.Expected == 0 || exp < cb.Expected-cb.Counters.Missing || exp+other != cb.Received {
		t.Errorf("scopes: expected %d, received of the load's calls %d, other %d, all %d (missing %d)", cb.Expected, exp, other, cb.Received, cb.Counters.Missing)
	}
	if other == 0 {
		t.Errorf("the conformance scenarios' pushes are not counted apart: other %d of %d", other, cb.Received)
	}
	var sumExp, sumRecv int64
	page, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range cb.Events {
		sumRecv += e.Received
		if e.ExpectedReceived == nil {
			t.Errorf("%s: no load-scope count", e.Event)
			continue
		}
		sumExp += *e.ExpectedReceived
		// The page's row carries the same figures in the same order as summary.json.
		row := fmt.Sprintf(`<td class="l mono">%s</td><td>%s</td><td>%s</td><td>%s</td>`, e.Event,
			reports.FormatCount(e.Expected), reports.FormatCount(*e.ExpectedReceived), reports.FormatCount(*e.Other()))
		if !strings.Contains(string(page), row) {
			t.Errorf("the page lacks the row %s", row)
		}
	}
	if sumExp != exp || sumRecv != cb.Received {
		t.Errorf("per-event counts add up to %d of the load and %d in all, the totals say %d and %d", sumExp, sumRecv, exp, cb.Received)
	}
	// The console prints the same lines summary.json gives, the scope first, then one per type.
	lines := cb.Lines()
	if len(lines) < 1+len(cb.Events) {
		t.Fatalf("callback lines %q", lines)
	}
	for _, l := range lines {
		if !strings.Contains(stdout, "\n"+l+"\n") {
			t.Errorf("the console lacks the callback line %q", l)
		}
	}
	scope := cb.Scope()
	for _, want := range []string{fmt.Sprintf("load calls: %s received of %s expected", reports.FormatCount(exp), reports.FormatCount(cb.Expected)),
		fmt.Sprintf(": %s; %s in all", reports.FormatCount(other), reports.FormatCount(cb.Received))} {
		if !strings.Contains(scope, want) {
			t.Errorf("scope %q lacks %q", scope, want)
		}
	}
	if !strings.Contains(string(page), html.EscapeString(scope)) {
		t.Errorf("the page's callback lead is not the console's scope %q", scope)
	}
}
