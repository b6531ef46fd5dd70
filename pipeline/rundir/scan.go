package rundir

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/conformance/results"
	"github.com/pns-harness/pns-harness/internal/bindjournal"
	"github.com/pns-harness/pns-harness/loadtest"
)

// Results are the results found in run directories (Scan): what `harness report` rebuilds a
// summary from.
type Results struct {
	Conformance []string // directories with cucumber.json
	Load        []string // directories with a load result (loadtest.ResultIn)
	Receiver    []string // receiver.json files
	Partial     []string // load directories with a binding journal but no summary: the run never ended
	// PartialConformance are conformance output directories with the suite's binding journal
	// but no conformance.json: the run never ended.
	PartialConformance []string
}

// conformanceOut reports whether d is a conformance run's output directory: its binding
// journal is the suite's, not that of a load that never ended.
func conformanceOut(d string) bool {
	return filepath.Base(d) == assemble.ConformanceDir || exists(filepath.Join(d, assemble.CucumberFile)) ||
		exists(filepath.Join(d, results.ResultsFile))
}

// conformanceJournal reports whether d's binding journal is a conformance run's.
func conformanceJournal(d string) bool {
	st, err := loadtest.ReadJournal(d)
	return err == nil && st.Kind == bindjournal.KindConformance
}

// Scan classifies dir and adds its results to into: a `harness run` output (conformance/,
// load/*/, receiver.json), a `harness conform --out` directory, a `harness load --out`
// directory, a `harness receive --out` directory, or a directory of shard directories. A
// directory with none of them is an error.
func Scan(dir string, into *Results) error {
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	found := false
	if exists(filepath.Join(dir, assemble.CucumberFile)) {
		into.Conformance = append(into.Conformance, dir)
		found = true
	}
	if c := filepath.Join(dir, assemble.ConformanceDir); exists(filepath.Join(c, assemble.CucumberFile)) {
		into.Conformance = append(into.Conformance, c)
		found = true
	}
	// A conformance run that never ended (killed): its journal without the result it writes
	// last (conformance.json; godog may have created cucumber.json already).
	for _, c := range []string{dir, filepath.Join(dir, assemble.ConformanceDir)} {
		if exists(filepath.Join(c, loadtest.JournalFile)) && !exists(filepath.Join(c, results.ResultsFile)) {
			if st, err := loadtest.ReadJournal(c); err == nil && st.Kind == bindjournal.KindConformance {
				into.PartialConformance = append(into.PartialConformance, c)
				found = true
			}
		}
	}
	// A load directory: its summary, or only its journal when the run never ended (killed).
	load := func(d string) bool {
		switch {
		case loadtest.ResultIn(d) != "":
			into.Load = append(into.Load, d)
		case exists(filepath.Join(d, loadtest.JournalFile)) && !conformanceOut(d) && !conformanceJournal(d):
			into.Partial = append(into.Partial, d)
		default:
			return false
		}
		return true
	}
	if load(dir) {
		found = true
	}
	for _, parent := range []string{filepath.Join(dir, assemble.LoadDir), dir} {
		entries, err := os.ReadDir(parent)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() && load(filepath.Join(parent, e.Name())) {
				found = true
			}
		}
	}
	if r := filepath.Join(dir, assemble.ReceiverFile); exists(r) {
		into.Receiver = append(into.Receiver, r)
		found = true
	}
	if !found {
		return fmt.Errorf("%s holds no conformance, load or receiver results", dir)
	}
	return nil
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// JournalNote says what a partial load directory's journal leaves on the platform, for the
// report of a run that ended without its summary.
func JournalNote(dir string) string {
	st, err := loadtest.ReadJournal(dir)
	if err != nil {
		return "its binding journal cannot be read: " + err.Error()
	}
	if st.Ephemeral {
		return "its platform was the run's own embedded emulator, gone with the run: no binding can be left"
	}
	if n := st.Live + st.Maybe; n > 0 {
		return fmt.Sprintf("%d binding(s) may still be on the platform (%d bound, %d without an answer): run `harness cleanup %s`", n, st.Live, st.Maybe, dir)
	}
	return "its binding journal shows no binding left on the platform"
}

// JournalDirs returns the directories of args that hold a binding journal: a `harness load
// --out` or `harness conform --out` directory, or the conformance and load/* directories of a
// `harness run` output directory.
func JournalDirs(args []string) ([]string, error) {
	var dirs []string
	for _, a := range args {
		if exists(filepath.Join(a, loadtest.JournalFile)) {
			dirs = append(dirs, a)
			continue
		}
		found := false
		if d := filepath.Join(a, assemble.ConformanceDir); exists(filepath.Join(d, loadtest.JournalFile)) {
			dirs = append(dirs, d)
			found = true
		}
		if entries, err := os.ReadDir(filepath.Join(a, assemble.LoadDir)); err == nil {
			for _, e := range entries {
				if d := filepath.Join(a, assemble.LoadDir, e.Name()); e.IsDir() && exists(filepath.Join(d, loadtest.JournalFile)) {
					dirs = append(dirs, d)
					found = true
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("%s holds no binding journal (%s): give the --out directory of a load, conform or run", a, loadtest.JournalFile)
		}
	}
	return dirs, nil
}
