package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/conformance"
)

// TestAXYBStopCallPlatformOnly runs the stop-call scenarios with an AXYB app in the profile
// against `harness emulate --platform-only` described as a real platform, with either decision
// set: the AXYB app's stop call is never refused as another mode's API (D79 asserts it for AXYB
// on every platform, since the AXYB menu lists the stop call), so that scenario passes in both;
// the live-call one needs the emulator and is not checked.
func TestAXYBStopCallPlatformOnly(t *testing.T) {
	for _, decisions := range []string{"default", "alternative"} {
		t.Run(decisions, func(t *testing.T) {
			p := startPlatform(t, "--decisions", decisions)
			out := filepath.Join(t.TempDir(), "conf")
			code, stdout, stderr := runHarness(t, axybEnv, "conform", "--target", p.URL, "--ca-file", p.CertFile,
				"--profile", platformProfile(t, axybProfileApp), "--tags", "@call.stop", "--coverage=false", "--out", out,
				"features/axyb_stop_call.feature")
			if code != exitOK {
				t.Fatalf("exit %d\n%s\n%s", code, lastLines(stdout, 30), stderr)
			}
			states := map[string]int{}
			for _, s := range readConformance(t, out).Scenarios {
				if !strings.HasPrefix(s.Key, "axyb_stop_call") {
					t.Errorf("scenario %s ran, but only the AXYB stop call was selected", s.Key)
					continue
				}
				states[s.State]++
			}
			if states[conformance.StatePassed] != 1 || states[conformance.StateNotChecked] != 1 || len(states) != 2 {
				t.Errorf("AXYB stop-call scenarios %v, want one passed and the live call not checked", states)
			}
		})
	}
}
