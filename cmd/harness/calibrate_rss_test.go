package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestCalibrateRSSVerdict runs `harness calibrate --rss` through the binary: the run reports
// what it delivered and its peak RSS, and exits 1 when the peak reaches --rss-max. (Whether
// every request is sent depends on the machine's speed, so this test asserts only the counts'
// consistency and the memory verdict, which a 1 MiB limit makes certain.)
func TestCalibrateRSSVerdict(t *testing.T) {
	t.Parallel()
	code, out, errOut := runHarness(t, nil, "calibrate", "--rss", "400", "--rss-rate", "200", "--rss-max", "1")
	if code != exitFailed {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFailed, errOut)
	}
	m := regexp.MustCompile(`^(\d+) of 400 requests delivered in \S+ \(\d+/s, shortfall [0-9.]+%\): peak RSS [0-9.]+ MiB \([0-9.]+ MiB before the run; limit 1 MiB\)\n$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("stdout %q", out)
	}
	if !strings.Contains(errOut, "reaches the 1 MiB limit") {
		t.Errorf("stderr %q: want the limit named", errOut)
	}
	if m[1] != "400" && !strings.Contains(errOut, "were not sent: lower --rss-rate") {
		t.Errorf("%s of 400 delivered without saying so: %q", m[1], errOut)
	}
	for _, args := range [][]string{{"calibrate", "--rss", "10", "--rss-rate", "0"}, {"calibrate", "--rss", "10", "--rss-max", "0"}} {
		if code, _, errOut := runHarness(t, nil, args...); code != exitUsage || errOut != "harness calibrate: want --rss-rate > 0 and --rss-max > 0\n" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
