package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"image/png"
	"io"
	"net"
	"net/http"
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

// cspProbeJS is served to the test-only probe page: it records every Content-Security-Policy
// violation of the page (the listener is registered before anything else of the page loads),
// and after the load measures what a blocked stylesheet would change: the verdict banner's
// colour, each chart's size, a chart line's stroke and fill (unstyled SVG lines have no
// stroke and a black fill) and a result bar's fill. It writes the findings as JSON into
// <pre id="csp-probe">, which --dump-dom prints.
const cspProbeJS = `var violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  violations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' ' + (e.sample || ''));
});
window.addEventListener('load', function () {
  setTimeout(function () {
    var out = {violations: violations, charts: [], line: {}, bar: '', verdict: ''};
    document.querySelectorAll('svg.chart').forEach(function (s) {
      var r = s.getBoundingClientRect();
      out.charts.push([Math.round(r.width), Math.round(r.height)]);
    });
    var line = document.querySelector('svg.chart polyline.line');
    if (line) { var cs = getComputedStyle(line); out.line = {stroke: cs.stroke, fill: cs.fill}; }
    var bar = document.querySelector('svg.stack rect.pass');
    if (bar) { out.bar = getComputedStyle(bar).fill; }
    out.scrolled = [];
    document.querySelectorAll('section .scroll').forEach(function (d) {
      if (d.scrollWidth > d.clientWidth + 1) {
        var sec = d.closest('section');
        var th = d.querySelector('th');
        out.scrolled.push((sec ? sec.id : '?') + ': ' + (th ? th.textContent : '') + ' (' + d.scrollWidth + ' > ' + d.clientWidth + ' px)');
      }
    });
    var v = document.querySelector('header.verdict');
    if (v) { out.verdict = getComputedStyle(v).backgroundColor; }
    var pre = document.createElement('pre');
    pre.id = 'csp-probe';
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }, 0);
});
`

// cspProbe is what cspProbeJS reports.
type cspProbe struct {
	Violations []string          `json:"violations"`
	Charts     [][2]int          `json:"charts"`
	Line       map[string]string `json:"line"`
	Bar        string            `json:"bar"`
	Verdict    string            `json:"verdict"`
	// Scrolled names the tables whose box scrolls sideways (section id, first header).
	Scrolled []string `json:"scrolled"`
}

// serveWithCSP serves dir on a loopback port with ReportCSP on every response, as a CI server
// with Jenkins' default policy would, plus two test-only pages: /probe.html is index.html
// with <script src="probe.js"> as the first element of its head, /bad.html a page that
// breaks the policy with inline styles (the positive control).
func serveWithCSP(t *testing.T, dir string) string {
	t.Helper()
	page, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	probe := strings.Replace(string(page), "<head>", `<head><script src="probe.js"></script>`, 1)
	if probe == string(page) {
		t.Fatal("index.html has no <head> to put the probe in")
	}
	bad := `<!DOCTYPE html><html><head><script src="probe.js"></script><style>p{color:red}</style></head><body><p style="color:blue">x</p></body></html>`
	files := http.FileServer(http.Dir(dir))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", ReportCSP)
		switch r.URL.Path {
		case "/probe.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = io.WriteString(w, probe)
		case "/bad.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = io.WriteString(w, bad)
		case "/probe.js":
			w.Header().Set("Content-Type", "text/javascript")
			_, _ = io.WriteString(w, cspProbeJS)
		default:
			files.ServeHTTP(w, r)
		}
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

// runChromiumURL is runChromium on a URL, which must be on 127.0.0.1.
func runChromiumURL(t *testing.T, bin, u string, extra ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), chromiumTimeout)
	defer cancel()
	args := ChromiumArgs(t.TempDir())
	for i, a := range args {
		// Every name still resolves to nothing, but the loopback test server is reachable.
		if strings.HasPrefix(a, "--host-resolver-rules=") {
			args[i] = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
		}
	}
	args = append(args, extra...)
	cmd := exec.CommandContext(ctx, bin, append(args, u)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s %v: %v\nstderr:\n%s", u, extra, err, tail(errb.String(), 4000))
	}
	return out.String(), errb.String()
}

