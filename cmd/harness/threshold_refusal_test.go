package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/loadtest"
)

// TestUnknownMetricRefusedByEverySubcommand: through the binary, every subcommand that takes
// --threshold refuses a metric no run can measure (a load scope typo, an unknown callback
// metric) with exit 2 and the same message, before it sends or writes anything: one grammar,
// one registry of metrics, one refusal.
func TestUnknownMetricRefusedByEverySubcommand(t *testing.T) {
	for _, sub := range []string{"load", "run", "report", "receive"} {
		for _, tt := range []struct{ expr, says string }{
			{"bnid.p99<50ms", `threshold "bnid.p99<50ms": "bnid" is no operation or interface a load measures`},
			{"callback.fe.p95<2s", `threshold "callback.fe.p95<2s": unknown notification type "fe"`},
		} {
			if sub == "receive" && !strings.HasPrefix(tt.expr, "callback.") {
				continue // receive takes callback thresholds only
			}
			t.Run(sub+" "+tt.expr, func(t *testing.T) {
				dir := t.TempDir()
				out := filepath.Join(dir, "out")
				args := []string{sub, "--threshold", tt.expr}
				switch sub {
				case "report":
					args = append(args, "--out", out, dir)
				case "receive":
					args = append(args, "--listen", "127.0.0.1:0", "--out", out)
				case "load":
					args = append(args, "--rate", "1", "--duration", "1s", "--out", out)
				default:
					args = append(args, "--out", out)
				}
				code, stdout, stderr := runHarness(t, nil, args...)
				if code != exitUsage || !strings.HasPrefix(stderr, "harness "+sub+": ") || !strings.Contains(stderr, tt.says) {
					t.Errorf("exit %d, want %d with %q\nstdout: %s\nstderr: %s", code, exitUsage, tt.says, stdout, stderr)
				}
				if _, err := os.Stat(out); !os.IsNotExist(err) {
					t.Errorf("a refused threshold still wrote %s (err %v)", out, err)
				}
			})
		}
	}
}

// TestEveryMetricFamilyRefusedAlike: for every family of the threshold registry, a metric
// with a statistic the family lacks is refused by every subcommand that takes it (receive:
// the callback family only) with exit 2 and the registry's message, before anything is
// written: the dispatch between load and callback metrics is the one entry point's.
func TestEveryMetricFamilyRefusedAlike(t *testing.T) {
	for _, f := range loadtest.ThresholdMetrics() {
		metric, _, _ := strings.Cut(strings.NewReplacer(">", "<", "=", "<").Replace(f.Example), "<")
		bad := metric[:strings.LastIndex(metric, ".")] + ".nosuchstat<1"
		_, perr := loadtest.ParseThresholdSet([]string{bad})
		if perr == nil {
			t.Fatalf("%s: %q parsed", f.Metric, bad)
		}
		for _, sub := range []string{"load", "run", "report", "receive"} {
			if sub == "receive" && f.Judged != loadtest.JudgedOnCallbacks {
				continue
			}
			t.Run(sub+" "+bad, func(t *testing.T) {
				dir := t.TempDir()
				out := filepath.Join(dir, "out")
				args := []string{sub, "--threshold", bad, "--out", out}
				switch sub {
				case "report":
					args = append(args, dir)
				case "receive":
					args = append(args, "--listen", "127.0.0.1:0")
				case "load":
					args = append(args, "--rate", "1", "--duration", "1s")
				}
				code, stdout, stderr := runHarness(t, nil, args...)
				if code != exitUsage || !strings.HasPrefix(stderr, "harness "+sub+": ") || !strings.Contains(stderr, perr.Error()) {
					t.Errorf("exit %d, want %d with %q\nstdout: %s\nstderr: %s", code, exitUsage, perr, stdout, stderr)
				}
				if _, err := os.Stat(out); !os.IsNotExist(err) {
					t.Errorf("a refused threshold still wrote %s (err %v)", out, err)
				}
			})
		}
	}
}

// TestRunRefusesAMetricItsLoadLacks: `harness run` (embedded) refuses a threshold on an
// operation its bind-unbind load does not run before the conformance suite starts, as
// `harness load` refuses it for its workload, instead of failing the load afterwards.
func TestRunRefusesAMetricItsLoadLacks(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runHarness(t, nil, "run", "--threshold", "query.p99<50ms", "--out", out)
	want := `harness run: threshold "query.p99<50ms": "query" is no operation or interface of this workload (it runs axb.bind, axb.unbind;`
	if code != exitUsage || !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("exit %d, want %d and one line %q…\nstdout: %s\nstderr: %s", code, exitUsage, want, stdout, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused threshold still wrote %s (err %v)", out, err)
	}
}

// TestLoadAndReportMessagesKept: the lines a user reads from load and report after their
// split into flags, options and work: a callback threshold on a load without calls is refused
// (exit 2) with its sentence, and report's verdict line counts the thresholds.
func TestLoadAndReportMessagesKept(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "load")
	code, stdout, stderr := runHarness(t, nil, "load", "--rate", "1", "--duration", "1s", "--threshold", "callback.missing==0", "--out", dir)
	if code != exitUsage || !strings.Contains(stderr, "\nharness load: callback thresholds need the calls scenario (or a workload that makes calls): nothing else is pushed\n") {
		t.Errorf("callback threshold without calls: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	code, stdout, stderr = runHarness(t, nil, "load", "--rate", "5", "--duration", "300ms", "--hold", "0s", "--progress", "-1",
		"--generator-lag", "0", "--threshold", "bind.count>=1", "--out", dir)
	if code != exitOK {
		t.Fatalf("load: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	code, stdout, stderr = runHarness(t, nil, "report", dir)
	if code != exitOK || !strings.Contains(stdout, "; load scenarios: 1; thresholds: 1 passed, 0 failed") {
		t.Errorf("report: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}
