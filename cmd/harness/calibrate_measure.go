package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
)

// calResult is the outcome of `harness calibrate`.
type calResult struct {
	InjectedMs float64 `json:"injectedMs"`
	Rate       float64 `json:"rate"`
	// BaselineP50Ms is the bind service time without injected latency: emulator, loopback and
	// generator together.
	BaselineP50Ms float64 `json:"baselineP50Ms"`
	// MeasuredP50Ms is the bind service time with the injected latency; OverheadMs =
	// MeasuredP50Ms − InjectedMs must lie within [0, ToleranceMs].
	MeasuredP50Ms    float64 `json:"measuredP50Ms"`
	MeasuredP99Ms    float64 `json:"measuredP99Ms"`
	CorrectedP50Ms   float64 `json:"correctedP50Ms"`
	OverheadMs       float64 `json:"overheadMs"`
	ToleranceMs      float64 `json:"toleranceMs"`
	LatencyOK        bool    `json:"latencyOK"`
	ShortfallPct     float64 `json:"shortfallPct"`
	SaturatedRate    float64 `json:"saturatedRate"`
	SaturatedWorkers uint64  `json:"saturatedWorkers"`
	// Saturated* come from a run with too few workers for the rate: the shortfall and the
	// corrected latency must show it while the service time stays near the injected latency.
	SaturatedShortfallPct float64 `json:"saturatedShortfallPct"`
	SaturatedServiceP99Ms float64 `json:"saturatedServiceP99Ms"`
	SaturatedCorrectedP99 float64 `json:"saturatedCorrectedP99Ms"`
	SaturationDetected    bool    `json:"saturationDetected"`
	OK                    bool    `json:"ok"`
}

// calibrator runs the calibration's loads against the emulator at base.
type calibrator struct {
	ctx      context.Context
	base     string
	prof     *loadtest.Profile
	duration time.Duration
}

// run binds at rate for the calibrator's duration; workers > 0 caps the generator's workers.
func (c calibrator) run(rate float64, workers uint64) (*loadtest.Result, error) {
	cfg := loadtest.Config{Target: c.base, Profile: c.prof, Mode: pns.ModeAXB, Rate: rate, Duration: c.duration,
		Hold: 0, SchemaSample: -1}
	if workers > 0 {
		cfg.Workers, cfg.MaxWorkers = 1, workers
	}
	return loadtest.Run(c.ctx, cfg)
}

// setFault injects ms of latency into the emulator's AXB bind and unbind (fault API).
func (c calibrator) setFault(ms int) error {
	body, _ := json.Marshal(map[string]any{"faults": []map[string]any{
		{"interface": pns.IfaceAXBBind, "latencyMs": ms}, {"interface": pns.IfaceAXBUnbind, "latencyMs": ms}}})
	resp, err := http.Post(c.base+emulator.AdminPrefix+"faults", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("faults: HTTP %d %s", resp.StatusCode, b)
	}
	return nil
}

// measure runs the three loads: a baseline without injected latency, one with latency
// injected, and a saturated one with too few workers; it judges each against the injected
// latency and tolerance.
func (c calibrator) measure(latency time.Duration, rate float64, tolerance time.Duration) (calResult, error) {
	out := calResult{InjectedMs: float64(latency) / 1e6, Rate: rate, ToleranceMs: float64(tolerance) / 1e6}
	res, err := c.run(rate, 0)
	if err != nil {
		return out, err
	}
	b, _ := res.Interface(pns.IfaceAXBBind)
	out.BaselineP50Ms = b.Service.P50
	if err := c.setFault(int(latency.Milliseconds())); err != nil {
		return out, err
	}
	if res, err = c.run(rate, 0); err != nil {
		return out, err
	}
	b, _ = res.Interface(pns.IfaceAXBBind)
	out.MeasuredP50Ms, out.MeasuredP99Ms, out.CorrectedP50Ms = b.Service.P50, b.Service.P99, b.Corrected.P50
	out.OverheadMs = calRound3(out.MeasuredP50Ms - out.InjectedMs)
	out.ShortfallPct = res.ShortfallPct
	out.LatencyOK = out.OverheadMs >= 0 && out.OverheadMs <= out.ToleranceMs && res.ShortfallPct < 1
	// Saturation: half the workers the rate needs (rate × latency), the rate raised if needed
	// so that it needs at least 4.
	satRate := max(rate, 4/latency.Seconds())
	out.SaturatedWorkers = uint64(satRate * latency.Seconds() / 2)
	out.SaturatedRate = satRate
	if res, err = c.run(satRate, out.SaturatedWorkers); err != nil {
		return out, err
	}
	b, _ = res.Interface(pns.IfaceAXBBind)
	out.SaturatedShortfallPct, out.SaturatedServiceP99Ms, out.SaturatedCorrectedP99 = res.ShortfallPct, b.Service.P99, b.Corrected.P99
	out.SaturationDetected = res.ShortfallPct >= 20 && b.Corrected.P99 >= 2*b.Service.P99
	out.OK = out.LatencyOK && out.SaturationDetected
	return out, nil
}

// writeText prints the outcome for a person, one line per measurement.
func (out calResult) writeText(w io.Writer, duration time.Duration) {
	fmt.Fprintf(w, "injected %.1fms at %.0f binds/s for %s\n", out.InjectedMs, out.Rate, duration)
	fmt.Fprintf(w, "baseline bind p50 %.3fms (emulator + loopback + generator)\n", out.BaselineP50Ms)
	fmt.Fprintf(w, "measured bind p50 %.3fms p99 %.3fms corrected p50 %.3fms shortfall %.2f%%\n", out.MeasuredP50Ms, out.MeasuredP99Ms, out.CorrectedP50Ms, out.ShortfallPct)
	fmt.Fprintf(w, "overhead %.3fms (tolerance 0-%.1fms): %s\n", out.OverheadMs, out.ToleranceMs, calOKWord(out.LatencyOK))
	fmt.Fprintf(w, "saturated (%.0f/s, %d workers): shortfall %.1f%%, service p99 %.2fms, corrected p99 %.2fms: %s\n",
		out.SaturatedRate, out.SaturatedWorkers, out.SaturatedShortfallPct, out.SaturatedServiceP99Ms, out.SaturatedCorrectedP99, calOKWord(out.SaturationDetected))
}

func calOKWord(b bool) string {
	if b {
		return "ok"
	}
	return "FAILED"
}

func calRound3(f float64) float64 { return float64(int64(f*1000+0.5*calSign(f))) / 1000 }

func calSign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

// calServeLoopback serves h on an ephemeral 127.0.0.1 port.
func calServeLoopback(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}
