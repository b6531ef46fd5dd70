package emulator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

func TestDefaultConfig(t *testing.T) {
	c, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]pns.Mode{"demo-axb": pns.ModeAXB, "demo-ax": pns.ModeAX, "demo-axe": pns.ModeAXE, "demo-axyb": pns.ModeAXYB}
	if len(c.Apps) != len(want) {
		t.Fatalf("apps %d", len(c.Apps))
	}
	for _, a := range c.Apps {
		if want[a.AppKey] != a.Mode || a.AppSecret != a.AppKey+"-secret" {
			t.Errorf("app %s mode %s", a.AppKey, a.Mode)
		}
	}
	perApp, cities, provinces := map[string]int{}, map[string]bool{}, map[string]bool{}
	for _, p := range c.Entries() {
		perApp[p.App]++
		cities[p.CityCode] = true
		provinces[c.Areas[p.CityCode]] = true
		if !strings.HasPrefix(p.Number, "+8617") || !pns.ValidXNumber(p.Number) {
			t.Fatalf("X %s", p.Number)
		}
	}
	for k := range want {
		if perApp[k] < 1000 {
			t.Errorf("%s has %d X numbers", k, perApp[k])
		}
	}
	if len(cities) < 5 || len(provinces) < 4 || len(c.MobilePrefixAreas) == 0 {
		t.Errorf("cities %v provinces %v", cities, provinces)
	}
	if c.AuthSkewSeconds != 300 || *c.TolerateLocalTimeAsUTC != "+08:00" || c.LockoutFailures != 10 || c.LockoutSeconds != 1800 ||
		c.MaxBodyBytes != 65536 || c.FeeBatchMax != 50 || c.ClockScale != 1 || !isTrue(c.LockoutEnabled) {
		t.Errorf("defaults %+v", c)
	}
	e, err := New(*c)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(e.Store().XNumbers("demo-axe")); n != perApp["demo-axe"] {
		t.Errorf("store has %d X for demo-axe", n)
	}
}

func TestConfigDefaultsApplied(t *testing.T) {
	c, err := ParseConfig([]byte(`
apps:
  - {appKey: k, appSecret: s, mode: AXE}
pool:
  - {number: "+8617000000001", app: k, cityCode: "0755", province: Guangdong}
`))
	if err != nil {
		t.Fatal(err)
	}
	a := c.Apps[0]
	if !isTrue(a.LegacyWSSE) || a.CallbackAuth != "aksk" || !isTrue(a.Recording) || !isTrue(a.SMS) || a.ExtensionDigits != 4 ||
		a.MaxPairsPerX != 5000 || a.SpID != "k" || c.Pool[0].Status != "5" || !isTrue(c.Pool[0].SMS) || c.Areas["0755"] != "Guangdong" ||
		c.LocalOffset().Hours() != 8 || c.HostName != DefaultHostName {
		t.Errorf("defaults not applied: %+v %+v", a, c)
	}
	off, err := ParseConfig([]byte("tolerateLocalTimeAsUTC: \"\"\napps: [{appKey: k, appSecret: s, mode: AX}]\n"))
	if err != nil || off.LocalOffset() != 0 {
		t.Errorf("explicit empty offset: %v %v", err, off.LocalOffset())
	}
}

