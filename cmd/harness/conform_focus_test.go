package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/reports"
)

// readConformance reads the conformance.json a `harness conform --out dir` wrote.
func readConformance(t *testing.T, dir string) conformance.Result {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "conformance.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r conformance.Result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestConformLocationAndName: positional feature:line arguments, in the report's spelling and
// with the repository's features/ directory, run exactly the scenarios (or outline rows) on
// those lines, and --name runs those whose name matches; the reports hold only them.
func TestConformLocationAndName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want []string // scenario names, in run order
	}{
		{"scenario line with features/", []string{"features/axb_bind.feature:53"},
			[]string{"The platform chooses an X of the requested city under strict matching"}},
		{"report spelling, one Examples row", []string{"axb_bind.feature:120"},
			[]string{"X reuse rule: with A-X-B bound, binding C-X-A on the same X is refused"}},
		{"two locations", []string{"./features/axb_bind.feature:44", "features/axb_bind.feature:119"},
			[]string{"relationNum wins over areaCode", "X reuse rule: with A-X-B bound, binding A-X-C on the same X is refused"}},
		{"name", []string{"--name", "^relationNum wins"}, []string{"relationNum wins over areaCode"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, string(rune('a'+i)))
			args := append([]string{"conform", "--coverage=false", "--out", out}, tt.args...)
			code, stdout, stderr := runHarness(t, nil, args...)
			if code != exitOK {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			r := readConformance(t, out)
			var got []string
			for _, s := range r.Scenarios {
				got = append(got, s.Name)
				if s.State != conformance.StatePassed {
					t.Errorf("%s: %s (%s)", s.Key, s.State, s.Reason)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("ran %q, want %q", got, tt.want)
			}
			junit, err := os.ReadFile(filepath.Join(out, "junit.xml"))
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(junit), "<testcase "); n != len(tt.want) {
				t.Errorf("junit.xml has %d test cases, want %d", n, len(tt.want))
			}
		})
	}
}

// TestConformLocationErrors: a location or name that selects nothing, a file the suite does
// not have and a malformed line are usage errors (exit 2) of one line on stderr, and run
// nothing.
func TestConformLocationErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"line between scenarios", []string{"features/axb_bind.feature:54"}, "axb_bind.feature:54 selects no scenario: no Scenario, Scenario Outline or Examples row starts on line 54 (nearest: axb_bind.feature:53, axb_bind.feature:62)"},
		{"unknown file", []string{"features/nope.feature:3"}, "nope.feature is not a feature of the suite (the embedded features are answers.feature, "},
		{"other directory", []string{"specs/axb_bind.feature"}, "the features are embedded in the binary; name one as features/axb_bind.feature or axb_bind.feature"},
		{"bad line", []string{"axb_bind.feature:x"}, "the line after ':' must be a positive number"},
		{"not a feature", []string{"axb_bind"}, "is not a feature location"},
		{"tags exclude the line", []string{"--tags", "@ax.bind", "axb_bind.feature:53"}, "axb_bind.feature:53: no scenario selected among those the tags select"},
		{"name matches nothing", []string{"--name", "no such scenario"}, `name matching "no such scenario": no scenario selected`},
		{"bad name", []string{"--name", "("}, "--name: error parsing regexp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, stdout, stderr := runHarness(t, nil, append([]string{"conform", "--out", out}, tt.args...)...)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d\n%s%s", code, exitUsage, stdout, stderr)
			}
			if lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n"); len(lines) != 1 || !strings.Contains(lines[0], tt.want) {
				t.Errorf("stderr is not one line with %q:\n%s", tt.want, stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a refused selection wrote %s", out)
			}
		})
	}
}

