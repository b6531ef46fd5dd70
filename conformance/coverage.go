package conformance

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"
	"github.com/pns-harness/pns-harness/conformance/results"
	"github.com/pns-harness/pns-harness/pns"
)

// IfaceAuthentication is the pseudo-interface of the authentication feature: its scenarios
// check §2 on whichever interface they call.
const IfaceAuthentication = "authentication"

// IfaceCallbacks is the pseudo-interface of the notifications of simulated calls, SMS and
// X-number status changes (§7-§10); its rules are the event sequences of §7.4 and the
// delivery rules checked at the customer's URLs.
const IfaceCallbacks = "callbacks"

// Rules is the catalog of parameter and business rules per interface (reference §2-§5, §11,
// §13), in tag form: a scenario tagged @rule:<rule> and @<interface> covers it. Rule kinds:
// mandatory, length, format, range, enum, type (wrong JSON type), alternative (one of several
// parameters required), precedence, default, distinct (two values must differ), exclusive
// (must not be sent together), pair (must be sent together), business (§13 and the business
// rules of each interface).
var Rules = map[string][]string{
	pns.IfaceAXBBind: {
		"mandatory:callerNum", "mandatory:calleeNum", "length:callerNum", "length:calleeNum",
		"format:callerNum", "format:calleeNum", "format:relationNum", "range:duration", "type:duration",
		"range:maxDuration", "enum:callDirection", "type:callDirection", "enum:areaMatchMode",
		"enum:recordFlag", "enum:privateSms", "type:preVoice", "length:userData", "format:userData",
		"distinct:callerNum,calleeNum", "precedence:relationNum>areaCode", "default:callDirection",
		"business:x-reuse", "business:x-not-owned", "business:no-eligible-x", "business:x-full",
		"business:x-not-normal", "business:recording-disabled", "business:area-selection",
		"business:mode-mismatch", "business:content-type", "business:malformed-json",
		"business:tone-approval", "business:null-is-absent", "business:boolean-flags",
		"length:recordHintTone", "length:lastMinVoice", "type:callerNum",
		"business:expiry-instant",
		"business:x-frozen", "business:private-sms",
		"default:areaMatchMode",
	},
	pns.IfaceAXBUnbind: {
		"alternative:relationNum|subscriptionId", "format:relationNum", "precedence:subscriptionId>relationNum",
		"business:unbind-all-by-x", "business:x-not-owned", "business:unknown-subscription",
		"business:x-without-bindings", "business:unescaped-plus",
		"business:isolation",
	},
	pns.IfaceAXBModify: {
		"mandatory:subscriptionId", "format:calleeNum", "range:duration", "distinct:callerNum,calleeNum",
		"business:x-reuse", "business:unknown-subscription", "business:recording-disabled",
		"business:expiry-restart", "business:no-op",
		"business:never-expires",
	},
	pns.IfaceAXBQuery: {
		"alternative:relationNum|subscriptionId", "precedence:subscriptionId", "business:role-match",
		"business:pagination", "business:utc-time", "business:unknown-subscription", "business:isolation", "business:expiry",
		"business:requires-relationNum",
		"business:answer-content-type",
	},
	pns.IfaceAXBind: {
		"mandatory:origNum", "length:origNum", "format:origNum", "format:privateNum", "enum:privateNumType",
		"enum:calleeNumDisplay", "enum:turnFlag", "range:maxDuration", "type:maxDuration", "enum:callDirection",
		"type:preVoice", "length:userData", "business:ax-one-a-per-x", "business:ax-same-a-x",
		"business:ax-5x-limit", "business:x-not-owned", "business:x-not-normal", "business:no-eligible-x",
		"business:recording-disabled", "precedence:privateNum>areaCode", "business:mode-mismatch",
		"business:answer-content-type",
	},
	pns.IfaceAXUnbind: {
		"alternative:subscriptionId|privateNum", "pair:origNum+privateNum", "business:x-not-owned",
		"business:unknown-subscription", "business:a-mismatch", "precedence:subscriptionId",
	},
	pns.IfaceAXModify: {
		"alternative:subscriptionId|privateNum", "format:origNum", "range:maxDuration", "enum:turnFlag",
		"business:ax-5x-limit", "business:x-not-owned", "business:unknown-subscription",
		"business:recording-disabled",
	},
	pns.IfaceAXQuery: {
		"alternative:subscriptionId|origNum|privateNum", "precedence:subscriptionId>origNum>privateNum",
		"business:unknown-subscription", "format:origNum", "business:utc-time",
		"business:absent-unset",
	},
	pns.IfaceAXCallee: {
		"mandatory:calleeNum", "alternative:subscriptionId|privateNum", "range:duration",
		"distinct:calleeNum,origNum", "format:calleeNum", "business:x-not-owned",
		"business:unknown-subscription", "length:userData",
		"default:duration",
	},
	pns.IfaceAXEBind: {
		"mandatory:bindNum", "format:bindNum", "format:virtualNum", "format:extendNum", "length:extendNum",
		"enum:displayNumMode", "enum:timeUnit", "range:bindExpiredTime", "exclusive:callbackTone,callbackNum",
		"business:extension-taken", "business:same-bindnum", "business:x-not-owned", "business:x-not-normal",
		"business:recording-disabled", "business:extension-allocation", "precedence:virtualNum>areaCode",
		"business:expiry", "business:mode-mismatch",
	},
	pns.IfaceAXEUnbind: {
		"alternative:subscriptionId|virtualNum+extendNum", "pair:virtualNum+extendNum",
		"business:x-not-owned", "business:unknown-subscription",
	},
	pns.IfaceAXEModify: {
		"alternative:subscriptionId|virtualNum+extendNum", "exclusive:callbackTone,callbackNum",
		"business:unknown-subscription", "business:x-not-owned", "business:recording-disabled",
		"business:lifetime-not-applied",
	},
	pns.IfaceAXEQuery: {
		"alternative:subscriptionId|virtualNum+extendNum", "pair:virtualNum+extendNum",
		"business:unknown-subscription", "precedence:subscriptionId",
	},
	pns.IfaceAXYBBind: {
		"mandatory:app_key", "business:app-key-mismatch", "mandatory:origNum", "format:origNum",
		"range:duration", "range:ybDuration", "type:duration", "default:duration", "default:ybDuration",
		"business:yb-capped-by-duration", "enum:callDirection", "enum:areaMatchMode", "enum:recordFlag",
		"length:userData", "distinct:A,B", "business:ax-one-a-per-x", "business:axyb-5x-limit",
		"business:y-not-x", "business:y-not-repeated", "business:y-shared", "business:y-capacity",
		"business:no-eligible-x", "business:same-b-twice", "business:unknown-subscription",
		"business:recording-disabled", "business:mode-mismatch", "business:yb-returns-ax-id",
	},
	pns.IfaceAXYBUnbind: {
		"mandatory:app_key", "mandatory:subscriptionId", "precedence:yNum>bNum", "business:unbind-all",
		"business:unbind-one-yb", "business:unknown-subscription", "business:unknown-yb",
	},
	pns.IfaceAXYBQuery: {
		"mandatory:app_key", "alternative:relationNum|subscriptionId", "precedence:subscriptionId>relationNum",
		"business:by-x", "business:ax-without-yb", "business:expiry", "business:unknown-subscription",
		"business:utc-time", "business:isolation",
	},
	pns.IfaceRecordDownload: {
		"mandatory:fileName", "mandatory:recordDomain", "business:unknown-recording",
		"business:injected-errors", "business:download-redirect", "business:retention",
		"business:recording-isolation",
	},
	pns.IfaceStopCall: {
		"mandatory:sessionid", "mandatory:signal", "length:sessionid", "type:sessionid", "enum:signal",
		"business:unknown-call", "business:ended-call", "business:stop-live-call", "business:isolation",
		"business:every-mode", "business:content-type", "business:answer-content-type", "business:auth",
	},
	IfaceCallbacks: {
		"sequence:S1", "sequence:B1", "sequence:B2", "sequence:B3-B6", "sequence:B7", "sequence:B8", "sequence:B9",
		"sequence:X1", "sequence:X2", "sequence:X3", "sequence:X4", "sequence:X6", "sequence:X7",
		"sequence:E1", "sequence:E2", "sequence:E3", "sequence:E4", "sequence:E5", "sequence:E6",
		"sequence:M1", "sequence:M2", "sequence:M3", "delivery:xmode-callin",
		"sequence:Y1", "sequence:Y2", "sequence:Y3", "sequence:Y4", "sequence:Y5", "sequence:Y6",
		"business:recorded-call", "sms:axb-forward", "sms:ax-forward",
		"sms:block-route", "sms:block-discard", "sms:block-invalid", "sms:x-block", "business:forced-cause",
		// What arrives at the customer's URLs (callback_delivery.feature): §7.1 signing, §7.6
		// re-push, §8 fee records and batching, §9 X-number status, §10 SMS, §11 recordings.
		"delivery:events", "delivery:signature-aksk", "delivery:signature-wsse", "delivery:fee",
		"delivery:fee-batch", "delivery:fee-cap", "delivery:retry", "delivery:numstatus", "delivery:numstatus-cap", "business:x-paused",
		"delivery:sms-notify", "delivery:sms-block", "delivery:recording",
		"meaning:fee-first-leg", "meaning:icid-unique",
	},
	IfaceAuthentication: {
		"business:aksk-ok", "business:separators", "business:stale-created", "business:future-created", "business:nonce-replay", "business:bad-digest",
		"business:unknown-app-key", "business:wsse", "business:lockout", "business:allow-list",
		"business:frozen", "business:local-time-tolerance", "business:malformed-created",
		"business:nonce-length", "business:authorization-format", "business:x-aksk-format",
		"business:digest-encoding", "business:scheme-case", "business:attribute-case", "business:lockout-threshold", "business:lockout-counting", "business:lockout-peer",
		"business:lockout-extension",
	},
}

