package results

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/reports"
)

// This file is the result of a run: the scenarios' states, the stale known differences,
// godog's outcomes and the cleanup account, with the console forms the runner prints.

// Result is the outcome of a run.
type Result struct {
	// Status is 0 when no scenario failed, 1 when one did, 2 for bad options (godog's).
	// Differences from emulator decisions and known differences do not fail a run.
	Status int `json:"status"`
	// Target is the platform URL used.
	Target string `json:"target"`
	// Emulator tells whether @emulator scenarios ran.
	Emulator bool `json:"emulator"`
	// FeaturesHash identifies the feature texts (features.Hash for the embedded ones).
	FeaturesHash string `json:"featuresHash"`
	// Scenarios lists every scenario that ran or was skipped, in execution order.
	Scenarios []ScenarioResult `json:"scenarios"`
	// Passed, Failed, NotChecked, NotApplicable, KnownDifferences and Differs count Scenarios
	// by State (undefined and pending count as failed). Skipped is NotChecked+NotApplicable:
	// the scenarios that did not run to a judgement.
	Passed           int `json:"passed"`
	Failed           int `json:"failed"`
	NotChecked       int `json:"notChecked"`
	NotApplicable    int `json:"notApplicable"`
	KnownDifferences int `json:"knownDifferences"`
	Differs          int `json:"differs"`
	Skipped          int `json:"skipped"`
	// Stale lists the known-differences entries that excused nothing (expired, or no failure
	// matched them): `--strict` fails on them.
	Stale []StaleDifference `json:"stale,omitempty"`
	// Coverage is the coverage matrix of the features.
	Coverage *Coverage `json:"-"`
	// Outcomes are godog's report of the scenarios (steps, errors, attachments), as
	// cucumber.json and junit.xml hold them; nil when Options.OutDir is empty.
	Outcomes *Outcomes `json:"-"`
	// Warnings are setup problems that did not stop the run.
	Warnings []string `json:"warnings,omitempty"`
	// Cleanup is the exact account of the bindings the suite created and removed.
	Cleanup CleanupReport `json:"cleanup"`
	// LockedOut is true when the platform answered 1020176; the authentication scenarios
	// after it were skipped (LockoutSkipped of them).
	LockedOut      bool `json:"lockedOut,omitempty"`
	LockoutSkipped int  `json:"lockoutSkipped,omitempty"`
	// Interrupted is true when ctx was cancelled (Ctrl-C); the bindings were cleaned up.
	Interrupted bool `json:"interrupted,omitempty"`
	// CredentialsRefused is set when the platform refused every correctly signed request of
	// an app (guard.go): the run stopped there, and its failures say nothing about the
	// platform.
	CredentialsRefused *pns.CredentialsRefused `json:"credentialsRefused,omitempty"`
	// LifetimeSeconds is the lifetime the suite's AXB and AXE binds carried (0: none).
	LifetimeSeconds int64 `json:"lifetimeSeconds,omitempty"`
	// Duration is the wall time of the run.
	Duration time.Duration `json:"duration"`
}

// FailedKeys returns the keys of failed scenarios, sorted.
func (r *Result) FailedKeys() []string {
	var out []string
	for _, s := range r.Scenarios {
		if s.Status == "failed" || s.Status == "undefined" || s.Status == "pending" {
			out = append(out, s.Key)
		}
	}
	sort.Strings(out)
	return out
}

// Summary is the one line of counts of a run, every state named even when zero so that the
// line reads the same for every run.
func (r *Result) Summary() string {
	return fmt.Sprintf("%d scenarios: %d passed, %d failed, %d not checked, %d not applicable, %d known differences, %d differ from emulator decisions",
		len(r.Scenarios), r.Passed, r.Failed, r.NotChecked, r.NotApplicable, r.KnownDifferences, r.Differs)
}

// WriteStates writes the sections that the summary line counts but does not explain: every
// failed scenario, every difference from an emulator decision, every known difference and
// every stale known-differences entry, each with its reason, and the reasons scenarios were
// not checked with how many each.
func (r *Result) WriteStates(w io.Writer) error {
	var b bytes.Buffer
	section := func(state, label string) {
		for _, s := range r.Scenarios {
			if s.State == state {
				fmt.Fprintf(&b, "%s %s", label, s.Key)
				if s.Reason != "" {
					fmt.Fprintf(&b, ": %s", s.Reason)
				}
				b.WriteByte('\n')
			}
		}
	}
	section(reports.StateFailed, "FAILED")
	section(reports.StateDiffers, "DIFFERS")
	section(reports.StateKnownDifference, "KNOWN DIFFERENCE")
	for _, s := range r.Stale {
		fmt.Fprintf(&b, "STALE known difference %s: %s\n", s.Entry, s.Why)
	}
	for _, st := range []string{reports.StateNotChecked, reports.StateNotApplicable} {
		reasons := map[string]int{}
		for _, s := range r.Scenarios {
			if s.State == st {
				reasons[s.Reason]++
			}
		}
		keys := make([]string, 0, len(reasons))
		for k := range reasons {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "%s (%d): %s\n", strings.ToUpper(st), reasons[k], k)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// StrictProblems lists what a certification run (--strict) does not accept although no
// scenario failed: every rule that applies to the platform but was not checked on it (with
// why), and every stale known-differences entry. Rules that are not applicable, or whose
// scenarios were judged a difference, are not problems: they were judged.
func (r *Result) StrictProblems() []string {
	var out []string
	if r.Coverage != nil {
		for _, ic := range r.Coverage.Interfaces {
			for _, rc := range ic.Rules {
				if rc.State == reports.StateNotChecked {
					out = append(out, fmt.Sprintf("rule %s %s not checked: %s", ic.Interface, rc.Rule, rc.NotChecked))
				}
			}
		}
	}
	for _, s := range r.Stale {
		out = append(out, fmt.Sprintf("known difference %s is stale: %s", s.Entry, s.Why))
	}
	return out
}

// StaleDifference is a known-differences entry that excused nothing in a run.
type StaleDifference struct {
	Entry string `json:"entry"`
	Why   string `json:"why"`
}

// Outcomes are what godog reports of a run, kept as values: the runner writes cucumber.json
// and junit.xml from them, and the report is built from them without reading either back.
type Outcomes struct {
	// Cucumber is every scenario with its steps, errors, durations and attachments, in the
	// model of godog's cucumber JSON (reports.WriteCucumber writes godog's bytes).
	Cucumber []reports.CucumberFeature
	// JUnit is godog's JUnit document, with the scenarios godog reports as errored skips
	// turned into <skipped> with their reason (mendJUnitSkips).
	JUnit *reports.JUnitSuites
}

// CleanupReport is the exact account of the bindings the suite created: each successful bind
// answer with a subscriptionId is one Created, and ends as Removed (unbound by the cleanup),
// AlreadyGone (the scenario itself had unbound it, or it expired) or Leaked (still on the
// platform after every retry). Created == Removed + AlreadyGone + len(Leaked).
type CleanupReport struct {
	Created     int             `json:"created"`
	Removed     int             `json:"removed"`
	AlreadyGone int             `json:"alreadyGone"`
	Leaked      []LeakedBinding `json:"leaked,omitempty"`
}

// LeakedBinding is a binding the cleanup could not remove.
type LeakedBinding struct {
	SubscriptionID string `json:"subscriptionId"`
	App            string `json:"app"`
	AppKey         string `json:"appKey"`
	Mode           string `json:"mode"`
	Scenario       string `json:"scenario"`
	// Reason is the last answer (resultcode and resultdesc) or transport error.
	Reason string `json:"reason"`
}
