package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
)

func init() {
	register("calibrate", "check the load generator against an in-process emulator with known injected latency", interruptible(runCalibrate))
}

// calibrateOptions are the parsed flags of `harness calibrate`.
type calibrateOptions struct {
	latency, duration, tolerance time.Duration
	rate                         float64
	rss, rssMax                  int
	rssRate                      float64
	jsonOut                      bool
}

// calibrateFlags defines the flags of `harness calibrate` on a new flag set, filling o.
func calibrateFlags(o *calibrateOptions, stdout, stderr io.Writer) *flagSet {
	fs := newFlagSet("calibrate", stdout, stderr)
	fs.DurationVar(&o.latency, "latency", 20*time.Millisecond, "latency injected into the emulator's bind and unbind (fault API)")
	fs.Float64Var(&o.rate, "rate", 200, "bind rate per second")
	fs.DurationVar(&o.duration, "duration", 3*time.Second, "length of each calibration run")
	fs.DurationVar(&o.tolerance, "tolerance", 5*time.Millisecond, "accepted overhead of the measured bind p50 over the injected latency")
	fs.IntVar(&o.rss, "rss", 0, "instead of calibrating, run this many requests (binds + unbinds, with result files) against a trivial in-process endpoint and report how many were delivered and the peak RSS (VmHWM); exit 1 when some were not sent or the peak reaches --rss-max")
	fs.Float64Var(&o.rssRate, "rss-rate", 4000, "bind rate of the --rss run (each bind is followed by its unbind, and the endpoint shares the process: 4000/s is 8000 requests/s that 2 cores sustain)")
	fs.IntVar(&o.rssMax, "rss-max", 100, "peak RSS in MiB the --rss run must stay under")
	fs.BoolVar(&o.jsonOut, "json", false, "print the outcome as JSON")
	fs.describe("harness calibrate [flags]",
		"Starts the emulator in-process on 127.0.0.1, measures the bind service time without and with\n"+
			"an injected latency, checks the harness reports the injected latency within --tolerance, and\n"+
			"checks that a run with too few workers is reported as a shortfall with a corrected latency\n"+
			"above the service time. Exit 0 when both hold, 1 otherwise.")
	return fs
}

// runCalibrate measures the generator against an in-process emulator (or, with --rss, its
// memory against a trivial endpoint) and exits 1 when a check fails.
func runCalibrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o calibrateOptions
	fs := calibrateFlags(&o, stdout, stderr)
	if code, ok := parseFlags(fs, args, false); !ok {
		return code
	}
	if o.rss > 0 {
		if o.rssRate <= 0 || o.rssMax <= 0 {
			fmt.Fprintln(stderr, "harness calibrate: want --rss-rate > 0 and --rss-max > 0")
			return exitUsage
		}
		return calRunRSS(ctx, o.rss, o.rssRate, int64(o.rssMax)<<10, stdout, stderr)
	}
	if o.latency <= 0 || o.latency > time.Minute || o.rate <= 0 || o.duration <= 0 || o.duration > 5*time.Minute {
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
	c := calibrator{ctx: ctx, base: base, prof: defaultLoadProfile(), duration: o.duration}
	out, err := c.measure(o.latency, o.rate, o.tolerance)
	if err != nil {
		fmt.Fprintf(stderr, "harness calibrate: %v\n", err)
		return exitFailed
	}
	if d := emu.Store().Dump(""); d.Total() != 0 {
		out.OK = false
		fmt.Fprintln(stderr, "harness calibrate: bindings left on the emulator")
	}
	if o.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
	} else {
		out.writeText(stdout, o.duration)
	}
	v := verdict{}
	if !out.OK {
		v.failed = 1
	}
	return exitFor(v)
}
