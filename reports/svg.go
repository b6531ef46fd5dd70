package reports

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Inline SVG charts drawn in Go, so that the report needs no script and no network. The
// charts use CSS classes (defined in report.css) for colours, so they follow the page's
// palette in print too.
//
// Text sizes are in viewBox units. A chart prints about 92 mm wide (two per row on A4, see
// report.css), so a 16-unit label prints at 16 × 92/560 mm ≈ 7.4 pt: the layout below is
// computed for that size (charW is the width of an average character at it).

const (
	chartW    = 560.0
	marginL   = 84.0
	marginR   = 18.0
	titleH    = 30.0 // the title's row
	legendH   = 22.0 // one row of the legend, under the title
	plotH     = 180.0
	marginB   = 58.0 // x tick labels, then the x axis title
	plotW     = chartW - marginL - marginR
	charW     = 9.0
	tickCount = 5
)

// chartSeries is one line of a line chart. Class selects the colour (s0..s9) and style.
type chartSeries struct {
	Name  string
	Class string
	X, Y  []float64
}

// lineChart is a simple multi-series line chart with a shared y axis starting at zero.
type lineChart struct {
	Title  string
	Series []chartSeries
	// XTime picks x ticks at whole seconds, minutes or hours (x is in seconds).
	XTime bool
	XFmt  func(float64) string
	YFmt  func(float64) string
	// XMin and XMax fix the x domain when XMax > XMin (a time axis runs from 0 to the plan's
	// end whatever the samples); otherwise it spans the samples.
	XMin, XMax float64
	// XTitle and YTitle name the axes with their units; every chart has both.
	XTitle, YTitle string
	// Dots draws each sample as a dot without joining lines (a scatter plot).
	Dots bool
	// Gap, when positive, breaks a line where two consecutive samples are more than Gap
	// apart in x: a per-second series has no sample for a second without data, and a line
	// across it would draw values that were never measured.
	Gap float64
	// YInt makes the y ticks whole numbers (counts).
	YInt bool
}

// niceStep returns a "nice" tick step (1, 2, 2.5 or 5 × 10^n) for a range split into about n
// intervals.
func niceStep(span float64, n int) float64 {
	if span <= 0 || math.IsNaN(span) || math.IsInf(span, 0) {
		return 1
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

// timeStep returns a tick step in seconds that reads well on a clock (5 s, 15 s, 1 min, ...)
// for a span split into about n intervals.
func timeStep(span float64, n int) float64 {
	raw := span / float64(n)
	for _, s := range []float64{1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400} {
		if raw <= s {
			return s
		}
	}
	return niceStep(span, n)
}

// ticks returns tick values from 0 to at least max.
func ticks(max float64, n int) []float64 {
	if max <= 0 {
		max = 1
	}
	return ticksStep(max, niceStep(max, n))
}

// intTicks is ticks for counts: whole-number steps (1, 2, 5 × 10^n), so that no two labels
// of a count axis read the same (a step of 0.5 labelled "0, 1, 1, 2, 2").
func intTicks(max float64, n int) []float64 {
	if max <= 0 {
		max = 1
	}
	step := niceStep(max, n)
	switch {
	case step < 1:
		step = 1
	case step != math.Trunc(step):
		step *= 2 // 2.5 → 5
	}
	return ticksStep(max, step)
}

func ticksStep(max, step float64) []float64 {
	var out []float64
	for i := 0; ; i++ {
		v := float64(i) * step
		out = append(out, v)
		if v >= max-step*1e-3 || len(out) > 24 {
			break
		}
	}
	return out
}

// legendItem is one entry of a legend row.
type legendItem struct{ name, class string }

// legendRows lays the legend out in rows under the title, each as wide as the plot, so
// that it never runs into the title however many series there are.
func legendRows(items []legendItem) [][]legendItem {
	var rows [][]legendItem
	x := marginL
	for _, it := range items {
		w := legendWidth(it.name)
		if len(rows) == 0 || x+w > chartW-marginR {
			rows = append(rows, nil)
			x = marginL
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], it)
		x += w
	}
	return rows
}

func legendWidth(name string) float64 { return 22 + charW*float64(len([]rune(name))) + 16 }

// frame is the geometry of one chart: its height and the top of the plot area.
type frame struct{ h, top float64 }

func newFrame(legend int) frame {
	top := titleH + float64(legend)*legendH + 10
	return frame{h: top + plotH + marginB, top: top}
}

func svgOpen(b *strings.Builder, title string, f frame) {
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" preserveAspectRatio="xMidYMid meet">`,
		chartW, f.h, html.EscapeString(title))
	fmt.Fprintf(b, `<title>%s</title>`, html.EscapeString(title))
	fmt.Fprintf(b, `<text class="ctitle" x="4" y="20">%s</text>`, html.EscapeString(title))
}

