package emulator

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"net"
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
	// Mode is AXB, AX, AXE or X (no bindings: each call's callin asks the app's
	// call-status URL where it goes, §6.6).
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
	// MaxRelationsPerY is how many AXYB relations one Y carries (D84, default 1000).
	MaxRelationsPerY int `yaml:"maxRelationsPerY"`
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
	DefaultMaxRelationsPerY       = 1000
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
