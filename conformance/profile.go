package conformance

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/internal/yamlx"
	"github.com/pns-harness/pns-harness/pns"
	"gopkg.in/yaml.v3"
)

// Profile describes the platform a conformance run talks to: the apps (one per mode, plus
// optional special-purpose apps), the X numbers the suite may bind, the blocks from which fresh
// A/B numbers are drawn, and whether the target is the emulator (which enables @emulator
// scenarios and the admin API).
type Profile struct {
	// Target is the platform base URL; Options.Target overrides it.
	Target string `yaml:"target,omitempty"`
	// Emulator is true when the target is the pns-harness emulator: @emulator scenarios run and
	// the admin API is used. Against the real platform it must be false.
	Emulator bool `yaml:"emulator"`
	// AdminURL is the emulator's admin API base; empty means Target + "/emulator/v1".
	AdminURL string `yaml:"adminURL,omitempty"`
	// Apps maps an app name used by the features to its credentials and numbers. The names
	// "AXB", "AX" and "AXE" are required; others are optional and scenarios that need a
	// missing one are skipped (e.g. "AXB-2" for app isolation, "AXB-norec" for 1012012).
	Apps map[string]*AppProfile `yaml:"apps"`
	// NumberBlocks are prefixes of fresh A/B numbers in global format (e.g. "+86138001"); each
	// fresh number is a prefix followed by digits up to a +86 mobile number's 14 characters.
	NumberBlocks []string `yaml:"numberBlocks"`
	// FixedLineBlocks are prefixes of fresh fixed-line numbers (e.g. "+86755"), padded to 14
	// characters.
	FixedLineBlocks []string `yaml:"fixedLineBlocks,omitempty"`
	// AuthFailurePause is slept before each @auth-negative scenario, to stay under the real
	// platform's unpublished lockout threshold (reference §2.6); 0 against the emulator.
	AuthFailurePause Duration `yaml:"authFailurePause,omitempty"`
}

// AppProfile is one app of the profile.
type AppProfile struct {
	// Mode is AXB, AX or AXE; empty means the app's name when that is a mode.
	Mode pns.Mode `yaml:"mode,omitempty"`
	// AppKey is the APP_Key.
	AppKey string `yaml:"appKey"`
	// AppSecret is the APP_Secret; prefer AppSecretEnv outside of the emulator.
	AppSecret string `yaml:"appSecret,omitempty"`
	// AppSecretEnv names an environment variable holding the APP_Secret.
	AppSecretEnv string `yaml:"appSecretEnv,omitempty"`
	// XNumbers are X numbers the suite may bind, one by one.
	XNumbers []string `yaml:"xNumbers,omitempty"`
	// XRanges are runs of consecutive X numbers.
	XRanges []XRange `yaml:"xRanges,omitempty"`
	// PausedXNumbers are X numbers of the app that are not in status normal (D32), for the
	// 1012008 / 1011002 scenarios; empty skips them.
	PausedXNumbers []string `yaml:"pausedXNumbers,omitempty"`
	// ExtensionDigits is the AXE app's extension length (default 4).
	ExtensionDigits int `yaml:"extensionDigits,omitempty"`

	xs    []string          // expanded XNumbers + XRanges
	areas map[string]string // X → city code, where known
}

// XRange is Count consecutive X numbers from From, all in one city.
type XRange struct {
	From     string `yaml:"from"`
	Count    int    `yaml:"count"`
	CityCode string `yaml:"cityCode,omitempty"`
}

// Duration is a time.Duration read from YAML as a Go duration string ("2s", "500ms").
type Duration time.Duration

// UnmarshalYAML parses a duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML renders the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// Secret returns the app's APP_Secret, reading AppSecretEnv when AppSecret is empty.
func (a *AppProfile) Secret() (string, error) {
	if a.AppSecret != "" {
		return a.AppSecret, nil
	}
	if a.AppSecretEnv == "" {
		return "", errors.New("neither appSecret nor appSecretEnv is set")
	}
	s := os.Getenv(a.AppSecretEnv)
	if s == "" {
		return "", fmt.Errorf("environment variable %s is empty", a.AppSecretEnv)
	}
	return s, nil
}

// X returns the app's X numbers in profile order.
func (a *AppProfile) X() []string { return a.xs }

// AreaOf returns the city code of one of the app's X numbers, if the profile knows it.
func (a *AppProfile) AreaOf(x string) (string, bool) {
	c, ok := a.areas[x]
	return c, ok && c != ""
}

// Owns reports whether x is one of the app's X numbers (paused ones included).
func (a *AppProfile) Owns(x string) bool {
	if _, ok := a.areas[x]; ok {
		return true
	}
	for _, p := range a.PausedXNumbers {
		if p == x {
			return true
		}
	}
	return false
}

// requiredApps are the apps every profile must define.
var requiredApps = []string{"AXB", "AX", "AXE"}

