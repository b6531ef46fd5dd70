package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
)

// axybTags selects the AXYB features.
const axybTags = "@axyb.bind,@axyb.unbind,@axyb.query"

// axybStates counts the states of the AXYB scenarios of a conformance.json and fails on any
// AXYB scenario whose state is not in allowed.
func axybStates(t *testing.T, dir string, allowed ...string) map[string]int {
	t.Helper()
	res := readConformance(t, dir)
	out := map[string]int{}
	for _, s := range res.Scenarios {
		if !strings.HasPrefix(s.Key, "axyb_") {
			t.Errorf("scenario %s ran, but only AXYB was selected", s.Key)
			continue
		}
		out[s.State]++
		ok := false
		for _, a := range allowed {
			ok = ok || s.State == a
		}
		if !ok {
			t.Errorf("%s: %s (%s%s)", s.Key, s.State, s.Reason, s.Error)
		}
	}
	return out
}

// TestAXYBConformEmbedded: `harness conform` against the embedded emulator runs every AXYB
// scenario, and each passes.
func TestAXYBConformEmbedded(t *testing.T) {
	out := filepath.Join(t.TempDir(), "conf")
	code, stdout, stderr := runHarness(t, nil, "conform", "--tags", axybTags, "--coverage=false", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got := axybStates(t, out, conformance.StatePassed); got[conformance.StatePassed] < 40 {
		t.Fatalf("AXYB scenarios %v, want at least 40 passed", got)
	}
	// The AXYB calls (events, fee records, causes 8030-8032) need the emulator's simulator.
	out = filepath.Join(t.TempDir(), "calls")
	code, stdout, stderr = runHarness(t, nil, "conform", "--coverage=false", "--out", out, "features/axyb_calls.feature")
	if code != exitOK {
		t.Fatalf("calls: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got := axybStates(t, out, conformance.StatePassed); got[conformance.StatePassed] < 9 {
		t.Fatalf("AXYB call scenarios %v, want at least 9 passed", got)
	}
}

// axybPlatformProfile is the demo profile's AXB and AXYB apps, declared as a target that is
// not the emulator and offers those two modes: @emulator scenarios are not checked.
func axybPlatformProfile(t *testing.T) string {
	t.Helper()
	p := conformance.DefaultProfile()
	p.Emulator = false
	for name := range p.Apps {
		if name != "AXB" && name != "AXYB" {
			delete(p.Apps, name)
		}
	}
	p.Capabilities.Modes = []pns.Mode{pns.ModeAXB, pns.ModeAXYB} // a platform of these two modes
	b, err := yaml.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "profile.yaml")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAXYBConformPlatformOnly: against `harness emulate --platform-only` (TLS, its own
// lockout and flow control, no admin API on its port) the documented AXYB rules pass, the
// decided ones (@emulator) are not checked with their reason, nothing is left bound; with the
// AXYB bind faulted through the admin port, the same run fails (exit 1), so the scenarios can.
func TestAXYBConformPlatformOnly(t *testing.T) {
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.LockoutFailures = 100000 // the deliberate failures of other suites never run here, but be safe
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(t.TempDir(), "platform.yaml")
	if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	p := startPlatform(t, "--config", cfgPath)
	prof := axybPlatformProfile(t)
	out := filepath.Join(t.TempDir(), "conf")
	code, stdout, stderr := runHarness(t, nil, "conform", "--target", p.URL, "--ca-file", p.CertFile,
		"--profile", prof, "--tags", axybTags, "--coverage=false", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	got := axybStates(t, out, conformance.StatePassed, conformance.StateNotChecked)
	if got[conformance.StatePassed] < 10 || got[conformance.StateNotChecked] < 10 {
		t.Fatalf("AXYB scenarios %v, want both passed and not-checked ones", got)
	}
	for _, s := range readConformance(t, out).Scenarios {
		// Besides @emulator, a scenario may wait in real time (@slow, run only with --slow) or
		// need an app this profile does not have (AXYB-norec, the app without recording).
		if s.State == conformance.StateNotChecked && !strings.Contains(s.Reason, "@emulator") &&
			!strings.Contains(s.Reason, "@slow") && !strings.Contains(s.Reason, "the profile has no app") {
			t.Errorf("%s: not checked without the @emulator, @slow or missing-app reason: %q", s.Key, s.Reason)
		}
	}
	if n := p.bindings(t); n != 0 {
		t.Fatalf("%d bindings left on the platform", n)
	}

	injectFault(t, p.AdminURL, "axyb.bind", "1010001")
	out = filepath.Join(t.TempDir(), "faulted")
	code, stdout, stderr = runHarness(t, nil, "conform", "--target", p.URL, "--ca-file", p.CertFile,
		"--profile", prof, "--tags", axybTags, "--coverage=false", "--out", out)
	if code != exitFailed {
		t.Fatalf("faulted axyb.bind: exit %d, want %d\n%s\n%s", code, exitFailed, stdout, stderr)
	}
	if got := axybStates(t, out, conformance.StatePassed, conformance.StateNotChecked, conformance.StateFailed); got[conformance.StateFailed] == 0 {
		t.Fatalf("faulted axyb.bind: states %v, want failures", got)
	}
}

// TestAXYBNotApplicableWithoutApp: a profile written for the first scope (AXB, AX and AXE
// apps, no capabilities.modes) stays valid; its AXYB scenarios are not applicable, with the
// reason, and the run passes.
func TestAXYBNotApplicableWithoutApp(t *testing.T) {
	p := conformance.DefaultProfile()
	delete(p.Apps, "AXYB")
	b, err := yaml.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	prof := filepath.Join(t.TempDir(), "profile.yaml")
	if err := os.WriteFile(prof, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "conf")
	code, stdout, stderr := runHarness(t, nil, "conform", "--profile", prof, "--tags", axybTags, "--coverage=false", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	got := axybStates(t, out, conformance.StateNotApplicable)
	if got[conformance.StateNotApplicable] < 40 {
		t.Fatalf("AXYB scenarios %v, want every one not applicable", got)
	}
	for _, s := range readConformance(t, out).Scenarios {
		if !strings.Contains(s.Reason, "no AXYB app") {
			t.Errorf("%s: reason %q does not name the missing AXYB app", s.Key, s.Reason)
		}
	}
}

// TestAXYBLoadWorkload: `harness load --workload` with the AXYB example against the embedded
// emulator binds, queries and unbinds AXYB relations, every request succeeding, and the
// summary names the AXYB interfaces.
func TestAXYBLoadWorkload(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "load")
	code, stdout, stderr := runHarness(t, nil, "load", "--workload", filepath.Join("..", "..", "loadtest", "testdata", "axyb.yaml"),
		"--duration", "1s", "--generator-lag", "0", "--progress", "-1", "--out", dir)
	if code != exitOK {
		t.Fatalf("load: exit %d\n%s\n%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, loadtest.ResultFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, iface := range []string{"axyb.bind", "axyb.query", "axyb.unbind"} {
		if !strings.Contains(string(data), `"`+iface+`"`) {
			t.Errorf("the load's %s lacks %s", loadtest.ResultFile, iface)
		}
	}
}
