package conformance

import (
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/pns-harness/pns-harness/conformance/results"
	"github.com/pns-harness/pns-harness/pns"
)

// Coverage judging: the matrix, its rows and the table. The catalog it judges against is in
// catalog.go, the parsed scenarios in pickles.go (split by noun for issue 23).

// Coverage is the coverage matrix (results.Coverage).
type Coverage = results.Coverage

// InterfaceCoverage is one interface's rows (results.InterfaceCoverage).
type InterfaceCoverage = results.InterfaceCoverage

// RuleCoverage is one rule with its covering scenarios (results.RuleCoverage).
type RuleCoverage = results.RuleCoverage

// CodeCoverage is one result code with its covering scenarios (results.CodeCoverage).
type CodeCoverage = results.CodeCoverage

// applicable returns the interfaces a code must be covered on: its listed interfaces, or "*"
// (anywhere) for codes of every interface.
func applicable(ci pns.CodeInfo) []string {
	var out []string
	for _, i := range ci.Interfaces {
		if i == "all" || i == "provisioning" {
			return []string{"*"}
		}
		out = append(out, i)
	}
	return out
}

// BuildCoverage computes the matrix from the tags of the features in fsys; res, if non-nil,
// adds which covering scenarios passed.
func BuildCoverage(fsys fs.FS, res *Result) (*Coverage, error) {
	pickles, err := ParseFeatures(fsys)
	if err != nil {
		return nil, err
	}
	b := newCoverageJudge(res)
	idx := indexTags(pickles)
	cov := &Coverage{Scenarios: len(pickles), Uncovered: []string{}}
	if res != nil {
		cov.FeaturesHash = res.FeaturesHash
	}
	codesOf := b.codeRows(cov, idx)
	for _, i := range idx.ifaces {
		cov.Interfaces = append(cov.Interfaces, b.interfaceRow(cov, idx, i, codesOf[i]))
	}
	cov.UnknownTags = sortedSet(idx.unknown)
	inv, err := LoadInventory()
	if err != nil {
		return nil, err
	}
	var ranOrNil map[string]ScenarioResult
	if res != nil {
		ranOrNil = b.ran
	}
	notes, err := loadRuleNotes(inv)
	if err != nil {
		return nil, err
	}
	cov.Contract = buildContract(inv, notes, pickles, ranOrNil)
	return cov, nil
}

// tagCells maps an interface to its items (rules or codes), each to the set of scenarios
// tagged with both.
type tagCells map[string]map[string]map[string]bool

// add records that scenario key covers item on interface i.
func (c tagCells) add(i, item, key string) {
	if c[i] == nil {
		c[i] = map[string]map[string]bool{}
	}
	if c[i][item] == nil {
		c[i][item] = map[string]bool{}
	}
	c[i][item][key] = true
}

// tagIndex is what the scenarios' tags say they cover: per interface, per rule and code, and
// the codes whatever the interface; unknown collects tags that name nothing we know.
type tagIndex struct {
	ifaces               []string // every interface in table order, then the pseudo-interfaces
	byIface              map[string]map[string]bool
	ruleCells, codeCells tagCells
	anyCode              map[string]map[string]bool
	unknown              map[string]bool
}

// indexTags reads the interface, @rule: and @code: tags of every scenario.
func indexTags(pickles []Pickle) tagIndex {
	idx := tagIndex{byIface: map[string]map[string]bool{}, ruleCells: tagCells{}, codeCells: tagCells{},
		anyCode: map[string]map[string]bool{}, unknown: map[string]bool{}}
	known := map[string]bool{}
	for _, i := range pns.Interfaces {
		idx.ifaces = append(idx.ifaces, i.ID)
		known[i.ID] = true
	}
	idx.ifaces = append(idx.ifaces, IfaceCallbacks, IfaceAuthentication)
	known[IfaceCallbacks] = true
	known[IfaceAuthentication] = true
	for _, p := range pickles {
		var its, rules, codes []string
		for _, t := range p.Tags {
			name := strings.TrimPrefix(t, "@")
			switch {
			case strings.HasPrefix(name, "rule:"):
				rules = append(rules, strings.TrimPrefix(name, "rule:"))
			case strings.HasPrefix(name, "code:"):
				codes = append(codes, strings.TrimPrefix(name, "code:"))
			case known[name]:
				its = append(its, name)
			}
		}
		idx.add(p.Key, its, rules, codes)
	}
	return idx
}

// add indexes scenario key tagged with the interfaces its, rules and codes.
func (idx *tagIndex) add(key string, its, rules, codes []string) {
	for _, c := range codes {
		if _, ok := pns.Lookup(pns.Code(c)); !ok {
			idx.unknown["@code:"+c+" ("+key+")"] = true
		}
		if idx.anyCode[c] == nil {
			idx.anyCode[c] = map[string]bool{}
		}
		idx.anyCode[c][key] = true
	}
	for _, i := range its {
		if idx.byIface[i] == nil {
			idx.byIface[i] = map[string]bool{}
		}
		idx.byIface[i][key] = true
		for _, r := range rules {
			idx.ruleCells.add(i, r, key)
		}
		for _, c := range codes {
			idx.codeCells.add(i, c, key)
		}
	}
	if len(its) == 0 && (len(rules) > 0 || len(codes) > 0) {
		idx.unknown["no interface tag: "+key] = true
	}
	for _, r := range rules {
		ok := false
		for _, i := range its {
			ok = ok || contains(Rules[i], r)
		}
		if !ok {
			idx.unknown["@rule:"+r+" ("+key+")"] = true
		}
	}
}

