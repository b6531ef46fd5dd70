package conformance

import (
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// TestBindNumbers: the journal gets each mode's A, B, X and extension from the fields its
// pns.ModeSpec names, and nothing from fields of another mode.
func TestBindNumbers(t *testing.T) {
	tests := []struct {
		mode         pns.Mode
		body         string
		a, b, x, ext string
	}{
		{pns.ModeAXB, `{"callerNum":"A","calleeNum":"B","relationNum":"X","origNum":"no"}`, "A", "B", "X", ""},
		{pns.ModeAX, `{"origNum":"A","privateNum":"X","calleeNum":"no"}`, "A", "", "X", ""},
		{pns.ModeAXE, `{"bindNum":"A","virtualNum":"X","extendNum":"1234","":"no"}`, "A", "", "X", "1234"},
		{pns.ModeAXB, `not json`, "", "", "", ""},
	}
	for _, tt := range tests {
		a, b, x, ext := bindNumbers(tt.mode, []byte(tt.body))
		if a != tt.a || b != tt.b || x != tt.x || ext != tt.ext {
			t.Errorf("%s %s: %q %q %q %q, want %q %q %q %q", tt.mode, tt.body, a, b, x, ext, tt.a, tt.b, tt.x, tt.ext)
		}
	}
}

// TestUnbindPath: a bound binding is unbound on its mode's unbind path.
func TestUnbindPath(t *testing.T) {
	for _, m := range pns.Modes {
		bind, _ := pns.InterfaceFor(m, "bind")
		unbind, _ := pns.InterfaceFor(m, "unbind")
		if p, mode := unbindPath(bind.ID); p != unbind.Path || mode != m {
			t.Errorf("%s: %s %s, want %s %s", bind.ID, p, mode, unbind.Path, m)
		}
	}
	if p, mode := unbindPath("nonsense"); p != pns.PathAXB || mode != pns.ModeAXB {
		t.Errorf("unknown interface: %s %s, want the AXB path", p, mode)
	}
}
