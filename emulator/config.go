package emulator

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/internal/yamlx"
	"github.com/pns-harness/pns-harness/pns"
	"gopkg.in/yaml.v3"
)

// Config is the emulator configuration (reference §14.2): global settings, apps and the X-number
// pool. It is read from YAML; every field has the reference's default, applied by Normalize.
type Config struct {
	// AuthSkewSeconds is the accepted |wall now − Created| window (D2).
	AuthSkewSeconds int `yaml:"authSkewSeconds"`
	// TolerateLocalTimeAsUTC is the offset of clients that stamp local time with a Z (D2);
	// "+08:00" by default, empty to disable. A pointer so that an explicit "" is not the default.
	TolerateLocalTimeAsUTC *string `yaml:"tolerateLocalTimeAsUTC"`
	// RejectNonceReplay turns on replay protection (D6).
	RejectNonceReplay bool `yaml:"rejectNonceReplay"`
	// LockoutEnabled switches the client-IP lockout of D8 on (default) or off. A conformance run
	// that sends many deliberate authentication failures sets it false in its profile or turns it
	// off with POST /emulator/v1/lockout; the dedicated lockout scenario turns it back on.
	LockoutEnabled *bool `yaml:"lockoutEnabled"`
	// LockoutFailures is the number of failures in the window that locks an IP (D8).
	LockoutFailures int `yaml:"lockoutFailures"`
	// LockoutWindowSeconds is the sliding window of the failure count (D8).
	LockoutWindowSeconds int `yaml:"lockoutWindowSeconds"`
	// LockoutSeconds is how long a locked IP is refused (D8).
	LockoutSeconds int `yaml:"lockoutSeconds"`
	// CallbackTimeoutSeconds bounds each notification attempt (D67).
	CallbackTimeoutSeconds int `yaml:"callbackTimeoutSeconds"`
	// CallbackInsecureTLS skips TLS verification of customer endpoints (D67).
	CallbackInsecureTLS bool `yaml:"callbackInsecureTLS"`
	// FeeBatchWindowSeconds is the fee batching window in emulator seconds (D70).
	FeeBatchWindowSeconds int `yaml:"feeBatchWindowSeconds"`
	// FeeBatchMax is the maximum number of fee records per message (D70).
	FeeBatchMax int `yaml:"feeBatchMax"`
	// StatusBatchMax is the maximum number of X-number status changes per message (D73).
	StatusBatchMax int `yaml:"statusBatchMax"`
	// ClockScale is the speed of the emulator clock relative to real time (D76).
	ClockScale float64 `yaml:"clockScale"`
	// ShortConnections closes the connection after every response (D26).
	ShortConnections bool `yaml:"shortConnections"`
	// TLS serves HTTPS with a self-signed certificate (D26; used by `harness emulate`).
	TLS bool `yaml:"tls"`
	// HostName is the host used in generated URLs and identifiers (D71).
	HostName string `yaml:"hostName"`
	// PublicBaseURL is the scheme and host of recording download Locations (D75), e.g.
	// "https://pns.example.test:8443", for clients that reach the emulator through a proxy;
	// empty: the scheme and Host header of each download request, on the port it came to.
	PublicBaseURL string `yaml:"publicBaseURL"`
	// MaxBodyBytes limits request bodies; larger bodies get 1010002 `Invalid request. body`.
	MaxBodyBytes int64 `yaml:"maxBodyBytes"`
	// Decisions selects the answers where the contract is silent: "default" (the reference's
	// decisions) or "alternative" (another answer within the contract for every decision listed
	// in docs/fidelity.md), to prove that the conformance suite does not fail a platform that
	// decided differently.
	Decisions string `yaml:"decisions"`
	// Areas maps a city code (with its leading 0) to its province (D34).
	Areas map[string]string `yaml:"areas"`
	// MobilePrefixAreas maps a mobile-number prefix in global format (e.g. "+86138001") to a
	// city code; the longest matching prefix wins (D34).
	MobilePrefixAreas map[string]string `yaml:"mobilePrefixAreas"`
	// Apps are the configured applications, one mode each.
	Apps []AppConfig `yaml:"apps"`
	// Pool lists X numbers one by one.
	Pool []PoolEntry `yaml:"pool"`
	// PoolRanges lists runs of consecutive X numbers, expanded at load time; the embedded
	// default configuration uses them for its thousands of numbers.
	PoolRanges []PoolRange `yaml:"poolRanges"`
}

