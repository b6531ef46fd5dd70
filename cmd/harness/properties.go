package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"time"

	"github.com/pns-harness/pns-harness/conformance"
)

func init() {
	register("properties", "send generated numbers and enum values to every interface and check each is accepted or refused by its rule", interruptible(runProperties))
}

// runProperties implements `harness properties`: exit 0 when every generated value was
// answered as its rule says, 1 when one was not (or a binding was left), 2 for bad usage, 3
// when the target could not be reached.
func runProperties(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("properties", stdout, stderr)
	target := fs.String("target", "", "platform base URL; default: an embedded emulator on a free 127.0.0.1 port")
	profile := fs.String("profile", "", "profile YAML (apps, secrets or their env vars, X numbers, number blocks); default matches the embedded emulator")
	checks := fs.Int("checks", conformance.DefaultPropertyChecks, fmt.Sprintf("generated values per field (1-%d); a failure adds the requests that shrink it", conformance.MaxPropertyChecks))
	rate := fs.Float64("rate", 10, "requests per second to a --target at most (0 = no bound); the embedded emulator is not bounded")
	seed := fs.Uint64("seed", 0, "seed of the generated values, to repeat a run (0 = random, printed)")
	out := fs.String("out", "", "directory for properties.json (default: none)")
	tlsf := addTLSFlags(fs.FlagSet)
	fs.describe("harness properties [--target URL] [--profile FILE] [--checks N] [--rate R] [--seed S] [--out DIR]",
		"Sends generated values of every number field of every interface (AXB, AX and AXE bind,\n"+
			"modify, query and unbind, the AX temporary callee): well-formed numbers from the profile's\n"+
			"blocks and X numbers, and the same with one edit (a character deleted, inserted or replaced,\n"+
			"the prefix changed). Each answer is judged by the field's format and length in the request\n"+
			"schema: inside the rule accepted, outside refused. Then every enumerated field of every\n"+
			"bind and modify (callDirection, areaMatchMode, recordFlag, privateSms, turnFlag, timeUnit,\n"+
			"the display modes, privateNumType): each listed value must be accepted, near misses\n"+
			"(another case, a blank or digit added, a character lost, another JSON type, neighbouring\n"+
			"integers) refused. A failure is shrunk to the smallest request that still breaks the rule\n"+
			"and printed with the rule and the answer. On a platform that is not the emulator, answers\n"+
			"that differ only from an emulator decision (the exact code and description, number syntax\n"+
			"the documentation does not show, JSON booleans, display mode \"1\") are listed and do not\n"+
			"fail the run, and each field names the parts it did not check. Every binding created is\n"+
			"removed again.")
	if code, ok := parseFlags(fs, args, false); !ok {
		return code
	}
	if *checks < 1 || *checks > conformance.MaxPropertyChecks {
		return fs.usageError("--checks %d: want 1-%d", *checks, conformance.MaxPropertyChecks)
	}
	if *rate < 0 {
		return fs.usageError("--rate %g: want 0 or more requests per second", *rate)
	}
	o := conformance.PropertyOptions{Target: *target, Checks: *checks, Seed: *seed, Rate: *rate}
	if *profile != "" {
		p, err := conformance.LoadProfile(*profile)
		if err != nil {
			fmt.Fprintf(stderr, "harness properties: %v\n", err)
			return exitUsage
		}
		o.Profile, o.ProfileFile = p, *profile
		if o.Target == "" {
			o.Target = p.Target
		}
	}
	hc, _, err := tlsf.client(30 * time.Second)
	if err != nil {
		return fs.usageError("%v", err)
	}
	o.HTTPClient = hc
	if o.Target == "" {
		url, stop, err := conformance.StartEmulator()
		if err != nil {
			fmt.Fprintf(stderr, "harness properties: %v\n", err)
			return exitUsage
		}
		defer stop()
		o.Target, o.Profile, o.Rate = url, conformance.EmulatorProfile(), 0
		fmt.Fprintf(stdout, "target: embedded emulator\n")
	} else {
		fmt.Fprintf(stdout, "target: %s\n", o.Target)
		if err := preflight(ctx, hc, o.Target); err != nil {
			if ctx.Err() != nil {
				return exitFor(verdict{interrupted: true})
			}
			fmt.Fprintf(stderr, "harness properties: %v\n", err)
			return exitFor(targetVerdict(err))
		}
	}
	if o.Profile == nil {
		o.Profile = conformance.DefaultProfile()
	}
	rep, err := conformance.RunProperties(ctx, o)
	if rep == nil { // refused before the first request: the options or the profile
		fmt.Fprintf(stderr, "harness properties: %v\n", err)
		return exitUsage
	}
	writeProperties(stdout, rep)
	if err != nil {
		if ctx.Err() != nil {
			return exitFor(verdict{interrupted: true})
		}
		fmt.Fprintf(stderr, "harness properties: %v\n", err)
		return exitFor(verdict{couldNotCheck: err.Error(), failed: len(rep.Cleanup)})
	}
	if *out != "" {
		if err := writePropertiesJSON(*out, rep); err != nil {
			fmt.Fprintf(stderr, "harness properties: %v\n", err)
			return exitUsage
		}
	}
	v := verdict{failed: len(rep.Failed()) + len(rep.Cleanup)}
	if n := unchecked(rep); n > 0 {
		v.couldNotCheck = fmt.Sprintf("%d fields got no judged answer (flow control): lower --rate", n)
		fmt.Fprintf(stderr, "harness properties: %s\n", v.couldNotCheck)
	}
	return exitFor(v)
}

