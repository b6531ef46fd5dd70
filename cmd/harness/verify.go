package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/profile"
)

func init() {
	register("verify", "re-check a certification bundle written by harness run --strict: every file's hash and the verdict recomputed from the raw results", interruptible(runVerify))
}

// runVerify implements `harness verify DIR`: exit 0 only when every hash agrees with the
// manifest and the verdict recomputed from the raw results is the recorded PASS.
func runVerify(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("verify", stdout, stderr)
	fs.describe("harness verify DIR",
		"Re-checks the certification bundle DIR (the --out directory of harness run --strict): the\n"+
			"SHA-256 of every file against certification.json, the suite and contract hashes against this\n"+
			"harness, and the verdict recomputed from the raw results (conformance/conformance.json) by the\n"+
			"certification rules against the recorded one. Exit 0 only when all agree and the verdict is PASS.")
	if code, ok := parseFlags(fs, args, true); !ok {
		return code
	}
	if fs.NArg() != 1 {
		return fs.usageError("one bundle directory is required")
	}
	v, err := conformance.Verify(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "harness verify: %v\n", err)
		if errors.Is(err, conformance.ErrNoCertification) {
			return exitUsage
		}
		return exitFailed
	}
	c := v.Recorded
	fmt.Fprintf(stdout, "bundle %s: harness %s, target %s, seed %d, %d files\n", fs.Arg(0), c.HarnessVersion, c.Target, c.Seed, len(c.Files))
	for _, m := range v.Mismatches {
		fmt.Fprintf(stdout, "MISMATCH %s\n", m)
	}
	for _, p := range v.Problems {
		fmt.Fprintf(stdout, "PROBLEM %s\n", p)
	}
	switch {
	case len(v.Mismatches) > 0:
		fmt.Fprintf(stdout, "verify: FAIL, the bundle does not agree with itself (%d mismatches)\n", len(v.Mismatches))
		return exitFailed
	case v.Verdict != "PASS":
		fmt.Fprintf(stdout, "verify: the bundle agrees with itself; its verdict is %s (%d problems)\n", v.Verdict, len(v.Problems))
		return exitFailed
	}
	fmt.Fprintln(stdout, "verify: PASS, every hash agrees and the recomputed verdict is the recorded PASS")
	return exitOK
}

// writeCertification makes the --out directory of a strict run a certification bundle.
func writeCertification(o runOptions, prof *profile.Profile) (*conformance.Certification, error) {
	return conformance.Certify(o.out, path.Join(assemble.ConformanceDir, conformance.ResultsFile), conformance.Certification{
		HarnessVersion: buildVersion(), Target: o.remote.target, Seed: o.seed, Tags: o.tags, Profile: prof, Known: o.known,
	})
}
