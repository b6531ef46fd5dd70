package reports

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed templates/report.html.tmpl templates/report.css templates/sections/*.html.tmpl
var templateFS embed.FS

var reportTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"dur":       FormatDuration,
	"add":       func(a, b int) int { return a + b },
	"count":     FormatCount,
	"count64":   func(n int) string { return FormatCount(int64(n)) },
	"rate":      FormatRate,
	"pct":       FormatPct,
	"spct":      signedPct,
	"ratio":     FormatRatio,
	"when":      formatTime,
	"statusCls": statusClass,
	"covCls":    coverageClass,
	"stepCls":   stepClass,
	"change":    formatChange,
	"value":     formatValue,
	"deltaCls":  deltaClass,
	"metric":    metricLabel,
	"firstLine": firstLine,
	"stackbar":  stackBar,
	"sharebar":  shareBar,
}).ParseFS(templateFS, "templates/report.html.tmpl", "templates/sections/*.html.tmpl"))

var reportCSS = func() template.CSS {
	b, err := templateFS.ReadFile("templates/report.css")
	if err != nil {
		panic(err) // embedded at build time; cannot fail
	}
	return template.CSS(b) //nolint:gosec // our own embedded stylesheet
}()

// ReportCSP is the Content-Security-Policy the report renders under: Jenkins' default for
// archived artefacts is close to it, and it is what the browser test serves the page with.
const ReportCSP = "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'"

// WriteCSS writes the report's stylesheet, the file the page links as CSSFile.
//
// Why a file and not inline CSS with a hash in a <meta> policy: a CI server that sends its own
// Content-Security-Policy header (Jenkins does) enforces it in addition to any policy in the
// page, so a page-level hash cannot relax a header's style-src 'self'; only a stylesheet
// served from the same origin renders there. style="" attributes cannot be allowed by a hash
// either (that needs 'unsafe-hashes'), so the page has none: bars are SVG rectangles sized by
// attributes and coloured by classes.
func WriteCSS(w io.Writer) error {
	if _, err := io.WriteString(w, string(reportCSS)); err != nil {
		return fmt.Errorf("reports: write CSS: %w", err)
	}
	return nil
}

// WriteHTML renders s as one HTML page that renders under ReportCSP: no script, no inline
// style (no <style>, no style="" attribute), inline SVG charts styled by classes, and one
// external resource, the stylesheet CSSFile in the same directory (WriteCSS; WriteAll writes
// both). Section ids are stable (#manifest, #conformance, #coverage, #failures, #load,
// #callbacks, #thresholds, #baseline) so that CI links and tests can point at them; a section
// without data shows a short note instead of disappearing.
func WriteHTML(w io.Writer, s *Summary) error {
	v := buildView(s.prepared())
	for _, sec := range reportSections {
		var b strings.Builder
		if err := reportTemplate.ExecuteTemplate(&b, "section-"+sec.ID, &v); err != nil {
			return fmt.Errorf("reports: render HTML section %s: %w", sec.ID, err)
		}
		rs := renderedSection{ID: sec.ID, Title: sec.Title, HTML: template.HTML(b.String())} //nolint:gosec // output of html/template
		if sec.Count != nil {
			rs.Count = sec.Count(&v)
		}
		v.Sections = append(v.Sections, rs)
	}
	if err := reportTemplate.Execute(w, v); err != nil {
		return fmt.Errorf("reports: render HTML: %w", err)
	}
	return nil
}

type view struct {
	// Sections are the rendered sections in page order (see reportSections).
	Sections []renderedSection
	// Settings are the manifest's settings that have a value.
	Settings []Setting
	// CSSFile is the stylesheet's name, relative to the page.
	CSSFile      string
	Title        string
	S            *Summary
	V            Verdict
	VerdictClass string
	RunDuration  string
	Conf         *confView
	Load         []loadView
	CB           *cbView
	Thresholds   []Threshold
	Baseline     *baselineView
}

// reportSection is one section of the HTML page. Its template is "section-<ID>", one file in
// templates/sections/; the page shows the sections in the order of reportSections, which is
// also the order of the printed report: what a release manager decides on (verdict,
// thresholds, failures, load) comes first, reference material (coverage, manifest) last.
// A new section is a template file plus an entry here.
type reportSection struct {
	ID, Title string
	// Count, when set, is shown next to the section's link (0 shows nothing).
	Count func(v *view) int
}

var reportSections = []reportSection{
	{ID: "thresholds", Title: "Thresholds", Count: func(v *view) int { return v.V.ThresholdsFailed }},
	{ID: "failures", Title: "Failures", Count: func(v *view) int {
		if v.Conf == nil {
			return 0
		}
		return len(v.Conf.Failures)
	}},
	{ID: "load", Title: "Load"},
	{ID: "callbacks", Title: "Callbacks"},
	{ID: "conformance", Title: "Conformance"},
	{ID: "coverage", Title: "Coverage"},
	{ID: "baseline", Title: "Baseline"},
	{ID: "manifest", Title: "Manifest"},
}

// renderedSection is a section rendered for the page.
type renderedSection struct {
	ID, Title string
	Count     int
	HTML      template.HTML
}

type counterRow struct {
	Name  string
	Help  string
	Value int64
}

type baselineView struct {
	*Baseline
	Regressions  int
	Improvements int
}

func buildView(s *Summary) view {
	v := view{
		CSSFile:    CSSFile,
		S:          s,
		V:          *s.Verdict,
		Thresholds: s.Thresholds,
	}
	switch v.V.Status {
	case VerdictPass:
		v.VerdictClass = "pass"
	case VerdictFail:
		v.VerdictClass = "fail"
	default:
		v.VerdictClass = "empty"
	}
	for _, st := range s.Manifest.Settings {
		if st.Value != "" {
			v.Settings = append(v.Settings, st)
		}
	}
	v.Title = "PNS harness " + v.V.Status
	if s.Manifest.Profile != "" {
		v.Title += " — " + s.Manifest.Profile
	}
	if !s.Manifest.Start.IsZero() && !s.Manifest.End.IsZero() {
		v.RunDuration = FormatDuration(s.Manifest.End.Sub(s.Manifest.Start))
	}
	if c := s.Conformance; c != nil {
		v.Conf = buildConf(c)
	}
	if s.Load != nil {
		for _, ls := range s.Load.Scenarios {
			v.Load = append(v.Load, buildLoad(ls))
		}
	}
	if s.Callbacks != nil {
		v.CB = buildCallbacks(s.Callbacks)
	}
	if b := s.Baseline; b != nil {
		bv := &baselineView{Baseline: b}
		for _, d := range b.Deltas {
			if d.Regression {
				bv.Regressions++
			}
			if d.Improvement {
				bv.Improvements++
			}
		}
		v.Baseline = bv
	}
	return v
}
