package reports

import (
	"fmt"
	"html/template"
	"io"
)

// FidelityDiff is the report form of a `harness conform --compare-emulator` run: the scenarios
// on which the target and the embedded emulator answered differently, side by side.
type FidelityDiff struct {
	Target      string
	Compared    int
	NotCompared int
	Rows        []FidelityRow
}

// FidelityRow is one differing scenario; Target and Emulator are each side's outcome and
// answers (interface, HTTP status, resultcode), Error the first line of a failure.
type FidelityRow struct {
	Scenario      string
	Interfaces    string
	Target        string
	TargetError   string
	Emulator      string
	EmulatorError string
}

var compareTemplate = template.Must(template.New("compare").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Fidelity diff: {{.Target}} vs the emulator</title>
<link rel="stylesheet" href="{{.CSSFile}}"></head><body>
<main>
<h1>Fidelity diff</h1>
<section id="fidelity">
<p>{{len .Rows}} of {{.Compared}} compared scenarios differ between <code>{{.Target}}</code> and the embedded emulator ({{.NotCompared}} not compared: skipped on one side). Where they differ, the emulator's model of the platform (or the platform) is wrong.</p>
{{if .Rows}}<table class="fidelity">
<thead><tr><th>Scenario</th><th>Interfaces</th><th>Target</th><th>Emulator</th></tr></thead>
<tbody>{{range .Rows}}
<tr><td>{{.Scenario}}</td><td>{{.Interfaces}}</td><td>{{.Target}}{{if .TargetError}}<br><small>{{.TargetError}}</small>{{end}}</td><td>{{.Emulator}}{{if .EmulatorError}}<br><small>{{.EmulatorError}}</small>{{end}}</td></tr>{{end}}
</tbody></table>{{else}}<p class="note">No differences.</p>{{end}}
</section>
</main></body></html>
`))

// WriteFidelityHTML renders d as an HTML page that, like the report, renders under ReportCSP:
// no script, no inline style, and the report's stylesheet CSSFile linked from the same
// directory (write it there with WriteCSS).
func WriteFidelityHTML(w io.Writer, d FidelityDiff) error {
	v := struct {
		FidelityDiff
		CSSFile string
	}{d, CSSFile}
	if err := compareTemplate.Execute(w, v); err != nil {
		return fmt.Errorf("reports: render fidelity diff: %w", err)
	}
	return nil
}
