package conformance

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

func TestParseProfile(t *testing.T) {
	base := `
numberBlocks: ["+86138001"]
apps:
  AXB: {appKey: k1, appSecretEnv: PNS_TEST_SECRET, xNumbers: ["+8617000000001"]}
  AX: {appKey: k2, appSecret: s2, xRanges: [{from: "+8617000000100", count: 3, cityCode: "010"}]}
  AXE: {appKey: k3, appSecret: s3, xNumbers: ["+8617000000200"]}
`
	tests := []struct {
		name, yaml, errPart string
	}{
		{"valid", base, ""},
		{"missing app", "numberBlocks: [\"+86138001\"]\napps: {}\n", "apps.AXB: required"},
		{"unknown key", base + "bogus: 1\n", "bogus"},
		{"bad X", strings.Replace(base, "+8617000000001", "+8675528123401", 1), "not a +86 mobile number"},
		{"bad block", strings.Replace(base, "+86138001", "138001", 1), "numberBlocks"},
		{"bad mode", base + "  AXB-x: {mode: AXY, appKey: k, appSecret: s, xNumbers: [\"+8617000000300\"]}\n", "mode"},
		{"bad pause", base + "authFailurePause: soon\n", "soon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseProfile([]byte(tt.yaml))
			if tt.errPart == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := p.App("AX").X(); len(got) != 3 || got[2] != "+8617000000102" {
					t.Errorf("AX X numbers %v", got)
				}
				if a, ok := p.App("AX").AreaOf("+8617000000101"); !ok || a != "010" {
					t.Errorf("area %q %v", a, ok)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errPart) {
				t.Errorf("error %v, want it to contain %q", err, tt.errPart)
			}
		})
	}
}

func TestSecretFromEnv(t *testing.T) {
	a := &AppProfile{AppSecretEnv: "PNS_TEST_SECRET_X"}
	t.Setenv("PNS_TEST_SECRET_X", "")
	if _, err := a.Secret(); err == nil {
		t.Error("empty env var accepted")
	}
	t.Setenv("PNS_TEST_SECRET_X", "s3cret")
	if s, err := a.Secret(); err != nil || s != "s3cret" {
		t.Errorf("Secret() = %q, %v", s, err)
	}
}

func TestLoadProfileFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(path, []byte(defaultProfileYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Emulator || len(p.App("AXB").X()) != 1200 {
		t.Errorf("profile %+v", p)
	}
	if _, err := LoadProfile(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("missing file accepted")
	}
}

// TestEmulatorProfileMatchesConfig: every app and X number of EmulatorProfile exists in
// ConformanceConfig with the same mode, secret and city, so --profile is optional.
func TestEmulatorProfileMatchesConfig(t *testing.T) {
	cfg, err := ConformanceConfig()
	if err != nil {
		t.Fatal(err)
	}
	apps := map[string]bool{}
	for _, a := range cfg.Apps {
		apps[a.AppKey+"/"+a.AppSecret+"/"+string(a.Mode)] = true
	}
	pool := map[string]string{}
	for _, e := range cfg.Entries() {
		pool[e.Number] = e.App + "/" + e.CityCode + "/" + e.Status
	}
	p := EmulatorProfile()
	for name, a := range p.Apps {
		if !apps[a.AppKey+"/"+a.AppSecret+"/"+string(a.Mode)] {
			t.Errorf("app %s (%s) not in the emulator configuration", name, a.AppKey)
		}
		for _, x := range a.X() {
			city, _ := a.AreaOf(x)
			if got, want := pool[x], a.AppKey+"/"+city+"/5"; got != want {
				t.Errorf("app %s X %s: emulator has %q, profile %q", name, x, got, want)
			}
		}
		for _, x := range a.PausedXNumbers {
			if !strings.HasSuffix(pool[x], "/9") {
				t.Errorf("paused X %s: emulator has %q", x, pool[x])
			}
		}
	}
}

func TestNumberSources(t *testing.T) {
	s := newNumberSource([]string{"+86138001", "+86139001"}, 14, randUint64())
	seen := map[string]bool{}
	for i := 0; i < 5000; i++ {
		n := s.fresh()
		if !pns.IsMobile(n) || !pns.ValidRealNumber(n) {
			t.Fatalf("%q is not a mobile number", n)
		}
		if seen[n] {
			t.Fatalf("%q handed out twice", n)
		}
		seen[n] = true
	}
	fixed := newNumberSource([]string{"+86755"}, 14, 42)
	if n := fixed.fresh(); !pns.IsFixedLine(n) {
		t.Errorf("%q is not a fixed-line number", n)
	}
	xs := newXSource([]string{"+8617000000001", "+8617000000002"}, 7)
	used := map[string]bool{}
	a, err1 := xs.take(used)
	used[a] = true
	b, err2 := xs.take(used)
	used[b] = true
	if err1 != nil || err2 != nil || a == b {
		t.Errorf("take: %q %v, %q %v", a, err1, b, err2)
	}
	if _, err := xs.take(used); err == nil {
		t.Error("a third distinct X from a pool of two")
	}
}

func TestSubstitute(t *testing.T) {
	vars := map[string]string{"X1": "+8617000000001", "SUB": "a b"}
	res := func(n string) (string, error) {
		if v, ok := vars[n]; ok {
			return v, nil
		}
		if v, ok, err := generated(n); ok || err != nil {
			return v, err
		}
		return "", os.ErrNotExist
	}
	tests := []struct {
		name, in, want string
		query, fail    bool
	}{
		{"json", `{"x":"<X1>","u":"<str:3>","d":"<digits:2>"}`, `{"x":"+8617000000001","u":"aaa","d":"11"}`, false, false},
		{"query escapes +", "relationNum=<X1>&s=<SUB>", "relationNum=" + url.QueryEscape("+8617000000001") + "&s=a+b", true, false},
		{"raw keeps +", "relationNum=<raw:X1>", "relationNum=+8617000000001", true, false},
		{"undefined", "<NOPE>", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			var err error
			if tt.query {
				got, err = substituteQuery(tt.in, res)
			} else {
				got, err = substitute(tt.in, res, nil)
			}
			if tt.fail {
				if err == nil {
					t.Errorf("no error for %q", tt.in)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if !strings.Contains(url.QueryEscape("+86"), "%2B") {
		t.Fatal("QueryEscape does not escape +")
	}
}

func TestExampleProfile(t *testing.T) {
	t.Setenv("PNS_AXB_SECRET", "a")
	p, err := LoadProfile("testdata/huawei-profile.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Emulator || p.Target == "" || len(p.App("AX").X()) < 6 {
		t.Errorf("example profile: %+v", p)
	}
	if s, err := p.App("AXB").Secret(); err != nil || s != "a" {
		t.Errorf("secret %q %v", s, err)
	}
}

// defaultProfileYAML is the default profile as it was written by hand before profile.Demo
// built it: an independent oracle for DefaultProfile, and a profile file for the loader tests.
const defaultProfileYAML = `
emulator: true
numberBlocks: ["+86138001", "+86139001"]
fixedLineBlocks: ["+86755"]
apps:
  AXB:
    appKey: demo-axb
    appSecret: demo-axb-secret
    xRanges:
      - {from: "+8617001100000", count: 200, cityCode: "010"}
      - {from: "+8617001200000", count: 200, cityCode: "021"}
      - {from: "+8617001300000", count: 200, cityCode: "020"}
      - {from: "+8617001400000", count: 200, cityCode: "0755"}
      - {from: "+8617001500000", count: 200, cityCode: "0571"}
      - {from: "+8617001600000", count: 200, cityCode: "028"}
  AX:
    appKey: demo-ax
    appSecret: demo-ax-secret
    xRanges:
      - {from: "+8617002100000", count: 200, cityCode: "010"}
      - {from: "+8617002200000", count: 200, cityCode: "021"}
      - {from: "+8617002300000", count: 200, cityCode: "020"}
      - {from: "+8617002400000", count: 200, cityCode: "0755"}
      - {from: "+8617002500000", count: 200, cityCode: "0571"}
      - {from: "+8617002600000", count: 200, cityCode: "028"}
  AXE:
    appKey: demo-axe
    appSecret: demo-axe-secret
    extensionDigits: 4
    xRanges:
      - {from: "+8617003100000", count: 200, cityCode: "010"}
      - {from: "+8617003200000", count: 200, cityCode: "021"}
      - {from: "+8617003300000", count: 200, cityCode: "020"}
      - {from: "+8617003400000", count: 200, cityCode: "0755"}
      - {from: "+8617003500000", count: 200, cityCode: "0571"}
      - {from: "+8617003600000", count: 200, cityCode: "028"}
  AXYB:
    appKey: demo-axyb
    appSecret: demo-axyb-secret
    xRanges:
      - {from: "+8617006100000", count: 200, cityCode: "010"}
      - {from: "+8617006200000", count: 200, cityCode: "021"}
      - {from: "+8617006300000", count: 200, cityCode: "020"}
      - {from: "+8617006400000", count: 200, cityCode: "0755"}
      - {from: "+8617006500000", count: 200, cityCode: "0571"}
      - {from: "+8617006600000", count: 200, cityCode: "028"}
`

// TestDefaultProfileMatchesWrittenProfile: the demo profile profile.Demo builds from the
// emulator's default configuration is exactly the profile written out by hand, so moving the
// builder changed nothing a run sees.
func TestDefaultProfileMatchesWrittenProfile(t *testing.T) {
	want, err := ParseProfile([]byte(defaultProfileYAML))
	if err != nil {
		t.Fatal(err)
	}
	if got := DefaultProfile(); !reflect.DeepEqual(got, want) {
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		t.Errorf("DefaultProfile() =\n%s\nwant\n%s", gb, wb)
	}
}