// AppConfig is one application (reference §14.2, per-app settings).
type AppConfig struct {
	// AppKey is the app's key, the Username of its requests' X-AKSK header.
	AppKey string `yaml:"appKey"`
	// AppSecret signs the app's requests and the notifications sent to it; never logged.
	AppSecret string `yaml:"appSecret"`
	// Mode is AXB, AX or AXE.
	Mode pns.Mode `yaml:"mode"`
	// SpID is the customer's account name sent in fee records.
	SpID string `yaml:"spId"`
	// LegacyWSSE accepts X-WSSE authentication on requests (D1, default on).
	LegacyWSSE *bool `yaml:"legacyWSSE"`
	// CallbackAuth is the scheme of notifications: aksk (default) or wsse (D66).
	CallbackAuth string `yaml:"callbackAuth"`
	// Recording is the app-level recording option (D42, default on).
	Recording *bool `yaml:"recording"`
	// SMS is the app-level SMS option (default on).
	SMS *bool `yaml:"sms"`
	// SMSIncludeContent puts the SMS text into notifications (D74, default on).
	SMSIncludeContent *bool `yaml:"smsIncludeContent"`
	// ExtensionDigits is the AXE extension length, 1-4 (D58, default 4).
	ExtensionDigits int `yaml:"extensionDigits"`
	// MaxPairsPerX is the AXB capacity of one X (D31, default 5000).
	MaxPairsPerX int `yaml:"maxPairsPerX"`
	// IPWhitelist lists client IPs or CIDR blocks; empty means no check (D12).
	IPWhitelist []string `yaml:"ipWhitelist"`
	// Frozen makes every provisioning call return 1010029 (D13).
	Frozen bool `yaml:"frozen"`
	// QPSLimit is the per-app flow-control limit in requests per second, 0 = off (D11).
	QPSLimit int `yaml:"qpsLimit"`
	// FlowControl is a token-bucket flow-control limit (D11): Rate requests per second with
	// bursts of Burst. It replaces QPSLimit (setting both is an error). A tiny Rate with a small
	// Burst makes the emulator throttle after exactly Burst requests, which tests rely on.
	FlowControl *FlowControl `yaml:"flowControl"`
	// ToneFiles lists the approved tone files; empty accepts any name (D25).
	ToneFiles []string `yaml:"toneFiles"`
	// Notification URLs (D77); empty means no push of that type.
	CallStatusURL string `yaml:"callStatusUrl"`
	CallinURL     string `yaml:"callinUrl"`
	FeeURL        string `yaml:"feeUrl"`
	XStatusURL    string `yaml:"xStatusUrl"`
	SMSNotifyURL  string `yaml:"smsNotifyUrl"`
	SMSControlURL string `yaml:"smsControlUrl"`
}

// FlowControl is a token bucket: it holds Burst tokens, refills at Rate per wall-clock second,
// and each authenticated request takes one; a request finding it empty gets the flow-control
// answer 1010010 `The flow control upper limit is reached on the platform.`.
type FlowControl struct {
	// Rate is the refill rate in requests per wall-clock second.
	Rate float64 `yaml:"rate"`
	// Burst is the bucket's size: how many requests may come at once.
	Burst int `yaml:"burst"`
}

