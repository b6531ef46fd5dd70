package receiver

import (
	"encoding/json"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/pns-harness/pns-harness/schemas"
)

// decodeEnvelope decodes a push body once (issue 25: it was decoded twice, into the envelope
// and again by the schema check). parsed is exactly what json.Unmarshal(body, env) == nil
// would be, and env holds what it would decode, so that every check keyed on them stays as it
// was (FuzzDecodeEnvelope compares the two).
//
// With wantDoc (the schema is checked: Options.Schemas) the body is decoded into the generic
// document the compiled validators check, returned as doc, and env is filled from it; the
// differences from json.Unmarshal are confined to fields whose content nothing reads:
// StateCode holds the value's JSON text re-encoded rather than as sent (causeKey reads the
// same code from both), and NumInfo's elements are empty (only the list's length and nil-ness
// count). Without it scanEnvelope reads the body straight into env, and doc is empty.
//
// A body the fast paths would read differently from json.Unmarshal is handed to json.Unmarshal
// itself: one with a key twice in an object (a struct decoder merges a repeated object and
// refuses a first value of the wrong type, where a document keeps only the last), or with a
// key that is not one of the envelope's names but matches one case-insensitively (encoding/json
// accepts it). Pushes of a platform have neither.
func decodeEnvelope(body []byte, env *envelope, wantDoc bool) (doc schemas.Decoded, parsed bool) {
	if !wantDoc {
		if parsed, sure := scanEnvelope(body, env); sure {
			return doc, parsed
		}
		*env = envelope{}
		return doc, json.Unmarshal(body, env) == nil
	}
	doc, err := schemas.DecodeDocument(body)
	if err != nil {
		// Decode refuses exactly the bodies encoding/json refuses (schemas.FuzzDecode).
		return doc, false
	}
	if !doc.DuplicateKeys() {
		if parsed, sure := env.fill(doc.Value()); sure {
			return doc, parsed
		}
		*env = envelope{}
	}
	return doc, json.Unmarshal(body, env) == nil
}

// The JSON names of each struct of envelope, for the case-insensitive check of fill and the
// scanner's cases (in field order). They are read from the structs' tags, so that a field
// added to the decode view is a name both fast paths know they do not read: they leave the
// body to json.Unmarshal (scanner.unread, fill's default case) until taught the field.
var (
	envelopeNames   = jsonNames(envelope{})
	statusInfoNames = jsonNames(statusInfo{})
	feeNames        = jsonNames(feeItem{})
	smsNames        = jsonNames(smsEvent{})
)

// jsonNames returns the JSON names of a struct's fields, in field order.
func jsonNames(v any) []string {
	t := reflect.TypeOf(v)
	names := make([]string, t.NumField())
	for i := range names {
		names[i], _, _ = strings.Cut(t.Field(i).Tag.Get("json"), ",")
	}
	return names
}

// foldsToName reports whether a key that is none of names exactly might still be matched to one
// by encoding/json, which also accepts keys equal under case folding: for an ASCII key that is
// strings.EqualFold; a key with other characters is assumed to (Unicode folding maps some of
// them, e.g. the Kelvin sign, to ASCII letters), so that fill never has to decide it.
func foldsToName(k string, names []string) bool {
	for i := 0; i < len(k); i++ {
		if k[i] >= utf8.RuneSelf {
			return true
		}
	}
	for _, n := range names {
		if len(n) == len(k) && strings.EqualFold(n, k) {
			return true
		}
	}
	return false
}

// fillState is the outcome of filling the envelope from a document: typeErr when a value has a
// type json.Unmarshal refuses for its field (the body is then not parsed), unsure when a key
// might be matched case-insensitively (fill cannot vouch for the result).
type fillState struct{ typeErr, unsure bool }

// str reads a string field: a string, or null (the field is left as it is). The string is
// copied: the document's strings share one copy of the body (schemas.Decode), which the
// sessions and fee records remembered for a whole run must not hold.
func (s *fillState) str(v any, dst *string) {
	switch x := v.(type) {
	case string:
		*dst = intern([]byte(x)) // the conversion does not allocate: intern copies or returns a constant
	case nil:
	default:
		s.typeErr = true
	}
}

// object returns the members of an object field; ok false for null (left as it is) and for a
// value of another type (a type error).
func (s *fillState) object(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return x, true
	case nil:
	default:
		s.typeErr = true
	}
	return nil, false
}

