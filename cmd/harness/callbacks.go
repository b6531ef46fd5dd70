package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
)

// defaultLateAfter is the --late-after of every subcommand that receives pushes.
const defaultLateAfter = 5 * time.Second

// callbackFlags are the receiver flags shared by `harness receive`, `harness run` (with or
// without --target) and `harness load` (calls scenario), so that each judges pushes alike.
type callbackFlags struct {
	lateAfter time.Duration
	settle    time.Duration
	noFee     bool
	noEvents  bool
	// thresholds holds the callback thresholds of `harness receive` (Callback).
	thresholds loadtest.ThresholdSet
}

// addCallbackFlags registers the shared receiver flags. withThreshold adds --threshold for
// callback metrics only (`harness receive`; run and load route callback.… thresholds of their
// own --threshold here).
func addCallbackFlags(fs *flagSet, cf *callbackFlags, withThreshold bool) {
	fs.DurationVar(&cf.lateAfter, "late-after", defaultLateAfter, "count a push as late when it arrives this long after its emission (its platform timestamp, 1 s resolution, or the emulator's stated instant)")
	fs.DurationVar(&cf.settle, "settle", 0, "judge each call from its own pushes once nothing arrived about it for this long: missing callin, answer, disconnect or fee record, orphan fee records, events after the disconnect (default: the first re-push interval of §7.6, 1m, plus --late-after; calls younger than that at the end are reported unsettled, not judged)")
	fs.BoolVar(&cf.noFee, "no-fee-url", false, "the platform's apps have no fee URL: a finished call needs no fee record")
	fs.BoolVar(&cf.noEvents, "no-event-url", false, "the platform's apps have no call-status URL: fee records need no call events")
	if withThreshold {
		fs.Func("threshold", "callback threshold (repeatable), e.g. 'callback.fee.p95<2s' or 'callback.missing==0'; replaces the defaults "+strings.Join(assemble.DefaultCallbackThresholds, ", "), cf.thresholds.AddCallback)
	}
}

// check refuses impossible values before anything starts.
func (cf *callbackFlags) check() error {
	if cf.lateAfter < 0 {
		return fmt.Errorf("--late-after must not be negative")
	}
	if cf.settle < 0 {
		return fmt.Errorf("--settle must not be negative")
	}
	if cf.noFee && cf.noEvents {
		return fmt.Errorf("--no-fee-url and --no-event-url together leave no call to judge")
	}
	return nil
}

// settleTime is --settle, or its default: a notification whose first delivery failed arrives
// with the platform's first re-push (§7.6), give or take the late allowance.
func (cf *callbackFlags) settleTime() time.Duration {
	if cf.settle > 0 {
		return cf.settle
	}
	return pns.RepushSchedule[0] + cf.lateAfter
}

// apply sets the judging options of a receiver from the flags.
func (cf *callbackFlags) apply(o *receiver.Options) {
	o.LateAfter = cf.lateAfter
	o.Settle = cf.settleTime()
	o.NoFee, o.NoEvents = cf.noFee, cf.noEvents
}

// callbackThresholds evaluates the given callback thresholds, else the defaults: a default
// that cannot be measured is not checked, a given one fails (reports.Threshold.Unmeasured).
func callbackThresholds(cb *reports.Callbacks, rep *receiver.Report, given []string) ([]reports.Threshold, error) {
	if len(given) > 0 {
		return assemble.CallbackThresholds(cb, rep, given, true)
	}
	return assemble.CallbackThresholds(cb, rep, assemble.DefaultCallbackThresholds, false)
}

// waitSettled lets the calls still in progress at the end of a run settle (at most the settle
// time), so that the final judgement covers them; ctx ends it early.
func waitSettled(ctx context.Context, rcv *receiver.Receiver) {
	_ = rcv.WaitSettled(ctx)
}

// callbackVerdict prints the callback section and its thresholds and returns the callbacks'
// verdict: anomalies that fail a run by themselves are failed checks, then the broken
// thresholds (exitFor decides the exit code).
func callbackVerdict(w io.Writer, cb *reports.Callbacks, ths []reports.Threshold) verdict {
	for _, l := range cb.Lines() {
		fmt.Fprintln(w, l)
	}
	v := verdict{failed: len(cb.Failures())}
	for _, t := range ths {
		status := "ok  "
		switch t.State() {
		case reports.ThresholdFailed:
			status = "FAIL"
			v.thresholds++
		case reports.ThresholdNotChecked:
			status = "not checked"
		}
		line := fmt.Sprintf("  %s %s (observed %s)", status, t.Expression, t.ObservedString())
		if t.NotChecked {
			line = fmt.Sprintf("  %s %s", status, t.Expression) // nothing was observed
		}
		if t.Message != "" {
			line += ": " + t.Message
		}
		fmt.Fprintln(w, line)
	}
	printCallbackProblems(w, cb)
	return v
}
