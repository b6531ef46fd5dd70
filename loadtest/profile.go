package loadtest

import (
	"strconv"

	"github.com/pns-harness/pns-harness/profile"
)

// Profile describes the apps and number space a load run uses: the one profile of every mode
// (package profile), so a conformance profile is a load profile and the other way round. A
// load uses the app of its mode (Profile.AppFor), its X numbers round-robin (or, with none,
// lets the platform choose with areaCode / areaMatchMode), maxPerX for AXB, and the numbers
// section for fresh A and B numbers:
//
//	apps:
//	  AXB:
//	    appKey: demo-axb
//	    appSecretEnv: PNS_AXB_SECRET   # or appSecret: demo-axb-secret
//	    xRanges: [{from: "+8617001100000", count: 200, cityCode: "010"}]
//	numbers:                           # A and B numbers, one fresh pair per bind
//	  a: {start: "+8613400000000", count: 100000000}
//	  b: {start: "+8613500000000", count: 100000000}
//	allowRemote: true                  # a target that is not loopback (with maxRate)
//	maxRate: 200                       # ceiling no rate, ramp step or shard may exceed
type Profile = profile.Profile

// AppProfile is one app of the profile.
type AppProfile = profile.AppProfile

// XRange is Count consecutive X numbers from From.
type XRange = profile.XRange

// NumberSpace holds the ranges A and B numbers are generated from. Each request takes the next
// number of each range, so no number repeats within a run; shards split the ranges.
type NumberSpace = profile.NumberSpace

// NumberRange is Count consecutive +86 mobile numbers from Start.
type NumberRange = profile.NumberRange

// Default number ranges (see package profile).
const (
	DefaultAStart = profile.DefaultAStart
	DefaultBStart = profile.DefaultBStart
	DefaultRangeN = profile.DefaultRangeN
)

// DefaultProfile returns a profile matching the emulator's default configuration: apps demo-axb,
// demo-ax and demo-axe with secrets "<key>-secret" (profile.Demo). It lists no X numbers, so
// the platform chooses X (non-strict area match) unless the caller fills XNumbers, e.g. from
// the emulator's configuration.
func DefaultProfile() *Profile {
	return profile.Demo(profile.DemoOptions{AreaMatchMode: "1"})
}

// LoadProfile reads a YAML profile with the strict loader every mode uses (profile.Load).
func LoadProfile(path string) (*Profile, error) { return profile.Load(path) }

// ParseProfile parses a YAML profile with the strict loader every mode uses (profile.Parse).
func ParseProfile(data []byte) (*Profile, error) { return profile.Parse(data) }

// numRange is a parsed NumberRange: "+86" followed by an 11-digit mobile number.
type numRange struct {
	base  uint64
	count uint64
}

func parseRange(r NumberRange) (numRange, error) {
	if err := profile.CheckRange(r); err != nil {
		return numRange{}, err
	}
	base, _ := strconv.ParseUint(r.Start[3:], 10, 64)
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
