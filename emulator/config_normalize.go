package emulator

// The normalisation and validation of Config, section by section (Normalize and the functions
// it calls), live here rather than in config.go: config.go describes the configuration (its
// types, defaults and how it is read), this file checks it, so that a reader of one need not
// page through the other. Moved without a change of behaviour.

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
)

// Normalize applies the defaults of reference §14.2 and validates the configuration. Errors
// name the offending setting with its YAML path, e.g. `apps[1].mode: must be AXB, AX, AXE or X`;
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
	if !a.Mode.ValidApp() {
		bad.add("%s.mode: must be %s", p, pns.AppModeList())
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
	if a.MaxRelationsPerY == 0 {
		a.MaxRelationsPerY = DefaultMaxRelationsPerY
	} else if a.MaxRelationsPerY < 0 {
		bad.add("%s.maxRelationsPerY: must be positive", p)
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
