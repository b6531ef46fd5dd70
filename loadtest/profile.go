package loadtest

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
	"gopkg.in/yaml.v3"
)

// Profile describes the apps and number space a load run uses. Its `apps` section has the
// shape of the conformance profile's (apps named AXB, AX, AXE — or any name with a `mode` —
// each with appKey, appSecret or appSecretEnv, xNumbers, xRanges, extensionDigits), so a
// conformance profile is also a load profile. Load-only settings (`numbers`, and per app
// maxPerX, areaCode, areaMatchMode) are ignored here when absent; note that the conformance
// suite's strict parser rejects them, so keep them in a load-only file.
//
//	apps:
//	  AXB:
//	    appKey: demo-axb
//	    appSecretEnv: PNS_AXB_SECRET   # or appSecret: demo-axb-secret
//	    xNumbers: ["+8617000000001"]   # explicit X numbers, used round-robin
//	    xRanges: [{from: "+8617001100000", count: 200, cityCode: "010"}]
//	    areaCode: "0755"               # with no X listed: the platform chooses in this city
//	    areaMatchMode: "1"
//	    maxPerX: 5000                  # bindings one X may carry (AX is always 1)
//	  AX: {...}
//	  AXE: {..., extensionDigits: 4}
//	numbers:                           # A and B numbers, one fresh pair per bind
//	  a: {start: "+8613400000000", count: 100000000}
//	  b: {start: "+8613500000000", count: 100000000}
type Profile struct {
	Apps    map[string]*AppProfile `yaml:"apps" json:"apps"`
	Numbers NumberSpace            `yaml:"numbers" json:"numbers"`
}

// AppProfile is one app of the profile. The secret comes from AppSecret or, when that is
// empty, from the environment variable named by AppSecretEnv; it never appears in results.
type AppProfile struct {
	// Mode is AXB, AX or AXE; empty means the app's name when that is a mode.
	Mode            pns.Mode `yaml:"mode" json:"mode,omitempty"`
	AppKey          string   `yaml:"appKey" json:"appKey"`
	AppSecret       string   `yaml:"appSecret" json:"-"`
	AppSecretEnv    string   `yaml:"appSecretEnv" json:"appSecretEnv,omitempty"`
	XNumbers        []string `yaml:"xNumbers" json:"xNumbers,omitempty"`
	XRanges         []XRange `yaml:"xRanges" json:"xRanges,omitempty"`
	AreaCode        string   `yaml:"areaCode" json:"areaCode,omitempty"`
	AreaMatchMode   string   `yaml:"areaMatchMode" json:"areaMatchMode,omitempty"`
	MaxPerX         int      `yaml:"maxPerX" json:"maxPerX,omitempty"`
	ExtensionDigits int      `yaml:"extensionDigits" json:"extensionDigits,omitempty"`
}

// XRange is Count consecutive X numbers from From (the conformance profile's form).
type XRange struct {
	From     string `yaml:"from" json:"from"`
	Count    int    `yaml:"count" json:"count"`
	CityCode string `yaml:"cityCode" json:"cityCode,omitempty"`
}

// NumberSpace holds the ranges A and B numbers are generated from. Each request takes the next
// number of each range, so no number repeats within a run; shards split the ranges.
type NumberSpace struct {
	A NumberRange `yaml:"a" json:"a"`
	B NumberRange `yaml:"b" json:"b"`
}

// NumberRange is Count consecutive +86 mobile numbers from Start.
type NumberRange struct {
	Start string `yaml:"start" json:"start"`
	Count uint64 `yaml:"count" json:"count"`
}

// Default number ranges: +86134… and +86135…, away from the emulator's +8617… X numbers and
// the +86138… numbers of the official examples that conformance scenarios tend to use.
const (
	DefaultAStart = "+8613400000000"
	DefaultBStart = "+8613500000000"
	DefaultRangeN = 100000000
)

// DefaultProfile returns a profile matching the emulator's default configuration: apps demo-axb,
// demo-ax and demo-axe with secrets "<key>-secret". It lists no X numbers, so the platform
// chooses X (non-strict area match) unless the caller fills XNumbers, e.g. from the emulator's
// configuration.
func DefaultProfile() *Profile {
	app := func(key string) *AppProfile {
		return &AppProfile{AppKey: key, AppSecret: key + "-secret", AreaMatchMode: "1"}
	}
	return &Profile{
		Apps: map[string]*AppProfile{"AXB": app("demo-axb"), "AX": app("demo-ax"), "AXE": app("demo-axe")},
		Numbers: NumberSpace{
			A: NumberRange{Start: DefaultAStart, Count: DefaultRangeN},
			B: NumberRange{Start: DefaultBStart, Count: DefaultRangeN},
		},
	}
}

