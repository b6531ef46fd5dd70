// Package results is the conformance suite's result model as plain values: a run's Result
// with its scenarios, the coverage and contract matrices, the cleanup account, and the file
// names of a conformance run's directory. The suite (package conformance, which uses godog
// and the emulator) fills them and aliases every type; the report (assemble) and the rebuild
// of a run directory (rundir.Rebuild) read them without linking godog or the emulator.
package results

// The files of a conformance run's directory besides coverage.json.
const (
	// ResultsFile is the raw results (Result).
	ResultsFile = "conformance.json"
	// CucumberFile is godog's cucumber JSON of the scenarios (Outcomes.Cucumber).
	CucumberFile = "cucumber.json"
	// JUnitFile is the scenarios as JUnit (Outcomes.JUnit).
	JUnitFile = "junit.xml"
)
