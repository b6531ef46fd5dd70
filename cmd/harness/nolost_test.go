package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/emulator"
)

// setFaults installs the platform's fault configuration through its admin port.
func (p *platform) setFaults(t *testing.T, body string) {
	t.Helper()
	resp, err := http.Post(p.AdminURL+"faults", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("faults %s: HTTP %d", body, resp.StatusCode)
	}
}

// TestReportFailsOnLeak: a load that left bindings on the platform (every unbind refused) fails
// live and fails again wherever its report is rebuilt, naming each leaked subscriptionId on
// the console, in summary.json, on the HTML page and in the JUnit file.
func TestReportFailsOnLeak(t *testing.T) {
	p := startPlatform(t)
	p.setFaults(t, `{"faults":[{"interface":"axb.unbind","errorRate":1}]}`)
	dir := filepath.Join(t.TempDir(), "load")
	code, stdout, stderr := runHarness(t, platformEnv, "load", "--target", p.URL, "--ca-file", p.CertFile, "--profile", platformProfile(t, ""),
		"--rate", "5", "--duration", "1s", "--hold", "0s", "--generator-lag", "0", "--out", dir)
	if code != exitFailed {
		t.Fatalf("load: exit %d, want %d\n%s\n%s", code, exitFailed, stdout, stderr)
	}
	held := p.bindingIDs(t)
	if len(held) == 0 {
		t.Fatalf("the platform holds no binding: the fault did not leak any\n%s", stdout)
	}
	out := t.TempDir()
	code, stdout, stderr = runHarness(t, nil, "report", "--out", out, dir)
	if code != exitFailed {
		t.Fatalf("report: exit %d, want %d\n%s\n%s", code, exitFailed, stdout, stderr)
	}
	if !strings.HasPrefix(stdout, "load ") || !strings.Contains(stdout, "FAIL") {
		t.Errorf("report console does not say FAIL:\n%s", stdout)
	}
	files := map[string]string{"console": stdout}
	for _, f := range []string{"summary.json", "index.html", "junit.xml"} {
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		files[f] = string(b)
	}
	for what, text := range files {
		for _, id := range held {
			if !strings.Contains(text, id) {
				t.Errorf("%s does not name leaked binding %s", what, id)
			}
		}
	}
	// The HTML's first page: the leak is in the run errors above the sections.
	if h := files["index.html"]; !strings.Contains(h[:strings.Index(h, `<nav class="toc"`)+1], "FAIL") {
		t.Error("index.html: the verdict header does not say FAIL")
	}
}

