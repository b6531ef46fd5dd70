package conformance

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"text/tabwriter"
)

// ErrNoScenarios is returned by Run and Select when a tag expression selects no scenario: a run
// that checks nothing must not pass.
var ErrNoScenarios = errors.New("the tag expression selects no scenario")

// MatchTags reports whether a scenario with tags (each with its @) is selected by expr, with
// godog's semantics: ',' separates alternatives, each a conjunction of '&&'-separated terms,
// '~' negates a term ("@a && ~@b, @c" = (a and not b) or c). An empty expression selects all.
func MatchTags(expr string, tags []string) bool {
	if strings.TrimSpace(expr) == "" {
		return true
	}
	has := map[string]bool{}
	for _, t := range tags {
		has[strings.TrimPrefix(t, "@")] = true
	}
	for _, alt := range strings.Split(expr, ",") {
		ok := true
		for _, term := range strings.Split(alt, "&&") {
			term = strings.TrimSpace(term)
			neg := strings.HasPrefix(term, "~")
			name := strings.TrimPrefix(strings.TrimPrefix(term, "~"), "@")
			if has[name] == neg {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// Select returns the scenarios of fsys that expr selects, in run order. An invalid expression
// is an error; one that selects nothing is ErrNoScenarios, with the known tags in the message.
func Select(fsys fs.FS, expr string) ([]Pickle, error) {
	if err := ValidateTags(expr); err != nil {
		return nil, err
	}
	all, err := ParseFeatures(fsys)
	if err != nil {
		return nil, err
	}
	var out []Pickle
	for _, p := range all {
		if MatchTags(expr, p.Tags) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("tags %q: %w; known tags: %s", expr, ErrNoScenarios, knownTags(all))
	}
	return out, nil
}

// knownTags lists the interface and marker tags in full and summarises the numerous @rule: and
// @code: tags, which --list shows one by one.
func knownTags(ps []Pickle) string {
	counts := TagCounts(ps)
	var plain []string
	rules, codes := 0, 0
	for t := range counts {
		switch {
		case strings.HasPrefix(t, "@rule:"):
			rules++
		case strings.HasPrefix(t, "@code:"):
			codes++
		default:
			plain = append(plain, t)
		}
	}
	sort.Strings(plain)
	return fmt.Sprintf("%s, and %d @rule:… and %d @code:… tags (harness conform --list shows every tag with its scenario count)",
		strings.Join(plain, " "), rules, codes)
}

// TagCounts counts the scenarios carrying each tag.
func TagCounts(ps []Pickle) map[string]int {
	out := map[string]int{}
	for _, p := range ps {
		seen := map[string]bool{}
		for _, t := range p.Tags {
			if !seen[t] {
				seen[t] = true
				out[t]++
			}
		}
	}
	return out
}

// WriteTagList writes one line per tag with the number of scenarios of ps carrying it, sorted
// by tag, and the total.
func WriteTagList(w io.Writer, ps []Pickle) error {
	counts := TagCounts(ps)
	tags := make([]string, 0, len(counts))
	for t := range counts {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "TAG\tSCENARIOS\n")
	for _, t := range tags {
		fmt.Fprintf(tw, "%s\t%d\n", t, counts[t])
	}
	fmt.Fprintf(tw, "(all selected)\t%d\n", len(ps))
	return tw.Flush()
}
