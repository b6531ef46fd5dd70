package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/stream"
)

// loadWork is the work of `harness load` once its options are resolved: the embedded
// emulator when no --target, the remote gate and preflight, the load, its callbacks, the
// printed result and the exit code (exitFor of the verdict).
func loadWork(ctx context.Context, fs *flagSet, f *loadFlags, o loadOptions, stdout, stderr io.Writer) int {
	plan, wl, cbThs, prof, gate, peak, sc, scMode := o.plan, o.wl, o.cbThs, o.prof, o.gate, o.peak, o.sc, o.scMode
	var err error
	var sw *stream.Writer
	if *f.outJSON != "" {
		if sw, err = stream.Create(*f.outJSON); err != nil {
			return fs.usageError("--out-json: %v", err)
		}
		defer sw.Close()
	}
	// finish ends the stream with the verdict line and returns the exit code.
	finish := func(v verdict) int {
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
	if *f.target == "" {
		// As harness conform does: no target means the embedded emulator, here on a free port.
		url, stop, err := loadStartEmbedded(loadNeedsReceiver(*f.scenario, wl), *f.receiverListen)
		if err != nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return finish(verdict{failed: 1})
		}
		defer stop()
		*f.target = url
		infof(stderr, "target: embedded emulator %s", url)
	}
	sw.Write(stream.TypeStart, time.Time{}, stream.Start{Command: "load", Target: *f.target, Version: buildVersion()})
	// The gate comes before any packet: a refused remote target is not even resolved. The
	// ceiling counts the requests of every interface, not sessions.
	reqPeak, err := loadtest.PeakRequests(loadtest.Config{Scenario: *f.scenario, Mode: pns.Mode(*f.mode), Rate: *f.rate, Plan: plan,
		Duration: *f.duration, Hold: *f.hold, Workload: wl})
	if err != nil {
		return fs.usageError("%v", err)
	}
	if err := loadtest.CheckTarget(*f.target, gate, reqPeak); err != nil {
		fmt.Fprintf(stderr, "harness load: %v\n", err) // a target refusal, not a flag mistake: one line
		return exitUsage
	}
	hc, _, _ := f.tlsf.client(10 * time.Second)
	if *f.waitTarget > 0 {
		if err := loadWaitForTarget(ctx, *f.target, *f.waitTarget); err != nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return finish(verdict{couldNotCheck: err.Error(), interrupted: ctx.Err() != nil})
		}
	}
	if err := preflight(ctx, hc, *f.target); err != nil {
		if ctx.Err() != nil {
			return finish(verdict{interrupted: true})
		}
		fmt.Fprintf(stderr, "harness load: %v\n", err)
		return finish(targetVerdict(err))
	}
	if prof == nil {
		prof = defaultLoadProfile()
		if loadtest.IsLoopbackTarget(*f.target) && loadAdoptEmulatorPool(ctx, hc, *f.target, prof) {
			infof(stderr, "no --profile: using the demo apps with the X numbers of the target emulator's configuration")
		}
	}
	m := pns.Mode(strings.ToUpper(*f.mode))
	if sc == loadtest.ScenarioBindUnbind {
		cm := m
		if cm == "" {
			cm = scMode
		}
		if cm == "" {
			cm = pns.ModeAXB
		}
		if code := loadCheckCapacity(prof, cm, peak, *f.hold, stderr); code != 0 {
			return code
		}
	}

	cfg, term, loadName := loadRunConfig(f, o, prof, m, sw, stdout)
	var rcv *receiver.Receiver
	if loadNeedsReceiver(*f.scenario, wl) {
		rcv, err = loadStartReceiver(&cfg, *f.receiverListen, &f.cf, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return exitFailed
		}
		defer rcv.Close()
		cfg.CallbackWait = *f.callbackWait
	} else if len(cbThs) > 0 {
		return fs.usageError("callback thresholds need the calls scenario (or a workload that makes calls): nothing else is pushed")
	}
	res, err := loadtest.Run(ctx, cfg)
	if term && cfg.Progress != nil {
		fmt.Fprintln(stdout)
	}
	if err != nil {
		if res == nil {
			if ctx.Err() != nil {
				return finish(verdict{interrupted: true})
			}
			// Nothing was measured: the configuration is wrong, or the platform refused
			// our credentials.
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return finish(targetVerdict(err))
		}
		if ctx.Err() == nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
		}
	}
	v := loadReportResult(f, res, err, sw, loadName, rcv, cbThs, stdout, stderr)
	return finish(v)
}

