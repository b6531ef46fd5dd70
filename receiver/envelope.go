// Split from receiver.go (issue 23): the receiver's view of a push body and the kind it is
// of. The notification wire types are pns's (pns/notifications_wire.go); these structs are
// a decode-only view of the few fields the accounting reads, kept apart for speed: every
// push is decoded into them (decode.go, scan.go) without the dozens of fields it skips.

package receiver

import (
	"encoding/json"

	"github.com/pns-harness/pns-harness/pns"
)

// envelope holds the fields of every notification shape that the accounting needs; other
// fields are skipped by the decoder (decodeEnvelope).
type envelope struct {
	EventType  string            `json:"eventType"`
	StatusInfo *statusInfo       `json:"statusInfo"`
	FeeLst     []feeItem         `json:"feeLst"`
	NumInfo    []json.RawMessage `json:"numInfo"`
	AppKey     string            `json:"appKey"`
	SMS        *smsEvent         `json:"smsEvent"`
}

// statusInfo is the part of a call event's statusInfo the accounting reads.
type statusInfo struct {
	Timestamp      string `json:"timestamp"`
	SessionID      string `json:"sessionId"`
	SubscriptionID string `json:"subscriptionId"`
	// StateCode stays raw: a stateCode of the wrong type is a schema violation, and must
	// not make the whole body unreadable.
	StateCode json.RawMessage `json:"stateCode"`
	// Caller, Called and NotifyMode select the reply to an X-mode Block callin.
	Caller     string `json:"caller"`
	Called     string `json:"called"`
	NotifyMode string `json:"notifyMode"`
}

// feeItem is the part of a fee record the accounting reads.
type feeItem struct {
	Icid           string `json:"icid"`
	SessionID      string `json:"sessionId"`
	SubscriptionID string `json:"subscriptionId"`
	CallEndTime    string `json:"callEndTime"`
	FwdAnswerTime  string `json:"fwdAnswerTime"`
}

// smsEvent is the part of an SMS notification's smsEvent the accounting reads.
type smsEvent struct {
	SMSIdentifier    string `json:"smsIdentifier"`
	NotificationMode string `json:"notificationMode"`
	Calling          string `json:"calling"`
	VirtualNumber    string `json:"virtualNumber"`
	TimeStamp        string `json:"timeStamp"`
	SubscriptionID   string `json:"subscriptionId"`
}

// blockCallin reports whether the body is an X-mode callin in Block mode, whose reply steers
// the call (§6.7).
func (e *envelope) blockCallin() bool {
	return e.EventType == "callin" && e.StatusInfo != nil && e.StatusInfo.NotifyMode == pns.NotifyModeBlock
}

// records is the number of records of a body of kind n: the length of a batched kind's list,
// else 1.
func (e *envelope) records(n pns.Notification) int {
	switch n.List {
	case "":
		return 1
	case "feeLst":
		return len(e.FeeLst)
	case "numInfo":
		return len(e.NumInfo)
	}
	return 0
}

// kind detects the notification kind from the body shape.
func (e *envelope) kind() string {
	switch {
	case e.EventType == pns.EventTypeFee || e.FeeLst != nil:
		return pns.NotifyFee
	case e.EventType == pns.EventTypeNumStatus || e.NumInfo != nil:
		return pns.NotifyNumStatus
	case e.SMS != nil:
		if e.SMS.NotificationMode == pns.NotifyModeBlock {
			return pns.NotifySMSBlock
		}
		return pns.NotifySMSNotify
	case e.StatusInfo != nil:
		return pns.NotifyEvent
	}
	if _, ok := eventRank[e.EventType]; ok {
		return pns.NotifyEvent
	}
	return KindUnknown
}
