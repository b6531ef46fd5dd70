package conformance

import "testing"

// TestFixedLineArea: the area code of a fixed-line number is read with its leading 0, two
// digits for Beijing and 020-029, three otherwise; mobile numbers and foreign ones have none.
func TestFixedLineArea(t *testing.T) {
	for in, want := range map[string]string{
		"+86755":         "0755",
		"+867552812340":  "0755",
		"+861012345678":  "010",
		"+862112345678":  "021",
		"+8657112345678": "0571",
		"+8613800000001": "",
		"+85212345678":   "",
		"+8675":          "",
		"+860755":        "",
	} {
		got, ok := fixedLineArea(in)
		if got != want || ok != (want != "") {
			t.Errorf("fixedLineArea(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
