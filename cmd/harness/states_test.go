package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// badAXEProfile is the embedded emulator's profile with a wrong AXE secret: every AXE request
// fails, the way a platform that differs on one interface would.
func badAXEProfile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bad-axe.yaml")
	if err := os.WriteFile(path, []byte(`
emulator: true
numberBlocks: ["+86138001"]
apps:
  AXB: {appKey: demo-axb, appSecret: demo-axb-secret, xRanges: [{from: "+8617001100000", count: 200, cityCode: "010"}]}
  AX: {appKey: demo-ax, appSecret: demo-ax-secret, xRanges: [{from: "+8617002100000", count: 200}]}
  AXE: {appKey: demo-axe, appSecret: wrong, extensionDigits: 4, xRanges: [{from: "+8617003100000", count: 200}]}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

var summaryRE = regexp.MustCompile(`(?m)^(\d+) scenarios: (\d+) passed, (\d+) failed, (\d+) not checked, (\d+) not applicable, (\d+) known differences, (\d+) differ from emulator decisions in `)

// TestConformKnownDifferences: through the binary, failures a known-differences file accepts
// are known differences (exit 0, one summary line, each listed with its reason, JUnit
// <skipped>); an expired entry no longer excuses (exit 1) and is stale; --strict fails on a
// stale entry; a malformed file is one line on stderr and exit 2.
func TestConformKnownDifferences(t *testing.T) {
	t.Parallel()
	prof := badAXEProfile(t)
	known := writeFile(t, "known.yaml", `differences:
  - rule: "@axe.query"
    reason: our AXE app is provisioned later (ticket REL-7)
`)
	out := t.TempDir()
	code, stdout, stderr := runHarness(t, nil, "conform", "--tags", "@axe.query && ~@emulator", "--profile", prof, "--known-differences", known, "--out", out, "--coverage=false")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	m := summaryRE.FindAllStringSubmatch(stdout, -1)
	if len(m) != 1 || m[0][3] != "0" || m[0][6] == "0" || m[0][6] != m[0][1] {
		t.Fatalf("want one summary line with every scenario a known difference, got %v\n%s", m, stdout)
	}
	if strings.Contains(stdout, "scenarios (") {
		t.Errorf("godog's own summary line is printed too:\n%s", stdout)
	}
	if !regexp.MustCompile(`(?m)^KNOWN DIFFERENCE axe_query\.feature:.*our AXE app is provisioned later \(ticket REL-7\); the platform answered HTTP \d+ resultcode "\d+"`).MatchString(stdout) {
		t.Errorf("known differences are not listed with reason and answer:\n%s", stdout)
	}
	junit, err := os.ReadFile(filepath.Join(out, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(junit), `<skipped message="known difference: known difference (rule @axe.query): our AXE app`) || strings.Contains(string(junit), "<failure") {
		t.Errorf("junit.xml does not report the known differences as skipped:\n%.2000s", junit)
	}

	expired := writeFile(t, "expired.yaml", `differences:
  - rule: "@axe.query"
    reason: accepted for the 2020 release only
    expires: 2020-12-31
`)
	code, stdout, stderr = runHarness(t, nil, "conform", "--tags", "@axe.query && ~@emulator", "--profile", prof, "--known-differences", expired, "--out", t.TempDir(), "--coverage=false", "--strict")
	if code != exitFailed || !strings.Contains(stdout, "STALE known difference rule @axe.query: expired on 2020-12-31") ||
		!strings.Contains(stdout, "STRICT known difference rule @axe.query is stale: expired on 2020-12-31") {
		t.Errorf("expired entry: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if m := summaryRE.FindStringSubmatch(stdout); m == nil || m[3] == "0" || m[6] != "0" {
		t.Errorf("an expired entry still excuses: %v", m)
	}

	bad := writeFile(t, "bad.yaml", "differences:\n  - scenario: axe_query.feature:12\n")
	code, stdout, stderr = runHarness(t, nil, "conform", "--known-differences", bad)
	if code != exitUsage {
		t.Fatalf("bad file: exit %d\n%s\n%s", code, stdout, stderr)
	}
	oneLine(t, "bad known-differences file", stderr, "harness conform: known differences "+bad+": entry 1 (scenario axe_query.feature:12): reason: is required (why the difference is accepted)")
}

// TestConformStrict: --strict passes the whole embedded suite (every rule checked, nothing
// stale) and fails a run that leaves applicable rules unchecked, naming each with its reason;
// without --strict the same partial run passes.
func TestConformStrict(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runHarness(t, nil, "conform", "--strict", "--out", t.TempDir(), "--coverage=false")
	if code != exitOK || !strings.Contains(stdout, "strict: every applicable rule was checked and no known difference is stale") {
		t.Fatalf("whole suite --strict: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if m := summaryRE.FindStringSubmatch(stdout); m == nil || m[2] != m[1] {
		t.Errorf("whole embedded suite: not every scenario passed: %v", m)
	}
	code, stdout, stderr = runHarness(t, nil, "conform", "--tags", "@axe.query", "--out", t.TempDir(), "--coverage=false")
	if code != exitOK {
		t.Fatalf("partial run without --strict: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runHarness(t, nil, "conform", "--strict", "--tags", "@axe.query", "--out", t.TempDir(), "--coverage=false")
	if code != exitFailed || !strings.Contains(stdout, "STRICT rule axb.bind mandatory:callerNum not checked: no covering scenario was selected") {
		t.Errorf("partial run --strict: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// TestCertificationBundle: harness run --strict writes a bundle that harness verify accepts;
// a raw result edited afterwards is caught by its hash and by the recomputed verdict; a
// directory without a manifest is a usage error.
func TestCertificationBundle(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "bundle")
	code, stdout, stderr := runHarness(t, nil, "run", "--strict", "--no-load", "--out", out, "--seed", "3")
	// Without load the default callback thresholds cannot be measured: not checked, which
	// --strict refuses (exit 1); the bundle certifies the conformance verdict.
	if code != exitFailed || !strings.Contains(stdout, "certification bundle: "+filepath.Join(out, "certification.json")+" (PASS, ") ||
		!strings.Contains(stdout, "strict: threshold callback.missing==0 was not checked: "+missingUnknown) {
		t.Fatalf("run --strict: exit %d\n%s\n%s", code, stdout, stderr)
	}
	manifest, err := os.ReadFile(filepath.Join(out, "certification.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"suiteHash"`, `"contractHash"`, `"seed": 3`, `"appKey": "demo-axb"`, `"capabilities"`, `"conformance/conformance.json": "`} {
		if !strings.Contains(string(manifest), w) {
			t.Errorf("manifest lacks %s", w)
		}
	}
	if strings.Contains(string(manifest), "demo-axb-secret") {
		t.Error("the manifest holds an app secret")
	}
	code, stdout, stderr = runHarness(t, nil, "verify", out)
	if code != exitOK || !strings.Contains(stdout, "verify: PASS, every hash agrees") {
		t.Fatalf("verify of an untouched bundle: exit %d\n%s\n%s", code, stdout, stderr)
	}
	raw := filepath.Join(out, "conformance", "conformance.json")
	b, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(b), `"state": "passed"`, `"state": "failed"`, 1)
	if edited == string(b) {
		t.Fatal("no passed scenario in the raw results")
	}
	if err := os.WriteFile(raw, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runHarness(t, nil, "verify", out)
	if code != exitFailed || !strings.Contains(stdout, "MISMATCH conformance/conformance.json: SHA-256 ") ||
		!strings.Contains(stdout, "MISMATCH recomputed verdict FAIL (1 problems) differs from the recorded PASS (0 problems)") {
		t.Errorf("verify of an edited bundle: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, _, stderr = runHarness(t, nil, "verify", t.TempDir())
	if code != exitUsage {
		t.Errorf("verify without a manifest: exit %d", code)
	}
	oneLine(t, "verify without a manifest", stderr, "no certification.json (write one with harness run --strict)")
}