// ParseFlowControl reads "RATE/BURST" (e.g. "1000/1000" or "0.001/5"), the form of
// `harness emulate --flow-control`.
func ParseFlowControl(s string) (FlowControl, error) {
	rs, bs, ok := strings.Cut(s, "/")
	rate, err1 := strconv.ParseFloat(strings.TrimSpace(rs), 64)
	burst, err2 := strconv.Atoi(strings.TrimSpace(bs))
	if !ok || err1 != nil || err2 != nil {
		return FlowControl{}, fmt.Errorf("flow control %q: want RATE/BURST, e.g. 1000/1000", s)
	}
	fc := FlowControl{Rate: rate, Burst: burst}
	if err := fc.validate(); err != nil {
		return FlowControl{}, fmt.Errorf("flow control %q: %w", s, err)
	}
	return fc, nil
}

func (f FlowControl) validate() error {
	if !(f.Rate > 0) || f.Rate > 1e9 {
		return errors.New("rate must be positive")
	}
	if f.Burst < 1 {
		return errors.New("burst must be at least 1")
	}
	return nil
}

// PoolEntry is one X number of an app.
type PoolEntry struct {
	Number string `yaml:"number"`
	App    string `yaml:"app"`
	// CityCode is the X's city code with its leading 0.
	CityCode string `yaml:"cityCode"`
	// Province overrides the province derived from Areas (it must agree when both exist).
	Province string `yaml:"province"`
	// SMS says whether the X can carry SMS (default true).
	SMS *bool `yaml:"sms"`
	// Status is the X status, "5" (normal) by default.
	Status string `yaml:"status"`
}

// PoolRange is Count consecutive X numbers starting at From, all with the same attributes.
type PoolRange struct {
	From     string `yaml:"from"`
	Count    int    `yaml:"count"`
	App      string `yaml:"app"`
	CityCode string `yaml:"cityCode"`
	Province string `yaml:"province"`
	SMS      *bool  `yaml:"sms"`
	Status   string `yaml:"status"`
}

// Defaults of reference §14.2.
const (
	DefaultAuthSkewSeconds        = 300
	DefaultLocalTimeOffset        = "+08:00"
	DefaultLockoutFailures        = 10
	DefaultLockoutWindowSeconds   = 60
	DefaultLockoutSeconds         = 1800
	DefaultCallbackTimeoutSeconds = 5
	DefaultFeeBatchWindowSeconds  = 2
	DefaultFeeBatchMax            = 50
	DefaultStatusBatchMax         = 100
	DefaultMaxBodyBytes           = 64 << 10
	DefaultHostName               = "pns-emulator.local"
	DefaultExtensionDigits        = 4
	DefaultMaxPairsPerX           = 5000
	// StatusNormal is the X status "normal" (reference §9).
	StatusNormal = "5"
)

// validStatus lists the X statuses of reference §9.
var validStatus = map[string]bool{"5": true, "9": true, "10": true, "11": true}

//go:embed default.yaml
var defaultYAML []byte

// DefaultConfigYAML returns the embedded default configuration: one demo app per mode
// (demo-axb, demo-ax, demo-axe) with 1,200 X numbers each over several cities.
func DefaultConfigYAML() []byte { return append([]byte(nil), defaultYAML...) }

// DefaultConfig parses and normalizes the embedded default configuration.
func DefaultConfig() (*Config, error) { return ParseConfig(defaultYAML) }

// LoadConfig reads, parses and normalizes a YAML configuration file.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseConfig decodes YAML strictly (unknown keys are errors, because a misspelled setting
// silently keeping its default is worse than a refusal), applies defaults and validates.
func ParseConfig(data []byte) (*Config, error) {
	var c Config
	if err := yamlx.DecodeStrict(data, &c); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := c.Normalize(); err != nil {
		return nil, err
	}
	return &c, nil
}

func boolPtr(b bool) *bool    { return &b }
func strPtr(s string) *string { return &s }
func isTrue(b *bool) bool     { return b != nil && *b }
func orDefault(b *bool, d bool) bool {
	if b == nil {
		return d
	}
	return *b
}

