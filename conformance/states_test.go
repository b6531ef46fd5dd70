package conformance

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/profile"
	"github.com/pns-harness/pns-harness/reports"
)

// statesFeature has one scenario per state a run can give against a target: a decided answer
// the platform shares (passed), one it decides otherwise (differs), a documented rule broken
// (failed), a failure the known-differences file accepts, one needing emulator control (not
// checked) and one of an app the profile lacks (not applicable).
const statesFeature = `@axb.query
Feature: result states

  @decision:D41 @rule:business:unknown-subscription
  Scenario: A decision the platform shares
    Given the AXB app
    When I query AXB with "subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the result code is "1012007"

  @decision:D41 @decision:D53 @rule:business:unknown-subscription
  Scenario: A decision the platform takes otherwise
    Given the AXB app
    When I query AXB with "subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the result code is "1012999"

  @rule:business:unknown-subscription
  Scenario: A documented rule broken
    Given the AXB app
    When I query AXB with "subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the result code is "1012998"

  @rule:business:unknown-subscription
  Scenario: An accepted difference
    Given the AXB app
    When I query AXB with "subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the result code is "1012997"

  @emulator @rule:business:unknown-subscription
  Scenario: Needs emulator control
    Given the AXB app
    When the emulator clock advances by 5 seconds

  @rule:business:unknown-subscription
  Scenario: An app the profile lacks
    Given the NOPE app
    When I query AXB with "subscriptionId=00000000-0000-4000-8000-000000000000"

  @record.download
  Scenario: Recordings the platform does not offer
    Given the AXB app
    When I query AXB with "subscriptionId=00000000-0000-4000-8000-000000000000"
`

const statesKnown = `differences:
  - scenario: states.feature:23
    resultcode: "1012007"
    reason: our platform numbers this differently (ticket PNS-1)
  - rule: "@rule:business:x-reuse"
    reason: nothing of this run fails it
  - scenario: A documented rule broken
    reason: accepted until the end of 2000
    expires: "2000-12-31"
`

