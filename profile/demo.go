package profile

import "github.com/pns-harness/pns-harness/pns"

// DemoAppKey is the app key of a mode's demo app in the emulator's default configuration
// ("demo-axb" for AXB).
func DemoAppKey(m pns.Mode) string { return "demo-" + m.Lower() }

// DemoSecret is the secret of a demo app in the emulator's default configuration: the key
// followed by "-secret". It is a published demo value, not a credential.
func DemoSecret(appKey string) string { return appKey + "-secret" }

// DemoOptions say what a caller's demo profile adds to the demo apps. The zero value lists no
// X numbers, so a load lets the platform choose X.
type DemoOptions struct {
	// XNumbers, when non-nil, lists the X numbers of an app key (for example the pool of a
	// running emulator), in the order a load should use them.
	XNumbers func(appKey string) []string
	// XRanges, when non-nil, lists the X ranges of an app key, with their cities.
	XRanges func(appKey string) []XRange
	// AreaMatchMode is set on every app: how the platform chooses X when a load names none.
	AreaMatchMode string
}

// Demo returns the profile of the emulator's demo apps. It is the one builder of the demo
// profile: the defaults of `harness load`, `harness run` and the conformance suite all start
// from it, so a new mode in pns.Modes gets its demo app everywhere at once. Each mode of
// pns.Modes has an app named like the mode, with DemoAppKey and DemoSecret; A and B numbers
// come from the default ranges. The profile is not normalised, so that callers can add to it
// first (Normalize).
func Demo(o DemoOptions) *Profile {
	apps := map[string]*AppProfile{}
	for _, m := range pns.Modes {
		key := DemoAppKey(m)
		a := &AppProfile{AppKey: key, AppSecret: DemoSecret(key), AreaMatchMode: o.AreaMatchMode}
		if o.XNumbers != nil {
			a.XNumbers = o.XNumbers(key)
		}
		if o.XRanges != nil {
			a.XRanges = o.XRanges(key)
		}
		apps[string(m)] = a
	}
	return &Profile{
		Apps: apps,
		Numbers: NumberSpace{
			A: NumberRange{Start: DefaultAStart, Count: DefaultRangeN},
			B: NumberRange{Start: DefaultBStart, Count: DefaultRangeN},
		},
	}
}
