package pns

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// ModeX is the X mode of reference §6.6: the platform stores no bindings and asks the
// customer's server, with a Block `callin` (§6.7) or a Block SMS (§10.3), where each call or
// message to X goes.
const ModeX Mode = "X"

// Notification modes of reference §7.3 (`notifyMode` of X-mode events and fee records) and
// §10.2 (`smsEvent.notificationMode`): Block requests carry the customer's instruction in the
// reply body, Notify ones are answered with an empty 200.
const (
	NotifyModeBlock  = "Block"
	NotifyModeNotify = "Notify"
)

// Operations of the Block reply to an X-mode `callin` (reference §6.7).
const (
	// CallinConnect puts the call through to connectInfo.calleeNum.
	CallinConnect = "connect"
	// CallinClose ends the call (after closeInfo.closeHintTone, if given).
	CallinClose = "close"
)

// Operations of the Block reply to an SMS (reference §10.3).
const (
	// SMSRoute forwards the message from X to message.called.
	SMSRoute = "vNumberRoute"
	// SMSDiscard drops the message; no Notify follows.
	SMSDiscard = "DiscardMessage"
)

// MaxCallinDuration is the largest connectInfo.maxDuration, in minutes (reference §6.7).
const MaxCallinDuration = 1440

// ConnectInfo is ApiConnectInfo of reference §6.7: where and how an X-mode call is put
// through. MaxDuration is a pointer because an explicit 0 ("never end the call") and an absent
// value are both valid but must round-trip as sent.
type ConnectInfo struct {
	DisplayCalleeNum string `json:"displayCalleeNum,omitempty"`
	CalleeNum        string `json:"calleeNum"`
	MaxDuration      *int   `json:"maxDuration,omitempty"`
	WaitVoice        string `json:"waitVoice,omitempty"`
	// RecordFlag is "true" or "false"; JSON booleans are accepted too (§1.7).
	RecordFlag     FlexBool `json:"recordFlag,omitempty"`
	RecordHintTone string   `json:"recordHintTone,omitempty"`
	LastMinVoice   string   `json:"lastMinVoice,omitempty"`
	UserData       string   `json:"userData,omitempty"`
}

// CloseInfo is ApiCloseInfo of reference §6.7: how an X-mode call is ended.
type CloseInfo struct {
	CloseHintTone string `json:"closeHintTone,omitempty"`
	UserData      string `json:"userData,omitempty"`
}

// CallinReply is the body of the customer's reply to a Block `callin` (reference §6.7).
type CallinReply struct {
	Operation   string       `json:"operation"`
	ConnectInfo *ConnectInfo `json:"connectInfo,omitempty"`
	CloseInfo   *CloseInfo   `json:"closeInfo,omitempty"`
}

// FlexBool is a flag sent as the string "true"/"false" or as a JSON boolean (§1.7). It
// marshals as the string form Huawei documents.
type FlexBool string

// UnmarshalJSON accepts "true", "false", true and false.
func (b *FlexBool) UnmarshalJSON(p []byte) error {
	switch string(bytes.TrimSpace(p)) {
	case `"true"`, `true`:
		*b = "true"
	case `"false"`, `false`:
		*b = "false"
	default:
		return fmt.Errorf("want \"true\" or \"false\", got %s", p)
	}
	return nil
}

// On reports whether the flag is "true".
func (b FlexBool) On() bool { return b == "true" }

// ErrInvalidReply marks a Block reply the platform must treat as invalid: an X-mode call
// then fails (D87), an SMS is dropped (D89).
var ErrInvalidReply = errors.New("invalid Block reply")

func invalidReply(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidReply, fmt.Sprintf(format, a...))
}

