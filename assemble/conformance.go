package assemble

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pns-harness/pns-harness/conformance/results"
	"github.com/pns-harness/pns-harness/reports"
)

// This file builds the conformance section: from a run's values (ConformanceOf) or from
// the directory the runner wrote (Conformance), with the coverage and contract rows. It was
// split from assemble.go (issue 23), one file per section.

// Conformance builds the conformance section from a directory written by the conformance
// runner: the cucumber JSON for scenarios, steps and attachments, coverage.json for the
// matrix, and conformance.json for each scenario's state and reason and the stale
// known-differences entries. wall, when positive, replaces the summed scenario durations.
func Conformance(dir string, wall time.Duration) (*reports.Conformance, error) {
	scen, err := reports.ParseCucumberFile(filepath.Join(dir, CucumberFile))
	if err != nil {
		return nil, err
	}
	var cov *results.Coverage
	b, err := os.ReadFile(filepath.Join(dir, CoverageFile))
	switch {
	case err == nil:
		cov = &results.Coverage{}
		if err := json.Unmarshal(b, cov); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, CoverageFile), err)
		}
	case !os.IsNotExist(err):
		return nil, err
	}
	res, err := readResults(filepath.Join(dir, results.ResultsFile))
	if err != nil {
		return nil, err
	}
	return conformanceSection(scen, cov, res, wall), nil
}

// ConformanceOf builds the conformance section from a run's results in memory, what
// Conformance reads back from the run's directory: the scenarios from res.Outcomes, the
// matrix from res.Coverage, and the run's wall time.
func ConformanceOf(res *results.Result) (*reports.Conformance, error) {
	if res.Outcomes == nil {
		return nil, errors.New("the conformance run kept no outcomes (it had no output directory)")
	}
	return conformanceSection(reports.CucumberScenarios(res.Outcomes.Cucumber), res.Coverage, res, res.Duration), nil
}

// conformanceSection is the section of scenarios with the coverage matrix (nil: none) and,
// when res is not nil, each scenario's state and reason and the stale entries.
func conformanceSection(scen []reports.Scenario, cov *results.Coverage, res *results.Result, wall time.Duration) *reports.Conformance {
	var rows []reports.CoverageRow
	if cov != nil {
		rows = CoverageRows(cov)
	}
	if res != nil {
		annotateStates(scen, res)
	}
	c := reports.NewConformance(scen, rows)
	if res != nil {
		for _, st := range res.Stale {
			c.Stale = append(c.Stale, st.Entry+": "+st.Why)
		}
	}
	if wall > 0 {
		c.Duration = wall
	}
	return c
}

// readResults reads the runner's raw results; nil without the file (directories of older
// versions).
func readResults(path string) (*results.Result, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var res results.Result
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &res, nil
}

// annotateStates copies each scenario's state and reason from the runner's results into the
// scenarios parsed from cucumber.json, where a difference is just a skipped step, so that the
// report judges with the runner's states.
func annotateStates(scen []reports.Scenario, res *results.Result) {
	byKey := map[string]results.ScenarioResult{}
	for _, sc := range res.Scenarios {
		byKey[sc.Key] = sc
	}
	for i := range scen {
		if r, ok := byKey[scen[i].FeatureURI+":"+scen[i].Name]; ok {
			scen[i].State, scen[i].Reason = r.State, r.Reason
		}
	}
}

// CoverageRows flattens the coverage matrix: one row per interface and rule, and per
// interface and result code.
func CoverageRows(c *results.Coverage) []reports.CoverageRow {
	var rows []reports.CoverageRow
	for _, ic := range c.Interfaces {
		for _, r := range ic.Rules {
			row := reports.CoverageRow{Interface: ic.Interface, Item: r.Rule, Kind: reports.KindRule, Scenarios: r.Scenarios, Status: reports.CoverageCovered}
			switch {
			case len(r.Scenarios) == 0:
				row.Status, row.Reason = reports.CoverageMissing, "no scenario covers this rule"
			case r.State == reports.StateFailed:
				row.Status, row.Reason = reports.CoverageFailed, "a covering scenario failed on this target"
			case r.State != "" && r.State != results.RuleCovered:
				row.Status, row.Reason = reports.CoverageNotChecked, r.State+" on this target: "+r.NotChecked
			}
			rows = append(rows, row)
		}
		for _, cc := range ic.Codes {
			row := reports.CoverageRow{Interface: ic.Interface, Item: cc.Code, Kind: reports.KindCode, Description: cc.Desc, Scenarios: cc.Scenarios, Status: reports.CoverageCovered}
			switch {
			case len(cc.Scenarios) > 0 && cc.State == reports.StateFailed:
				row.Status, row.Reason = reports.CoverageFailed, "a covering scenario failed on this target"
			case len(cc.Scenarios) > 0 && cc.State != "" && cc.State != results.RuleCovered:
				row.Status, row.Reason = reports.CoverageNotChecked, cc.State+" on this target: "+cc.NotChecked
			case len(cc.Scenarios) > 0:
			case cc.Reason != "":
				row.Status, row.Reason = reports.CoverageNotReachable, cc.Reason
			default:
				row.Status, row.Reason = reports.CoverageMissing, "no scenario covers this result code"
			}
			rows = append(rows, row)
		}
	}
	rows = append(rows, contractRows(c.Contract)...)
	// Codes that apply to no interface of the first scope (legacy or out-of-scope codes) are
	// listed once with the reason they cannot be reached, so the matrix accounts for every
	// code of the table.
	for _, cc := range c.Codes {
		if len(cc.Scenarios) == 0 && cc.Reason != "" {
			rows = append(rows, reports.CoverageRow{Interface: "(none)", Item: cc.Code, Kind: reports.KindCode, Description: cc.Desc,
				Status: reports.CoverageNotReachable, Reason: cc.Reason})
		}
	}
	return rows
}

// contractRows lists every rule of the contract's inventory as a rule row of the pseudo
// interface "contract/<class>": covered when its scenarios check it in both directions (and
// passed on this target after a run), missing with the gap's reason otherwise.
func contractRows(c *results.ContractCoverage) []reports.CoverageRow {
	if c == nil {
		return nil
	}
	rows := make([]reports.CoverageRow, 0, len(c.Entries))
	for _, e := range c.Entries {
		row := reports.CoverageRow{Interface: "contract/" + string(e.Class), Item: e.ID, Kind: reports.KindRule,
			Scenarios: e.Scenarios, Status: reports.CoverageCovered, Reason: e.Gap}
		switch {
		case e.Gap != "" && e.Unchecked != "":
			// A gap that says why no black-box test can close it (rulenotes/, decisions).
			row.Status = reports.CoverageNotReachable
		case !e.Held || !e.Broken:
			row.Status = reports.CoverageMissing
		case e.State == reports.StateFailed:
			row.Status, row.Reason = reports.CoverageFailed, "a checking scenario failed on this target"
		case e.State != "" && e.State != results.RuleCovered:
			row.Status, row.Reason = reports.CoverageNotChecked, e.State+" on this target: "+e.NotChecked
		}
		rows = append(rows, row)
	}
	return rows
}
