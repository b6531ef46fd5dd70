package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Minimal JUnit XML types in the dialect most CI systems read (Jenkins, GitLab, GitHub
// actions reporters): testsuites > testsuite > testcase with failure / error / skipped.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Hostname  string      `xml:"hostname,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitResult  `xml:"failure,omitempty"`
	Error     *junitResult  `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

// junitText is element text written as CDATA, so that multi-line bodies stay readable in the
// file instead of becoming &#xA; escapes.
type junitText struct {
	Text string `xml:",cdata"`
}

type junitResult struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// junitSeconds renders a duration as JUnit's decimal seconds with millisecond precision.
func junitSeconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}

// WriteJUnit writes s as JUnit XML: one testsuite per feature with one testcase per
// conformance scenario (classname "conformance.<interface>"; failed scenarios carry a
// <failure> with the error, undefined ones an <error type="undefined"> as godog's own junit
// formatter does, skipped ones <skipped> with their state and reason: "not checked: …",
// "differs: …", "known difference: …"), a "thresholds" testsuite with one testcase per
// threshold, a "callbacks" testsuite with one testcase per callback check that fails a run
// (missing, duplicate, bad signature, ...) and a "run" testsuite with one error per run
// error. Request and response of a failed scenario go to <system-out>. The cases are the
// ones WriteCTRF writes.
func WriteJUnit(w io.Writer, s *Summary) error {
	s = s.prepared()
	root := junitSuites{Name: "pns-harness"}
	ts := ""
	if !s.Manifest.Start.IsZero() {
		ts = s.Manifest.Start.UTC().Format("2006-01-02T15:04:05")
	}
	var total time.Duration
	var suiteDur []time.Duration
	type suiteKey struct {
		name    string
		feature bool
	}
	idx := map[suiteKey]int{}
	for _, c := range resultCases(s) {
		k := suiteKey{c.Suite, c.Feature}
		i, ok := idx[k]
		if !ok {
			i = len(root.Suites)
			idx[k] = i
			root.Suites = append(root.Suites, junitSuite{Name: c.Suite, Timestamp: ts, Hostname: s.Manifest.Machine.Hostname})
			suiteDur = append(suiteDur, 0)
		}
		suite := &root.Suites[i]
		tc := junitCase{Name: c.Name, Classname: c.Classname, Time: junitSeconds(c.Duration)}
		switch c.Outcome {
		case outcomeFailed:
			tc.Failure = &junitResult{Message: c.Message, Type: c.Type, Body: c.Body}
			if c.Output != "" {
				tc.SystemOut = &junitText{Text: c.Output}
			}
			suite.Failures++
		case outcomeError:
			tc.Error = &junitResult{Message: c.Message, Type: c.Type, Body: c.Body}
			suite.Errors++
		case outcomeSkipped:
			tc.Skipped = &junitSkipped{Message: c.Message}
			suite.Skipped++
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, tc)
		total += c.Duration
		suiteDur[i] += c.Duration
	}
	for i, d := range suiteDur {
		root.Suites[i].Time = junitSeconds(d)
	}
	for i := range root.Suites {
		su := &root.Suites[i]
		if su.Time == "" {
			su.Time = junitSeconds(0)
		}
		root.Tests += su.Tests
		root.Failures += su.Failures
		root.Errors += su.Errors
		root.Skipped += su.Skipped
	}
	root.Time = junitSeconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("reports: write JUnit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("reports: write JUnit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("reports: write JUnit: %w", err)
	}
	return nil
}

// oneLine keeps the first line of a message (attribute values with newlines render badly in
// most CI viewers), capped at 500 bytes.
func oneLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > 500 {
		s = string(r[:500]) + "…"
	}
	return s
}

func failureBody(sc Scenario) string {
	var b strings.Builder
	if sc.FailingStep != "" {
		fmt.Fprintf(&b, "Step: %s\n", sc.FailingStep)
	}
	if sc.Error != "" {
		fmt.Fprintf(&b, "Error: %s\n", sc.Error)
	}
	if len(sc.SchemaViolations) > 0 {
		b.WriteString("Schema violations:\n")
		for _, v := range sc.SchemaViolations {
			fmt.Fprintf(&b, "  - at '%s' (%s): %s\n", v.InstancePath, v.KeywordPath, v.Message)
		}
	}
	if sc.FeatureURI != "" {
		fmt.Fprintf(&b, "Location: %s:%d\n", sc.FeatureURI, sc.Line)
	}
	return b.String()
}

func exchange(sc Scenario) string {
	var parts []string
	if sc.Request != "" {
		parts = append(parts, "--- request ---\n"+sc.Request)
	}
	if sc.Response != "" {
		parts = append(parts, "--- response ---\n"+sc.Response)
	}
	return strings.Join(parts, "\n")
}

// xmlSafe replaces characters XML 1.0 cannot carry (control characters other than tab, newline
// and carriage return; invalid UTF-8), which encoding/xml would copy verbatim into CDATA.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
