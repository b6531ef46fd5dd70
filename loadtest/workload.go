package loadtest

import (
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/internal/yamlx"
	"github.com/pns-harness/pns-harness/pns"
)

// Limits of a workload.
const (
	// MaxFlows bounds the flows of one workload.
	MaxFlows = 32
	// MaxSteps bounds the steps of one flow.
	MaxSteps = 32
	// MaxPool bounds the bindings a flow may make before the load.
	MaxPool = 10000
	// defaultPoolCap is the largest automatic pool (built-in query and calls workloads).
	defaultPoolCap = 200
)

// Workload is a set of flows run at once: the data form of a load test (docs/workloads.md).
// Each flow is a sequence of operations on one binding of one mode (bind → query → modify →
// unbind, with think times), started at its own arrival rate or at a share of the workload's
// rate plan.
//
//	name: mixed
//	ramp: 10s@50,30s@200       # or rate: 100; shared by the flows that give a share
//	flows:
//	  - name: axb-lifecycle
//	    mode: axb
//	    share: 3               # shares are weights: 3/4 of the workload's plan
//	    steps:
//	      - op: bind
//	      - {op: query, think: 200ms}
//	      - {op: modify, think: 1s}
//	      - {op: unbind, think: 2s}
//	  - name: ax-callee
//	    mode: ax
//	    share: 1
//	    steps: [{op: bind}, {op: callee}, {op: unbind, think: 1s}]
//	  - name: axe-query
//	    mode: axe
//	    rate: 20               # its own arrival rate for the whole duration
//	    pool: 50               # 50 bindings made before the load, removed after it
//	    steps: [{op: query}]
type Workload struct {
	// Name names the workload in results (the scenario); default "workload".
	Name string `yaml:"name"`
	// Rate or Ramp is the workload's plan, split between the flows that give a Share.
	Rate float64 `yaml:"rate"`
	Ramp string  `yaml:"ramp"`
	// RampShape shapes every ramp of the workload, its own and its flows': "step" (each
	// stage's rate held from its start; the default) or "linear" (a straight line from the
	// previous stage's rate, as k6 does).
	RampShape string `yaml:"rampShape"`
	// Flows are the flows, at least one.
	Flows []Flow `yaml:"flows"`
}

// HasRamp tells whether the workload or one of its flows gives a ramp (what RampShape shapes).
func (w *Workload) HasRamp() bool {
	if w.Ramp != "" {
		return true
	}
	for _, f := range w.Flows {
		if f.Ramp != "" {
			return true
		}
	}
	return false
}

// Flow is one kind of session of a workload.
type Flow struct {
	// Name identifies the flow in results and thresholds (flow.NAME.…).
	Name string `yaml:"name"`
	// Mode is axb, ax, axe or axyb (pns.Modes): the app the flow's requests are signed for.
	Mode string `yaml:"mode"`
	// Exactly one of Rate (sessions per second for the whole duration), Ramp (a plan in the
	// --ramp syntax) or Share (a weight: the flow gets Share/Σshares of the workload's plan).
	Rate  float64 `yaml:"rate"`
	Ramp  string  `yaml:"ramp"`
	Share float64 `yaml:"share"`
	// Pool, when positive, binds that many bindings before the load (not measured) and
	// removes them after it; each session works on the next one, round robin. A flow with a
	// pool may not bind or unbind.
	Pool int `yaml:"pool"`
	// Steps are the operations of a session, in order.
	Steps []Step `yaml:"steps"`
}

// Step is one operation of a flow. Think is the wait after the previous step's answer (for
// the first step: none, it starts at the session's arrival); before an unbind it is the
// binding's hold.
type Step struct {
	Op    string        `yaml:"op"`
	Think time.Duration `yaml:"think"`
	// Causes, on a call step, are hang-up causes of reference §7.7 (stateCode) that the
	// step's calls are forced to end with, in turn, through the emulator's calls API; the
	// report's cause table then shows them.
	Causes []int `yaml:"causes"`
	// CauseShare is the share of the step's calls that get one of Causes (0 < share ≤ 1);
	// absent: every call.
	CauseShare float64 `yaml:"causeShare"`
}

// LoadWorkload reads and validates a workload file.
func LoadWorkload(path string) (*Workload, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, configErr(fmt.Errorf("workload: %w", err))
	}
	w, err := ParseWorkload(data)
	if err != nil {
		return nil, configErr(yamlx.Located(path, err))
	}
	return w, nil
}

