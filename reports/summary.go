// Package reports defines the run summary of pns-harness (summary.json) and renders it as a
// self-contained HTML page, JUnit XML and JSON.
//
// The Summary type is the single data model every report is rendered from: the conformance
// suite, the load tester and the callback receiver each fill their own section and the
// renderers never look at anything else. summary.json is a stable, documented format
// (schemaVersion 1): fields are only ever added, never renamed or re-typed, without bumping
// SchemaVersion.
//
// JSON conventions of summary.json:
//   - durations and latencies (Go time.Duration) are integer nanoseconds;
//   - times are RFC 3339 with nanoseconds, UTC;
//   - rates are requests per second (float), ratios are 0..1 (float), percentages are 0..100;
//   - absent sections (for example no load run) are omitted, never null-filled.
package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"time"
)

// SchemaVersion is the version of the summary.json format written by this package. It is
// bumped only when an existing field changes meaning or type.
const SchemaVersion = 1

// Summary is the complete, renderer-independent result of one harness run.
type Summary struct {
	// SchemaVersion is always SchemaVersion when written by WriteJSON.
	SchemaVersion int `json:"schemaVersion"`
	// Verdict is computed by WriteJSON from the other sections (see ComputeVerdict); any value
	// set by the caller is overwritten so the file can never disagree with its content.
	Verdict *Verdict `json:"verdict,omitempty"`
	// Manifest identifies what was run, against what, where and when.
	Manifest Manifest `json:"manifest"`
	// Conformance is nil when the conformance suite did not run.
	Conformance *Conformance `json:"conformance,omitempty"`
	// Load is nil when no load scenario ran.
	Load *Load `json:"load,omitempty"`
	// Callbacks is nil when no callback receiver ran.
	Callbacks *Callbacks `json:"callbacks,omitempty"`
	// Thresholds are the evaluated pass/fail expressions of the run's profile.
	Thresholds []Threshold `json:"thresholds,omitempty"`
	// Baseline holds the comparison with an earlier run, when one was given.
	Baseline *Baseline `json:"baseline,omitempty"`
	// Errors are run-level problems that prevented part of the run (a suite failing to start,
	// an unreachable target). Any error makes the verdict FAIL.
	Errors []string `json:"errors,omitempty"`
}

// Manifest describes the run. It must never contain secrets: WriteJSON, WriteHTML and
// WriteJUnit pass it through Redact first, but producers should not put secrets in it at all.
type Manifest struct {
	// HarnessVersion is the pns-harness version (module version or git describe).
	HarnessVersion string `json:"harnessVersion"`
	// TargetURL is the base URL under test; userinfo and secret-looking query parameters are
	// redacted on output.
	TargetURL string `json:"targetURL"`
	// Profile is the name of the run profile (not its content).
	Profile string `json:"profile"`
	// Settings are selected, non-secret profile settings shown for reproducibility. Entries
	// whose key looks secret are redacted on output (see Redact).
	Settings []Setting `json:"settings,omitempty"`
	// SchemaHash identifies the JSON schemas used (for example sha256 of the schema tree).
	SchemaHash string `json:"schemaHash,omitempty"`
	// FeatureHash identifies the feature files used.
	FeatureHash string `json:"featureHash,omitempty"`
	// Start and End bound the whole run.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Seed is the random seed of the run (godog order, generated numbers, load bodies).
	Seed int64 `json:"seed"`
	// Machine is where the harness ran.
	Machine Machine `json:"machine"`
}

// Setting is one key/value of the run profile shown in the manifest.
type Setting struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Machine describes the host the harness ran on, because latency figures are meaningless
// without it.
type Machine struct {
	Hostname  string `json:"hostname"`
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	CPUs      int    `json:"cpus"`
	GoVersion string `json:"goVersion"`
}

// CurrentMachine describes the running process's host.
func CurrentMachine() Machine {
	h, err := os.Hostname()
	if err != nil {
		h = "unknown"
	}
	return Machine{
		Hostname:  h,
		GOOS:      runtime.GOOS,
		GOARCH:    runtime.GOARCH,
		CPUs:      runtime.NumCPU(),
		GoVersion: runtime.Version(),
	}
}

// Status is the outcome of a conformance scenario or step.
type Status string

