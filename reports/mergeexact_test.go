package reports

import (
	"strings"
	"testing"
)

// TestHTMLStepNotExact: a step whose histograms dropped values on merge shows its p99s as not
// exact on the page; exact steps do not.
func TestHTMLStepNotExact(t *testing.T) {
	s := fixtureSummary(t)
	if strings.Contains(renderHTML(t, s), "(not exact)") {
		t.Fatal("an exact run's page says not exact")
	}
	s.Load.Scenarios[1].Steps[0].DroppedOnMerge = 4
	page := renderHTML(t, s)
	if n := strings.Count(page, "(not exact)"); n != 2 {
		t.Fatalf("page marks %d p99 cells not exact, want the step's 2", n)
	}
}
