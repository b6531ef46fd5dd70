package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/emulator"
)

// TestConformAlternativePlatform is the proof that the suite fails no platform for deciding
// differently where the contract is silent: the whole suite runs in --target mode against
// `harness emulate --platform-only --decisions alternative` (TLS, lockout and flow control on,
// another answer for every decision docs/fidelity.md lists) and must find 0 failed scenarios,
// each scenario it could not check carrying its reason. A failure here is either a scenario
// asserting a decision without its @decision: tag, or the alternative set breaking a
// documented rule; never fix it by weakening a documented check.
func TestConformAlternativePlatform(t *testing.T) {
	t.Parallel()
	// A short lockout window so that the profile's pacing keeps the suite's deliberate
	// authentication failures below the lockout within seconds.
	p := startPlatform(t, "--decisions", emulator.DecisionsAlternative,
		"--config", platformConfig(t, func(c *emulator.Config) { c.LockoutWindowSeconds = 2 }))
	if !strings.Contains(p.logs.String(), "decisions=alternative") {
		t.Fatalf("the platform does not say it runs the alternative decisions:\n%s", p.logs.String())
	}
	out := t.TempDir()
	code, stdout, stderr := runHarness(t, platformEnv, "conform", "--target", p.URL, "--profile", platformProfile(t, "lockout: {failures: 10, window: 2s}\n"),
		"--ca-file", p.CertFile, "--out", out, "--randomize", "3")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, lastLines(stdout, 40), stderr)
	}
	res := readScenarios(t, filepath.Join(out, "conformance.json"))
	passed, decided := 0, 0
	for _, s := range res {
		switch {
		case s.Status == "passed":
			passed++
		case s.Status == "failed" || s.Status == "undefined" || s.Status == "pending":
			t.Errorf("%s: %s: %s", s.Key, s.Status, s.reason())
		case s.reason() == "":
			t.Errorf("%s: %s without a reason", s.Key, s.Status)
		case strings.Contains(s.reason(), "differs from the emulator's decision"):
			decided++
		}
	}
	// The run checked something and the decision tags did their work: a suite that skipped
	// everything, or found no decision to set aside, would prove nothing.
	if passed < len(res)/2 || decided == 0 {
		t.Errorf("%d scenarios: %d passed, %d differing from emulator decisions", len(res), passed, decided)
	}
	if ids := p.bindingIDs(t); len(ids) != 0 {
		t.Errorf("the platform holds %d bindings after the run", len(ids))
	}
}

// scenarioOutcome is the part of a conformance.json scenario this test reads.
type scenarioOutcome struct {
	Key    string `json:"key"`
	Status string `json:"status"`
	Error  string `json:"error"`
	Reason string `json:"reason"`
}

func (s scenarioOutcome) reason() string { return s.Reason + s.Error }

func readScenarios(t *testing.T, path string) []scenarioOutcome {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Scenarios []scenarioOutcome `json:"scenarios"`
	}
	if err := json.Unmarshal(data, &r); err != nil || len(r.Scenarios) == 0 {
		t.Fatalf("%s: %v, %d scenarios", path, err, len(r.Scenarios))
	}
	return r.Scenarios
}

// lastLines keeps the end of a long output for a failure message.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestEmulateDecisionsFlag: an unknown decision set is a usage error in one line, and the
// config key is refused the same way.
func TestEmulateDecisionsFlag(t *testing.T) {
	t.Parallel()
	code, _, stderr := runHarness(t, nil, "emulate", "--decisions", "other")
	oneLine(t, "--decisions other", stderr, `harness emulate: --decisions "other": want default or alternative`)
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	cfg := filepath.Join(t.TempDir(), "emulator.yaml")
	if err := os.WriteFile(cfg, []byte("decisions: surprising\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runHarness(t, nil, "emulate", "--config", cfg)
	if code != exitUsage || !strings.Contains(stderr, `decisions: "surprising": want default or alternative`) {
		t.Errorf("config key: exit %d, stderr %q", code, stderr)
	}
}
