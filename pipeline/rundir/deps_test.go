package rundir

import (
	"os/exec"
	"strings"
	"testing"
)

// heavy are the packages a report rebuilt from a run directory must not link: the godog
// suite and the emulator. They are what pipeline.Execute runs, not what a report reads.
var heavy = []string{
	"github.com/cucumber/godog",
	"github.com/pns-harness/pns-harness/conformance",
	"github.com/pns-harness/pns-harness/emulator",
	"github.com/pns-harness/pns-harness/emulator/callbacks",
	"github.com/pns-harness/pns-harness/pipeline",
}

// TestReportLinksNoSuiteNorEmulator: assemble, and this package (Rebuild and Scan, what
// `harness report` runs), link neither godog nor the emulator; they read the suite's results
// through conformance/results and the dispatcher's statistics through emulator/pushstats.
func TestReportLinksNoSuiteNorEmulator(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list dependencies with")
	}
	for _, p := range []string{"github.com/pns-harness/pns-harness/assemble", "github.com/pns-harness/pns-harness/pipeline/rundir"} {
		out, err := exec.Command(goTool, "list", "-deps", p).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", p, err)
		}
		deps := strings.Fields(string(out))
		for _, d := range deps {
			for _, h := range heavy {
				if d == h {
					t.Errorf("%s links %s", p, h)
				}
			}
		}
		t.Logf("%s links %d packages", p, len(deps))
	}
}
