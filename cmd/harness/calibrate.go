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

func init() {
	register("calibrate", "check the load generator against an in-process emulator with known injected latency", interruptible(runCalibrate))
}

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

func runCalibrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("calibrate", stdout, stderr)
	latency := fs.Duration("latency", 20*time.Millisecond, "latency injected into the emulator's bind and unbind (fault API)")
	rate := fs.Float64("rate", 200, "bind rate per second")
	duration := fs.Duration("duration", 3*time.Second, "length of each calibration run")
	tolerance := fs.Duration("tolerance", 5*time.Millisecond, "accepted overhead of the measured bind p50 over the injected latency")
	rss := fs.Int("rss", 0, "instead of calibrating, run this many requests (binds + unbinds, with result files) against a trivial in-process endpoint and report how many were delivered and the peak RSS (VmHWM); exit 1 when some were not sent or the peak reaches --rss-max")
	rssRate := fs.Float64("rss-rate", 4000, "bind rate of the --rss run (each bind is followed by its unbind, and the endpoint shares the process: 4000/s is 8000 requests/s that 2 cores sustain)")
	rssMax := fs.Int("rss-max", 100, "peak RSS in MiB the --rss run must stay under")
	jsonOut := fs.Bool("json", false, "print the outcome as JSON")
	fs.describe("harness calibrate [flags]",
		"Starts the emulator in-process on 127.0.0.1, measures the bind service time without and with\n"+
			"an injected latency, checks the harness reports the injected latency within --tolerance, and\n"+
			"checks that a run with too few workers is reported as a shortfall with a corrected latency\n"+
			"above the service time. Exit 0 when both hold, 1 otherwise.")
	if code, ok := parseFlags(fs, args, false); !ok {
		return code
	}
	if *rss > 0 {
		if *rssRate <= 0 || *rssMax <= 0 {
			fmt.Fprintln(stderr, "harness calibrate: want --rss-rate > 0 and --rss-max > 0")
			return exitUsage
		}
		return calRunRSS(ctx, *rss, *rssRate, int64(*rssMax)<<10, stdout, stderr)
	}
	if *latency <= 0 || *latency > time.Minute || *rate <= 0 || *duration <= 0 || *duration > 5*time.Minute {
		fmt.Fprintln(stderr, "harness calibrate: want 0 < --latency <= 1m, --rate > 0, 0 < --duration <= 5m")
		return exitUsage
	}
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		fmt.Fprintf(stderr, "harness calibrate: %v\n", err)
		return exitFailed
	}
	emu, err := emulator.New(*cfg)
	if err != nil {
		fmt.Fprintf(stderr, "harness calibrate: %v\n", err)
		return exitFailed
	}
	defer emu.Close()
	base, closeSrv, err := calServeLoopback(emu.Handler())
	if err != nil {
		fmt.Fprintf(stderr, "harness calibrate: %v\n", err)
		return exitFailed
	}
	defer closeSrv()
	prof := defaultLoadProfile()
	run := func(rate float64, workers uint64) (*loadtest.Result, error) {
		c := loadtest.Config{Target: base, Profile: prof, Mode: pns.ModeAXB, Rate: rate, Duration: *duration,
			Hold: 0, SchemaSample: -1}
		if workers > 0 {
			c.Workers, c.MaxWorkers = 1, workers
		}
		return loadtest.Run(ctx, c)
	}
	setFault := func(ms int) error {
		body, _ := json.Marshal(map[string]any{"faults": []map[string]any{
			{"interface": pns.IfaceAXBBind, "latencyMs": ms}, {"interface": pns.IfaceAXBUnbind, "latencyMs": ms}}})
		resp, err := http.Post(base+emulator.AdminPrefix+"faults", "application/json", bytes.NewReader(body))
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
	out := calResult{InjectedMs: float64(*latency) / 1e6, Rate: *rate, ToleranceMs: float64(*tolerance) / 1e6}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "harness calibrate: %v\n", err)
		return exitFailed
	}
	res, err := run(*rate, 0)
	if err != nil {
		return fail(err)
	}
	b, _ := res.Interface(pns.IfaceAXBBind)
	out.BaselineP50Ms = b.Service.P50
	if err := setFault(int(latency.Milliseconds())); err != nil {
		return fail(err)
	}
	if res, err = run(*rate, 0); err != nil {
		return fail(err)
	}
	b, _ = res.Interface(pns.IfaceAXBBind)
	out.MeasuredP50Ms, out.MeasuredP99Ms, out.CorrectedP50Ms = b.Service.P50, b.Service.P99, b.Corrected.P50
	out.OverheadMs = calRound3(out.MeasuredP50Ms - out.InjectedMs)
	out.ShortfallPct = res.ShortfallPct
	out.LatencyOK = out.OverheadMs >= 0 && out.OverheadMs <= out.ToleranceMs && res.ShortfallPct < 1
	// Saturation: half the workers the rate needs (rate × latency), the rate raised if needed
	// so that it needs at least 4.
	satRate := max(*rate, 4/latency.Seconds())
	out.SaturatedWorkers = uint64(satRate * latency.Seconds() / 2)
	out.SaturatedRate = satRate
	if res, err = run(satRate, out.SaturatedWorkers); err != nil {
		return fail(err)
	}
	b, _ = res.Interface(pns.IfaceAXBBind)
	out.SaturatedShortfallPct, out.SaturatedServiceP99Ms, out.SaturatedCorrectedP99 = res.ShortfallPct, b.Service.P99, b.Corrected.P99
	out.SaturationDetected = res.ShortfallPct >= 20 && b.Corrected.P99 >= 2*b.Service.P99
	out.OK = out.LatencyOK && out.SaturationDetected
	if d := emu.Store().Dump(""); d.Total() != 0 {
		out.OK = false
		fmt.Fprintln(stderr, "harness calibrate: bindings left on the emulator")
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
	} else {
		fmt.Fprintf(stdout, "injected %.1fms at %.0f binds/s for %s\n", out.InjectedMs, out.Rate, *duration)
		fmt.Fprintf(stdout, "baseline bind p50 %.3fms (emulator + loopback + generator)\n", out.BaselineP50Ms)
		fmt.Fprintf(stdout, "measured bind p50 %.3fms p99 %.3fms corrected p50 %.3fms shortfall %.2f%%\n", out.MeasuredP50Ms, out.MeasuredP99Ms, out.CorrectedP50Ms, out.ShortfallPct)
		fmt.Fprintf(stdout, "overhead %.3fms (tolerance 0-%.1fms): %s\n", out.OverheadMs, out.ToleranceMs, calOKWord(out.LatencyOK))
		fmt.Fprintf(stdout, "saturated (%.0f/s, %d workers): shortfall %.1f%%, service p99 %.2fms, corrected p99 %.2fms: %s\n",
			out.SaturatedRate, out.SaturatedWorkers, out.SaturatedShortfallPct, out.SaturatedServiceP99Ms, out.SaturatedCorrectedP99, calOKWord(out.SaturationDetected))
	}
	v := verdict{}
	if !out.OK {
		v.failed = 1
	}
	return exitFor(v)
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
