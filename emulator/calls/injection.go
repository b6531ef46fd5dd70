package calls

import (
	"math/rand/v2"
	"sync"

	"github.com/pns-harness/pns-harness/pns"
)

// CauseInjection makes a share of the simulated calls end with hang-up causes of the menu
// (D91) without naming one per call: the fault menu for load runs and receivers that want to
// see every cause. Body of POST /emulator/v1/causes.
type CauseInjection struct {
	// Rate (0-1) is the share of calls without an explicit cause that get one.
	Rate float64 `json:"rate"`
	// Causes are the codes drawn from, uniformly among those the call can end with: a code of
	// a later stage than the inbound leg only for a call the bindings forward.
	Causes []int `json:"causes,omitempty"`
	// Seed makes the draws reproducible for one sequence of calls.
	Seed uint64 `json:"seed,omitempty"`
}

// injector draws the injected causes; safe for concurrent use.
type injector struct {
	mu  sync.Mutex
	cfg CauseInjection
	rng *rand.Rand
}

func (in *injector) set(c CauseInjection) error {
	if c.Rate < 0 || c.Rate > 1 {
		return invalid("rate %v: want 0-1", c.Rate)
	}
	if c.Rate > 0 && len(c.Causes) == 0 {
		return invalid("causes: at least one code when rate is above 0")
	}
	for i, code := range c.Causes {
		if _, ok := pns.LookupHangupCause(code); !ok {
			return invalid("causes[%d]: %d is not a hang-up cause of reference §7.7 (GET %scauses lists them)", i, code, AdminPrefix)
		}
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.cfg = CauseInjection{Rate: c.Rate, Causes: append([]int(nil), c.Causes...), Seed: c.Seed}
	in.rng = rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))
	return nil
}

func (in *injector) get() CauseInjection {
	in.mu.Lock()
	defer in.mu.Unlock()
	return CauseInjection{Rate: in.cfg.Rate, Causes: append([]int(nil), in.cfg.Causes...), Seed: in.cfg.Seed}
}

// pick draws the cause of one call, ok false when the call keeps its own outcome.
func (in *injector) pick(forwarded bool) (int, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.cfg.Rate <= 0 || in.rng.Float64() >= in.cfg.Rate {
		return 0, false
	}
	var fit []int
	for _, code := range in.cfg.Causes {
		if c, _ := pns.LookupHangupCause(code); forwarded || c.Stage == pns.StageInbound {
			fit = append(fit, code)
		}
	}
	if len(fit) == 0 {
		return 0, false
	}
	return fit[in.rng.IntN(len(fit))], true
}

// SetCauseInjection installs the share of calls ended with injected causes (Rate 0 stops
// it). It returns ErrInvalid (wrapped) for a rate outside 0-1 or a code outside the table.
func (s *Simulator) SetCauseInjection(c CauseInjection) error { return s.inj.set(c) }

// CauseInjectionConfig returns the installed injection.
func (s *Simulator) CauseInjectionConfig() CauseInjection { return s.inj.get() }

// injectCause applies the injection to a routed call without an explicit cause.
func (s *Simulator) injectCause(d decision) decision {
	code, ok := s.inj.pick(d.target != "")
	if !ok {
		return d
	}
	f, err := force(d, code)
	if err != nil {
		return d // not reached: pick draws only codes the call can end with
	}
	return f
}
