package conformance

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pns-harness/pns-harness/features"
	"github.com/pns-harness/pns-harness/pns"
)

// mutantRuleIDs names, for every mutant, the inventory rule (rules.json) it breaks: the rule
// of the reference a platform with that bug would violate. The mutation score is reported per
// class of that rule.
var mutantRuleIDs = map[string]string{
	"range:duration: the largest allowed value (7776000) refused":                                             "3.2/duration",
	"range:maxDuration: the largest allowed value (1440) refused":                                             "13.6/maxDuration",
	"range:maxDuration: the smallest allowed value (0) refused":                                               "3.2/maxDuration",
	"range:duration (ax.callee): the largest allowed value (259200) refused":                                  "4.6/duration",
	"range:bindExpiredTime: minutes held to the hours maximum (2160)":                                         "5.2/bindExpiredTime",
	"length:userData: the longest allowed value (256) refused":                                                "13.6/userData",
	"length:lastMinVoice: the longest allowed value (128) refused":                                            "3.2/lastMinVoice",
	"enum:callDirection: value 2 never accepted":                                                              "3.2/callDirection",
	`enum:turnFlag: "off" never accepted`:                                                                     "4.2/turnFlag",
	`enum:timeUnit: "1" (minutes) never accepted`:                                                             "5.2/timeUnit",
	`enum:privateSms: "false" never accepted`:                                                                 "3.2/privateSms",
	"bad-digest: message in the wrong order (Created + Nonce) accepted":                                       "2.1/PasswordDigest",
	"bad-digest: key and message swapped accepted":                                                            "2.1/PasswordDigest",
	"bad-digest: Base64 of the hex string accepted":                                                           "2.1/PasswordDigest",
	"bad-digest: a separator between Nonce and Created accepted":                                              "2.1/PasswordDigest",
	"future-created: a Created ahead of the window accepted":                                                  "2.5/13",
	"stale-created: a Created a day old accepted":                                                             "2.5/13",
	"nonce-replay: a reused nonce accepted":                                                                   "D6",
	"utc-time: subscribeTime in China local time (UTC+8)":                                                     "1.7/Times-in-responses-and-notifications",
	"utc-time: subscribeTime one hour off":                                                                    "3.5/subscribeTime",
	"utc-time: AXYB subscribeTime in China local time (UTC+8)":                                                "6.4/subscribeTime",
	"fee-cap: fee records split before the cap (49 per message)":                                              "13.6/Fee-records-per-push",
	"fee-batch: fee records of calls ending together never merged":                                            "8.1/50-after-each-call",
	"numstatus-cap: status changes split before the cap (99 per message)":                                     "13.6/Status-changes-per-X-status-push",
	"x-reuse: 1012010 answered as 1012008, and AXB bind answers without subscriptionId (as in TestMutations)": "13.1/1-X-5000-AXB-CXD-AXB-BXC-one-X-may",

	"inside/1: digest compared without case":                                         "2.1/PasswordDigest",
	"inside/1: digest compared without its padding":                                  "D9",
	"inside/1: Created parsed as any RFC 3339 time (fractions, numeric zones)":       "D3",
	"inside/1: Created without its Z read as UTC":                                    "2.1/Created",
	"inside/1: Created with a space instead of the T accepted":                       "D3",
	"inside/1: local-time tolerance of 1.5 h around +8 h instead of the skew window": "D2",
	"inside/1: any whole-hour zone up to +8 h tolerated":                             "2.1/Timezone-of-Created.-Every-PrivateNumber",
	"inside/1: local time tolerated 8 h behind as well":                              "D2",
	"inside/1: nonce maximum taken as 127 characters":                                "13.6/Nonce",
	"inside/1: nonce of fewer than 8 characters refused":                             "2.1/Nonce",
	"inside/1: scheme token matched with its case":                                   "2.4/Authorization-scheme-token-whitespace-th",
	"inside/1: Authorization attribute names matched without case":                   "D9",
	"inside/1: X-AKSK attribute names matched without case":                          "D9",
	"inside/2: lockout after 9 failures":                                             "D8",
	"inside/2: lockout after 11 failures":                                            "13.6/Authentication-lockout",
	"inside/2: validation and business refusals count toward the lockout":            "D8",
	"inside/2: lockout keyed by X-Forwarded-For instead of the TCP peer":             "D8",
	"inside/2: requests refused during the lock extend it":                           "D8",
	"inside/4: retention counted from the call's start, not the fee push":            "11.1/Retention-a-recording-is-kept",
	"inside/5: answers labelled text/html":                                           "1.5/Every-provisioning-response-is-JSON",
	"inside/5: answers labelled with charset GBK":                                    "1.5/Every-provisioning-response-is-JSON",
	"inside/5: AX query fills in callDirection 0 when it was never set":              "4.5/callDirection",
	"inside/5: AX query answers unset optional fields as JSON null":                  "4.5/userData",
	"inside/6: AXB unbind finds another app's binding":                               "3.3/subscriptionId-unknown-in-this-app",
	"inside/6: AXB modify with duration 0 taken as not sent":                         "13.4/AXB-duration-0-7776000-s-absent",
	"inside/6: AXB bindings expire one second late (the expiry instant still alive)": "13.4/Emulator-an-expired-binding",
	"inside/6: a binding-frozen X (status 11) treated as paused":                     "9/Effects-normal-none",
	`inside/6: AXB privateSms "false" ignored`:                                       "3.2/privateSms",
	"inside/6: areaMatchMode defaults to non-strict":                                 "3.2/areaMatchMode",
	"inside/6: temporary callee default duration 30 s":                               "13.2/Temporary-callee-lifetime-1-259200-s",
	"inside/6: temporary callee default duration 120 s":                              "13.6/AX-temporary-callee-duration",
	"inside/3: fee calleeNum is the forwarded leg's callee":                          "8.3/calleeNum",
	"inside/3: icid is the binding's, not the call's":                                "8.3/icid",
	"inside/4: recording download does not check the app":                            "11.1/GET-rest-provision-voice-record-v1.0-fil",
	"inside/7: AX unbind by a privateNum sent alone wins over subscriptionId":        "4.3/subscriptionId",
	"inside/7: AXB query pageSize 100 taken as out of range":                         "3.5/pageSize",
	"inside/7: fixed line with a 7-digit local number refused":                       "1.4/Fixed-line-country-code",
	"inside/7: fixed line with a 3-digit area and 8-digit local number refused":      "D16",
	"inside/7: fixed line of 12 digits accepted (cut to 11)":                         "D16",
	"inside/7: blanks around numbers trimmed before validation":                      "1.4/A-and-B-numbers-must",

	"gaps/1: a nonce longer than 128 characters accepted":                                   "2.1/Nonce",
	"gaps/3: callin events pushed to the call-status URL although the app has a callin URL": "7.1/A-separate-URL-for-callin",
	"gaps/3: SMS text carried whatever the app's carry-content setting":                     "10.1/The-text-is-included-only",
	"gaps/3: a push answered 204 counted as delivered (any 2xx a success)":                  "7.5/Notify-mode-every-AX-AXB",
	"gaps/3: a failing push re-pushed 5 times instead of 6":                                 "7.6/6-1-4-9-106-203-300-a-push-without",
	"gaps/3: pushes signed with China local time labelled Z":                                "7.1/Headers-Content-Type-application-json-ch",
	"gaps/7: a temporary callee equal to the binding's A accepted":                          "4.6/calleeNum",
	"gaps/7: AXB query by relationNum and callerNum matches the number in either role":      "3.5/relationNum-callerNum",
	"gaps/7: AXB bind ignores areaCode under strict matching":                               "13.5/areaCode-areaMatchMode-0-or-absent",
	"gaps/7: AX unbind by origNum and privateNum ignores origNum":                           "4.3/origNum",
}

