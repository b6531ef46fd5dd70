// Command harness is the pns-harness CLI: an emulator of Huawei Cloud's Private Number
// Service, a conformance suite, a load generator and a report writer. This file is only the
// dispatcher and the conventions every subcommand shares (flags, help, exit codes, signals);
// each subcommand lives in its own file and registers itself in init.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// Exit codes shared by every subcommand (exitCodes documents them in every --help); exitFor
// decides between them.
const (
	exitOK            = 0
	exitFailed        = 1
	exitUsage         = 2
	exitCouldNotCheck = 3
	exitThreshold     = 99
	exitInterrupted   = 130
)

// exitCodes is the one exit-code table of the CLI, printed by every --help and by the
// generated docs/cli.md, in this order.
var exitCodes = []struct {
	Code    int
	Meaning string
}{
	{exitOK, "passed: everything ran and every check and threshold passed"},
	{exitFailed, "checks failed: a scenario, a schema check, a callback check, a binding left on the platform, or load requests that got no answer (wins over 3 and 99)"},
	{exitUsage, "usage or configuration error, refused before the first request: nothing was measured"},
	{exitCouldNotCheck, "could not check: target unreachable, credentials refused or client IP locked out; nothing or too little was measured to judge"},
	{exitThreshold, "a threshold was broken (the checks themselves passed)"},
	{exitInterrupted, "interrupted (SIGINT/SIGTERM) after cleanup; a second signal kills at once"},
}

// command is one subcommand: run gets the arguments after the subcommand name and the
// standard streams, and returns the process exit code.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

// register adds a subcommand; called from the init function of each subcommand's file.
func register(name, summary string, run func(args []string, stdout, stderr io.Writer) int) {
	commands[name] = command{summary: summary, run: run}
}

// interruptible adapts a subcommand whose work a signal cuts short: its ctx is cancelled by
// the first SIGINT or SIGTERM, the subcommand cleans up (unbinds, writes what it has) and the
// process exits with exitInterrupted. The first signal also restores the default handling, so
// that a second one kills the process at once.
func interruptible(run func(ctx context.Context, args []string, stdout, stderr io.Writer) int) func(args []string, stdout, stderr io.Writer) int {
	return signalled(run, true)
}

// untilSignal adapts a server subcommand (emulate, receive) for which a signal is the
// documented way to stop: it shuts down cleanly and returns its own exit code.
func untilSignal(run func(ctx context.Context, args []string, stdout, stderr io.Writer) int) func(args []string, stdout, stderr io.Writer) int {
	return signalled(run, false)
}

func signalled(run func(ctx context.Context, args []string, stdout, stderr io.Writer) int, interrupts bool) func(args []string, stdout, stderr io.Writer) int {
	return func(args []string, stdout, stderr io.Writer) int {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		go func() {
			<-ctx.Done()
			stop()
		}()
		code := run(ctx, args, stdout, stderr)
		if interrupts && ctx.Err() != nil && code != exitUsage {
			fmt.Fprintln(stderr, "harness: interrupted; cleaned up (exit 130)")
			return exitFor(verdict{interrupted: true})
		}
		return code
	}
}

// version is set at build time with -ldflags "-X main.version=..."; otherwise buildVersion
// reads the module version and VCS stamp the Go toolchain recorded.
var version = ""

func usage(w io.Writer) {
	fmt.Fprintf(w, "usage: harness <command> [flags] [arguments]\n\ncommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "  %-10s %s\n", "version", "print the harness version (module version and VCS revision)")
	fmt.Fprintf(w, "\nRun 'harness <command> --help' for the flags of a command.\n\n")
	writeExitCodes(w)
}

// writeExitCodes prints the exit-code table.
func writeExitCodes(w io.Writer) {
	fmt.Fprintf(w, "exit codes:\n")
	for _, e := range exitCodes {
		fmt.Fprintf(w, "  %-4d %s\n", e.Code, e.Meaning)
	}
}

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return c.run([]string{"--help"}, stdout, stderr)
			}
		}
		usage(stdout)
		return exitOK
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "harness", buildVersion())
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "harness: unknown command %q%s\nRun 'harness --help' for the list of commands.\n", args[0], suggest(args[0], commandNames()))
		return exitUsage
	}
	return c.run(args[1:], stdout, stderr)
}

func commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
