package receiver

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/pns-harness/pns-harness/internal/jsonscan"
	"github.com/pns-harness/pns-harness/pns"
)

// scanEnvelope fills env from body as json.Unmarshal(body, env) would, without a generic
// document and without reflection: the decode of a push whose schema the receiver does not
// check (Options.Schemas nil). Each string it keeps is its own copy, as json.Unmarshal's, so
// that the sessions and fee records remembered for a whole run do not hold whole bodies.
// parsed is json.Unmarshal's verdict; sure is false when the body has a key scanEnvelope leaves
// to json.Unmarshal (one of the envelope's keys twice in an object, or a key that is not one
// of its names exactly but might match one case-insensitively or through an escape), and
// then neither result is to be used.
func scanEnvelope(body []byte, env *envelope) (parsed, sure bool) {
	if !jsonscan.Valid(body) { // json.Unmarshal's own first step (json.Valid): refuses the same bodies
		return false, true
	}
	s := scanner{b: body}
	s.space()
	switch s.b[s.i] {
	case 'n': // null: the envelope stays empty, without an error
		return true, true
	case '{':
	default: // a string, number, boolean or array cannot be the envelope
		return false, true
	}
	var seen uint8
	s.members(func(k []byte) {
		bit, known := s.once(&seen, k, envelopeNames)
		if !known {
			s.skip()
			return
		}
		switch bit {
		case 0:
			s.str(&env.EventType)
		case 1:
			if s.null() {
				return
			}
			if s.b[s.i] != '{' {
				s.mismatch()
				return
			}
			env.StatusInfo = &statusInfo{}
			s.statusInfo(env.StatusInfo)
		case 2:
			s.fees(env)
		case 3:
			if s.null() {
				return
			}
			if s.b[s.i] != '[' {
				s.mismatch()
				return
			}
			env.NumInfo = []json.RawMessage{}
			s.elements(func() {
				start := s.i
				s.skip()
				env.NumInfo = append(env.NumInfo, json.RawMessage(s.b[start:s.i:s.i]))
			})
		case 4:
			s.str(&env.AppKey)
		case 5:
			if s.null() {
				return
			}
			if s.b[s.i] != '{' {
				s.mismatch()
				return
			}
			env.SMS = &smsEvent{}
			s.smsEvent(env.SMS)
		default:
			s.unread()
		}
	})
	if s.unsure {
		return false, false
	}
	return !s.typeErr, true
}

// scanner walks a body json.Valid accepted; i is the index of the next byte to read.
type scanner struct {
	b       []byte
	i       int
	typeErr bool // a value of a type its field refuses: json.Unmarshal fails
	unsure  bool // a key left to json.Unmarshal
}

// unread leaves a name of the decode view that the scanner has no case for to json.Unmarshal:
// a field added to envelope (or to one of its structs) is then decoded right, if slowly,
// before the scanner learns it.
func (s *scanner) unread() {
	s.unsure = true
	s.skip()
}

// space moves past JSON white space.
func (s *scanner) space() { s.i = jsonscan.SkipSpace(s.b, s.i) }

// once returns the index of key k among names, marking it seen; a name seen before in the
// same object, or a key that is none of names but might match one, makes the scan unsure.
func (s *scanner) once(seen *uint8, k []byte, names []string) (int, bool) {
	for i, n := range names {
		if string(k) == n {
			if *seen&(1<<i) != 0 {
				s.unsure = true
			}
			*seen |= 1 << i
			return i, true
		}
	}
	for _, c := range k {
		if c == '\\' { // an escaped key may decode to a name
			s.unsure = true
			return 0, false
		}
	}
	if foldsToName(string(k), names) {
		s.unsure = true
	}
	return 0, false
}

// members calls member with each key of the object at s.i (on its '{'), s.i then on the
// member's value, which member must consume.
func (s *scanner) members(member func(k []byte)) {
	s.i++ // {
	s.space()
	if s.b[s.i] == '}' {
		s.i++
		return
	}
	for {
		start := s.i + 1
		s.skipString()
		k := s.b[start : s.i-1]
		s.space()
		s.i++ // :
		s.space()
		member(k)
		s.space()
		c := s.b[s.i]
		s.i++ // , or }
		if c == '}' {
			return
		}
		s.space()
	}
}

// elements calls element for each element of the array at s.i (on its '['), s.i then on the
// element, which element must consume.
func (s *scanner) elements(element func()) {
	s.i++ // [
	s.space()
	if s.b[s.i] == ']' {
		s.i++
		return
	}
	for {
		element()
		s.space()
		c := s.b[s.i]
		s.i++ // , or ]
		if c == ']' {
			return
		}
		s.space()
	}
}

