// Package profile is the one description of a platform under test that every mode reads:
// `harness conform`, `harness load` and `harness run` load the same YAML file with the same
// strict loader, so no key is accepted by one and rejected by another. It holds the apps (keys,
// secrets from the environment, X numbers), the number blocks fresh A/B numbers come from, the
// platform's limits the harness must respect (lockout window, rate ceiling) and the remote
// opt-in of a load.
package profile

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/internal/yamlx"
	"github.com/pns-harness/pns-harness/pns"
	"gopkg.in/yaml.v3"
)

// Profile describes the platform a run talks to.
type Profile struct {
	// Target is the platform base URL; --target overrides it.
	Target string `yaml:"target,omitempty" json:"target,omitempty"`
	// Emulator is true when the target is the pns-harness emulator with its admin API:
	// @emulator scenarios run. Against any other platform it must be false.
	Emulator bool `yaml:"emulator,omitempty" json:"emulator,omitempty"`
	// AdminURL is the emulator's admin API base; empty means Target + "/emulator/v1".
	AdminURL string `yaml:"adminURL,omitempty" json:"adminURL,omitempty"`
	// Apps maps an app name to its credentials and numbers. Conformance needs "AXB", "AX" and
	// "AXE" (others such as "AXB-2" are optional); a load uses the app of its mode: the one
	// named like the mode, else the first (by name) whose mode field is the mode.
	Apps map[string]*AppProfile `yaml:"apps" json:"apps"`
	// NumberBlocks are prefixes of fresh A/B numbers for conformance in global format (e.g.
	// "+86138001"), each padded with digits to a +86 mobile number.
	NumberBlocks []string `yaml:"numberBlocks,omitempty" json:"numberBlocks,omitempty"`
	// FixedLineBlocks are prefixes of fresh fixed-line numbers (e.g. "+86755").
	FixedLineBlocks []string `yaml:"fixedLineBlocks,omitempty" json:"fixedLineBlocks,omitempty"`
	// AuthFailurePause is slept before each deliberate authentication failure scenario, to
	// stay under the platform's unpublished lockout threshold (reference §2.6).
	AuthFailurePause Duration `yaml:"authFailurePause,omitempty" json:"authFailurePause,omitempty"`
	// Lockout states the platform's client-IP lockout, when known: the suite then paces its
	// deliberate authentication failures to stay below Failures within Window.
	Lockout Lockout `yaml:"lockout,omitempty" json:"lockout,omitempty"`
	// FlowControl is the platform's flow control in requests per second per app, when known:
	// the load `harness run` chooses keeps well below it, an explicit plan above it is
	// refused, and a load's cleanup sends at most half of it.
	FlowControl float64 `yaml:"flowControl,omitempty" json:"flowControl,omitempty"`
	// Numbers are the ranges the A and B numbers of a load come from (one fresh pair per bind).
	Numbers NumberSpace `yaml:"numbers,omitempty" json:"numbers"`
	// AllowRemote lets a load target a host that is not loopback (--allow-remote).
	AllowRemote bool `yaml:"allowRemote,omitempty" json:"allowRemote,omitempty"`
	// MaxRate is the ceiling in requests per second of every interface together, over all
	// shards, that a load plan's peak (sessions/s × requests per session: bind-unbind 2) may
	// not exceed (--max-rate); required with AllowRemote.
	MaxRate float64 `yaml:"maxRate,omitempty" json:"maxRate,omitempty"`
	// Load is the bind-unbind load of `harness run` against this platform; flags override it.
	Load LoadSettings `yaml:"load,omitempty" json:"load,omitempty"`
	// Capabilities declares what the platform offers; conformance scenarios of anything left
	// out are "not applicable" instead of failing or counting as not checked. Without it the
	// platform is taken to offer everything (the modes then come from the apps).
	Capabilities Capabilities `yaml:"capabilities,omitempty" json:"capabilities,omitempty"`
}

