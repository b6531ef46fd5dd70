package results

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// This file is the coverage matrix: per interface, its rules and result codes with the
// scenarios that cover them, and its table form (harness conform --coverage).

// Coverage is the coverage matrix: for every interface its parameter rules and result codes,
// each with the scenarios that cover it (from tags).
type Coverage struct {
	FeaturesHash string              `json:"featuresHash,omitempty"`
	Scenarios    int                 `json:"scenarios"`
	Interfaces   []InterfaceCoverage `json:"interfaces"`
	// Codes lists every result code of §12 with the scenarios covering it on any interface.
	Codes []CodeCoverage `json:"codes"`
	// Uncovered lists "interface rule" or "interface code" entries nothing covers and that have
	// no reason; a complete suite has none.
	Uncovered []string `json:"uncovered"`
	// UnknownTags lists @rule: tags not in Rules (typos) and interface tags not known.
	UnknownTags []string `json:"unknownTags,omitempty"`
	// Contract maps every rule of the contract's inventory to its scenarios and directions.
	Contract *ContractCoverage `json:"contract,omitempty"`
}

// InterfaceCoverage is one interface's rows.
type InterfaceCoverage struct {
	Interface string         `json:"interface"`
	Scenarios []string       `json:"scenarios"`
	Rules     []RuleCoverage `json:"rules"`
	Codes     []CodeCoverage `json:"codes"`
}

// RuleCoverage is one rule with its covering scenarios.
type RuleCoverage struct {
	Rule      string   `json:"rule"`
	Scenarios []string `json:"scenarios"`
	// Passed are the covering scenarios that passed in this run (empty without a run).
	Passed []string `json:"passed,omitempty"`
	// State is the rule's judgement after a run (empty without one): "covered" when a
	// covering scenario passed on this target and none failed, else the state of its
	// covering scenarios, worst first: failed, differs, known difference, not checked, not
	// applicable. Only "covered" means the rule was checked and held.
	State string `json:"state,omitempty"`
	// Checked tells, after a run, whether the rule was checked on this target: State is
	// covered or failed. Nil without a run.
	Checked *bool `json:"checked,omitempty"`
	// NotChecked is why not: the reasons of its covering scenarios, or that the tag
	// expression selected none of them.
	NotChecked string `json:"notChecked,omitempty"`
}

// CodeCoverage is one result code with its covering scenarios, or the reason it is not
// reachable.
type CodeCoverage struct {
	Code      string   `json:"code"`
	Desc      string   `json:"desc"`
	Scenarios []string `json:"scenarios"`
	Passed    []string `json:"passed,omitempty"`
	Reason    string   `json:"reason,omitempty"`
	// State and NotChecked judge the code after a run, as RuleCoverage's do (empty for a
	// code no scenario covers, and without a run).
	State      string `json:"state,omitempty"`
	NotChecked string `json:"notChecked,omitempty"`
}

// RuleCovered is the State of a rule a covering scenario passed on this target.
const RuleCovered = "covered"

// WriteTable prints the matrix: per interface, one line per rule and per code with the number
// of covering scenarios (passed/total when a run result is known), then the codes that apply
// to every interface, then what is uncovered.
func (c *Coverage) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "INTERFACE\tKIND\tITEM\tSCENARIOS\tPASSED\tNOTE\n")
	for _, ic := range c.Interfaces {
		for _, r := range ic.Rules {
			note := ""
			switch {
			case len(r.Scenarios) == 0:
				note = "UNCOVERED"
			case r.Checked != nil && !*r.Checked:
				note = r.State + " on this target: " + r.NotChecked
			}
			fmt.Fprintf(tw, "%s\trule\t%s\t%d\t%d\t%s\n", ic.Interface, r.Rule, len(r.Scenarios), len(r.Passed), note)
		}
		for _, cc := range ic.Codes {
			fmt.Fprintf(tw, "%s\tcode\t%s\t%d\t%d\t%s\n", ic.Interface, cc.Code, len(cc.Scenarios), len(cc.Passed), codeNote(cc))
		}
	}
	for _, cc := range c.Codes {
		fmt.Fprintf(tw, "*\tcode\t%s\t%d\t%d\t%s\n", cc.Code, len(cc.Scenarios), len(cc.Passed), codeNote(cc))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(c.Uncovered) > 0 {
		fmt.Fprintf(w, "uncovered: %s\n", strings.Join(c.Uncovered, "; "))
	}
	if len(c.UnknownTags) > 0 {
		fmt.Fprintf(w, "unknown tags: %s\n", strings.Join(c.UnknownTags, "; "))
	}
	_, err := fmt.Fprintf(w, "%d scenarios, %d uncovered entries\n", c.Scenarios, len(c.Uncovered))
	return err
}

func codeNote(cc CodeCoverage) string {
	switch {
	case len(cc.Scenarios) > 0:
		return cc.Desc
	case cc.Reason != "":
		return "not reachable: " + cc.Reason
	}
	return "UNCOVERED"
}
