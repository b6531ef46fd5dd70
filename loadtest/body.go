package loadtest

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

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
// byte what json.Marshal writes for the mode's bind request type of package pns (field order,
// omitempty), without reflection: the field names come from the mode's pns.ModeSpec, their
// order from its loadModes row. areaCode and matchMode are sent only when the profile gives
// no X (x == ""). lifetime, when positive, is the binding's expiry (bindingExpiry); AX binds
// have no lifetime field.
func appendBindBody(b []byte, mode pns.Mode, a, bNum, x, ext, areaCode, matchMode string, lifetime time.Duration) []byte {
	if x != "" {
		areaCode, matchMode = "", ""
	}
	spec := mode.Spec()
	b = append(b, '{')
	for _, part := range loadModes[mode].bindOrder {
		switch part {
		case partA:
			b = appendField(b, spec.A, a, false)
		case partB:
			b = appendField(b, spec.B, bNum, false)
		case partX:
			b = appendField(b, spec.X, x, true)
		case partArea:
			b = appendField(b, "areaCode", areaCode, true)
		case partMatch:
			b = appendField(b, "areaMatchMode", matchMode, true)
		case partExt:
			b = appendField(b, spec.Ext, ext, true)
		case partLifetime:
			if n, unit, ok := bindingExpiry(mode, lifetime); ok {
				if l := spec.Lifetime; l.UnitField != "" {
					b = appendField(b, l.UnitField, unit, false)
				}
				b = append(b, `,"`...)
				b = append(b, spec.Lifetime.Name...)
				b = append(b, `":`...)
				b = strconv.AppendInt(b, n, 10)
			}
		}
	}
	return append(b, '}')
}

// lifetimeModes names the modes whose binds carry a lifetime ("AXB, AXE and AXYB"), for the
// console: AX binds have no lifetime field.
func lifetimeModes() string {
	var ms []string
	for _, m := range pns.Modes {
		if _, _, ok := bindingExpiry(m, time.Second); ok {
			ms = append(ms, string(m))
		}
	}
	if len(ms) < 2 {
		return strings.Join(ms, "")
	}
	return strings.Join(ms[:len(ms)-1], ", ") + " and " + ms[len(ms)-1]
}

// bindingExpiry returns the lifetime field of a bind in mode for lifetime (rounded up to the
// field's unit, kept within the contract's bounds, pns.LifetimeField) and the code of its unit
// (AXE timeUnit); ok is false when the bind carries none (no lifetime asked, or AX).
func bindingExpiry(mode pns.Mode, lifetime time.Duration) (n int64, unit string, ok bool) {
	l := mode.Spec().Lifetime
	if lifetime <= 0 || l == nil {
		return 0, "", false
	}
	return l.Value(lifetime), l.UnitCode, true
}
