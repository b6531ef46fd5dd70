package reports

import (
	"bytes"
	"context"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromiumTimeout bounds each browser run so that a hung Chromium cannot hang the test run;
// it is a safety limit, not an assertion about speed.
const chromiumTimeout = 90 * time.Second

// runChromium runs headless Chromium on page with extra flags and returns stdout and stderr.
func runChromium(t *testing.T, bin, page string, extra ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), chromiumTimeout)
	defer cancel()
	args := append(ChromiumArgs(t.TempDir()), extra...)
	args = append(args, (&url.URL{Scheme: "file", Path: page}).String())
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\nstderr:\n%s", extra, err, tail(errb.String(), 4000))
	}
	return out.String(), errb.String()
}

// TestBrowserRendersReport renders the fixture report in headless Chromium: the screenshot
// must decode as a PNG of the requested size, the DOM Chromium built must hold every section,
// and the console must be free of errors about the page.
func TestBrowserRendersReport(t *testing.T) {
	bin, err := FindChromium()
	if err != nil {
		t.Skip("chromium not installed: apt-get install -y chromium")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	dir := t.TempDir()
	page, err := WriteAll(dir, fixtureSummary(t))
	if err != nil {
		t.Fatal(err)
	}

	// Screenshot through the exported helper, with console logging from a direct run.
	shot := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), chromiumTimeout)
	defer cancel()
	if err := Screenshot(ctx, page, shot, 1280, 2000); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 2000 {
		t.Errorf("screenshot is %v, want 1280x2000", b)
	}
	if fi.Size() < 20_000 {
		t.Errorf("screenshot is only %d bytes: blank page?", fi.Size())
	}
	// A rendered report is not a single colour: sample the verdict banner (red for FAIL) and
	// the page background.
	banner := img.At(640, 40)
	r, g, b, _ := banner.RGBA()
	if !(r>>8 > 150 && g>>8 < 80 && b>>8 < 80) {
		t.Errorf("verdict banner pixel is %v, want the FAIL red", banner)
	}

	dom, _ := runChromium(t, bin, page, "--dump-dom")
	for _, id := range append([]string{"verdict"}, sectionIDs...) {
		if !strings.Contains(dom, `id="`+id+`"`) {
			t.Errorf("DOM lacks section #%s", id)
		}
	}
	for _, h := range []string{"Run manifest", "Conformance", "Coverage matrix", "Failures", "Load", "Callbacks", "Thresholds", "Baseline comparison", "<svg"} {
		if !strings.Contains(dom, h) {
			t.Errorf("DOM lacks %q", h)
		}
	}

	// Positive control: a page that logs and throws must be reported, or the log check below
	// proves nothing on this Chromium version.
	bad := filepath.Join(dir, "bad.html")
	if err := os.WriteFile(bad, []byte(`<!DOCTYPE html><p>x</p><script>console.error("control"); throw new Error("control")</script>`), 0o644); err != nil {
		t.Fatal(err)
	}
	logFlags := []string{"--enable-logging=stderr", "--v=0", "--screenshot=" + filepath.Join(dir, "shot2.png"), "--window-size=1280,2000"}
	if _, logs := runChromium(t, bin, bad, logFlags...); len(consoleProblems(logs, "bad.html")) == 0 {
		t.Fatalf("console logging does not work: a throwing page produced no finding:\n%s", tail(logs, 3000))
	}
	_, logs := runChromium(t, bin, page, logFlags...)
	if p := consoleProblems(logs, HTMLFile); len(p) > 0 {
		t.Errorf("console problems:\n%s", strings.Join(p, "\n"))
	}
}

// consoleProblems picks the lines of a Chromium --enable-logging=stderr log that concern the
// page: any console message (the report has no script, so there should be none), uncaught
// exceptions, and errors naming the page file. Chromium's own D-Bus and sandbox noise in a
// container is ignored.
func consoleProblems(log, pageName string) []string {
	var out []string
	for _, line := range strings.Split(log, "\n") {
		switch {
		case strings.Contains(line, ":CONSOLE"), strings.Contains(line, "Uncaught"):
			out = append(out, line)
		case strings.Contains(line, pageName) && (strings.Contains(line, "ERROR") || strings.Contains(line, "Failed") || strings.Contains(line, "Not allowed")):
			out = append(out, line)
		}
	}
	return out
}

func TestConsoleProblems(t *testing.T) {
	log := `[1:1:1127/042551.657562:ERROR:dbus/object_proxy.cc:572] Failed to call method: org.freedesktop.DBus.NameHasOwner
[1:1:1127/042556.110358:WARNING:ui/base/idle/idle_linux.cc:111] None of the known D-Bus ScreenSaver services could be used.
241763 bytes written to file /tmp/x/shot2.png`
	if p := consoleProblems(log, "index.html"); len(p) != 0 {
		t.Errorf("noise reported: %v", p)
	}
	for _, line := range []string{
		`[2:2:1127/042556.409575:INFO:CONSOLE:1] "console-err", source: file:///tmp/jsx/index.html (1)`,
		`[2:2:1127/042556.410061:INFO:CONSOLE(1)] "Uncaught Error: boom", source: file:///tmp/jsx/index.html (1)`,
		`[2:2:1127/042556.410061:ERROR:CONSOLE:7] "Uncaught TypeError: x is undefined"`,
		`[3:3:1127/042556.5:ERROR:net/base/x.cc:1] Failed to load file:///tmp/jsx/index.html`,
	} {
		if p := consoleProblems(log+"\n"+line, "index.html"); len(p) != 1 {
			t.Errorf("line not reported: %s", line)
		}
	}
}
