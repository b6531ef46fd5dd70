package conformance

import (
	"encoding/json"

	"github.com/pns-harness/pns-harness/pns"
)

// journaledAXYBBind reports whether an AXYB bind body is an AX bind, the one kind of AXYB bind
// the binding journal records. A YB bind (its body names the AX's subscriptionId, §6.2) is
// removed with its AX (§6.3), so journaling the AX is enough for `harness cleanup`.
func journaledAXYBBind(iface pns.Interface, body []byte) bool {
	if iface.ID != pns.IfaceAXYBBind {
		return false
	}
	var v map[string]any
	if json.Unmarshal(body, &v) != nil {
		// Not a JSON object: the platform binds nothing, and an outcome refused says so.
		return true
	}
	_, yb := v["subscriptionId"]
	return !yb
}