// array returns the elements of a list field; ok false for null (the list is nil, as
// json.Unmarshal leaves it) and for a value of another type (a type error).
func (s *fillState) array(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case nil:
	default:
		s.typeErr = true
	}
	return nil, false
}

// fill sets env from a decoded document without duplicate keys as json.Unmarshal would from
// its text; it returns whether json.Unmarshal would succeed, and sure false when a key might
// be matched case-insensitively (then neither result is to be used).
func (env *envelope) fill(doc any) (parsed, sure bool) {
	var s fillState
	switch top := doc.(type) {
	case nil: // null: json.Unmarshal leaves the envelope empty, without an error
	case map[string]any:
		for k, v := range top {
			switch k {
			case "eventType":
				s.str(v, &env.EventType)
			case "appKey":
				s.str(v, &env.AppKey)
			case "statusInfo":
				if m, ok := s.object(v); ok {
					env.StatusInfo = &statusInfo{}
					s.statusInfo(m, env.StatusInfo)
				}
			case "smsEvent":
				if m, ok := s.object(v); ok {
					env.SMS = &smsEvent{}
					s.smsEvent(m, env.SMS)
				}
			case "feeLst":
				if l, ok := s.array(v); ok {
					env.FeeLst = make([]feeItem, len(l))
					for i, e := range l {
						if m, ok := s.object(e); ok {
							s.fee(m, &env.FeeLst[i])
						}
					}
				}
			case "numInfo":
				if l, ok := s.array(v); ok {
					env.NumInfo = make([]json.RawMessage, len(l))
				}
			default:
				s.unsure = s.unsure || foldsToName(k, envelopeNames)
			}
		}
	default: // a string, number, boolean or array cannot be the envelope
		s.typeErr = true
	}
	if s.unsure {
		return false, false
	}
	return !s.typeErr, true
}

func (s *fillState) statusInfo(m map[string]any, si *statusInfo) {
	for k, v := range m {
		switch k {
		case "timestamp":
			s.str(v, &si.Timestamp)
		case "sessionId":
			s.str(v, &si.SessionID)
		case "subscriptionId":
			s.str(v, &si.SubscriptionID)
		case "caller":
			s.str(v, &si.Caller)
		case "called":
			s.str(v, &si.Called)
		case "notifyMode":
			s.str(v, &si.NotifyMode)
		case "stateCode":
			si.StateCode = rawText(v)
		default:
			s.unsure = s.unsure || foldsToName(k, statusInfoNames)
		}
	}
}

func (s *fillState) smsEvent(m map[string]any, e *smsEvent) {
	for k, v := range m {
		switch k {
		case "smsIdentifier":
			s.str(v, &e.SMSIdentifier)
		case "notificationMode":
			s.str(v, &e.NotificationMode)
		case "calling":
			s.str(v, &e.Calling)
		case "virtualNumber":
			s.str(v, &e.VirtualNumber)
		case "timeStamp":
			s.str(v, &e.TimeStamp)
		case "subscriptionId":
			s.str(v, &e.SubscriptionID)
		default:
			s.unsure = s.unsure || foldsToName(k, smsNames)
		}
	}
}

func (s *fillState) fee(m map[string]any, f *feeItem) {
	for k, v := range m {
		switch k {
		case "icid":
			s.str(v, &f.Icid)
		case "sessionId":
			s.str(v, &f.SessionID)
		case "subscriptionId":
			s.str(v, &f.SubscriptionID)
		case "callEndTime":
			s.str(v, &f.CallEndTime)
		case "fwdAnswerTime":
			s.str(v, &f.FwdAnswerTime)
		default:
			s.unsure = s.unsure || foldsToName(k, feeNames)
		}
	}
}

// rawText is the JSON text of a decoded value for a json.RawMessage field: a number's literal
// as sent, null as "null", anything else re-encoded (no integer either way, which is all
// causeKey asks of it).
func rawText(v any) json.RawMessage {
	switch x := v.(type) {
	case nil:
		return json.RawMessage("null")
	case json.Number:
		return json.RawMessage(x)
	}
	b, err := json.Marshal(v)
	if err != nil { // a decoded document always encodes; keep it a non-integer anyway
		return json.RawMessage(`""`)
	}
	return b
}
