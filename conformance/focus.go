package conformance

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing/fstest"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"
)

// Location names scenarios by where they are written, as godog and cucumber accept positional
// paths: a feature file of the suite and, optionally, a line.
type Location struct {
	// File is the feature file's name in the suite, e.g. "axb_bind.feature".
	File string
	// Line is the line of a Scenario or Scenario Outline keyword (every row of the outline)
	// or of an Examples row (that row); 0 selects the whole file.
	Line int
}

// String is the location as the reports print it: "axb_bind.feature:53" or "axb_bind.feature".
func (l Location) String() string {
	if l.Line == 0 {
		return l.File
	}
	return l.File + ":" + strconv.Itoa(l.Line)
}

// ParseLocation parses "FILE.feature[:LINE]". The suite's features are embedded in the binary,
// so FILE names one of them: as the reports print it (axb_bind.feature:53) or with the
// repository's directory (features/axb_bind.feature:53, ./features/…, or any path ending in
// features/FILE). A path in another directory is refused rather than silently replaced by the
// embedded file of the same name.
func ParseLocation(s string) (Location, error) {
	p := strings.ReplaceAll(strings.TrimSpace(s), `\`, "/")
	loc := Location{}
	if i := strings.LastIndexByte(p, ':'); i >= 0 && !strings.HasSuffix(p, ".feature") {
		n, err := strconv.Atoi(p[i+1:])
		if err != nil || n <= 0 {
			return Location{}, fmt.Errorf("%q: the line after ':' must be a positive number (FILE.feature:LINE)", s)
		}
		p, loc.Line = p[:i], n
	}
	if !strings.HasSuffix(p, ".feature") {
		return Location{}, fmt.Errorf("%q is not a feature location (FILE.feature or FILE.feature:LINE)", s)
	}
	dir, file := path.Split(p)
	if d := path.Clean(dir); dir != "" && d != "features" && !strings.HasSuffix(d, "/features") {
		return Location{}, fmt.Errorf("%q: the features are embedded in the binary; name one as features/%s or %s", s, file, file)
	}
	loc.File = file
	return loc, nil
}

// Focus narrows selected (the scenarios the tags select) to those at one of locs (none: no
// narrowing) whose name name matches (nil: any). Each location must name scenarios of the
// suite (all is every scenario, tags aside): a file that is not in it, or a line where no
// scenario or Examples row starts, is an error naming the lines that would select one. A
// selection that ends empty is an error wrapping ErrNoScenarios.
func Focus(all, selected []Pickle, locs []Location, name *regexp.Regexp) ([]Pickle, error) {
	for _, l := range locs {
		if err := checkLocation(all, l); err != nil {
			return nil, err
		}
	}
	var out []Pickle
	for _, p := range selected {
		if name != nil && !name.MatchString(p.Name) {
			continue
		}
		if len(locs) > 0 && !atAny(p, locs) {
			continue
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		var what []string
		for _, l := range locs {
			what = append(what, l.String())
		}
		if name != nil {
			what = append(what, fmt.Sprintf("name matching %q", name.String()))
		}
		return nil, fmt.Errorf("%s: %w among those the tags select", strings.Join(what, ", "), errNoScenariosSelected)
	}
	return out, nil
}

// errNoScenariosSelected is ErrNoScenarios worded for locations and names.
var errNoScenariosSelected error = noScenarios{}

type noScenarios struct{}

func (noScenarios) Error() string { return "no scenario selected" }

// Is makes errNoScenariosSelected match ErrNoScenarios.
func (noScenarios) Is(err error) bool { return err == ErrNoScenarios }

func atAny(p Pickle, locs []Location) bool {
	for _, l := range locs {
		if p.Feature != l.File {
			continue
		}
		if l.Line == 0 {
			return true
		}
		for _, n := range p.Lines {
			if n == l.Line {
				return true
			}
		}
	}
	return false
}

// checkLocation explains a location that names no scenario of the suite.
func checkLocation(all []Pickle, l Location) error {
	files := map[string]bool{}
	lines := map[int]bool{}
	for _, p := range all {
		files[p.Feature] = true
		if p.Feature == l.File {
			if atAny(p, []Location{l}) {
				return nil
			}
			for _, n := range p.Lines {
				lines[n] = true
			}
		}
	}
	if !files[l.File] {
		names := make([]string, 0, len(files))
		for f := range files {
			names = append(names, f)
		}
		sort.Strings(names)
		return fmt.Errorf("%s is not a feature of the suite (the embedded features are %s)", l.File, strings.Join(names, ", "))
	}
	// The nearest lines on either side tell the user which one they meant.
	before, after := 0, 0
	for n := range lines {
		if n < l.Line && n > before {
			before = n
		}
		if n > l.Line && (after == 0 || n < after) {
			after = n
		}
	}
	var near []string
	for _, n := range []int{before, after} {
		if n > 0 {
			near = append(near, l.File+":"+strconv.Itoa(n))
		}
	}
	return fmt.Errorf("%s selects no scenario: no Scenario, Scenario Outline or Examples row starts on line %d (nearest: %s)", l, l.Line, strings.Join(near, ", "))
}

// focusFS returns a copy of the features of fsys in which only the scenarios (and outline
// rows) of keep remain: the others are commented out line by line, so that every line keeps
// its number (cucumber.json, junit.xml and the console name the same lines as the files) and
// godog neither runs nor reports them. Files left without a scenario are not in paths.
func focusFS(fsys fs.FS, keep []Pickle) (fs.FS, []string, error) {
	kept := map[string]bool{}
	for _, p := range keep {
		kept[p.Key] = true
	}
	all, err := featurePaths(fsys)
	if err != nil {
		return nil, nil, err
	}
	out := fstest.MapFS{}
	var paths []string
	for _, p := range all {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, nil, err
		}
		text, any, err := focusFeature(p, data, kept)
		if err != nil {
			return nil, nil, err
		}
		if any {
			out[p] = &fstest.MapFile{Data: text, Mode: 0o444}
			paths = append(paths, p)
		}
	}
	return out, paths, nil
}

// focusFeature comments out the scenarios and Examples rows of one feature file whose pickles
// are not kept, and reports whether any scenario remains.
func focusFeature(uri string, data []byte, kept map[string]bool) ([]byte, bool, error) {
	ids := (&messages.Incrementing{}).NewId
	doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), ids)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", uri, err)
	}
	keptNodes := map[string]bool{} // scenario and row ids with a kept pickle
	for _, pk := range gherkin.Pickles(*doc, uri, ids) {
		if kept[scenarioKey(uri, pk.Name)] {
			for _, id := range pk.AstNodeIds {
				keptNodes[id] = true
			}
		}
	}
	var scenarios []*messages.Scenario
	var starts []int // first line (tags included) of every scenario and rule
	first := func(line int64, tags []*messages.Tag) int {
		n := int(line)
		for _, t := range tags {
			if int(t.Location.Line) < n {
				n = int(t.Location.Line)
			}
		}
		return n
	}
	if doc.Feature != nil {
		for _, c := range doc.Feature.Children {
			if c.Scenario != nil {
				scenarios = append(scenarios, c.Scenario)
				starts = append(starts, first(c.Scenario.Location.Line, c.Scenario.Tags))
			}
			if c.Rule != nil {
				starts = append(starts, first(c.Rule.Location.Line, c.Rule.Tags))
				for _, rc := range c.Rule.Children {
					if rc.Scenario != nil {
						scenarios = append(scenarios, rc.Scenario)
						starts = append(starts, first(rc.Scenario.Location.Line, rc.Scenario.Tags))
					}
				}
			}
		}
	}
	sort.Ints(starts)
	lines := strings.SplitAfter(string(data), "\n")
	comment := func(n int) { // n is 1-based
		if n >= 1 && n <= len(lines) && strings.TrimSpace(lines[n-1]) != "" {
			lines[n-1] = "#" + lines[n-1]
		}
	}
	anyKept := false
	for _, sc := range scenarios {
		if keptNodes[sc.Id] {
			anyKept = true
			for _, ex := range sc.Examples {
				for _, row := range ex.TableBody {
					if !keptNodes[row.Id] {
						comment(int(row.Location.Line))
					}
				}
			}
			continue
		}
		from := first(sc.Location.Line, sc.Tags)
		to := len(lines)
		for _, s := range starts {
			if s > from {
				to = s - 1
				break
			}
		}
		for n := from; n <= to; n++ {
			comment(n)
		}
	}
	return []byte(strings.Join(lines, "")), anyKept, nil
}
