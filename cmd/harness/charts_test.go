package main

import (
	"html"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/reports"
)

// plotted is a line chart read back from its SVG: each series' points in data units.
type plotted struct {
	series map[string][][2]float64 // legend name → (x, y) points
	yTol   float64                 // the rounding of pixel coordinates, in y units
	xTol   float64                 // and in x units
}

// readChart finds the chart titled title in page and maps its drawn points back to data
// units through its own tick labels, as a reader reads a value off the chart.
func readChart(t *testing.T, page, title string) plotted {
	t.Helper()
	i := strings.Index(page, `aria-label="`+html.EscapeString(title)+`"`)
	if i < 0 {
		t.Fatalf("no chart %q", title)
	}
	svg := page[i:]
	svg = svg[:strings.Index(svg, "</svg>")]
	axis := func(cls string, coord string, off float64, parse func(string) float64) (scale func(float64) float64, step float64) {
		re := regexp.MustCompile(`<text class="` + cls + `" x="([-0-9.]+)" y="([-0-9.]+)"[^>]*>([^<]*)</text>`)
		m := re.FindAllStringSubmatch(svg, -1)
		if len(m) < 2 {
			t.Fatalf("chart %q: fewer than two %s labels", title, cls)
		}
		pos := func(k int) float64 {
			j := 1
			if coord == "y" {
				j = 2
			}
			v, _ := strconv.ParseFloat(m[k][j], 64)
			return v - off
		}
		p0, p1 := pos(0), pos(len(m)-1)
		v0, v1 := parse(m[0][3]), parse(m[len(m)-1][3])
		return func(px float64) float64 { return v0 + (px-p0)*(v1-v0)/(p1-p0) }, math.Abs((v1 - v0) / (p1 - p0))
	}
	num := func(s string) float64 { v, _ := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64); return v }
	secs := func(s string) float64 { return num(strings.TrimSuffix(s, "s")) }
	yv, ystep := axis("ylab", "y", 5, num)
	xv, xstep := axis("xlab", "x", 0, secs)
	names := map[string]string{}
	for _, m := range regexp.MustCompile(`<g class="legend (s\d)"><line[^>]*/><text[^>]*>([^<]*)</text></g>`).FindAllStringSubmatch(svg, -1) {
		names[m[1]] = m[2]
	}
	// Coordinates are printed to 0.1 px: a point and the two labels that scale the axis are
	// each up to 0.05 px off, which reads a value up to about 0.2 px off.
	p := plotted{series: map[string][][2]float64{}, yTol: 0.25 * ystep, xTol: 0.25 * xstep}
	for _, m := range regexp.MustCompile(`<polyline class="line (s\d)" points="([^"]*)"/>`).FindAllStringSubmatch(svg, -1) {
		for _, xy := range strings.Fields(m[2]) {
			a, b, _ := strings.Cut(xy, ",")
			p.series[names[m[1]]] = append(p.series[names[m[1]]], [2]float64{xv(num(a)), yv(num(b))})
		}
	}
	for _, m := range regexp.MustCompile(`<circle class="dot (s\d)" cx="([-0-9.]+)" cy="([-0-9.]+)"`).FindAllStringSubmatch(svg, -1) {
		p.series[names[m[1]]] = append(p.series[names[m[1]]], [2]float64{xv(num(m[2])), yv(num(m[3]))})
	}
	return p
}

// at returns the value series name draws at x.
func (p plotted) at(name string, x float64) (float64, bool) {
	for _, pt := range p.series[name] {
		if math.Abs(pt[0]-x) <= p.xTol {
			return pt[1], true
		}
	}
	return 0, false
}

// TestInterfaceChartsMatchSummary runs a load of several interfaces through the binary and
// reads its per-interface charts back from index.html: every interface's p50/p95/p99 and
// requests per second, and the requests in flight, drawn at each second equal the per-second
// data of summary.json (to the chart's pixel rounding), every chart names both axes with
// units, and no second summary.json lacks is drawn.
func TestInterfaceChartsMatchSummary(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "load")
	code, stdout, stderr := runHarness(t, nil, "load", "--workload", filepath.Join("..", "..", "loadtest", "testdata", "mixed.yaml"),
		"--duration", "3s", "--generator-lag", "0", "--progress", "-1", "--out", out)
	if code != exitOK {
		t.Fatalf("load: exit %d\n%s\n%s", code, stdout, stderr)
	}
	rep := filepath.Join(t.TempDir(), "rep")
	if code, stdout, stderr = runHarness(t, nil, "report", out, "--out", rep); code != exitOK {
		t.Fatalf("report: exit %d\n%s\n%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(filepath.Join(rep, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	s, err := reports.LoadSummary(filepath.Join(rep, reports.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	if s.Load == nil || len(s.Load.Scenarios) != 1 {
		t.Fatalf("summary.json has no load scenario")
	}
	ls := s.Load.Scenarios[0]
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	rate := readChart(t, page, "Requests per second by interface")
	inflight := readChart(t, page, "Requests in flight (mean over each second)")
	lat := map[string]plotted{}
	checked, inflightSeen := 0, false
	for _, p := range ls.Series {
		x := p.T.Seconds()
		if v, ok := inflight.at("in flight", x); !ok || math.Abs(v-p.InFlight) > inflight.yTol {
			t.Errorf("t=%v: in flight drawn %v (%v), summary.json %v", x, v, ok, p.InFlight)
		}
		inflightSeen = inflightSeen || p.InFlight > 0
		for _, ip := range p.Interfaces {
			if v, ok := rate.at(ip.Interface, x); !ok || math.Abs(v-float64(ip.Requests)) > rate.yTol {
				t.Errorf("t=%v %s: rate drawn %v (%v), summary.json %d", x, ip.Interface, v, ok, ip.Requests)
			}
			c, ok := lat[ip.Interface]
			if !ok {
				c = readChart(t, page, "Corrected response time of "+ip.Interface+" per second")
				lat[ip.Interface] = c
			}
			for name, want := range map[string]time.Duration{"p50": ip.P50, "p95": ip.P95, "p99": ip.P99} {
				if v, ok := c.at(name, x); !ok || math.Abs(v-ms(want)) > c.yTol {
					t.Errorf("t=%v %s %s: drawn %v ms (%v), summary.json %v ms", x, ip.Interface, name, v, ok, ms(want))
				}
				checked++
			}
		}
	}
	if len(lat) < 2 || checked == 0 || !inflightSeen {
		t.Fatalf("compared %d values of %d interfaces (in flight seen: %v): the load left too little to check", checked, len(lat), inflightSeen)
	}
	t.Logf("compared %d percentiles of %d interfaces over %d seconds with summary.json", checked, len(lat), len(ls.Series))
	// Nothing drawn that summary.json lacks: as many points as it has seconds.
	for id, c := range lat {
		n := 0
		for _, p := range ls.Series {
			for _, ip := range p.Interfaces {
				if ip.Interface == id && ip.P99 > 0 {
					n++
				}
			}
		}
		if got := len(c.series["p99"]); got != n {
			t.Errorf("%s: %d p99 points drawn, summary.json has %d", id, got, n)
		}
	}
	for _, title := range []string{"Requests per second by interface", "Requests in flight (mean over each second)"} {
		i := strings.Index(page, `aria-label="`+title+`"`)
		svg := page[i : i+strings.Index(page[i:], "</svg>")]
		if strings.Count(svg, `class="atitle"`) != 2 {
			t.Errorf("chart %q lacks an axis title", title)
		}
	}
}
