package conformance

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/profile"
)

// missingModeApp returns why a scenario tagged with an interface of a mode does not apply to
// the platform: the profile declares no capabilities.modes, so its modes are those of its
// apps, and it has no app of that mode (possible only for a second-scope mode such as AXYB,
// which profile.RequireConformance does not demand of a profile written for the first scope).
// It returns "" when the scenario applies. Such a scenario is not applicable, never failed,
// and --strict does not count it as a rule left unchecked.
func missingModeApp(tags map[string]bool, p *profile.Profile) string {
	if len(p.Capabilities.Modes) > 0 {
		return "" // declared modes have their apps (RequireConformance)
	}
	for _, i := range pns.Interfaces {
		if !tags["@"+i.ID] || i.Mode == "" {
			continue
		}
		if _, a := p.AppFor(i.Mode); a == nil {
			return fmt.Sprintf("the profile has no %s app and declares no capabilities.modes, so its modes are those of its apps (%s)", i.Mode, i.ID)
		}
	}
	return ""
}

// modeAlt is the regular-expression group of every mode name, for steps that take a mode
// ("I bind AXB with:"); it follows pns.Modes.
var modeAlt = func() string {
	names := make([]string, len(pns.Modes))
	for i, m := range pns.Modes {
		names[i] = regexp.QuoteMeta(string(m))
	}
	return "(" + strings.Join(names, "|") + ")"
}()
