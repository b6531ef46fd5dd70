package schemas

import (
	"slices"
	"strings"
	"testing"
)

// FuzzValidate feeds arbitrary bodies to arbitrary schemas (seed corpus in
// testdata/fuzz/FuzzValidate plus the example tables). It asserts that validation never
// panics or errors for a known name, that the output is sorted and well-formed, and that it is
// deterministic.
func FuzzValidate(f *testing.F) {
	v := mustNew(f)
	names := v.Names()
	for _, ex := range validExamples {
		f.Add(uint8(slices.Index(names, ex.schema)), []byte(ex.body))
	}
	for _, ex := range invalidExamples {
		f.Add(uint8(slices.Index(names, ex.schema)), []byte(ex.body))
	}
	f.Fuzz(func(t *testing.T, idx uint8, body []byte) {
		name := names[int(idx)%len(names)]
		got, err := v.Validate(name, body)
		if err != nil {
			t.Fatalf("Validate(%s): %v", name, err)
		}
		if !slices.IsSortedFunc(got, compareViolations) {
			t.Fatalf("not sorted: %v", got)
		}
		for _, g := range got {
			if g.InstancePath != "" && !strings.HasPrefix(g.InstancePath, "/") {
				t.Fatalf("bad instance path %q", g.InstancePath)
			}
			if g.Keyword == "" || g.Message == "" {
				t.Fatalf("empty keyword or message: %+v", g)
			}
			if g.Keyword != KeywordMalformedJSON && !strings.Contains(g.KeywordPath, ".json#") {
				t.Fatalf("bad keyword path %q", g.KeywordPath)
			}
		}
		again, _ := v.Validate(name, body)
		if !slices.Equal(got, again) {
			t.Fatalf("not deterministic:\n%v\n%v", got, again)
		}
	})
}

func compareViolations(a, b Violation) int {
	if c := strings.Compare(a.InstancePath, b.InstancePath); c != 0 {
		return c
	}
	if c := strings.Compare(a.KeywordPath, b.KeywordPath); c != 0 {
		return c
	}
	return strings.Compare(a.Message, b.Message)
}