// Capabilities is what a platform offers beyond the provisioning interfaces. Each field left
// out means "offered"; a declared false or a shorter list makes the scenarios that need the
// rest "not applicable".
type Capabilities struct {
	// Modes are the modes offered (AXB, AX, AXE, AXYB, and X for X-mode call control,
	// §6.6-§6.8); only the apps of the binding modes among them are then required. Absent: all
	// of them, an AXYB app being required only when the profile has one.
	Modes []pns.Mode `yaml:"modes,omitempty" json:"modes,omitempty"`
	// SMS tells whether the platform relays SMS and pushes SMS notifications (§10). Absent: yes.
	SMS *bool `yaml:"sms,omitempty" json:"sms,omitempty"`
	// Recording tells whether calls are recorded and recordings downloadable (§11). Absent: yes.
	Recording *bool `yaml:"recording,omitempty" json:"recording,omitempty"`
	// XStatusNotifications tells whether X-number status changes are pushed (§9). Absent: yes.
	XStatusNotifications *bool `yaml:"xStatusNotifications,omitempty" json:"xStatusNotifications,omitempty"`
	// Notifications are the notification kinds the platform pushes: event, fee, numstatus,
	// sms.notify, sms.block. Absent: all of them.
	Notifications []string `yaml:"notifications,omitempty" json:"notifications,omitempty"`
	// StopCall tells whether the profile's apps may call the stop call (§11.2): Huawei
	// documents it in the AXYB (and 2019 AXE) menus only, so a platform may refuse it to the
	// apps of other modes. Absent: yes.
	StopCall *bool `yaml:"stopCall,omitempty" json:"stopCall,omitempty"`
	// SMSControl tells whether texts that need the customer's decision are pushed in Block
	// mode to the app's SMS control URL and steered by the reply (§10.3); a platform may relay
	// SMS without ever asking that URL. Absent: yes when SMS is offered.
	SMSControl *bool `yaml:"smsControl,omitempty" json:"smsControl,omitempty"`
}

// NotificationKinds are the kinds Capabilities.Notifications may list: those of
// pns.Notifications, which the receiver recognises.
var NotificationKinds = pns.NotificationKinds()

// OffersMode tells whether the platform offers a mode.
func (c Capabilities) OffersMode(m pns.Mode) bool {
	return len(c.Modes) == 0 || slices.Contains(c.Modes, m)
}

// Pushes tells whether the platform pushes a notification kind: it must be in Notifications
// when that is given, and SMS kinds need SMS, numstatus needs XStatusNotifications.
func (c Capabilities) Pushes(kind string) bool {
	switch {
	case (kind == pns.NotifySMSNotify || kind == pns.NotifySMSBlock) && c.SMS != nil && !*c.SMS:
		return false
	case kind == pns.NotifySMSBlock && !c.OffersSMSControl():
		return false
	case kind == pns.NotifyNumStatus && c.XStatusNotifications != nil && !*c.XStatusNotifications:
		return false
	}
	return len(c.Notifications) == 0 || slices.Contains(c.Notifications, kind)
}

// OffersRecording tells whether recordings are offered.
func (c Capabilities) OffersRecording() bool { return c.Recording == nil || *c.Recording }

// OffersStopCall tells whether the stop call is offered to the profile's apps.
func (c Capabilities) OffersStopCall() bool { return c.StopCall == nil || *c.StopCall }

// OffersSMSControl tells whether the SMS control address (Block SMS and its reply) is
// offered: it needs SMS and is not declared false.
func (c Capabilities) OffersSMSControl() bool {
	return (c.SMS == nil || *c.SMS) && (c.SMSControl == nil || *c.SMSControl)
}

func (c Capabilities) validate(bad func(string, ...any)) {
	for _, m := range c.Modes {
		if !m.ValidApp() {
			bad("capabilities.modes: %q is not a mode (%s)", m, strings.Join(modeNames(), ", "))
		}
	}
	for _, k := range c.Notifications {
		if !slices.Contains(NotificationKinds, k) {
			bad("capabilities.notifications: %q is not a notification kind (%s)", k, strings.Join(NotificationKinds, ", "))
		}
	}
}

// Lockout is the platform's client-IP lockout: Failures authentication failures within Window
// lock the IP out (1020176).
type Lockout struct {
	Failures int      `yaml:"failures,omitempty" json:"failures,omitempty"`
	Window   Duration `yaml:"window,omitempty" json:"window,omitempty"`
}

// LoadSettings are the load of `harness run --target`.
type LoadSettings struct {
	// Modes lists the modes to load (bind-unbind each); empty means every mode with an app.
	Modes []pns.Mode `yaml:"modes,omitempty" json:"modes,omitempty"`
	// Rate is the bind rate per mode (binds/s); Duration and Hold as in `harness load`.
	Rate     float64  `yaml:"rate,omitempty" json:"rate,omitempty"`
	Duration Duration `yaml:"duration,omitempty" json:"duration,omitempty"`
	Hold     Duration `yaml:"hold,omitempty" json:"hold,omitempty"`
}

