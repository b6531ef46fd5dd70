package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/reports"
	"gopkg.in/yaml.v3"
)

// notEmulatorProfile is the demo apps of the default emulator configuration, declared as a
// target that is not the emulator: no admin API is used, @emulator scenarios are skipped.
func notEmulatorProfile(t *testing.T) string {
	t.Helper()
	p := conformance.DefaultProfile()
	p.Emulator = false
	for name := range p.Apps {
		if name != "AXB" && name != "AX" && name != "AXE" {
			delete(p.Apps, name)
		}
	}
	b, err := yaml.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "profile.yaml")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// injectFault makes an emulator's admin API answer every request of iface with code.
func injectFault(t *testing.T, adminBase, iface, code string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"seed": 1, "faults": []map[string]any{{"interface": iface, "errorRate": 1, "resultcode": code}}})
	resp, err := http.Post(strings.TrimRight(adminBase, "/")+"/faults", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("inject fault: HTTP %d", resp.StatusCode)
	}
}

// wantFaulted returns the scenarios that reach iface in an emulator run and ran on the target
// too: exactly those must differ when iface is faulted on the target.
func wantFaulted(c *conformance.Comparison, iface string) []string {
	ran := map[string]bool{}
	for _, s := range c.Target.Scenarios {
		ran[s.Key] = s.Status != "skipped"
	}
	var out []string
	for _, s := range c.Emulator.Scenarios {
		if s.Status == "skipped" || !ran[s.Key] {
			continue
		}
		for _, o := range s.Observations {
			if o.Interface == iface {
				out = append(out, s.Key)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

func checkOnlyFaulted(t *testing.T, c *conformance.Comparison, iface string) {
	t.Helper()
	var got []string
	for _, d := range c.Differences {
		got = append(got, d.Key)
		if strings.Join(d.Interfaces, ",") != iface {
			t.Errorf("difference %s names interfaces %v, want only %s\n  target:   %s\n  emulator: %s", d.Key, d.Interfaces, iface, d.Target, d.Emulator)
		}
	}
	sort.Strings(got)
	want := wantFaulted(c, iface)
	if len(want) < 5 {
		t.Fatalf("only %d scenarios reach %s: the check would mean nothing", len(want), iface)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("differences:\n  %s\nwant the scenarios reaching %s:\n  %s", strings.Join(got, "\n  "), iface, strings.Join(want, "\n  "))
	}
}

// TestConformCompareEmulator: `harness conform --compare-emulator` against an emulator with
// one interface faulted lists exactly the scenarios that reach that interface, side by side,
// in the terminal, compare.json and compare.html, and exits 1.
func TestConformCompareEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite twice")
	}
	cfg, err := conformance.ConformanceConfig()
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := conformance.ServeEmulator(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	injectFault(t, url+emulator.AdminPrefix, "axe.query", "1010001")
	out := filepath.Join(t.TempDir(), "cmp")
	var stdout, stderr bytes.Buffer
	code := runConform(context.Background(), []string{"--target", url, "--profile", notEmulatorProfile(t), "--compare-emulator", "--out", out}, &stdout, &stderr)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\nstderr: %s", code, exitFailed, stderr.String())
	}
	for _, want := range []string{"SCENARIO", "TARGET", "EMULATOR", "axe.query 500 1010001", "axe.query 200 0", "fidelity: "} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("terminal output lacks %q", want)
		}
	}
	var c conformance.Comparison
	data, err := os.ReadFile(filepath.Join(out, "compare.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Differences) == 0 || c.Compared == 0 {
		t.Fatalf("compare.json: %d differences of %d compared", len(c.Differences), c.Compared)
	}
	for _, d := range c.Differences {
		if strings.Join(d.Interfaces, ",") != "axe.query" {
			t.Errorf("%s: interfaces %v", d.Key, d.Interfaces)
		}
		if !strings.Contains(stdout.String(), d.Key) {
			t.Errorf("terminal output lacks %s", d.Key)
		}
	}
	html, err := os.ReadFile(filepath.Join(out, "compare.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), c.Differences[0].Key) || !strings.Contains(string(html), "1010001") {
		t.Error("compare.html lacks the differences")
	}
	if css, err := os.ReadFile(filepath.Join(out, reports.CSSFile)); err != nil || !strings.Contains(string(html), `href="`+reports.CSSFile+`"`) || !strings.Contains(string(css), ".verdict") {
		t.Errorf("compare.html's stylesheet is not beside it: %v", err)
	}

	// Without --target there is nothing to compare.
	if code := runConform(context.Background(), []string{"--compare-emulator"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("--compare-emulator without --target: exit %d, want %d", code, exitUsage)
	}
}

// TestCompareAgainstPlatformOnly is the done-when of the fidelity diff: `harness conform
// --compare-emulator --ca-file …` against `harness emulate --platform-only` (TLS, lockout, flow
// control, no admin API on its port) with one interface faulted through its separate admin
// port lists exactly the scenarios that reach that interface.
func TestCompareAgainstPlatformOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite twice")
	}
	// Parallel: the harness runs as a process, and the reference run in-process is a library
	// call against its own emulator.
	t.Parallel()
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	// The deliberate authentication failures would otherwise lock the test's IP out (§2.6).
	cfg.LockoutFailures = 100000
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(t.TempDir(), "platform.yaml")
	if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	p := startPlatform(t, "--config", cfgPath)
	injectFault(t, p.AdminURL, "axb.query", "1010001")
	out := filepath.Join(t.TempDir(), "cmp")
	code, stdout, stderr := runHarness(t, nil, "conform", "--target", p.URL, "--ca-file", p.CertFile,
		"--profile", notEmulatorProfile(t), "--compare-emulator", "--out", out)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitFailed, stdout, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "compare.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got conformance.Comparison
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	// The expected set comes from an emulator run of the same selection: the scenarios that
	// reach axb.query and run on a non-emulator target.
	prof, err := conformance.LoadProfile(notEmulatorProfile(t))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := conformance.Run(context.Background(), conformance.Options{Profile: prof})
	if err != nil {
		t.Fatal(err)
	}
	checkOnlyFaulted(t, &conformance.Comparison{Target: ref, Emulator: ref, Differences: got.Differences}, "axb.query")
	for _, d := range got.Differences {
		if !strings.Contains(stdout, d.Key) {
			t.Errorf("terminal lacks %s", d.Key)
		}
	}
	t.Logf("%d of %d compared scenarios differ, %d not compared", len(got.Differences), got.Compared, got.NotCompared)
}
