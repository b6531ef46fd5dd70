package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

func TestParse(t *testing.T) {
	// Conformance keys, load keys and run keys in one file.
	p, err := Parse([]byte(`
target: https://pns.invalid
emulator: false
numberBlocks: ["+86138001"]
authFailurePause: 2s
lockout: {failures: 10, window: 60s}
allowRemote: true
maxRate: 50
load: {modes: [AXB, AX], rate: 20, duration: 5s, hold: 1s}
numbers: {a: {start: "+8613400000000", count: 1000}}
apps:
  AXB: {appKey: k1, appSecretEnv: PNS_PROFILE_TEST_SECRET, xNumbers: ["+8617000000001"], maxPerX: 1000}
  AX: {appKey: k2, appSecret: s2, xRanges: [{from: "+8617000000100", count: 3, cityCode: "010"}]}
  second: {mode: AXE, appKey: k3, appSecret: s3, extensionDigits: 3, areaCode: "0755", areaMatchMode: "1"}
`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Numbers.A.Count != 1000 || p.Numbers.B.Start != DefaultBStart || p.Numbers.B.Count != DefaultRangeN {
		t.Fatalf("numbers %+v", p.Numbers)
	}
	if time.Duration(p.Lockout.Window) != time.Minute || p.MaxRate != 50 || !p.AllowRemote || time.Duration(p.Load.Duration) != 5*time.Second {
		t.Errorf("settings %+v", p)
	}
	if _, _, err := p.ModeApp(pns.ModeAXB); err == nil || err.Error() != "profile: apps.AXB: appSecretEnv: environment variable PNS_PROFILE_TEST_SECRET is not set" {
		t.Fatalf("missing env: %v", err)
	}
	t.Setenv("PNS_PROFILE_TEST_SECRET", "from-env")
	a, secret, err := p.ModeApp(pns.ModeAXB)
	if err != nil || secret != "from-env" || a.AppKey != "k1" {
		t.Fatalf("AXB %+v %q %v", a, secret, err)
	}
	a, _, err = p.ModeApp(pns.ModeAX)
	if err != nil || len(a.X()) != 3 || a.X()[2] != "+8617000000102" || len(a.Xs()) != 3 {
		t.Fatalf("AX xs %v %v", a.X(), err)
	}
	if c, ok := a.AreaOf("+8617000000101"); !ok || c != "010" || !a.Owns("+8617000000100") {
		t.Errorf("AreaOf/Owns")
	}
	a, secret, err = p.ModeApp(pns.ModeAXE)
	if err != nil || a.AppKey != "k3" || secret != "s3" {
		t.Fatalf("AXE by mode field: %+v %v", a, err)
	}
	if got := p.Modes(); len(got) != 3 {
		t.Errorf("modes %v", got)
	}
	if err := p.RequireConformance(); err == nil || err.Error() != "profile: apps.AXE: required" {
		t.Errorf("RequireConformance: %v", err)
	}
	if s := strings.Join(p.Secrets(), ","); s != "s2,from-env,s3" {
		t.Errorf("secrets %q", s)
	}
}

func TestParseErrors(t *testing.T) {
	app := "apps: {AXB: {appKey: k, appSecret: s}}\n"
	for _, b := range []struct{ yaml, want string }{
		{"apps: {AXB: {appKey: k, appSecret: s, xNumbers: [\"123\"]}}", `profile: apps.AXB.xNumbers: "123" is not a +86 mobile number`},
		{"apps: {AXB: {appKey: k, appSecret: s, xRanges: [{from: \"+8617000000000\", count: 0}]}}", "profile: apps.AXB.xRanges[0]: need a +86 mobile from and a positive count"},
		{"apps: {AXB: {appKey: k, appSecret: s, xRanges: [{from: \"+8619999999999\", count: 2}]}}", "profile: apps.AXB.xRanges[0]: the range leaves the +86 mobile numbers"},
		{"numbers: {a: {start: \"+861\", count: 5}}", `profile: numbers.a: start "+861" is not a +86 mobile number (+861 and 10 digits)`},
		{"numbers: {a: {start: \"+8619999999999\", count: 5}}", `profile: numbers.a: start "+8619999999999" + count 5 leaves the +861 mobile range`},
		{"apps: [", "profile: line 1: did not find expected node content"},
		{app + "maxPerx: 3\n", "profile: line 2: unknown key maxPerx (known keys: adminURL, allowRemote, apps, authFailurePause, capabilities, emulator, fixedLineBlocks, flowControl, load, lockout, maxRate, numberBlocks, numbers, target)"},
		{app + "maxRte: 3\n", "profile: line 2: unknown key maxRte, did you mean maxRate?"},
		{app + "allowRemote: true\n", "profile: maxRate: required with allowRemote (the rate ceiling no load may exceed)"},
		{app + "maxRate: -1\n", "profile: maxRate: must be positive"},
		{app + "maxRate: .nan\n", "profile: maxRate: must be positive"},
		{app + "flowControl: -5\n", "profile: flowControl: must be a positive number of requests per second"},
		{app + "load: {rate: .inf}\n", "profile: load: rate, duration and hold must be finite and not negative"},
		{app + "lockout: {failures: 3}\n", "profile: lockout: give both failures (a positive count) and window (a duration), or neither"},
		{app + "load: {modes: [AXE]}\n", `profile: load.modes[0]: no app for mode "AXE"`},
		{app + "maxRate: 10\nload: {rate: 20}\n", "profile: load.rate: 20/s exceeds maxRate 10/s"},
		{"apps: {AXB: {appKey: k}}", "profile: apps.AXB: appSecret or appSecretEnv required"},
		{"apps: {XY: {appKey: k, appSecret: s}}", "profile: apps.XY.mode: must be AXB, AX, AXE, AXYB or X"},
		{"apps: {AXB: {appKey: k, appSecret: s, areaMatchMode: \"2\"}}", `profile: apps.AXB.areaMatchMode: must be "0" or "1"`},
		{"authFailurePause: soon\n" + app, "profile: line 1: time: invalid duration \"soon\""},
	} {
		if _, err := Parse([]byte(b.yaml)); err == nil || err.Error() != b.want {
			t.Errorf("%s:\n err %v\nwant %q", b.yaml, err, b.want)
		}
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(path, []byte("apps: {AX: {appKey: k, appSecret: s}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if p, err := Load(path); err != nil || p.Apps["AX"].AppKey != "k" {
		t.Fatalf("Load: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.yaml")); err == nil || !strings.HasPrefix(err.Error(), "profile: open ") {
		t.Errorf("missing file: %v", err)
	}
}

func TestCapacity(t *testing.T) {
	p, err := Parse([]byte(`apps:
  AXB: {appKey: a, appSecret: s, xNumbers: ["+8617000000001", "+8617000000002"], maxPerX: 10}
  AX: {appKey: b, appSecret: s, xRanges: [{from: "+8617000000100", count: 5}]}
  AXE: {appKey: c, appSecret: s, extensionDigits: 1, xNumbers: ["+8617000000200"]}
  AXB-auto: {appKey: d, appSecret: s}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		app    string
		mode   pns.Mode
		live   int64
		peak   float64
		hold   time.Duration
		refuse bool
	}{
		{"AXB", pns.ModeAXB, 20, 13, time.Second, false},    // 13 × 1.5 = 19.5 ≤ 20
		{"AXB", pns.ModeAXB, 20, 14, time.Second, true},     // 21 > 20
		{"AX", pns.ModeAX, 5, 10, 0, false},                 // 10 × 0.5 = 5
		{"AX", pns.ModeAX, 5, 2, 3 * time.Second, true},     // 2 × 3.5 = 7
		{"AXE", pns.ModeAXE, 9, 6, time.Second, false},      // 9 extensions: 6 × 1.5 = 9
		{"AXE", pns.ModeAXE, 9, 6.1, time.Second, true},     // 9.15
		{"AXB-auto", pns.ModeAXB, 0, 1e6, time.Hour, false}, // unknown: not refused
	} {
		c := CapacityOf(tt.mode, p.App(tt.app))
		if c.Live() != tt.live {
			t.Errorf("%s: live %d, want %d", tt.app, c.Live(), tt.live)
		}
		if err := c.Check(tt.peak, tt.hold); (err != nil) != tt.refuse {
			t.Errorf("%s at %g/s hold %s: %v, want refusal %v", tt.app, tt.peak, tt.hold, err, tt.refuse)
		}
	}
	c := CapacityOf(pns.ModeAXB, p.App("AXB"))
	if got := c.String(time.Second); got != "AXB: 2 X × 10 pairs = 20 live bindings, at most 13.33 binds/s with a 1s hold (rate × (hold + 500ms) ≤ 20)" {
		t.Errorf("String: %q", got)
	}
	if err := c.Check(14, time.Second); err == nil || err.Error() != "AXB: the plan needs about 21 live bindings (14 binds/s × (1s hold + 500ms)) but the profile's 2 X numbers carry 20; list more X numbers or lower the rate or hold (at most 13.33 binds/s)" {
		t.Errorf("Check: %v", err)
	}
}

// TestFitRate: the default load's rate is lowered to half of what the X numbers carry, to 80 %
// of the flow control (two requests per bind) and to the ceiling (requests/s, two per bind),
// each with its reason; a
// rate within every limit is kept without one.
func TestFitRate(t *testing.T) {
	ax30 := Capacity{Mode: pns.ModeAX, XNumbers: 30, PerX: 1, Known: true} // 20 binds/s with a 1 s hold
	unknown := Capacity{Mode: pns.ModeAXB}
	for _, tt := range []struct {
		name        string
		c           Capacity
		want, fc    float64
		maxRate     float64
		rate        float64
		reasons     int
		firstReason string
	}{
		{"fits", ax30, 5, 0, 0, 5, 0, ""},
		{"pool", ax30, 100, 0, 0, 10, 1, "pool of 30 X numbers carries 30 live bindings: 100 binds/s × (1s hold + 500ms) would need about 150; using half of the 20 binds/s it carries: 10/s"},
		{"flow control", unknown, 100, 200, 0, 80, 1, "flow control 200 requests/s per app: 100 binds/s send 200 requests/s (bind and unbind); using 80/s (160 requests/s, 80% of it)"},
		{"pool then flow control", ax30, 100, 10, 0, 4, 2, "pool of 30 X numbers"},
		{"ceiling", unknown, 100, 0, 7, 3.5, 1, "maxRate ceiling 7 requests/s: 3.5 binds/s (bind and unbind)"}, // requests, 2 per bind
		{"tiny pool", Capacity{Mode: pns.ModeAX, XNumbers: 1, PerX: 1, Known: true}, 100, 0, 0, 0.33, 1, "pool of 1 X numbers"},
	} {
		f := FitRate(tt.c, tt.want, time.Second, tt.fc, tt.maxRate)
		if f.Rate != tt.rate || len(f.Reasons) != tt.reasons || (tt.reasons > 0 && !strings.HasPrefix(f.Reasons[0], tt.firstReason)) {
			t.Errorf("%s: %+v, want rate %g with %d reasons starting %q", tt.name, f, tt.rate, tt.reasons, tt.firstReason)
		}
	}
	if err := CheckFlowControl(pns.ModeAXB, 100, 200); err != nil {
		t.Errorf("100 binds/s within 200 requests/s: %v", err)
	}
	if err := CheckFlowControl(pns.ModeAXB, 101, 200); err == nil {
		t.Error("101 binds/s (202 requests/s) accepted under a flow control of 200")
	}
}

// FuzzParse: arbitrary YAML never panics, and an accepted profile is normalized (numbers set).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"apps: {AXB: {appKey: k, appSecret: s, xRanges: [{from: \"+8617000000000\", count: 3}]}}",
		"lockout: {failures: 2, window: 1s}\napps: {AX: {appKey: k, appSecretEnv: X}}",
		"allowRemote: true\nmaxRate: 5\napps: {}",
		"numbers: {a: {start: \"+8613400000000\", count: 1}}",
		"apps: [",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		if p.Numbers.A.Start == "" || p.Numbers.B.Start == "" {
			t.Fatalf("accepted profile without number ranges: %+v", p.Numbers)
		}
		for _, m := range p.Modes() {
			_, a := p.AppFor(m)
			_ = CapacityOf(m, a).String(time.Second)
		}
	})
}
