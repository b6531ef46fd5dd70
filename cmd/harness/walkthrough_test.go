package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

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
// in the doc's order, from a directory holding bin/harness as make build leaves it: emulator with callback URLs from its
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
	// The shell starts where the doc says: a clone's root after make build, with the binary in
	// bin/ and not on PATH (a harness installed on this machine is taken off it), so the
	// walkthrough works only if it puts bin/ on PATH itself, as it tells the user to.
	dir := t.TempDir()
	if err := os.Rename(filepath.Join(harnessOnPath(t), "harness"), filepath.Join(mkdir(t, filepath.Join(dir, "bin")), "harness")); err != nil {
		t.Fatal(err)
	}
	var path []string
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(d, "harness")); err != nil {
			path = append(path, d)
		}
	}
	cmd := exec.Command("bash", "-c", script.String())
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+strings.Join(path, string(os.PathListSeparator)))
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
	// The doc names the rows the report shows, all of them and no others, and how their delays
	// were measured.
	rows := regexp.MustCompile("(?s)`report/index.html` has a Callbacks section with one row per event type \\((.*?)\\)").FindStringSubmatch(string(doc))
	if rows == nil {
		t.Fatal("docs/walkthrough.md no longer names the report's callback rows")
	}
	var named, shown []string
	for _, m := range regexp.MustCompile("`([a-zA-Z.]+)`").FindAllStringSubmatch(rows[1], -1) {
		named = append(named, m[1])
	}
	for _, e := range cb.Events {
		shown = append(shown, e.Event)
	}
	slices.Sort(named)
	slices.Sort(shown)
	if !slices.Equal(named, shown) {
		t.Errorf("the walkthrough names the rows %v, the report shows %v", named, shown)
	}
	if cb.Reference != "emulator" || cb.Resolution != time.Microsecond || !strings.Contains(string(doc), "`X-Emulator-Emitted-At` header,\nresolution 1 µs") {
		t.Errorf("the report measured delays from %q at %s resolution; the walkthrough must say how", cb.Reference, cb.Resolution)
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

// mkdir creates a directory and returns it.
func mkdir(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
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
