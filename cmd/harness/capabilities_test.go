package main

import (
	"strings"
	"testing"
)

// TestConformCapabilitiesXModeSMSControl runs the X-mode and SMS-control scenarios through
// the binary against `emulate --platform-only` as a real platform. A profile that declares
// capabilities.modes without X and smsControl: false makes every one of them "not
// applicable", naming the capability; the same profile without those declarations leaves
// them "not checked" (they need the emulator's call simulator), so the declaration, not the
// target, is what changed the verdict.
func TestConformCapabilitiesXModeSMSControl(t *testing.T) {
	p := startPlatform(t)
	run := func(extra string) []stopScenario {
		t.Helper()
		out := t.TempDir()
		code, stdout, stderr := runHarness(t, platformEnv, "conform", "--target", p.URL, "--ca-file", p.CertFile,
			"--profile", platformProfile(t, extra), "--name", `^X: |^AX: (vNumberRoute|DiscardMessage|an invalid Block reply)`, "--out", out)
		if code != exitOK {
			t.Fatalf("%q: exit %d\n%s\n%s", extra, code, lastLines(stdout, 30), stderr)
		}
		return readStopScenarios(t, out)
	}
	feature := func(key string) string { return strings.SplitN(key, ":", 2)[0] }

	seen := map[string]int{}
	for _, s := range run("capabilities: {modes: [AXB, AX, AXE], smsControl: false}\n") {
		seen[feature(s.Key)]++
		want := "capabilities.modes leave out X"
		if feature(s.Key) == "sms_control.feature" {
			want = "SMS control address"
		}
		if s.State != "not applicable" || !strings.Contains(s.Reason, want) {
			t.Errorf("declared: %s: %s %q, want not applicable naming %q", s.Key, s.State, s.Reason, want)
		}
	}
	for _, f := range []string{"xmode.feature", "sms_control.feature", "hangup_causes.feature"} {
		if seen[f] == 0 {
			t.Errorf("declared: no scenario of %s ran (%v)", f, seen)
		}
	}

	for _, s := range run("") {
		if s.State != "not checked" || s.Reason == "" {
			t.Errorf("undeclared: %s: %s %q, want not checked with a reason", s.Key, s.State, s.Reason)
		}
	}
}
