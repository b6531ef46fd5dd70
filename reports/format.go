package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// FormatDuration renders a latency with three significant digits in the largest unit that
// keeps it at least 1 (850µs, 12.3ms, 1.25s), which reads better in tables than
// time.Duration.String's "12.345678ms".
func FormatDuration(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	var s string
	switch {
	case d == 0:
		s = "0"
	case d < time.Microsecond:
		s = strconv.FormatInt(int64(d), 10) + "ns"
	case d < time.Millisecond:
		s = sig3(float64(d)/1e3) + "µs"
	case d < time.Second:
		s = sig3(float64(d)/1e6) + "ms"
	case d < time.Minute:
		s = sig3(float64(d)/1e9) + "s"
	default:
		s = d.Round(time.Second).String()
	}
	if neg {
		return "-" + s
	}
	return s
}

// sig3 formats v (>= 1) with three significant digits and no trailing zeros.
func sig3(v float64) string {
	var s string
	switch {
	case v >= 100:
		s = strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		s = strconv.FormatFloat(v, 'f', 1, 64)
	default:
		s = strconv.FormatFloat(v, 'f', 2, 64)
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// FormatCount renders an integer with thin-space-free comma grouping (12,345).
func FormatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// FormatRate renders requests per second.
func FormatRate(r float64) string {
	switch {
	case r == 0:
		return "0/s"
	case math.Abs(r) >= 100:
		return strconv.FormatFloat(r, 'f', 0, 64) + "/s"
	default:
		return strconv.FormatFloat(r, 'f', 1, 64) + "/s"
	}
}

// FormatPct renders a percentage (0..100) with up to two decimals.
func FormatPct(p float64) string {
	switch {
	case p == 100 || p == 0:
		return strconv.FormatFloat(p, 'f', 0, 64) + "%"
	case math.Abs(p) >= 10:
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	default:
		return strconv.FormatFloat(p, 'f', 2, 64) + "%"
	}
}

// FormatRatio renders a 0..1 ratio as a percentage; ratios just below 1 keep enough digits
// to not round to 100%.
func FormatRatio(r float64) string {
	p := r * 100
	if p < 100 && p >= 99.99 {
		return strconv.FormatFloat(p, 'f', 3, 64) + "%"
	}
	if p < 100 && p > 99.5 {
		return strconv.FormatFloat(p, 'f', 2, 64) + "%"
	}
	return FormatPct(p)
}

// formatValue renders a value according to a Unit constant.
func formatValue(v float64, unit string) string {
	switch unit {
	case UnitNanoseconds:
		return FormatDuration(time.Duration(v))
	case UnitRatio:
		return FormatRatio(v)
	case UnitPercent:
		return FormatPct(v)
	case UnitRate:
		return FormatRate(v)
	case UnitCount:
		return FormatCount(int64(math.Round(v)))
	case "":
		return strconv.FormatFloat(v, 'g', 6, 64)
	}
	return strconv.FormatFloat(v, 'g', 6, 64) + " " + unit
}

// formatChange renders a delta with sign in the metric's unit.
func formatChange(v float64, unit string) string {
	sign := "+"
	if v < 0 {
		sign = "−"
		v = -v
	}
	if v == 0 {
		return "±0"
	}
	if unit == UnitRatio {
		return fmt.Sprintf("%s%.2f pp", sign, v*100)
	}
	return sign + formatValue(v, unit)
}