// null consumes a null value and reports whether there was one (the field stays as it is).
func (s *scanner) null() bool {
	if s.b[s.i] == 'n' {
		s.i += len("null")
		return true
	}
	return false
}

// mismatch records a value its field refuses and skips it.
func (s *scanner) mismatch() {
	s.typeErr = true
	s.skip()
}

// str reads a string field: a string (its own copy), or null (left as it is).
func (s *scanner) str(dst *string) {
	if s.null() {
		return
	}
	if s.b[s.i] != '"' {
		s.mismatch()
		return
	}
	start := s.i
	s.skipString()
	raw := s.b[start:s.i]
	for _, c := range raw[1 : len(raw)-1] {
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			// Escapes and non-ASCII text (invalid UTF-8 becomes U+FFFD) are rare in a
			// push: encoding/json decodes them, so they read exactly as before.
			if json.Unmarshal(raw, dst) != nil {
				s.typeErr = true
			}
			return
		}
	}
	*dst = intern(raw[1 : len(raw)-1])
}

// knownValues are the values of eventType, notifyMode and notificationMode that a push
// carries: str returns these strings instead of a copy of each (three of a push's allocations
// were such copies, issue 25).
// They are read from pns: the call event types, the eventType of each batched kind, and the
// notification modes.
var knownValues, knownMaxLen = func() ([]string, int) {
	vs := append([]string(nil), pns.CallEventTypes...)
	for _, n := range pns.Notifications {
		if n.EventType != "" {
			vs = append(vs, n.EventType)
		}
	}
	vs = append(vs, pns.NotifyModeBlock, pns.NotifyModeNotify)
	longest := 0
	for _, v := range vs {
		longest = max(longest, len(v))
	}
	return vs, longest
}()

// intern returns text as a string: one of knownValues when it is one, else a copy.
func intern(text []byte) string {
	if len(text) <= knownMaxLen {
		for _, v := range knownValues {
			if string(text) == v {
				return v
			}
		}
	}
	return string(text)
}

// skipString moves past the string whose opening quote is at s.i.
func (s *scanner) skipString() { s.i = jsonscan.StringEnd(s.b, s.i) }

// skip moves past the value at s.i.
func (s *scanner) skip() { s.i = jsonscan.ValueEnd(s.b, s.i) }

func (s *scanner) statusInfo(si *statusInfo) {
	var seen uint8
	s.members(func(k []byte) {
		bit, known := s.once(&seen, k, statusInfoNames)
		if !known {
			s.skip()
			return
		}
		switch bit {
		case 0:
			s.str(&si.Timestamp)
		case 1:
			s.str(&si.SessionID)
		case 2:
			s.str(&si.SubscriptionID)
		case 3:
			start := s.i
			s.skip()
			si.StateCode = json.RawMessage(s.b[start:s.i:s.i])
		case 4:
			s.str(&si.Caller)
		case 5:
			s.str(&si.Called)
		case 6:
			s.str(&si.NotifyMode)
		default:
			s.unread()
		}
	})
}

func (s *scanner) smsEvent(e *smsEvent) {
	var seen uint8
	s.members(func(k []byte) {
		bit, known := s.once(&seen, k, smsNames)
		if !known {
			s.skip()
			return
		}
		switch bit {
		case 0:
			s.str(&e.SMSIdentifier)
		case 1:
			s.str(&e.NotificationMode)
		case 2:
			s.str(&e.Calling)
		case 3:
			s.str(&e.VirtualNumber)
		case 4:
			s.str(&e.TimeStamp)
		case 5:
			s.str(&e.SubscriptionID)
		default:
			s.unread()
		}
	})
}

// fees reads feeLst: a list of fee records (a null element is an empty record) or null.
func (s *scanner) fees(env *envelope) {
	if s.null() {
		return
	}
	if s.b[s.i] != '[' {
		s.mismatch()
		return
	}
	env.FeeLst = []feeItem{}
	s.elements(func() {
		var f feeItem
		switch s.b[s.i] {
		case 'n':
			s.i += len("null")
		case '{':
			var seen uint8
			s.members(func(k []byte) {
				bit, known := s.once(&seen, k, feeNames)
				if !known {
					s.skip()
					return
				}
				switch bit {
				case 0:
					s.str(&f.Icid)
				case 1:
					s.str(&f.SessionID)
				case 2:
					s.str(&f.SubscriptionID)
				case 3:
					s.str(&f.CallEndTime)
				case 4:
					s.str(&f.FwdAnswerTime)
				default:
					s.unread()
				}
			})
		default:
			s.mismatch()
		}
		env.FeeLst = append(env.FeeLst, f)
	})
}