func TestConfigErrors(t *testing.T) {
	const app = "apps: [{appKey: k, appSecret: s, mode: AXB}]\n"
	cases := []struct{ yaml, want string }{
		{"apps: []\n", "apps: at least one app is required"},
		{"apps: [{appKey: k, appSecret: s, mode: AXB}, {appKey: j, appSecret: s, mode: AXY}]\n", "apps[1].mode: must be AXB, AX, AXE, AXYB or X"},
		{"apps: [{appSecret: s, mode: AX}]\n", "apps[0].appKey: must not be empty"},
		{"apps: [{appKey: k, mode: AX}]\n", "apps[0].appSecret: must not be empty"},
		{"apps: [{appKey: k, appSecret: s, mode: AX}, {appKey: k, appSecret: t, mode: AX}]\n", "apps[1].appKey: duplicate of apps[0]"},
		{"apps: [{appKey: k, appSecret: s, mode: AXE, extensionDigits: 5}]\n", "apps[0].extensionDigits: must be 1-4"},
		{"apps: [{appKey: k, appSecret: s, mode: AX, callbackAuth: basic}]\n", "apps[0].callbackAuth: must be aksk or wsse"},
		{"apps: [{appKey: k, appSecret: s, mode: AX, ipWhitelist: [nope]}]\n", "apps[0].ipWhitelist[0]: must be an IP address or CIDR block"},
		{"apps: [{appKey: k, appSecret: s, mode: AX, qpsLimit: -1}]\n", "apps[0].qpsLimit: must be 0 (off) or positive"},
		{"apps: [{appKey: k, appSecret: s, mode: AX, flowControl: {rate: 0, burst: 1}}]\n", "apps[0].flowControl: rate must be positive"},
		{"apps: [{appKey: k, appSecret: s, mode: AX, flowControl: {rate: 1, burst: 0}}]\n", "apps[0].flowControl: burst must be at least 1"},
		{"apps: [{appKey: k, appSecret: s, mode: AX, qpsLimit: 5, flowControl: {rate: 1, burst: 1}}]\n", "apps[0].flowControl: set either qpsLimit or flowControl, not both"},
		{"apps: [{appKey: k, appSecret: s, mode: AX, feeUrl: 'ftp://x'}]\n", "apps[0].feeUrl: must be an http or https URL"},
		{"apps: [{appKey: k, appSecret: s, mode: AX, toneFiles: ['']}]\n", "apps[0].toneFiles[0]: must be 1-128 characters"},
		{"authSkewSeconds: -1\n" + app, "authSkewSeconds: must be positive"},
		{"tolerateLocalTimeAsUTC: '8h'\n" + app, "tolerateLocalTimeAsUTC: must be an offset such as +08:00, or empty"},
		{"feeBatchMax: 51\n" + app, "feeBatchMax: must be at most 50"},
		{"clockScale: -1\n" + app, "clockScale: must be positive"},
		{"publicBaseURL: pns.example.test\n" + app, `publicBaseURL: "pns.example.test": want an http or https URL without query, e.g. https://pns.example.test:8443`},
		{"publicBaseURL: 'https://pns.example.test/?x=1'\n" + app, `publicBaseURL: "https://pns.example.test/?x=1": want an http or https URL without query, e.g. https://pns.example.test:8443`},
		{"areas: {'755': Guangdong}\n" + app, "areas[755]: city code must be 0 followed by 2-3 digits"},
		{"mobilePrefixAreas: {'138': '010'}\n" + app, "mobilePrefixAreas[138]: prefix must be +86 followed by 1-11 digits"},
		{app + "pool: [{number: '+8675528123401', app: k, cityCode: '0755'}]\n", "pool[0].number: must be a +86 mobile number such as +8617000000001"},
		{app + "pool: [{number: '+8617000000001', app: x, cityCode: '0755'}]\n", `pool[0].app: no app with appKey "x"`},
		{app + "pool: [{number: '+8617000000001', app: k, cityCode: '755'}]\n", "pool[0].cityCode: must be 0 followed by 2-3 digits"},
		{app + "pool: [{number: '+8617000000001', app: k, cityCode: '0755', status: '7'}]\n", "pool[0].status: must be 5 (normal), 9 (paused), 10 (unavailable) or 11 (frozen)"},
		{app + "pool: [{number: '+8617000000001', app: k, cityCode: '0755'}, {number: '+8617000000001', app: k, cityCode: '0755'}]\n", "pool[1].number: +8617000000001 already listed at pool[0]"},
		{"areas: {'010': Beijing}\n" + app + "pool: [{number: '+8617000000001', app: k, cityCode: '010', province: Hebei}]\n", `pool[0].province: "Hebei" disagrees with areas[010] = "Beijing"`},
		{app + "poolRanges: [{from: '+8619999999999', count: 2, app: k, cityCode: '010'}]\n", "poolRanges[0].count: range leaves the 11-digit mobile numbers"},
		{app + "poolRanges: [{from: '+8617000000001', count: 0, app: k, cityCode: '010'}]\n", "poolRanges[0].count: must be 1-100000"},
		{app + "pool: [{number: '+8617000000001', app: k, cityCode: '010'}]\npoolRanges: [{from: '+8617000000000', count: 3, app: k, cityCode: '010'}]\n", "poolRanges[0].number: +8617000000001 already listed at pool[0]"},
	}
	for _, tc := range cases {
		_, err := ParseConfig([]byte(tc.yaml))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q:\n got %v\nwant %s", tc.yaml, err, tc.want)
		}
	}
	// Several problems are reported together, one per line.
	_, err := ParseConfig([]byte("authSkewSeconds: -1\napps: [{appKey: k, mode: XY}]\n"))
	if err == nil || err.Error() != "authSkewSeconds: must be positive\napps[0].appSecret: must not be empty\napps[0].mode: must be AXB, AX, AXE, AXYB or X" {
		t.Errorf("multi: %v", err)
	}
	// Unknown keys are refused.
	if _, err := ParseConfig([]byte("authSkew: 5\n" + app)); err == nil || !strings.Contains(err.Error(), "unknown key authSkew") {
		t.Errorf("unknown key: %v", err)
	}
}

func TestLoadConfigAndRoundTrip(t *testing.T) {
	c, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	y, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, y, 0o600); err != nil {
		t.Fatal(err)
	}
	c2, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(c2.Entries()) != len(c.Entries()) || c2.Apps[0].AppSecret != "demo-axb-secret" {
		t.Errorf("round trip lost data")
	}
	if r := c.Redacted(); r.Apps[0].AppSecret != "***" || c.Apps[0].AppSecret != "demo-axb-secret" {
		t.Errorf("redaction")
	}
	if _, err := LoadConfig(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("missing file accepted")
	}
}

// FuzzParseFlowControl: any --flow-control value never panics, and an accepted one is a valid
// bucket (positive rate, burst at least 1).
func FuzzParseFlowControl(f *testing.F) {
	for _, s := range []string{"1000/1000", "0.001/5", "10/0", "fast", "/", "1e400/1", "NaN/3", "-1/2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fc, err := ParseFlowControl(s)
		if err != nil {
			return
		}
		if !(fc.Rate > 0) || fc.Burst < 1 {
			t.Fatalf("%q accepted as %+v", s, fc)
		}
	})
}