// LoadProfile reads a YAML profile. Missing number ranges get the defaults.
func LoadProfile(path string) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	return ParseProfile(data)
}

// ParseProfile parses a YAML profile. Unknown keys are ignored so that the conformance
// profile's extra settings do not break a load run.
func ParseProfile(data []byte) (*Profile, error) {
	p := &Profile{}
	if err := yaml.Unmarshal(data, p); err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	if p.Numbers.A.Start == "" {
		p.Numbers.A = NumberRange{Start: DefaultAStart, Count: DefaultRangeN}
	}
	if p.Numbers.B.Start == "" {
		p.Numbers.B = NumberRange{Start: DefaultBStart, Count: DefaultRangeN}
	}
	for name, r := range map[string]NumberRange{"a": p.Numbers.A, "b": p.Numbers.B} {
		if _, err := parseRange(r); err != nil {
			return nil, fmt.Errorf("profile: numbers.%s: %w", name, err)
		}
	}
	for name, a := range p.Apps {
		if a == nil {
			return nil, fmt.Errorf("profile: apps.%s is empty", name)
		}
		for _, x := range a.XNumbers {
			if !pns.ValidXNumber(x) {
				return nil, fmt.Errorf("profile: apps.%s.xNumbers: %q is not a +86 mobile number", name, x)
			}
		}
		for i, r := range a.XRanges {
			if r.Count <= 0 {
				return nil, fmt.Errorf("profile: apps.%s.xRanges[%d]: count must be positive", name, i)
			}
			if _, err := parseRange(NumberRange{Start: r.From, Count: uint64(r.Count)}); err != nil {
				return nil, fmt.Errorf("profile: apps.%s.xRanges[%d]: %w", name, i, err)
			}
		}
	}
	return p, nil
}

// AppFor returns the app of a mode: the app named like the mode (any case), else the first
// app (by name) whose mode field is the mode.
func (p *Profile) AppFor(m pns.Mode) (string, *AppProfile) {
	names := make([]string, 0, len(p.Apps))
	for n := range p.Apps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if a := p.Apps[n]; a != nil && a.Mode == "" && strings.EqualFold(n, string(m)) {
			return n, a
		}
	}
	for _, n := range names {
		if a := p.Apps[n]; a != nil && strings.EqualFold(string(a.Mode), string(m)) {
			return n, a
		}
	}
	return "", nil
}

// App returns the app of a mode with its secret resolved.
func (p *Profile) App(m pns.Mode) (*AppProfile, string, error) {
	name, a := p.AppFor(m)
	if a == nil || a.AppKey == "" {
		return nil, "", fmt.Errorf("profile: no app for mode %s (apps.%s.appKey)", m, m)
	}
	secret := a.AppSecret
	if secret == "" && a.AppSecretEnv != "" {
		v, ok := os.LookupEnv(a.AppSecretEnv)
		if !ok || v == "" {
			return nil, "", fmt.Errorf("profile: apps.%s.appSecretEnv: environment variable %s is not set", name, a.AppSecretEnv)
		}
		secret = v
	}
	if secret == "" {
		return nil, "", fmt.Errorf("profile: apps.%s has neither appSecret nor appSecretEnv", name)
	}
	return a, secret, nil
}

// Xs returns the app's X numbers: XNumbers followed by the expansion of XRanges.
func (a *AppProfile) Xs() []string {
	out := append([]string(nil), a.XNumbers...)
	for _, x := range a.XRanges {
		r, err := parseRange(NumberRange{Start: x.From, Count: uint64(max(x.Count, 0))})
		if err != nil {
			continue
		}
		for i := uint64(0); i < r.count; i++ {
			out = append(out, r.number(i))
		}
	}
	return out
}

// numRange is a parsed NumberRange: "+86" followed by an 11-digit mobile number.
type numRange struct {
	base  uint64
	count uint64
}

func parseRange(r NumberRange) (numRange, error) {
	if !pns.IsMobile(r.Start) {
		return numRange{}, fmt.Errorf("start %q is not a +86 mobile number (+861 and 10 digits)", r.Start)
	}
	base, _ := strconv.ParseUint(r.Start[3:], 10, 64)
	if r.Count == 0 {
		return numRange{}, fmt.Errorf("count must be positive")
	}
	if base+r.Count-1 > 19999999999 {
		return numRange{}, fmt.Errorf("start %q + count %d leaves the +861 mobile range", r.Start, r.Count)
	}
	return numRange{base: base, count: r.Count}, nil
}

func (r numRange) number(i uint64) string {
	return "+86" + strconv.FormatUint(r.base+i, 10)
}

// shard returns the slice of the range shard i of n owns.
func (r numRange) shard(i, n int) numRange {
	per := r.count / uint64(n)
	return numRange{base: r.base + uint64(i)*per, count: per}
}
