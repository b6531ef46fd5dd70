package loadtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseWorkloadExample(t *testing.T) {
	w, err := LoadWorkload(filepath.Join("testdata", "mixed.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if w.Name != "mixed" || len(w.Flows) != 3 || w.Flows[0].Steps[3].Think != 200*time.Millisecond {
		t.Fatalf("%+v", w)
	}
	plans, err := w.flowPlans(nil, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{20, 10, 10} {
		if got := plans[i].MaxRate(); got != want {
			t.Errorf("flow %d: rate %v, want %v", i, got, want)
		}
	}
}

func TestParseWorkloadErrors(t *testing.T) {
	const flow = "flows:\n  - name: f\n    mode: axb\n    rate: 1\n"
	tests := []struct{ doc, want string }{
		{"", "workload: no flows: give at least one under flows:"},
		{"flows: []\nrte: 5\n", "workload: line 2: unknown key rte, did you mean rate?"},
		{"flows:\n  - name: f\n    mode: axb\n    rate: 1\n    stpes: []\n", "workload: line 5: flows[0]: unknown key stpes, did you mean steps?"},
		{flow + "    steps: [{op: bind, thnk: 1s}]\n", "workload: line 5: flows[0].steps[0]: unknown key thnk, did you mean think?"},
		{flow + "    steps: [{op: bind, think: soon}]\n", "workload: line 5: cannot unmarshal `soon`: want a duration such as 500ms, 5s or 2m"},
		{"rate: 1\nramp: 1s@1\nflows: [{name: f, mode: axb, share: 1, steps: [{op: bind}, {op: unbind}]}]\n", "workload: rate and ramp are exclusive"},
		{"ramp: 1s\nflows: [{name: f, mode: axb, share: 1, steps: [{op: bind}, {op: unbind}]}]\n", `workload: ramp stage 1 "1s": want DURATION@RATE, e.g. 10s@100`},
		{"flows: [{mode: axb, rate: 1, steps: [{op: bind}, {op: unbind}]}]\n", "workload: flows[0]: name is required"},
		{"flows: [{name: a.b, mode: axb, rate: 1, steps: [{op: bind}, {op: unbind}]}]\n", `workload: flows[0]: name "a.b": use letters, digits, '-' and '_'`},
		{"flows: [{name: f, mode: axb, rate: 1, steps: [{op: bind}, {op: unbind}]}, {name: f, mode: ax, rate: 1, steps: [{op: bind}, {op: unbind}]}]\n", `workload: flows[1]: name "f" used twice`},
		{"flows: [{name: f, mode: axy, rate: 1, steps: [{op: bind}, {op: unbind}]}]\n", `workload: flow "f": mode "axy" unknown (want axb, ax, axe or axyb)`},
		{"flows: [{name: f, mode: axb, steps: [{op: bind}, {op: unbind}]}]\n", `workload: flow "f": give one of rate, ramp or share`},
		{"flows: [{name: f, mode: axb, rate: 1, share: 1, steps: [{op: bind}, {op: unbind}]}]\n", `workload: flow "f": rate, ramp and share are exclusive`},
		{"flows: [{name: f, mode: axb, rate: -1, steps: [{op: bind}, {op: unbind}]}]\n", `workload: flow "f": rate must be positive`},
		{"flows: [{name: f, mode: axb, rate: 1}]\n", `workload: flow "f": no steps`},
		{flow + "    steps: [{op: bind}, {op: bnid}, {op: unbind}]\n", `workload: flow "f": steps[1]: unknown operation "bnid" (want bind, call, callee, modify, query, stop, unbind)`},
		{flow + "    steps: [{op: bind}, {op: callee}, {op: unbind}]\n", `workload: flow "f": steps[1]: operation "callee" does not exist in mode axb (it does in ax)`},
		{flow + "    steps: [{op: bind}, {op: unbind, think: 11m}]\n", `workload: flow "f": steps[1]: think 11m0s outside 0-10m0s`},
		{flow + "    steps: [{op: query}, {op: bind}, {op: unbind}]\n", `workload: flow "f": steps[1]: bind must be the first step`},
		{flow + "    steps: [{op: bind}, {op: unbind}, {op: query}]\n", `workload: flow "f": steps[1]: unbind must be the last step`},
		{flow + "    steps: [{op: query}]\n", `workload: flow "f": the first step must be bind, or give a pool of bindings to work on`},
		{flow + "    steps: [{op: bind}, {op: query}]\n", `workload: flow "f": binds but never unbinds: end with an unbind step (a load leaves no binding behind)`},
		{flow + "    pool: 5\n    steps: [{op: bind}, {op: unbind}]\n", `workload: flow "f": a flow with a pool may not bind or unbind (the pool's bindings are made before the load and removed after it)`},
		{flow + "    pool: 10001\n    steps: [{op: query}]\n", `workload: flow "f": pool 10001 outside 0-10000`},
	}
	for _, tt := range tests {
		_, err := ParseWorkload([]byte(tt.doc))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q:\n got  %v\n want %s", tt.doc, err, tt.want)
		}
	}
}

func TestWorkloadShareNeedsPlan(t *testing.T) {
	w, err := ParseWorkload([]byte("flows: [{name: f, mode: axb, share: 1, steps: [{op: bind}, {op: unbind}]}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.flowPlans(nil, time.Second)
	if err == nil || err.Error() != `flow "f": its share needs a rate plan: give the workload a rate or ramp (or --rate / --ramp)` {
		t.Fatal(err)
	}
	ps, err := w.flowPlans(Plan{{Duration: time.Second, Rate: 7}}, time.Second)
	if err != nil || ps[0].MaxRate() != 7 {
		t.Fatal(ps, err)
	}
}

func TestLoadWorkloadMissingFile(t *testing.T) {
	_, err := LoadWorkload(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.HasPrefix(err.Error(), "workload: open ") {
		t.Fatal(err)
	}
}

func TestSumPlans(t *testing.T) {
	p := sumPlans([]Plan{{{Duration: 2 * time.Second, Rate: 10}}, {{Duration: time.Second, Rate: 5}, {Duration: 2 * time.Second, Rate: 1}}})
	want := Plan{{Duration: time.Second, Rate: 15}, {Duration: time.Second, Rate: 11}, {Duration: time.Second, Rate: 1}}
	if p.String() != want.String() {
		t.Fatalf("%s, want %s", p, want)
	}
}

func FuzzParseWorkload(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("testdata", "mixed.yaml")); err == nil {
		f.Add(data)
	}
	f.Add([]byte("flows: [{name: f, mode: axb, rate: 1, steps: [{op: bind}, {op: unbind}]}]\n"))
	f.Add([]byte("ramp: 1s@5,2s@0\nflows: [{name: f, mode: ax, share: 2, steps: [{op: bind}, {op: callee, think: 1s}, {op: unbind}]}]\n"))
	f.Add([]byte("flows: [{name: q, mode: axe, rate: 3, pool: 4, steps: [{op: query}, {op: modify}]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseWorkload(data)
		if err != nil {
			return
		}
		// A valid workload always has a plan for every flow when given a base plan.
		if _, err := w.flowPlans(Plan{{Duration: time.Second, Rate: 1}}, time.Second); err != nil {
			t.Fatalf("valid workload without plans: %v", err)
		}
		if err := w.Validate(); err != nil {
			t.Fatalf("validated twice differently: %v", err)
		}
	})
}
