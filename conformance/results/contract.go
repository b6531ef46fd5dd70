package results

import (
	"fmt"

	"github.com/pns-harness/pns-harness/pns"
)

// This file is the contract matrix: every inventory rule with the scenarios that check it.

// ContractCoverage maps every rule of the inventory (every marked statement of the reference
// and every decision) to the scenarios that check it and says whether both directions are
// checked: the rule held (accepted, behaves) and the rule broken (refused, detected). A rule
// without both is a gap, listed with the reason.
type ContractCoverage struct {
	// Reference is the SHA-256 of the reference the inventory was generated from.
	Reference string `json:"reference"`
	// Rules is the number of inventory rules; BothDirections of them are checked both ways.
	Rules          int `json:"rules"`
	BothDirections int `json:"bothDirections"`
	// Gaps is the number of rules with a gap (Entries' Gap is not empty); Unchecked of them
	// cannot be checked by any black-box test, and their note says why (rulenotes/).
	Gaps      int `json:"gaps"`
	Unchecked int `json:"unchecked"`
	// Classes counts the rules per class.
	Classes []ContractClass `json:"classes"`
	// Entries is one per inventory rule, in the reference's order.
	Entries []ContractRule `json:"entries"`
	// Unmapped lists "interface rule-tag" pairs of the catalogue that name no inventory rule,
	// and @contract: tags naming an ID the inventory does not have.
	Unmapped []string `json:"unmapped,omitempty"`
}

// ContractClass is one class's counts.
type ContractClass struct {
	// Class is the rules' class.
	Class pns.RuleClass `json:"class"`
	// Rules is the number of its rules: BothDirections checked both ways, OneDirection one
	// way only, NoScenario by no scenario.
	Rules          int `json:"rules"`
	BothDirections int `json:"bothDirections"`
	OneDirection   int `json:"oneDirection"`
	NoScenario     int `json:"noScenario"`
}

// ContractRule is one inventory rule with its scenarios and directions.
type ContractRule struct {
	// ID, Class and Markers are the inventory rule's (InventoryRule).
	ID      string        `json:"id"`
	Class   pns.RuleClass `json:"class"`
	Markers []string      `json:"markers"`
	// Scenarios check the rule (through @rule:, @decision: or @contract: tags).
	Scenarios []string `json:"scenarios,omitempty"`
	// Held and Broken say which directions those scenarios check.
	Held   bool `json:"held"`
	Broken bool `json:"broken"`
	// EmulatorOnly: every checking scenario runs only against the embedded emulator, so on
	// another target the rule is not checked.
	EmulatorOnly bool `json:"emulatorOnly,omitempty"`
	// EmulatorOnlyDirection is "held" or "broken" when that direction is checked only by
	// scenarios that run only against the embedded emulator while the other is checked on
	// every target: on another target the rule is then checked one way only.
	EmulatorOnlyDirection string `json:"emulatorOnlyDirection,omitempty"`
	// Schema names the subschema ("<schema>#<pointer>") that checks the rule on every answer
	// or push of every target (a schema note in rulenotes/); both directions count as checked.
	Schema string `json:"schema,omitempty"`
	// Unchecked says why no black-box test can check the rule (an unchecked note).
	Unchecked string `json:"unchecked,omitempty"`
	// Gap says why the rule is not checked in both directions on every target; "" when it is.
	Gap string `json:"gap,omitempty"`
	// State and NotChecked judge the rule after a run, as RuleCoverage's do.
	State      string `json:"state,omitempty"`
	NotChecked string `json:"notChecked,omitempty"`
}

// Summary is the one-line console form: the counts and where the full list is.
func (c *ContractCoverage) Summary(path string) string {
	return fmt.Sprintf("contract rules: %d, %d checked in both directions, %d gaps, %d of them cannot be checked (listed with the reasons in %s)", c.Rules, c.BothDirections, c.Gaps, c.Unchecked, path)
}