// Normalize applies the defaults of reference §14.2 and validates the configuration. Errors
// name the offending setting with its YAML path, e.g. `apps[1].mode: must be AXB, AX or AXE`;
// all problems are reported, one per line.
//
// Each section normalises and validates itself, in this order (the order of the lines of the
// error): global settings, areas, apps, then the pool, which needs the app keys and areas.
func (c *Config) Normalize() error {
	var bad problems
	c.normalizeSettings(&bad)
	c.normalizeAreas(&bad)
	keys := c.normalizeApps(&bad)
	c.normalizePool(keys, &bad)
	return bad.err()
}

// problems collects configuration errors, one line each in the order found, so that every
// section reports into one error instead of stopping at the first.
type problems struct{ lines []string }

// add records one problem.
func (p *problems) add(format string, a ...any) { p.lines = append(p.lines, fmt.Sprintf(format, a...)) }

// err joins the problems, nil when there are none.
func (p *problems) err() error {
	if len(p.lines) == 0 {
		return nil
	}
	return errors.New(strings.Join(p.lines, "\n"))
}

// normalizeSettings applies the defaults of the global settings and validates them.
func (c *Config) normalizeSettings(bad *problems) {
	if c.AuthSkewSeconds == 0 {
		c.AuthSkewSeconds = DefaultAuthSkewSeconds
	} else if c.AuthSkewSeconds < 0 {
		bad.add("authSkewSeconds: must be positive")
	}
	if c.TolerateLocalTimeAsUTC == nil {
		c.TolerateLocalTimeAsUTC = strPtr(DefaultLocalTimeOffset)
	} else if _, err := parseOffset(*c.TolerateLocalTimeAsUTC); err != nil {
		bad.add("tolerateLocalTimeAsUTC: must be an offset such as +08:00, or empty")
	}
	if c.LockoutEnabled == nil {
		c.LockoutEnabled = boolPtr(true)
	}
	for _, s := range []struct {
		name string
		v    *int
		def  int
	}{
		{"lockoutFailures", &c.LockoutFailures, DefaultLockoutFailures},
		{"lockoutWindowSeconds", &c.LockoutWindowSeconds, DefaultLockoutWindowSeconds},
		{"lockoutSeconds", &c.LockoutSeconds, DefaultLockoutSeconds},
		{"callbackTimeoutSeconds", &c.CallbackTimeoutSeconds, DefaultCallbackTimeoutSeconds},
		{"feeBatchWindowSeconds", &c.FeeBatchWindowSeconds, DefaultFeeBatchWindowSeconds},
		{"feeBatchMax", &c.FeeBatchMax, DefaultFeeBatchMax},
		{"statusBatchMax", &c.StatusBatchMax, DefaultStatusBatchMax},
	} {
		if *s.v == 0 {
			*s.v = s.def
		} else if *s.v < 0 {
			bad.add("%s: must be positive", s.name)
		}
	}
	if c.FeeBatchMax > 50 {
		bad.add("feeBatchMax: must be at most 50")
	}
	if c.StatusBatchMax > 100 {
		bad.add("statusBatchMax: must be at most 100")
	}
	switch c.Decisions {
	case "":
		c.Decisions = DecisionsDefault
	case DecisionsDefault, DecisionsAlternative:
	default:
		bad.add("decisions: %q: want %s or %s", c.Decisions, DecisionsDefault, DecisionsAlternative)
	}
	if c.ClockScale == 0 {
		c.ClockScale = 1
	} else if c.ClockScale < 0 {
		bad.add("clockScale: must be positive")
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	} else if c.MaxBodyBytes < 0 {
		bad.add("maxBodyBytes: must be positive")
	}
	if c.HostName == "" {
		c.HostName = DefaultHostName
	}
	if c.PublicBaseURL != "" {
		if u, err := url.Parse(c.PublicBaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			bad.add("publicBaseURL: %q: want an http or https URL without query, e.g. https://pns.example.test:8443", c.PublicBaseURL)
		}
	}
}

