package profile

import (
	"fmt"
	"math"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// Capacity is how many bindings an app's X numbers can hold at once under the platform's
// rules (reference §13): AXB one X carries MaxPerX pairs (5000), AX one A per X, AXE one
// binding per extension (10^digits − 1 per X). A bind-unbind load at rate R holding each
// binding for H keeps about R × (H + latency) bindings live, so R × H must fit.
type Capacity struct {
	Mode pns.Mode
	// XNumbers is the number of X the app lists; 0 means the platform chooses X and the
	// capacity is unknown (Known false).
	XNumbers int
	// PerX is the bindings one X carries.
	PerX  int64
	Known bool
}

// CapacityLatency is the latency margin added to the hold when estimating live bindings: an
// unbind is sent Hold after its bind's answer, and answered some time later.
const CapacityLatency = 500 * time.Millisecond

// CapacityOf returns the capacity of an app in mode m.
func CapacityOf(m pns.Mode, a *AppProfile) Capacity {
	c := Capacity{Mode: m, XNumbers: len(a.Xs())}
	spec := m.Spec()
	switch {
	case !m.Valid():
		// No binding mode (X mode keeps no binding): capacity unknown.
	case spec.OneAPerX:
		// AX: one A per X. AXYB: an X carries one AX relation (§6.1); its YB take numbers of
		// the same pool as Y, so this is an upper bound for binds that add YB.
		c.PerX = 1
	case spec.Extensions:
		d := a.ExtensionDigits
		if d == 0 {
			d = 4
		}
		c.PerX = int64(math.Pow10(d)) - 1
	default:
		// AXB: the pairs an X carries, as the profile says or the platform's default.
		c.PerX = int64(a.MaxPerX)
		if c.PerX == 0 {
			c.PerX = DefaultMaxPairsPerX
		}
	}
	c.Known = c.XNumbers > 0 && c.PerX > 0
	return c
}

// Live is the number of bindings the X numbers hold at once.
func (c Capacity) Live() int64 { return int64(c.XNumbers) * c.PerX }

// Need is the live bindings a bind-unbind load at peak rate (binds/s) with hold needs.
func Need(peak float64, hold time.Duration) float64 {
	return peak * (hold + CapacityLatency).Seconds()
}

// MaxRate is the highest bind rate the capacity carries with hold.
func (c Capacity) MaxRate(hold time.Duration) float64 {
	return float64(c.Live()) / (hold + CapacityLatency).Seconds()
}

// String describes the capacity for the console, e.g. "AXB: 3 X × 5000 pairs = 15000 live
// bindings, at most 10000 binds/s with a 1s hold (rate × (hold + 0.5s) ≤ 15000)".
func (c Capacity) String(hold time.Duration) string {
	if !c.Known {
		return fmt.Sprintf("%s: no X numbers listed, the platform chooses X: capacity unknown", c.Mode)
	}
	unit := c.Mode.Spec().CapacityUnit
	return fmt.Sprintf("%s: %d X × %d %s = %d live bindings, at most %s binds/s with a %s hold (rate × (hold + %s) ≤ %d)",
		c.Mode, c.XNumbers, c.PerX, unit, c.Live(), rateString(c.MaxRate(hold)), hold, CapacityLatency, c.Live())
}

// Check refuses a plan (peak binds/s, hold) that the capacity cannot carry.
func (c Capacity) Check(peak float64, hold time.Duration) error {
	if !c.Known {
		return nil
	}
	if need := Need(peak, hold); need > float64(c.Live()) {
		return fmt.Errorf("%s: the plan needs about %.0f live bindings (%g binds/s × (%s hold + %s)) but the profile's %d X numbers carry %d; list more X numbers or lower the rate or hold (at most %s binds/s)",
			c.Mode, math.Ceil(need), peak, hold, CapacityLatency, c.XNumbers, c.Live(), rateString(c.MaxRate(hold)))
	}
	return nil
}

// rateString renders a rate without exponents: whole numbers from 100 up, 4 digits below.
func rateString(r float64) string {
	if r >= 100 {
		return fmt.Sprintf("%.0f", math.Floor(r))
	}
	return fmt.Sprintf("%.4g", r)
}

// Shares of a platform's limits a plan `harness run` chooses may use: half of what the X
// numbers carry (the live bindings grow when the platform answers slower than
// CapacityLatency), and 80 % of the flow control (the rest for the unbinds' retries and the
// receiver's queries), a bind-unbind session sending two requests.
const (
	capacityShare    = 0.5
	flowControlShare = 0.8
	requestsPerBind  = 2
)

// Fit is the bind rate a bind-unbind load in one mode may use on a platform, and the
// arithmetic of each limit that decided it.
type Fit struct {
	Mode pns.Mode
	// Rate is the chosen binds/s: the wanted rate, or less when a limit requires it.
	Rate float64
	// Reasons say, per limit that lowered the rate, why (empty when the wanted rate fits).
	Reasons []string
}

// FitRate chooses the bind rate of a load in mode m that fits the platform's limits: the
// wanted rate, lowered to the share of the X numbers' capacity with hold, of the flow control
// (requests/s per app, 0 unknown) and to the ceiling maxRate (0 none).
func FitRate(c Capacity, want float64, hold time.Duration, flowControl, maxRate float64) Fit {
	f := Fit{Mode: c.Mode, Rate: want}
	if c.Known {
		if r := nice(capacityShare * c.MaxRate(hold)); r < f.Rate {
			f.Rate = r
			f.Reasons = append(f.Reasons, fmt.Sprintf("pool of %d X numbers carries %d live bindings: %g binds/s × (%s hold + %s) would need about %.0f; using half of the %s binds/s it carries: %g/s",
				c.XNumbers, c.Live(), want, hold, CapacityLatency, math.Ceil(Need(want, hold)), rateString(c.MaxRate(hold)), r))
		}
	}
	if flowControl > 0 {
		if r := nice(flowControlShare * flowControl / requestsPerBind); r < f.Rate {
			f.Rate = r
			f.Reasons = append(f.Reasons, fmt.Sprintf("flow control %g requests/s per app: %g binds/s send %g requests/s (bind and unbind); using %g/s (%g requests/s, %.0f%% of it)",
				flowControl, want, requestsPerBind*want, r, requestsPerBind*r, 100*flowControlShare))
		}
	}
	// The ceiling counts requests of every interface: a bind-unbind session sends two.
	if maxRate > 0 && maxRate/requestsPerBind < f.Rate {
		f.Rate = maxRate / requestsPerBind
		f.Reasons = append(f.Reasons, fmt.Sprintf("maxRate ceiling %g requests/s: %g binds/s (bind and unbind)", maxRate, f.Rate))
	}
	return f
}

// CheckFlowControl refuses an explicit rate whose requests exceed the platform's flow control
// (requests/s per app; 0 unknown).
func CheckFlowControl(m pns.Mode, rate, flowControl float64) error {
	if flowControl > 0 && requestsPerBind*rate > flowControl {
		return fmt.Errorf("%s: %g binds/s send %g requests/s (bind and unbind) but the platform's flow control allows %g per app (profile flowControl); lower the rate to at most %g binds/s",
			m, rate, requestsPerBind*rate, flowControl, flowControl/requestsPerBind)
	}
	return nil
}

// nice rounds a rate down to something a person would choose: whole numbers from 1 up, two
// significant digits below.
func nice(r float64) float64 {
	if r >= 1 {
		return math.Floor(r)
	}
	if r <= 0 {
		return 0
	}
	p := math.Pow10(int(math.Floor(math.Log10(r))) - 1)
	return math.Floor(r/p) * p
}
