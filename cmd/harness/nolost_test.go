package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
