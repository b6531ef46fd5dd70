package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
)

// emulatorRequests reads the emulator's own request counter (pns_emulator_requests_total)
// per interface, over every result code.
func emulatorRequests(t *testing.T, em *emulator.Emulator) map[string]int64 {
	t.Helper()
	mfs, err := em.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, mf := range mfs {
		if mf.GetName() != "pns_emulator_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "interface" {
					out[l.GetValue()] += int64(m.GetCounter().GetValue())
				}
			}
		}
	}
	return out
}

func setFaults(t *testing.T, base string, faults ...map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"faults": faults})
	resp, err := http.Post(base+emulator.AdminPrefix+"faults", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("faults: HTTP %d", resp.StatusCode)
	}
}

// TestEmulatorMixedWorkload runs the example workload (three flows over AXB and AX) and checks
// every flow's counts against its plan and against the emulator's own request counters, and
// that no binding is left.
func TestEmulatorMixedWorkload(t *testing.T) {
	em, srv, prof := newEmulator(t)
	w, err := LoadWorkload(filepath.Join("testdata", "mixed.yaml"))
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
	if res.Cleanup.Leaked != 0 || res.Cleanup.Unknown != 0 || res.Cleanup.Bound != res.Cleanup.Unbound+res.Cleanup.Retried {
		t.Fatalf("cleanup %+v", res.Cleanup)
	}
	if res.Conformance.Errors != 0 || len(res.Rejections) != 0 {
		t.Fatalf("conformance %+v rejections %+v", res.Conformance, res.Rejections)
	}
	if len(res.Flows) != 3 || res.Mode != "ax+axb" {
		t.Fatalf("flows %+v mode %s", res.Flows, res.Mode)
	}
	// The plan: 30/s shared 2:1, plus 10/s of its own, for 1 s.
	harness := map[string]int64{}
	var arrivals int64
	for i, want := range []float64{20, 10, 10} {
		f := res.Flows[i]
		if f.TargetArrivals != want || f.Arrivals != int64(want) || f.Completed != f.Arrivals || f.Ended != 0 {
			t.Errorf("flow %s: planned %v, started %d, completed %d, ended %d; want %v each", f.Name, f.TargetArrivals, f.Arrivals, f.Completed, f.Ended, want)
		}
		for _, s := range f.Steps {
			// Every session ran every step, and the emulator accepted each.
			if s.Count != f.Arrivals || s.Success != s.Count {
				t.Errorf("flow %s step %s: %d sent, %d succeeded, want %d", f.Name, s.Op, s.Count, s.Success, f.Arrivals)
			}
			harness[s.Interface] += s.Count
		}
		arrivals += f.Arrivals
	}
	if res.TargetHits != 40 || res.SentHits != arrivals {
		t.Errorf("target %v sent %d, want 40 and %d", res.TargetHits, res.SentHits, arrivals)
	}
	for _, is := range res.Interfaces {
		if is.Count != harness[is.ID] {
			t.Errorf("%s: interface count %d, flow steps %d", is.ID, is.Count, harness[is.ID])
		}
	}
	// The emulator saw every measured request plus the pool's setup binds and teardown
	// unbinds and one credential probe (a query) per mode, and nothing else.
	pool := int64(res.Flows[2].Pool)
	want := map[string]int64{
		"axb.bind":   harness["axb.bind"] + pool,
		"axb.query":  harness["axb.query"] + 1,
		"ax.query":   1,
		"axb.modify": harness["axb.modify"],
		"axb.unbind": harness["axb.unbind"] + pool,
		"ax.bind":    harness["ax.bind"],
		"ax.callee":  harness["ax.callee"],
		"ax.unbind":  harness["ax.unbind"],
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

// TestGeneratorBound: a generator with one worker against a target that takes 300 ms per
// bind cannot send 10 binds/s; its lag grows by at least 200 ms per request whatever the
// machine's speed, so the run is flagged generator-bound. The same target with workers to
// spare is slow but not generator-bound: the target's latency is not the generator's lag.
func TestGeneratorBound(t *testing.T) {
	_, srv, prof := newEmulator(t)
	setFaults(t, srv.URL, map[string]any{"interface": "axb.bind", "latencyMs": 300})
	starved, err := Run(context.Background(), Config{Target: srv.URL, Profile: prof, Rate: 10, Duration: 2 * time.Second,
		Workers: 1, MaxWorkers: 1, GeneratorLag: time.Second, SchemaSample: -1})
	if err != nil {
		t.Fatal(err)
	}
	if !starved.Generator.Bound || starved.Generator.Lag.P99 <= 1000 || starved.Passed() {
		t.Fatalf("starved generator not flagged: %+v thresholds %+v", starved.Generator, starved.Thresholds)
	}
	var text bytes.Buffer
	_ = starved.WriteText(&text)
	if !bytes.HasPrefix(bytes.SplitN(text.Bytes(), []byte("\n"), 2)[1], []byte("GENERATOR-BOUND: ")) {
		t.Fatalf("summary does not say so first:\n%s", text.String())
	}
	if starved.Cleanup.Leaked != 0 || starved.Cleanup.Bound != starved.Cleanup.Unbound {
		t.Fatalf("cleanup %+v", starved.Cleanup)
	}

	// 1.5 s per bind: were the target's latency counted as lag, the run would be flagged.
	setFaults(t, srv.URL, map[string]any{"interface": "axb.bind", "latencyMs": 1500})
	slow, err := Run(context.Background(), Config{Target: srv.URL, Profile: prof, Rate: 10, Duration: time.Second,
		MaxWorkers: 100, GeneratorLag: time.Second, SchemaSample: -1})
	if err != nil {
		t.Fatal(err)
	}
	bind, _ := slow.Interface("axb.bind")
	if slow.Generator.Bound || !slow.Passed() || bind.Service.P50 < 1500 {
		t.Fatalf("slow target flagged as generator-bound: %+v bind %+v thresholds %+v", slow.Generator, bind.Service, slow.Thresholds)
	}
}
