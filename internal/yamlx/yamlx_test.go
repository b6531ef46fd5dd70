package yamlx

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestDecodeStrict(t *testing.T) {
	type cfg struct {
		Name  string `yaml:"name"`
		Count int    `yaml:"count"`
	}
	var c cfg
	if err := DecodeStrict([]byte("name: a\ncount: 2\n"), &c); err != nil || c.Name != "a" || c.Count != 2 {
		t.Fatalf("valid document: %+v %v", c, err)
	}
	c = cfg{Name: "kept"}
	if err := DecodeStrict(nil, &c); err != nil || c.Name != "kept" {
		t.Fatalf("empty document: %+v %v", c, err)
	}
	err := DecodeStrict([]byte("nmae: a\n"), &c)
	if err == nil || err.Error() != "line 1: unknown key nmae, did you mean name?" {
		t.Fatalf("misspelled key: %v", err)
	}
	if err := DecodeStrict([]byte("count: many\n"), &c); err == nil {
		t.Fatal("wrong type accepted")
	}
}

// TestDecodeStrictMessages: every error is one line in the file's words (keys as written, the
// nearest known key, the line), never a Go type name, and Located puts it at file:line.
func TestDecodeStrictMessages(t *testing.T) {
	type step struct {
		Op    string        `yaml:"op"`
		Think time.Duration `yaml:"think"`
	}
	type flow struct {
		Name  string `yaml:"name"`
		Steps []step `yaml:"steps"`
	}
	type inner struct {
		Extra string `yaml:"extra"`
	}
	type doc struct {
		inner `yaml:",inline"`
		Flows []flow          `yaml:"flows"`
		Apps  map[string]flow `yaml:"apps"`
	}
	for _, tt := range []struct{ name, yaml, want string }{
		{"typo in a list item", "flows:\n  - name: f\n    stpes: []\n", "line 3: flows[0]: unknown key stpes, did you mean steps?"},
		{"typo under a map", "apps:\n  a:\n    nmae: x\n", "line 3: apps.a: unknown key nmae, did you mean name?"},
		{"inline field known", "extra: x\nflowz: []\n", "line 2: unknown key flowz, did you mean flows?"},
		{"far from any key", "zzz: 1\n", "line 1: unknown key zzz (known keys: apps, extra, flows)"},
		{"typo in a step", "flows:\n  - steps:\n      - {op: bind, thnik: 1s}\n", "line 3: flows[0].steps[0]: unknown key thnik, did you mean think?"},
		{"indentation", "flows:\n  - name: f\n   steps: []\n", "line 1: did not find expected '-' indicator (check the indentation: spaces, not tabs, and the same indentation for the keys of one mapping)"},
		{"wrong type", "flows:\n  - name: f\n    steps:\n      - {op: bind, think: soon}\n", "line 4: cannot unmarshal `soon`: want a duration such as 500ms, 5s or 2m"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var d doc
			err := DecodeStrict([]byte(tt.yaml), &d)
			if err == nil {
				t.Fatal("accepted")
			}
			if err.Error() != tt.want {
				t.Errorf("got  %q\nwant %q", err.Error(), tt.want)
			}
			if strings.Contains(err.Error(), "yamlx.") || strings.Contains(err.Error(), "\n") {
				t.Errorf("not one line in the file's words: %q", err.Error())
			}
		})
	}
	err := Located("wl.yaml", fmt.Errorf("workload: %w", DecodeStrict([]byte("nmae: a\n"), &struct {
		Name string `yaml:"name"`
	}{})))
	if err.Error() != "wl.yaml:1: workload: unknown key nmae, did you mean name?" {
		t.Errorf("Located: %q", err.Error())
	}
}