// ParseWorkload decodes a workload strictly (unknown keys are refused) and validates it.
func ParseWorkload(data []byte) (*Workload, error) {
	w := &Workload{}
	if err := yamlx.DecodeStrict(data, w); err != nil {
		return nil, fmt.Errorf("workload: %w", err)
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	return w, nil
}

// Validate checks a workload as Run would, without a target: every error names the flow and
// step at fault.
func (w *Workload) Validate() error {
	bad := func(format string, a ...any) error { return fmt.Errorf("workload: "+format, a...) }
	if len(w.Flows) == 0 {
		return bad("no flows: give at least one under flows:")
	}
	if len(w.Flows) > MaxFlows {
		return bad("%d flows, at most %d", len(w.Flows), MaxFlows)
	}
	if w.Rate < 0 || math.IsNaN(w.Rate) || math.IsInf(w.Rate, 0) {
		return bad("rate must be positive")
	}
	if w.Rate > 0 && w.Ramp != "" {
		return bad("rate and ramp are exclusive")
	}
	if w.Ramp != "" {
		if _, err := ParseRamp(w.Ramp); err != nil {
			return bad("%v", err)
		}
	}
	if _, err := (Plan{}).WithShape(w.RampShape); err != nil {
		return bad("rampShape: %v", err)
	}
	seen := map[string]bool{}
	for i := range w.Flows {
		f := &w.Flows[i]
		if f.Name == "" {
			return bad("flows[%d]: name is required", i)
		}
		if !validName(f.Name) {
			return bad("flows[%d]: name %q: use letters, digits, '-' and '_'", i, f.Name)
		}
		if seen[f.Name] {
			return bad("flows[%d]: name %q used twice", i, f.Name)
		}
		seen[f.Name] = true
		if err := f.validate(w); err != nil {
			return bad("flow %q: %v", f.Name, err)
		}
	}
	return nil
}

func validName(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return s != ""
}

func (f *Flow) mode() pns.Mode { return pns.Mode(strings.ToUpper(f.Mode)) }

// validate checks the flow: its mode, its arrival rate (one of rate, ramp or share), its pool
// and its steps.
func (f *Flow) validate(w *Workload) error {
	m := f.mode()
	if !m.Valid() {
		return fmt.Errorf("mode %q unknown (want %s)", f.Mode, pns.ModeList(true))
	}
	if err := f.validateArrivals(); err != nil {
		return err
	}
	if f.Pool < 0 || f.Pool > MaxPool {
		return fmt.Errorf("pool %d outside 0-%d", f.Pool, MaxPool)
	}
	if len(f.Steps) == 0 {
		return fmt.Errorf("no steps")
	}
	if len(f.Steps) > MaxSteps {
		return fmt.Errorf("%d steps, at most %d", len(f.Steps), MaxSteps)
	}
	binds, unbinds, err := f.validateSteps(m)
	if err != nil {
		return err
	}
	if f.Pool > 0 {
		if binds || unbinds {
			return fmt.Errorf("a flow with a pool may not bind or unbind (the pool's bindings are made before the load and removed after it)")
		}
		return nil
	}
	if !binds {
		return fmt.Errorf("the first step must be bind, or give a pool of bindings to work on")
	}
	if !unbinds {
		return fmt.Errorf("binds but never unbinds: end with an unbind step (a load leaves no binding behind)")
	}
	return nil
}

// validateArrivals checks that exactly one of rate, ramp and share is given, and valid.
func (f *Flow) validateArrivals() error {
	given := 0
	if f.Rate != 0 {
		given++
		if f.Rate < 0 || math.IsNaN(f.Rate) || math.IsInf(f.Rate, 0) {
			return fmt.Errorf("rate must be positive")
		}
	}
	if f.Ramp != "" {
		given++
		if _, err := ParseRamp(f.Ramp); err != nil {
			return err
		}
	}
	if f.Share != 0 {
		given++
		if f.Share < 0 || math.IsNaN(f.Share) || math.IsInf(f.Share, 0) {
			return fmt.Errorf("share must be positive")
		}
	}
	switch {
	case given == 0:
		return fmt.Errorf("give one of rate, ramp or share")
	case given > 1:
		return fmt.Errorf("rate, ramp and share are exclusive")
	}
	return nil
}

// validateSteps checks each step against the operation table in mode m, and reports whether
// the flow binds (its first step) and unbinds (its last).
func (f *Flow) validateSteps(m pns.Mode) (binds, unbinds bool, err error) {
	for i, s := range f.Steps {
		op, ok := operations[s.Op]
		if !ok {
			return false, false, fmt.Errorf("steps[%d]: unknown operation %q (want %s)", i, s.Op, strings.Join(OperationNames(), ", "))
		}
		if !op.has(m) {
			return false, false, fmt.Errorf("steps[%d]: operation %q does not exist in mode %s (it does in %s)", i, s.Op, strings.ToLower(string(m)), op.modeList())
		}
		if op.After != "" && (i == 0 || f.Steps[i-1].Op != op.After) {
			return false, false, fmt.Errorf("steps[%d]: %s must come right after a %s step", i, s.Op, op.After)
		}
		if s.Think < 0 || s.Think > MaxHold {
			return false, false, fmt.Errorf("steps[%d]: think %s outside 0-%s", i, s.Think, MaxHold)
		}
		if err := s.validateCauses(i); err != nil {
			return false, false, err
		}
		if len(s.Causes) > 0 && slices.ContainsFunc(f.Steps, func(o Step) bool { return o.Op == OpStop }) {
			return false, false, fmt.Errorf("steps[%d]: causes and a stop step exclude each other in one flow: a forced cause ends the call the stop would stop", i)
		}
		switch {
		case op.Binds:
			if i != 0 {
				return false, false, fmt.Errorf("steps[%d]: bind must be the first step", i)
			}
			binds = true
		case op.Unbinds:
			if i != len(f.Steps)-1 {
				return false, false, fmt.Errorf("steps[%d]: unbind must be the last step", i)
			}
			unbinds = true
		}
	}
	return binds, unbinds, nil
}

// Modes returns the modes the workload's flows use, sorted.
func (w *Workload) Modes() []pns.Mode {
	set := map[pns.Mode]bool{}
	for i := range w.Flows {
		set[w.Flows[i].mode()] = true
	}
	out := make([]pns.Mode, 0, len(set))
	for m := range set {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// flowPlans returns every flow's plan over the whole run (before sharding): its rate for
// duration, its ramp, or its share of the workload's plan (base, when given, replaces the
// workload's own rate or ramp, e.g. from --rate or --ramp).
func (w *Workload) flowPlans(base Plan, duration time.Duration) ([]Plan, error) {
	if len(base) == 0 {
		switch {
		case w.Ramp != "":
			p, err := ParseRamp(w.Ramp)
			if err == nil {
				p, err = p.WithShape(w.RampShape)
			}
			if err != nil {
				return nil, err
			}
			base = p
		case w.Rate > 0:
			base = Plan{{Duration: duration, Rate: w.Rate}}
		}
	}
	var shares float64
	for i := range w.Flows {
		shares += w.Flows[i].Share
	}
	out := make([]Plan, len(w.Flows))
	for i := range w.Flows {
		f := &w.Flows[i]
		switch {
		case f.Rate > 0:
			out[i] = Plan{{Duration: duration, Rate: f.Rate}}
		case f.Ramp != "":
			p, err := ParseRamp(f.Ramp)
			if err == nil {
				p, err = p.WithShape(w.RampShape)
			}
			if err != nil {
				return nil, fmt.Errorf("flow %q: %w", f.Name, err)
			}
			out[i] = p
		default:
			if len(base) == 0 {
				return nil, fmt.Errorf("flow %q: its share needs a rate plan: give the workload a rate or ramp (or --rate / --ramp)", f.Name)
			}
			out[i] = base.Scale(f.Share / shares)
		}
	}
	return out, nil
}

// Built-in workloads: the scenarios of --scenario.
const (
	ScenarioBindUnbind = "bind-unbind"
	ScenarioQuery      = "query"
	ScenarioCalls      = "calls"
)

// BuiltinWorkloads lists the names of the built-in workloads.
func BuiltinWorkloads() []string { return []string{ScenarioBindUnbind, ScenarioQuery, ScenarioCalls} }

// BuiltinWorkload returns a built-in workload for one mode: bind-unbind (bind, then unbind
// after hold), query (queries on a pool of bindings) or calls (simulated calls through a pool
// of bindings, callbacks timed). The flow takes the whole rate plan (share 1); the pool of
// query and calls is the plan's peak rate, between 10 and 200 bindings.
func BuiltinWorkload(name string, mode pns.Mode, hold time.Duration, peakRate float64) (*Workload, error) {
	m := strings.ToLower(string(mode))
	if m == "" {
		m = "axb"
	}
	pool := int(max(10, min(peakRate, defaultPoolCap)))
	var f Flow
	switch name {
	case ScenarioBindUnbind:
		f = Flow{Steps: []Step{{Op: OpBind}, {Op: OpUnbind, Think: hold}}}
	case ScenarioQuery:
		f = Flow{Pool: pool, Steps: []Step{{Op: OpQuery}}}
	case ScenarioCalls:
		f = Flow{Pool: pool, Steps: []Step{{Op: OpCall}}}
	default:
		return nil, configErr(fmt.Errorf("unknown scenario %q (want %s, %s or %s)", name, ScenarioBindUnbind, ScenarioQuery, ScenarioCalls))
	}
	f.Name, f.Mode, f.Share = name, m, 1
	w := &Workload{Name: name, Flows: []Flow{f}}
	if err := w.Validate(); err != nil {
		return nil, configErr(err)
	}
	return w, nil
}
