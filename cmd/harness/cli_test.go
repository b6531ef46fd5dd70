package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/pns-harness/pns-harness/loadtest"
)

// Every subcommand's --help goes to stdout, exits 0 and shows the one exit-code table.
func TestCLIHelpEverySubcommand(t *testing.T) {
	t.Parallel()
	names := append(commandNames(), "")
	for _, name := range names {
		t.Run("help "+name, func(t *testing.T) {
			args := []string{"--help"}
			if name != "" {
				args = []string{name, "--help"}
			}
			code, stdout, stderr := runHarness(t, nil, args...)
			if code != exitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			for _, e := range exitCodes {
				if !strings.Contains(stdout, e.Meaning) {
					t.Errorf("--help lacks exit code %d (%s):\n%s", e.Code, e.Meaning, stdout)
				}
			}
			if name != "" && !strings.HasPrefix(stdout, "usage: harness "+name) {
				t.Errorf("--help does not start with the synopsis:\n%s", stdout)
			}
		})
	}
}

// Usage errors are one line plus the pointer to --help, and exit 2, on every subcommand.
func TestCLIUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"load", "--duration", "5"}, "harness load: --duration \"5\": want a duration such as 500ms, 5s or 2m; did you mean 5s?\n"},
		{[]string{"load", "--target", "http://127.0.0.1:1", "--rate", "1", "--duration", "1s", "--scenario", "bad"}, "harness load: --scenario \"bad\": unknown scenario"},
		{[]string{"load", "--target", "http://127.0.0.1:1", "--rate", "1", "--duration", "1s", "--scenario", "bind-unbnd"}, "did you mean bind-unbind?"},
		{[]string{"run", "--load-duraton", "1s"}, "harness run: unknown flag --load-duraton; did you mean --load-duration?\n"},
		{[]string{"emulate", "--listen"}, "harness emulate: --listen needs a value\n"},
		{[]string{"receive", "stray"}, "harness receive: unexpected argument \"stray\""},
		{[]string{"conform", "--format", "html"}, "harness conform: --format \"html\": want progress or pretty\n"},
		{[]string{"report"}, "harness report: at least one result directory is required\n"},
		{[]string{"calibrate", "--rate", "many"}, "harness calibrate: --rate \"many\": not a valid value\n"},
		{[]string{"lod"}, "harness: unknown command \"lod\"; did you mean load?\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runHarness(t, nil, tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
			if lines := strings.Count(stderr, "\n"); lines > 2 {
				t.Errorf("a usage error is one line and the pointer to --help, got %d lines:\n%s", lines, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
}

// Flags after a positional argument are parsed, not taken as result directories.
func TestCLIFlagsAfterPositionals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	res := filepath.Join(dir, "conform")
	b, err := os.ReadFile(filepath.Join("..", "..", "reports", "testdata", "cucumber.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(res, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(res, "cucumber.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, _, stderr := runHarness(t, nil, "report", res, "--out", out)
	if code != exitOK && code != exitFailed {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Fatalf("--out after the directory was not applied: %v (stderr %s)", err, stderr)
	}
}

var reListening = regexp.MustCompile(`url=(http://127\.0\.0\.1:[0-9]+)`)

// startEmulatorBinary starts `harness emulate` on a free loopback port and returns its URL and
// a stop function that sends SIGINT and returns the exit code.
func startEmulatorBinary(t *testing.T, args ...string) (string, func() int) {
	t.Helper()
	cmd := harnessCmd(t, append([]string{"emulate", "--listen", "127.0.0.1:0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	var url string
	for sc.Scan() {
		if m := reListening.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }()
	if url == "" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatal("the emulator did not report its address")
	}
	var once sync.Once
	code := -1
	stop := func() int {
		once.Do(func() {
			_ = cmd.Process.Signal(syscall.SIGINT)
			err := cmd.Wait()
			code = 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
		})
		return code
	}
	t.Cleanup(func() { stop() })
	return url, stop
}

// Ctrl-C during a load run: the load stops, unbinds what it bound and exits 130 without a
// "context canceled" error; the emulator, for which a signal is the normal stop, exits 0.
func TestCLIInterruptedLoadExits130(t *testing.T) {
	t.Parallel()
	url, stopEmu := startEmulatorBinary(t)
	out := filepath.Join(t.TempDir(), "load")
	cmd := harnessCmd(t, "load", "--target", url, "--rate", "20", "--duration", "5m", "--hold", "1m", "--progress", "50ms", "--out", out)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the load has bound something (a progress line with live bindings). Every
	// progress figure carries its label, unit and scope.
	labelled := regexp.MustCompile(`^ *\d+\.\ds  arrivals target \d+\.\d/s achieved \d+\.\d/s \(last \S+\)  success \d+\.\d\d% of \d+ requests  axb\.bind since start: p50 \S+ms p99 \S+ms corrected p99 \S+ms  generator lag p99 \S+ms  live bindings \d+  throttled \d+  callbacks of its calls \d+  conformance errors \d+`)
	sc := bufio.NewScanner(stdout)
	var rest bytes.Buffer
	for sc.Scan() {
		if !labelled.MatchString(sc.Text()) {
			t.Errorf("progress line without its labels: %q", sc.Text())
		}
		if regexp.MustCompile(`live bindings [1-9]`).MatchString(sc.Text()) {
			_ = cmd.Process.Signal(syscall.SIGINT)
			break
		}
	}
	_, _ = io.Copy(&rest, stdout)
	err = cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	if code != exitInterrupted {
		t.Fatalf("exit %d, want 130\nstdout: %s\nstderr: %s", code, rest.String(), stderr.String())
	}
	if strings.Contains(stderr.String(), "context canceled") || strings.Contains(rest.String(), "context canceled") {
		t.Errorf("the output shows the internal cancellation:\n%s\n%s", rest.String(), stderr.String())
	}
	if !strings.Contains(rest.String(), "aborted: interrupted before the end of the plan: ") {
		t.Errorf("the summary does not say, in a sentence, that the load was interrupted:\n%s", rest.String())
	}
	resp, err := http.Get(url + "/emulator/v1/bindings")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var dump map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&dump); err != nil {
		t.Fatal(err)
	}
	for mode, list := range dump {
		var items []json.RawMessage
		if json.Unmarshal(list, &items) == nil && len(items) > 0 {
			t.Errorf("%d %s bindings left after the interrupted load", len(items), mode)
		}
	}
	// Every binding was alive at the interrupt (1m holds): their unbinds, sent at once by the
	// stop, are counted but kept out of the latency statistics, which measure the plan.
	r, err := loadtest.ReadResult(filepath.Join(out, loadtest.ResultFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, is := range r.Interfaces {
		if is.ID == "axb.unbind" && (is.Count == 0 || is.Service.Count != 0 || is.Corrected.Count != 0) {
			t.Errorf("axb.unbind: %d requests, %d and %d timed: the stop's unbinds entered the latency statistics", is.Count, is.Service.Count, is.Corrected.Count)
		}
		if is.ID == "axb.bind" && (is.Count == 0 || is.Service.Count != is.Count) {
			t.Errorf("axb.bind: %d requests, %d timed", is.Count, is.Service.Count)
		}
	}
	if code := stopEmu(); code != exitOK {
		t.Errorf("emulate exit %d after SIGINT, want 0", code)
	}
}
