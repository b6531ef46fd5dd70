package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/profile"
	"github.com/pns-harness/pns-harness/reports"
)

// The states of a scenario after a run. Only StateFailed fails the verdict; every other state
// that is not StatePassed carries its reason (ScenarioResult.Reason), so that nothing is called
// checked that was not checked on the target.
const (
	// StatePassed: the scenario ran and every assertion held.
	StatePassed = reports.StatePassed
	// StateFailed: an assertion of a documented rule did not hold (or the scenario is
	// undefined or pending, which a strict run counts as failed).
	StateFailed = reports.StateFailed
	// StateNotChecked: the scenario could not run on this target (it needs emulator control,
	// real time, data the profile lacks, the run was interrupted or the IP locked out).
	StateNotChecked = reports.StateNotChecked
	// StateNotApplicable: the platform does not offer what the scenario exercises (the profile
	// declares no app of its mode, or leaves the capability out).
	StateNotApplicable = reports.StateNotApplicable
	// StateKnownDifference: the scenario failed in a way a known-differences entry accepts.
	StateKnownDifference = reports.StateKnownDifference
	// StateDiffers: a scenario asserting an emulator decision (@decision:Dn) failed on a
	// target that is not the emulator: the platform decided otherwise where the contract is
	// silent, which is not a failure.
	StateDiffers = reports.StateDiffers
)

var decisionID = regexp.MustCompile(`^D[0-9]+$`)

