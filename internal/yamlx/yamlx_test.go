package yamlx

import (
	"strings"
	"testing"
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
	if err == nil || !strings.Contains(err.Error(), "field nmae not found") {
		t.Fatalf("misspelled key: %v", err)
	}
	if err := DecodeStrict([]byte("count: many\n"), &c); err == nil {
		t.Fatal("wrong type accepted")
	}
}
