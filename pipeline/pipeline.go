// Package pipeline runs the whole job of `harness run` as a library: conformance, the load
// steps and the callback judgement, against the embedded emulator or a platform given by
// URL, with one Execute for both. The caller (cmd/harness) builds a Plan from its flags —
// which platform, which profile, which loads and thresholds, which receiver — and turns the
// Outcome into a report and an exit code; Execute neither parses flags nor decides exit codes.
//
// Execute never prints on its own: every console line goes to Plan.Log, every live event to
// Plan.Observer, both given by the caller.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pipeline/rundir"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
)

// Plan is one run: where the results go, the conformance suite, the load steps, the receiver
// of the platform's pushes and the thresholds, plus the few hooks by which the embedded
// emulator and a remote platform differ.
type Plan struct {
	// Out is the run directory; Execute replaces its conformance and load subdirectories
	// (the caller has taken the directory over: an earlier run's journals are settled).
	Out string
	// Conformance are the suite's options; Execute sets OutDir and Output.
	Conformance conformance.Options
	// Strict adds the certification problems of the suite to the run's errors.
	Strict bool
	// Loads run in order after the suite (none: no load).
	Loads []Load
	// Receiver records the platform's pushes for the whole run; nil when none runs.
	Receiver *receiver.Receiver
	// CallbackThresholds are the user's callback thresholds (none: the defaults,
	// assemble.DefaultCallbackThresholds, which are not checked when unmeasurable).
	CallbackThresholds []string
	// Manifest is the summary's manifest; Execute sets its End.
	Manifest reports.Manifest
	// Remote says the platform is not the embedded emulator: a platform that refused the
	// suite's credentials would refuse the load's too (each refusal brings the client IP
	// closer to a lockout), so the load is skipped; a load that could not check stops the
	// loads after it; the suite's warnings are printed (a lockout one is a run error); the
	// headline of a load carries its binding account.
	Remote bool
	// BeforeLoad, when set, readies the platform for the load after the suite (the embedded
	// emulator's reset) and returns the profile the loads use instead of their own (nil:
	// keep theirs).
	BeforeLoad func() *loadtest.Profile
	// Settle, when set, runs after the loads and before the receiver's final judgement: the
	// embedded emulator delivers what it still holds and returns what it lost; a remote
	// platform's calls get the receiver's settle time. A nil loss is "not known".
	Settle func(ctx context.Context) (*reports.EmulatorLoss, error)
	// Log receives the console lines of the run (nil: discarded).
	Log io.Writer
	// Progress receives every load's progress samples (nil: none).
	Progress func(loadtest.Progress)
	// Observer receives the run's events as they happen (an --out-json stream).
	Observer Observer
}

// Load is one load step of a plan.
type Load struct {
	// Name names the step in the report and its directory under load/.
	Name string
	// Title is the console header after "== load " (rate, duration, hold).
	Title string
	// Config is the load's configuration; Execute sets OutDir, Name, Progress and OnSecond,
	// and Profile when the plan's BeforeLoad returns one.
	Config loadtest.Config
	// Given says the thresholds are the user's (--threshold), not the step's defaults: one
	// the load cannot measure then fails instead of being not checked.
	Given bool
}

// Observer are the callbacks of a run's live events; any may be nil.
type Observer struct {
	// Scenarios receives the conformance section once the suite has run.
	Scenarios func(*reports.Conformance)
	// Second returns the per-second callback of the load named load (nil: none).
	Second func(load string) func(loadtest.LiveSecond)
	// Load receives each finished load's result (nil when the load failed to start).
	Load func(load string, res *loadtest.Result)
}

// Outcome is what a run produced: the summary (without baseline, scrubbing or verdict: the
// caller's) and why parts of it could not check the platform. Refused is true when that was
// the platform refusing our credentials: the suite's failures are then that refusal's.
type Outcome struct {
	Summary    *reports.Summary
	NotChecked []string
	Refused    bool
}

