package reports

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

// SectionIDs are the stable section anchors of the HTML report.
var sectionIDs = []string{"manifest", "conformance", "coverage", "failures", "load", "callbacks", "thresholds", "baseline"}

func renderHTML(t *testing.T, s *Summary) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteHTML(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var (
	reTag     = regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	reURLAttr = regexp.MustCompile(`(?i)\s(src|href|xlink:href|action|formaction|poster|data|srcset|background|ping)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)
	reStyleEl = regexp.MustCompile(`(?is)<style[^>]*>(.*?)</style>`)
	reStyleAt = regexp.MustCompile(`(?i)\sstyle\s*=\s*("[^"]*"|'[^']*')`)
	reBadTag  = regexp.MustCompile(`(?i)<(script|link|iframe|object|embed|img|base|audio|video|source|frame)\b`)
)

// ownStylesheet is the one fetch the page makes: its stylesheet, a file beside it.
var ownStylesheet = `<link rel="stylesheet" href="` + CSSFile + `">`

// externalRefs lists everything in a page that would make a browser fetch: URL-valued
// attributes other than fragment links and data: URLs, CSS url() and @import, and elements
// that load resources, except the page's own stylesheet (ownStylesheet, exactly). Text is not
// inspected: html/template escapes "<" in text, so every literal "<" starts a real tag, and a
// target URL shown as text is harmless.
func externalRefs(page string) []string {
	var out []string
	for _, tag := range reTag.FindAllString(page, -1) {
		if tag == ownStylesheet {
			continue
		}
		for _, m := range reURLAttr.FindAllStringSubmatch(tag, -1) {
			v := strings.Trim(m[2], `"'`)
			if v == "" || strings.HasPrefix(v, "#") || strings.HasPrefix(strings.ToLower(v), "data:") {
				continue
			}
			out = append(out, m[1]+"="+v)
		}
		for _, m := range reStyleAt.FindAllStringSubmatch(tag, -1) {
			if strings.Contains(strings.ToLower(m[1]), "url(") {
				out = append(out, "style url(): "+m[1])
			}
		}
	}
	for _, m := range reStyleEl.FindAllStringSubmatch(page, -1) {
		css := strings.ToLower(m[1])
		if strings.Contains(css, "url(") || strings.Contains(css, "@import") {
			out = append(out, "stylesheet url()/@import")
		}
	}
	for _, m := range reBadTag.FindAllString(strings.ReplaceAll(page, ownStylesheet, ""), -1) {
		out = append(out, "element "+m)
	}
	return out
}

var (
	reEventAttr = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	reJSURL     = regexp.MustCompile(`(?i)(href|src|action)\s*=\s*["']?\s*javascript:`)
)

// cspViolations lists what in a page a Content-Security-Policy without 'unsafe-inline'
// (ReportCSP) would block: <style> elements, style="" attributes (in HTML and SVG alike),
// <script> elements, event-handler attributes and javascript: URLs.
func cspViolations(page string) []string {
	var out []string
	if reStyleEl.MatchString(page) {
		out = append(out, "a <style> element")
	}
	for _, tag := range reTag.FindAllString(page, -1) {
		if reStyleAt.MatchString(tag) {
			out = append(out, "style attribute: "+tag)
		}
		if reEventAttr.MatchString(tag) {
			out = append(out, "event handler: "+tag)
		}
		if reJSURL.MatchString(tag) {
			out = append(out, "javascript: URL: "+tag)
		}
	}
	if regexp.MustCompile(`(?i)<script\b`).MatchString(page) {
		out = append(out, "a <script> element")
	}
	return out
}

// TestCSPViolations checks the detector on pages that break the policy in each way, and that
// the page's own markup (bars, charts) does not.
func TestCSPViolations(t *testing.T) {
	for _, bad := range []string{
		`<style>p{}</style>`, `<div style="width:5%"></div>`, `<svg><rect style="fill:red"/></svg>`,
		`<script src="x.js"></script>`, `<body onload="x()">`, `<a href="javascript:x()">`,
	} {
		if len(cspViolations(bad)) == 0 {
			t.Errorf("cspViolations missed %s", bad)
		}
	}
	good := `<p>style="width:5%" as text</p>` + string(stackBar(ifaceRow{PassW: 50, FailW: 30, SkipW: 20})) + string(shareBar(40, true))
	if v := cspViolations(good); len(v) != 0 {
		t.Errorf("false positives: %v", v)
	}
}

// TestHTMLRendersUnderStrictCSP: the page has nothing a policy without 'unsafe-inline'
// blocks, its only external reference is its stylesheet, and WriteAll writes that
// stylesheet beside it.
func TestHTMLRendersUnderStrictCSP(t *testing.T) {
	page := renderHTML(t, fixtureSummary(t))
	if v := cspViolations(page); len(v) != 0 {
		t.Errorf("the page needs 'unsafe-inline':\n%s", strings.Join(v, "\n"))
	}
	if !strings.Contains(page, ownStylesheet) {
		t.Errorf("the page does not link %s", CSSFile)
	}
	var css bytes.Buffer
	if err := WriteCSS(&css); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(css.String(), ".verdict") || !strings.Contains(css.String(), "svg.stack") {
		t.Error("the stylesheet lacks the page's rules")
	}
}

// wellFormed parses the page with encoding/xml in HTML mode to catch unbalanced tags.
func wellFormed(page string) error {
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func TestExternalRefsDetects(t *testing.T) {
	bad := []string{
		`<img src="https://example.com/a.png">`,
		`<a href="http://example.com">x</a>`,
		`<link rel="stylesheet" href="//cdn.example.com/x.css">`,
		`<style>body{background:url(https://x/y.png)}</style>`,
		`<style>@import "x.css";</style>`,
		`<div style="background:url('http://x')"></div>`,
		`<script>1</script>`,
		`<svg><image href="https://x/y.png"/></svg>`,
	}
	for _, b := range bad {
		if len(externalRefs(b)) == 0 {
			t.Errorf("externalRefs missed %s", b)
		}
	}
	good := `<a href="#load">x</a><p>target https://pns.example.com/rest</p><p>&lt;img src=&#34;http://evil/&#34;&gt;</p><div style="width:50%"></div>`
	if refs := externalRefs(good); len(refs) != 0 {
		t.Errorf("false positives: %v", refs)
	}
}

func TestHTMLFull(t *testing.T) {
	s := fixtureSummary(t)
	page := renderHTML(t, s)
	for _, id := range append([]string{"verdict"}, sectionIDs...) {
		if !strings.Contains(page, `id="`+id+`"`) {
			t.Errorf("section id %q missing", id)
		}
	}
	if refs := externalRefs(page); len(refs) != 0 {
		t.Errorf("page would fetch external resources: %v", refs)
	}
	if err := wellFormed(page); err != nil {
		t.Errorf("page is not well formed: %v", err)
	}
	for _, want := range []string{
		`class="verdict fail"`, ">FAIL<",
		"Bind response follows the schema", "/subscriptionId", "missing property &#39;subscriptionId&#39;", // failure with schema violations
		"<details", "Request</summary>", "Response</summary>",
		"axb-steady", "ax-step", "<svg", "<polyline", "<rect class=\"bar\"", // load charts
		"Corrected response time per interface", "Service time per interface", "1012008", "Result codes",
		"Steps and conformance errors", "callin", "badSignature", // callbacks
		"load.ax-step.ax.query.p99 &lt; 50ms", "61.3ms", // thresholds
		"summary-v0.2.0.json", "worse", // baseline
		"13.1-x-reuse", "not-reachable", // coverage
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, notWant := range []string{"not run", "No baseline given", "No thresholds defined"} {
		if strings.Contains(page, notWant) {
			t.Errorf("full report shows %q", notWant)
		}
	}
}

func TestHTMLEmptySections(t *testing.T) {
	page := renderHTML(t, &Summary{Manifest: Manifest{Profile: "nothing"}})
	for _, id := range sectionIDs {
		if !strings.Contains(page, `id="`+id+`"`) {
			t.Errorf("section id %q missing from empty report", id)
		}
	}
	for _, want := range []string{
		"Conformance suite not run.", "Load test not run.", "Callback receiver not run.",
		"No thresholds defined.", "No baseline given.", "No coverage matrix", `class="verdict empty"`, "NO RESULTS",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("empty report lacks %q", want)
		}
	}
	if err := wellFormed(page); err != nil {
		t.Errorf("page is not well formed: %v", err)
	}
}

func TestHTMLPassingRun(t *testing.T) {
	s := &Summary{Conformance: NewConformance([]Scenario{{Feature: "F", Name: "ok", Interface: "axb.bind", Status: StatusPassed}}, nil),
		Thresholds: []Threshold{{Expression: "x < 1", Observed: 0, Passed: true}}}
	page := renderHTML(t, s)
	for _, want := range []string{`class="verdict pass"`, ">PASS<", "No failing scenarios.", "Load test not run."} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestHTMLEscapesHostileContent feeds markup through every free-text field a target can
// influence and checks it comes out as text.
func TestHTMLEscapesHostileContent(t *testing.T) {
	const hostile = `<script>alert(1)</script><img src="https://evil.example/x.png"><a href="http://evil.example">x</a>`
	s := fixtureSummary(t)
	sc := &s.Conformance.Scenarios[1]
	sc.Status, sc.Error, sc.Request, sc.Response, sc.Name = StatusFailed, hostile, hostile, hostile, hostile
	sc.SchemaViolations = []SchemaViolation{{InstancePath: hostile, KeywordPath: hostile, Message: hostile}}
	sc.Attachments = []Attachment{{Name: hostile, MediaType: "text/html", Text: hostile}}
	s.Load.Scenarios[0].Name = hostile
	s.Load.Scenarios[0].ResultCodes[0].Description = hostile
	s.Thresholds[0].Expression = hostile
	s.Errors = []string{hostile}
	s.Manifest.Profile = hostile
	page := renderHTML(t, s)
	if refs := externalRefs(page); len(refs) != 0 {
		t.Errorf("hostile content became markup: %v", refs)
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("hostile content not shown escaped")
	}
	if err := wellFormed(page); err != nil {
		t.Errorf("page is not well formed: %v", err)
	}
}

// The manifest shows only what has a value: no "—" rows, no empty settings.
func TestManifestHasNoEmptyRows(t *testing.T) {
	s := &Summary{Manifest: Manifest{HarnessVersion: "v1.2.3 abc", Settings: []Setting{{Key: "tags", Value: ""}, {Key: "bind rate", Value: "100/s"}}}}
	page := renderHTML(t, s)
	i := strings.Index(page, `<section id="manifest">`)
	if i < 0 {
		t.Fatal("no manifest section")
	}
	m := page[i:]
	m = m[:strings.Index(m, "</section>")]
	for _, absent := range []string{"Schema hash", "Feature hash", "Target", "Seed", ">tags<", "—"} {
		if strings.Contains(m, absent) {
			t.Errorf("manifest shows %q without a value", absent)
		}
	}
	for _, present := range []string{"v1.2.3 abc", "bind rate", "100/s"} {
		if !strings.Contains(m, present) {
			t.Errorf("manifest lacks %q", present)
		}
	}
}

// Every chart names both axes.
func TestChartsHaveAxisTitles(t *testing.T) {
	page := renderHTML(t, fixtureSummary(t))
	charts := strings.Count(page, `<svg class="chart"`)
	if charts == 0 {
		t.Fatal("no charts")
	}
	if n := strings.Count(page, `class="atitle"`); n != 2*charts {
		t.Errorf("%d axis titles for %d charts, want two each", n, charts)
	}
	for _, unit := range []string{"time since start (s)", "axb.bind requests/s", "response time (ms)", "p99 response time (ms)"} {
		if !strings.Contains(page, unit) {
			t.Errorf("no axis says %q", unit)
		}
	}
}

// TestHTMLGeneratorThrottlingFlows: a generator-bound load says so before its figures, and
// the generator, flow and throttling tables carry their units.
func TestHTMLGeneratorThrottlingFlows(t *testing.T) {
	ls := LoadScenario{Name: "mixed", TargetRate: 30, AchievedRate: 30, Duration: time.Second, Requests: 10, SuccessRatio: 0.5,
		Generator:  &GeneratorTiming{LagP50: time.Millisecond, LagP99: 1500 * time.Millisecond, LagMax: 2 * time.Second, BlockedP99: 1400 * time.Millisecond, Limit: 50 * time.Millisecond, Bound: true},
		Rejections: []Rejection{{Code: "1010010", Throttling: true, Count: 7, Began: 2500 * time.Millisecond, BeganAtRate: 480}},
		Flows:      []FlowLoad{{Name: "axb-lifecycle", Mode: "axb", Planned: 20, Sessions: 20, Completed: 19, Ended: 1, Steps: []FlowStep{{Op: "bind", Interface: "axb.bind", Requests: 20, Success: 19}, {Op: "unbind", Interface: "axb.unbind", Requests: 19, Success: 19}}}}}
	page := renderHTML(t, &Summary{Load: &Load{Scenarios: []LoadScenario{ls}}})
	if err := wellFormed(page); err != nil {
		t.Fatalf("page is not well formed: %v", err)
	}
	bound := strings.Index(page, "Generator-bound:")
	figures := strings.Index(page, "<th>Target rate</th>")
	if bound < 0 || figures < 0 || bound > figures {
		t.Errorf("generator-bound notice missing or after the figures (%d, %d)", bound, figures)
	}
	for _, want := range []string{
		"up to 1.5s late (p99, limit 50ms)", "generator-bound</td>", "<h4>Generator</h4>",
		"<h4>Flows</h4>", "axb-lifecycle", "bind</span> 20/19", " → ",
		"Throttling and rejections", "throttling (flow control)", "2.5s", "480",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
