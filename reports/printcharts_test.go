package reports

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// minChartPt is the smallest printed height of a chart's text: labels at 3 pt on A4 could
// not be read. Poppler's word box is about the font size high (body text at 7.5 pt measures
// 7.25 pt).
const minChartPt = 7.0

// TestBrowserPrintsLegibleCharts prints the fixture report to A4 as a release manager would
// and measures, with poppler's word boxes, the printed height of the charts' axis text: every
// axis title ("time since start (s)") and time tick label ("10s") must print at least
// minChartPt high.
func TestBrowserPrintsLegibleCharts(t *testing.T) {
	if _, err := FindChromium(); err != nil {
		t.Skip("chromium not installed: apt-get install -y chromium")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed: apt-get install -y poppler-utils")
	}
	dir := t.TempDir()
	page, err := WriteAll(dir, fixtureSummary(t))
	if err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "report.pdf")
	ctx, cancel := context.WithTimeout(context.Background(), chromiumTimeout)
	defer cancel()
	if err := PrintPDF(ctx, page, pdf); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-bbox", pdf, "-")
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	word := regexp.MustCompile(`<word xMin="[0-9.]+" yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)">(since|[0-9]+s)</word>`)
	n := 0
	for _, m := range word.FindAllStringSubmatch(out.String(), -1) {
		y0, _ := strconv.ParseFloat(m[1], 64)
		y1, _ := strconv.ParseFloat(m[2], 64)
		n++
		if h := y1 - y0; h < minChartPt {
			t.Errorf("chart text %q prints %.1f pt high, want at least %.0f", m[3], h, minChartPt)
		}
	}
	if n == 0 {
		t.Fatal("no chart axis text found in the PDF")
	}
}

// TestBrowserCallbacksTableFits: in a 1400 px window the callbacks table shows every column,
// p90 to max included, without a sideways scroll (it shared its row with the counters and
// hid them behind one).
func TestBrowserCallbacksTableFits(t *testing.T) {
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
	p := readProbe(t, bin, serveWithCSP(t, dir)+"/probe.html", "--window-size=1400,1000")
	if len(p.Charts) == 0 {
		t.Fatal("the probe saw no chart: the page did not render")
	}
	for _, s := range p.Scrolled {
		if strings.HasPrefix(s, "callbacks:") {
			t.Errorf("at 1400 px the table scrolls sideways: %s", s)
		}
	}
}
