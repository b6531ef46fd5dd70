package reports

import (
	"bytes"
	"strings"
	"testing"
)

func TestFidelityHTMLGolden(t *testing.T) {
	d := FidelityDiff{Target: "https://127.0.0.1:8443", Compared: 3, NotCompared: 2, Rows: []FidelityRow{
		{Scenario: "axb_query.feature:Query one binding by subscriptionId", Interfaces: "axb.query",
			Target: "failed: axb.query 403 1023001", TargetError: `resultcode "1023001" <x>, want "0"`,
			Emulator: "passed: axb.query 200 0"},
	}}
	var b bytes.Buffer
	if err := WriteFidelityHTML(&b, d); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "<x>") || !strings.Contains(out, "&lt;x&gt;") {
		t.Error("error text is not escaped")
	}
	if v := cspViolations(out); len(v) != 0 {
		t.Errorf("the fidelity page needs 'unsafe-inline': %v", v)
	}
	golden(t, "fidelity.html.golden", b.Bytes())
}
