package reports

import "time"

// NormalTime is the instant Normalize puts in place of every wall-clock time.
var NormalTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Normalize replaces, in place, the fields of s that differ between two runs of the same
// deterministic input, so that rendered reports can be compared with golden files:
//   - Manifest.Start and End and Baseline.Start become NormalTime;
//   - Manifest.Machine becomes {hostname "host", goos "goos", goarch "goarch", 0 CPUs,
//     goVersion "go"};
//   - HarnessVersion becomes "dev";
//   - conformance scenario and step durations and the suite duration become 0.
//
// Load and callback figures are measurements, not incidental; they are left alone, so a
// golden test must feed a fixed fixture for them.
func Normalize(s *Summary) {
	if s == nil {
		return
	}
	s.Manifest.Start, s.Manifest.End = NormalTime, NormalTime
	s.Manifest.Machine = Machine{Hostname: "host", GOOS: "goos", GOARCH: "goarch", GoVersion: "go"}
	s.Manifest.HarnessVersion = "dev"
	if c := s.Conformance; c != nil {
		c.Duration = 0
		for i := range c.Scenarios {
			sc := &c.Scenarios[i]
			sc.Duration = 0
			for j := range sc.Steps {
				sc.Steps[j].Duration = 0
			}
		}
	}
	if s.Baseline != nil {
		s.Baseline.Start = NormalTime
	}
}
