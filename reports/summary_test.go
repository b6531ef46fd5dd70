package reports

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestComputeVerdict(t *testing.T) {
	pass := Scenario{Status: StatusPassed}
	tests := []struct {
		name    string
		s       Summary
		status  string
		reasons int
	}{
		{"nothing ran", Summary{}, VerdictEmpty, 1},
		{"all passed", Summary{Conformance: &Conformance{Scenarios: []Scenario{pass, {Status: StatusSkipped}}}}, VerdictPass, 0},
		{"failed scenario", Summary{Conformance: &Conformance{Scenarios: []Scenario{pass, {Status: StatusFailed}}}}, VerdictFail, 1},
		{"undefined scenario", Summary{Conformance: &Conformance{Scenarios: []Scenario{{Status: StatusUndefined}}}}, VerdictFail, 1},
		{"failed threshold", Summary{Thresholds: []Threshold{{Passed: true}, {Passed: false}}}, VerdictFail, 1},
		{"run error", Summary{Errors: []string{"target unreachable"}}, VerdictFail, 1},
		{"load only", Summary{Load: &Load{Scenarios: []LoadScenario{{Name: "x"}}}}, VerdictPass, 0},
		{"out-of-order, late and skewed callbacks alone do not fail", Summary{Callbacks: &Callbacks{Counters: CallbackCounters{OutOfOrder: 3, Late: 2, ClockSkew: 1}}}, VerdictPass, 0},
		{"missing callbacks fail", Summary{Callbacks: &Callbacks{Counters: CallbackCounters{Missing: 3}}}, VerdictFail, 1},
		{"duplicated callbacks fail", Summary{Callbacks: &Callbacks{Counters: CallbackCounters{Duplicate: 1}}}, VerdictFail, 1},
		{"bad signatures and schema violations fail", Summary{Callbacks: &Callbacks{Counters: CallbackCounters{BadSignature: 2, Invalid: 1}}}, VerdictFail, 2},
		{"emulator loss fails", Summary{Callbacks: &Callbacks{EmulatorLoss: &EmulatorLoss{Overflow: 1}}}, VerdictFail, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.s.ComputeVerdict()
			if v.Status != tt.status || len(v.Reasons) != tt.reasons {
				t.Errorf("verdict %q reasons %v, want %q with %d reasons", v.Status, v.Reasons, tt.status, tt.reasons)
			}
		})
	}
	v := fixtureSummary(t).ComputeVerdict()
	want := Verdict{Status: VerdictFail, ScenariosPassed: 7, ScenariosFailed: 2, ScenariosSkipped: 1, ScenariosUndefined: 1, ScenariosNotChecked: 1,
		ThresholdsPassed: 4, ThresholdsFailed: 2, LoadScenarios: 2, CallbackAnomalies: 6, CallbackFailures: 2,
		Reasons: []string{"2 scenarios failed", "1 scenario undefined", "2 callbacks missing", "1 callback duplicated", "2 thresholds failed"}}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("fixture verdict\n got %+v\nwant %+v", v, want)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	s := fixtureSummary(t)
	var b bytes.Buffer
	if err := WriteJSON(&b, s); err != nil {
		t.Fatal(err)
	}
	// Durations are integer nanoseconds, times RFC 3339.
	var raw map[string]any
	if err := json.Unmarshal(b.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if raw["schemaVersion"] != float64(1) {
		t.Errorf("schemaVersion = %v", raw["schemaVersion"])
	}
	p50 := raw["load"].(map[string]any)["scenarios"].([]any)[0].(map[string]any)["interfaces"].([]any)[0].(map[string]any)["service"].(map[string]any)["p50"]
	if p50 != float64(4100*time.Microsecond) {
		t.Errorf("service p50 in JSON = %v, want integer ns %d", p50, 4100*time.Microsecond)
	}
	back, err := ReadJSON(&b)
	if err != nil {
		t.Fatal(err)
	}
	if back.Verdict == nil || back.Verdict.Status != VerdictFail {
		t.Errorf("verdict not written: %+v", back.Verdict)
	}
	if !back.Manifest.Start.Equal(s.Manifest.Start) || back.Manifest.Seed != s.Manifest.Seed {
		t.Errorf("manifest round trip: %+v", back.Manifest)
	}
	if !reflect.DeepEqual(back.Load, s.Load) || !reflect.DeepEqual(back.Callbacks, s.Callbacks) ||
		!reflect.DeepEqual(back.Thresholds, s.Thresholds) || !reflect.DeepEqual(back.Conformance, s.Conformance) {
		t.Error("sections differ after a JSON round trip")
	}
	if s.Verdict != nil || s.SchemaVersion != 0 {
		t.Error("WriteJSON modified its argument")
	}
}

func TestLoadSummary(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	var b bytes.Buffer
	if err := WriteJSON(&b, fixtureSummary(t)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, content, errPart string
	}{
		{"good", "", ""},
		{"future version", `{"schemaVersion": 2}`, "schemaVersion 2"},
		{"no version", `{"manifest": {}}`, "schemaVersion 0"},
		{"garbage", `not json`, "decode summary"},
		{"missing", "-", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := good
			if tt.content == "-" {
				path = filepath.Join(dir, "missing.json")
			} else if tt.content != "" {
				path = filepath.Join(dir, tt.name+".json")
				if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s, err := LoadSummary(path)
			if tt.errPart == "" {
				if err != nil || s == nil || s.Manifest.Profile != "emulator-smoke" {
					t.Fatalf("LoadSummary: %v %+v", err, s)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errPart) {
				t.Errorf("err = %v, want containing %q", err, tt.errPart)
			}
		})
	}
}

func TestWriteAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "report")
	p, err := WriteAll(dir, fixtureSummary(t))
	if err != nil {
		t.Fatal(err)
	}
	if p != filepath.Join(dir, HTMLFile) {
		t.Errorf("html path %q", p)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "ctrf.json,index.html,junit.xml,report.css,summary.json" {
		t.Errorf("files %v (temporary files left behind?)", names)
	}
	if _, err := LoadSummary(filepath.Join(dir, JSONFile)); err != nil {
		t.Error(err)
	}
	if _, err := WriteAll(dir, nil); err == nil {
		t.Error("nil summary accepted")
	}
	// A file where the directory should be.
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteAll(blocker, fixtureSummary(t)); err == nil {
		t.Error("WriteAll into a file succeeded")
	}
}