// normalizeAreas validates the city-code and mobile-prefix maps, in key order so that the
// error is the same on every run; absent maps become empty ones, which the pool adds to.
func (c *Config) normalizeAreas(bad *problems) {
	if c.Areas == nil {
		c.Areas = map[string]string{}
	}
	for _, code := range sortedKeys(c.Areas) {
		if !pns.ValidAreaCode(code) {
			bad.add("areas[%s]: city code must be 0 followed by 2-3 digits", code)
		}
		if c.Areas[code] == "" {
			bad.add("areas[%s]: province must not be empty", code)
		}
	}
	if c.MobilePrefixAreas == nil {
		c.MobilePrefixAreas = map[string]string{}
	}
	for _, p := range sortedKeys(c.MobilePrefixAreas) {
		if len(p) < 4 || len(p) > 14 || !strings.HasPrefix(p, "+86") || !pns.IsDigits(p[1:]) {
			bad.add("mobilePrefixAreas[%s]: prefix must be +86 followed by 1-11 digits", p)
		}
		if code := c.MobilePrefixAreas[p]; !pns.ValidAreaCode(code) {
			bad.add("mobilePrefixAreas[%s]: city code must be 0 followed by 2-3 digits", p)
		}
	}
}

// normalizeApps normalises every app and returns the index of each distinct app key, which
// the pool's entries are checked against. Key uniqueness is checked here, across apps; the
// rest of each app by AppConfig.normalize.
func (c *Config) normalizeApps(bad *problems) map[string]int {
	keys := map[string]int{}
	if len(c.Apps) == 0 {
		bad.add("apps: at least one app is required")
	}
	for i := range c.Apps {
		a := &c.Apps[i]
		p := fmt.Sprintf("apps[%d]", i)
		if a.AppKey == "" {
			bad.add("%s.appKey: must not be empty", p)
		} else if j, dup := keys[a.AppKey]; dup {
			bad.add("%s.appKey: duplicate of apps[%d]", p, j)
		} else {
			keys[a.AppKey] = i
		}
		a.normalize(p, bad)
	}
	return keys
}

// normalize applies an app's defaults and validates everything but its key; p is its YAML
// path, e.g. "apps[1]".
func (a *AppConfig) normalize(p string, bad *problems) {
	if a.AppSecret == "" {
		bad.add("%s.appSecret: must not be empty", p)
	}
	switch a.Mode {
	case pns.ModeAXB, pns.ModeAX, pns.ModeAXE:
	default:
		bad.add("%s.mode: must be AXB, AX or AXE", p)
	}
	if a.LegacyWSSE == nil {
		a.LegacyWSSE = boolPtr(true)
	}
	switch a.CallbackAuth {
	case "":
		a.CallbackAuth = "aksk"
	case "aksk", "wsse":
	default:
		bad.add("%s.callbackAuth: must be aksk or wsse", p)
	}
	if a.Recording == nil {
		a.Recording = boolPtr(true)
	}
	if a.SMS == nil {
		a.SMS = boolPtr(true)
	}
	if a.SMSIncludeContent == nil {
		a.SMSIncludeContent = boolPtr(true)
	}
	if a.SpID == "" {
		a.SpID = a.AppKey
	}
	if a.ExtensionDigits == 0 {
		a.ExtensionDigits = DefaultExtensionDigits
	} else if a.ExtensionDigits < 1 || a.ExtensionDigits > 4 {
		bad.add("%s.extensionDigits: must be 1-4", p)
	}
	if a.MaxPairsPerX == 0 {
		a.MaxPairsPerX = DefaultMaxPairsPerX
	} else if a.MaxPairsPerX < 0 {
		bad.add("%s.maxPairsPerX: must be positive", p)
	}
	a.validateLimits(p, bad)
	for j, w := range a.IPWhitelist {
		if _, err := parseIPRule(w); err != nil {
			bad.add("%s.ipWhitelist[%d]: must be an IP address or CIDR block", p, j)
		}
	}
	for j, t := range a.ToneFiles {
		if t == "" || len(t) > 128 {
			bad.add("%s.toneFiles[%d]: must be 1-128 characters", p, j)
		}
	}
	a.validateURLs(p, bad)
}