// TestMaxRateCountsRequests: --max-rate is requests/s of every interface together, so the plan's
// peak is sessions/s × requests per session, summed over the flows at the plan's busiest
// instant; a plan above it is refused before any packet with the arithmetic, one below is not
// (it goes on to the preflight of a dead loopback port).
func TestMaxRateCountsRequests(t *testing.T) {
	wl := filepath.Join(t.TempDir(), "mixed.yaml")
	if err := os.WriteFile(wl, []byte(`name: mixed
rate: 60
flows:
  - {name: lifecycle, mode: axb, share: 1, steps: [{op: bind}, {op: query}, {op: modify}, {op: unbind, think: 1s}]}
  - {name: lookups, mode: axe, rate: 10, pool: 10, steps: [{op: query}]}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	const dead = "http://127.0.0.1:1"
	for _, tt := range []struct {
		name string
		args []string
		want string // "" = accepted by the gate
	}{
		{"bind-unbind above", []string{"--rate", "150"}, "the plan's peak of 300 requests/s exceeds the ceiling maxRate (--max-rate) of 200 requests/s: bind-unbind 150 sessions/s × 2 request(s) (bind, unbind) = 300 requests/s"},
		{"bind-unbind at", []string{"--rate", "100"}, ""},
		{"query above", []string{"--scenario", "query", "--rate", "250"}, "query 250 sessions/s × 1 request(s) (query) = 250 requests/s"},
		{"query below", []string{"--scenario", "query", "--rate", "150"}, ""},
		{"calls above", []string{"--scenario", "ax-calls", "--rate", "201"}, "calls 201 sessions/s × 1 request(s) (call) = 201 requests/s"},
		{"ramp above", []string{"--ramp", "1s@50,1s@120,1s@0"}, "bind-unbind 120 sessions/s × 2 request(s) (bind, unbind) = 240 requests/s (at 1s into the plan)"},
		{"workload above", []string{"--workload", wl}, "lifecycle 60 sessions/s × 4 request(s) (bind, query, modify, unbind) + lookups 10 sessions/s × 1 request(s) (query) = 250 requests/s"},
		{"workload below", []string{"--workload", wl, "--rate", "45"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"load", "--target", dead, "--duration", "3s", "--max-rate", "200"}, tt.args...)
			code, stdout, stderr := runHarness(t, platformEnv, args...)
			if code != exitUsage || stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
			}
			if tt.want == "" {
				if strings.Contains(stderr, "exceeds the ceiling") {
					t.Fatalf("refused by the ceiling: %s", stderr)
				}
				return
			}
			oneLine(t, tt.name, stderr, tt.want)
		})
	}
}

// dump returns the platform's bindings from its admin port.
func (p *platform) dump(t *testing.T) emulator.BindingsDump {
	t.Helper()
	resp, err := http.Get(p.AdminURL + "bindings")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d emulator.BindingsDump
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestBindingsExpireByThemselves: every AXB and AXE bind of a load carries a finite lifetime by
// default (the run's length plus the margin), the one --binding-lifetime sets, or none with
// --binding-lifetime 0; the bindings a refused unbind leaves on the platform show it.
func TestBindingsExpireByThemselves(t *testing.T) {
	p := startPlatform(t)
	p.setFaults(t, `{"faults":[{"interface":"axb.unbind","errorRate":1},{"interface":"axe.unbind","errorRate":1}]}`)
	for i, tt := range []struct {
		name, mode, lifetime string
		check                func(t *testing.T, d emulator.BindingsDump, n int)
	}{
		{"axb default", "axb", "", func(t *testing.T, d emulator.BindingsDump, n int) {
			for _, b := range d.AXB[n:] {
				// 1s run + 0s hold + 10s timeout + cleanup-timeout 1m + 5m margin.
				if b.Duration != 371 || b.ExpiresAt == "" {
					t.Errorf("binding %s: duration %d, expiresAt %q; want 371 s", b.SubscriptionID, b.Duration, b.ExpiresAt)
				}
			}
		}},
		{"axb never", "axb", "0", func(t *testing.T, d emulator.BindingsDump, n int) {
			for _, b := range d.AXB[n:] {
				if b.Duration != 0 || b.ExpiresAt != "" {
					t.Errorf("binding %s: duration %d, expiresAt %q; want none", b.SubscriptionID, b.Duration, b.ExpiresAt)
				}
			}
		}},
		{"axe 7m", "axe", "6m30s", func(t *testing.T, d emulator.BindingsDump, n int) {
			for _, b := range d.AXE[n:] {
				if b.TimeUnit != "1" || b.BindExpiredTime != 7 || b.ExpiresAt == "" {
					t.Errorf("binding %s: timeUnit %q, bindExpiredTime %d, expiresAt %q; want 7 minutes", b.SubscriptionID, b.TimeUnit, b.BindExpiredTime, b.ExpiresAt)
				}
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := p.dump(t)
			n := len(before.AXB)
			if tt.mode == "axe" {
				n = len(before.AXE)
			}
			// Fresh A numbers per run: the previous run's bindings still hold theirs.
			prof := platformProfile(t, fmt.Sprintf("numbers: {a: {start: \"+861340%d000000\", count: 1000}, b: {start: \"+861350%d000000\", count: 1000}}\n", i, i))
			args := []string{"load", "--target", p.URL, "--ca-file", p.CertFile, "--profile", prof, "--mode", tt.mode,
				"--rate", "5", "--duration", "1s", "--hold", "0s", "--generator-lag", "0", "--cleanup-attempts", "1", "--cleanup-timeout", "1m"}
			if tt.lifetime != "" {
				args = append(args, "--binding-lifetime", tt.lifetime)
			}
			code, stdout, stderr := runHarness(t, platformEnv, args...)
			if code != exitFailed {
				t.Fatalf("exit %d, want %d (unbinds refused)\n%s\n%s", code, exitFailed, stdout, stderr)
			}
			d := p.dump(t)
			left := len(d.AXB) - n
			if tt.mode == "axe" {
				left = len(d.AXE) - n
			}
			if left == 0 {
				t.Fatalf("no binding left to look at\n%s", stdout)
			}
			tt.check(t, d, n)
		})
	}
}