// TestResultStates runs the states feature against the emulator as a target (profile
// emulator: false) and on the embedded emulator: on the target every state appears once with
// its reason, the verdict fails only for the documented rule, JUnit reports every state that is
// not a failure as <skipped message=…>; on the embedded emulator a decision is judged like any
// rule.
func TestResultStates(t *testing.T) {
	fsys := fstest.MapFS{"states.feature": {Data: []byte(statesFeature)}}
	known, err := ParseKnownDifferences([]byte(statesKnown))
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := StartEmulator()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	p := EmulatorProfile()
	p.Emulator = false
	no := false
	p.Capabilities.Recording = &no
	out := t.TempDir()
	var console bytes.Buffer
	res, err := Run(context.Background(), Options{Target: url, Profile: p, FS: fsys, OutDir: out, Output: &console,
		KnownDifferences: known, Now: func() time.Time { return time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"A decision the platform shares":          StatePassed,
		"A decision the platform takes otherwise": StateDiffers,
		"A documented rule broken":                StateFailed,
		"An accepted difference":                  StateKnownDifference,
		"Needs emulator control":                  StateNotChecked,
		"An app the profile lacks":                StateNotChecked,
		"Recordings the platform does not offer":  StateNotApplicable,
	}
	for _, s := range res.Scenarios {
		if s.State != want[s.Name] {
			t.Errorf("%s: state %q (%s), want %q", s.Name, s.State, s.Reason, want[s.Name])
		}
		if s.State != StatePassed && s.Reason == "" {
			t.Errorf("%s: %s without a reason", s.Name, s.State)
		}
		switch s.State {
		case StateDiffers:
			for _, w := range []string{"differs from the emulator's decisions D41", "D53", `resultcode "1012007"`, `step "the result code is \"1012999\""`} {
				if !strings.Contains(s.Reason, w) {
					t.Errorf("differs reason lacks %q: %s", w, s.Reason)
				}
			}
		case StateKnownDifference:
			if !strings.Contains(s.Reason, "ticket PNS-1") || !strings.Contains(s.Reason, "scenario states.feature:23") {
				t.Errorf("known difference reason: %s", s.Reason)
			}
		}
	}
	if res.Passed != 1 || res.Failed != 1 || res.Differs != 1 || res.KnownDifferences != 1 || res.NotChecked != 2 || res.NotApplicable != 1 || res.Status != 1 {
		t.Errorf("counts: %s, status %d", res.Summary(), res.Status)
	}
	if len(res.Stale) != 2 || !strings.Contains(res.Stale[0].Entry, "x-reuse") || !strings.Contains(res.Stale[1].Why, "expired on 2000-12-31") {
		t.Errorf("stale entries: %+v", res.Stale)
	}
	if c := console.String(); strings.Contains(c, "scenarios (") || strings.Contains(c, "steps (") {
		t.Errorf("godog's own summary is in the console:\n%s", c)
	}
	var b bytes.Buffer
	if err := res.WriteStates(&b); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"FAILED states.feature:A documented rule broken", "DIFFERS states.feature:A decision the platform takes otherwise",
		"KNOWN DIFFERENCE states.feature:An accepted difference", "STALE known difference rule @rule:business:x-reuse", "NOT CHECKED (1): needs emulator control", "NOT CHECKED (1): the profile has no app \"NOPE\"", "NOT APPLICABLE (1): the profile declares capabilities.recording: false (@record.download)"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("states lack %q:\n%s", w, b.String())
		}
	}
	data, err := os.ReadFile(filepath.Join(out, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := reports.ReadJUnit(data)
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[string]string{}
	failures := 0
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.Skipped != nil {
				skipped[c.Name] = c.Skipped.Message
			}
			if c.Failure != nil {
				failures++
			}
		}
	}
	if failures != 1 || len(skipped) != 5 || !strings.HasPrefix(skipped["A decision the platform takes otherwise"], "differs: differs from the emulator's") ||
		!strings.HasPrefix(skipped["Recordings the platform does not offer"], "not applicable: ") || !strings.HasPrefix(skipped["Needs emulator control"], "not checked: needs emulator control") {
		t.Errorf("junit: %d failures, skipped %v", failures, skipped)
	}

	// On the embedded emulator the decision is the emulator's own: a different answer fails.
	res, err = Run(context.Background(), Options{FS: fsys, Tags: "@decision:D53"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed != 1 || res.Differs != 0 || res.Status != 1 {
		t.Errorf("embedded: %s, status %d", res.Summary(), res.Status)
	}
}

// TestKnownDifferencesErrors: every malformed file is refused with a message naming the entry.
func TestKnownDifferencesErrors(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"differences: []\n", `no entries under "differences"`},
		{"differences:\n  - reason: x\n", "entry 1: name a scenario (scenario:) or a tag (rule:)"},
		{"differences:\n  - scenario: a\n    rule: \"@b\"\n    reason: x\n", "entry 1: scenario: and rule: both set; write one entry for each"},
		{"differences:\n  - scenario: a\n    reason: x\n  - scenario: b\n", "entry 2 (scenario b): reason: is required (why the difference is accepted)"},
		{"differences:\n  - rule: rule:x\n    reason: x\n", `entry 1: rule "rule:x": want a tag with its @, e.g. @rule:business:x-reuse`},
		{"differences:\n  - scenario: a\n    resultcode: x12\n    reason: x\n", `entry 1 (scenario a): resultcode "x12": want digits, e.g. "1012001"`},
		{"differences:\n  - scenario: a\n    expires: 31.12.2027\n    reason: x\n", `entry 1 (scenario a): expires "31.12.2027": want a date YYYY-MM-DD`},
		{"differences:\n  - scenario: a\n    reasn: x\n", "line 3: differences[0]: unknown key reasn, did you mean reason?"},
	} {
		_, err := ParseKnownDifferences([]byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.doc, err, c.want)
		}
	}
	if _, err := LoadKnownDifferences(filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !strings.HasPrefix(err.Error(), "known differences: open ") {
		t.Errorf("missing file: %v", err)
	}
}

