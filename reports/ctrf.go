package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// CTRF (Common Test Report Format, https://ctrf.io) is the JSON test report many CI
// dashboards and plugins read beside JUnit. The field names follow the CTRF JSON schema
// (github.com/ctrf-io/ctrf, schema/ctrf.schema.json, read 2026-12):
//
//	{"reportFormat": "CTRF", "specVersion": "<semver>", "generatedBy", "timestamp",
//	 "results": {"tool": {"name", "version"},
//	             "summary": {"tests", "passed", "failed", "skipped", "pending", "other",
//	                         "suites", "start", "stop", "duration", "extra"},
//	             "tests": [{"name", "status": passed|failed|skipped|pending|other,
//	                        "duration" (ms), "suite": [top, ..., parent], "message",
//	                        "trace", "line", "rawStatus", "tags", "type", "filePath",
//	                        "stdout": [lines], "extra"}],
//	             "environment": {"reportName", "appName", "testEnvironment", "osPlatform",
//	                             "healthy", ...},
//	             "extra"}}
//
// Times ("start", "stop") are milliseconds since the Unix epoch; durations milliseconds.
// Older CTRF writers put "suite" as a string; the current schema has an array (hierarchy from
// the top), which is what we write. Objects of the schema forbid unknown keys, so anything of
// our own goes under "extra".

// CTRFSpecVersion is the CTRF specification version written in "specVersion"; the CTRF
// specification page names 0.0.0 as the current one.
const CTRFSpecVersion = "0.0.0"

// CTRF statuses (results.tests[].status).
const (
	CTRFPassed  = "passed"
	CTRFFailed  = "failed"
	CTRFSkipped = "skipped"
	CTRFPending = "pending"
	CTRFOther   = "other"
)

// CTRFReport is the root of a ctrf.json document.
type CTRFReport struct {
	ReportFormat string      `json:"reportFormat"`
	SpecVersion  string      `json:"specVersion"`
	GeneratedBy  string      `json:"generatedBy,omitempty"`
	Timestamp    string      `json:"timestamp,omitempty"`
	Results      CTRFResults `json:"results"`
}

// CTRFResults is the results object: the tool, the counts, every test and the run's context.
type CTRFResults struct {
	Tool        CTRFTool         `json:"tool"`
	Summary     CTRFSummary      `json:"summary"`
	Tests       []CTRFTest       `json:"tests"`
	Environment *CTRFEnvironment `json:"environment,omitempty"`
	Extra       *CTRFExtra       `json:"extra,omitempty"`
}

// CTRFTool names the producer.
type CTRFTool struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// CTRFSummary counts the tests by status; Start and Stop are the run's start and end in
// milliseconds since the Unix epoch (0 when the summary does not know them).
type CTRFSummary struct {
	Tests    int   `json:"tests"`
	Passed   int   `json:"passed"`
	Failed   int   `json:"failed"`
	Skipped  int   `json:"skipped"`
	Pending  int   `json:"pending"`
	Other    int   `json:"other"`
	Suites   int   `json:"suites"`
	Start    int64 `json:"start"`
	Stop     int64 `json:"stop"`
	Duration int64 `json:"duration"`
}

// CTRFTest is one test: a conformance scenario, a threshold, a callback check or a run error.
type CTRFTest struct {
	Name     string `json:"name"`
	Status   string `json:"status"`
	Duration int64  `json:"duration"`
	// Suite is the hierarchy from the top: ["conformance", feature], ["thresholds"],
	// ["callbacks"] or ["run"].
	Suite   []string `json:"suite"`
	Message string   `json:"message,omitempty"`
	Trace   string   `json:"trace,omitempty"`
	// RawStatus is the harness's own state: undefined, not checked, not applicable, known
	// difference, differs, run error.
	RawStatus string   `json:"rawStatus,omitempty"`
	Type      string   `json:"type"`
	FilePath  string   `json:"filePath,omitempty"`
	Line      int      `json:"line,omitempty"`
	Tags      []string `json:"tags,omitempty"`
	Stdout    []string `json:"stdout,omitempty"`
}

// CTRFEnvironment says what was tested: the target and the profile.
type CTRFEnvironment struct {
	ReportName      string `json:"reportName,omitempty"`
	AppName         string `json:"appName,omitempty"`
	TestEnvironment string `json:"testEnvironment,omitempty"`
	OSPlatform      string `json:"osPlatform,omitempty"`
	// Healthy is the harness verdict: true only for PASS (NO RESULTS is not healthy).
	Healthy bool `json:"healthy"`
}

// CTRFExtra carries the harness's own figures: the verdict with its reasons (the same as
// summary.json's) and each load scenario's headline figures, which are measurements rather
// than tests.
type CTRFExtra struct {
	Verdict Verdict        `json:"verdict"`
	Load    []CTRFLoadInfo `json:"load,omitempty"`
}