// Unreachable lists result codes of §12 that the suite cannot provoke, with the reason.
var Unreachable = map[pns.Code]string{
	pns.CodeWSSEMissingInAuth: "legacy code of older tables; the emulator never sends it (§2.2)",
	pns.CodeAppUnavailable:    "documented for the sibling VoiceCall product only; never sent by the emulator",
	pns.CodeAccountNotExist:   "AX family code that the emulator never sends (§12)",
	pns.CodeBlacklisted:       "X blacklisting is outside the first scope; never sent (§12)",
}

// Coverage is the coverage matrix (results.Coverage).
type Coverage = results.Coverage

// InterfaceCoverage is one interface's rows (results.InterfaceCoverage).
type InterfaceCoverage = results.InterfaceCoverage

// RuleCoverage is one rule with its covering scenarios (results.RuleCoverage).
type RuleCoverage = results.RuleCoverage

// CodeCoverage is one result code with its covering scenarios (results.CodeCoverage).
type CodeCoverage = results.CodeCoverage

// Pickle is a parsed scenario: its key, feature file, name and tags.
type Pickle struct {
	Key     string
	Feature string
	Name    string
	Tags    []string
	Steps   []string
	// Lines are the lines naming the scenario in its feature file: its Scenario keyword and,
	// for an outline row, the row (what "file.feature:LINE" refers to).
	Lines []int
}

