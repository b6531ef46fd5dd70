package conformance

import (
	"fmt"

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
