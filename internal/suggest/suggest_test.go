package suggest

import "testing"

func TestClosest(t *testing.T) {
	known := []string{"steps", "name", "rate", "ramp", "flows", "share"}
	for _, tt := range []struct{ in, want string }{
		{"stpes", "steps"}, // a swap is one edit
		{"nmae", "name"},
		{"flow", "flows"}, // a prefix
		{"rat", "rate"},
		{"xyz", ""},
		{"duration", ""},
	} {
		if got := Closest(tt.in, known); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
