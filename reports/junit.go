package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

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
	root := JUnitSuites{Name: "pns-harness"}
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
			root.Suites = append(root.Suites, JUnitSuite{Name: c.Suite, Timestamp: ts, Hostname: s.Manifest.Machine.Hostname})
			suiteDur = append(suiteDur, 0)
		}
		suite := &root.Suites[i]
		tc := JUnitCase{Name: c.Name, Classname: c.Classname, Time: junitSeconds(c.Duration)}
		switch c.Outcome {
		case outcomeFailed:
			tc.Failure = &JUnitResult{Message: c.Message, Type: c.Type, Body: c.Body}
			if c.Output != "" {
				tc.SystemOut = &JUnitCDATA{Text: c.Output}
			}
			suite.Failures++
		case outcomeError:
			tc.Errors = []JUnitResult{{Message: c.Message, Type: c.Type, Body: c.Body}}
			suite.Errors++
		case outcomeSkipped:
			tc.Skipped = &JUnitSkipped{Message: c.Message}
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
	return root.Write(w)
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