// Scenario outcomes. godog's pending and ambiguous step results are mapped by
// ParseCucumberJSON: pending to undefined, ambiguous to failed (both fail a strict run).
const (
	StatusPassed    Status = "passed"
	StatusFailed    Status = "failed"
	StatusSkipped   Status = "skipped"
	StatusUndefined Status = "undefined"
)

// Conformance is the result of the godog conformance suite.
type Conformance struct {
	// Interfaces holds pass/fail/skip counts per interface id; see CountByInterface.
	Interfaces []InterfaceCounts `json:"interfaces"`
	// Scenarios holds every executed scenario (outline rows separately).
	Scenarios []Scenario `json:"scenarios"`
	// Coverage is the rule/result-code coverage matrix.
	Coverage []CoverageRow `json:"coverage,omitempty"`
	// Stale lists the known-differences entries that excused nothing, each with why.
	Stale []string `json:"stale,omitempty"`
	// Duration is the wall time of the suite.
	Duration time.Duration `json:"duration"`
}

// InterfaceCounts are the scenario outcomes of one interface.
type InterfaceCounts struct {
	// Interface is an id such as "axb.bind", "ax.query", "record.download", "auth",
	// "callbacks".
	Interface string `json:"interface"`
	Passed    int    `json:"passed"`
	Failed    int    `json:"failed"`
	Skipped   int    `json:"skipped"`
	Undefined int    `json:"undefined"`
	// Differences counts the known differences and differences from emulator decisions,
	// which Skipped (not checked, not applicable) leaves out.
	Differences int `json:"differences,omitempty"`
}

// Total is the number of scenarios counted.
func (c InterfaceCounts) Total() int {
	return c.Passed + c.Failed + c.Skipped + c.Undefined + c.Differences
}

