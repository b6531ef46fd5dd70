package profile

import (
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// TestDemo: every mode of pns.Modes has its demo app, named like the mode, with the demo key
// and secret and what the options add; the profile normalises as it is.
func TestDemo(t *testing.T) {
	p := Demo(DemoOptions{
		AreaMatchMode: "1",
		XNumbers: func(key string) []string {
			if key == "demo-axb" {
				return []string{"+8617001100000"}
			}
			return nil
		},
		XRanges: func(key string) []XRange {
			if key == "demo-ax" {
				return []XRange{{From: "+8617002100000", Count: 3, CityCode: "010"}}
			}
			return nil
		},
	})
	if len(p.Apps) != len(pns.Modes) {
		t.Errorf("%d apps, want one per mode (%d)", len(p.Apps), len(pns.Modes))
	}
	for _, m := range pns.Modes {
		a := p.Apps[string(m)]
		if a == nil {
			t.Fatalf("no app for %s", m)
		}
		if want := "demo-" + m.Lower(); a.AppKey != want || a.AppSecret != want+"-secret" || a.AreaMatchMode != "1" {
			t.Errorf("%s: key %q secret %q area match %q", m, a.AppKey, a.AppSecret, a.AreaMatchMode)
		}
	}
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	if got := p.Apps["AXB"].X(); len(got) != 1 || got[0] != "+8617001100000" {
		t.Errorf("AXB X = %v", got)
	}
	if got := p.Apps["AX"].X(); len(got) != 3 {
		t.Errorf("AX X = %v, want the 3 of its range", got)
	}
	if len(p.Apps["AXE"].X()) != 0 {
		t.Errorf("AXE has X numbers it was not given: %v", p.Apps["AXE"].X())
	}
	if p.Numbers.A.Start != DefaultAStart || p.Numbers.B.Start != DefaultBStart {
		t.Errorf("numbers %+v", p.Numbers)
	}
	if Demo(DemoOptions{}).Apps["AXB"].XNumbers != nil {
		t.Error("zero options listed X numbers")
	}
}
