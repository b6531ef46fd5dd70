package reports

import (
	"encoding/xml"
	"fmt"
	"io"
)

// The JUnit XML model of the harness, in the dialect most CI systems read (Jenkins, GitLab,
// GitHub Actions reporters): testsuites > testsuite > testcase with failure / error / skipped.
// It is the one model of the project: WriteJUnit fills it from a Summary, and the conformance
// suite reads godog's file into it (ReadJUnit), mends it and writes it back (Write). Optional
// attributes are omitted when empty, so each writer's file carries only what it sets.

// JUnitSuites is the root element, <testsuites>, with the totals of its suites.
type JUnitSuites struct {
	XMLName xml.Name `xml:"testsuites"`
	Name    string   `xml:"name,attr"`
	JUnitCounts
	Suites []JUnitSuite `xml:"testsuite"`
}

// JUnitSuite is one <testsuite> with its counts; Timestamp and Hostname are optional.
type JUnitSuite struct {
	Name string `xml:"name,attr"`
	JUnitCounts
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Hostname  string      `xml:"hostname,attr,omitempty"`
	Cases     []JUnitCase `xml:"testcase"`
}

// JUnitCounts are the counts and the time (decimal seconds) of a suite or of all suites,
// attributes in this order.
type JUnitCounts struct {
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Skipped  int    `xml:"skipped,attr"`
	Time     string `xml:"time,attr"`
}

// JUnitCase is one <testcase>. A case has at most one failure; godog writes several errors
// (one per skipped or undefined step), so errors are a list. Status is godog's own attribute
// (passed, failed, skipped, …), which the report's cases do not carry.
type JUnitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr,omitempty"`
	Status    string        `xml:"status,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *JUnitResult  `xml:"failure,omitempty"`
	Errors    []JUnitResult `xml:"error,omitempty"`
	Skipped   *JUnitSkipped `xml:"skipped,omitempty"`
	SystemOut *JUnitCDATA   `xml:"system-out,omitempty"`
}

// JUnitCDATA is element text written as CDATA, so that multi-line bodies stay readable in
// the file instead of becoming &#xA; escapes.
type JUnitCDATA struct {
	Text string `xml:",cdata"`
}

// JUnitResult is a <failure> or an <error>: a one-line message, its type and an optional
// multi-line body (CDATA; none is written when it is empty).
type JUnitResult struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",cdata"`
}

// JUnitSkipped is a <skipped> with the reason the case was not run.
type JUnitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// ReadJUnit parses a JUnit XML document into the model (godog's file, for one).
func ReadJUnit(data []byte) (*JUnitSuites, error) {
	var doc JUnitSuites
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("reports: read JUnit: %w", err)
	}
	return &doc, nil
}

// Write writes j as an indented JUnit XML document with its XML header and a final newline.
func (j *JUnitSuites) Write(w io.Writer) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("reports: write JUnit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(j); err != nil {
		return fmt.Errorf("reports: write JUnit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("reports: write JUnit: %w", err)
	}
	return nil
}