// survivorReasons explains the mutants the suite is known not to kill. Each reason starts
// with its kind: "equivalent:" (the mutant's answers are all still within the contract),
// "invisible:" (no black-box test can see the rule break) or "gap:" (a scenario could see it
// but none does yet; the score counts it as a survivor and the report lists it). A survivor
// without an entry fails the mutation run.
var survivorReasons = map[string]string{}

// targetSurvivorReasons explain the mutants that survive on a target that is not the embedded
// emulator (TestMutationScoreOnTarget) although the embedded suite kills them: the scenario
// that sees the break asserts an emulator decision or needs emulator control, and either no
// black-box check of that part exists (invisible) or the documented part could be checked on
// any target but the scenario is emulator-only as a whole (gap).
var targetSurvivorReasons = map[string]string{
	"range:bindExpiredTime: minutes held to the hours maximum (2160)": "invisible: the ranges of the AXE time fields are the emulator's decision D62",
	"length:lastMinVoice: the longest allowed value (128) refused": "invisible: a platform refuses a tone file that is not approved (D25), " +
		"so the 128-character value is accepted only on the emulator",
	"future-created: a Created ahead of the window accepted":             "invisible: the skew window is unpublished; its boundary is the emulator's decision D2",
	"contract/auth: X-WSSE refused although the app allows it":           "invisible: X-WSSE acceptance is undocumented (D1)",
	"contract/auth: local time sent as UTC no longer tolerated":          "invisible: the +8 h tolerance is the emulator's decision D2",
	"contract/auth: skew window of 600 s instead of 300 s":               "invisible: the skew window is unpublished (D2)",
	"contract/answer: 1012007's description without its trailing period": "invisible: resultdesc is asserted only against the emulator (§12)",
	"contract/answer: AX query lists bindings newest first": "invisible: the list is documented but its order is [I] (§4.5), " +
		"the emulator's decision D78: its scenario is @decision:D78, so another platform's order is a difference, not a failure",
	"contract/answer: AXB query by relationNum lists bindings newest first": "invisible: the order of an X's bindings is the emulator's " +
		"decision D41 (§3.5): its scenario is @decision:D41, so another platform's order is a difference, not a failure",
	"inside/1: digest compared without its padding":                                  "invisible: values taken verbatim is the emulator's decision D9",
	"inside/1: local-time tolerance of 1.5 h around +8 h instead of the skew window": "invisible: the +8 h tolerance is the emulator's decision D2",
	"inside/1: any whole-hour zone up to +8 h tolerated":                             "invisible: the +8 h tolerance is the emulator's decision D2",
	"inside/1: local time tolerated 8 h behind as well":                              "invisible: the +8 h tolerance is the emulator's decision D2",
	"inside/1: scheme token matched with its case":                                   "invisible: the scheme's case is the emulator's decision D9",
	"inside/1: Authorization attribute names matched without case":                   "invisible: exact attribute names are the emulator's decision D9",
	"inside/1: X-AKSK attribute names matched without case":                          "invisible: exact attribute names are the emulator's decision D9",
	`inside/6: AXB privateSms "false" ignored`:                                       "invisible: the effect of privateSms is seen only through the emulator's SMS simulation",
	"inside/6: temporary callee default duration 30 s": "invisible: no answer shows a temporary callee or its lifetime (§4.6 answers " +
		"resultcode and resultdesc only); only A's calls through X reveal it, and only the emulator can simulate calls",
	"inside/6: temporary callee default duration 120 s": "invisible: no answer shows a temporary callee or its lifetime (§4.6 answers " +
		"resultcode and resultdesc only); only A's calls through X reveal it, and only the emulator can simulate calls",
	"contract/recording: download redirect without its Location header": "invisible: a download that succeeds needs a recording " +
		"of a real call (its fee record names the file); on a target other than the emulator no test can place a call, so only " +
		"the refusals of unknown files run there (rulenotes/recording.tsv)",
	"inside/4: recording download does not check the app": "invisible: another app's recording exists only after a real call of " +
		"that app; on a target other than the emulator no test can place one (rulenotes/recording.tsv)",
	"inside/7: fixed line with a 7-digit local number refused": "invisible: the mutant refuses 9 digits after +86, i.e. a 2-digit area " +
		"with a 7-digit local number; every 2-digit Chinese area (010, 02x) has 8-digit local numbers, so no real number has that " +
		"form and a platform may refuse it as not a real operator number (§1.4); accepting it is the emulator's pattern D16",
}

