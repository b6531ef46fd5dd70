package loadtest

import (
	"encoding/json"

	"github.com/pns-harness/pns-harness/pns"
)

// appendJSONString appends s as a JSON string exactly as encoding/json writes it. The numbers
// and codes of a bind body are plain ASCII and are copied as they are; anything that needs
// escaping (quotes, control characters, HTML characters, non-ASCII) goes through
// encoding/json so the output stays identical.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // marshalling a string cannot fail
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendField appends `,"name":"value"` (without the comma for the first field), skipping an
// empty value when omitEmpty.
func appendField(b []byte, name, value string, omitEmpty bool) []byte {
	if omitEmpty && value == "" {
		return b
	}
	if len(b) > 1 {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	b = append(b, `":`...)
	return appendJSONString(b, value)
}

// appendBindBody appends the bind request of a mode with the fields the load sets, byte for
// byte what json.Marshal writes for pns.AXBBindRequest, pns.AXBindRequest and
// pns.AXEBindRequest (field order, omitempty), without reflection. areaCode and matchMode are
// sent only when the profile gives no X (x == "").
func appendBindBody(b []byte, mode pns.Mode, a, bNum, x, ext, areaCode, matchMode string) []byte {
	if x != "" {
		areaCode, matchMode = "", ""
	}
	b = append(b, '{')
	switch mode {
	case pns.ModeAXB:
		b = appendField(b, "callerNum", a, false)
		b = appendField(b, "calleeNum", bNum, false)
		b = appendField(b, "relationNum", x, true)
		b = appendField(b, "areaCode", areaCode, true)
		b = appendField(b, "areaMatchMode", matchMode, true)
	case pns.ModeAX:
		b = appendField(b, "origNum", a, false)
		b = appendField(b, "privateNum", x, true)
		b = appendField(b, "areaCode", areaCode, true)
		b = appendField(b, "areaMatchMode", matchMode, true)
	default:
		b = appendField(b, "virtualNum", x, true)
		b = appendField(b, "areaCode", areaCode, true)
		b = appendField(b, "areaMatchMode", matchMode, true)
		b = appendField(b, "bindNum", a, false)
		b = appendField(b, "extendNum", ext, true)
	}
	return append(b, '}')
}