// validateLimits checks an app's flow control: qpsLimit or a token bucket, not both.
func (a *AppConfig) validateLimits(p string, bad *problems) {
	if a.QPSLimit < 0 {
		bad.add("%s.qpsLimit: must be 0 (off) or positive", p)
	}
	if a.FlowControl != nil {
		if err := a.FlowControl.validate(); err != nil {
			bad.add("%s.flowControl: %v", p, err)
		}
		if a.QPSLimit > 0 {
			bad.add("%s.flowControl: set either qpsLimit or flowControl, not both", p)
		}
	}
}

// validateURLs checks an app's notification URLs (D77): each is absent or http(s) with a host.
func (a *AppConfig) validateURLs(p string, bad *problems) {
	for _, u := range []struct{ name, v string }{
		{"callStatusUrl", a.CallStatusURL}, {"callinUrl", a.CallinURL}, {"feeUrl", a.FeeURL},
		{"xStatusUrl", a.XStatusURL}, {"smsNotifyUrl", a.SMSNotifyURL}, {"smsControlUrl", a.SMSControlURL},
	} {
		if u.v == "" {
			continue
		}
		if pu, err := url.Parse(u.v); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			bad.add("%s.%s: must be an http or https URL", p, u.name)
		}
	}
}

// poolIndex is what the pool's entries are checked against: the app keys, the areas (which
// an entry's province may add to) and the numbers already listed, with where.
type poolIndex struct {
	apps  map[string]int
	areas map[string]string
	seen  map[string]string
}

// normalizePool normalises Pool, then PoolRanges, whose numbers must not repeat Pool's.
func (c *Config) normalizePool(keys map[string]int, bad *problems) {
	ix := &poolIndex{apps: keys, areas: c.Areas, seen: map[string]string{}}
	for i := range c.Pool {
		c.Pool[i].normalize(fmt.Sprintf("pool[%d]", i), ix, bad)
	}
	for i := range c.PoolRanges {
		c.PoolRanges[i].normalize(fmt.Sprintf("poolRanges[%d]", i), ix, bad)
	}
}

// normalize applies an X number's defaults and validates it; p is its YAML path. A province
// for a city code that areas does not list is added to areas.
func (e *PoolEntry) normalize(p string, ix *poolIndex, bad *problems) {
	if !pns.ValidXNumber(e.Number) {
		bad.add("%s.number: must be a +86 mobile number such as +8617000000001", p)
	} else if prev, dup := ix.seen[e.Number]; dup {
		bad.add("%s.number: %s already listed at %s", p, e.Number, prev)
	} else {
		ix.seen[e.Number] = p
	}
	if _, ok := ix.apps[e.App]; !ok {
		bad.add("%s.app: no app with appKey %q", p, e.App)
	}
	if !pns.ValidAreaCode(e.CityCode) {
		bad.add("%s.cityCode: must be 0 followed by 2-3 digits", p)
	} else if prov, ok := ix.areas[e.CityCode]; ok {
		if e.Province != "" && e.Province != prov {
			bad.add("%s.province: %q disagrees with areas[%s] = %q", p, e.Province, e.CityCode, prov)
		}
	} else if e.Province != "" {
		ix.areas[e.CityCode] = e.Province
	}
	if e.Status == "" {
		e.Status = StatusNormal
	} else if !validStatus[e.Status] {
		bad.add("%s.status: must be 5 (normal), 9 (paused), 10 (unavailable) or 11 (frozen)", p)
	}
	if e.SMS == nil {
		e.SMS = boolPtr(true)
	}
}

