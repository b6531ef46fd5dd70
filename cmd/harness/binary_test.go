package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
)

// asHarnessEnv makes the test binary behave as the harness binary, so tests run the real
// command line (flags, exit codes, signals, separate process) without a separate go build.
const asHarnessEnv = "PNS_HARNESS_TEST_AS_BINARY"

func TestMain(m *testing.M) {
	if os.Getenv(asHarnessEnv) == "1" {
		os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// Tests that drive the harness only as separate processes (harnessCmd, runHarness,
// startPlatform), on ports the kernel picks and in their own temporary directories, call
// t.Parallel: most of their time is spent waiting for loads, pauses and cleanups of those
// processes, and `go test -parallel` (GOMAXPROCS by default) overlaps them. Tests that run a
// command in-process, set the environment, or need a port to stay free after they closed it
// stay sequential.

// harnessCmd returns `harness args...` as a separate process (this test binary in harness
// mode). The process is killed when the test ends, should it still run.
func harnessCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asHarnessEnv+"=1", noExitSleepGORACE())
	t.Cleanup(func() {
		if cmd.Process != nil && cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_, _ = cmd.Process.Wait()
		}
	})
	return cmd
}

// noExitSleepGORACE is the GORACE setting of a harness process: the race runtime sleeps
// atexit_sleep_ms (1 s by default) before every exit, to catch races with goroutines still
// running then, and this package starts a few hundred harness processes, so that second alone
// added minutes to it. Races while a process runs are reported as before; the caller's GORACE
// options are kept (an atexit_sleep_ms of its own comes later and wins).
func noExitSleepGORACE() string {
	return "GORACE=" + strings.TrimSpace("atexit_sleep_ms=0 "+os.Getenv("GORACE"))
}

// runHarness runs `harness args...` to completion and returns its exit code and output.
func runHarness(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := harnessCmd(t, args...)
	cmd.Env = append(cmd.Env, env...)
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), o.String(), e.String()
	} else if err != nil {
		t.Fatalf("harness %v: %v", args, err)
	}
	return 0, o.String(), e.String()
}

// platform is a `harness emulate --platform-only` process: the stand-in for a real platform.
type platform struct {
	URL      string // https base URL of the /rest interfaces
	AdminURL string // http base of the admin API on its own loopback port, ends in /emulator/v1/
	CertFile string // the certificate PEM written by --cert-out
	logs     *syncBuffer
	cmd      *exec.Cmd
}

var listeningRE = regexp.MustCompile(`msg="PNS platform-only emulator listening" url=(\S+) admin=(\S+)`)

// startPlatform starts `harness emulate --platform-only` on free loopback ports with its admin
// API on a second port and its certificate in a temporary file; it stops with SIGINT when the
// test ends.
func startPlatform(t *testing.T, args ...string) *platform {
	t.Helper()
	p := &platform{CertFile: filepath.Join(t.TempDir(), "platform.pem"), logs: &syncBuffer{}}
	p.cmd = harnessCmd(t, append([]string{"emulate", "--platform-only", "--listen", "127.0.0.1:0",
		"--admin-listen", "127.0.0.1:0", "--cert-out", p.CertFile}, args...)...)
	pipe, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		line := sc.Text()
		p.logs.Write([]byte(line + "\n"))
		if m := listeningRE.FindStringSubmatch(line); m != nil {
			p.URL, p.AdminURL = m[1], m[2]
			break
		}
	}
	if p.URL == "" {
		_ = p.cmd.Wait()
		t.Fatalf("platform did not start:\n%s", p.logs.String())
	}
	go func() { _, _ = io.Copy(p.logs, pipe) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(syscall.SIGINT)
		_ = p.cmd.Wait()
	})
	return p
}

// client returns an HTTPS client that trusts only the platform's certificate.
func (p *platform) client(t *testing.T) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(p.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no PEM certificate", p.CertFile)
	}
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

// bindings returns the number of bindings the platform holds, from its admin port.
func (p *platform) bindings(t *testing.T) int {
	t.Helper()
	var d emulator.BindingsDump
	p.adminJSON(t, "bindings", &d)
	return len(d.AXB) + len(d.AX) + len(d.AXE) + len(d.AXYB)
}

// adminJSON decodes the answer of GET path on the platform's admin API into v.
func (p *platform) adminJSON(t *testing.T, path string, v any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, p.AdminURL+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// metrics returns the lines of the platform's Prometheus metrics, from its admin port.
func (p *platform) metrics(t *testing.T) []string {
	t.Helper()
	resp, err := http.Get(strings.TrimSuffix(p.AdminURL, "/emulator/v1/") + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(b), "\n")
}
