package main

import (
	"context"
	"fmt"
	"io"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/features"
)

func init() {
	register("conform", "run the Gherkin conformance suite against the emulator or a PNS platform", interruptible(runConform))
}

// runConform implements `harness conform`: exit 0 when every scenario passed, 1 when one
// failed, 2 for bad usage or configuration.
func runConform(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("conform", stdout, stderr)
	target := fs.String("target", "", "platform base URL; default: an embedded emulator on a free 127.0.0.1 port")
	profile := fs.String("profile", "", "profile YAML (apps, secrets or their env vars, X numbers, number blocks); default matches the embedded emulator")
	tags := fs.String("tags", "", "godog tag expression, e.g. '@axb.bind && ~@emulator' (',' = or, '&&' = and, '~' = not)")
	out := fs.String("out", "conformance-report", "directory for cucumber.json, junit.xml, coverage.json and conformance.json")
	format := fs.String("format", "progress", "console format: progress or pretty")
	concurrency := fs.Int("concurrency", 1, "scenarios run in parallel")
	seed := fs.Int64("randomize", 0, "shuffle scenarios with this seed (-1 = random, 0 = file order)")
	emu := fs.Bool("emulator", false, "treat the target as the pns-harness emulator (runs @emulator scenarios) even if the profile says otherwise")
	coverage := fs.Bool("coverage", true, "print the coverage table")
	list := fs.Bool("list", false, "list every tag with the number of scenarios carrying it (among those --tags selects) and exit without running")
	fs.describe("harness conform [--target URL] [--profile FILE] [--tags EXPR] [--out DIR] [--list]",
		"Runs the Gherkin conformance suite: every interface's parameter rules, result codes and\n"+
			"response and callback schemas. Without --target it starts an embedded emulator.")
	if code, ok := parseFlags(fs, args, false); !ok {
		return code
	}
	if *format != "progress" && *format != "pretty" {
		return fs.usageError("--format %q: want progress or pretty", *format)
	}
	if err := conformance.ValidateTags(*tags); err != nil {
		return fs.usageError("--tags: %v", err)
	}
	selected, err := conformance.Select(features.FS, *tags)
	if err != nil {
		fmt.Fprintf(stderr, "harness conform: %v\n", err)
		return exitUsage
	}
	if *list {
		if err := conformance.WriteTagList(stdout, selected); err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	opts := conformance.Options{
		Target: *target, Tags: *tags, OutDir: *out, Emulator: *emu, Output: stdout,
		Format: *format, Concurrency: *concurrency, Randomize: *seed,
	}
	if *profile != "" {
		p, err := conformance.LoadProfile(*profile)
		if err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
			return exitUsage
		}
		opts.Profile = p
		if opts.Target == "" {
			opts.Target = p.Target
		}
	}
	if opts.Target == "" {
		fmt.Fprintf(stdout, "target: embedded emulator\n")
	} else {
		fmt.Fprintf(stdout, "target: %s\n", opts.Target)
	}
	res, err := conformance.Run(ctx, opts)
	if err != nil {
		if ctx.Err() != nil {
			return exitInterrupted
		}
		fmt.Fprintf(stderr, "harness conform: %v\n", err)
		return exitUsage
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "harness conform: warning: %s\n", w)
	}
	if *coverage && res.Coverage != nil {
		fmt.Fprintln(stdout)
		if err := res.Coverage.WriteTable(stdout); err != nil {
			fmt.Fprintf(stderr, "harness conform: %v\n", err)
		}
	}
	fmt.Fprintf(stdout, "\n%d scenarios: %d passed, %d failed, %d skipped in %s; reports in %s\n",
		len(res.Scenarios), res.Passed, res.Failed, res.Skipped, res.Duration.Round(1e6), *out)
	for _, k := range res.FailedKeys() {
		fmt.Fprintf(stdout, "FAILED %s\n", k)
	}
	switch res.Status {
	case 0:
		return exitOK
	case 2:
		return exitUsage
	default:
		return exitFailed
	}
}
