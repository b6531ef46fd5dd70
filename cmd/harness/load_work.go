package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/stream"
)

// loadWork is the work of `harness load` once its options are resolved: the embedded
// emulator when no --target, the remote gate and preflight, the load, its callbacks, the
// printed result and the exit code (exitFor of the verdict).
func loadWork(ctx context.Context, fs *flagSet, f *loadFlags, o loadOptions, stdout, stderr io.Writer) int {
	var sw *stream.Writer
	if *f.outJSON != "" {
		var err error
		if sw, err = stream.Create(*f.outJSON); err != nil {
			return fs.usageError("--out-json: %v", err)
		}
		defer sw.Close()
	}
	finish := loadFinisher(ctx, sw, stderr)
	calls := loadNeedsReceiver(*f.scenario, o.wl)
	if calls {
		ln, err := listenReceiver(*f.receiverListen)
		if err != nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return exitFailed
		}
		defer ln.Close() // a no-op once the receiver has closed it
		o.rcvLn = ln
	}
	if *f.target == "" {
		// As harness conform does: no target means the embedded emulator, here on a free port.
		rcvAddr := ""
		if calls {
			rcvAddr = o.rcvLn.Addr().String()
		}
		url, stop, err := loadStartEmbedded(calls, rcvAddr)
		if err != nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return finish(verdict{failed: 1})
		}
		defer stop()
		*f.target = url
		infof(stderr, "target: embedded emulator %s", url)
	}
	sw.Write(stream.TypeStart, time.Time{}, stream.Start{Command: "load", Target: *f.target, Version: buildVersion()})
	if code, ok := loadCheckGate(fs, f, o, stderr); !ok {
		return code
	}
	hc, _, _ := f.tlsf.client(10 * time.Second)
	if v, ok := loadReachTarget(ctx, f, hc, stderr); !ok {
		return finish(v)
	}
	prof, m, code := loadProfileFor(ctx, f, o, hc, stderr)
	if code != 0 {
		return code
	}
	v, code, ok := loadExecute(ctx, fs, f, o, prof, m, sw, stdout, stderr)
	if !ok {
		return code
	}
	return finish(v)
}

// loadFinisher returns the function that ends the stream sw (nil: none) with the verdict
// line and returns the exit code.
func loadFinisher(ctx context.Context, sw *stream.Writer, stderr io.Writer) func(v verdict) int {
	return func(v verdict) int {
		// As interruptible decides: a signal makes the run's exit code 130.
		v.interrupted = v.interrupted || ctx.Err() != nil
		code := exitFor(v)
		if sw == nil {
			return code
		}
		sw.Write(stream.TypeVerdict, time.Time{}, stream.Verdict{Status: streamVerdictStatus(code), ExitCode: code})
		if err := sw.Close(); err != nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			v.failed++
			return exitFor(v)
		}
		return code
	}
}

// loadCheckGate applies the remote gate before any packet: a refused remote target is not
// even resolved. The ceiling counts the requests of every interface, not sessions. When ok is
// false the command exits with code (a usage error).
func loadCheckGate(fs *flagSet, f *loadFlags, o loadOptions, stderr io.Writer) (code int, ok bool) {
	reqPeak, err := loadtest.PeakRequests(loadtest.Config{Scenario: *f.scenario, Mode: pns.Mode(*f.mode), Rate: *f.rate, Plan: o.plan,
		Duration: *f.duration, Hold: *f.hold, Workload: o.wl})
	if err != nil {
		return fs.usageError("%v", err), false
	}
	if err := loadtest.CheckTarget(*f.target, o.gate, reqPeak); err != nil {
		fmt.Fprintf(stderr, "harness load: %v\n", err) // a target refusal, not a flag mistake: one line
		return exitUsage, false
	}
	return 0, true
}

// loadReachTarget waits for the target when --wait-target asks to, then runs the preflight.
// When ok is false the load does not start and v is its verdict.
func loadReachTarget(ctx context.Context, f *loadFlags, hc *http.Client, stderr io.Writer) (v verdict, ok bool) {
	if *f.waitTarget > 0 {
		if err := loadWaitForTarget(ctx, *f.target, *f.waitTarget); err != nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return verdict{couldNotCheck: err.Error(), interrupted: ctx.Err() != nil}, false
		}
	}
	if err := preflight(ctx, hc, *f.target); err != nil {
		if ctx.Err() != nil {
			return verdict{interrupted: true}, false
		}
		fmt.Fprintf(stderr, "harness load: %v\n", err)
		return targetVerdict(err), false
	}
	return verdict{}, true
}

// loadProfileFor is the profile of the load (--profile, else the demo apps, with the target
// emulator's pool when it has one) and its mode; a bind-unbind plan the profile's X numbers
// cannot carry is refused with a non-zero code.
func loadProfileFor(ctx context.Context, f *loadFlags, o loadOptions, hc *http.Client, stderr io.Writer) (prof *loadtest.Profile, m pns.Mode, code int) {
	prof = o.prof
	if prof == nil {
		prof = defaultLoadProfile()
		if loadtest.IsLoopbackTarget(*f.target) && loadAdoptEmulatorPool(ctx, hc, *f.target, prof) {
			infof(stderr, "no --profile: using the demo apps with the X numbers of the target emulator's configuration")
		}
	}
	m = pns.Mode(strings.ToUpper(*f.mode))
	if o.sc == loadtest.ScenarioBindUnbind {
		cm := m
		if cm == "" {
			cm = o.scMode
		}
		if cm == "" {
			cm = pns.ModeAXB
		}
		if code := loadCheckCapacity(prof, cm, o.peak, *f.hold, stderr); code != 0 {
			return nil, "", code
		}
	}
	return prof, m, 0
}