// unchecked counts the fields of which no value was judged: every answer was flow control.
func unchecked(rep *conformance.PropertyReport) int {
	n := 0
	for _, r := range rep.Results {
		if r.Checks == 0 && r.Failure == nil && r.Unjudged > 0 {
			n++
		}
	}
	return n
}

// writeProperties prints one line per field, each failure with its shrunk request, each answer
// that differs from an emulator decision, and the bindings that could not be removed.
func writeProperties(w io.Writer, rep *conformance.PropertyReport) {
	for _, r := range rep.Results {
		status := "ok  "
		switch {
		case r.Failure != nil:
			status = "FAIL"
		case r.Checks == 0:
			status = "SKIP"
		}
		fmt.Fprintf(w, "%s %-11s %-14s %d requests; rule %s\n", status, r.Interface, r.Field, r.Checks, r.Rule)
		if f := r.Failure; f != nil {
			fmt.Fprintf(w, "     smallest failing value %s: want %s%s\n     sent %s\n     answer %s\n", shownValue(r, f), f.Want, decisionNote(f.Decision), f.Request, f.Answer)
			if f.Reproduce != "" {
				fmt.Fprintf(w, "     reproduce: %s\n", f.Reproduce)
			}
		}
		for _, d := range r.Differs {
			fmt.Fprintf(w, "     differs from the emulator's decision %s: %s: want %s; answer %s\n", d.Decision, shownValue(r, &d), d.Want, d.Answer)
		}
		for _, n := range r.NotChecked {
			fmt.Fprintf(w, "     not checked: %s\n", n)
		}
		if r.Unjudged > 0 {
			fmt.Fprintf(w, "     not judged: %d values answered with flow control (1010010, D11) after %d retries\n", r.Unjudged, conformance.PropertyThrottleRetries)
		}
	}
	for _, l := range rep.Cleanup {
		fmt.Fprintf(w, "LEAKED %s\n", l)
	}
	throttled := ""
	if rep.Throttled > 0 {
		throttled = fmt.Sprintf(", %d answered with flow control", rep.Throttled)
	}
	fmt.Fprintf(w, "\n%d fields, %d failed, %d requests%s (seed %d)\n", len(rep.Results), len(rep.Failed()), rep.Requests, throttled, rep.Seed)
}

// shownValue prints a generated value as it travelled: an enum value is already JSON text (its
// type is part of the rule), a number is quoted.
func shownValue(r conformance.PropertyResult, f *conformance.PropertyFailure) string {
	if r.Kind == conformance.PropertyEnum {
		return f.Value
	}
	return strconv.Quote(f.Value)
}

func decisionNote(d string) string {
	if d == "" {
		return ""
	}
	return " (the emulator's decision " + d + ")"
}

// writePropertiesJSON writes properties.json into dir, as every result file is written.
func writePropertiesJSON(dir string, rep *conformance.PropertyReport) error {
	return writeJSONFile(filepath.Join(dir, "properties.json"), rep)
}
