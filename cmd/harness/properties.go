package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"github.com/pns-harness/pns-harness/conformance"
)

func init() {
	register("properties", "send generated numbers and enum values to every interface and check each is accepted or refused by its rule", interruptible(runProperties))
}

// runProperties implements `harness properties`: exit 0 when every generated value was
// answered as its rule says, 1 when one was not (or a binding was left), 2 for bad usage, 3
// when the target could not be reached.
func runProperties(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var f propertiesFlags
	fs := newPropertiesFlags(&f, stdout, stderr)
	if code, ok := parseFlags(fs, args, false); !ok {
		return code
	}
	o, code, ok := f.options(fs, stderr)
	if !ok {
		return code
	}
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
		if err := preflight(ctx, o.HTTPClient, o.Target); err != nil {
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
	if f.out != "" {
		if err := writePropertiesJSON(f.out, rep); err != nil {
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
