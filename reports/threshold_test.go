package reports

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

// TestThresholdNotChecked: a threshold that could not be measured is not checked when it was
// a default and failed when the user gave it; not checked counts apart in the verdict, keeps
// it PASS, and every writer shows it with its reason.
func TestThresholdNotChecked(t *testing.T) {
	const reason = "unknown: nothing told the receiver which calls happened"
	mk := func(given bool) Threshold {
		th := Threshold{Expression: "callback.missing==0", Unit: UnitCount}
		th.Unmeasured(reason, given)
		return th
	}
	for _, tc := range []struct {
		name   string
		th     Threshold
		state  string
		status string
		counts string
	}{
		{"default", mk(false), ThresholdNotChecked, VerdictPass, "1 passed, 0 failed, 1 not checked"},
		{"given", mk(true), ThresholdFailed, VerdictFail, "1 passed, 1 failed"},
		{"passed", Threshold{Expression: "callback.lost==0", Passed: true}, ThresholdPassed, VerdictPass, "2 passed, 0 failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.th.State(); got != tc.state {
				t.Fatalf("state %q, want %q", got, tc.state)
			}
			s := &Summary{Thresholds: []Threshold{{Expression: "callback.duplicate==0", Passed: true}, tc.th}}
			v := s.ComputeVerdict()
			if v.Status != tc.status || v.ThresholdCounts() != tc.counts {
				t.Errorf("verdict %s %q (reasons %v), want %s %q", v.Status, v.ThresholdCounts(), v.Reasons, tc.status, tc.counts)
			}
			var h bytes.Buffer
			if err := WriteHTML(&h, s); err != nil {
				t.Fatal(err)
			}
			var j bytes.Buffer
			if err := WriteJUnit(&j, s); err != nil {
				t.Fatal(err)
			}
			var root JUnitSuites
			if err := xml.Unmarshal(j.Bytes(), &root); err != nil {
				t.Fatal(err)
			}
			c := root.Suites[0].Cases[1]
			switch tc.state {
			case ThresholdNotChecked:
				if !strings.Contains(h.String(), `<span class="pill skip">not checked</span>`) || !strings.Contains(h.String(), reason) {
					t.Errorf("HTML lacks the not-checked threshold and its reason")
				}
				if c.Skipped == nil || c.Skipped.Message != "not checked: "+reason || c.Failure != nil {
					t.Errorf("JUnit case %+v", c)
				}
			case ThresholdFailed:
				if c.Failure == nil || !strings.Contains(c.Failure.Message, reason) || c.Skipped != nil {
					t.Errorf("JUnit case %+v", c)
				}
			default:
				if c.Failure != nil || c.Skipped != nil {
					t.Errorf("JUnit case %+v", c)
				}
			}
		})
	}
}
