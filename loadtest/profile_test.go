package loadtest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

func TestProfile(t *testing.T) {
	// A conformance-style profile (upper-case app names, xRanges, extra keys) is a load profile.
	p, err := ParseProfile([]byte(`
emulator: true
numberBlocks: ["+86138001"]
apps:
  AXB: {appKey: k1, appSecretEnv: PNS_LOADTEST_SECRET, xNumbers: ["+8617000000001"]}
  AX: {appKey: k2, appSecret: s2, xRanges: [{from: "+8617000000100", count: 3, cityCode: "010"}]}
  second: {mode: AXE, appKey: k3, appSecret: s3, extensionDigits: 3}
`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Numbers.A.Start != DefaultAStart || p.Numbers.B.Count != DefaultRangeN {
		t.Fatalf("default numbers %+v", p.Numbers)
	}
	if _, _, err := p.App(pns.ModeAXB); err == nil || err.Error() != "profile: apps.AXB.appSecretEnv: environment variable PNS_LOADTEST_SECRET is not set" {
		t.Fatalf("missing env: %v", err)
	}
	t.Setenv("PNS_LOADTEST_SECRET", "from-env")
	a, secret, err := p.App(pns.ModeAXB)
	if err != nil || secret != "from-env" || a.AppKey != "k1" {
		t.Fatalf("AXB %+v %q %v", a, secret, err)
	}
	a, _, err = p.App(pns.ModeAX)
	if err != nil || len(a.Xs()) != 3 || a.Xs()[2] != "+8617000000102" {
		t.Fatalf("AX xs %v %v", a.Xs(), err)
	}
	a, secret, err = p.App(pns.ModeAXE)
	if err != nil || a.AppKey != "k3" || secret != "s3" {
		t.Fatalf("AXE by mode field: %+v %v", a, err)
	}

	bad := []struct{ yaml, want string }{
		{"apps: {AXB: {appKey: k, appSecret: s, xNumbers: [\"123\"]}}", `profile: apps.AXB.xNumbers: "123" is not a +86 mobile number`},
		{"apps: {AXB: {appKey: k, appSecret: s, xRanges: [{from: \"+8617000000000\", count: 0}]}}", "profile: apps.AXB.xRanges[0]: count must be positive"},
		{"numbers: {a: {start: \"+861\", count: 5}}", `profile: numbers.a: start "+861" is not a +86 mobile number (+861 and 10 digits)`},
		{"numbers: {a: {start: \"+8619999999999\", count: 5}}", `profile: numbers.a: start "+8619999999999" + count 5 leaves the +861 mobile range`},
		{"apps: [", "profile: yaml: line 1: did not find expected node content"},
	}
	for _, b := range bad {
		if _, err := ParseProfile([]byte(b.yaml)); err == nil || err.Error() != b.want {
			t.Errorf("%s: err %v, want %q", b.yaml, err, b.want)
		}
	}
	path := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(path, []byte("apps: {AX: {appKey: k, appSecret: s}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if p, err := LoadProfile(path); err != nil || p.Apps["AX"].AppKey != "k" {
		t.Fatalf("LoadProfile: %v", err)
	}
	if _, _, err := DefaultProfile().App(pns.ModeAXE); err != nil {
		t.Fatal(err)
	}
}
