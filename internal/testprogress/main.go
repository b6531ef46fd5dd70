// Command testprogress runs `go test -json ...` and prints what a contributor waiting for the
// suite needs: one line per finished package, the whole output of every failed test, a status
// line at a fixed interval naming the tests still running and for how long (so no package is
// silent for minutes), and at the end the slowest tests. It exits with the exit code of the
// command it ran, so that `make test` fails exactly when `go test` fails.
//
// Usage:
//
//	testprogress [-every 20s] [-slowest 10] -- go test -json [flags] [packages]
//
// Lines of the command's standard output that are not test2json events (a build error, a
// panic outside a test) are copied through unchanged; its standard error is passed through.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

// exitUsage is the exit code of a bad command line (the harness's convention for
// configuration errors).
const exitUsage = 2

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run parses args, runs the command they name and returns the exit code to exit with.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("testprogress", flag.ContinueOnError)
	fs.SetOutput(stderr)
	every := fs.Duration("every", 20*time.Second, "print the tests still running at this interval (at most 30s keeps CI logs alive)")
	slowest := fs.Int("slowest", 10, "list this many slowest tests at the end (0 = none)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: testprogress [-every 20s] [-slowest 10] -- go test -json [flags] [packages]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "testprogress: no command to run; give it after --, e.g. -- go test -json ./...")
		return exitUsage
	}
	if *every <= 0 || *slowest < 0 {
		fmt.Fprintln(stderr, "testprogress: -every must be positive and -slowest not negative")
		return exitUsage
	}

	cmd := exec.Command(fs.Arg(0), fs.Args()[1:]...)
	cmd.Stderr = stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintf(stderr, "testprogress: %v\n", err)
		return 1
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "testprogress: %v\n", err)
		return 1
	}
	// Ctrl-C reaches the whole process group (go test stops by itself); the printer keeps
	// reading until the command has written its last line, so it only must not die first.
	signal.Ignore(syscall.SIGINT)

	p := newPrinter(stdout, start)
	follow(pipe, p, *every, stderr)
	waitErr := cmd.Wait()
	p.finish(time.Now(), *slowest)
	return exitCode(waitErr, stderr)
}

// follow prints the command's test events from pipe as they come and, every interval, the
// tests still running, until the command's output ends.
func follow(pipe io.Reader, p *printer, every time.Duration, stderr io.Writer) {
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
		for sc.Scan() {
			lines <- sc.Text()
		}
		readErr <- sc.Err()
		close(lines)
	}()

	tick := time.NewTicker(every)
	defer tick.Stop()
	for done := false; !done; {
		select {
		case l, ok := <-lines:
			if !ok {
				done = true
				break
			}
			p.line(l, time.Now())
		case now := <-tick.C:
			p.status(now)
		}
	}
	if err := <-readErr; err != nil {
		// Drain what is left so that the command never blocks on a full pipe.
		_, _ = io.Copy(io.Discard, pipe)
		fmt.Fprintf(stderr, "testprogress: reading the command's output: %v\n", err)
	}
}

// exitCode is the exit code of the command that ended with waitErr: its own, 1 when a signal
// killed it or it could not be waited for.
func exitCode(waitErr error, stderr io.Writer) int {
	var ee *exec.ExitError
	switch {
	case waitErr == nil:
		return 0
	case errors.As(waitErr, &ee):
		if code := ee.ExitCode(); code > 0 {
			return code
		}
		return 1 // killed by a signal
	default:
		fmt.Fprintf(stderr, "testprogress: %v\n", waitErr)
		return 1
	}
}
