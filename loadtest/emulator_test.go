package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// newEmulator starts the in-process emulator with its default configuration and returns it
// with a profile that lists its X numbers.
func newEmulator(t *testing.T) (*emulator.Emulator, *httptest.Server, *Profile) {
	return newEmulatorB(t)
}

func newEmulatorB(t testing.TB) (*emulator.Emulator, *httptest.Server, *Profile) {
	t.Helper()
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	em, err := emulator.New(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = em.Close() })
	srv := httptest.NewServer(em.Handler())
	t.Cleanup(srv.Close)
	p := DefaultProfile()
	for _, e := range cfg.Entries() {
		if a := p.Apps[strings.ToUpper(strings.TrimPrefix(e.App, "demo-"))]; a != nil {
			a.XNumbers = append(a.XNumbers, e.Number)
		}
	}
	return em, srv, p
}

// faultCount reads the emulator's count of latency faults injected into iface.
func faultCount(t *testing.T, em *emulator.Emulator, iface string) float64 {
	t.Helper()
	mfs, err := em.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n float64
	for _, mf := range mfs {
		if mf.GetName() != "pns_emulator_faults_injected_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["interface"] == iface && labels["kind"] == "latency" {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return n
}

func emulatorLive(em *emulator.Emulator) int {
	d := em.Store().Dump("")
	return d.Total()
}

func TestEmulatorBindUnbind(t *testing.T) {
	em, srv, prof := newEmulator(t)
	for _, mode := range []pns.Mode{pns.ModeAXB, pns.ModeAX, pns.ModeAXE} {
		t.Run(string(mode), func(t *testing.T) {
			res, err := Run(context.Background(), Config{
				Target: srv.URL, Profile: prof, Mode: mode, Rate: 100, Duration: time.Second,
				Hold: 100 * time.Millisecond,
			})
			if err != nil {
				t.Fatal(err)
			}
			bind, _ := res.Interface(strings.ToLower(string(mode)) + ".bind")
			unbind, _ := res.Interface(strings.ToLower(string(mode)) + ".unbind")
			// How many the generator sends in its second is the machine's speed; that every
			// one sent was bound and unbound is not.
			if bind.Success != res.SentHits || unbind.Success != bind.Success || res.SentHits == 0 {
				t.Fatalf("sent %d bind %+v unbind %+v", res.SentHits, bind.Codes, unbind.Codes)
			}
			if res.Conformance.Errors != 0 || res.Conformance.SchemaChecked != 2*res.SentHits {
				t.Fatalf("conformance %+v", res.Conformance)
			}
			if n := emulatorLive(em); n != 0 {
				t.Fatalf("%d bindings left on the emulator", n)
			}
			if vs := em.Store().Check(); len(vs) != 0 {
				t.Fatalf("invariants: %v", vs)
			}
		})
	}
}

// Auto selection (no X list): the platform chooses X and, for AXE, the extension.
func TestEmulatorAutoSelection(t *testing.T) {
	em, srv, _ := newEmulator(t)
	for _, mode := range []pns.Mode{pns.ModeAXB, pns.ModeAX, pns.ModeAXE} {
		res, err := Run(context.Background(), Config{
			Target: srv.URL, Mode: mode, Rate: 50, Duration: time.Second,
		})
		if err != nil {
			t.Fatal(err)
		}
		bind, _ := res.Interface(strings.ToLower(string(mode)) + ".bind")
		if bind.Success != res.SentHits || res.SentHits == 0 || res.Conformance.Errors != 0 { // counts, not speed
			t.Fatalf("%s: bind %+v conformance %+v", mode, bind.Codes, res.Conformance)
		}
	}
	if n := emulatorLive(em); n != 0 {
		t.Fatalf("%d bindings left", n)
	}
}

// Known latency injected with the emulator's fault API shows up in the service time.
func TestEmulatorInjectedLatency(t *testing.T) {
	em, srv, prof := newEmulator(t)
	body, _ := json.Marshal(map[string]any{"faults": []map[string]any{{"interface": "axb.bind", "latencyMs": 20}}})
	resp, err := http.Post(srv.URL+"/emulator/v1/faults", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("faults: HTTP %d", resp.StatusCode)
	}
	res, err := Run(context.Background(), Config{
		Target: srv.URL, Profile: prof, Rate: 100, Duration: time.Second, SchemaSample: 0.5,
	})
	if err != nil {
		t.Fatal(err)
	}
	bind, _ := res.Interface("axb.bind")
	unbind, _ := res.Interface("axb.unbind")
	// One-sided: a busy machine only adds to the 20 ms, so the bind service time is at least the
	// injected latency. That the fault hit bind only is read from the emulator's own counter, not
	// from an upper bound on the unbind latency (which a slow machine can break).
	if bind.Count == 0 || bind.Service.P50 < 20 {
		t.Fatalf("bind %d requests, p50 %v: injected 20 ms not seen", bind.Count, bind.Service.P50)
	}
	if unbind.Count == 0 {
		t.Fatal("no unbinds")
	}
	if got := faultCount(t, em, "axb.bind"); got != float64(bind.Count) {
		t.Fatalf("latency injected into %v binds, %d sent", got, bind.Count)
	}
	if got := faultCount(t, em, "axb.unbind"); got != 0 {
		t.Fatalf("latency injected into %v unbinds: the fault is on bind only", got)
	}
	if res.Conformance.SchemaChecked == 0 || res.Conformance.SchemaChecked >= res.Conformance.Checked {
		t.Fatalf("schema sample 0.5 checked %d of %d", res.Conformance.SchemaChecked, res.Conformance.Checked)
	}
	if n := emulatorLive(em); n != 0 {
		t.Fatalf("%d bindings left", n)
	}
}

func TestEmulatorShardsMergeAX(t *testing.T) {
	em, srv, prof := newEmulator(t)
	dirs := []string{t.TempDir(), t.TempDir()}
	errs := make(chan error, len(dirs))
	for i := range dirs {
		go func() {
			_, err := Run(context.Background(), Config{
				Target: srv.URL, Profile: prof, Scenario: "ax-bind-unbind", Rate: 200, Duration: time.Second,
				Hold: 300 * time.Millisecond, Shard: i, Shards: 2, OutDir: dirs[i],
			})
			errs <- err
		}()
	}
	for range dirs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	m, err := Merge(dirs...)
	if err != nil {
		t.Fatal(err)
	}
	bind, _ := m.Interface("ax.bind")
	unbind, _ := m.Interface("ax.unbind")
	// Shards use disjoint X numbers and A numbers: no bind is refused.
	if bind.Success != m.SentHits || unbind.Success != bind.Success || m.Conformance.Errors != 0 {
		t.Fatalf("sent %d bind %+v unbind %+v conformance %+v", m.SentHits, bind.Codes, unbind.Codes, m.Conformance)
	}
	if n := emulatorLive(em); n != 0 {
		t.Fatalf("%d bindings left", n)
	}
}

func TestEmulatorQuery(t *testing.T) {
	em, srv, prof := newEmulator(t)
	for _, sc := range []string{"axb-query", "ax-query", "axe-query"} {
		res, err := Run(context.Background(), Config{Target: srv.URL, Profile: prof, Scenario: sc, Rate: 50, Duration: 500 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		q, _ := res.Interface(res.Primary)
		if q.Success != res.SentHits || res.SentHits == 0 || res.Conformance.Errors != 0 {
			t.Fatalf("%s: sent %d %+v conformance %+v", sc, res.SentHits, q.Codes, res.Conformance)
		}
	}
	if n := emulatorLive(em); n != 0 {
		t.Fatalf("%d bindings left", n)
	}
}

func TestEmulatorCancelCleansUp(t *testing.T) {
	em, srv, prof := newEmulator(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(600*time.Millisecond, cancel)
	res, err := Run(ctx, Config{Target: srv.URL, Profile: prof, Mode: pns.ModeAXE, Rate: 100, Duration: 3 * time.Second, Hold: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if res.Aborted == "" || res.Cleanup.Bound == 0 || res.Cleanup.Leaked != 0 {
		t.Fatalf("aborted %q cleanup %+v", res.Aborted, res.Cleanup)
	}
	if n := emulatorLive(em); n != 0 {
		t.Fatalf("%d bindings left after cancel", n)
	}
}