// LoadProfile reads a profile YAML file. Unknown keys are errors.
func LoadProfile(path string) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := ParseProfile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// ParseProfile decodes and validates a profile.
func ParseProfile(data []byte) (*Profile, error) {
	var p Profile
	if err := yamlx.DecodeStrict(data, &p); err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	if err := p.Normalize(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Normalize applies defaults, expands X ranges and validates the profile; all problems are
// reported, one per line.
func (p *Profile) Normalize() error {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	if p.Apps == nil {
		p.Apps = map[string]*AppProfile{}
	}
	for _, name := range requiredApps {
		if p.Apps[name] == nil {
			bad("apps.%s: required", name)
		}
	}
	names := make([]string, 0, len(p.Apps))
	for n := range p.Apps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		a := p.Apps[name]
		if a == nil {
			bad("apps.%s: empty", name)
			continue
		}
		if a.Mode == "" {
			a.Mode = pns.Mode(strings.SplitN(name, "-", 2)[0])
		}
		switch a.Mode {
		case pns.ModeAXB, pns.ModeAX, pns.ModeAXE:
		default:
			bad("apps.%s.mode: must be AXB, AX or AXE", name)
		}
		if a.AppKey == "" {
			bad("apps.%s.appKey: required", name)
		}
		if a.AppSecret == "" && a.AppSecretEnv == "" {
			bad("apps.%s: appSecret or appSecretEnv required", name)
		}
		if a.Mode == pns.ModeAXE && a.ExtensionDigits == 0 {
			a.ExtensionDigits = 4
		}
		if a.ExtensionDigits < 0 || a.ExtensionDigits > 4 {
			bad("apps.%s.extensionDigits: must be 1-4", name)
		}
		a.xs = nil
		a.areas = map[string]string{}
		add := func(x, city string) {
			if !pns.ValidXNumber(x) {
				bad("apps.%s: %q is not a +86 mobile number", name, x)
				return
			}
			if _, dup := a.areas[x]; dup {
				return
			}
			a.areas[x] = city
			a.xs = append(a.xs, x)
		}
		for _, x := range a.XNumbers {
			add(x, "")
		}
		for i, r := range a.XRanges {
			if !pns.ValidXNumber(r.From) || r.Count <= 0 {
				bad("apps.%s.xRanges[%d]: need a +86 mobile from and a positive count", name, i)
				continue
			}
			base, _ := strconv.ParseUint(r.From[1:], 10, 64)
			for k := 0; k < r.Count; k++ {
				add("+"+strconv.FormatUint(base+uint64(k), 10), r.CityCode)
			}
		}
		for _, x := range a.PausedXNumbers {
			if !pns.ValidXNumber(x) {
				bad("apps.%s.pausedXNumbers: %q is not a +86 mobile number", name, x)
			}
		}
		if len(a.xs) == 0 {
			bad("apps.%s: at least one X number (xNumbers or xRanges) required", name)
		}
	}
	if len(p.NumberBlocks) == 0 {
		bad("numberBlocks: at least one prefix required")
	}
	for _, b := range p.NumberBlocks {
		if !strings.HasPrefix(b, "+861") || !pns.IsDigits(b[1:]) || len(b) < 5 || len(b) > 11 {
			bad("numberBlocks: %q must be +861 followed by digits, 5-11 characters", b)
		}
	}
	for _, b := range p.FixedLineBlocks {
		if !strings.HasPrefix(b, "+86") || !pns.IsDigits(b[1:]) || len(b) < 5 || len(b) > 11 || b[3] == '0' || b[3] == '1' && b[4] != '0' {
			bad("fixedLineBlocks: %q must be +86 and an area code without its 0, 5-11 characters", b)
		}
	}
	if p.AuthFailurePause < 0 {
		bad("authFailurePause: must not be negative")
	}
	if len(errs) > 0 {
		return errors.New("profile: " + strings.Join(errs, "\n"))
	}
	return nil
}

// App returns the named app or nil.
func (p *Profile) App(name string) *AppProfile { return p.Apps[name] }

// adminURL returns the admin API base for a target.
func (p *Profile) adminURL(target string) string {
	if p.AdminURL != "" {
		return strings.TrimRight(p.AdminURL, "/")
	}
	return strings.TrimRight(target, "/") + "/emulator/v1"
}

// defaultProfileYAML matches the configuration of the embedded emulator started by
// StartEmulator: the three demo apps of the emulator's default configuration plus the
// special-purpose apps of ConformanceConfig. Numbers blocks map to Beijing (010) in the
// emulator's mobile-prefix table, so automatic X selection by A's area finds Beijing X numbers.
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
`

// DefaultProfile returns the profile of the embedded emulator's default configuration (the
// demo apps only). StartEmulator's configuration adds special-purpose apps; use
// EmulatorProfile for it.
func DefaultProfile() *Profile {
	p, err := ParseProfile([]byte(defaultProfileYAML))
	if err != nil { // the embedded text is tested
		panic(err)
	}
	return p
}