// CTRFLoadInfo is a load scenario's headline: rates in the unit the report names, requests
// of every interface, success ratio 0..1.
type CTRFLoadInfo struct {
	Name         string  `json:"name"`
	Workload     string  `json:"workload,omitempty"`
	Headline     string  `json:"headline"`
	TargetRate   float64 `json:"targetRate"`
	AchievedRate float64 `json:"achievedRate"`
	Requests     int64   `json:"requests"`
	SuccessRatio float64 `json:"successRatio"`
}

// Test types (CTRFTest.Type) by the harness's suites.
var ctrfTypes = map[string]string{suiteThresholds: "threshold", suiteCallbacks: "callback", suiteCleanup: "cleanup", suiteRun: "run"}

// BuildCTRF converts s into a CTRF report. The tests are exactly the JUnit test cases
// (WriteJUnit): JUnit's failures and errors are CTRF's failed (an undefined scenario or a run
// error fails the verdict, so it must not hide under "other"), JUnit's skipped are skipped
// with the reason in the message. Nothing is pending or other.
func BuildCTRF(s *Summary) CTRFReport {
	s = s.prepared()
	r := CTRFReport{ReportFormat: "CTRF", SpecVersion: CTRFSpecVersion, GeneratedBy: "pns-harness"}
	if !s.Manifest.End.IsZero() {
		r.Timestamp = s.Manifest.End.UTC().Format(time.RFC3339)
	}
	res := &r.Results
	res.Tool = CTRFTool{Name: "pns-harness", Version: s.Manifest.HarnessVersion}
	res.Tests = []CTRFTest{}
	suites := map[string]bool{}
	for _, c := range resultCases(s) {
		t := CTRFTest{
			Name: c.Name, Duration: c.Duration.Milliseconds(), Message: c.Message,
			RawStatus: c.RawStatus, FilePath: c.FilePath, Line: c.Line, Tags: c.Tags,
		}
		if c.Feature {
			t.Suite, t.Type = []string{"conformance", c.Suite}, "conformance"
			suites["f\x00"+c.Suite] = true
		} else {
			t.Suite, t.Type = []string{c.Suite}, ctrfTypes[c.Suite]
			suites[c.Suite] = true
		}
		switch c.Outcome {
		case outcomePassed:
			t.Status = CTRFPassed
			res.Summary.Passed++
		case outcomeFailed, outcomeError:
			t.Status, t.Trace = CTRFFailed, strings.TrimRight(c.Body, "\n")
			if c.Output != "" {
				t.Stdout = strings.Split(c.Output, "\n")
			}
			res.Summary.Failed++
		case outcomeSkipped:
			t.Status = CTRFSkipped
			res.Summary.Skipped++
		}
		res.Tests = append(res.Tests, t)
	}
	res.Summary.Tests = len(res.Tests)
	res.Summary.Suites = len(suites)
	if !s.Manifest.Start.IsZero() {
		res.Summary.Start = s.Manifest.Start.UnixMilli()
	}
	if !s.Manifest.End.IsZero() {
		res.Summary.Stop = s.Manifest.End.UnixMilli()
	}
	if res.Summary.Start > 0 && res.Summary.Stop >= res.Summary.Start {
		res.Summary.Duration = res.Summary.Stop - res.Summary.Start
	}
	res.Environment = &CTRFEnvironment{
		ReportName: "PNS harness report", AppName: "Private Number Service",
		TestEnvironment: s.Manifest.TargetURL, OSPlatform: s.Manifest.Machine.GOOS,
		Healthy: s.Verdict.Status == VerdictPass,
	}
	if s.Manifest.Profile != "" {
		res.Environment.ReportName += " (profile " + s.Manifest.Profile + ")"
	}
	ex := &CTRFExtra{Verdict: *s.Verdict}
	if s.Load != nil {
		for _, ls := range s.Load.Scenarios {
			ex.Load = append(ex.Load, CTRFLoadInfo{
				Name: ls.Name, Workload: ls.Workload, Headline: ls.Headline(), TargetRate: ls.TargetRate,
				AchievedRate: ls.AchievedRate, Requests: ls.Requests, SuccessRatio: ls.SuccessRatio,
			})
		}
	}
	res.Extra = ex
	return r
}

// WriteCTRF writes s as a CTRF JSON report (see BuildCTRF), indented, with a final newline.
func WriteCTRF(w io.Writer, s *Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(BuildCTRF(s)); err != nil {
		return fmt.Errorf("reports: write CTRF: %w", err)
	}
	return nil
}

// ReadCTRF decodes a CTRF report, refusing unknown fields (the CTRF schema does too).
func ReadCTRF(r io.Reader) (CTRFReport, error) {
	var rep CTRFReport
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		return rep, fmt.Errorf("reports: read CTRF: %w", err)
	}
	if rep.ReportFormat != "CTRF" {
		return rep, fmt.Errorf("reports: read CTRF: reportFormat %q, want CTRF", rep.ReportFormat)
	}
	return rep, nil
}
