package conformance

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/profile"
)

// missingModeApp returns why a scenario tagged with an interface of a mode cannot run because
// the profile has no app of that mode (possible only for a second-scope mode such as AXYB,
// which profile.RequireConformance does not demand), or "" when it can. Such a scenario is not
// checked, never failed: the platform may well offer the mode.
func missingModeApp(tags map[string]bool, p *profile.Profile) string {
	for _, i := range pns.Interfaces {
		if !tags["@"+i.ID] || i.Mode == "" {
			continue
		}
		if _, a := p.AppFor(i.Mode); a == nil {
			return fmt.Sprintf("the profile has no %s app (apps.%s) to send %s with", i.Mode, i.Mode, i.ID)
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