// survivorKinds are the prefixes a survivor's reason starts with.
var survivorKinds = []string{"equivalent: ", "invisible: ", "gap: "}

// mutantRule returns the inventory rule a mutant breaks.
func mutantRule(inv *Inventory, m mutant) (InventoryRule, error) {
	id, ok := mutantRuleIDs[m.name]
	if !ok {
		return InventoryRule{}, fmt.Errorf("mutant %q names no rule ID (add it to mutantRuleIDs)", m.name)
	}
	r, ok := inv.ByID(id)
	if !ok {
		return InventoryRule{}, fmt.Errorf("mutant %q: rule ID %s is not in the inventory", m.name, id)
	}
	return r, nil
}

// classScores formats the score per class of the rules the mutants break, then overall.
func classScores(inv *Inventory, outs []mutantOutcome) string {
	type score struct{ killed, total int }
	per := map[pns.RuleClass]*score{}
	all := score{}
	for _, o := range outs {
		r, err := mutantRule(inv, o.m)
		if err != nil {
			continue
		}
		s := per[r.Class]
		if s == nil {
			s = &score{}
			per[r.Class] = s
		}
		s.total++
		all.total++
		if len(o.killedBy) > 0 {
			s.killed++
			all.killed++
		}
	}
	var b strings.Builder
	for _, c := range pns.RuleClasses {
		if s := per[c]; s != nil {
			fmt.Fprintf(&b, "  %-13s %3d/%-3d killed (%.0f%%)\n", c, s.killed, s.total, 100*float64(s.killed)/float64(s.total))
		}
	}
	if all.total > 0 {
		fmt.Fprintf(&b, "  %-13s %3d/%-3d killed (%.0f%%)\n", "overall", all.killed, all.total, 100*float64(all.killed)/float64(all.total))
	}
	return b.String()
}

