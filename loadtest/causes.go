package loadtest

import (
	"fmt"
	"math"
	"sync/atomic"

	"github.com/pns-harness/pns-harness/pns"
)

// MaxStepCauses bounds the causes one call step may name.
const MaxStepCauses = 64

// validateCauses checks a step's causes and causeShare: only a call step forces hang-up
// causes, each a code of the contract's table (reference §7.7) that the emulator's calls API
// accepts, with a share in (0, 1].
func (s Step) validateCauses(i int) error {
	if len(s.Causes) == 0 {
		if s.CauseShare != 0 {
			return fmt.Errorf("steps[%d]: causeShare without causes: name the hang-up causes to force", i)
		}
		return nil
	}
	if s.Op != OpCall {
		return fmt.Errorf("steps[%d]: causes: only a call step forces hang-up causes, not %s", i, s.Op)
	}
	if len(s.Causes) > MaxStepCauses {
		return fmt.Errorf("steps[%d]: causes: %d codes, at most %d", i, len(s.Causes), MaxStepCauses)
	}
	for _, c := range s.Causes {
		if _, ok := pns.LookupHangupCause(c); !ok {
			return fmt.Errorf("steps[%d]: causes: %d is not a hang-up cause of the contract's table (reference §7.7)", i, c)
		}
	}
	if math.IsNaN(s.CauseShare) || s.CauseShare < 0 || s.CauseShare > 1 {
		return fmt.Errorf("steps[%d]: causeShare %v outside 0-1 (0 or absent: every call)", i, s.CauseShare)
	}
	return nil
}

// causePicker chooses which of a call step's calls end with a forced cause, and which cause:
// of the step's first n calls, exactly ⌊n × share⌋ are forced, spread evenly, and the forced
// ones take the causes in turn. It is deterministic, so a run's cause table can be predicted
// from its call count alone, whatever the scheduling.
type causePicker struct {
	causes []int
	share  float64
	n      atomic.Uint64
}

// newCausePicker returns the picker of a step, nil when it names no causes.
func newCausePicker(s Step) *causePicker {
	if len(s.Causes) == 0 {
		return nil
	}
	share := s.CauseShare
	if share == 0 {
		share = 1
	}
	return &causePicker{causes: append([]int(nil), s.Causes...), share: share}
}

// next returns the cause the step's next call is forced to, and false when that call is left
// to end as it would.
func (p *causePicker) next() (int, bool) {
	if p == nil {
		return 0, false
	}
	n := float64(p.n.Add(1) - 1)
	lo, hi := math.Floor(n*p.share), math.Floor((n+1)*p.share)
	if hi <= lo {
		return 0, false
	}
	return p.causes[int(lo)%len(p.causes)], true
}

// callStep returns the call step a session's next call belongs to: the k-th call step of its
// flow for the session's k-th call (a session runs its steps in order, one at a time).
func (s *session) callStep() *stepRun {
	k := s.calls
	s.calls++
	for i := range s.flow.steps {
		if s.flow.steps[i].name != OpCall {
			continue
		}
		if k == 0 {
			return &s.flow.steps[i]
		}
		k--
	}
	return nil
}
