package conformance

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pns-harness/pns-harness/reports"
)

// runFeature runs one feature text against handler with the default profile.
func runFeature(t *testing.T, feature string, h http.Handler, emulator bool) *Result {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	p := DefaultProfile()
	p.Emulator = emulator
	res, err := Run(context.Background(), Options{Target: srv.URL, Profile: p,
		FS: fstest.MapFS{"test.feature": &fstest.MapFile{Data: []byte(feature)}}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// fixed answers every request with one status and body.
func fixed(status int, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
}

func only(t *testing.T, res *Result) ScenarioResult {
	t.Helper()
	if len(res.Scenarios) != 1 {
		t.Fatalf("want 1 scenario, got %+v", res.Scenarios)
	}
	return res.Scenarios[0]
}

const rejectFeature = `@axb.bind
Feature: f
  Scenario: s
    Given the AXB app
    When I bind AXB with:
      """
      %s
      """
    Then the result code is "1010002"
`

func TestNoFalseNegatives(t *testing.T) {
	reject := fixed(403, `{"resultcode":"1010002","resultdesc":"Invalid request. callerNum"}`)
	tests := []struct {
		name, body, extraTag, status, errPart string
	}{
		{"schema-valid payload", `{"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>"}`, "", "failed", "test data is wrong: payload is valid against axb-bind.request"},
		{"schema-invalid payload", `{"calleeNum":"<B1>","relationNum":"<X1>"}`, "", "passed", ""},
		{"tagged @schema-valid", `{"callerNum":"<A1>","calleeNum":"<A1>"}`, "@schema-valid", "passed", ""},
		{"wrongly tagged @schema-valid", `{"callerNum":"<A1>"}`, "@schema-valid", "failed", "tagged @schema-valid but the payload violates axb-bind.request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := strings.Replace(rejectFeature, "%s", tt.body, 1)
			if tt.extraTag != "" {
				f = strings.Replace(f, "  Scenario: s", "  "+tt.extraTag+"\n  Scenario: s", 1)
			}
			s := only(t, runFeature(t, f, reject, true))
			if s.Status != tt.status || !strings.Contains(s.Error, tt.errPart) {
				t.Errorf("status %s error %q, want %s containing %q", s.Status, s.Error, tt.status, tt.errPart)
			}
		})
	}
}

func TestResponseSchemaChecked(t *testing.T) {
	const f = `@axb.bind
Feature: f
  Scenario: s
    Given the AXB app
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the result code is "0"
`
	tests := []struct {
		name, body, status string
	}{
		{"complete", `{"resultcode":"0","resultdesc":"Success","subscriptionId":"s-1","relationNum":"+8617001100001"}`, "passed"},
		{"subscriptionId missing", `{"resultcode":"0","resultdesc":"Success","relationNum":"+8617001100001"}`, "failed"},
		{"numeric resultcode", `{"resultcode":0,"resultdesc":"Success","subscriptionId":"s-1","relationNum":"+8617001100001"}`, "failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := only(t, runFeature(t, f, fixed(200, tt.body), true))
			if s.Status != tt.status {
				t.Errorf("status %s (%s), want %s", s.Status, s.Error, tt.status)
			}
		})
	}
}

// TestHTTPStatusRule: exact status for [V] pairs and against the emulator, status class
// otherwise (reference §1.6).
func TestHTTPStatusRule(t *testing.T) {
	feature := func(code string) string {
		return `@axb.unbind
Feature: f
  Scenario: s
    Given the AXB app
    When I unbind AXB with "subscriptionId=x"
    Then the result code is "` + code + `"
`
	}
	tests := []struct {
		name     string
		code     string
		status   int
		emulator bool
		want     string
	}{
		{"[I] code, other 4xx, real platform", "1012007", 400, false, "passed"},
		{"[I] code, other 4xx, emulator", "1012007", 400, true, "failed"},
		{"[I] code, 5xx, real platform", "1012007", 500, false, "failed"},
		{"[V] code, wrong status, real platform", "1012001", 400, false, "failed"},
		{"[V] code, right status, real platform", "1012001", 403, false, "passed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"resultcode":"` + tt.code + `","resultdesc":"x"}`
			s := only(t, runFeature(t, feature(tt.code), fixed(tt.status, body), tt.emulator))
			if s.Status != tt.want {
				t.Errorf("status %s (%s), want %s", s.Status, s.Error, tt.want)
			}
		})
	}
}