// TestCapabilities: scenarios of a mode, a notification kind or recordings the profile's
// capabilities leave out are not applicable, with the capability in the reason, and their
// rules are neither covered nor problems for --strict; the app of a mode left out is no
// longer required.
func TestCapabilities(t *testing.T) {
	p, err := ParseProfile([]byte(`
emulator: true
numberBlocks: ["+86138001"]
capabilities: {modes: [AXB, AX], recording: false}
apps:
  AXB: {appKey: demo-axb, appSecret: demo-axb-secret, xRanges: [{from: "+8617001100000", count: 200, cityCode: "010"}]}
  AX: {appKey: demo-ax, appSecret: demo-ax-secret, xRanges: [{from: "+8617002100000", count: 200}]}
`))
	if err != nil {
		t.Fatalf("a profile without the AXE app its capabilities leave out: %v", err)
	}
	res, err := Run(context.Background(), Options{Profile: p, Tags: "@axe.query,@record.download"})
	if err != nil {
		t.Fatal(err)
	}
	if res.NotApplicable != len(res.Scenarios) || res.NotApplicable == 0 {
		t.Fatalf("%s", res.Summary())
	}
	for _, s := range res.Scenarios {
		if !strings.Contains(s.Reason, "capabilities.modes leave out AXE (axe.query)") && !strings.Contains(s.Reason, "capabilities.recording: false") {
			t.Errorf("%s: reason %q", s.Key, s.Reason)
		}
	}
	for _, ic := range res.Coverage.Interfaces {
		if ic.Interface != "axe.query" {
			continue
		}
		for _, rc := range ic.Rules {
			if rc.State != StateNotApplicable {
				t.Errorf("axe.query %s: %s", rc.Rule, rc.State)
			}
		}
	}
	for _, pr := range res.StrictProblems() {
		if strings.Contains(pr, "axe.query") || strings.Contains(pr, "record.download") {
			t.Errorf("strict counts a rule that does not apply: %s", pr)
		}
	}
	if _, err := ParseProfile([]byte("numberBlocks: [\"+86138001\"]\ncapabilities: {modes: [AXY], notifications: [fees]}\napps:\n  AXB: {appKey: k, appSecret: s, xNumbers: [\"+8617001100000\"]}\n")); err == nil ||
		!strings.Contains(err.Error(), `capabilities.modes: "AXY" is not a mode (AXB, AX, AXE, AXYB, X)`) ||
		!strings.Contains(err.Error(), `capabilities.notifications: "fees" is not a notification kind (event, fee, numstatus, sms.notify, sms.block)`) {
		t.Errorf("bad capabilities: %v", err)
	}
}

