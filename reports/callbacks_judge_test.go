package reports

import (
	"strings"
	"testing"
	"time"
)

// TestCallbackJudgementShown: how missing was known, the re-push interval against the
// contract and what the platform's clock spread says reach the console and the HTML report.
func TestCallbackJudgementShown(t *testing.T) {
	for _, tc := range []struct {
		name string
		cb   Callbacks
		want []string
	}{
		{"unknown", Callbacks{MissingBasis: MissingUnknown},
			[]string{"missing: unknown"}},
		{"per type", Callbacks{MissingBasis: MissingExpected, Events: []CallbackType{{Event: "fee", Count: 5, Expected: 4, Received: 5, ExpectedReceived: ptr(int64(3)), Missing: 1}}},
			[]string{"fee          5  delay p50 0", "expected 4 received 3 missing 1 duplicate 0 late 0  other pushes 2"}},
		// Results of an older harness do not tell the scopes apart: received is then all of
		// them, and says so.
		{"per type, unscoped", Callbacks{MissingBasis: MissingExpected, Expected: 4, Received: 5, Events: []CallbackType{{Event: "fee", Count: 5, Expected: 4, Received: 5, Missing: 1}}},
			[]string{"expected 4 received 5 (all pushes) missing 1", "5 received in all (the load's calls and other pushes, not told apart in these results); 4 expected"}},
		{"from the pushes", Callbacks{MissingBasis: MissingFromPushes, Unsettled: 2, Counters: CallbackCounters{Missing: 1}},
			[]string{"missing 1, judged from the pushes", "2 calls within the settle time not judged"}},
		{"re-push", Callbacks{FirstRepush: &RepushInterval{Count: 3, Min: 59 * time.Second, Mean: time.Minute, Max: 61 * time.Second, Contract: time.Minute}},
			[]string{"3 refused first deliveries re-pushed after 59s to 1m1s (mean 1m0s; contract 1m0s)"}},
		{"clock behind", Callbacks{Reference: "platform", PlatformClock: &ClockSpread{Samples: 9, Min: 3 * time.Second, Max: 4 * time.Second}},
			[]string{"platform's clock is probably behind"}},
		{"clock ahead", Callbacks{Reference: "platform", PlatformClock: &ClockSpread{Samples: 9, Min: -2 * time.Second, Max: time.Second}},
			[]string{"platform's clock is ahead of the receiver's by at least 2s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := strings.Join(tc.cb.Lines(), "\n")
			page := renderHTML(t, &Summary{Callbacks: &tc.cb})
			for _, w := range tc.want {
				if !strings.Contains(lines, w) {
					t.Errorf("console lacks %q:\n%s", w, lines)
				}
			}
			if tc.name == "unknown" && (!strings.Contains(page, "missing: unknown") || strings.Contains(page, ">missing</td>")) {
				t.Error("the HTML report shows a measured missing count where it is unknown")
			}
			if tc.cb.FirstRepush != nil && !strings.Contains(page, "the contract says 1m0s") {
				t.Error("the HTML report lacks the re-push interval")
			}
			if tc.cb.PlatformClock != nil && !strings.Contains(page, "Clock:") {
				t.Error("the HTML report lacks the clock note")
			}
		})
	}
}
