// Package assemble turns the results of the harness's parts (conformance run, load runs,
// callback receiver) into the renderer-independent reports.Summary. It is the only package
// that knows all of them, so that each part stays independent of the report format and the
// report format of each part.
package assemble

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/pns-harness/pns-harness/conformance/results"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
)

// File names inside a run directory, shared by `harness run` (which writes them) and
// `harness report` (which reads them back).
const (
	CucumberFile = results.CucumberFile
	CoverageFile = "coverage.json"
	ReceiverFile = "receiver.json"
	// ConformanceDir and LoadDir are the sub-directories of a run's output directory.
	ConformanceDir = "conformance"
	LoadDir        = "load"
)

// callbackOrder is the order of notification types in the report: call events in §7.4
// order, then fee records, X-number status and SMS (pns.NotificationTypes).
var callbackOrder = pns.NotificationTypeRanks()

// Callbacks builds the callback section from the receiver's report (take it with
// receiver.Final at the end of a run, so that calls still lacking notifications count as
// missing). Delays are those against the emulator's stated emission instants when the pushes
// carried them, else against the platform's timestamps (1 s resolution), else against the
// harness's trigger. loss is the emulator's own loss (nil when the platform was not the
// embedded emulator).
func Callbacks(rep receiver.Report, loss *reports.EmulatorLoss) *reports.Callbacks {
	cb := &reports.Callbacks{
		EmulatorLoss: loss,
		Counters: reports.CallbackCounters{
			Duplicate:       rep.Counters.Duplicates + rep.Counters.DuplicateEvents + rep.Counters.DuplicateFeeRecords + rep.Counters.DuplicateSMS,
			OutOfOrder:      rep.Counters.OutOfOrder,
			Late:            rep.Counters.Late,
			BadSignature:    rep.Counters.BadSignature,
			Invalid:         rep.Counters.Invalid,
			ClockSkew:       rep.Counters.ClockSkew,
			Orphan:          rep.Sessions.Orphan,
			AfterDisconnect: rep.Sessions.AfterDisconnect,
		},
		Unsettled: rep.Sessions.Unsettled,
	}
	if cb.Counters.Invalid == 0 {
		// A receiver.json of an older harness, which counted only schema violations.
		cb.Counters.Invalid = rep.Counters.SchemaInvalid
	}
	cb.Causes = causeRows(rep.Causes)
	if d := rep.Deliveries; d != nil {
		cb.Attempts = d.Attempts
		if f := d.FirstRepush; f != nil {
			cb.FirstRepush = &reports.RepushInterval{Count: f.Count, Min: f.Min, Mean: f.Mean, Max: f.Max, Contract: pns.RepushSchedule[0]}
		}
	}
	cb.Reference, cb.Resolution = delayReference(rep)
	if pc := rep.PlatformClock; pc != nil && cb.Reference == receiver.RefPlatform {
		cb.PlatformClock = &reports.ClockSpread{Samples: pc.Samples, Min: msDuration(pc.MinMs), Max: msDuration(pc.MaxMs)}
	}
	types := callbackTypes{}
	countByType(cb, rep, types)
	types.addDelays(rep, cb.Reference)
	cb.Events = types.sorted()
	cb.Problems = callbackProblems(rep)
	cb.Reproductions = CallbackReproductions(rep, "", "")
	return cb
}

// delayReference is the reference the receiver measured delays from, best first (the
// emulator's emission instant, the platform's timestamps, the trigger), and its resolution.
func delayReference(rep receiver.Report) (ref string, resolution time.Duration) {
	refs := map[string]bool{}
	for _, l := range rep.Latency {
		refs[l.Reference] = true
	}
	switch {
	case refs[receiver.RefEmulator]:
		return receiver.RefEmulator, time.Microsecond
	case refs[receiver.RefPlatform]:
		return receiver.RefPlatform, time.Second
	case refs[receiver.RefTrigger]:
		return receiver.RefTrigger, time.Microsecond
	}
	return "", 0
}

// callbackTypes are the report's rows of callback types, by type.
type callbackTypes map[string]*reports.CallbackType

// get is the row of type t, made when missing.
func (types callbackTypes) get(t string) *reports.CallbackType {
	ct := types[t]
	if ct == nil {
		ct = &reports.CallbackType{Event: t}
		types[t] = ct
	}
	return ct
}

