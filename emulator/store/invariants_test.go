package store

import (
	"strings"
	"testing"
	"time"
)

// TestCheckDetectsCorruption breaks the state behind the API's back and expects Check to say
// so; otherwise the empty Check() asserted everywhere else would prove nothing.
func TestCheckDetectsCorruption(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(s *Store)
		want    string
	}{
		{"AXB count", func(s *Store) { s.xs[x1].count++ }, "numbers indexed"},
		{"AXB index entry missing", func(s *Store) { delete(s.xs[x1].nums, nA) }, "A or B not indexed"},
		{"AXB binding on a foreign X", func(s *Store) {
			for _, b := range s.apps["axb"].axb {
				b.RelationNum = xOther
			}
		}, "not owned by the app"},
		{"AXB heap order", func(s *Store) { s.apps["axb"].all.items[0].count = 3 }, "heap: order broken"},
		{"AXB unscheduled expiry", func(s *Store) {
			for _, b := range s.apps["axb"].axb {
				b.ExpiresAt = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			}
		}, "expiry not scheduled"},
		{"AX two bindings for A per X", func(s *Store) {
			a := s.apps["ax"]
			b := a.ax[s.xs[ax1].ax.SubscriptionID]
			a.axByA[b.OrigNum] = append(a.axByA[b.OrigNum], b)
		}, "stale or duplicate"},
		{"AX X pointer lost", func(s *Store) { s.xs[ax1].ax = nil }, "not the binding of X"},
		{"AX stale temporary callee", func(s *Store) { s.apps["ax"].temp["nope"] = TempCallee{} }, "temporary callee of unknown binding"},
		{"AXE duplicate extension", func(s *Store) {
			x := s.xs[xe1]
			for _, b := range x.exts {
				x.exts["9"] = b
			}
		}, "stale extension entry"},
		{"AXE allocation hint", func(s *Store) { s.xs[xe2].minFree = 3 }, "free below the allocation hint"},
		{"AXE stale callback record", func(s *Store) { s.apps["axe"].cb["nope"] = cbRecord{} }, "callback record of unknown binding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newFixture(t)
			bindAXB(t, s, "axb", nA, nB, x1)
			bindAX(t, s, nA, ax1)
			bindAXE(t, s, "axe", nA, xe1, "")
			mustCheck(t, s)
			tt.corrupt(s)
			v := s.Check()
			found := false
			for _, x := range v {
				if strings.Contains(x.String(), tt.want) {
					found = true
				}
			}
			if !found {
				t.Fatalf("Check() = %v, want a violation containing %q", v, tt.want)
			}
		})
	}
}