// TestJUnitStructure decodes the JUnit output and checks counts and elements per status.
func TestJUnitStructure(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJUnit(&b, fixtureSummary(t)); err != nil {
		t.Fatal(err)
	}
	var root JUnitSuites
	if err := xml.Unmarshal(b.Bytes(), &root); err != nil {
		t.Fatalf("JUnit does not parse: %v", err)
	}
	// 17 scenarios and thresholds, 7 callback checks (missing and duplicate fail, the
	// emulator-loss check is not checked: the fixture's target is not the emulator) and the
	// cleanup of the one load scenario that records it (passed).
	if root.Tests != 25 || root.Failures != 6 || root.Errors != 1 || root.Skipped != 2 {
		t.Errorf("totals tests=%d failures=%d errors=%d skipped=%d", root.Tests, root.Failures, root.Errors, root.Skipped)
	}
	suites := map[string]JUnitSuite{}
	for _, s := range root.Suites {
		suites[s.Name] = s
		if len(s.Cases) != s.Tests {
			t.Errorf("suite %s: tests=%d but %d cases", s.Name, s.Tests, len(s.Cases))
		}
	}
	th := suites["thresholds"]
	if th.Tests != 6 || th.Failures != 2 {
		t.Errorf("thresholds suite %+v", th)
	}
	if cb := suites["callbacks"]; cb.Tests != 7 || cb.Failures != 2 || cb.Skipped != 1 ||
		cb.Cases[0].Name != "callbacks.missing" || cb.Cases[0].Failure == nil || cb.Cases[0].Failure.Message != "2 notifications missing" {
		t.Errorf("callbacks suite %+v", cb)
	}
	ax := suites["AX query"]
	if ax.Skipped != 1 || ax.Errors != 1 || ax.Cases[1].Skipped == nil || len(ax.Cases[2].Errors) != 1 || ax.Cases[2].Errors[0].Type != "undefined" {
		t.Errorf("AX query suite %+v", ax)
	}
	axb := suites["AXB bind"]
	f := axb.Cases[1].Failure
	if f == nil || !strings.Contains(f.Body, "/subscriptionId") || axb.Cases[1].SystemOut == nil || !strings.Contains(axb.Cases[1].SystemOut.Text, "--- response ---") {
		t.Errorf("schema failure case %+v", axb.Cases[1])
	}
	if axb.Time != "0.032" { // 10.685 + 10.31 + 5.52 + 5.209 ms of step durations
		t.Errorf("AXB bind suite time %q", axb.Time)
	}
	if axb.Cases[0].Classname != "conformance.axb.bind" {
		t.Errorf("classname %q", axb.Cases[0].Classname)
	}
}

func TestJUnitSafeText(t *testing.T) {
	s := &Summary{Conformance: NewConformance([]Scenario{{
		Feature: "F", Name: "bad bytes", Status: StatusFailed,
		Error:    "first line\x00\x1b[31m\nsecond",
		Response: "body with ]]> and \xff invalid utf-8",
	}}, nil)}
	var b bytes.Buffer
	if err := WriteJUnit(&b, s); err != nil {
		t.Fatal(err)
	}
	var root JUnitSuites
	if err := xml.Unmarshal(b.Bytes(), &root); err != nil {
		t.Fatalf("JUnit with control characters does not parse: %v\n%s", err, b.String())
	}
	c := root.Suites[0].Cases[0]
	if c.Failure.Message != "first line\uFFFD\uFFFD[31m" || !strings.Contains(c.SystemOut.Text, "]]> and \uFFFD invalid") {
		t.Errorf("message %q system-out %q", c.Failure.Message, c.SystemOut.Text)
	}
}

func TestJUnitSeconds(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0.000"}, {time.Millisecond, "0.001"}, {1500 * time.Microsecond, "0.002"}, {90 * time.Second, "90.000"}, {1234567 * time.Microsecond, "1.235"},
	}
	for _, tt := range tests {
		if got := junitSeconds(tt.d); got != tt.want {
			t.Errorf("junitSeconds(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestPercentilesFunc(t *testing.T) {
	var asked []float64
	p := PercentilesFunc(func(q float64) time.Duration {
		asked = append(asked, q)
		return time.Duration(q * 1000)
	})
	want := Percentiles{P50: 50000, P90: 90000, P99: 99000, P999: 99900, Max: 100000}
	if p != want {
		t.Errorf("got %+v, want %+v (asked %v)", p, want, asked)
	}
}

func TestParseCucumberFile(t *testing.T) {
	sc, err := ParseCucumberFile("testdata/cucumber.json")
	if err != nil || len(sc) != 11 {
		t.Fatalf("ParseCucumberFile: %d scenarios, %v", len(sc), err)
	}
	if _, err := ParseCucumberFile("testdata/missing.json"); err == nil {
		t.Error("missing file accepted")
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseCucumberFile(bad); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("bad file: %v", err)
	}
}
