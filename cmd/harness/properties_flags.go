package main

import (
	"fmt"
	"io"
	"time"

	"github.com/pns-harness/pns-harness/conformance"
)

// propertiesFlags are the parsed flags of `harness properties`.
type propertiesFlags struct {
	target, profile, out string
	checks               int
	rate                 float64
	seed                 uint64
	tlsf                 *tlsFlags
}

// newPropertiesFlags defines the flags of `harness properties` on a new flag set, filling f.
func newPropertiesFlags(f *propertiesFlags, stdout, stderr io.Writer) *flagSet {
	fs := newFlagSet("properties", stdout, stderr)
	fs.StringVar(&f.target, "target", "", "platform base URL; default: an embedded emulator on a free 127.0.0.1 port")
	fs.StringVar(&f.profile, "profile", "", "profile YAML (apps, secrets or their env vars, X numbers, number blocks); default matches the embedded emulator")
	fs.IntVar(&f.checks, "checks", conformance.DefaultPropertyChecks, fmt.Sprintf("generated values per field (1-%d); a failure adds the requests that shrink it", conformance.MaxPropertyChecks))
	fs.Float64Var(&f.rate, "rate", 10, "requests per second to a --target at most (0 = no bound); the embedded emulator is not bounded")
	fs.Uint64Var(&f.seed, "seed", 0, "seed of the generated values, to repeat a run (0 = random, printed)")
	fs.StringVar(&f.out, "out", "", "directory for properties.json (default: none)")
	f.tlsf = addTLSFlags(fs.FlagSet)
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
	return fs
}

// options checks the flags and resolves them into the run's options (the profile, the HTTP
// client). When ok is false the command exits with code (a usage error, printed).
func (f *propertiesFlags) options(fs *flagSet, stderr io.Writer) (o conformance.PropertyOptions, code int, ok bool) {
	if f.checks < 1 || f.checks > conformance.MaxPropertyChecks {
		return o, fs.usageError("--checks %d: want 1-%d", f.checks, conformance.MaxPropertyChecks), false
	}
	if f.rate < 0 {
		return o, fs.usageError("--rate %g: want 0 or more requests per second", f.rate), false
	}
	o = conformance.PropertyOptions{Target: f.target, Checks: f.checks, Seed: f.seed, Rate: f.rate}
	var err error
	if o.Profile, o.Target, err = profileAndTarget(f.profile, f.target); err != nil {
		fmt.Fprintf(stderr, "harness properties: %v\n", err)
		return o, exitUsage, false
	}
	o.ProfileFile = f.profile
	hc, _, err := f.tlsf.client(30 * time.Second)
	if err != nil {
		return o, fs.usageError("%v", err), false
	}
	o.HTTPClient = hc
	return o, 0, true
}
