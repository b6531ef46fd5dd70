package loadtest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// TestEmulatorAXYBWorkload runs the AXYB example workload against the emulator: every bind,
// query and unbind succeeds (so app_key reached the platform on each), the counts match the
// emulator's own counters, and no relation is left.
func TestEmulatorAXYBWorkload(t *testing.T) {
	em, srv, prof := newEmulator(t)
	w, err := LoadWorkload(filepath.Join("testdata", "axyb.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Config{Target: srv.URL, Profile: prof, Workload: w, Duration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if n := emulatorLive(em); n != 0 {
		t.Fatalf("%d bindings left on the emulator", n)
	}
	if res.Cleanup.Leaked != 0 || res.Cleanup.Unknown != 0 {
		t.Fatalf("cleanup %+v", res.Cleanup)
	}
	if res.Conformance.Errors != 0 || len(res.Rejections) != 0 {
		t.Fatalf("conformance %+v rejections %+v", res.Conformance, res.Rejections)
	}
	if res.Mode != "axyb" {
		t.Fatalf("mode %q, want axyb", res.Mode)
	}
	harness := map[string]int64{}
	for _, f := range res.Flows {
		if f.Arrivals == 0 || f.Completed != f.Arrivals {
			t.Errorf("flow %s: started %d, completed %d", f.Name, f.Arrivals, f.Completed)
		}
		for _, st := range f.Steps {
			// Every session ran every step and the emulator accepted each: the app_key
			// reached it on binds, queries and unbinds alike.
			if st.Count != f.Arrivals || st.Success != st.Count {
				t.Errorf("flow %s step %s: %d sent, %d succeeded, want %d", f.Name, st.Op, st.Count, st.Success, f.Arrivals)
			}
			harness[st.Interface] += st.Count
		}
	}
	// The emulator saw every measured request, the pool's 5 setup binds and 5 teardown
	// unbinds and one credential probe (a query), and nothing else.
	want := map[string]int64{
		pns.IfaceAXYBBind:   harness[pns.IfaceAXYBBind] + 5,
		pns.IfaceAXYBQuery:  harness[pns.IfaceAXYBQuery] + 1,
		pns.IfaceAXYBUnbind: harness[pns.IfaceAXYBUnbind] + 5,
	}
	got := emulatorRequests(t, em)
	for id, n := range want {
		if got[id] != n {
			t.Errorf("emulator counted %d %s, want %d", got[id], id, n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("emulator counted interfaces %v, want %v", got, want)
	}
}

// TestAXYBWorkloadRefusesModify: AXYB has no modify interface, so a workload asking for one is
// refused before anything is sent.
func TestAXYBWorkloadRefusesModify(t *testing.T) {
	_, err := ParseWorkload([]byte("flows: [{name: f, mode: axyb, rate: 1, steps: [{op: bind}, {op: modify}, {op: unbind}]}]\n"))
	if err == nil || !strings.Contains(err.Error(), "modify") {
		t.Fatalf("err = %v, want a refusal naming modify", err)
	}
}