// Execute runs a plan: the conformance suite, each load in turn, then the callbacks the
// receiver recorded meanwhile, and returns the summary. A problem of one part (a suite that
// did not start, a load that failed) is a run error in the summary, not an error; the error
// is for what leaves no run to report (the run directory cannot be written).
func Execute(ctx context.Context, p Plan) (*Outcome, error) {
	log := p.Log
	if log == nil {
		log = io.Discard
	}
	for _, sub := range []string{assemble.ConformanceDir, assemble.LoadDir} {
		if err := os.RemoveAll(filepath.Join(p.Out, sub)); err != nil {
			return nil, err
		}
	}
	s := &reports.Summary{Manifest: p.Manifest}
	out := &Outcome{Summary: s}

	fmt.Fprintln(log, "== conformance")
	copts := p.Conformance
	copts.OutDir = filepath.Join(p.Out, assemble.ConformanceDir)
	copts.Output = log
	cres, err := conformance.Run(ctx, copts)
	RecordConformance(log, s, cres, err, p.Strict)
	if p.Observer.Scenarios != nil && s.Conformance != nil {
		p.Observer.Scenarios(s.Conformance)
	}
	if p.Remote && err == nil {
		if cres.CredentialsRefused != nil {
			out.Refused = true
			out.NotChecked = append(out.NotChecked, "conformance: "+cres.CredentialsRefused.Error())
		}
		for _, w := range cres.Warnings {
			fmt.Fprintf(log, "warning: %s\n", w)
			if cres.LockedOut {
				s.Errors = append(s.Errors, w)
			}
		}
	}

	if len(p.Loads) > 0 && ctx.Err() == nil && !out.Refused {
		runLoads(ctx, p, log, out)
	}

	if p.Receiver != nil {
		var loss *reports.EmulatorLoss
		if p.Settle != nil {
			if loss, err = p.Settle(ctx); err != nil {
				return nil, err
			}
		}
		// Final: the run is over, so calls still lacking notifications count as missing.
		rep := p.Receiver.Final()
		if err := rep.SaveReplays(p.Out); err != nil {
			return nil, err
		}
		if err := rundir.WriteJSON(filepath.Join(p.Out, assemble.ReceiverFile), rep); err != nil {
			return nil, err
		}
		s.Callbacks = assemble.Callbacks(rep, loss)
		exprs, given := p.CallbackThresholds, true
		if len(exprs) == 0 {
			exprs, given = assemble.DefaultCallbackThresholds, false
		}
		if err := assemble.JudgeCallbacks(s, &rep, exprs, given); err != nil {
			return nil, err
		}
	}
	s.Manifest.End = time.Now()
	return out, nil
}

// runLoads runs the plan's loads in order, adding each one's section, thresholds and errors
// to the summary. A load the platform refused is not checked, and ends the loads.
func runLoads(ctx context.Context, p Plan, log io.Writer, out *Outcome) {
	s := out.Summary
	var prof *loadtest.Profile
	if p.BeforeLoad != nil {
		prof = p.BeforeLoad()
	}
	for _, l := range p.Loads {
		if ctx.Err() != nil {
			return
		}
		fmt.Fprintf(log, "== load %s: %s\n", l.Name, l.Title)
		c := l.Config
		if prof != nil {
			c.Profile = prof
		}
		c.OutDir = filepath.Join(p.Out, assemble.LoadDir, l.Name)
		c.Name = l.Name
		c.Progress = p.Progress
		if p.Observer.Second != nil {
			c.OnSecond = p.Observer.Second(l.Name)
		}
		res, err := loadtest.Run(ctx, c)
		if p.Observer.Load != nil {
			p.Observer.Load(l.Name, res)
		}
		if err != nil {
			var ref *pns.CredentialsRefused
			if errors.As(err, &ref) {
				out.NotChecked = append(out.NotChecked, "load "+l.Name+": "+err.Error())
				return // the next load would only add refusals
			}
			s.Errors = append(s.Errors, "load "+l.Name+": "+err.Error())
			continue
		}
		ls := assemble.AppendLoad(s, res, l.Name, l.Name, l.Given)
		if p.Remote {
			// The headline the report shows: rates of the plan's arrivals, requests of every
			// interface (SentHits counts only the arrivals).
			fmt.Fprintf(log, "  %s; bindings: %d bound, %d unbound, %d removed by cleanup, %d leaked\n",
				ls.Headline(), res.Cleanup.Bound, res.Cleanup.Unbound, res.Cleanup.Retried, res.Cleanup.Leaked)
		} else {
			fmt.Fprintf(log, "  %s\n", ls.Headline())
		}
		if res.CouldNotCheck != "" {
			out.NotChecked = append(out.NotChecked, "load "+l.Name+": "+res.CouldNotCheck)
			if p.Remote {
				return
			}
		}
	}
}