// normalize validates a range and every number it expands to, as PoolEntry does; the first
// bad number stops the range, so that one mistake in a range of thousands is one line.
func (r *PoolRange) normalize(p string, ix *poolIndex, bad *problems) {
	if !pns.ValidXNumber(r.From) {
		bad.add("%s.from: must be a +86 mobile number such as +8617000000001", p)
		return
	}
	if r.Count < 1 || r.Count > 100000 {
		bad.add("%s.count: must be 1-100000", p)
		return
	}
	start, _ := strconv.ParseInt(r.From[3:], 10, 64)
	if last := "+86" + strconv.FormatInt(start+int64(r.Count)-1, 10); !pns.ValidXNumber(last) {
		bad.add("%s.count: range leaves the 11-digit mobile numbers", p)
		return
	}
	if r.Status == "" {
		r.Status = StatusNormal
	}
	before := len(bad.lines)
	for k := 0; k < r.Count && len(bad.lines) == before; k++ {
		e := PoolEntry{Number: "+86" + strconv.FormatInt(start+int64(k), 10), App: r.App,
			CityCode: r.CityCode, Province: r.Province, SMS: r.SMS, Status: r.Status}
		e.normalize(p, ix, bad)
	}
	if r.SMS == nil {
		r.SMS = boolPtr(true)
	}
}

// Entries returns the whole pool: Pool followed by the expansion of PoolRanges, after
// Normalize.
func (c *Config) Entries() []PoolEntry {
	out := append([]PoolEntry(nil), c.Pool...)
	for _, r := range c.PoolRanges {
		start, err := strconv.ParseInt(strings.TrimPrefix(r.From, "+86"), 10, 64)
		if err != nil {
			continue
		}
		for k := 0; k < r.Count; k++ {
			out = append(out, PoolEntry{Number: "+86" + strconv.FormatInt(start+int64(k), 10), App: r.App,
				CityCode: r.CityCode, Province: r.Province, SMS: r.SMS, Status: r.Status})
		}
	}
	return out
}

// LocalOffset returns the parsed tolerateLocalTimeAsUTC offset (0 = off).
func (c *Config) LocalOffset() time.Duration {
	if c.TolerateLocalTimeAsUTC == nil {
		return 0
	}
	d, _ := parseOffset(*c.TolerateLocalTimeAsUTC)
	return d
}

// Redacted returns a deep copy with every app secret replaced by "***", for GET
// /emulator/v1/config and logs.
func (c *Config) Redacted() *Config {
	cp := c.clone()
	for i := range cp.Apps {
		if cp.Apps[i].AppSecret != "" {
			cp.Apps[i].AppSecret = "***"
		}
	}
	return cp
}

func (c *Config) clone() *Config {
	cp := *c
	cp.Areas = copyMap(c.Areas)
	cp.MobilePrefixAreas = copyMap(c.MobilePrefixAreas)
	cp.Apps = append([]AppConfig(nil), c.Apps...)
	for i := range cp.Apps {
		cp.Apps[i].IPWhitelist = append([]string(nil), c.Apps[i].IPWhitelist...)
		cp.Apps[i].ToneFiles = append([]string(nil), c.Apps[i].ToneFiles...)
		if fc := c.Apps[i].FlowControl; fc != nil {
			v := *fc
			cp.Apps[i].FlowControl = &v
		}
	}
	cp.Pool = append([]PoolEntry(nil), c.Pool...)
	cp.PoolRanges = append([]PoolRange(nil), c.PoolRanges...)
	return &cp
}

// YAML renders the configuration as YAML (secrets included: use Redacted first for display).
func (c *Config) YAML() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// parseOffset parses "+08:00", "-05:30" or "" (off).
func parseOffset(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return 0, fmt.Errorf("bad offset %q", s)
	}
	h, err1 := strconv.Atoi(s[1:3])
	m, err2 := strconv.Atoi(s[4:6])
	if err1 != nil || err2 != nil || h > 14 || m > 59 {
		return 0, fmt.Errorf("bad offset %q", s)
	}
	d := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	if s[0] == '-' {
		d = -d
	}
	return d, nil
}

// parseIPRule parses an allow-list entry: an IP address or a CIDR block.
func parseIPRule(s string) (*net.IPNet, error) {
	if strings.Contains(s, "/") {
		_, n, err := net.ParseCIDR(s)
		return n, err
	}
	ip := net.ParseIP(s)
	if ip == nil {
		return nil, fmt.Errorf("bad IP %q", s)
	}
	bits := 128
	if ip4 := ip.To4(); ip4 != nil {
		ip, bits = ip4, 32
	}
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}, nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
