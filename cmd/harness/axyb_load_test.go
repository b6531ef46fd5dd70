package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
)

// TestAXYBLoadCalls runs loadtest/testdata/axyb-calls.yaml through `harness load` on the
// embedded platform: AX binds, YB binds on their subscriptionIds, simulated calls through the
// relations (B with its own Y, and B given a Y by the platform) and stops of a share of them.
// Every step of every session succeeds, the YB binds are reported under axyb.bind next to the
// AX binds, the stops under call.stop, and every call's events and fee record reached the
// receiver (the thresholds on missing and invalid callbacks hold).
func TestAXYBLoadCalls(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runHarness(t, nil, "load", "--workload", filepath.Join("..", "..", "loadtest", "testdata", "axyb-calls.yaml"),
		"--duration", "1s", "--generator-lag", "0", "--progress", "-1", "--out", out,
		"--threshold", "callback.missing==0", "--threshold", "callback.invalid==0")
	if code != exitOK {
		t.Fatalf("load: exit %d\n%s\n%s", code, lastLines(stdout, 40), stderr)
	}
	var res loadtest.Result
	data, err := os.ReadFile(filepath.Join(out, loadtest.ResultFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	flows := map[string]loadtest.FlowStats{}
	for _, f := range res.Flows {
		flows[f.Name] = f
		if f.Arrivals == 0 || f.Completed != f.Arrivals {
			t.Errorf("flow %s: started %d, completed %d", f.Name, f.Arrivals, f.Completed)
		}
		for _, st := range f.Steps {
			if st.Count != f.Arrivals || st.Success != st.Count {
				t.Errorf("flow %s step %s: %d sent, %d succeeded, want %d", f.Name, st.Op, st.Count, st.Success, f.Arrivals)
			}
		}
	}
	if len(flows) != 3 {
		t.Fatalf("flows %v, want yb-calls, auto-y-calls and stopped", flows)
	}
	// One AX bind per session and one YB bind per session of the two flows with a yb step.
	binds := flows["yb-calls"].Arrivals*2 + flows["auto-y-calls"].Arrivals + flows["stopped"].Arrivals*2
	if row, ok := res.Interface(pns.IfaceAXYBBind); !ok || row.Count != binds || row.Success != binds {
		t.Errorf("axyb.bind row %v %+v, want %d requests all answered 0", ok, row, binds)
	}
	calls := flows["yb-calls"].Arrivals + flows["auto-y-calls"].Arrivals + flows["stopped"].Arrivals
	if row, ok := res.Interface(loadtest.IfaceCalls); !ok || row.Count != calls || row.Success != calls {
		t.Errorf("%s row %v %+v, want %d calls all placed", loadtest.IfaceCalls, ok, row, calls)
	}
	if row, ok := res.Interface(pns.IfaceStopCall); !ok || row.Count != flows["stopped"].Arrivals || row.Success != row.Count {
		t.Errorf("call.stop row %v %+v, want %d stops all answered 0", ok, row, flows["stopped"].Arrivals)
	}
	if res.Conformance.Errors != 0 || res.Cleanup.Leaked != 0 || res.Cleanup.Unknown != 0 {
		t.Errorf("conformance %+v cleanup %+v", res.Conformance, res.Cleanup)
	}
	if !strings.Contains(stdout, "callback") {
		t.Errorf("the summary says nothing of the callbacks:\n%s", lastLines(stdout, 40))
	}
}