// readProbe loads url in Chromium and returns what cspProbeJS found. The virtual time budget
// lets the page's timers and queued violation events run before the DOM is dumped; it is
// virtual time, not a wait on the machine's speed.
func readProbe(t *testing.T, bin, url string, extra ...string) cspProbe {
	t.Helper()
	dom, logs := runChromiumURL(t, bin, url, append([]string{"--dump-dom", "--virtual-time-budget=5000"}, extra...)...)
	const open = `<pre id="csp-probe">`
	i := strings.Index(dom, open)
	j := strings.Index(dom[max(i, 0):], "</pre>")
	if i < 0 || j < 0 {
		t.Fatalf("%s: the probe reported nothing (did its script run?)\nDOM tail:\n%s\nlog:\n%s", url, tail(dom, 2000), tail(logs, 2000))
	}
	var p cspProbe
	if err := json.Unmarshal([]byte(html.UnescapeString(dom[i+len(open):i+j])), &p); err != nil {
		t.Fatalf("%s: probe output: %v", url, err)
	}
	return p
}

// TestBrowserRendersUnderCSP serves the report with Jenkins-like Content-Security-Policy
// (ReportCSP) and renders it in headless Chromium: no violation may be reported (by a
// securitypolicyviolation listener, or on the console), the stylesheet must apply (the FAIL
// banner is red, chart lines are stroked and unfilled, result bars are coloured) and every
// chart must have a size. A control page with inline styles, served the same way, must
// report violations on both channels, or the checks prove nothing.
func TestBrowserRendersUnderCSP(t *testing.T) {
	bin, err := FindChromium()
	if err != nil {
		t.Skip("chromium not installed: apt-get install -y chromium")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	dir := t.TempDir()
	if _, err := WriteAll(dir, fixtureSummary(t)); err != nil {
		t.Fatal(err)
	}
	base := serveWithCSP(t, dir)

	// Positive controls: inline styles are blocked and reported on both channels.
	if p := readProbe(t, bin, base+"/bad.html"); len(p.Violations) < 2 {
		t.Fatalf("the control page's inline <style> and style=\"\" were not both reported: %v", p.Violations)
	}
	logFlags := []string{"--enable-logging=stderr", "--v=0", "--dump-dom", "--virtual-time-budget=5000"}
	if _, logs := runChromiumURL(t, bin, base+"/bad.html", logFlags...); len(consoleProblems(logs, "bad.html")) == 0 {
		t.Fatalf("the console shows no CSP violation of the control page:\n%s", tail(logs, 3000))
	}

	p := readProbe(t, bin, base+"/probe.html")
	if len(p.Violations) > 0 {
		t.Errorf("the report breaks %s:\n%s", ReportCSP, strings.Join(p.Violations, "\n"))
	}
	if p.Verdict != "rgb(207, 34, 46)" { // --fail: #cf222e
		t.Errorf("the FAIL banner is %q, want the FAIL red rgb(207, 34, 46): the stylesheet did not apply", p.Verdict)
	}
	if p.Line["fill"] != "none" || p.Line["stroke"] == "" || p.Line["stroke"] == "none" {
		t.Errorf("a chart line is styled %v: want a stroke and no fill", p.Line)
	}
	if p.Bar != "rgb(26, 127, 55)" {
		t.Errorf("the passed share of a result bar is filled %q, want the pass green rgb(26, 127, 55)", p.Bar)
	}
	if len(p.Charts) == 0 {
		t.Error("no chart on the page")
	}
	for i, c := range p.Charts {
		if c[0] < 200 || c[1] < 100 {
			t.Errorf("chart %d is %dx%d px: not visible", i, c[0], c[1])
		}
	}
	// The report itself, without the probe, leaves nothing on the console under the policy.
	if _, logs := runChromiumURL(t, bin, base+"/"+HTMLFile, logFlags...); len(consoleProblems(logs, HTMLFile)) > 0 {
		t.Errorf("console problems under the policy:\n%s", strings.Join(consoleProblems(logs, HTMLFile), "\n"))
	}
}
