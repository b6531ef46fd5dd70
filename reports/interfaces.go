package reports

import (
	"strings"

	"github.com/pns-harness/pns-harness/pns"
)

// Interface ids that are not provisioning APIs but are reported like them.
const (
	// InterfaceAuth groups authentication scenarios (X-AKSK / X-WSSE).
	InterfaceAuth = "auth"
	// InterfaceCallbacks groups notification (callback) scenarios.
	InterfaceCallbacks = "callbacks"
	// InterfaceOther collects scenarios whose tags name no known interface.
	InterfaceOther = "other"
)

// KnownInterfaces returns the interface ids in report order: the provisioning APIs in the
// order of pns.Interfaces, then auth and callbacks.
func KnownInterfaces() []string {
	out := make([]string, 0, len(pns.Interfaces)+2)
	for _, i := range pns.Interfaces {
		out = append(out, i.ID)
	}
	return append(out, InterfaceAuth, InterfaceCallbacks)
}

func interfaceRank(id string) int {
	for i, k := range KnownInterfaces() {
		if k == id {
			return i
		}
	}
	if id == InterfaceOther {
		return 1 << 20
	}
	return 1 << 10
}

// interfaceLess orders known interfaces first in report order, then unknown ones
// alphabetically, then "other".
func interfaceLess(a, b string) bool {
	ra, rb := interfaceRank(a), interfaceRank(b)
	if ra != rb {
		return ra < rb
	}
	return a < b
}

// InterfaceFromTags finds the interface a scenario exercises from its tags (with or without
// the leading "@"). An explicit "@iface:<id>" or "@interface:<id>" tag wins over a tag equal
// to a known interface id (such as "@axb.bind" or "@auth"); among several, the last one wins,
// because godog's cucumber JSON lists feature tags before scenario tags and the scenario is
// the more specific. Without any, InterfaceOther.
func InterfaceFromTags(tags []string) string {
	explicit, known := "", ""
	ids := KnownInterfaces()
	for _, t := range tags {
		t = strings.TrimPrefix(t, "@")
		for _, p := range []string{"iface:", "interface:"} {
			if v, ok := strings.CutPrefix(t, p); ok && v != "" {
				explicit = v
			}
		}
		if t == "authentication" { // the conformance suite's feature tag for §2
			t = InterfaceAuth
		}
		for _, k := range ids {
			if t == k {
				known = k
			}
		}
	}
	switch {
	case explicit != "":
		return explicit
	case known != "":
		return known
	}
	return InterfaceOther
}
