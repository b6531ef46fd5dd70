package conformance

import (
	"fmt"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/profile"
)

// Profile describes the platform a conformance run talks to. It is the one profile of every
// mode (package profile): the same file drives `harness conform`, `harness load` and
// `harness run`.
type Profile = profile.Profile

// AppProfile is one app of the profile.
type AppProfile = profile.AppProfile

// XRange is Count consecutive X numbers from From, all in one city.
type XRange = profile.XRange

// Duration is a time.Duration read from YAML as a Go duration string ("2s", "500ms").
type Duration = profile.Duration

// LoadProfile reads a profile YAML file (unknown keys are errors) and checks that it has what
// the suite needs (profile.RequireConformance).
func LoadProfile(path string) (*Profile, error) {
	p, err := profile.Load(path)
	if err != nil {
		return nil, err
	}
	if err := p.RequireConformance(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// ParseProfile decodes and validates a conformance profile.
func ParseProfile(data []byte) (*Profile, error) {
	p, err := profile.Parse(data)
	if err != nil {
		return nil, err
	}
	if err := p.RequireConformance(); err != nil {
		return nil, err
	}
	return p, nil
}

// DefaultProfile returns the profile of the embedded emulator's default configuration (the
// demo apps only): profile.Demo with each app's X ranges from the emulator's default pool.
// Number blocks map to Beijing (010) in the emulator's mobile-prefix table, so automatic X
// selection by A's area finds Beijing X numbers. StartEmulator's configuration adds
// special-purpose apps; use EmulatorProfile for it.
func DefaultProfile() *Profile {
	cfg, err := emulator.DefaultConfig()
	if err != nil { // the embedded configuration is tested
		panic(err)
	}
	p := profile.Demo(profile.DemoOptions{XRanges: func(key string) []XRange {
		var rs []XRange
		for _, r := range cfg.PoolRanges {
			if r.App == key {
				rs = append(rs, XRange{From: r.From, Count: r.Count, CityCode: r.CityCode})
			}
		}
		return rs
	}})
	p.Emulator = true
	p.NumberBlocks = []string{"+86138001", "+86139001"}
	p.FixedLineBlocks = []string{"+86755"}
	for _, c := range cfg.Apps {
		if a := p.Apps[string(c.Mode)]; c.Mode == pns.ModeAXE && a != nil && a.AppKey == c.AppKey {
			a.ExtensionDigits = c.ExtensionDigits
		}
	}
	if err := p.Normalize(); err != nil { // static data, covered by tests
		panic(err)
	}
	if err := p.RequireConformance(); err != nil {
		panic(err)
	}
	return p
}
