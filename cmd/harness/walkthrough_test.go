package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/reports"
)

// walkthroughDoc is the user's walkthrough the test runs.
var walkthroughDoc = filepath.Join("..", "..", "docs", "walkthrough.md")

// shellBlocks returns the ```sh blocks of a Markdown document, in order.
func shellBlocks(doc string) []string {
	var blocks []string
	for _, m := range regexp.MustCompile("(?ms)^```sh\n(.*?)^```$").FindAllStringSubmatch(doc, -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// freeLoopbackPort returns a port that was free on 127.0.0.1 a moment ago.
func freeLoopbackPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// TestWalkthrough runs docs/walkthrough.md's shell blocks, command by command in one shell and
// in the doc's order, with the harness binary on PATH: emulator with callback URLs from its
// own --print-config, `harness receive`, a signed bind, a simulated call and `harness report`.
// The report must show a delay for every callback of the call. Only the doc's two fixed ports
// are replaced, by free ones, so that parallel test runs do not collide.
func TestWalkthrough(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "openssl", "sed", "base64"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the walkthrough needs %s", tool)
		}
	}
	doc, err := os.ReadFile(walkthroughDoc)
	if err != nil {
		t.Fatal(err)
	}
	blocks := shellBlocks(string(doc))
	if len(blocks) < 5 {
		t.Fatalf("docs/walkthrough.md has %d sh blocks, want the 5 steps and the setup", len(blocks))
	}
	emuPort, rcvPort := freeLoopbackPort(t), freeLoopbackPort(t)
	var script strings.Builder
	// Whatever happens, the background processes the walkthrough starts end with the test.
	script.WriteString("set -euo pipefail\ntrap 'for f in walkthrough/*.pid; do [ -f \"$f\" ] && kill \"$(cat \"$f\")\" 2>/dev/null; done; true' EXIT\n")
	for i, b := range blocks {
		b = strings.ReplaceAll(b, "127.0.0.1:8080", "127.0.0.1:"+emuPort)
		b = strings.ReplaceAll(b, "127.0.0.1:9090", "127.0.0.1:"+rcvPort)
		script.WriteString("echo '### walkthrough block " + string(rune('1'+i)) + "' >&2\n" + b)
	}
	dir := t.TempDir()
	bin := harnessOnPath(t)
	cmd := exec.Command("bash", "-c", script.String())
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("walkthrough failed: %v\nstdout:\n%s\nstderr:\n%s", err, tail(stdout.String(), 3000), tail(stderr.String(), 3000))
	}
	work := filepath.Join(dir, "walkthrough")
	s, err := reports.LoadSummary(filepath.Join(work, "report", "summary.json"))
	if err != nil {
		t.Fatalf("%v\nstdout:\n%s", err, tail(stdout.String(), 3000))
	}
	cb := s.Callbacks
	if cb == nil {
		t.Fatal("the report has no callback section")
	}
	if cb.Counters.BadSignature != 0 || cb.Counters.Invalid != 0 {
		t.Errorf("callback anomalies: %+v", cb.Counters)
	}
	got := map[string]reports.CallbackType{}
	for _, e := range cb.Events {
		got[e.Event] = e
	}
	html, _ := os.ReadFile(filepath.Join(work, "report", "index.html"))
	for _, ev := range []string{"callin", "callout", "alerting", "answer", "disconnect", "fee"} {
		e, ok := got[ev]
		if !ok || e.Count != 1 || e.Latency.Max <= 0 {
			t.Errorf("event %s: %+v (all: %+v)", ev, e, cb.Events)
			continue
		}
		// The delay is in the console and in the page, as the doc says.
		if !strings.Contains(stdout.String(), "delay p50 "+reports.FormatDuration(e.Latency.P50)) {
			t.Errorf("the console lacks the %s delay %s", ev, reports.FormatDuration(e.Latency.P50))
		}
		if !strings.Contains(string(html), `<td class="l mono">`+ev+`</td>`) {
			t.Errorf("the HTML report lacks the %s row", ev)
		}
	}
}

// harnessOnPath returns a directory holding an executable `harness`: this test binary in
// harness mode, so that shell commands run the real command line.
func harnessOnPath(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\n" + asHarnessEnv + "=1 exec '" + self + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "harness"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
