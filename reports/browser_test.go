package reports

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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

// pdfPageText extracts the text of pages first..last of a PDF with poppler's pdftotext.
func pdfPageText(t *testing.T, pdf string, first, last int) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed: apt-get install -y poppler-utils")
	}
	// Reading order, not -layout: a table cell wrapped over lines stays contiguous.
	args := []string{"-f", strconv.Itoa(first), "-l", strconv.Itoa(last), pdf, "-"}
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// squeeze drops all white space, so that text a PDF wrapped over lines or table cells still
// matches.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// bigSummary is the fixture with a coverage matrix of the real suite's size (234 rows) and
// every threshold failing or passing, the report a release manager prints.
func bigSummary(t *testing.T) *Summary {
	s := fixtureSummary(t)
	for i := 0; len(s.Conformance.Coverage) < 234; i++ {
		s.Conformance.Coverage = append(s.Conformance.Coverage, CoverageRow{Interface: "axe.bind", Item: fmt.Sprintf("rule-%03d", i), Kind: KindRule,
			Description: "a rule of the contract with a description long enough to take a line", Scenarios: []string{"Some scenario covering it"}, Status: CoverageCovered})
	}
	return s
}

// TestBrowserPrintsVerdictsFirst prints the report to PDF as a release manager would: the
// first three pages must hold the verdict, every threshold with its status, the failures and
// every load scenario's figures, and the figures that must agree (requests and rates of each
// load scenario) must be equal in summary.json, the page and the printed text.
func TestBrowserPrintsVerdictsFirst(t *testing.T) {
	if _, err := FindChromium(); err != nil {
		t.Skip("chromium not installed: apt-get install -y chromium")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	dir := t.TempDir()
	page, err := WriteAll(dir, bigSummary(t))
	if err != nil {
		t.Fatal(err)
	}
	s, err := LoadSummary(filepath.Join(dir, JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "report.pdf")
	ctx, cancel := context.WithTimeout(context.Background(), chromiumTimeout)
	defer cancel()
	if err := PrintPDF(ctx, page, pdf); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(pdf); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %v", err)
	}
	first := squeeze(pdfPageText(t, pdf, 1, 3))
	all := squeeze(pdfPageText(t, pdf, 1, 1000))
	need := []string{s.Verdict.Status, "Thresholds", "Failures", "Load"}
	for _, th := range s.Thresholds {
		need = append(need, th.Expression, th.ObservedString())
	}
	for _, f := range s.Conformance.Scenarios {
		if f.Status == StatusFailed {
			need = append(need, f.Name)
		}
	}
	for _, ls := range s.Load.Scenarios {
		need = append(need, ls.Name, ls.Headline())
	}
	for _, n := range need {
		if !strings.Contains(first, squeeze(n)) {
			where := "nowhere in the PDF"
			if strings.Contains(all, squeeze(n)) {
				where = "only after page 3"
			}
			t.Errorf("%q is %s", n, where)
		}
	}
	// The coverage matrix is collapsed: its rows are not printed, its summary is.
	if strings.Contains(all, squeeze("rule-100")) {
		t.Error("the collapsed coverage matrix was printed row by row")
	}
	if !strings.Contains(all, squeeze("Rules covered")) {
		t.Error("the coverage summary is not printed")
	}

	// Figures that must agree: each load scenario's requests and rates, in the page the
	// browser built and in summary.json.
	bin, _ := FindChromium()
	dom, _ := runChromium(t, bin, page, "--dump-dom")
	for _, ls := range s.Load.Scenarios {
		i := strings.Index(dom, "<h3>"+ls.Name+"</h3>")
		if i < 0 {
			t.Fatalf("DOM lacks scenario %s", ls.Name)
		}
		block := dom[i:]
		for fig, want := range map[string]string{"requests": FormatCount(ls.Requests), "achieved-rate": FormatRate(ls.AchievedRate), "target-rate": FormatRate(ls.TargetRate)} {
			if got := domFigure(block, fig); got != want {
				t.Errorf("%s: %s is %q on the page, %q in summary.json", ls.Name, fig, got, want)
			}
		}
		if !strings.Contains(block, ls.Headline()) {
			t.Errorf("%s: the page lacks the headline the console prints: %s", ls.Name, ls.Headline())
		}
		var stepRequests int64
		for _, st := range ls.Steps {
			stepRequests += st.Requests
		}
		if len(ls.Steps) > 0 && stepRequests+ls.AfterPlanRequests != ls.Requests {
			t.Errorf("%s: steps count %d requests + %d after the plan, the scenario %d", ls.Name, stepRequests, ls.AfterPlanRequests, ls.Requests)
		}
	}
}

// domFigure returns the text of the first element with data-figure="name" in html.
func domFigure(html, name string) string {
	i := strings.Index(html, `data-figure="`+name+`"`)
	if i < 0 {
		return ""
	}
	rest := html[i:]
	start := strings.IndexByte(rest, '>')
	end := strings.Index(rest, "<")
	if start < 0 || end < start {
		return ""
	}
	return rest[start+1 : end]
}
