package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/reports"
)

// These tests run the harness binary against `harness emulate --platform-only`, a platform that
// is not the embedded emulator: HTTPS with its own certificate, no admin API on its port,
// lockout and flow control on, exactly as a user would against Huawei's platform.

// platformEnv holds the demo secrets the way a user passes real ones: in the environment.
var platformEnv = []string{"PNS_T_AXB=demo-axb-secret", "PNS_T_AX=demo-ax-secret", "PNS_T_AXE=demo-axe-secret"}

// platformProfile is a profile of the default emulator configuration as a user would write it
// for their platform (emulator: false, secrets from the environment); extra is appended.
func platformProfile(t *testing.T, extra string) string {
	t.Helper()
	y := `emulator: false
numberBlocks: ["+86138001", "+86139001"]
fixedLineBlocks: ["+86755"]
apps:
  AXB:
    appKey: demo-axb
    appSecretEnv: PNS_T_AXB
    xRanges:
      - {from: "+8617001100000", count: 200, cityCode: "010"}
      - {from: "+8617001200000", count: 200, cityCode: "021"}
  AX:
    appKey: demo-ax
    appSecretEnv: PNS_T_AX
    xRanges:
      - {from: "+8617002100000", count: 200, cityCode: "010"}
      - {from: "+8617002200000", count: 200, cityCode: "021"}
  AXE:
    appKey: demo-axe
    appSecretEnv: PNS_T_AXE
    xRanges:
      - {from: "+8617003100000", count: 200, cityCode: "010"}
      - {from: "+8617003200000", count: 200, cityCode: "021"}
` + extra
	path := filepath.Join(t.TempDir(), "profile.yaml")
	if err := os.WriteFile(path, []byte(y), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// platformConfig writes the default emulator configuration with mutate applied.
func platformConfig(t *testing.T, mutate func(*emulator.Config)) string {
	t.Helper()
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	mutate(cfg)
	y, err := cfg.YAML()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "emulator.yaml")
	if err := os.WriteFile(path, y, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// requestsSeen returns the provisioning requests the platform counted, from its admin port's
// metrics (0 when none was served).
func (p *platform) requestsSeen(t *testing.T) int {
	t.Helper()
	n := 0
	for _, line := range p.metrics(t) {
		if strings.HasPrefix(line, "pns_emulator_requests_total{") && !strings.HasSuffix(line, " 0") {
			n++
		}
	}
	return n
}

// bindingIDs returns the subscriptionIds the platform holds, sorted.
func (p *platform) bindingIDs(t *testing.T) []string {
	t.Helper()
	var d emulator.BindingsDump
	p.adminJSON(t, "bindings", &d)
	var ids []string
	for _, b := range d.AXB {
		ids = append(ids, b.SubscriptionID)
	}
	for _, b := range d.AX {
		ids = append(ids, b.SubscriptionID)
	}
	for _, b := range d.AXE {
		ids = append(ids, b.SubscriptionID)
	}
	sort.Strings(ids)
	return ids
}

// oneLine fails unless s is exactly one line containing want.
func oneLine(t *testing.T, what, s, want string) {
	t.Helper()
	if strings.Count(strings.TrimRight(s, "\n"), "\n") != 0 || !strings.Contains(s, want) {
		t.Errorf("%s: want one line containing %q, got:\n%s", what, want, s)
	}
}

// TestRunTargetPlatformOnly is the whole job against a platform that is not ours: harness run
// --target --profile --ca-file passes with conformance (skips counted), load per mode and
// thresholds in the report, and leaves no binding on the platform.
func TestRunTargetPlatformOnly(t *testing.T) {
	t.Parallel()
	// A short lockout window so that the profile's pacing keeps the suite's deliberate
	// authentication failures below the lockout within seconds.
	p := startPlatform(t, "--config", platformConfig(t, func(c *emulator.Config) { c.LockoutWindowSeconds = 2 }))
	prof := platformProfile(t, "lockout: {failures: 10, window: 2s}\nload: {modes: [AXB, AX, AXE], rate: 20, duration: 1s, hold: 200ms}\n")
	out := t.TempDir()
	code, stdout, stderr := runHarness(t, platformEnv, "run", "--target", p.URL, "--profile", prof, "--ca-file", p.CertFile, "--out", out, "--seed", "7",
		// A subset keeps the test short: AXB unbinds, and the authentication feature, whose 37
		// deliberate failures must stay below the lockout through the profile's pacing.
		"--tags", "@axb.unbind,@authentication",
		// Thresholds on correctness, not on speed: the test must pass on a busy machine.
		"--threshold", "bind.success>=99%", "--threshold", "unbind.success>=99%", "--threshold", "conformance.errors==0")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"capacity AXB: 400 X × 5000 pairs", "capacity AX: 400 X × 1 A", "capacity AXE: 400 X × 9999 extensions", "0 leaked", "PASS"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	s, err := reports.LoadSummary(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Verdict == nil || s.Verdict.Status != reports.VerdictPass {
		t.Fatalf("verdict %+v", s.Verdict)
	}
	if s.Verdict.ScenariosSkipped == 0 || s.Verdict.ScenariosPassed == 0 {
		t.Errorf("conformance against a non-emulator target: %d passed, %d skipped (the @emulator ones must be skipped and counted)", s.Verdict.ScenariosPassed, s.Verdict.ScenariosSkipped)
	}
	if s.Load == nil || len(s.Load.Scenarios) != 3 || len(s.Thresholds) == 0 {
		t.Fatalf("load section %+v, %d thresholds", s.Load, len(s.Thresholds))
	}
	// Only the correctness thresholds given apply: a speed threshold (a default generator.lag,
	// a latency) would make the test depend on how busy the machine is.
	given := map[string]bool{"bind.success>=99%": true, "unbind.success>=99%": true, "conformance.errors==0": true}
	for _, th := range s.Thresholds {
		if _, expr, _ := strings.Cut(th.Expression, ": "); !given[expr] {
			t.Errorf("threshold %s applies, though not given", th.Expression)
		}
		if !th.Passed {
			t.Errorf("threshold %s failed", th.Expression)
		}
	}
	var tlsSetting string
	for _, st := range s.Manifest.Settings {
		if st.Key == "TLS" {
			tlsSetting = st.Value
		}
	}
	if !strings.HasPrefix(tlsSetting, "verified; extra CA file") {
		t.Errorf("manifest TLS setting %q", tlsSetting)
	}
	if ids := p.bindingIDs(t); len(ids) != 0 {
		t.Errorf("the platform holds %d bindings after the run: %v", len(ids), ids)
	}
	html, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if bytes.Contains(html, []byte("demo-axb-secret")) {
		t.Error("a secret leaked into the report")
	}
	// The console, summary.json and index.html of a target run give the same numbers.
	assertNumbersAgree(t, stdout, out)
}

// TestRunTargetInsecureIsFlagged: --insecure-skip-verify works without the certificate and
// says so in the report's manifest.
func TestRunTargetInsecureIsFlagged(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	out := t.TempDir()
	code, stdout, stderr := runHarness(t, platformEnv, "run", "--target", p.URL, "--profile", platformProfile(t, ""), "--insecure-skip-verify",
		"--out", out, "--tags", "@axe.query", "--no-load")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	s, err := reports.LoadSummary(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, st := range s.Manifest.Settings {
		found = found || st.Key == "TLS" && strings.HasPrefix(st.Value, "INSECURE")
	}
	if !found {
		t.Errorf("insecure TLS not flagged in the manifest: %+v", s.Manifest.Settings)
	}
}

// TestTLSWithoutTrust: without --ca-file the platform's certificate is refused, with a hint.
func TestTLSWithoutTrust(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	code, _, stderr := runHarness(t, platformEnv, "conform", "--target", p.URL, "--profile", platformProfile(t, ""), "--out", t.TempDir())
	if code != exitUsage {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	oneLine(t, "untrusted certificate", stderr, "(trust its certificate with --ca-file PEM)")
	if code, _, stderr := runHarness(t, nil, "conform", "--target", p.URL, "--ca-file", "/nonexistent.pem"); code != exitUsage {
		t.Errorf("missing --ca-file: exit %d %s", code, stderr)
	}
	if code, _, stderr := runHarness(t, nil, "run", "--ca-file", p.CertFile); code != exitUsage || !strings.Contains(stderr, "need --target") {
		t.Errorf("run --ca-file without --target: exit %d %s", code, stderr)
	}
}

// TestLoadRemoteGate: a target that is not loopback is refused without the opt-in, without a
// ceiling, and above the ceiling, with one line and exit 2. pns.invalid cannot resolve, and the
// gate does not even try: the refusal comes before any packet.
func TestLoadRemoteGate(t *testing.T) {
	t.Parallel()
	ceiling := platformProfile(t, "allowRemote: true\nmaxRate: 5\n")
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no opt-in", []string{"--target", "https://pns.invalid", "--rate", "1"}, "harness load: remote target refused: target \"https://pns.invalid\": pns.invalid is not a loopback address; a load against another host needs --allow-remote (profile allowRemote: true) and a ceiling --max-rate (profile maxRate)"},
		{"no ceiling", []string{"--target", "https://pns.invalid", "--rate", "1", "--allow-remote"}, "a remote load needs a rate ceiling: give --max-rate N (profile maxRate)"},
		{"ceiling only", []string{"--target", "https://pns.invalid", "--rate", "1", "--max-rate", "10"}, "pns.invalid is not a loopback address"},
		{"above the ceiling", []string{"--target", "https://pns.invalid", "--rate", "20", "--allow-remote", "--max-rate", "10"}, "the plan's peak of 40 requests/s exceeds the ceiling maxRate (--max-rate) of 10 requests/s: bind-unbind 20 sessions/s × 2 request(s) (bind, unbind) = 40 requests/s"},
		{"ramp step above the ceiling", []string{"--target", "https://pns.invalid", "--ramp", "1s@5,1s@11,1s@0", "--allow-remote", "--max-rate", "10"}, "the plan's peak of 22 requests/s exceeds the ceiling"},
		{"profile ceiling", []string{"--target", "https://pns.invalid", "--rate", "6", "--profile", ceiling}, "the plan's peak of 12 requests/s exceeds the ceiling maxRate (--max-rate) of 5 requests/s"},
		{"remote IP", []string{"--target", "http://192.0.2.7:8080", "--rate", "1"}, "192.0.2.7 is not a loopback address"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runHarness(t, platformEnv, append([]string{"load", "--duration", "3s"}, tt.args...)...)
			if code != exitUsage || stdout != "" {
				t.Fatalf("exit %d, stdout %q", code, stdout)
			}
			oneLine(t, tt.name, stderr, tt.want)
		})
	}
	// harness run --target applies the same gate.
	code, _, stderr := runHarness(t, platformEnv, "run", "--target", "https://pns.invalid", "--profile", platformProfile(t, ""), "--out", t.TempDir())
	if code != exitUsage {
		t.Fatalf("run: exit %d", code)
	}
	oneLine(t, "run", stderr, "pns.invalid is not a loopback address")
}

// TestLoadNumbersTooFew: a plan the profile's X numbers cannot carry is refused before the
// first request, with the capacity printed.
func TestLoadNumbersTooFew(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	prof := platformProfile(t, "")
	small := strings.Replace(prof, ".yaml", "-small.yaml", 1)
	data, _ := os.ReadFile(prof)
	// AX carries one A per X: 10 X numbers hold 10 live bindings.
	data = []byte(strings.Replace(string(data), `      - {from: "+8617002100000", count: 200, cityCode: "010"}
      - {from: "+8617002200000", count: 200, cityCode: "021"}`, `      - {from: "+8617002100000", count: 10, cityCode: "010"}`, 1))
	if err := os.WriteFile(small, data, 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runHarness(t, platformEnv, "load", "--target", p.URL, "--ca-file", p.CertFile, "--profile", small,
		"--mode", "ax", "--rate", "10", "--hold", "1s", "--duration", "2s")
	if code != exitUsage || stdout != "" {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	want := "info: capacity AX: 10 X × 1 A = 10 live bindings, at most 6.667 binds/s with a 1s hold (rate × (hold + 500ms) ≤ 10)\n" +
		"harness load: AX: the plan needs about 15 live bindings (10 binds/s × (1s hold + 500ms)) but the profile's 10 X numbers carry 10; list more X numbers or lower the rate or hold (at most 6.667 binds/s)\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
	if n := p.requestsSeen(t); n != 0 {
		t.Errorf("the platform saw %d request series before the refusal", n)
	}
	// Within capacity the same profile runs and leaves nothing behind.
	code, stdout, stderr = runHarness(t, platformEnv, "load", "--target", p.URL, "--ca-file", p.CertFile, "--profile", small,
		"--mode", "ax", "--rate", "5", "--hold", "1s", "--duration", "1s", "--generator-lag", "0")
	if code != exitOK || !strings.Contains(stdout, "0 leaked") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if ids := p.bindingIDs(t); len(ids) != 0 {
		t.Errorf("bindings left: %v", ids)
	}
}

// TestDeadTargetCouldNotCheck: a target nobody listens on ends conform, load and run at once
// with exit 3 (could not check) and one line (the preflight), not after a full run of
// failures.
func TestDeadTargetCouldNotCheck(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "https://" + ln.Addr().String()
	ln.Close()
	prof := platformProfile(t, "")
	for _, args := range [][]string{
		{"conform", "--target", dead, "--profile", prof, "--out", t.TempDir()},
		{"load", "--target", dead, "--rate", "10", "--duration", "30s"},
		{"run", "--target", dead, "--profile", prof, "--out", t.TempDir()},
	} {
		code, _, stderr := runHarness(t, platformEnv, args...)
		if code != exitCouldNotCheck {
			t.Errorf("%s: exit %d: %s", args[0], code, stderr)
			continue
		}
		oneLine(t, args[0], stderr, "is not reachable: dial tcp "+strings.TrimPrefix(dead, "https://")+": connect: connection refused")
	}
}

// TestLoadAgainstThrottlingPlatform: flow-control answers of the platform are counted, never a
// crash, and what the run could not unbind is counted exactly (exit 1 then).
func TestLoadAgainstThrottlingPlatform(t *testing.T) {
	t.Parallel()
	p := startPlatform(t, "--flow-control", "20/20")
	code, stdout, stderr := runHarness(t, platformEnv, "load", "--target", p.URL, "--ca-file", p.CertFile, "--profile", platformProfile(t, ""),
		"--rate", "100", "--duration", "1s", "--hold", "0s", "--json", "--generator-lag", "0")
	if code != exitOK && code != exitFailed {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, `"1010010"`) {
		t.Errorf("no flow-control answer counted:\n%.2000s", stdout)
	}
	var res struct {
		Cleanup struct {
			Leaked int64 `json:"leaked"`
		} `json:"cleanup"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if ids := p.bindingIDs(t); int64(len(ids)) != res.Cleanup.Leaked || (len(ids) > 0) != (code == exitFailed) {
		t.Errorf("platform holds %d bindings, the run reports %d leaked (exit %d)", len(ids), res.Cleanup.Leaked, code)
	}
}

var leakedRE = regexp.MustCompile(`(?m)^LEAKED \S+ subscriptionId=(\S+) `)

// TestConformFaultedCleanupNamesLeaks: when the platform refuses every AXE unbind, the suite
// retries, then names exactly the bindings it left, and exits 1.
func TestConformFaultedCleanupNamesLeaks(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	resp, err := http.Post(p.AdminURL+"faults", "application/json", strings.NewReader(`{"faults":[{"interface":"axe.unbind","errorRate":1}]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("faults: %d", resp.StatusCode)
	}
	code, stdout, stderr := runHarness(t, platformEnv, "conform", "--target", p.URL, "--ca-file", p.CertFile, "--profile", platformProfile(t, ""),
		"--tags", "@axe.query", "--out", t.TempDir())
	if code != exitFailed {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	var named []string
	for _, m := range leakedRE.FindAllStringSubmatch(stdout, -1) {
		named = append(named, m[1])
	}
	sort.Strings(named)
	held := p.bindingIDs(t)
	if len(held) == 0 || strings.Join(named, ",") != strings.Join(held, ",") {
		t.Fatalf("named leaks %v, platform holds %v\n%s", named, held, stdout)
	}
	m := regexp.MustCompile(`cleanup: (\d+) bindings created, (\d+) removed by cleanup, (\d+) already unbound by their scenarios, (\d+) leaked`).FindStringSubmatch(stdout)
	if m == nil || m[4] != itoa(len(held)) || atoi(m[1]) != atoi(m[2])+atoi(m[3])+atoi(m[4]) {
		t.Errorf("cleanup line %v does not add up to %d leaked", m, len(held))
	}
	if !strings.Contains(stdout, "(after 5 attempts)") {
		t.Error("the leaks were not retried")
	}
}

// TestConformStopsAtLockout: without pacing, the deliberate authentication failures lock the
// client IP out; the suite stops the authentication scenarios, says so and names
// authFailurePause.
func TestConformStopsAtLockout(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	code, stdout, stderr := runHarness(t, platformEnv, "conform", "--target", p.URL, "--ca-file", p.CertFile, "--profile", platformProfile(t, ""),
		"--tags", "@auth-negative", "--out", t.TempDir())
	if code != exitFailed {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "the platform answered 1020176") || !strings.Contains(stderr, "authFailurePause") || !regexp.MustCompile(`\(\d+ skipped\)`).MatchString(stderr) {
		t.Errorf("stderr:\n%s", stderr)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// TestConformInterruptCleansUp: Ctrl-C during a conformance run against a platform stops it,
// unbinds what the scenarios created and exits 130; its ctrf.json says the run was
// interrupted (a failed test), never a healthy run of the scenarios it reached.
func TestConformInterruptCleansUp(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	dir := t.TempDir()
	cmd := harnessCmd(t, "conform", "--target", p.URL, "--ca-file", p.CertFile, "--profile", platformProfile(t, ""), "--out", dir,
		"--tags", "@axb.bind,@ax.bind,@axe.bind")
	cmd.Env = append(cmd.Env, platformEnv...)
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once scenarios are running: the progress formatter has printed a step.
	var out bytes.Buffer
	buf := make([]byte, 1)
	running := func() bool {
		_, after, ok := bytes.Cut(out.Bytes(), []byte("target: "))
		_, progress, ok2 := bytes.Cut(after, []byte("\n"))
		return ok && ok2 && bytes.ContainsAny(progress, ".F-")
	}
	for !running() {
		n, err := pipe.Read(buf)
		if err != nil {
			t.Fatalf("conform ended before the interrupt: %v\n%s\n%s", err, out.String(), stderr.String())
		}
		out.Write(buf[:n])
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(pipe)
	out.Write(rest)
	err = cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	if code != exitInterrupted {
		t.Fatalf("exit %d, want 130\n%s\n%s", code, out.String(), stderr.String())
	}
	if !regexp.MustCompile(`cleanup: \d+ bindings created, \d+ removed by cleanup, \d+ already unbound by their scenarios, 0 leaked`).Match(out.Bytes()) {
		t.Errorf("no cleanup account:\n%s", out.String())
	}
	if ids := p.bindingIDs(t); len(ids) != 0 {
		t.Errorf("bindings left after the interrupt: %v", ids)
	}
	rep := readCTRFAndGodogJUnit(t, dir, true)
	interrupted := false
	for _, tc := range rep.Results.Tests {
		interrupted = interrupted || (tc.Type == "run" && tc.Status == reports.CTRFFailed && strings.HasPrefix(tc.Message, "interrupted before the end"))
	}
	if !interrupted || rep.Results.Environment.Healthy {
		t.Errorf("ctrf.json of the interrupted run: no failed test says so (healthy %v): %+v", rep.Results.Environment.Healthy, rep.Results.Summary)
	}
}

// TestWorkloadAgainstPlatform: a mixed workload file (three flows over AXB and AX) runs through
// the binary against the platform-only emulator over TLS, every flow runs its sessions, and the
// platform holds no binding afterwards.
func TestWorkloadAgainstPlatform(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	code, stdout, stderr := runHarness(t, platformEnv, "load", "--target", p.URL, "--ca-file", p.CertFile, "--profile", platformProfile(t, ""),
		"--workload", filepath.Join("..", "..", "loadtest", "testdata", "mixed.yaml"), "--duration", "1s", "--generator-lag", "0",
		"--threshold", "flow.axb-lifecycle.completed>=20", "--threshold", "flow.ax-callee.completed>=10", "--threshold", "flow.axb-query.completed>=10",
		"--threshold", "conformance.errors==0")
	if code != exitOK || !strings.Contains(stdout, "0 leaked") || !strings.Contains(stdout, "axb-lifecycle  axb") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if ids := p.bindingIDs(t); len(ids) != 0 {
		t.Errorf("bindings left: %v", ids)
	}
}

// TestLoadStopsWhenTargetDies kills the platform in the middle of a 10-minute load: the run
// stops on its own (no answer for --unreachable-after while requests fail), says why, names
// the bindings it could not remove, and exits 1, long before the plan's end.
func TestLoadStopsWhenTargetDies(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	cmd := harnessCmd(t, "load", "--target", p.URL, "--ca-file", p.CertFile, "--profile", platformProfile(t, ""),
		"--rate", "20", "--duration", "10m", "--hold", "10m", "--json", "--generator-lag", "0", "--unreachable-after", "1s",
		// One cleanup attempt: the platform is dead, retries with backoff only wait longer
		// for the same leaks.
		"--cleanup-attempts", "1")
	cmd.Env = append(cmd.Env, platformEnv...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill the platform once it holds bindings of the load (they are held for 10 minutes).
	var held []string
	for len(held) == 0 {
		time.Sleep(20 * time.Millisecond)
		held = p.bindingIDs(t)
	}
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\n%.3000s\n%s", code, exitFailed, stdout.String(), stderr.String())
	}
	var res struct {
		Aborted        string  `json:"aborted"`
		ElapsedSeconds float64 `json:"elapsedSeconds"`
		Cleanup        struct {
			Leaked    int64    `json:"leaked"`
			LeakedIDs []string `json:"leakedIds"`
			Unknown   int64    `json:"unknown"`
		} `json:"cleanup"`
	}
	if err := json.Unmarshal([]byte(stdout.String()), &res); err != nil {
		t.Fatalf("%v\n%.3000s", err, stdout.String())
	}
	if !strings.HasPrefix(res.Aborted, "target unreachable: no answer for ") || !strings.Contains(res.Aborted, "requests failed at the transport level: last ") {
		t.Errorf("aborted %q, want the target named unreachable", res.Aborted)
	}
	if res.ElapsedSeconds >= 600 {
		t.Errorf("the load lasted %.0fs: it ran its whole plan", res.ElapsedSeconds)
	}
	// The bindings held when the platform died were left on it and must be accounted for
	// (more may have been made after the look): named as leaked when the harness had their
	// answer, else counted as unknown (the platform died before its answer reached us, so no
	// ID can name it; the journal keeps its numbers for harness cleanup).
	if int64(len(res.Cleanup.LeakedIDs)) != res.Cleanup.Leaked {
		t.Errorf("leaked %d, named %d", res.Cleanup.Leaked, len(res.Cleanup.LeakedIDs))
	}
	named := map[string]bool{}
	for _, id := range res.Cleanup.LeakedIDs {
		named[id] = true
	}
	var unnamed []string
	for _, id := range held {
		if !named[id] {
			unnamed = append(unnamed, id)
		}
	}
	if int64(len(unnamed)) > res.Cleanup.Unknown {
		t.Errorf("bindings %v were on the platform when it died but are neither named as leaked (%v) nor counted unknown (%d)",
			unnamed, res.Cleanup.LeakedIDs, res.Cleanup.Unknown)
	}
}
