package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pipeline/rundir"
)

func init() {
	register("cleanup", "remove every binding a load or conformance run may have left on the platform, from the binding journal of its --out directory", interruptible(runCleanup))
}

func runCleanup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("cleanup", stdout, stderr)
	target := fs.String("target", "", "base `URL` of the platform (default: the one the journal names)")
	allowRemote := fs.Bool("allow-remote", false, "allow a target that is not loopback (also profile allowRemote: true)")
	tlsf := addTLSFlags(fs.FlagSet)
	profilePath := fs.String("profile", "", "profile YAML `file` of the load, for its apps and secrets (default: the embedded emulator's demo apps)")
	timeout := fs.Duration("timeout", loadtest.DefaultCleanupTimeout, "time budget of the cleanup of each directory")
	attempts := fs.Int("attempts", loadtest.DefaultCleanupAttempts, "tries per binding within the budget (with backoff and jitter)")
	rate := fs.Float64("rate", 0, "requests/s, halved whenever the platform throttles or fails (default: half the profile's flowControl, else its maxRate, else "+strconv.Itoa(loadtest.DefaultCleanupRate)+")")
	fs.describe("harness cleanup [flags] DIR...",
		"Removes every binding a load or conformance run may have left on the platform, from the\n"+
			"binding journal its --out directory holds (a `harness run` directory: its conformance/\n"+
			"and each load under load/). Bound bindings are unbound by subscriptionId; binds whose\n"+
			"answer was lost are looked up by the numbers they used. What it removes is journaled:\n"+
			"running it again retries only the rest. Exit 0 when nothing may be left, 1 when a\n"+
			"binding could not be removed or looked up (named).")
	if code, ok := parseFlags(fs, args, true); !ok {
		return code
	}
	if fs.NArg() == 0 {
		return fs.usageError("at least one directory is required")
	}
	if *timeout <= 0 || *attempts < 1 || *rate < 0 {
		return fs.usageError("--timeout and --attempts must be positive, --rate not negative")
	}
	dirs, err := rundir.JournalDirs(fs.Args())
	if err != nil {
		return fs.usageError("%v", err)
	}
	tlsConf, err := tlsf.config()
	if err != nil {
		return fs.usageError("%v", err)
	}
	prof := defaultLoadProfile()
	if *profilePath != "" {
		if prof, err = loadtest.LoadProfile(*profilePath); err != nil {
			return fs.usageError("%v", err)
		}
	}
	gate := loadtest.Gate{AllowRemote: *allowRemote || prof.AllowRemote, MaxRate: prof.MaxRate}
	left := false
	for _, d := range dirs {
		res, err := loadtest.CleanupDir(ctx, loadtest.CleanupConfig{Dir: d, Target: *target, Gate: gate, TLSConfig: tlsConf,
			Profile: prof, Timeout: *timeout, Attempts: *attempts, Rate: *rate})
		var ce *loadtest.ConfigError
		switch {
		case errors.As(err, &ce):
			fmt.Fprintf(stderr, "harness cleanup: %v\n", err)
			return exitUsage
		case err != nil:
			fmt.Fprintf(stderr, "harness cleanup: %s: %v\n", d, err)
			left = true
		}
		if res == nil {
			continue
		}
		if res.Ephemeral {
			fmt.Fprintf(stdout, "cleanup %s: its platform %s was its run's own embedded emulator, gone with the run: nothing can be left (%d binds journaled)\n", d, res.Target, res.Before.Binds)
			continue
		}
		c := res.Cleanup
		fmt.Fprintf(stdout, "cleanup %s on %s: journal: %d binds, %d bound and not removed, %d without an answer; removed %d (%d of them found by query), %d leaked, %d unknown\n",
			d, res.Target, res.Before.Binds, res.Before.Live, res.Before.Maybe, c.Retried, c.Bound, c.Leaked, c.Unknown)
		if p := c.Problem(); p != "" {
			fmt.Fprintf(stdout, "  %s\n", p)
			left = true
		}
		for _, e := range c.Errors {
			fmt.Fprintf(stdout, "  %s\n", e)
		}
	}
	v := verdict{interrupted: ctx.Err() != nil}
	if left {
		v.failed = 1
	}
	return exitFor(v)
}

// takeOverRunDir makes out, the --out directory of `harness run`, this run's: the journals an
// earlier run left in its conformance/ and load/* directories are about to be removed with
// them, so one that says bindings may still be on the platform refuses the run (a usage
// error: their IDs would be lost), unless cleanupFirst, which removes them first as `harness
// cleanup` would. Journals of a run on its own embedded emulator leave nothing to remove.
func takeOverRunDir(ctx context.Context, out string, cleanupFirst bool, cfg loadtest.CleanupConfig, stdout io.Writer) error {
	dirs, err := rundir.JournalDirs([]string{out})
	if err != nil {
		return nil // no journal: nothing an earlier run could have left
	}
	for _, d := range dirs {
		st, err := loadtest.ReadJournal(d)
		if err != nil {
			return usageError{fmt.Errorf("%s: an earlier run's binding journal cannot be read (%w): remove it once its bindings are known to be gone", d, err)}
		}
		n := st.Live + st.Maybe
		if st.Ephemeral || n == 0 {
			continue
		}
		if !cleanupFirst {
			return usageError{fmt.Errorf("%s: the binding journal of an earlier run says %d binding(s) may still be on the platform (%d bound, %d without an answer): run `harness cleanup %s` first, or run with --cleanup-first",
				d, n, st.Live, st.Maybe, out)}
		}
		c := cfg
		c.Dir = d
		res, err := loadtest.CleanupDir(ctx, c)
		if err != nil {
			return usageError{fmt.Errorf("cleanup of the earlier run in %s: %w", d, err)}
		}
		if p := res.Cleanup.Problem(); p != "" {
			return usageError{fmt.Errorf("cleanup of the earlier run in %s: %s", d, p)}
		}
		fmt.Fprintf(stdout, "removed %d binding(s) an earlier run in %s had left on the platform\n", res.Cleanup.Retried, d)
	}
	return nil
}