// ParseFeatures compiles every feature of fsys into scenarios (outline rows expanded).
func ParseFeatures(fsys fs.FS) ([]Pickle, error) {
	paths, err := featurePaths(fsys)
	if err != nil {
		return nil, err
	}
	var out []Pickle
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		ids := (&messages.Incrementing{}).NewId
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), ids)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		lines := astLines(doc)
		for _, pk := range gherkin.Pickles(*doc, p, ids) {
			sp := Pickle{Key: scenarioKey(p, pk.Name), Feature: p, Name: pk.Name}
			for _, id := range pk.AstNodeIds {
				if l, ok := lines[id]; ok {
					sp.Lines = append(sp.Lines, l)
				}
			}
			for _, t := range pk.Tags {
				sp.Tags = append(sp.Tags, t.Name)
			}
			for _, st := range pk.Steps {
				sp.Steps = append(sp.Steps, st.Text)
			}
			out = append(out, sp)
		}
	}
	return out, nil
}

// astLines maps the ids of a document's scenarios and Examples rows to their lines.
func astLines(doc *messages.GherkinDocument) map[string]int {
	out := map[string]int{}
	scen := func(sc *messages.Scenario) {
		out[sc.Id] = int(sc.Location.Line)
		for _, ex := range sc.Examples {
			for _, row := range ex.TableBody {
				out[row.Id] = int(row.Location.Line)
			}
		}
	}
	if doc.Feature == nil {
		return out
	}
	for _, c := range doc.Feature.Children {
		if c.Scenario != nil {
			scen(c.Scenario)
		}
		if c.Rule != nil {
			for _, rc := range c.Rule.Children {
				if rc.Scenario != nil {
					scen(rc.Scenario)
				}
			}
		}
	}
	return out
}

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
