package pns

// The notification (callback) vocabulary, said once (issue 23 item 1): the kinds the
// platform pushes, the call event types in their sequence order, the body's eventType words,
// the notification URL keys, batching and its caps, the schema interface IDs and the report's
// order. The emulator's dispatcher, the receiver, the profile, the load's thresholds, the
// report and the conformance suite read this table instead of keeping lists of their own, so
// a new kind is one row here (plus its wire type, schema, emission and decoding).

// Notification kinds (reference §7-§10). A kind is what the receiver recognises from a body's
// shape and what the dispatcher queues; its JSON Schema is Notification.Interface.
const (
	// NotifyEvent is a call event (§7): {"eventType":…,"statusInfo":{…}}, one per message.
	NotifyEvent = "event"
	// NotifyFee is fee records (§8), batched: {"eventType":"fee","feeLst":[…]}.
	NotifyFee = "fee"
	// NotifyNumStatus is X-number status changes (§9), batched:
	// {"eventType":"numStatus","numInfo":[…]}.
	NotifyNumStatus = "numstatus"
	// NotifySMSNotify is an SMS Notify message (§10), one per message, retried like events.
	NotifySMSNotify = "sms.notify"
	// NotifySMSBlock is an SMS Block request (§10): synchronous, answered with an
	// instruction, never re-pushed.
	NotifySMSBlock = "sms.block"
)

// Call event types of reference §7.2, in the order of a call's life (§7.4).
const (
	EventCallin      = "callin"
	EventCollectInfo = "collectInfo"
	EventCallout     = "callout"
	EventAlerting    = "alerting"
	EventAnswer      = "answer"
	EventDisconnect  = "disconnect"
)

// The eventType words of the batched kinds' envelopes (§8.2, §9).
const (
	EventTypeFee       = "fee"
	EventTypeNumStatus = "numStatus"
)

// CallEventTypes are the call event types in §7.4 order: an event arriving after one of a
// later type arrived out of order (CallEventRanks).
var CallEventTypes = []string{EventCallin, EventCollectInfo, EventCallout, EventAlerting, EventAnswer, EventDisconnect}

// Notification is one row of Notifications: what the harness knows of a kind.
type Notification struct {
	// Kind is the kind's name (Notify… constants).
	Kind string
	// EventType is the body's eventType word of a batched kind ("fee", "numStatus"); empty
	// for call events (their eventType is one of CallEventTypes) and for SMS (no eventType).
	EventType string
	// Types are the kind's rows in the report, in callback thresholds and in the per-type
	// counts: the call event types for events, else one name (EventType, or the kind for
	// SMS).
	Types []string
	// URLKey is the app's notification URL key in the platform's configuration (emulator
	// YAML, D77) that this kind is pushed to.
	URLKey string
	// List is the JSON key of a batched kind's records in its envelope ("feeLst",
	// "numInfo"); empty for a kind pushed one per message.
	List string
	// BatchCap is the most records one message of a batched kind carries (D70, D73).
	BatchCap int
	// Block is true for a synchronous request answered with an instruction, which the
	// platform never queues nor re-pushes.
	Block bool
	// Interface is the interface ID of the body's JSON Schema (package schemas).
	Interface string
}

// Batched tells whether the kind's records are gathered into messages of up to BatchCap.
func (n Notification) Batched() bool { return n.List != "" }

// Notifications lists every kind in a stable order: the report's, the dispatcher's
// statistics' and the order kinds are listed to users in.
var Notifications = []Notification{
	{Kind: NotifyEvent, Types: CallEventTypes, URLKey: "callStatusUrl", Interface: "callback." + NotifyEvent},
	{Kind: NotifyFee, EventType: EventTypeFee, Types: []string{EventTypeFee}, URLKey: "feeUrl", List: "feeLst", BatchCap: 50,
		Interface: "callback." + NotifyFee},
	{Kind: NotifyNumStatus, EventType: EventTypeNumStatus, Types: []string{EventTypeNumStatus}, URLKey: "xStatusUrl", List: "numInfo",
		BatchCap: 100, Interface: "callback." + NotifyNumStatus},
	{Kind: NotifySMSNotify, Types: []string{NotifySMSNotify}, URLKey: "smsNotifyUrl", Interface: "callback." + NotifySMSNotify},
	{Kind: NotifySMSBlock, Types: []string{NotifySMSBlock}, URLKey: "smsControlUrl", Block: true,
		Interface: "callback." + NotifySMSBlock},
}

// NotificationKinds returns the kinds of Notifications, in its order.
func NotificationKinds() []string {
	out := make([]string, len(Notifications))
	for i, n := range Notifications {
		out[i] = n.Kind
	}
	return out
}

// NotificationOf returns the row of a kind; ok is false for a kind not in Notifications.
func NotificationOf(kind string) (n Notification, ok bool) {
	for _, n := range Notifications {
		if n.Kind == kind {
			return n, true
		}
	}
	return Notification{}, false
}

// NotificationTypes returns every kind's Types in report order: the call events in §7.4
// order, then fee records, X-number status and SMS.
func NotificationTypes() []string {
	var out []string
	for _, n := range Notifications {
		out = append(out, n.Types...)
	}
	return out
}

// CallEventRanks returns a new map of each of CallEventTypes to its place in that list: an
// event type the contract does not list is absent.
func CallEventRanks() map[string]int {
	m := make(map[string]int, len(CallEventTypes))
	for i, t := range CallEventTypes {
		m[t] = i
	}
	return m
}

// NotificationTypeRanks returns a new map of each of NotificationTypes to its place in that
// list (the report's order of rows).
func NotificationTypeRanks() map[string]int {
	types := NotificationTypes()
	m := make(map[string]int, len(types))
	for i, t := range types {
		m[t] = i
	}
	return m
}
