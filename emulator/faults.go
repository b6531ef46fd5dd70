package emulator

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// FaultSpec injects failures into one interface ("*" = every interface without its own spec).
// Rolls are made with a seeded generator, so a run with the same seed and the same request
// sequence injects the same faults (with concurrent clients the sequence itself may vary).
type FaultSpec struct {
	// Interface is an interface ID such as "axb.bind", or "*".
	Interface string `json:"interface"`
	// LatencyMs is added (wall clock) before the request is processed.
	LatencyMs int `json:"latencyMs,omitempty"`
	// ErrorRate (0-1) is the share of requests answered with ResultCode instead of processed.
	ErrorRate float64 `json:"errorRate,omitempty"`
	// ResultCode is the injected code; default 1010001 (HTTP 500).
	ResultCode string `json:"resultcode,omitempty"`
	// CloseRate (0-1) is the share of requests whose connection is closed without an answer.
	CloseRate float64 `json:"closeRate,omitempty"`
}

// FaultConfig is the body of POST /emulator/v1/faults and the answer of GET.
type FaultConfig struct {
	Seed   uint64      `json:"seed"`
	Faults []FaultSpec `json:"faults"`
}

type faults struct {
	mu   sync.Mutex
	cfg  FaultConfig
	by   map[string]FaultSpec
	rng  *rand.Rand
	none bool
}

func newFaults() *faults { return &faults{by: map[string]FaultSpec{}, none: true} }

// set validates and installs a fault configuration, replacing the previous one.
func (f *faults) set(c FaultConfig) error {
	by := map[string]FaultSpec{}
	for i, s := range c.Faults {
		if s.Interface != "*" {
			if _, ok := pns.InterfaceByID(s.Interface); !ok {
				return fmt.Errorf("faults[%d].interface: unknown interface %q", i, s.Interface)
			}
		}
		if _, dup := by[s.Interface]; dup {
			return fmt.Errorf("faults[%d].interface: %q listed twice", i, s.Interface)
		}
		if s.LatencyMs < 0 || s.LatencyMs > 60000 {
			return fmt.Errorf("faults[%d].latencyMs: must be 0-60000", i)
		}
		if s.ErrorRate < 0 || s.ErrorRate > 1 {
			return fmt.Errorf("faults[%d].errorRate: must be 0-1", i)
		}
		if s.CloseRate < 0 || s.CloseRate > 1 {
			return fmt.Errorf("faults[%d].closeRate: must be 0-1", i)
		}
		if s.ResultCode == "" {
			s.ResultCode = string(pns.CodeInternalSystemError)
		} else if _, ok := pns.Lookup(pns.Code(s.ResultCode)); !ok || s.ResultCode == string(pns.CodeSuccess) {
			return fmt.Errorf("faults[%d].resultcode: %q is not a result code of the reference", i, s.ResultCode)
		}
		c.Faults[i] = s
		by[s.Interface] = s
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg = FaultConfig{Seed: c.Seed, Faults: append([]FaultSpec{}, c.Faults...)}
	f.by = by
	f.rng = rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))
	f.none = len(by) == 0
	return nil
}

func (f *faults) get() FaultConfig {
	f.mu.Lock()
	defer f.mu.Unlock()
	return FaultConfig{Seed: f.cfg.Seed, Faults: append([]FaultSpec{}, f.cfg.Faults...)}
}

// roll picks the fault actions for one request.
func (f *faults) roll(iface string) (spec FaultSpec, closeConn, fail, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.none {
		return spec, false, false, false
	}
	spec, ok = f.by[iface]
	if !ok {
		spec, ok = f.by["*"]
	}
	if !ok {
		return spec, false, false, false
	}
	if spec.CloseRate > 0 {
		closeConn = f.rng.Float64() < spec.CloseRate
	}
	if spec.ErrorRate > 0 {
		fail = f.rng.Float64() < spec.ErrorRate
	}
	return spec, closeConn, fail, true
}

// apply injects the faults of an interface; it reports whether the request was answered (or
// its connection dropped) by the fault.
func (f *faults) apply(e *Emulator, w *respWriter, r *http.Request, iface string) bool {
	spec, closeConn, fail, ok := f.roll(iface)
	if !ok {
		return false
	}
	if spec.LatencyMs > 0 {
		e.metrics.faults.WithLabelValues(iface, "latency").Inc()
		t := time.NewTimer(time.Duration(spec.LatencyMs) * time.Millisecond)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	if closeConn {
		e.metrics.faults.WithLabelValues(iface, "close").Inc()
		w.code = "closed"
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
			return true
		}
		panic(http.ErrAbortHandler) // HTTP/2: abort the stream
	}
	if fail {
		e.metrics.faults.WithLabelValues(iface, "error").Inc()
		e.writeError(w, pns.NewError(pns.Code(spec.ResultCode)))
		return true
	}
	return false
}
