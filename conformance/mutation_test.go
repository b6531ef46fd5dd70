package conformance

import (
	"bytes"
	"context"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/features"
	"github.com/pns-harness/pns-harness/pns"
)

// mutate wraps an emulator handler with two deliberate contract breaks:
//   - every answer with resultcode 1012010 (X reuse, §13.1) says 1012008 instead;
//   - successful AXB bind answers lose their subscriptionId (§3.2).
func mutate(h http.Handler) http.Handler {
	return rewriteJSON(func(r *http.Request, m map[string]any) bool {
		changed := false
		if m["resultcode"] == string(pns.CodeRelationBound) {
			m["resultcode"] = string(pns.CodeNoResource)
			changed = true
		}
		if r.Method == http.MethodPost && r.URL.Path == pns.PathAXB && m["resultcode"] == "0" {
			delete(m, "subscriptionId")
			changed = true
		}
		return changed
	})(h)
}

// TestMutations runs the suite against a correct and then a deliberately broken emulator and
// asserts that exactly the scenarios covering the broken rules fail:
//   - the scenarios tagged @code:1012010 (they expect the code the mutant rewrites), and
//   - the scenarios that bound AXB successfully in the correct run (their bind answer now
//     violates axb-bind.response, which requires subscriptionId on success).
//
// The correct and the broken run each have their own in-process emulator, so they run at the
// same time, and the test runs in parallel with the other whole-suite tests (never with
// TestFeatures, which is not parallel: godog sets process environment variables under a
// testing.T).
func TestMutations(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite twice")
	}
	t.Parallel()
	ctx := context.Background()
	cfg, err := ConformanceConfig()
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := ServeEmulator(cfg, mutate)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	var (
		mut    *Result
		mutErr error
		done   = make(chan struct{})
	)
	go func() {
		defer close(done)
		mut, mutErr = Run(ctx, Options{Target: url, Profile: EmulatorProfile()})
	}()
	clean, err := Run(ctx, Options{})
	<-done
	if err != nil {
		t.Fatal(err)
	}
	if clean.Status != 0 {
		t.Fatalf("clean run failed: %v", clean.FailedKeys())
	}
	if mutErr != nil {
		t.Fatal(mutErr)
	}

	pickles, err := ParseFeatures(features.FS)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, p := range pickles {
		for _, tg := range p.Tags {
			if tg == "@code:"+string(pns.CodeRelationBound) {
				want[p.Key] = true
			}
		}
	}
	n1012010 := len(want)
	nBind := 0
	for _, s := range clean.Scenarios {
		for _, o := range s.Observations {
			if o.Interface == pns.IfaceAXBBind && o.ResultCode == "0" && !o.Aux {
				if !want[s.Key] {
					nBind++
				}
				want[s.Key] = true
				break
			}
		}
	}
	if n1012010 < 5 || nBind < 20 {
		t.Fatalf("expected sets too small to mean anything: %d tagged @code:1012010, %d AXB binders", n1012010, nBind)
	}

	got := map[string]bool{}
	for _, k := range mut.FailedKeys() {
		got[k] = true
	}
	var missed, extra []string
	for k := range want {
		if !got[k] {
			missed = append(missed, k)
		}
	}
	for k := range got {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missed)
	sort.Strings(extra)
	if len(missed) > 0 {
		t.Errorf("mutants survived in %d scenarios that cover the broken rules:\n  %s", len(missed), strings.Join(missed, "\n  "))
	}
	if len(extra) > 0 {
		var b bytes.Buffer
		for _, s := range mut.Scenarios {
			if got[s.Key] && !want[s.Key] {
				b.WriteString("  " + s.Key + ": " + s.Error + "\n")
			}
		}
		t.Errorf("%d scenarios failed that do not cover the broken rules:\n%s", len(extra), b.String())
	}
	t.Logf("mutation run: %d scenarios failed as expected (%d tagged @code:1012010, %d more AXB binders)", len(got), n1012010, nBind)
}
