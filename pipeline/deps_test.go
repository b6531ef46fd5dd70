package pipeline

import (
	"go/parser"
	"go/token"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// heavy are the packages a report rebuilt from a run directory must not link: the godog
// suite and the emulator. They are what Execute runs, not what a report reads.
var heavy = []string{
	"github.com/cucumber/godog",
	"github.com/pns-harness/pns-harness/conformance",
	"github.com/pns-harness/pns-harness/emulator",
	"github.com/pns-harness/pns-harness/emulator/callbacks",
}

// rebuildFiles are the files of Rebuild and Scan: what `harness report` runs.
var rebuildFiles = []string{"rebuild.go", "scan.go", "rundir.go", "layout.go"}

// TestReportLinksNoSuiteNorEmulator: assemble, and every package the files of Rebuild and
// Scan import, link neither godog nor the emulator; they read the suite's results through
// conformance/results and the dispatcher's statistics through emulator/pushstats. (The
// package pipeline itself links both, for Execute.)
func TestReportLinksNoSuiteNorEmulator(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list dependencies with")
	}
	pkgs := map[string]bool{"github.com/pns-harness/pns-harness/assemble": true}
	fset := token.NewFileSet()
	for _, name := range rebuildFiles {
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			pkgs[p] = true
		}
	}
	for p := range pkgs {
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
		if p == "github.com/pns-harness/pns-harness/assemble" {
			t.Logf("assemble links %d packages", len(deps))
		}
	}
}
