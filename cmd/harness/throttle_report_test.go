package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/reports"
)

// TestReportThrottlingAgrees: a load the platform throttles (1010010 with its flow-control
// resultdesc) is described the same way in the result-code table and the throttling table of
// the report, with the same count: flow control, never "Invalid digest." (the code's other
// meaning, which these answers did not carry).
func TestReportThrottlingAgrees(t *testing.T) {
	t.Parallel()
	p := startPlatform(t, "--flow-control", "10/10")
	out := filepath.Join(t.TempDir(), "load")
	code, stdout, stderr := runHarness(t, platformEnv, "load", "--target", p.URL, "--ca-file", p.CertFile, "--profile", platformProfile(t, ""),
		"--rate", "20", "--hold", "100ms", "--duration", "2s", "--generator-lag", "0", "--progress", "-1", "--out", out)
	// Unbinds refused by the flow control may leave bindings behind: exit 1 then.
	if code != exitOK && code != exitFailed {
		t.Fatalf("load: exit %d\n%s\n%s", code, stdout, stderr)
	}
	rep := filepath.Join(t.TempDir(), "rep")
	if code, stdout, stderr = runHarness(t, nil, "report", out, "--out", rep); code != exitOK && code != exitFailed {
		t.Fatalf("report: exit %d\n%s\n%s", code, stdout, stderr)
	}
	s, err := reports.LoadSummary(filepath.Join(rep, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	ls := s.Load.Scenarios[0]
	var throttled int64
	for _, x := range ls.Rejections {
		if x.Code == string(pns.CodeInvalidDigest) && x.Throttling {
			throttled += x.Count
			if x.Description != pns.DescFlowControl {
				t.Errorf("throttling row describes 1010010 as %q", x.Description)
			}
		}
	}
	if throttled == 0 {
		t.Fatalf("the platform throttled nothing: the check would mean nothing\n%s", stdout)
	}
	for _, c := range ls.ResultCodes {
		if c.Code != string(pns.CodeInvalidDigest) {
			continue
		}
		if c.Description != pns.DescFlowControl || c.Count != throttled {
			t.Errorf("result-code row 1010010 %q ×%d, want %q ×%d as in the throttling table", c.Description, c.Count, pns.DescFlowControl, throttled)
		}
	}
	html, err := os.ReadFile(filepath.Join(rep, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(html), "Invalid digest") {
		t.Error("index.html calls the flow-control answers 'Invalid digest.'")
	}
	row := regexp.MustCompile(`<td class="l mono">1010010</td><td class="l small wrap">` + regexp.QuoteMeta(pns.DescFlowControl) + `</td><td>` + strconv.FormatInt(throttled, 10) + `</td>`)
	if !row.Match(html) {
		t.Errorf("index.html's result-code table lacks 1010010 %q ×%d", pns.DescFlowControl, throttled)
	}
}
