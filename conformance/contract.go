package conformance

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pns-harness/pns-harness/conformance/results"
	"github.com/pns-harness/pns-harness/pns"
)

// ContractCoverage maps every rule of the inventory to the scenarios that check it
// (results.ContractCoverage).
type ContractCoverage = results.ContractCoverage

// ContractClass is one class's counts (results.ContractClass).
type ContractClass = results.ContractClass

// ContractRule is one inventory rule with its scenarios and directions
// (results.ContractRule).
type ContractRule = results.ContractRule

var resultCodeStepRE = regexp.MustCompile(`^the result code is "([^"]*)"`)

// scenarioDirections tells which directions a scenario checks: an explicit @direction: tag,
// else from its steps: expecting a non-zero result code, a refusal, a lookup that finds
// nothing or a lockout checks the broken direction; expecting success (code 0) or behaviour
// without any refusal checks the held one.
func scenarioDirections(p Pickle) (held, broken bool) {
	explicit := false
	for _, t := range p.Tags {
		if d, ok := strings.CutPrefix(t, TagDirectionPrefix); ok {
			explicit = true
			held = held || d == DirectionHeld
			broken = broken || d == DirectionBroken
		}
	}
	if explicit {
		return held, broken
	}
	for _, s := range p.Steps {
		if m := resultCodeStepRE.FindStringSubmatch(s); m != nil {
			if m[1] == string(pns.CodeSuccess) {
				held = true
			} else {
				broken = true
			}
		}
		switch s {
		case "the request is refused", "the query finds no binding", "the client IP is locked out":
			broken = true
		case "the client IP is not locked out":
			held = true
		}
	}
	if !broken {
		held = true
	}
	return held, broken
}

var responseFieldStepRE = regexp.MustCompile(`^the response (?:field|list) "([^"]+)"`)

var listItemRE = regexp.MustCompile(`^[A-Za-z]+List\.[0-9]+\.`)

// stepRuleIDs returns the answer rules a scenario's steps assert: a step about the response
// field F checks the row of F in the response table of the scenario's interface (§3-§5), a
// fee field (fee.F) the row of §8.3, an SMS field (smsEvent.F) the row of §10.2, a call event
// field the row of §7.3.
func stepRuleIDs(inv *Inventory, ifaces []string, steps []string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, st := range steps {
		m := responseFieldStepRE.FindStringSubmatch(st)
		if m == nil {
			continue
		}
		f := listItemRE.ReplaceAllString(m[1], "")
		switch {
		case strings.HasPrefix(f, "fee."):
			if _, ok := inv.ByID("8.3/" + strings.TrimPrefix(f, "fee.")); ok {
				add("8.3/" + strings.TrimPrefix(f, "fee."))
			}
			continue
		case strings.HasPrefix(f, "smsEvent."):
			if _, ok := inv.ByID("10.2/" + f); ok {
				add("10.2/" + f)
			}
			continue
		}
		for _, i := range ifaces {
			sec, ok := ifaceSection(i)
			if i == IfaceCallbacks {
				sec, ok = "7.3", true
			}
			if !ok {
				continue
			}
			for _, id := range []string{sec + "/" + f, sec + "/" + f + "~2", sec + "/" + f + "~3"} {
				if r, ok := inv.ByID(id); ok && (r.Class == pns.ClassAnswer || sec == "7.3") {
					add(id)
					break
				}
			}
		}
	}
	return out
}

// emulatorOnly reports whether a scenario runs only against the embedded emulator.
func emulatorOnly(tags []string) bool {
	for _, t := range tags {
		if t == TagEmulator || strings.HasPrefix(t, TagDecisionPrefix) {
			return true
		}
	}
	return false
}

// buildContract computes the contract coverage of the inventory from the scenarios' tags;
// ran, when not nil, judges each rule after a run.
func buildContract(inv *Inventory, notes map[string]RuleNote, pickles []Pickle, ran map[string]ScenarioResult) *ContractCoverage {
	scen, unmapped := contractScenarios(inv, pickles)
	byKey := map[string]Pickle{}
	for _, p := range pickles {
		byKey[p.Key] = p
	}
	cc := &ContractCoverage{Reference: inv.Reference, Rules: len(inv.Rules)}
	classes := map[pns.RuleClass]*ContractClass{}
	for _, c := range pns.RuleClasses {
		classes[c] = &ContractClass{Class: c}
	}
	for _, r := range inv.Rules {
		e := contractRule(r, notes[r.ID], scen[r.ID], byKey, ran)
		cl := classes[r.Class]
		if cl == nil {
			cl = &ContractClass{Class: r.Class}
			classes[r.Class] = cl
		}
		cl.Rules++
		switch {
		case e.Held && e.Broken:
			cl.BothDirections++
			cc.BothDirections++
		case len(e.Scenarios) == 0:
			cl.NoScenario++
		default:
			cl.OneDirection++
		}
		if e.Gap != "" {
			cc.Gaps++
			if e.Unchecked != "" {
				cc.Unchecked++
			}
		}
		cc.Entries = append(cc.Entries, e)
	}
	for _, c := range pns.RuleClasses {
		cc.Classes = append(cc.Classes, *classes[c])
	}
	for k := range unmapped {
		cc.Unmapped = append(cc.Unmapped, k)
	}
	sort.Strings(cc.Unmapped)
	return cc
}