// AppProfile is one app. The secret comes from AppSecret or, when that is empty, from the
// environment variable named by AppSecretEnv; it never appears in results.
type AppProfile struct {
	// Mode is AXB, AX, AXE or X; empty means the app's name (up to a "-") when that is a mode.
	Mode         pns.Mode `yaml:"mode,omitempty" json:"mode,omitempty"`
	AppKey       string   `yaml:"appKey" json:"appKey"`
	AppSecret    string   `yaml:"appSecret,omitempty" json:"-"`
	AppSecretEnv string   `yaml:"appSecretEnv,omitempty" json:"appSecretEnv,omitempty"`
	// XNumbers and XRanges are the X numbers the harness may bind. A load names them in its
	// binds; with none, the platform chooses (AreaCode, AreaMatchMode).
	XNumbers []string `yaml:"xNumbers,omitempty" json:"xNumbers,omitempty"`
	XRanges  []XRange `yaml:"xRanges,omitempty" json:"xRanges,omitempty"`
	// PausedXNumbers are X numbers of the app not in status normal, for the 1012008 / 1011002
	// scenarios; empty skips them.
	PausedXNumbers []string `yaml:"pausedXNumbers,omitempty" json:"pausedXNumbers,omitempty"`
	// ExtensionDigits is the AXE app's extension length, 1-4 (default 4).
	ExtensionDigits int `yaml:"extensionDigits,omitempty" json:"extensionDigits,omitempty"`
	// AreaCode and AreaMatchMode steer the platform's choice of X when a load lists none.
	AreaCode      string `yaml:"areaCode,omitempty" json:"areaCode,omitempty"`
	AreaMatchMode string `yaml:"areaMatchMode,omitempty" json:"areaMatchMode,omitempty"`
	// MaxPerX is how many AXB bindings one X may carry (default DefaultMaxPairsPerX, §13.1).
	MaxPerX int `yaml:"maxPerX,omitempty" json:"maxPerX,omitempty"`

	xs    []string          // expanded XNumbers + XRanges, set by Normalize
	areas map[string]string // X → city code, where known
}

// XRange is Count consecutive X numbers from From, all in one city.
type XRange struct {
	From     string `yaml:"from" json:"from"`
	Count    int    `yaml:"count" json:"count"`
	CityCode string `yaml:"cityCode,omitempty" json:"cityCode,omitempty"`
}

// NumberSpace holds the ranges a load's A and B numbers are generated from.
type NumberSpace struct {
	A NumberRange `yaml:"a" json:"a"`
	B NumberRange `yaml:"b" json:"b"`
}

// NumberRange is Count consecutive +86 mobile numbers from Start.
type NumberRange struct {
	Start string `yaml:"start" json:"start"`
	Count uint64 `yaml:"count" json:"count"`
}

// Defaults of a load's number ranges: +86134… and +86135…, away from the emulator's +8617… X
// numbers and the +86138… numbers of the official examples conformance scenarios tend to use.
const (
	DefaultAStart = "+8613400000000"
	DefaultBStart = "+8613500000000"
	DefaultRangeN = 100000000
	// DefaultMaxPairsPerX is the AXB capacity of one X (§13.1: 5000 pairs).
	DefaultMaxPairsPerX = 5000
)

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

// Load reads and validates a profile file.
func Load(path string) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	p, err := Parse(data)
	if err != nil {
		return nil, yamlx.Located(path, err)
	}
	return p, nil
}