func drawLegend(b *strings.Builder, rows [][]legendItem) {
	for r, row := range rows {
		y := titleH + float64(r)*legendH + 12
		x := marginL
		for _, it := range row {
			fmt.Fprintf(b, `<g class="legend %s"><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/><text x="%.1f" y="%.1f">%s</text></g>`,
				it.class, x, y-5, x+16, y-5, x+22, y, html.EscapeString(it.name))
			x += legendWidth(it.name)
		}
	}
}

func noData(b *strings.Builder, f frame) {
	fmt.Fprintf(b, `<text class="nodata" x="%.0f" y="%.0f" text-anchor="middle">no data</text>`, chartW/2, f.top+plotH/2)
}

// yAxis draws the grid lines and y labels, skipping a label that would repeat the one below
// it (a formatter coarser than the step).
func yAxis(b *strings.Builder, yt []float64, sy func(float64) float64, yfmt func(float64) string) {
	prev := ""
	for i, v := range yt {
		y := sy(v)
		fmt.Fprintf(b, `<line class="grid" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, marginL, y, marginL+plotW, y)
		lab := yfmt(v)
		if i > 0 && lab == prev {
			continue
		}
		prev = lab
		fmt.Fprintf(b, `<text class="ylab" x="%.1f" y="%.1f" text-anchor="end">%s</text>`, marginL-6, y+5, html.EscapeString(lab))
	}
}

// render draws the chart as an inline <svg> element.
func (c lineChart) render() template.HTML {
	var b strings.Builder
	items := make([]legendItem, 0, len(c.Series))
	for _, s := range c.Series {
		items = append(items, legendItem{s.Name, s.Class})
	}
	rows := legendRows(items)
	f := newFrame(len(rows))
	svgOpen(&b, c.Title, f)
	xmin, xmax, ymax, points := c.extent()
	if points == 0 {
		noData(&b, f)
		axisTitles(&b, f, c.XTitle, c.YTitle)
		b.WriteString(`</svg>`)
		return template.HTML(b.String()) //nolint:gosec // built from escaped text and numbers
	}
	if c.XMax > c.XMin {
		xmin, xmax = c.XMin, c.XMax
	}
	if xmax <= xmin {
		xmax = xmin + 1
	}
	yt := ticks(ymax, tickCount)
	if c.YInt {
		yt = intTicks(ymax, tickCount)
	}
	ytop := yt[len(yt)-1]
	sx := func(x float64) float64 { return marginL + (x-xmin)/(xmax-xmin)*plotW }
	sy := func(y float64) float64 { return f.top + plotH - y/ytop*plotH }

	yAxis(&b, yt, sy, c.YFmt)
	// X labels.
	xstep := niceStep(xmax-xmin, tickCount)
	if c.XTime {
		xstep = timeStep(xmax-xmin, tickCount)
	}
	base := f.top + plotH
	for v := math.Ceil(xmin/xstep) * xstep; v <= xmax+xstep*1e-9; v += xstep {
		x := sx(v)
		fmt.Fprintf(&b, `<line class="tick" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x, base, x, base+4)
		fmt.Fprintf(&b, `<text class="xlab" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x, base+21, html.EscapeString(c.XFmt(v)))
	}
	fmt.Fprintf(&b, `<line class="axis" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, marginL, base, marginL+plotW, base)
	axisTitles(&b, f, c.XTitle, c.YTitle)
	drawLegend(&b, rows)

	c.drawSeries(&b, sx, sy)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built from escaped text and numbers
}

// extent is the range of the chart's samples: x from xmin to xmax, y up to ymax, and how
// many points there are.
func (c lineChart) extent() (xmin, xmax, ymax float64, points int) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for i := range s.X {
			if i >= len(s.Y) {
				break
			}
			xmin, xmax = math.Min(xmin, s.X[i]), math.Max(xmax, s.X[i])
			ymax = math.Max(ymax, s.Y[i])
			points++
		}
	}
	return xmin, xmax, ymax, points
}

