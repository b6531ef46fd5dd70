package conformance

import (
	"net/http"

	"github.com/pns-harness/pns-harness/embedded"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// specialApp is an app that the embedded conformance emulator adds to the default
// configuration, for rules that need a particular app setting.
type specialApp struct {
	name  string // profile app name
	cfg   emulator.AppConfig
	from  string // first X number (20 consecutive, Beijing)
	count int
}

func bp(b bool) *bool { return &b }

var specialApps = []specialApp{
	// App isolation: a second AXB app must not see the first one's bindings.
	{"AXB-2", emulator.AppConfig{AppKey: "conf-axb-2", AppSecret: "conf-axb-2-secret", Mode: pns.ModeAXB}, "+8617004100000", 20},
	// 1012012: recording requested without the app's recording option (D42).
	{"AXB-norec", emulator.AppConfig{AppKey: "conf-axb-norec", AppSecret: "conf-axb-norec-secret", Mode: pns.ModeAXB, Recording: bp(false)}, "+8617004200000", 20},
	{"AX-norec", emulator.AppConfig{AppKey: "conf-ax-norec", AppSecret: "conf-ax-norec-secret", Mode: pns.ModeAX, Recording: bp(false)}, "+8617004300000", 20},
	{"AXE-norec", emulator.AppConfig{AppKey: "conf-axe-norec", AppSecret: "conf-axe-norec-secret", Mode: pns.ModeAXE, Recording: bp(false)}, "+8617004400000", 20},
	// 1010029: frozen account (D13).
	{"AXB-frozen", emulator.AppConfig{AppKey: "conf-axb-frozen", AppSecret: "conf-axb-frozen-secret", Mode: pns.ModeAXB, Frozen: true}, "+8617004500000", 5},
	// 1020166: client IP not on the allow-list (D12); 192.0.2.1 is TEST-NET-1, never the runner.
	{"AXB-allowlist", emulator.AppConfig{AppKey: "conf-axb-allowlist", AppSecret: "conf-axb-allowlist-secret", Mode: pns.ModeAXB, IPWhitelist: []string{"192.0.2.1"}}, "+8617004600000", 5},
	// 1012008 on a full X: capacity 2 (D31).
	{"AXB-small", emulator.AppConfig{AppKey: "conf-axb-small", AppSecret: "conf-axb-small-secret", Mode: pns.ModeAXB, MaxPairsPerX: 2}, "+8617004700000", 20},
	// 1023033 for X-WSSE when legacyWSSE is off (D1).
	{"AXB-nowsse", emulator.AppConfig{AppKey: "conf-axb-nowsse", AppSecret: "conf-axb-nowsse-secret", Mode: pns.ModeAXB, LegacyWSSE: bp(false)}, "+8617004800000", 5},
	// 1010002 for a tone file that is not approved (D25).
	{"AXB-tones", emulator.AppConfig{AppKey: "conf-axb-tones", AppSecret: "conf-axb-tones-secret", Mode: pns.ModeAXB, ToneFiles: []string{"approved.wav"}}, "+8617004900000", 20},
	// Notifications signed with X-WSSE (D66).
	{"AXB-wsse", emulator.AppConfig{AppKey: "conf-axb-wsse", AppSecret: "conf-axb-wsse-secret", Mode: pns.ModeAXB, CallbackAuth: "wsse"}, "+8617005000000", 20},
	// Re-push after a failed delivery (§7.6, D67): the runner's receiver answers the first
	// delivery of every push of this app with 503.
	{"AXB-retry", emulator.AppConfig{AppKey: RetryAppKey, AppSecret: "conf-axb-retry-secret", Mode: pns.ModeAXB}, "+8617005100000", 20},
	// X mode (§6.6): no bindings; each call's Block callin asks the runner's receiver, which
	// answers what the scenario set. One approved tone, so that an unapproved one fails the
	// call (D87).
	{"X", emulator.AppConfig{AppKey: "conf-x", AppSecret: "conf-x-secret", Mode: pns.ModeX, ToneFiles: []string{"approved.wav"}}, "+8617005200000", 20},
}

// RetryAppKey is the app whose pushes the runner's own receiver fails at first delivery (503),
// so that the re-push scenarios can observe the platform's retry. A PushSource whose receiver
// does not fail them makes those scenarios skip.
const RetryAppKey = "conf-axb-retry"

// pausedX are X numbers in status "9" (paused) added to the demo apps, for D32.
var pausedX = map[string]string{"AXB": "+8617001900001", "AX": "+8617002900001", "AXE": "+8617003900001"}

var demoKeys = map[string]string{"AXB": "demo-axb", "AX": "demo-ax", "AXE": "demo-axe"}

// ConformanceConfig returns the configuration of the embedded conformance emulator: the
// emulator's default configuration with the lockout switched off (§2.6: the lockout has its
// own scenario, which switches it on), nonce replay protection on, paused X numbers for the demo apps, and the special
// apps listed in EmulatorProfile.
func ConformanceConfig() (*emulator.Config, error) {
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		return nil, err
	}
	cfg.LockoutEnabled = bp(false)
	// Replay protection is off in the default configuration (D6) and on here, so that the
	// nonce-replay scenario can hold the emulator to it; every other request has a fresh nonce.
	cfg.RejectNonceReplay = true
	for _, s := range specialApps {
		cfg.Apps = append(cfg.Apps, s.cfg)
		cfg.PoolRanges = append(cfg.PoolRanges, emulator.PoolRange{From: s.from, Count: s.count, App: s.cfg.AppKey, CityCode: "010"})
	}
	for mode, x := range pausedX {
		cfg.Pool = append(cfg.Pool, emulator.PoolEntry{Number: x, App: demoKeys[mode], CityCode: "010", Status: "9"})
	}
	if err := cfg.Normalize(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// EmulatorProfile returns the profile matching ConformanceConfig.
func EmulatorProfile() *Profile {
	p := DefaultProfile()
	for mode, x := range pausedX {
		p.Apps[mode].PausedXNumbers = []string{x}
	}
	for _, s := range specialApps {
		p.Apps[s.name] = &AppProfile{Mode: s.cfg.Mode, AppKey: s.cfg.AppKey, AppSecret: s.cfg.AppSecret,
			XRanges: []XRange{{From: s.from, Count: s.count, CityCode: "010"}}}
	}
	if err := p.Normalize(); err != nil {
		panic(err) // static data, covered by tests
	}
	return p
}

// StartEmulator serves a new emulator with ConformanceConfig on a free 127.0.0.1 port. Its
// apps have no notification URLs (Run, with an empty Target, starts its own receivers and
// points the URLs at them instead). It returns the base URL and a stop function.
func StartEmulator() (string, func(), error) {
	cfg, err := ConformanceConfig()
	if err != nil {
		return "", nil, err
	}
	return ServeEmulator(cfg, nil)
}

// ServeEmulator serves an emulator built from cfg, with its call simulator (POST
// /emulator/v1/calls, recording downloads) and push dispatcher, on a free 127.0.0.1 port; wrap,
// if non-nil, wraps its handler (the mutation tests break it on purpose).
func ServeEmulator(cfg *emulator.Config, wrap func(http.Handler) http.Handler) (string, func(), error) {
	p, err := embedded.Start(cfg, embedded.Options{Wrap: wrap})
	if err != nil {
		return "", nil, err
	}
	return p.URL, func() { _ = p.Close() }, nil
}
