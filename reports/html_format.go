package reports

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// This file holds the small formatters the report's templates call (durations, times,
// CSS classes of states, labels). It was split from html.go (issue 23) so that html.go keeps
// the page, its sections and its view.

func durMs(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func orDash(s string) string {
	if s == "" {
		return "the primary interface"
	}
	return s
}

func formatSeconds(s float64) string {
	switch {
	case s < 120:
		return strconv.FormatFloat(s, 'f', -1, 64) + "s"
	case s < 7200:
		m, r := int(s)/60, int(s)%60
		if r != 0 {
			return fmt.Sprintf("%dm%02ds", m, r)
		}
		return fmt.Sprintf("%dm", m)
	}
	h, m := int(s)/3600, int(s)%3600/60
	if m != 0 {
		return fmt.Sprintf("%dh%02dm", h, m)
	}
	return fmt.Sprintf("%dh", h)
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func statusClass(s Status) string {
	switch s {
	case StatusPassed:
		return "pass"
	case StatusFailed:
		return "fail"
	case StatusSkipped:
		return "skip"
	}
	return "undef"
}

func stepClass(s string) string {
	switch s {
	case "passed":
		return "pass"
	case "failed", "ambiguous":
		return "fail"
	case "skipped":
		return "skip"
	}
	return "undef"
}

func coverageClass(s string) string {
	switch s {
	case CoverageCovered:
		return "pass"
	case CoverageMissing, CoverageFailed:
		return "fail"
	}
	return "skip"
}

func deltaClass(d Delta) string {
	switch {
	case d.Regression:
		return "fail"
	case d.Improvement:
		return "pass"
	}
	return "skip"
}

func metricLabel(m string) string {
	switch m {
	case MetricP50:
		return "p50"
	case MetricP99:
		return "p99"
	case MetricAchievedRate:
		return "achieved rate"
	case MetricSuccessRatio:
		return "success"
	}
	return m
}

// firstLine is the first line of s, cut to at most n runes: the gist of an error in a table.
func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
