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

const (
	chartW    = 560.0
	chartH    = 250.0
	marginL   = 64.0
	marginR   = 16.0
	marginT   = 30.0
	marginB   = 40.0
	plotW     = chartW - marginL - marginR
	plotH     = chartH - marginT - marginB
	tickCount = 5
)

// chartSeries is one line of a line chart. Class selects the colour (s0..s3) and style.
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
	step := niceStep(max, n)
	var out []float64
	for v := 0.0; v < max+step*0.999; v += step {
		out = append(out, v)
		if len(out) > 2*n+2 {
			break
		}
	}
	return out
}

func svgOpen(b *strings.Builder, title string) {
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" preserveAspectRatio="xMidYMid meet">`,
		chartW, chartH, html.EscapeString(title))
	fmt.Fprintf(b, `<title>%s</title>`, html.EscapeString(title))
	fmt.Fprintf(b, `<text class="ctitle" x="%.0f" y="16">%s</text>`, marginL, html.EscapeString(title))
}

func noData(b *strings.Builder) {
	fmt.Fprintf(b, `<text class="nodata" x="%.0f" y="%.0f" text-anchor="middle">no data</text>`, chartW/2, chartH/2)
}

// render draws the chart as an inline <svg> element.
func (c lineChart) render() template.HTML {
	var b strings.Builder
	svgOpen(&b, c.Title)
	xmin, xmax, ymax := math.Inf(1), math.Inf(-1), 0.0
	points := 0
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
	if points == 0 {
		noData(&b)
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
	ytop := yt[len(yt)-1]
	sx := func(x float64) float64 { return marginL + (x-xmin)/(xmax-xmin)*plotW }
	sy := func(y float64) float64 { return marginT + plotH - y/ytop*plotH }

	// Grid and y labels.
	for _, v := range yt {
		y := sy(v)
		fmt.Fprintf(&b, `<line class="grid" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, marginL, y, marginL+plotW, y)
		fmt.Fprintf(&b, `<text class="ylab" x="%.1f" y="%.1f" text-anchor="end">%s</text>`, marginL-6, y+4, html.EscapeString(c.YFmt(v)))
	}
	// X labels.
	xstep := niceStep(xmax-xmin, tickCount)
	if c.XTime {
		xstep = timeStep(xmax-xmin, tickCount)
	}
	for v := math.Ceil(xmin/xstep) * xstep; v <= xmax+xstep*1e-9; v += xstep {
		x := sx(v)
		fmt.Fprintf(&b, `<line class="tick" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x, marginT+plotH, x, marginT+plotH+4)
		fmt.Fprintf(&b, `<text class="xlab" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x, marginT+plotH+18, html.EscapeString(c.XFmt(v)))
	}
	fmt.Fprintf(&b, `<line class="axis" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, marginL, marginT+plotH, marginL+plotW, marginT+plotH)
	axisTitles(&b, c.XTitle, c.YTitle)

	// Series and legend.
	lx := chartW - marginR
	for i := len(c.Series) - 1; i >= 0; i-- {
		s := c.Series[i]
		w := 14 + 7*float64(len([]rune(s.Name)))
		lx -= w + 12
		fmt.Fprintf(&b, `<g class="legend %s"><line x1="%.1f" y1="12" x2="%.1f" y2="12"/><text x="%.1f" y="16">%s</text></g>`,
			s.Class, lx, lx+10, lx+14, html.EscapeString(s.Name))
	}
	for _, s := range c.Series {
		n := min(len(s.X), len(s.Y))
		if n == 1 || c.Dots {
			for i := 0; i < n; i++ {
				fmt.Fprintf(&b, `<circle class="dot %s" cx="%.1f" cy="%.1f" r="3"><title>%s, %s</title></circle>`, s.Class, sx(s.X[i]), sy(s.Y[i]),
					html.EscapeString(c.XFmt(s.X[i])), html.EscapeString(c.YFmt(s.Y[i])))
			}
			continue
		}
		if n == 1 {
			fmt.Fprintf(&b, `<circle class="dot %s" cx="%.1f" cy="%.1f" r="3"/>`, s.Class, sx(s.X[0]), sy(s.Y[0]))
			continue
		}
		var pts strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&pts, "%.1f,%.1f ", sx(s.X[i]), sy(s.Y[i]))
		}
		fmt.Fprintf(&b, `<polyline class="line %s" points="%s"/>`, s.Class, strings.TrimSpace(pts.String()))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built from escaped text and numbers
}

// barChart is a vertical bar chart with categorical x labels (used for histograms).
type barChart struct {
	Title  string
	Labels []string
	Values []float64
	YFmt   func(float64) string
	// XTitle is drawn under the axis labels, YTitle along the y axis; both name units.
	XTitle, YTitle string
}

// axisTitles draws the x axis title under the tick labels and the y axis title rotated along
// the y axis.
func axisTitles(b *strings.Builder, x, y string) {
	if x != "" {
		fmt.Fprintf(b, `<text class="atitle" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, marginL+plotW/2, chartH-3, html.EscapeString(x))
	}
	if y != "" {
		fmt.Fprintf(b, `<text class="atitle" x="12" y="%.1f" text-anchor="middle" transform="rotate(-90 12 %.1f)">%s</text>`,
			marginT+plotH/2, marginT+plotH/2, html.EscapeString(y))
	}
}

func (c barChart) render() template.HTML {
	var b strings.Builder
	svgOpen(&b, c.Title)
	n := min(len(c.Labels), len(c.Values))
	ymax := 0.0
	for _, v := range c.Values[:n] {
		ymax = math.Max(ymax, v)
	}
	if n == 0 || ymax == 0 {
		noData(&b)
		b.WriteString(`</svg>`)
		return template.HTML(b.String()) //nolint:gosec // built from escaped text and numbers
	}
	yt := ticks(ymax, tickCount)
	ytop := yt[len(yt)-1]
	sy := func(y float64) float64 { return marginT + plotH - y/ytop*plotH }
	for _, v := range yt {
		y := sy(v)
		fmt.Fprintf(&b, `<line class="grid" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, marginL, y, marginL+plotW, y)
		fmt.Fprintf(&b, `<text class="ylab" x="%.1f" y="%.1f" text-anchor="end">%s</text>`, marginL-6, y+4, html.EscapeString(c.YFmt(v)))
	}
	slot := plotW / float64(n)
	gap := math.Min(2, slot*0.15)
	// Label every k-th bar so labels do not overlap (about 60 px per label).
	k := int(math.Ceil(60 / slot))
	if k < 1 {
		k = 1
	}
	for i := 0; i < n; i++ {
		x := marginL + float64(i)*slot
		y := sy(c.Values[i])
		h := marginT + plotH - y
		fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s</title></rect>`,
			x+gap/2, y, math.Max(slot-gap, 0.5), h, html.EscapeString(c.Labels[i]), html.EscapeString(c.YFmt(c.Values[i])))
		if i%k == 0 {
			fmt.Fprintf(&b, `<text class="xlab" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x+slot/2, marginT+plotH+16, html.EscapeString(c.Labels[i]))
		}
	}
	fmt.Fprintf(&b, `<line class="axis" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, marginL, marginT+plotH, marginL+plotW, marginT+plotH)
	axisTitles(&b, c.XTitle, c.YTitle)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built from escaped text and numbers
}
