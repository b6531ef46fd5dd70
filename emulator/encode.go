package emulator

import (
	"strconv"

	"github.com/pns-harness/pns-harness/pns"
)

// appendAnswer appends the JSON of a provisioning answer without reflection, byte for byte
// what writeJSON's encoding/json Encoder (HTML escaping off) writes, for the answers of the
// hot paths: the bare envelope (every error, unbind and update) and the bind answers of each
// mode. ok is false for any other type, and for a value with a string that encoding/json
// would escape (quotes, backslashes, control characters, non-ASCII): the caller then encodes
// it with encoding/json, so that the rare answer needing escapes keeps encoding/json's exact
// rules instead of a copy of them. The reflective encoder was about a third of the bind
// path's own CPU in its profile (issue 25). TestAppendAnswerMatchesEncodingJSON and
// FuzzAppendAnswer hold the identity; TestAppendAnswerKnowsEveryField fails when a field is
// added to one of these types in package pns and not here.
func appendAnswer(b []byte, v any) ([]byte, bool) {
	switch a := v.(type) {
	case pns.Envelope:
		return appendEnvelope(b, a.ResultCode, a.ResultDesc), plain(a.ResultCode) && plain(a.ResultDesc)
	case pns.AXBBindResponse:
		if !plain(a.ResultCode) || !plain(a.ResultDesc) || !plain(a.SubscriptionID) || !plain(a.RelationNum) {
			return b, false
		}
		b = appendEnvelopeOpen(b, a.ResultCode, a.ResultDesc)
		b = appendOptString(b, "subscriptionId", a.SubscriptionID)
		b = appendOptString(b, "relationNum", a.RelationNum)
		b = appendOptInt(b, "callDirection", a.CallDirection)
		b = appendOptInt(b, "duration", a.Duration)
		b = appendOptInt(b, "maxDuration", a.MaxDuration)
		return append(b, '}'), true
	case pns.AXBindResponse:
		if !plain(a.ResultCode) || !plain(a.ResultDesc) || !plain(a.OrigNum) || !plain(a.PrivateNum) || !plain(a.SubscriptionID) {
			return b, false
		}
		b = appendEnvelopeOpen(b, a.ResultCode, a.ResultDesc)
		b = appendOptString(b, "origNum", a.OrigNum)
		b = appendOptString(b, "privateNum", a.PrivateNum)
		b = appendOptString(b, "subscriptionId", a.SubscriptionID)
		return append(b, '}'), true
	case pns.AXEBindResponse:
		if !plain(a.ResultCode) || !plain(a.ResultDesc) || !plain(a.SubscriptionID) || !plain(a.VirtualNum) ||
			!plain(a.ExtendNum) || !plain(a.BindNum) {
			return b, false
		}
		b = appendEnvelopeOpen(b, a.ResultCode, a.ResultDesc)
		b = appendOptString(b, "subscriptionId", a.SubscriptionID)
		b = appendOptString(b, "virtualNum", a.VirtualNum)
		b = appendOptString(b, "extendNum", a.ExtendNum)
		b = appendOptString(b, "bindNum", a.BindNum)
		return append(b, '}'), true
	case pns.AXYBBindResponse:
		if !plain(a.ResultCode) || !plain(a.ResultDesc) || !plain(a.SubscriptionID) || !plain(a.RelationNumber) {
			return b, false
		}
		b = appendEnvelopeOpen(b, a.ResultCode, a.ResultDesc)
		b = appendOptString(b, "subscriptionId", a.SubscriptionID)
		b = appendOptString(b, "relationNumber", a.RelationNumber)
		return append(b, '}'), true
	}
	return b, false
}

// plain reports whether encoding/json (HTML escaping off) writes s between quotes as it is:
// printable ASCII other than the quote and the backslash. <, > and & are plain with HTML
// escaping off, and so is DEL.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// appendEnvelope appends a bare envelope, {"resultcode":…,"resultdesc":…}; both must be plain.
func appendEnvelope(b []byte, code, desc string) []byte {
	return append(appendEnvelopeOpen(b, code, desc), '}')
}

// appendEnvelopeOpen appends an envelope without its closing brace, for the answers that embed
// it (its fields come first, as encoding/json writes an embedded struct's).
func appendEnvelopeOpen(b []byte, code, desc string) []byte {
	b = append(b, `{"resultcode":"`...)
	b = append(b, code...)
	b = append(b, `","resultdesc":"`...)
	b = append(b, desc...)
	return append(b, '"')
}

// appendOptString appends ,"name":"s" unless s is empty (omitempty); s must be plain.
func appendOptString(b []byte, name, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, `":"`...)
	b = append(b, s...)
	return append(b, '"')
}

// appendOptInt appends ,"name":n unless p is nil (omitempty on a pointer).
func appendOptInt(b []byte, name string, p *int) []byte {
	if p == nil {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, `":`...)
	return strconv.AppendInt(b, int64(*p), 10)
}