// TestConformStopOnFailure: with --stop-on-failure the run ends at the first failed scenario:
// every scenario after it is not checked with the reason "stopped after the first failure"
// (console, conformance.json, junit.xml), the bindings are still cleaned up and the exit code
// is 1. The failure comes from a profile whose AX X numbers are not the emulator's.
func TestConformStopOnFailure(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	prof := filepath.Join(dir, "wrong-x.yaml")
	if err := os.WriteFile(prof, []byte(`
emulator: true
numberBlocks: ["+86138001"]
apps:
  AXB: {appKey: demo-axb, appSecret: wrong, xRanges: [{from: "+8617001100000", count: 200, cityCode: "010"}]}
  AX: {appKey: demo-ax, appSecret: demo-ax-secret, xRanges: [{from: "+8617002100000", count: 200}]}
  AXE: {appKey: demo-axe, appSecret: demo-axe-secret, xRanges: [{from: "+8617003100000", count: 200}]}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runHarness(t, nil, "conform", "--coverage=false", "--profile", prof, "--out", out,
		"--stop-on-failure", "features/ax_bind.feature", "features/axb_bind.feature")
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitFailed, stdout, stderr)
	}
	r := readConformance(t, out)
	if r.Failed != 1 {
		t.Fatalf("%d failed, want 1 (the run stops at the first)\n%s", r.Failed, stdout)
	}
	failedAt := -1
	for i, s := range r.Scenarios {
		switch {
		case s.State == conformance.StateFailed:
			failedAt = i
		case failedAt >= 0 && (s.State != conformance.StateNotChecked || s.Reason != conformance.StoppedReason):
			t.Errorf("%s after the failure: %s (%s), want not checked (%s)", s.Key, s.State, s.Reason, conformance.StoppedReason)
		case failedAt < 0 && s.State != conformance.StatePassed:
			t.Errorf("%s before the failure: %s (%s)", s.Key, s.State, s.Reason)
		}
	}
	stopped := len(r.Scenarios) - failedAt - 1
	if stopped == 0 {
		t.Fatalf("the failure was the last scenario; nothing shows the stop\n%s", stdout)
	}
	if r.NotChecked != stopped || r.Passed != failedAt {
		t.Errorf("counts %d passed, %d not checked; want %d, %d", r.Passed, r.NotChecked, failedAt, stopped)
	}
	wantLine := "NOT CHECKED (" + strconv.Itoa(stopped) + "): stopped after the first failure"
	if !strings.Contains(stdout, wantLine) {
		t.Errorf("console lacks %q:\n%s", wantLine, stdout)
	}
	m := regexp.MustCompile(`cleanup: (\d+) bindings created, (\d+) removed by cleanup, (\d+) already unbound by their scenarios, 0 leaked`).FindStringSubmatch(stdout)
	if m == nil || m[1] == "0" {
		t.Errorf("no cleanup of created bindings, or a leak:\n%s", stdout)
	}
	junit, err := os.ReadFile(filepath.Join(out, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	// ax_bind and axb_bind share scenario names: every skipped case must carry its own reason
	// (the stop), not the reason or step text of its namesake in the other feature.
	if want := `failures="1" errors="0" skipped="` + strconv.Itoa(stopped) + `"`; !strings.Contains(string(junit), want) {
		t.Errorf("junit.xml does not count %d skipped and 1 failure:\n%.300s", stopped, junit)
	}
	jskips := junitSkips(t, junit)
	if len(jskips) != stopped {
		t.Errorf("junit.xml has %d skipped cases, want %d", len(jskips), stopped)
	}
	wantMsg := "not checked: " + conformance.StoppedReason
	for k, msg := range jskips {
		if msg != wantMsg {
			t.Errorf("junit.xml case %q: skipped %q, want %q", k, msg, wantMsg)
		}
	}
	cskips := ctrfSkips(t, out)
	if len(cskips) != len(jskips) {
		t.Errorf("ctrf.json has %d skipped tests, junit.xml %d", len(cskips), len(jskips))
	}
	for k, msg := range jskips {
		if c, ok := cskips[k]; !ok || c != msg {
			t.Errorf("case %q: junit.xml says %q, ctrf.json %q (present %v)", k, msg, c, ok)
		}
	}
}

// junitSkips maps "suite / case" of every skipped test case of a junit.xml to its message.
func junitSkips(t *testing.T, data []byte) map[string]string {
	t.Helper()
	var doc struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.Skipped != nil {
				k := s.Name + " / " + c.Name
				if _, dup := out[k]; dup {
					t.Errorf("junit.xml names %q twice", k)
				}
				out[k] = c.Skipped.Message
			}
		}
	}
	return out
}

// ctrfSkips maps "feature / scenario" of every skipped conformance test of dir/ctrf.json to
// its message.
func ctrfSkips(t *testing.T, dir string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, reports.CTRFFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := reports.ReadCTRF(f)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, tc := range rep.Results.Tests {
		if tc.Status == reports.CTRFSkipped && len(tc.Suite) == 2 && tc.Suite[0] == "conformance" {
			out[tc.Suite[1]+" / "+tc.Name] = tc.Message
		}
	}
	return out
}

// TestConformFailureReproduction: a failed request's block carries a curl command that
// reproduces it (method, URL, headers, body) on the console and in cucumber.json, with the
// signature header left to a shell variable: neither the app secret nor the digest sent is
// printed.
func TestConformFailureReproduction(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const secret = "s3cret-never-printed"
	prof := filepath.Join(dir, "wrong-secret.yaml")
	if err := os.WriteFile(prof, []byte(`
emulator: true
numberBlocks: ["+86138001"]
apps:
  AXB: {appKey: demo-axb, appSecret: `+secret+`, xRanges: [{from: "+8617001100000", count: 200, cityCode: "010"}]}
  AX: {appKey: demo-ax, appSecret: demo-ax-secret, xRanges: [{from: "+8617002100000", count: 200}]}
  AXE: {appKey: demo-axe, appSecret: demo-axe-secret, xRanges: [{from: "+8617003100000", count: 200}]}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runHarness(t, nil, "conform", "--coverage=false", "--profile", prof, "--out", out,
		"--stop-on-failure", "features/axb_bind.feature:53")
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitFailed, stdout, stderr)
	}
	re := regexp.MustCompile(`(?m)^reproduce: curl -X POST 'http://127\.0\.0\.1:\d+/rest/caas/relationnumber/partners/v1\.0' .*-H 'Content-Type: application/json;charset=UTF-8' -H "X-AKSK: \$PNS_SIGNED_HEADER" --data-raw '\{.*"callerNum":"\+86138001\d+".*\}'  # PNS_SIGNED_HEADER: a fresh X-AKSK value signed for app key demo-axb \(the one sent is not printed\): PNS_SIGNED_HEADER="\$\(harness sign --profile '([^']+)' --app-key 'demo-axb' --format value\)"`)
	m := re.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("console has no reproduction of the failed bind with its harness sign command:\n%s", stdout)
	}
	// The sign command the line names, run as printed, signs for that app with the profile's
	// secret (the one the failed request used).
	code, signed, serr := runHarness(t, nil, "sign", "--profile", m[1], "--app-key", "demo-axb", "--format", "value")
	if code != exitOK {
		t.Fatalf("the printed harness sign command: exit %d\n%s", code, serr)
	}
	attrs := pns.ParseAttributes(strings.TrimPrefix(strings.TrimSpace(signed), "UsernameToken "))
	if attrs["Username"] != "demo-axb" || attrs["PasswordDigest"] != pns.AKSKDigest(secret, attrs["Nonce"], attrs["Created"]) {
		t.Errorf("harness sign printed %q: not an X-AKSK value of demo-axb signed with the profile's secret", signed)
	}
	cucumber, err := os.ReadFile(filepath.Join(out, "cucumber.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cucumber), `reproduce: curl -X POST`) {
		t.Errorf("cucumber.json (the report's failure block) has no reproduction")
	}
	for name, text := range map[string]string{"stdout": stdout, "stderr": stderr, "cucumber.json": string(cucumber)} {
		if strings.Contains(text, secret) || strings.Contains(text, "PasswordDigest=") {
			t.Errorf("%s prints the secret or a signature", name)
		}
	}
}