// Scenario is one executed conformance scenario.
type Scenario struct {
	// Feature is the feature name; FeatureURI its file.
	Feature    string `json:"feature"`
	FeatureURI string `json:"featureUri,omitempty"`
	// ID is godog's element id (feature;scenario[;examples;row]), unique within a run.
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	Line int    `json:"line,omitempty"`
	// Interface is derived from the tags (see InterfaceFromTags).
	Interface string   `json:"interface"`
	Tags      []string `json:"tags,omitempty"`
	Status    Status   `json:"status"`
	// State is the conformance runner's judgement when known (passed, failed, not checked,
	// not applicable, known difference, differs): to godog a known difference and a
	// difference from an emulator decision are skipped steps. Reason explains it.
	State  string `json:"state,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Duration is the sum of the step durations.
	Duration time.Duration `json:"duration"`
	// FailingStep is the keyword and text of the first failed or undefined step.
	FailingStep string `json:"failingStep,omitempty"`
	// Error is the error message of the failing step.
	Error string `json:"error,omitempty"`
	// Request and Response are the HTTP exchange most relevant to the outcome: the last ones
	// attached at or before the failing step (or the last ones of a passed scenario).
	Request  string `json:"request,omitempty"`
	Response string `json:"response,omitempty"`
	// SchemaViolations are the JSON-schema violations of the response, sorted.
	SchemaViolations []SchemaViolation `json:"schemaViolations,omitempty"`
	// Steps are the scenario steps in order.
	Steps []Step `json:"steps,omitempty"`
	// Attachments are the remaining godog.Attach payloads.
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Step is one executed step.
type Step struct {
	Keyword  string        `json:"keyword"`
	Text     string        `json:"text"`
	Line     int           `json:"line,omitempty"`
	Status   string        `json:"status"`
	Duration time.Duration `json:"duration"`
	Error    string        `json:"error,omitempty"`
	// Location is the step definition (file:line) that matched.
	Location string `json:"location,omitempty"`
}

// SchemaViolation is one leaf of a JSON-schema validation error.
type SchemaViolation struct {
	InstancePath string `json:"instancePath"`
	KeywordPath  string `json:"keywordPath"`
	Message      string `json:"message"`
}

// Attachment is a godog.Attach payload. Text is set for textual media types, Base64 for the
// others (binary attachments are kept in JSON but not rendered in HTML).
type Attachment struct {
	Name      string `json:"name,omitempty"`
	MediaType string `json:"mediaType"`
	// Step is the text of the step the attachment was made in.
	Step   string `json:"step,omitempty"`
	Text   string `json:"text,omitempty"`
	Base64 string `json:"base64,omitempty"`
}

// The conformance runner's scenario states (Scenario.State); package conformance documents
// each. All but passed and failed are skipped steps to godog.
const (
	StatePassed          = "passed"
	StateFailed          = "failed"
	StateNotChecked      = "not checked"
	StateNotApplicable   = "not applicable"
	StateKnownDifference = "known difference"
	StateDiffers         = "differs"
)

// Coverage kinds and statuses.
const (
	KindRule = "rule"
	KindCode = "code"

	CoverageCovered      = "covered"
	CoverageNotReachable = "not-reachable"
	// CoverageMissing marks a rule or code no scenario exercises although it is reachable: a
	// gap in the suite.
	CoverageMissing = "missing"
	// CoverageNotChecked marks a rule scenarios cover but that was not checked on this target
	// (its scenarios did not pass there: not checked, not applicable, a difference, failed);
	// the reason says which.
	CoverageNotChecked = "not-checked"
	// CoverageFailed marks a rule a covering scenario failed on this target.
	CoverageFailed = "failed"
)

// CoverageRow is one row of the coverage matrix: which scenarios exercise a rule or a result
// code of an interface.
type CoverageRow struct {
	Interface string `json:"interface"`
	// Item is the rule id (for example "13.1-x-reuse") or the result code ("1010002").
	Item string `json:"item"`
	// Kind is KindRule or KindCode.
	Kind string `json:"kind"`
	// Description is a short human text for the item.
	Description string   `json:"description,omitempty"`
	Scenarios   []string `json:"scenarios,omitempty"`
	// Status is CoverageCovered, CoverageNotReachable, CoverageMissing, CoverageNotChecked or
	// CoverageFailed.
	Status string `json:"status"`
	// Reason explains a not-reachable or missing row.
	Reason string `json:"reason,omitempty"`
}

// prepared returns a redacted shallow copy of s with the schema version and verdict set, the
// form every writer renders. s itself is not modified.
func (s *Summary) prepared() *Summary {
	c := *s
	c.SchemaVersion = SchemaVersion
	v := s.ComputeVerdict()
	c.Verdict = &v
	c.Manifest = RedactManifest(s.Manifest)
	return &c
}

// WriteJSON writes s as indented summary.json: schemaVersion and verdict are set, the
// manifest is redacted.
func WriteJSON(w io.Writer, s *Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s.prepared()); err != nil {
		return fmt.Errorf("reports: encode summary: %w", err)
	}
	return nil
}

// ReadJSON decodes a summary and checks its schema version.
func ReadJSON(r io.Reader) (*Summary, error) {
	var s Summary
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("reports: decode summary: %w", err)
	}
	if s.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("reports: summary schemaVersion %d, want %d", s.SchemaVersion, SchemaVersion)
	}
	return &s, nil
}

// LoadSummary reads a summary.json file (for example a baseline).
func LoadSummary(path string) (*Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	defer f.Close()
	s, err := ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return s, nil
}

// CountByInterface computes per-interface outcome counts of scenarios, ordered as
// InterfaceOrder.
func CountByInterface(scenarios []Scenario) []InterfaceCounts {
	m := map[string]*InterfaceCounts{}
	for _, sc := range scenarios {
		id := sc.Interface
		if id == "" {
			id = InterfaceOther
		}
		c := m[id]
		if c == nil {
			c = &InterfaceCounts{Interface: id}
			m[id] = c
		}
		switch sc.Status {
		case StatusPassed:
			c.Passed++
		case StatusFailed:
			c.Failed++
		case StatusSkipped:
			if sc.State == StateKnownDifference || sc.State == StateDiffers {
				c.Differences++
			} else {
				c.Skipped++
			}
		default:
			c.Undefined++
		}
	}
	out := make([]InterfaceCounts, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return interfaceLess(out[i].Interface, out[j].Interface) })
	return out
}

// NewConformance builds the conformance section from parsed scenarios and the coverage matrix:
// it fills the per-interface counts and sets Duration to the sum of the scenario durations.
// With concurrent scenarios the suite's wall time is the better figure; callers that measured
// it overwrite Duration.
func NewConformance(scenarios []Scenario, coverage []CoverageRow) *Conformance {
	var d time.Duration
	for _, sc := range scenarios {
		d += sc.Duration
	}
	return &Conformance{
		Interfaces: CountByInterface(scenarios),
		Scenarios:  scenarios,
		Coverage:   coverage,
		Duration:   d,
	}
}