// RecordConformance puts a conformance run's outcome into the run's summary and prints its
// console lines (the summary of states, what is not a pass with its reason, cleanup account):
// the same for the embedded and a remote run. Every leaked binding is a run error, so it
// fails the verdict; under strict so is every problem of Result.StrictProblems.
func RecordConformance(w io.Writer, s *reports.Summary, cres *conformance.Result, err error, strict bool) {
	if err != nil {
		s.Errors = append(s.Errors, "conformance: "+err.Error())
		return
	}
	if c, err := assemble.ConformanceOf(cres); err != nil {
		s.Errors = append(s.Errors, "conformance results: "+err.Error())
	} else {
		s.Conformance = c
	}
	fmt.Fprintf(w, "conformance: %s in %s\n", cres.Summary(), cres.Duration.Round(time.Millisecond))
	if err := cres.WriteStates(w); err != nil {
		s.Errors = append(s.Errors, "conformance: "+err.Error())
	}
	WriteCleanup(w, cres.Cleanup)
	if strict && WriteStrict(w, cres) {
		for _, p := range cres.StrictProblems() {
			s.Errors = append(s.Errors, "strict: "+p)
		}
	}
	s.Errors = append(s.Errors, LeakErrors(cres)...)
}

// LeakErrors are the run errors of the bindings a conformance run left on the platform, one
// per binding, named: a leak fails the verdict wherever the run is reported.
func LeakErrors(cres *conformance.Result) []string {
	var out []string
	for _, l := range cres.Cleanup.Leaked {
		out = append(out, fmt.Sprintf("conformance left %s binding %s (app %s, scenario %q) on the platform: %s", l.Mode, l.SubscriptionID, l.App, l.Scenario, l.Reason))
	}
	return out
}

// WriteStrict prints what certification (--strict) does not accept and reports whether there
// was any.
func WriteStrict(w io.Writer, res *conformance.Result) bool {
	probs := res.StrictProblems()
	if len(probs) == 0 {
		fmt.Fprintln(w, "strict: every applicable rule was checked and no known difference is stale")
		return false
	}
	fmt.Fprintf(w, "strict: FAIL, %d problems:\n", len(probs))
	for _, p := range probs {
		fmt.Fprintf(w, "STRICT %s\n", p)
	}
	return true
}

// WriteCleanup prints the exact cleanup account of a conformance run and names every binding
// left behind.
func WriteCleanup(w io.Writer, c conformance.CleanupReport) {
	fmt.Fprintf(w, "cleanup: %d bindings created, %d removed by cleanup, %d already unbound by their scenarios, %d leaked\n",
		c.Created, c.Removed, c.AlreadyGone, len(c.Leaked))
	for _, l := range c.Leaked {
		fmt.Fprintf(w, "LEAKED %s subscriptionId=%s app=%s (%s) scenario=%q: %s\n", l.Mode, l.SubscriptionID, l.App, l.AppKey, l.Scenario, l.Reason)
	}
}
