package conformance

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
)

// The AXYB part of the property checks (reference §6.2-§6.4): its number fields (the A of an AX
// bind, the X of a query, the Y or B that narrows an unbind to one YB) and its enumerated
// fields (areaMatchMode, callDirection, recordFlag) are judged as the other modes' are. What
// differs is said here: every AXYB request names its app in the URL (app_key, §6.2), the
// platform always chooses X, and the bind answer names it relationNumber.

// bindBody is the request of a bind of mode m with A number a and X x. An AXYB AX bind cannot
// name X (§6.2): it asks for one in x's city when the profile knows it (areaCode), with
// non-strict area matching (areaMatchMode "1", §13.5) so that any free X of the app will do.
func (r *propRun) bindBody(m pns.Mode, a, b, x string) map[string]any {
	body := bindBody(m, a, b, x)
	if m != pns.ModeAXYB {
		return body
	}
	if app, _, err := r.o.Profile.ModeApp(m); err == nil {
		if area, ok := app.AreaOf(x); ok && area != "" {
			if !strings.HasPrefix(area, "0") {
				area = "0" + area // AXYB's areaCode keeps its leading 0 ("0755", §6.2)
			}
			body["areaCode"] = area
		}
	}
	return body
}

// withAppKey adds the app's app_key to the URL parameters of an AXYB request (§6.2: required on
// every AXYB request, D82); other modes' parameters are returned as they are.
func withAppKey(iface pns.Interface, c *pns.Client, params url.Values) url.Values {
	if iface.Mode != pns.ModeAXYB || params.Has("app_key") {
		return params
	}
	out := url.Values{}
	for k, v := range params {
		out[k] = v
	}
	out.Set("app_key", c.Signer.AppKey)
	return out
}

// boundX is the X of a successful bind: the one sent, except for AXYB, whose answer names the
// X the platform chose as relationNumber (§6.2).
func boundX(m pns.Mode, resp *pns.Response, sent string) string {
	if m != pns.ModeAXYB {
		return sent
	}
	var v struct {
		RelationNumber string `json:"relationNumber"`
	}
	_ = json.Unmarshal(resp.Body, &v)
	return v.RelationNumber
}

// axybNarrows reports whether the field narrows an AXYB unbind to one YB (yNum, bNum): the
// subscriptionId identifies the request, so whether a platform checks the syntax of a
// narrowing number it finds no YB for is the emulator's decision D16, as a query's filters.
func (f propField) axybNarrows() bool {
	return f.iface.ID == pns.IfaceAXYBUnbind
}

// localRef reports whether a schema property is a reference to its own schema's $defs (the
// AXYB durations, "#/$defs/seconds"): such a property is neither a number nor an enumerated
// field (0 or 60-7776000, as integer or string, D83), and its bounds are the boundary
// scenarios' to check.
func localRef(raw json.RawMessage) bool {
	var v struct {
		Ref string `json:"$ref"`
	}
	return json.Unmarshal(raw, &v) == nil && strings.HasPrefix(v.Ref, "#/")
}
