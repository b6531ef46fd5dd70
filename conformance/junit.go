package conformance

import (
	"bytes"
	"fmt"
	"io/fs"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/pns-harness/pns-harness/reports"
)

// godog's JUnit formatter reports a scenario whose steps were skipped (an @emulator scenario
// against the real platform, or one that needs an app the profile lacks) with an empty or
// "passed" status and one <error type="skipped"> per step, which CI tools count as errors or
// passes. mendJUnitSkips rewrites such test cases to status="skipped" with a standard
// <skipped> element carrying the reason, and updates the skipped counters, in the project's
// one JUnit model (reports.JUnitSuites) that the runner's formatter keeps (Outcomes.JUnit).

// junitKey names a test case the way godog's JUnit formatter does: its suite is the feature's
// title and the case the scenario's name. A scenario name alone is not unique (features share
// names such as "bind without an app key"), so reasons are keyed by both.
func junitKey(featureTitle, scenario string) string { return featureTitle + "\x00" + scenario }

// mendJUnitSkips rewrites doc's skipped cases; reasons maps junitKey(suite, case) to the
// case's skip reason.
func mendJUnitSkips(doc *reports.JUnitSuites, reasons map[string]string) {
	for si := range doc.Suites {
		s := &doc.Suites[si]
		for ci := range s.Cases {
			c := &s.Cases[ci]
			if c.Failure != nil || (c.Status != "" && c.Status != "passed") {
				continue
			}
			var kept []reports.JUnitResult
			firstSkipped := ""
			for _, e := range c.Errors {
				if e.Type == "skipped" {
					if firstSkipped == "" {
						firstSkipped = e.Message
					}
					continue
				}
				kept = append(kept, e)
			}
			if firstSkipped == "" || len(kept) > 0 {
				continue
			}
			msg := "skipped from " + firstSkipped
			if r := reasons[junitKey(s.Name, c.Name)]; r != "" {
				msg = r
			}
			c.Status, c.Errors, c.Skipped = "skipped", nil, &reports.JUnitSkipped{Message: msg}
			s.Skipped++
			doc.Skipped++
		}
	}
}

// skipReasons maps the junitKey of every scenario godog skipped to its state and reason ("not
// checked: …", "differs: …", "known difference: …"). titles maps a feature file to its
// title; a key shared by several scenarios (two feature files with one title and one scenario
// name) is left out, so such a case keeps godog's step text rather than another's reason.
func skipReasons(res *Result, titles map[string]string) map[string]string {
	out := map[string]string{}
	seen := map[string]int{}
	for _, s := range res.Scenarios {
		k := junitKey(titles[s.Feature], s.Name)
		seen[k]++
		if s.Status == "skipped" {
			out[k] = s.State + ": " + s.Reason
		}
	}
	for k, n := range seen {
		if n > 1 {
			delete(out, k)
		}
	}
	return out
}

// featureTitles reads the title ("Feature: …") of each feature file the results name, the
// JUnit suite name godog gives its scenarios.
func featureTitles(fsys fs.FS, res *Result) (map[string]string, error) {
	out := map[string]string{}
	for _, s := range res.Scenarios {
		if _, ok := out[s.Feature]; ok {
			continue
		}
		data, err := fs.ReadFile(fsys, s.Feature)
		if err != nil {
			return nil, err
		}
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), (&messages.Incrementing{}).NewId)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Feature, err)
		}
		if doc.Feature != nil {
			out[s.Feature] = doc.Feature.Name
		}
	}
	return out, nil
}