// countByType fills the rows' expected, received and missing counts and cb's totals, from
// a receiver.json of any format, and says on what basis pushes are counted missing.
func countByType(cb *reports.Callbacks, rep receiver.Report, types callbackTypes) {
	var missing, typedDup, ofExpected int64
	// A receiver of format 3 or later counts the records about expected calls apart; for an
	// older one the split is unknown and stays nil.
	scoped := rep.Format >= 3
	for t, tc := range rep.ByType {
		typedDup += tc.Duplicate
		ct := types.get(t)
		ct.Expected, ct.Received, ct.Missing = tc.Expected, tc.Received, tc.Missing
		ct.TypeAnomalies = tc.TypeAnomalies
		if scoped {
			ct.ExpectedReceived = &tc.OfExpected
		}
		cb.Expected += tc.Expected
		cb.Received += tc.Received
		missing += tc.Missing
		ofExpected += tc.OfExpected
	}
	if scoped {
		other := cb.Received - ofExpected
		cb.ExpectedReceived, cb.OtherReceived = &ofExpected, &other
	}
	cb.Counters.Missing = missing
	if rep.Format >= 2 {
		// The receiver counts every duplicate once, in its type's row.
		cb.Counters.Duplicate = typedDup + rep.Counters.DuplicatesUntyped
	}
	if len(rep.ByType) == 0 {
		// A receiver.json of an older harness: sessions only.
		cb.Counters.Missing = rep.Sessions.Missing
		cb.Expected, cb.Received = rep.Counters.Expected, rep.Counters.Requests
	}
	switch {
	case rep.Counters.Expected > 0 || cb.Expected > 0:
		cb.MissingBasis = reports.MissingExpected
	case rep.Settle > 0 && rep.Sessions.Judged > 0: // calls all still unsettled judged nothing
		cb.MissingBasis = reports.MissingFromPushes
	default:
		cb.MissingBasis = reports.MissingUnknown
	}
}

// addDelays fills the rows' delay statistics, histograms and series measured from ref.
func (types callbackTypes) addDelays(rep receiver.Report, ref string) {
	for _, l := range rep.Latency {
		if l.Reference != ref {
			continue
		}
		ct := types.get(l.Type)
		ct.Count = l.Count
		ct.DroppedOnMerge = rep.MergeDropped[l.Reference+"/"+l.Type]
		ct.Latency = reports.Percentiles{P50: ms(l.P50Ms), P90: ms(l.P90Ms), P99: ms(l.P99Ms), P999: ms(l.P999Ms), Max: ms(l.MaxMs)}
		if h, err := l.Hist(); err == nil {
			ct.Histogram = logBuckets(h, "delay", int64(time.Microsecond))
		}
		for _, p := range l.Series {
			ct.Series = append(ct.Series, reports.CallbackPoint{T: time.Duration(p.AtS * float64(time.Second)),
				Count: p.Count, Mean: ms(p.MeanMs), Max: ms(p.MaxMs)})
		}
	}
}

// sorted is the rows in the order of a call's life (callbackOrder), unknown types last by
// name.
func (types callbackTypes) sorted() []reports.CallbackType {
	var events []reports.CallbackType
	for _, ct := range types {
		events = append(events, *ct)
	}
	sort.Slice(events, func(i, j int) bool {
		oi, iok := callbackOrder[events[i].Event]
		oj, jok := callbackOrder[events[j].Event]
		if iok != jok {
			return iok
		}
		if oi != oj {
			return oi < oj
		}
		return events[i].Event < events[j].Event
	})
	return events
}

// msDuration converts signed milliseconds.
func msDuration(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

// ReadReceiver reads a receiver.json written by `harness run` or `harness receive`.
func ReadReceiver(path string) (*receiver.Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rep receiver.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// The bodies of the pushes judged wrong lie next to this receiver.json: a report of
	// several directories (or written elsewhere) names them by an absolute path.
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	for _, rp := range rep.Replays() {
		if rp.BodyFile != "" && !filepath.IsAbs(filepath.FromSlash(rp.BodyFile)) {
			rp.BodyFile = filepath.Join(dir, filepath.FromSlash(rp.BodyFile))
		}
	}
	return &rep, nil
}

// causeRows turns the receiver's disconnect counts by stateCode into the report's cause
// table, with the contract's meaning of each code (pns.LookupHangupCause): codes in numeric
// order, then the disconnects without an integer stateCode.
func causeRows(causes map[string]int64) []reports.CallbackCause {
	var out []reports.CallbackCause
	for k, n := range causes {
		row := reports.CallbackCause{Code: k, Count: n}
		if code, err := strconv.Atoi(k); err == nil {
			if c, ok := pns.LookupHangupCause(code); ok {
				row.Listed, row.Group, row.Meaning = true, string(c.Group), c.Meaning
			}
		}
		out = append(out, row)
	}
	sort.Slice(out, func(i, j int) bool {
		a, aErr := strconv.Atoi(out[i].Code)
		b, bErr := strconv.Atoi(out[j].Code)
		switch {
		case aErr == nil && bErr == nil:
			return a < b
		case aErr == nil || bErr == nil:
			return aErr == nil
		}
		return out[i].Code < out[j].Code
	})
	return out
}