// contractScenarios maps each rule ID of the inventory to the scenarios that check it: by
// their @contract: and @decision: tags, their steps, and their @rule: tags. unmapped collects
// the tags and rules that name no rule of the inventory.
func contractScenarios(inv *Inventory, pickles []Pickle) (scen map[string]map[string]bool, unmapped map[string]bool) {
	known := map[string]bool{}
	for _, i := range pns.Interfaces {
		known[i.ID] = true
	}
	known[IfaceCallbacks], known[IfaceAuthentication] = true, true
	scen = map[string]map[string]bool{} // rule ID → scenario keys
	unmapped = map[string]bool{}
	addTo := func(id, key string) {
		if _, ok := inv.ByID(id); !ok {
			unmapped[TagContractPrefix+id+" ("+key+")"] = true
			return
		}
		if scen[id] == nil {
			scen[id] = map[string]bool{}
		}
		scen[id][key] = true
	}
	for _, p := range pickles {
		var ifaces, rules []string
		for _, t := range p.Tags {
			name := strings.TrimPrefix(t, "@")
			switch {
			case strings.HasPrefix(t, TagContractPrefix):
				addTo(strings.TrimPrefix(t, TagContractPrefix), p.Key)
			case strings.HasPrefix(t, TagDecisionPrefix):
				addTo(strings.TrimPrefix(t, TagDecisionPrefix), p.Key)
			case strings.HasPrefix(name, "rule:"):
				rules = append(rules, strings.TrimPrefix(name, "rule:"))
			case known[name]:
				ifaces = append(ifaces, name)
			}
		}
		for _, id := range stepRuleIDs(inv, ifaces, p.Steps) {
			addTo(id, p.Key)
		}
		for _, i := range ifaces {
			for _, r := range rules {
				if !contains(Rules[i], r) {
					continue // a typo: BuildCoverage lists it
				}
				for _, id := range RuleIDsOfTag(inv, i, r) {
					addTo(id, p.Key)
				}
			}
		}
	}
	for i, rs := range Rules {
		for _, r := range rs {
			if len(RuleIDsOfTag(inv, i, r)) == 0 {
				unmapped[i+" "+r] = true
			}
		}
	}
	return scen, unmapped
}

// contractRule is the coverage of rule r by the scenarios of keySet and its note (rulenotes/):
// in which directions they check it, whether only on the emulator, its gap, and (ran not nil)
// its state after a run.
func contractRule(r InventoryRule, n RuleNote, keySet map[string]bool, byKey map[string]Pickle, ran map[string]ScenarioResult) ContractRule {
	e := ContractRule{ID: r.ID, Class: r.Class, Markers: r.Markers}
	keys := make([]string, 0, len(keySet))
	for k := range keySet {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	e.Scenarios = keys
	e.EmulatorOnly = len(keys) > 0
	var heldEvery, brokenEvery bool // a direction checked on every target
	for _, k := range keys {
		h, b := scenarioDirections(byKey[k])
		e.Held = e.Held || h
		e.Broken = e.Broken || b
		emu := emulatorOnly(byKey[k].Tags)
		e.EmulatorOnly = e.EmulatorOnly && emu
		heldEvery = heldEvery || (h && !emu)
		brokenEvery = brokenEvery || (b && !emu)
	}
	switch {
	case e.EmulatorOnly || !e.Held || !e.Broken:
	case !heldEvery:
		e.EmulatorOnlyDirection = DirectionHeld
	case !brokenEvery:
		e.EmulatorOnlyDirection = DirectionBroken
	}
	switch n.Kind {
	case NoteSchema:
		// Every answer and push is validated against the schema on every target.
		e.Schema, e.Held, e.Broken, e.EmulatorOnly, e.EmulatorOnlyDirection = n.Detail, true, true, false, ""
	case NoteUnchecked:
		e.Unchecked = n.Detail
	default:
		if emulatorDecision(r) {
			e.Unchecked = fmt.Sprintf("an emulator decision (real platform: %s): another target may decide otherwise, so no black-box check holds it there", r.Platform)
		}
	}
	e.Gap = gapOf(e)
	if ran != nil && len(keys) > 0 {
		e.State, _, e.NotChecked = checkedOn(keys, ran)
	}
	return e
}

// emulatorDecision reports whether a decision's real-platform column leaves the platform free
// (it asserts nothing there), so only the embedded emulator is held to it.
func emulatorDecision(r InventoryRule) bool {
	return r.Platform != "" && strings.Contains(r.Platform, "@emulator") && !strings.Contains(r.Platform, "assert")
}

// gapOf says why a rule is not checked both ways on every target, "" when it is.
func gapOf(e ContractRule) string {
	var why []string
	switch {
	case len(e.Scenarios) == 0 && e.Schema == "":
		why = append(why, "no scenario checks it")
	case !e.Broken:
		why = append(why, "only the held direction is checked (no scenario breaks it)")
	case !e.Held:
		why = append(why, "only the broken direction is checked (no scenario keeps it)")
	}
	if e.EmulatorOnly {
		why = append(why, "checked only against the embedded emulator (its scenarios are @emulator or assert a decision)")
	}
	if e.EmulatorOnlyDirection != "" {
		why = append(why, "the "+e.EmulatorOnlyDirection+" direction is checked only against the embedded emulator (its scenarios are @emulator or assert a decision)")
	}
	if len(why) == 0 {
		return ""
	}
	if e.Unchecked != "" {
		why = append(why, "cannot be checked: "+e.Unchecked)
	}
	return strings.Join(why, "; ")
}