// loadRunConfig is the generator's configuration for the flags and options against prof in
// mode m, with its progress printer (term: one line rewritten on a terminal) and the load's
// name in the stream (its headline's: the workload's, or MODE-SCENARIO).
func loadRunConfig(f *loadFlags, o loadOptions, prof *loadtest.Profile, m pns.Mode, sw *stream.Writer, stdout io.Writer) (cfg loadtest.Config, term bool, loadName string) {
	plan, wl, si, sn, ths, start, sample, gate, tlsConf, sc, scMode := o.plan, o.wl, o.si, o.sn, o.ths, o.start, o.sample, o.gate, o.tlsConf, o.sc, o.scMode
	term = loadIsTerminal(stdout)
	every := time.Duration(f.progressEvery)
	if every == 0 {
		every = time.Second
		if !term {
			every = 5 * time.Second
		}
	}
	cfg = loadtest.Config{
		Target: *f.target, Profile: prof, Mode: m, Rate: *f.rate, Plan: plan,
		Duration: *f.duration, Hold: *f.hold, Shard: si, Shards: sn, OutDir: *f.out, Thresholds: ths,
		AbortOnFail: *f.abortOnFail, Workers: *f.workers, MaxWorkers: *f.maxWorkers, Timeout: *f.timeout,
		UnreachableAfter: unreachableAfter(*f.unreachable),
		SchemaSample:     sample, StartAt: start, Gate: gate, TLSConfig: tlsConf, Workload: wl, GeneratorLag: *f.genLag,
		Run:             loadtest.RunInfo{ID: *f.runID, HarnessVersion: buildVersion()},
		BindingLifetime: *f.lifetime, CleanupTimeout: *f.cleanupTimeout, CleanupAttempts: *f.cleanupAttempts, CleanupRate: *f.cleanupRate,
		CleanupFirst: *f.cleanupFirst,
	}
	if every > 0 && !*f.jsonOut {
		cfg.ProgressInterval = every
		cfg.Progress = func(p loadtest.Progress) {
			line := progressLine(p)
			if term {
				fmt.Fprintf(stdout, "\r\033[K%s", line)
			} else {
				fmt.Fprintln(stdout, line)
			}
		}
	}
	cfg.Scenario = *f.scenario
	// The load's name in the stream is its headline's: the workload's, or MODE-SCENARIO.
	loadName = "workload"
	if wl != nil && wl.Name != "" {
		loadName = wl.Name
	} else if wl == nil {
		lm := string(scMode)
		if lm == "" {
			lm = *f.mode
		}
		if lm == "" {
			lm = string(pns.ModeAXB)
		}
		loadName = strings.ToLower(lm) + "-" + sc
	}
	cfg.OnSecond = streamSecond(sw, loadName)
	return cfg, term, loadName
}

// loadReportResult prints a load's result (JSON or text with its headline, what could not be
// checked, unanswered requests), streams it, judges the callbacks of rcv (nil: none) and
// returns the load's verdict.
func loadReportResult(f *loadFlags, res *loadtest.Result, err error, sw *stream.Writer, loadName string, rcv *receiver.Receiver, cbThs []string, stdout, stderr io.Writer) verdict {
	if *f.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(res)
	} else {
		_ = res.WriteText(stdout)
		// The headline `harness report` prints and the HTML report shows for this result.
		fmt.Fprintln(stdout, assemble.LoadScenario(res, "").Headline())
	}
	if res.CouldNotCheck != "" {
		fmt.Fprintf(stderr, "harness load: could not check: %s\n", res.CouldNotCheck)
	}
	if p := res.UnansweredProblem(); p != "" {
		fmt.Fprintf(stderr, "harness load: FAIL: %s\n", p)
	}
	v := loadVerdict(res, err)
	streamLoad(sw, loadName, res)
	streamThresholds(sw, loadName, assemble.Thresholds(res, "", true))
	if rcv != nil {
		w := stdout
		if *f.jsonOut {
			w = io.Discard // the JSON result alone on stdout; the verdict still counts
		}
		cv, cths := loadCallbacks(rcv, cbThs, *f.out, *f.profilePath, w, stderr)
		v.failed += cv.failed
		v.thresholds += cv.thresholds
		streamThresholds(sw, "", cths)
	}
	return v
}
