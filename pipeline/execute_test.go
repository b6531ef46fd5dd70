package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/embedded"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/reports"
)

// TestExecuteEmbedded: Execute on an embedded emulator (loopback) runs the selected
// scenarios, then the load with the profile BeforeLoad returns, and fills the summary; the
// console lines go to Log only, the observer sees the scenarios and the load, and the run
// directory's conformance/ and load/ are replaced, not added to.
func TestExecuteEmbedded(t *testing.T) {
	cfg, err := conformance.ConformanceConfig()
	if err != nil {
		t.Fatal(err)
	}
	plat, err := embedded.Start(cfg, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer plat.Close()
	out := t.TempDir()
	stale := filepath.Join(out, assemble.LoadDir, "stale")
	if err := os.MkdirAll(stale, 0o755); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	var seen *reports.Conformance
	var loads []string
	before := 0
	p := Plan{
		Out:      out,
		Manifest: reports.Manifest{TargetURL: plat.URL},
		Conformance: conformance.Options{Target: plat.URL, Profile: conformance.EmulatorProfile(), Emulator: true,
			Tags: "@axe.query", EphemeralTarget: true},
		Loads: []Load{{Name: "axb-bind-unbind", Title: "5/s", Given: true, Config: loadtest.Config{
			Target: plat.URL, Scenario: loadtest.ScenarioBindUnbind, Mode: pns.ModeAXB, Rate: 5,
			Duration: 400 * time.Millisecond, EphemeralTarget: true, Thresholds: mustThresholds(t, "bind.count>=1")}}},
		BeforeLoad: func() *loadtest.Profile {
			before++
			plat.Emulator.Reset()
			prof := loadtest.DefaultProfile()
			_, a := prof.AppFor(pns.ModeAXB)
			a.XNumbers = nil
			for _, x := range plat.Emulator.Store().XNumbers(a.AppKey) {
				a.XNumbers = append(a.XNumbers, x.Number)
			}
			return prof
		},
		Log:      &log,
		Observer: Observer{Scenarios: func(c *reports.Conformance) { seen = c }, Load: func(name string, _ *loadtest.Result) { loads = append(loads, name) }},
	}
	o, err := Execute(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	s := o.Summary
	if s.Conformance == nil || len(s.Conformance.Scenarios) == 0 || seen != s.Conformance {
		t.Fatalf("conformance section %+v, observer saw %p", s.Conformance, seen)
	}
	for _, sc := range s.Conformance.Scenarios {
		if sc.Status != reports.StatusPassed {
			t.Errorf("scenario %q: %s", sc.Name, sc.Status)
		}
	}
	if before != 1 || len(loads) != 1 || s.Load == nil || len(s.Load.Scenarios) != 1 || s.Load.Scenarios[0].Name != "axb-bind-unbind" {
		t.Fatalf("BeforeLoad called %d times, observer loads %v, load section %+v", before, loads, s.Load)
	}
	if len(s.Thresholds) != 1 || !s.Thresholds[0].Passed {
		t.Errorf("thresholds %+v, want bind.count>=1 passed", s.Thresholds)
	}
	if len(s.Errors) != 0 || len(o.NotChecked) != 0 || o.Refused || s.Callbacks != nil || s.Manifest.End.IsZero() {
		t.Errorf("errors %v, not checked %v, refused %v, callbacks %v, end %v", s.Errors, o.NotChecked, o.Refused, s.Callbacks, s.Manifest.End)
	}
	for _, want := range []string{"== conformance\n", "== load axb-bind-unbind: 5/s\n", "cleanup: "} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("an earlier run's load directory survived: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, assemble.ConformanceDir, assemble.CucumberFile)); err != nil {
		t.Errorf("conformance results not in the run directory: %v", err)
	}
}

func mustThresholds(t *testing.T, exprs ...string) []loadtest.Threshold {
	t.Helper()
	ths, err := loadtest.ParseThresholds(exprs)
	if err != nil {
		t.Fatal(err)
	}
	return ths
}