// TestMutantRuleIDs: every mutant names a rule of the inventory, no entry names a mutant that
// does not exist, and the per-class report counts what it is given.
func TestMutantRuleIDs(t *testing.T) {
	inv, err := LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, m := range mutants {
		names[m.name] = true
		if _, err := mutantRule(inv, m); err != nil {
			t.Error(err)
		}
	}
	var stale []string
	for n := range mutantRuleIDs {
		if !names[n] {
			stale = append(stale, n)
		}
	}
	for n := range survivorReasons {
		if !names[n] {
			stale = append(stale, n)
		}
	}
	for n := range targetSurvivorReasons {
		if !names[n] {
			stale = append(stale, n)
		}
	}
	reasons := map[string]string{}
	for n, r := range survivorReasons {
		reasons[n] = r
	}
	for n, r := range targetSurvivorReasons {
		reasons[n] = r
	}
	for n, r := range reasons {
		ok := false
		for _, k := range survivorKinds {
			ok = ok || strings.HasPrefix(r, k)
		}
		if !ok {
			t.Errorf("survivor reason of %q does not start with one of %q", n, survivorKinds)
		}
	}
	sort.Strings(stale)
	for _, n := range stale {
		t.Errorf("entry for a mutant that does not exist: %q", n)
	}
	outs := []mutantOutcome{
		{m: mutant{name: "inside/2: lockout after 9 failures"}, killedBy: []string{"x"}},
		{m: mutant{name: "inside/2: lockout after 11 failures"}},
		{m: mutant{name: "inside/3: icid is the binding's, not the call's"}, killedBy: []string{"y"}},
	}
	got := classScores(inv, outs)
	for _, want := range []string{"lockout         1/2   killed (50%)", "notification    1/1   killed (100%)", "overall         2/3   killed (67%)"} {
		if !strings.Contains(got, want) {
			t.Errorf("class scores lack %q:\n%s", want, got)
		}
	}
}