// drawSeries draws each series as dots (Dots) or as lines broken at gaps wider than Gap, a
// lone sample as a dot; sx and sy map values to the plot.
func (c lineChart) drawSeries(b *strings.Builder, sx, sy func(float64) float64) {
	for _, s := range c.Series {
		n := min(len(s.X), len(s.Y))
		if c.Dots {
			for i := 0; i < n; i++ {
				fmt.Fprintf(b, `<circle class="dot %s" cx="%.1f" cy="%.1f" r="3"><title>%s, %s</title></circle>`, s.Class, sx(s.X[i]), sy(s.Y[i]),
					html.EscapeString(c.XFmt(s.X[i])), html.EscapeString(c.YFmt(s.Y[i])))
			}
			continue
		}
		for _, seg := range segments(s.X[:n], c.Gap) {
			if seg[1]-seg[0] == 1 {
				i := seg[0]
				fmt.Fprintf(b, `<circle class="dot %s" cx="%.1f" cy="%.1f" r="3"><title>%s, %s</title></circle>`, s.Class, sx(s.X[i]), sy(s.Y[i]),
					html.EscapeString(c.XFmt(s.X[i])), html.EscapeString(c.YFmt(s.Y[i])))
				continue
			}
			var pts strings.Builder
			for i := seg[0]; i < seg[1]; i++ {
				fmt.Fprintf(&pts, "%.1f,%.1f ", sx(s.X[i]), sy(s.Y[i]))
			}
			fmt.Fprintf(b, `<polyline class="line %s" points="%s"/>`, s.Class, strings.TrimSpace(pts.String()))
		}
	}
}

// segments splits the sample indexes [0, len(xs)) into runs without a gap wider than gap
// (one run when gap is not positive), as [start, end) pairs.
func segments(xs []float64, gap float64) [][2]int {
	if len(xs) == 0 {
		return nil
	}
	var out [][2]int
	start := 0
	for i := 1; i < len(xs); i++ {
		if gap > 0 && xs[i]-xs[i-1] > gap*1.001 {
			out = append(out, [2]int{start, i})
			start = i
		}
	}
	return append(out, [2]int{start, len(xs)})
}

// barChart is a vertical bar chart with categorical x labels (used for histograms).
type barChart struct {
	Title  string
	Labels []string
	Values []float64
	YFmt   func(float64) string
	// XTitle is drawn under the axis labels, YTitle along the y axis; both name units.
	XTitle, YTitle string
	// YInt makes the y ticks whole numbers (a histogram's counts).
	YInt bool
}

// axisTitles draws the x axis title under the tick labels and the y axis title rotated along
// the y axis.
func axisTitles(b *strings.Builder, f frame, x, y string) {
	if x != "" {
		fmt.Fprintf(b, `<text class="atitle" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, marginL+plotW/2, f.h-8, html.EscapeString(x))
	}
	if y != "" {
		my := f.top + plotH/2
		fmt.Fprintf(b, `<text class="atitle" x="16" y="%.1f" text-anchor="middle" transform="rotate(-90 16 %.1f)">%s</text>`,
			my, my, html.EscapeString(y))
	}
}

func (c barChart) render() template.HTML {
	var b strings.Builder
	f := newFrame(0)
	svgOpen(&b, c.Title, f)
	n := min(len(c.Labels), len(c.Values))
	ymax := 0.0
	for _, v := range c.Values[:n] {
		ymax = math.Max(ymax, v)
	}
	if n == 0 || ymax == 0 {
		noData(&b, f)
		axisTitles(&b, f, c.XTitle, c.YTitle)
		b.WriteString(`</svg>`)
		return template.HTML(b.String()) //nolint:gosec // built from escaped text and numbers
	}
	yt := ticks(ymax, tickCount)
	if c.YInt {
		yt = intTicks(ymax, tickCount)
	}
	ytop := yt[len(yt)-1]
	sy := func(y float64) float64 { return f.top + plotH - y/ytop*plotH }
	yAxis(&b, yt, sy, c.YFmt)
	slot := plotW / float64(n)
	gap := math.Min(2, slot*0.15)
	// Label every k-th bar so labels do not overlap (about 80 units per label).
	k := int(math.Ceil(80 / slot))
	if k < 1 {
		k = 1
	}
	base := f.top + plotH
	for i := 0; i < n; i++ {
		x := marginL + float64(i)*slot
		y := sy(c.Values[i])
		h := base - y
		fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s</title></rect>`,
			x+gap/2, y, math.Max(slot-gap, 0.5), h, html.EscapeString(c.Labels[i]), html.EscapeString(c.YFmt(c.Values[i])))
		if i%k == 0 {
			fmt.Fprintf(&b, `<text class="xlab" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x+slot/2, base+21, html.EscapeString(c.Labels[i]))
		}
	}
	fmt.Fprintf(&b, `<line class="axis" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, marginL, base, marginL+plotW, base)
	axisTitles(&b, f, c.XTitle, c.YTitle)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built from escaped text and numbers
}
