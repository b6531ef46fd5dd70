package assemble

import (
	"fmt"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
)

// This file turns what the receiver judged wrong into the callback section's problems and
// their replays (curl commands). It was split from assemble.go (issue 23) so that the
// section's counts (assemble.go) read apart from its evidence.

// CallbackReproductions renders the replays of the pushes the receiver judged wrong (bad
// signatures, schema violations, duplicated bodies, as in Callbacks.Problems) and of the
// calls it judged wrong, at most
// reports.MaxCallbackProblems. dir is the directory holding receiver.json and its pushes ("":
// the body files are named relative to it); profileFile names the profile whose apps sign a
// fresh header ("": the built-in profiles).
func CallbackReproductions(rep receiver.Report, dir, profileFile string) []reports.CallbackReproduction {
	var out []reports.CallbackReproduction
	add := func(check, problem string, rp *receiver.Replay) {
		if c := rp.Curl(dir, profileFile); c != "" && len(out) < reports.MaxCallbackProblems {
			out = append(out, reports.CallbackReproduction{Check: check, Problem: problem, Curl: c})
		}
	}
	for _, b := range rep.BadSignatures {
		add("badSignature", badSignatureProblem(b), b.Replay)
	}
	for _, v := range rep.Violations {
		add("schemaInvalid", violationProblem(v), v.Replay)
	}
	for _, d := range rep.Duplicates {
		add("duplicate", duplicateProblem(d), d.Replay)
	}
	for _, f := range rep.Failures {
		if len(out) >= reports.MaxCallbackProblems {
			break
		}
		r := reports.CallbackReproduction{Check: sessionCheck(f.Problems), Problem: sessionProblem(f)}
		if f.Trigger != nil {
			r.Curl = f.Trigger.Curl(profileFile)
		} else {
			r.NotReproducible = receiver.NotOurCall
		}
		out = append(out, r)
	}
	return out
}

// sessionCheck is the callback check a call's problems fail (the first of them that fails
// one), "" when none does (e.g. only late).
func sessionCheck(problems []string) string {
	for _, p := range problems {
		switch {
		case strings.HasPrefix(p, "missing"):
			return "missing"
		case strings.HasPrefix(p, "duplicate"):
			return "duplicate"
		case p == "orphan-fee":
			return "orphanFee"
		case p == "event-after-disconnect":
			return "afterDisconnect"
		}
	}
	return ""
}

// sessionProblem is the Problems line of a call with problems.
func sessionProblem(f receiver.SessionDetail) string {
	return fmt.Sprintf("call %s: %s", f.SessionID, strings.Join(f.Problems, ", "))
}

// badSignatureProblem is the Problems line of a bad signature.
func badSignatureProblem(b receiver.BadSignatureSample) string {
	why := ""
	if b.Reason != "" {
		why = " (" + b.Reason + ")"
	}
	return fmt.Sprintf("bad signature%s: app %q scheme %q, arrived %s after the receiver started", why, b.AppKey, b.Scheme, b.Arrived.Round(time.Millisecond))
}

// violationProblem is the Problems line of a schema violation.
func violationProblem(v receiver.ViolationSample) string {
	msg := "invalid " + v.Kind
	if v.EventType != "" {
		msg += " " + v.EventType
	}
	if len(v.Violations) > 0 {
		msg += ": " + v.Violations[0]
	}
	return msg
}

// duplicateProblem is the Problems line of a body delivered again after it was accepted.
func duplicateProblem(d receiver.DuplicateSample) string {
	what := d.Kind
	if d.EventType != "" {
		what += " " + d.EventType
	}
	return fmt.Sprintf("duplicate %s: the same body delivered again after it was accepted, %s after the receiver started", what, d.Arrived.Round(time.Millisecond))
}

// callbackProblems lists individual anomalies for the report: sessions with problems, bad
// signatures, schema violations and duplicated bodies, at most reports.MaxCallbackProblems.
func callbackProblems(rep receiver.Report) []string {
	var out []string
	add := func(s string) bool {
		if len(out) >= reports.MaxCallbackProblems {
			return false
		}
		out = append(out, s)
		return true
	}
	for _, b := range rep.BadSignatures {
		if !add(badSignatureProblem(b)) {
			return out
		}
	}
	for _, v := range rep.Violations {
		if !add(violationProblem(v)) {
			return out
		}
	}
	for _, d := range rep.Duplicates {
		if !add(duplicateProblem(d)) {
			return out
		}
	}
	for _, f := range rep.Failures {
		if !add(sessionProblem(f)) {
			return out
		}
	}
	return out
}