// TestMutationScoreOnTarget scores every mutant the way a user's platform is judged: the
// mutant served as a --target that is not the emulator (no admin API, @emulator and decision
// scenarios skipped), the whole suite run against it. A mutant is checkable there when a
// scenario checking its rule ran (not skipped) and its survival is not explained as invisible
// there (targetSurvivorReasons); the score per class is killed/checkable, and the other
// mutants are listed as not checkable with the reason. It runs
// only when PNS_MUTATION_TARGET is set (make mutation-target; PNS_MUTANTS selects by name as in
// TestMutationScore), and fails when a checkable mutant survives without a recorded reason.
func TestMutationScoreOnTarget(t *testing.T) {
	if os.Getenv("PNS_MUTATION_TARGET") == "" {
		t.Skip("set PNS_MUTATION_TARGET=1 to score the mutants against a non-emulator target")
	}
	inv, err := LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	cov, err := BuildCoverage(features.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	checking := map[string]map[string]bool{} // rule ID → scenario keys that check it
	for _, e := range cov.Contract.Entries {
		checking[e.ID] = map[string]bool{}
		for _, k := range e.Scenarios {
			checking[e.ID][k] = true
		}
	}
	var selected []mutant
	for _, m := range mutants {
		if f := os.Getenv("PNS_MUTANTS"); f == "" || strings.Contains(m.name, f) {
			selected = append(selected, m)
		}
	}
	results := make([]targetOutcome, len(selected))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, m := range selected {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = runOnTarget(m, checking)
		}()
	}
	wg.Wait()
	var checkable []mutantOutcome
	var b strings.Builder
	notCheckable, unexplained := 0, 0
	for _, res := range results {
		m, o := res.o.m, res.o
		r, err := mutantRule(inv, m)
		if err == nil {
			err = res.err
		}
		if err != nil {
			t.Errorf("mutant %q: %v", m.name, err)
			continue
		}
		switch {
		case !res.ran && len(o.killedBy) == 0:
			notCheckable++
			where := "run only on the emulator"
			if res.slow {
				where = "run only on the emulator, or with real time passing (@slow, conform --slow)"
			}
			fmt.Fprintf(&b, "  NOT CHECKABLE %s [%s, %s]: its rule's scenarios %s\n", m.name, r.ID, r.Class, where)
			continue
		case len(o.killedBy) > 0:
			fmt.Fprintf(&b, "  KILLED        %s [%s, %s] by %s\n", m.name, r.ID, r.Class, o.killedBy[0])
		default:
			reason, ok := targetSurvivorReasons[m.name]
			if !ok {
				reason, ok = survivorReasons[m.name]
			}
			if !ok {
				unexplained++
				reason = "no reason recorded: a gap of the suite on this target"
			}
			if strings.HasPrefix(reason, "invisible: ") { // no black-box check can see it there
				notCheckable++
				fmt.Fprintf(&b, "  NOT CHECKABLE %s [%s, %s]: %s\n", m.name, r.ID, r.Class, reason)
				continue
			}
			fmt.Fprintf(&b, "  SURVIVED      %s [%s, %s]: %s\n", m.name, r.ID, r.Class, reason)
		}
		checkable = append(checkable, o)
	}
	report := fmt.Sprintf("mutants against a non-emulator target: %d checkable, %d not checkable\nper class of the broken rule (checkable mutants):\n%s%s",
		len(checkable), notCheckable, classScores(inv, checkable), b.String())
	if path := os.Getenv("PNS_MUTATION_TARGET"); path != "1" {
		if err := os.WriteFile(path, []byte(report), 0o644); err != nil {
			t.Error(err)
		}
	}
	t.Log("\n" + report)
	if unexplained > 0 {
		t.Errorf("%d checkable mutants survived without a recorded reason (listed above)", unexplained)
	}
}

// targetOutcome is one mutant's run as a non-emulator target.
type targetOutcome struct {
	o   mutantOutcome
	ran bool // a scenario checking the mutant's rule ran (was not skipped)
	// slow: a scenario checking the rule was skipped only for want of real time (@slow, not
	// @emulator): a target run with Options.Slow would check it.
	slow bool
	err  error
}

// runOnTarget serves one mutant as a non-emulator target and runs the whole suite against it.
func runOnTarget(m mutant, checking map[string]map[string]bool) (out targetOutcome) {
	out.o.m = m
	inv, err := LoadInventory()
	if err != nil {
		out.err = err
		return out
	}
	r, err := mutantRule(inv, m)
	if err != nil {
		out.err = err
		return out
	}
	cfg, err := ConformanceConfig()
	if err != nil {
		out.err = err
		return out
	}
	if m.config != nil {
		m.config(cfg)
	}
	var wrap func(http.Handler) http.Handler
	if m.wrap != nil {
		wrap = m.wrap(appSecrets(cfg))
	}
	url, stop, err := ServeEmulator(cfg, wrap)
	if err != nil {
		out.err = err
		return out
	}
	defer stop()
	prof := EmulatorProfile()
	prof.Emulator = false
	res, err := Run(context.Background(), Options{Target: url, Profile: prof, Concurrency: 4})
	if err != nil {
		out.err = err
		return out
	}
	for _, s := range res.Scenarios {
		checks := checking[r.ID][s.Key] || contains(s.Tags, "@rule:"+m.rule)
		if s.Status == "skipped" {
			out.slow = out.slow || checks && contains(s.Tags, TagSlow) && !contains(s.Tags, TagEmulator)
			continue
		}
		if checks {
			out.ran = true
		}
		if s.Status != "passed" {
			out.o.killedBy = append(out.o.killedBy, s.Key)
		}
	}
	return out
}
