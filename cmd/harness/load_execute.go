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

// loadExecute starts the receiver when the load makes calls, runs the load and reports its
// result. When ok is false the command exits with code at once; otherwise v is the verdict.
func loadExecute(ctx context.Context, fs *flagSet, f *loadFlags, o loadOptions, prof *loadtest.Profile, m pns.Mode, sw *stream.Writer, stdout, stderr io.Writer) (v verdict, code int, ok bool) {
	cfg, term, loadName := loadRunConfig(f, o, prof, m, sw, stdout)
	var rcv *receiver.Receiver
	if o.rcvLn != nil { // opened by loadWork when the load makes calls
		var err error
		rcv, err = loadStartReceiver(&cfg, o.rcvLn, &f.cf, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return verdict{}, exitFailed, false
		}
		defer rcv.Close()
		cfg.CallbackWait = *f.callbackWait
	} else if len(o.cbThs) > 0 {
		return verdict{}, fs.usageError("callback thresholds need the calls scenario (or a workload that makes calls): nothing else is pushed"), false
	}
	res, err := loadtest.Run(ctx, cfg)
	if term && cfg.Progress != nil {
		fmt.Fprintln(stdout)
	}
	if err != nil {
		if res == nil {
			if ctx.Err() != nil {
				return verdict{interrupted: true}, 0, true
			}
			// Nothing was measured: the configuration is wrong, or the platform refused
			// our credentials.
			fmt.Fprintf(stderr, "harness load: %v\n", err)
			return targetVerdict(err), 0, true
		}
		if ctx.Err() == nil {
			fmt.Fprintf(stderr, "harness load: %v\n", err)
		}
	}
	return loadReportResult(f, res, err, sw, loadName, rcv, o.cbThs, stdout, stderr), 0, true
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