// Parse decodes a profile strictly (an unknown key is an error, because a misspelled setting
// silently keeping its default is worse than a refusal) and validates it.
func Parse(data []byte) (*Profile, error) {
	var p Profile
	if err := yamlx.DecodeStrict(data, &p); err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	if err := p.Normalize(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Normalize applies defaults, expands X ranges and validates; all problems are reported, one
// per line, with their YAML path.
func (p *Profile) Normalize() error {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	if p.Apps == nil {
		p.Apps = map[string]*AppProfile{}
	}
	for _, name := range p.names() {
		a := p.Apps[name]
		if a == nil {
			bad("apps.%s: empty", name)
			continue
		}
		a.normalize(name, bad)
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
	p.Capabilities.validate(bad)
	if p.AuthFailurePause < 0 {
		bad("authFailurePause: must not be negative")
	}
	if p.Lockout.Failures < 0 || p.Lockout.Window < 0 || (p.Lockout.Failures > 0) != (p.Lockout.Window > 0) {
		bad("lockout: give both failures (a positive count) and window (a duration), or neither")
	}
	if p.FlowControl < 0 || math.IsNaN(p.FlowControl) || math.IsInf(p.FlowControl, 0) {
		bad("flowControl: must be a positive number of requests per second")
	}
	if p.Numbers.A.Start == "" {
		p.Numbers.A = NumberRange{Start: DefaultAStart, Count: DefaultRangeN}
	}
	if p.Numbers.B.Start == "" {
		p.Numbers.B = NumberRange{Start: DefaultBStart, Count: DefaultRangeN}
	}
	for _, r := range []struct {
		name string
		r    NumberRange
	}{{"a", p.Numbers.A}, {"b", p.Numbers.B}} {
		if err := CheckRange(r.r); err != nil {
			bad("numbers.%s: %v", r.name, err)
		}
	}
	if p.MaxRate < 0 || math.IsNaN(p.MaxRate) || math.IsInf(p.MaxRate, 0) {
		bad("maxRate: must be positive")
	}
	if p.AllowRemote && p.MaxRate == 0 {
		bad("maxRate: required with allowRemote (the rate ceiling no load may exceed)")
	}
	for i, m := range p.Load.Modes {
		if _, a := p.AppFor(m); a == nil {
			bad("load.modes[%d]: no app for mode %q", i, m)
		}
	}
	if p.Load.Rate < 0 || math.IsNaN(p.Load.Rate) || math.IsInf(p.Load.Rate, 0) || p.Load.Duration < 0 || p.Load.Hold < 0 {
		bad("load: rate, duration and hold must be finite and not negative")
	}
	if p.MaxRate > 0 && p.Load.Rate > p.MaxRate {
		bad("load.rate: %g/s exceeds maxRate %g/s", p.Load.Rate, p.MaxRate)
	}
	if len(errs) > 0 {
		return errors.New("profile: " + strings.Join(errs, "\n"))
	}
	return nil
}

func (a *AppProfile) normalize(name string, bad func(string, ...any)) {
	if a.Mode == "" {
		a.Mode = pns.Mode(strings.SplitN(name, "-", 2)[0])
	}
	a.Mode = pns.Mode(strings.ToUpper(string(a.Mode)))
	if !a.Mode.ValidApp() {
		bad("apps.%s.mode: must be %s", name, pns.AppModeList())
	}
	if a.AppKey == "" {
		bad("apps.%s.appKey: required", name)
	}
	if a.AppSecret == "" && a.AppSecretEnv == "" {
		bad("apps.%s: appSecret or appSecretEnv required", name)
	}
	if a.Mode.Spec().Extensions && a.ExtensionDigits == 0 {
		a.ExtensionDigits = 4
	}
	if a.ExtensionDigits < 0 || a.ExtensionDigits > 4 {
		bad("apps.%s.extensionDigits: must be 1-4", name)
	}
	if a.MaxPerX < 0 {
		bad("apps.%s.maxPerX: must be positive", name)
	}
	if a.AreaMatchMode != "" && a.AreaMatchMode != "0" && a.AreaMatchMode != "1" {
		bad("apps.%s.areaMatchMode: must be \"0\" or \"1\"", name)
	}
	if a.AreaCode != "" && !pns.ValidAreaCode(a.AreaCode) {
		bad("apps.%s.areaCode: must be 0 followed by 2-3 digits", name)
	}
	a.xs = nil
	a.areas = map[string]string{}
	add := func(where, x, city string) {
		if !pns.ValidXNumber(x) {
			bad("apps.%s.%s: %q is not a +86 mobile number", name, where, x)
			return
		}
		if _, dup := a.areas[x]; dup {
			return
		}
		a.areas[x] = city
		a.xs = append(a.xs, x)
	}
	for _, x := range a.XNumbers {
		add("xNumbers", x, "")
	}
	for i, r := range a.XRanges {
		if !pns.ValidXNumber(r.From) || r.Count <= 0 {
			bad("apps.%s.xRanges[%d]: need a +86 mobile from and a positive count", name, i)
			continue
		}
		base, _ := strconv.ParseUint(r.From[1:], 10, 64)
		if !pns.ValidXNumber("+" + strconv.FormatUint(base+uint64(r.Count)-1, 10)) {
			bad("apps.%s.xRanges[%d]: the range leaves the +86 mobile numbers", name, i)
			continue
		}
		for k := 0; k < r.Count; k++ {
			add(fmt.Sprintf("xRanges[%d]", i), "+"+strconv.FormatUint(base+uint64(k), 10), r.CityCode)
		}
	}
	for _, x := range a.PausedXNumbers {
		if !pns.ValidXNumber(x) {
			bad("apps.%s.pausedXNumbers: %q is not a +86 mobile number", name, x)
		}
	}
}

// RequireConformance checks what the conformance suite needs beyond a valid profile: the apps
// AXB, AX and AXE, and AXYB when the profile has an app of it (only those of
// capabilities.modes when it is given), each with X numbers,
// and number blocks for fresh A/B numbers.
func (p *Profile) RequireConformance() error {
	var errs []string
	for _, m := range pns.Modes {
		if !p.Capabilities.OffersMode(m) {
			continue
		}
		if m.SecondScope() && len(p.Capabilities.Modes) == 0 {
			if _, a := p.AppFor(m); a == nil {
				continue // not declared and no app: its scenarios are not checked
			}
		}
		name := string(m)
		a := p.Apps[name]
		switch {
		case a == nil:
			errs = append(errs, fmt.Sprintf("apps.%s: required", name))
		case len(a.X()) == 0:
			errs = append(errs, fmt.Sprintf("apps.%s: at least one X number (xNumbers or xRanges) required", name))
		}
	}
	if len(p.NumberBlocks) == 0 {
		errs = append(errs, "numberBlocks: at least one prefix required")
	}
	if len(errs) > 0 {
		return errors.New("profile: " + strings.Join(errs, "\n"))
	}
	return nil
}

func (p *Profile) names() []string {
	names := make([]string, 0, len(p.Apps))
	for n := range p.Apps {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// App returns the named app or nil.
func (p *Profile) App(name string) *AppProfile { return p.Apps[name] }

// AppFor returns the app of a mode: the app named like the mode (any case) without a
// different mode field, else the first app (by name) whose mode is m.
func (p *Profile) AppFor(m pns.Mode) (string, *AppProfile) {
	names := p.names()
	for _, n := range names {
		if a := p.Apps[n]; a != nil && (a.Mode == "" || strings.EqualFold(string(a.Mode), string(m))) && strings.EqualFold(n, string(m)) {
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

// ModeApp returns the app of a mode with its secret resolved.
func (p *Profile) ModeApp(m pns.Mode) (*AppProfile, string, error) {
	name, a := p.AppFor(m)
	if a == nil || a.AppKey == "" {
		return nil, "", fmt.Errorf("profile: no app for mode %s (apps.%s.appKey)", m, m)
	}
	s, err := a.Secret()
	if err != nil {
		return nil, "", fmt.Errorf("profile: apps.%s: %w", name, err)
	}
	return a, s, nil
}

// Modes returns the modes that have an app, in the order of pns.Modes.
func (p *Profile) Modes() []pns.Mode {
	var out []pns.Mode
	for _, m := range pns.Modes {
		if _, a := p.AppFor(m); a != nil {
			out = append(out, m)
		}
	}
	return out
}

// AdminBase returns the emulator admin API base for a target.
func (p *Profile) AdminBase(target string) string {
	if p.AdminURL != "" {
		return strings.TrimRight(p.AdminURL, "/")
	}
	return strings.TrimRight(target, "/") + "/emulator/v1"
}

// Secrets returns every app secret it can resolve, for scrubbing reports.
func (p *Profile) Secrets() []string {
	var out []string
	for _, n := range p.names() {
		if s, err := p.Apps[n].Secret(); err == nil {
			out = append(out, s)
		}
	}
	return out
}

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
		return "", fmt.Errorf("appSecretEnv: environment variable %s is not set", a.AppSecretEnv)
	}
	return s, nil
}

// X returns the app's X numbers in profile order (after Normalize; else Xs).
func (a *AppProfile) X() []string {
	if a.xs == nil {
		return a.Xs()
	}
	return a.xs
}

// Xs returns XNumbers followed by the expansion of XRanges, computed from the fields (for
// profiles built in code without Normalize).
func (a *AppProfile) Xs() []string {
	out := append([]string(nil), a.XNumbers...)
	for _, r := range a.XRanges {
		if !pns.ValidXNumber(r.From) || r.Count <= 0 {
			continue
		}
		base, _ := strconv.ParseUint(r.From[1:], 10, 64)
		for k := 0; k < r.Count; k++ {
			out = append(out, "+"+strconv.FormatUint(base+uint64(k), 10))
		}
	}
	return out
}

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

// CheckRange validates a number range: Start is a +86 mobile number and the range stays in
// the +861 numbers.
func CheckRange(r NumberRange) error {
	if !pns.IsMobile(r.Start) {
		return fmt.Errorf("start %q is not a +86 mobile number (+861 and 10 digits)", r.Start)
	}
	base, _ := strconv.ParseUint(r.Start[3:], 10, 64)
	if r.Count == 0 {
		return errors.New("count must be positive")
	}
	if base+r.Count-1 > 19999999999 {
		return fmt.Errorf("start %q + count %d leaves the +861 mobile range", r.Start, r.Count)
	}
	return nil
}

// modeNames spells pns.AppModes for the capabilities message.
func modeNames() []string {
	out := make([]string, len(pns.AppModes))
	for i, m := range pns.AppModes {
		out[i] = string(m)
	}
	return out
}