// TestNotApplicableKinds: the notification kinds and switches of the capabilities decide.
func TestNotApplicableKinds(t *testing.T) {
	no, yes := false, true
	for _, c := range []struct {
		tag  string
		caps profile.Capabilities
		want string
	}{
		{"@rule:delivery:fee", profile.Capabilities{}, ""},
		{"@rule:delivery:fee", profile.Capabilities{Notifications: []string{"event"}}, "does not push fee notifications"},
		{"@rule:delivery:events", profile.Capabilities{Notifications: []string{"event"}}, ""},
		{"@rule:delivery:numstatus", profile.Capabilities{XStatusNotifications: &no}, "does not push numstatus notifications"},
		{"@rule:delivery:sms-block", profile.Capabilities{SMS: &no}, "does not push sms.block notifications"},
		{"@rule:delivery:sms-notify", profile.Capabilities{SMS: &yes}, ""},
		{"@rule:delivery:recording", profile.Capabilities{Recording: &no}, "capabilities.recording: false"},
		{"@ax.bind", profile.Capabilities{Modes: []pns.Mode{pns.ModeAXB}}, "leave out AX (ax.bind)"},
		{"@call.stop", profile.Capabilities{StopCall: &no}, "capabilities.stopCall: false (@call.stop)"},
		{"@call.stop", profile.Capabilities{StopCall: &yes}, ""},
		{"@call.stop", profile.Capabilities{Modes: []pns.Mode{pns.ModeAXE}}, ""},
		{"@rule:sms:block-route", profile.Capabilities{SMSControl: &no}, "SMS control address"},
		{"@rule:sms:x-block", profile.Capabilities{SMS: &no}, "SMS control address"},
		{"@rule:sms:block-discard", profile.Capabilities{SMSControl: &yes}, ""},
		{"@rule:delivery:sms-block", profile.Capabilities{SMSControl: &no}, "does not push sms.block notifications"},
		{"@rule:delivery:sms-notify", profile.Capabilities{SMSControl: &no}, ""},
		{"@rule:sequence:M2", profile.Capabilities{Modes: []pns.Mode{pns.ModeAXB}}, "capabilities.modes leave out X"},
		{"@rule:delivery:xmode-callin", profile.Capabilities{Modes: []pns.Mode{pns.ModeX}}, ""},
	} {
		got := notApplicable(map[string]bool{c.tag: true}, c.caps)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s %+v: %q, want %q", c.tag, c.caps, got, c.want)
		}
	}
}

// TestDiffComparesDifferences: --compare-emulator lists a scenario that differs from an
// emulator decision (to godog a skipped step) as a difference, and leaves out the ones that
// were not checked.
func TestDiffComparesDifferences(t *testing.T) {
	obs := func(code string) []Observation {
		return []Observation{{Interface: "axb.query", Status: 200, ResultCode: code}}
	}
	target := &Result{Scenarios: []ScenarioResult{
		{Key: "a", Status: "skipped", State: StateDiffers, Reason: "differs from the emulator's decision D41", Observations: obs("0")},
		{Key: "b", Status: "skipped", State: StateNotChecked, Reason: "needs emulator control"},
		{Key: "c", Status: "passed", State: StatePassed, Observations: obs("0")},
	}}
	emu := &Result{Scenarios: []ScenarioResult{
		{Key: "a", Status: "passed", State: StatePassed, Observations: obs("1010002")},
		{Key: "b", Status: "passed", State: StatePassed},
		{Key: "c", Status: "passed", State: StatePassed, Observations: obs("0")},
	}}
	c := Diff(target, emu)
	if c.Compared != 2 || c.NotCompared != 1 || len(c.Differences) != 1 || c.Differences[0].Key != "a" ||
		c.Differences[0].Target.Status != StateFailed || !strings.Contains(c.Differences[0].Target.Error, "D41") {
		t.Errorf("comparison %+v", c)
	}
}

// TestLockoutIsNoDifference: a @decision: scenario answered with 1020176 (the client IP
// locked out) on a target failed for the lockout, not for a decision: it stays failed.
func TestLockoutIsNoDifference(t *testing.T) {
	fsys := fstest.MapFS{"lock.feature": {Data: []byte(`@authentication
Feature: lock

  @decision:D2 @auth-negative
  Scenario: Locked out
    Given the AXB app
    And the next request is signed with the secret "not-the-secret"
    When I query AXB with "subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the result code is "1010010"
`)}}
	url, stop, err := StartEmulator()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	admin := &adminClient{base: url + "/emulator/v1", httpc: http.DefaultClient}
	if err := admin.lockout(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	for range 10 { // lock the loopback client out
		(&pns.Client{BaseURL: url, Signer: pns.Signer{AppKey: "demo-axb", AppSecret: "wrong"}}).Do(context.Background(), http.MethodGet, pns.PathAXB, nil, nil) //nolint:errcheck
	}
	p := EmulatorProfile()
	p.Emulator = false
	res, err := Run(context.Background(), Options{Target: url, Profile: p, FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed != 1 || res.Differs != 0 || !strings.Contains(res.Scenarios[0].Reason, "1020176") {
		t.Errorf("%s: %+v", res.Summary(), res.Scenarios)
	}
}
