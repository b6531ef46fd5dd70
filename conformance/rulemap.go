package conformance

import (
	"regexp"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
)

// TagContractPrefix starts the tag naming an inventory rule a scenario checks directly
// (@contract:3.5/pageSize), for rules that no @rule: tag of the catalogue names.
const TagContractPrefix = "@contract:"

// TagDirectionPrefix starts the tag saying which direction of its rules a scenario checks
// when its steps do not tell: @direction:held (the rule held, the platform accepts or
// behaves) or @direction:broken (the rule broken, the platform refuses or the suite detects
// it).
const TagDirectionPrefix = "@direction:"

// The two directions of a rule.
const (
	// DirectionHeld: a request that keeps the rule is accepted, or the platform behaves as
	// the rule says.
	DirectionHeld = "held"
	// DirectionBroken: a request that breaks the rule is refused, or a platform breaking it is
	// detected.
	DirectionBroken = "broken"
)

// ifaceSection is the reference section of an interface's request table (pns.Interface's
// Section), where the field rules of the catalogue (mandatory:, length:, format:, …) are
// stated; ok is false for the pseudo-interfaces.
func ifaceSection(id string) (string, bool) {
	i, ok := pns.InterfaceByID(id)
	return i.Section, ok && i.Section != ""
}

var fieldSplitRE = regexp.MustCompile(`[,|>+]`)

// RuleIDsOfTag returns the inventory rules that the scenarios tagged @rule:<tag> on iface
// check: the hand-written entry of tagRuleIDs, or else, for a field rule (mandatory:x,
// length:x, format:x, …), the row of field x in the interface's request table. Nil when the
// tag maps to no rule of inv.
func RuleIDsOfTag(inv *Inventory, iface, tag string) []string {
	if ids, ok := tagRuleIDs[iface+" "+tag]; ok {
		return ids
	}
	sec, ok := ifaceSection(iface)
	kind, arg, _ := strings.Cut(tag, ":")
	if !ok || kind == "business" {
		return nil
	}
	fields := fieldSplitRE.Split(arg, -1)
	if kind == "distinct" { // the second field is the one whose row states "must differ"
		for i, j := 0, len(fields)-1; i < j; i, j = i+1, j-1 {
			fields[i], fields[j] = fields[j], fields[i]
		}
	}
	for _, f := range fields {
		if _, ok := inv.ByID(sec + "/" + f); ok {
			return []string{sec + "/" + f}
		}
	}
	return nil
}
