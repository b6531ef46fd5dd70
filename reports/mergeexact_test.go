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

// TestHTMLCallbackTypeNotExact: a callback type whose delays lost values in the receivers'
// merge says so in the callback section.
func TestHTMLCallbackTypeNotExact(t *testing.T) {
	s := fixtureSummary(t)
	if strings.Contains(renderHTML(t, s), "dropped on merge") {
		t.Fatal("an exact run's page says dropped on merge")
	}
	s.Callbacks.Events[0].DroppedOnMerge = 7
	if page := renderHTML(t, s); !strings.Contains(page, "not exact: 7 dropped on merge") {
		t.Fatal("the callback section does not say the type's delays are not exact")
	}
}
