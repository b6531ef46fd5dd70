package pns

import (
	"strings"
	"testing"
)

func TestModesSayOnce(t *testing.T) {
	for _, m := range Modes {
		got, err := ParseMode(strings.ToLower(string(m)))
		if err != nil || got != m {
			t.Errorf("ParseMode(%q) = %q, %v", m.Lower(), got, err)
		}
		if _, ok := InterfaceFor(m, "bind"); !ok {
			t.Errorf("mode %s has no bind interface in Interfaces", m)
		}
	}
	for _, bad := range []string{"", "AXY", "x b", "axb "} {
		if _, err := ParseMode(bad); err == nil || !strings.Contains(err.Error(), ModeList(true)) {
			t.Errorf("ParseMode(%q) = %v, want an error naming %s", bad, err, ModeList(true))
		}
	}
	if _, ok := InterfaceFor(ModeAXE, "callee"); ok {
		t.Error("InterfaceFor(AXE, callee) found an interface AXE does not have")
	}
	// Every mode-scoped interface belongs to a listed mode, so that no list can miss one.
	for _, i := range Interfaces {
		if i.Mode != "" && !i.Mode.Valid() {
			t.Errorf("interface %s has mode %q, not in Modes", i.ID, i.Mode)
		}
	}
}