// TestEmulatorScenariosSkipped: against a non-emulator target @emulator scenarios are reported
// as skipped, not filtered out, and the run still succeeds.
func TestEmulatorScenariosSkipped(t *testing.T) {
	const f = `@axb.unbind
Feature: f
  Scenario: plain
    Given the AXB app
    When I unbind AXB with "subscriptionId=x"
    Then the result code is "1012007"

  @emulator
  Scenario: emulator only
    Given the AXB app
    When I unbind AXB with "subscriptionId=x"
    Then the result code is "1012007"
`
	res := runFeature(t, f, fixed(403, `{"resultcode":"1012007","resultdesc":"The record does not exist."}`), false)
	if res.Status != 0 || res.Passed != 1 || res.Skipped != 1 || len(res.Scenarios) != 2 {
		t.Fatalf("status %d passed %d skipped %d: %+v", res.Status, res.Passed, res.Skipped, res.Scenarios)
	}
	for _, s := range res.Scenarios {
		if s.Name == "emulator only" && (s.Status != "skipped" || len(s.Observations) != 0) {
			t.Errorf("emulator scenario: %+v", s)
		}
	}
}

// TestRunWritesReports checks the report files of a small run against the embedded emulator.
func TestRunWritesReports(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	res, err := Run(context.Background(), Options{OutDir: dir, Tags: "@axe.query"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 0 || res.Passed == 0 {
		t.Fatalf("status %d: %v", res.Status, res.FailedKeys())
	}
	for _, f := range []string{"cucumber.json", "junit.xml", "coverage.json", "conformance.json"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestFeaturePathsAuthenticationLast(t *testing.T) {
	fsys := fstest.MapFS{
		"authentication.feature": {}, "axb_bind.feature": {}, "zz.feature": {}, "notes.txt": {},
	}
	got, err := featurePaths(fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"axb_bind.feature", "zz.feature", "authentication.feature"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestValidateTags(t *testing.T) {
	tests := []struct {
		expr string
		ok   bool
	}{
		{"", true},
		{"@axb.bind", true},
		{"@axb.bind,@ax.bind && ~@emulator", true},
		{"@a,,@b", false},
		{"axb.bind", false},
		{"(@a)", false},
		{"@a && ", false},
	}
	for _, tt := range tests {
		if err := ValidateTags(tt.expr); (err == nil) != tt.ok {
			t.Errorf("ValidateTags(%q) = %v, want ok=%v", tt.expr, err, tt.ok)
		}
	}
}

func TestMendJUnitSkips(t *testing.T) {
	const in = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="s" tests="3" skipped="0" failures="1" errors="0" time="0">
  <testsuite name="f" tests="3" skipped="0" failures="1" errors="0" time="0">
    <testcase name="ok" status="passed" time="0"></testcase>
    <testcase name="skip" status="" time="0"><error message="Step a" type="skipped"></error><error message="Step b" type="skipped"></error></testcase>
    <testcase name="bad" status="failed" time="0"><failure message="Step a: boom"></failure><error message="Step b" type="skipped"></error></testcase>
  </testsuite>
</testsuites>`
	doc, err := reports.ReadJUnit([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	mendJUnitSkips(doc, map[string]string{junitKey("f", "skip"): "needs the emulator", junitKey("other", "skip"): "another feature's reason"})
	var out bytes.Buffer
	if err := doc.Write(&out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		`<testsuites name="s" tests="3" failures="1" errors="0" skipped="1"`,
		`<testcase name="skip" status="skipped" time="0">`,
		`<skipped message="needs the emulator"></skipped>`,
		`<testcase name="bad" status="failed"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Count(s, `type="skipped"`) != 1 {
		t.Errorf("skipped errors of the passing case should be gone, the failed case keeps its own:\n%s", s)
	}
}