// Decisions returns the decision IDs the tags name (@decision:D41 → D41), sorted; tags with
// a malformed ID are left out (the tag tests reject them).
func Decisions(tags []string) []string {
	var out []string
	for _, t := range tags {
		if id, ok := strings.CutPrefix(t, TagDecisionPrefix); ok && decisionID.MatchString(id) {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// describeDecisions names decisions for a reason: "decision D41" or "decisions D41, D53".
func describeDecisions(ids []string) string {
	named := make([]string, len(ids))
	for i, id := range ids {
		named[i] = id
		if t := decisionTopic(id); t != "" {
			named[i] = id + " (" + t + ")"
		}
	}
	if len(ids) == 1 {
		return "decision " + named[0]
	}
	return "decisions " + strings.Join(named, ", ")
}

// decisionTopic is the topic of a decision of pns.Decisions, "" when unknown.
func decisionTopic(id string) string {
	if d, ok := pns.DecisionByID(id); ok {
		return d.Topic
	}
	return ""
}

// StoppedReason is why a scenario was not checked when Options.StopOnFailure ended the run
// after an earlier scenario failed.
const StoppedReason = "stopped after the first failure"

// errNotApplicable marks a skip because the platform does not offer what a scenario needs.
var errNotApplicable = errors.New("not applicable")

// firstLine keeps the first line of a possibly multi-line error text.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// godogSummary matches the lines of godog's own end-of-run summary (scenario and step counts,
// elapsed time), which count differences and known differences as skipped: the runner prints
// its own line (Result.Summary) instead, so that a run has one summary, not two that disagree.
var godogSummary = regexp.MustCompile(`^(\d+ scenarios \(.*\)|\d+ steps \(.*\)|No scenarios|No steps|([0-9]+h)?([0-9]+m)?[0-9.]+(ns|µs|ms|s))$`)

// summaryFilter passes godog's console output through line by line, leaving out its summary
// and the blank lines that lead to it.
type summaryFilter struct {
	mu     sync.Mutex
	out    io.Writer
	buf    []byte
	blanks int // blank lines held back until a line shows whether they lead to the summary
}

func (f *summaryFilter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.buf = append(f.buf, p...)
	for {
		i := bytes.IndexByte(f.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := f.buf[:i+1]
		text := bytes.TrimRight(line, "\r\n")
		switch {
		case len(text) == 0:
			f.blanks++
		case godogSummary.Match(text):
			f.blanks = 0
		default:
			if _, err := f.out.Write(append(bytes.Repeat([]byte{'\n'}, f.blanks), line...)); err != nil {
				return len(p), err
			}
			f.blanks = 0
		}
		f.buf = f.buf[i+1:]
	}
}

// flush writes what is left of an unterminated last line; trailing blank lines are dropped.
func (f *summaryFilter) flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.buf) > 0 && !godogSummary.Match(f.buf) {
		f.out.Write(append(bytes.Repeat([]byte{'\n'}, f.blanks), f.buf...)) //nolint:errcheck // console output; nothing to do on failure
	}
	f.buf, f.blanks = nil, 0
}

// answer describes the platform's last answer in the scenario, for the reason of a difference.
func (w *world) answer() (desc, resultCode string) {
	if w.last == nil || w.last.resp == nil {
		return "no answer yet", ""
	}
	r := w.last.resp
	return fmt.Sprintf("HTTP %d resultcode %q resultdesc %q", r.Status, r.Envelope.ResultCode, r.Envelope.ResultDesc), r.Envelope.ResultCode
}

// excuse decides whether a failed step is not a failure of the verdict: a known-differences
// entry accepts it (on any target), or the scenario asserts an emulator decision and the
// target is not the emulator. An answer refusing the client itself (1020176, flow control)
// is never excused. It returns the state and the reason, or "" when the failure
// stands.
func (w *world) excuse(step string, err error) (state, why string) {
	desc, code := w.answer()
	if code == string(pns.CodeLockedOut) || (w.last != nil && w.last.resp != nil && isFlowControl(w.last.resp)) {
		// The platform refused the client (IP locked out, flow control), not the request: that
		// is no decision of its own about the rule, and no difference a file can accept.
		return "", ""
	}
	tags := make([]string, 0, len(w.tags))
	for t := range w.tags {
		tags = append(tags, t)
	}
	feature, name, _ := strings.Cut(w.key, ":")
	ref := scenarioRef{key: w.key, feature: feature, name: name, lines: w.rs.lines[w.key], tags: w.tags}
	if e := w.rs.known.match(ref, code, w.rs.now()); e != nil {
		return StateKnownDifference, fmt.Sprintf("known difference (%s): %s; the platform answered %s", e.name(), e.Reason, desc)
	}
	if ds := Decisions(tags); len(ds) > 0 && !w.rs.emulator {
		return StateDiffers, fmt.Sprintf("differs from the emulator's %s: the platform answered %s; step %q: %s",
			describeDecisions(ds), desc, step, firstLine(err.Error()))
	}
	return "", ""
}

// capabilityRules maps the rule tags of pushes, recordings and the stop call to what they
// need: a notification kind the platform pushes, recordings, the stop call, the SMS control
// address or X mode. The rules of what arrives at the customer's URLs add theirs from their
// registration beside their steps (pushRules in pushsteps.go).
var capabilityRules = withPushNeeds(map[string]string{
	"@" + pns.IfaceRecordDownload: "recording",
	"@" + pns.IfaceStopCall:       "stopCall",
	// The SMS control address (§10.3): the Block push and the platform's handling of its reply.
	"@rule:sms:block-route":   "smsControl",
	"@rule:sms:block-discard": "smsControl",
	"@rule:sms:block-invalid": "smsControl",
	"@rule:sms:x-block":       "smsControl",
	// X-mode call control (§6.6-§6.8): the callin push and the platform's handling of the reply.
	"@rule:delivery:xmode-callin": "xMode",
	"@rule:sequence:M1":           "xMode",
	"@rule:sequence:M2":           "xMode",
	"@rule:sequence:M3":           "xMode",
})

// reAppStep is the step that selects a profile app ("the X app"), as registered in steps.go.
var reAppStep = regexp.MustCompile(`^the ([A-Za-z][A-Za-z0-9-]*) app$`)

// appNotApplicable returns why a scenario whose steps select the app of a mode the profile's
// capabilities leave out (an X-mode scenario of any feature on a platform without X mode)
// does not apply, or "". It reads the steps, not the tags, so that a scenario is judged by the
// app it uses wherever its feature file files it.
func appNotApplicable(steps []string, p *Profile) string {
	for _, st := range steps {
		m := reAppStep.FindStringSubmatch(st)
		if m == nil {
			continue
		}
		mode := pns.Mode(strings.ToUpper(strings.SplitN(m[1], "-", 2)[0]))
		if a := p.App(m[1]); a != nil {
			mode = a.Mode
		}
		if slices.Contains([]pns.Mode{pns.ModeAXB, pns.ModeAX, pns.ModeAXE, pns.ModeX}, mode) && !p.Capabilities.OffersMode(mode) {
			return fmt.Sprintf("the profile's capabilities.modes leave out %s (the %s app)", mode, m[1])
		}
	}
	return ""
}

// notApplicable returns why a scenario with these tags exercises something the profile's
// capabilities leave out, or "" when the platform offers all it needs.
func notApplicable(tags map[string]bool, c profile.Capabilities) string {
	for _, i := range pns.Interfaces {
		if tags["@"+i.ID] && i.Mode != "" && !c.OffersMode(i.Mode) {
			return fmt.Sprintf("the profile's capabilities.modes leave out %s (%s)", i.Mode, i.ID)
		}
	}
	for t, need := range capabilityRules {
		if !tags[t] {
			continue
		}
		switch need {
		case "recording":
			if !c.OffersRecording() {
				return fmt.Sprintf("the profile declares capabilities.recording: false (%s)", t)
			}
			continue
		case "stopCall":
			if !c.OffersStopCall() {
				return fmt.Sprintf("the profile declares capabilities.stopCall: false (%s)", t)
			}
			continue
		case "smsControl":
			if !c.OffersSMSControl() {
				return fmt.Sprintf("the profile's capabilities leave out the SMS control address (smsControl or sms false) (%s)", t)
			}
			continue
		case "xMode":
			if !c.OffersMode(pns.ModeX) {
				return fmt.Sprintf("the profile's capabilities.modes leave out X (%s)", t)
			}
			continue
		}
		if !c.Pushes(need) {
			return fmt.Sprintf("the profile's capabilities say the platform does not push %s notifications (%s)", need, t)
		}
	}
	return ""
}
