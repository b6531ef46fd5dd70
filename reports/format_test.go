package reports

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0"}, {999, "999ns"}, {1500, "1.5µs"}, {850 * time.Microsecond, "850µs"},
		{12345 * time.Microsecond, "12.3ms"}, {4100 * time.Microsecond, "4.1ms"}, {20 * time.Millisecond, "20ms"},
		{1250 * time.Millisecond, "1.25s"}, {59 * time.Second, "59s"}, {90 * time.Second, "1m30s"},
		{-5 * time.Millisecond, "-5ms"},
	}
	for _, tt := range tests {
		if got := FormatDuration(tt.d); got != tt.want {
			t.Errorf("FormatDuration(%d) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestFormatNumbers(t *testing.T) {
	tests := []struct{ got, want string }{
		{FormatCount(0), "0"}, {FormatCount(999), "999"}, {FormatCount(1000), "1,000"}, {FormatCount(1234567), "1,234,567"}, {FormatCount(-12345), "-12,345"},
		{FormatRate(0), "0/s"}, {FormatRate(66.24), "66.2/s"}, {FormatRate(198.6), "199/s"},
		{FormatPct(100), "100%"}, {FormatPct(0.7), "0.70%"}, {FormatPct(33.33), "33.3%"},
		{FormatRatio(1), "100%"}, {FormatRatio(0.99931), "99.93%"}, {FormatRatio(0.99995), "99.995%"}, {FormatRatio(0.5), "50.0%"},
		{formatValue(float64(61300*time.Microsecond), UnitNanoseconds), "61.3ms"}, {formatValue(2, UnitCount), "2"},
		{formatValue(3, "widgets"), "3 widgets"}, {formatValue(0.25, ""), "0.25"},
		{formatChange(-0.0019, UnitRatio), "−0.19 pp"}, {formatChange(0, UnitRate), "±0"}, {formatChange(float64(5*time.Millisecond), UnitNanoseconds), "+5ms"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

func TestFormatSeconds(t *testing.T) {
	tests := []struct {
		s    float64
		want string
	}{{0, "0s"}, {45, "45s"}, {119, "119s"}, {120, "2m"}, {150, "2m30s"}, {7200, "2h"}, {9000, "2h30m"}}
	for _, tt := range tests {
		if got := formatSeconds(tt.s); got != tt.want {
			t.Errorf("formatSeconds(%v) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		max  float64
		want string
	}{{0, "0,0.2,0.4,0.6,0.8,1"}, {198.6, "0,50,100,150,200"}, {201, "0,50,100,150,200,250"}, {7, "0,2,4,6,8"}, {0.003, "0,0.001,0.002,0.003"}}
	for _, tt := range tests {
		var parts []string
		for _, v := range ticks(tt.max, 5) {
			parts = append(parts, strconv.FormatFloat(v, 'g', 6, 64))
		}
		if got := strings.Join(parts, ","); got != tt.want {
			t.Errorf("ticks(%v) = %s, want %s", tt.max, got, tt.want)
		}
	}
	for _, tt := range []struct{ span, want float64 }{{60, 15}, {120, 30}, {600, 120}, {3600, 900}} {
		if got := timeStep(tt.span, 5); got != tt.want {
			t.Errorf("timeStep(%v) = %v, want %v", tt.span, got, tt.want)
		}
	}
}

func TestChartsRender(t *testing.T) {
	empty := lineChart{Title: "t", XFmt: formatSeconds, YFmt: func(float64) string { return "" }}.render()
	if !strings.Contains(string(empty), "no data") {
		t.Error("empty line chart does not say no data")
	}
	one := lineChart{Title: "t", Series: []chartSeries{{Name: "a", Class: "s0", X: []float64{1}, Y: []float64{5}}},
		XFmt: formatSeconds, YFmt: func(float64) string { return "" }}.render()
	if !strings.Contains(string(one), "<circle") {
		t.Error("single point not drawn as a dot")
	}
	bars := barChart{Title: `<b>&"`, Labels: []string{"1ms", "2ms"}, Values: []float64{3, 0}, YFmt: func(float64) string { return "" }}.render()
	if strings.Count(string(bars), "<rect") != 2 || strings.Contains(string(bars), "<b>") {
		t.Errorf("bar chart: %s", bars)
	}
	if z := (barChart{Title: "z", Labels: []string{"a"}, Values: []float64{0}, YFmt: func(float64) string { return "" }}).render(); !strings.Contains(string(z), "no data") {
		t.Error("all-zero histogram does not say no data")
	}
}