// ParseCallinReply reads and checks a reply to a Block `callin` as reference §6.7 and D87
// state: a known operation; with connect, a connectInfo whose calleeNum is in global format,
// maxDuration within 0-1440, displayCalleeNum in global format, userData as D24;
// connectInfo and closeInfo as an object or as a one-element array (Huawei's Java sample,
// D87: the first element counts). The checks that depend on the call or the app (the
// displayed number is the call's X, tones are approved) are the caller's.
func ParseCallinReply(body []byte) (CallinReply, error) {
	var raw struct {
		Operation   string          `json:"operation"`
		ConnectInfo json.RawMessage `json:"connectInfo"`
		CloseInfo   json.RawMessage `json:"closeInfo"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return CallinReply{}, invalidReply("not a JSON object: %v", err)
	}
	r := CallinReply{Operation: raw.Operation}
	switch raw.Operation {
	case CallinConnect:
		var ci ConnectInfo
		if err := firstElement(raw.ConnectInfo, &ci); err != nil {
			return CallinReply{}, invalidReply("connectInfo: %v", err)
		}
		if err := ci.check(); err != nil {
			return CallinReply{}, err
		}
		r.ConnectInfo = &ci
	case CallinClose:
		var ci CloseInfo
		if len(raw.CloseInfo) > 0 && string(raw.CloseInfo) != "null" {
			if err := firstElement(raw.CloseInfo, &ci); err != nil {
				return CallinReply{}, invalidReply("closeInfo: %v", err)
			}
		}
		if err := checkUserData(ci.UserData); err != nil {
			return CallinReply{}, err
		}
		if n := utf8.RuneCountInString(ci.CloseHintTone); n > 128 {
			return CallinReply{}, invalidReply("closeInfo.closeHintTone: %d characters, want at most 128", n)
		}
		r.CloseInfo = &ci
	case "":
		return CallinReply{}, invalidReply("operation is missing")
	default:
		return CallinReply{}, invalidReply("operation %q: want %s or %s", raw.Operation, CallinConnect, CallinClose)
	}
	return r, nil
}

func (ci *ConnectInfo) check() error {
	if !IsGlobalNumber(ci.CalleeNum) {
		return invalidReply("connectInfo.calleeNum %q is not a number in global format", ci.CalleeNum)
	}
	if ci.DisplayCalleeNum != "" && !IsGlobalNumber(ci.DisplayCalleeNum) {
		return invalidReply("connectInfo.displayCalleeNum %q is not a number in global format", ci.DisplayCalleeNum)
	}
	if md := ci.MaxDuration; md != nil && (*md < 0 || *md > MaxCallinDuration) {
		return invalidReply("connectInfo.maxDuration %d: want 0-%d minutes", *md, MaxCallinDuration)
	}
	for name, v := range map[string]string{"waitVoice": ci.WaitVoice, "recordHintTone": ci.RecordHintTone, "lastMinVoice": ci.LastMinVoice} {
		if n := utf8.RuneCountInString(v); n > 128 {
			return invalidReply("connectInfo.%s: %d characters, want at most 128", name, n)
		}
	}
	return checkUserData(ci.UserData)
}

// checkUserData applies D24 to a reply's userData: empty (absent) or 1-256 printable ASCII
// characters without braces.
func checkUserData(s string) error {
	if len(s) > 256 {
		return invalidReply("userData: %d characters, want at most 256", len(s))
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '{' || c == '}' {
			return invalidReply("userData: character %q not allowed (printable ASCII without braces)", c)
		}
	}
	return nil
}

// firstElement decodes an object, or the first element of an array of objects, into v.
func firstElement(raw json.RawMessage, v any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return errors.New("missing")
	}
	if raw[0] == '[' {
		var arr []json.RawMessage
		if err := json.Unmarshal(raw, &arr); err != nil {
			return err
		}
		if len(arr) == 0 {
			return errors.New("empty array")
		}
		raw = arr[0]
	}
	return json.Unmarshal(raw, v)
}

// SMSMessage is MessageInfo of reference §10.3: the real receiver and sender of a forwarded
// message.
type SMSMessage struct {
	Called  string `json:"called,omitempty"`
	Calling string `json:"calling,omitempty"`
}

// SMSAction is SMSActionType of reference §10.3.
type SMSAction struct {
	Operation string      `json:"operation"`
	Message   *SMSMessage `json:"message,omitempty"`
	UserData  string      `json:"userData,omitempty"`
}

// SMSBlockReply is the body of the customer's reply to a Block SMS (reference §10.3).
type SMSBlockReply struct {
	Actions []SMSAction `json:"actions"`
}

// ParseSMSBlockReply reads and checks a reply to a Block SMS whose sender was calling, as
// reference §10.3 and D89 state, and returns its first action (the one the platform acts on):
// vNumberRoute needs message.called in global format and message.calling equal to calling;
// DiscardMessage needs nothing; userData as D24.
func ParseSMSBlockReply(body []byte, calling string) (SMSAction, error) {
	var r SMSBlockReply
	if err := json.Unmarshal(body, &r); err != nil {
		return SMSAction{}, invalidReply("not {\"actions\":[…]}: %v", err)
	}
	if len(r.Actions) == 0 {
		return SMSAction{}, invalidReply("actions is missing or empty")
	}
	a := r.Actions[0]
	if err := checkUserData(a.UserData); err != nil {
		return SMSAction{}, err
	}
	switch a.Operation {
	case SMSDiscard:
		return a, nil
	case SMSRoute:
		m := a.Message
		if m == nil || !IsGlobalNumber(m.Called) {
			return SMSAction{}, invalidReply("vNumberRoute without message.called in global format")
		}
		if m.Calling != calling {
			return SMSAction{}, invalidReply("message.calling %q differs from the request's calling %q", m.Calling, calling)
		}
		return a, nil
	case "":
		return SMSAction{}, invalidReply("actions[0].operation is missing")
	}
	return SMSAction{}, invalidReply("actions[0].operation %q: want %s or %s", a.Operation, SMSRoute, SMSDiscard)
}