// sortedSet is the members of set m in order, an empty list (not nil) for none.
func sortedSet(m map[string]bool) []string {
	out := slices.AppendSeq(make([]string, 0, len(m)), maps.Keys(m))
	slices.Sort(out)
	return out
}

// coverageJudge judges coverage rows against the scenarios of a run (res nil: none ran).
type coverageJudge struct {
	res    *Result
	ran    map[string]ScenarioResult
	passed map[string]bool
}

// newCoverageJudge indexes the scenarios of res by key, and those that passed.
func newCoverageJudge(res *Result) coverageJudge {
	b := coverageJudge{res: res, ran: map[string]ScenarioResult{}, passed: map[string]bool{}}
	if res != nil {
		for _, s := range res.Scenarios {
			b.ran[s.Key] = s
			if s.Status == "passed" {
				b.passed[s.Key] = true
			}
		}
	}
	return b
}

// passedOf is the scenarios of keys that passed.
func (b coverageJudge) passedOf(keys []string) []string {
	var out []string
	for _, k := range keys {
		if b.passed[k] {
			out = append(out, k)
		}
	}
	return out
}

// codeRow is the coverage of code ci by the scenarios keys, with the reason when none can
// cover it.
func (b coverageJudge) codeRow(ci pns.CodeInfo, keys []string) CodeCoverage {
	cc := CodeCoverage{Code: string(ci.Code), Desc: ci.Desc, Scenarios: keys, Passed: b.passedOf(keys)}
	if b.res != nil && len(keys) > 0 {
		cc.State, _, cc.NotChecked = checkedOn(keys, b.ran)
	}
	if len(keys) == 0 {
		cc.Reason = Unreachable[ci.Code]
		if cc.Reason == "" && len(ci.Interfaces) == 0 {
			cc.Reason = "listed for no interface: the emulator never sends it"
		}
	}
	return cc
}

// codeRows fills cov.Codes, one row per result code whatever the interface, notes the
// uncovered codes of every interface, and returns the codes each interface must cover.
func (b coverageJudge) codeRows(cov *Coverage, idx tagIndex) map[string][]pns.CodeInfo {
	codesOf := map[string][]pns.CodeInfo{}
	for _, ci := range pns.Codes() {
		if ci.Code == pns.CodeSuccess {
			continue
		}
		row := b.codeRow(ci, sortedSet(idx.anyCode[string(ci.Code)]))
		cov.Codes = append(cov.Codes, row)
		for _, i := range applicable(ci) {
			if i == "*" {
				if len(row.Scenarios) == 0 && row.Reason == "" {
					cov.Uncovered = append(cov.Uncovered, "* code "+row.Code)
				}
				continue
			}
			codesOf[i] = append(codesOf[i], ci)
		}
		if len(ci.Interfaces) == 0 && len(row.Scenarios) == 0 && row.Reason == "" {
			cov.Uncovered = append(cov.Uncovered, "* code "+row.Code)
		}
	}
	return codesOf
}

// interfaceRow is the coverage of interface i: its rules and its codes, each uncovered one
// noted in cov.Uncovered.
func (b coverageJudge) interfaceRow(cov *Coverage, idx tagIndex, i string, codes []pns.CodeInfo) InterfaceCoverage {
	ic := InterfaceCoverage{Interface: i, Scenarios: sortedSet(idx.byIface[i])}
	for _, r := range Rules[i] {
		keys := sortedSet(idx.ruleCells[i][r])
		rc := RuleCoverage{Rule: r, Scenarios: keys, Passed: b.passedOf(keys)}
		if b.res != nil {
			rc.State, rc.Checked, rc.NotChecked = checkedOn(keys, b.ran)
		}
		ic.Rules = append(ic.Rules, rc)
		if len(keys) == 0 {
			cov.Uncovered = append(cov.Uncovered, i+" rule "+r)
		}
	}
	for _, ci := range codes {
		row := b.codeRow(ci, sortedSet(idx.codeCells[i][string(ci.Code)]))
		ic.Codes = append(ic.Codes, row)
		if len(row.Scenarios) == 0 && row.Reason == "" {
			cov.Uncovered = append(cov.Uncovered, i+" code "+row.Code)
		}
	}
	return ic
}

// RuleCovered is the State of a rule a covering scenario passed on this target.
const RuleCovered = results.RuleCovered

// checkedOn judges a rule from its covering scenarios: covered only when one passed and none
// failed; otherwise the worst state with the distinct reasons, or that none was selected.
func checkedOn(keys []string, ran map[string]ScenarioResult) (string, *bool, string) {
	rank := map[string]int{StateNotApplicable: 1, StateNotChecked: 2, StateKnownDifference: 3, StateDiffers: 4, StatePassed: 5, StateFailed: 6}
	worst := ""
	reasons := map[string]map[string]bool{}
	for _, k := range keys {
		s, ok := ran[k]
		if !ok {
			continue
		}
		if rank[s.State] > rank[worst] {
			worst = s.State
		}
		if reasons[s.State] == nil {
			reasons[s.State] = map[string]bool{}
		}
		reasons[s.State][s.Reason] = true
	}
	checked := worst == StatePassed || worst == StateFailed
	switch worst {
	case StatePassed:
		return RuleCovered, &checked, ""
	case StateFailed:
		return StateFailed, &checked, ""
	case "":
		return StateNotChecked, &checked, "no covering scenario was selected"
	}
	out := make([]string, 0, len(reasons[worst]))
	for r := range reasons[worst] {
		out = append(out, r)
	}
	sort.Strings(out)
	return worst, &checked, strings.Join(out, "; ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
