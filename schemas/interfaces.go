package schemas

import (
	"fmt"
	"sort"
)

// Direction selects the request or the response side of an interface.
type Direction int

const (
	// Request is what the client sends: a provisioning request (JSON body or query-parameter
	// object) or, for callbacks, the notification the platform POSTs to the customer.
	Request Direction = iota
	// Response is what the server answers: a provisioning response body or, for callbacks,
	// the customer's answer (only the SMS Block answer has a body schema).
	Response
)

// String returns "request" or "response".
func (d Direction) String() string {
	switch d {
	case Request:
		return "request"
	case Response:
		return "response"
	}
	return fmt.Sprintf("Direction(%d)", int(d))
}

// Interface IDs used across the harness (reports, scenarios, load profiles).
const (
	AXBBind                = "axb.bind"
	AXBUnbind              = "axb.unbind"
	AXBModify              = "axb.modify"
	AXBQuery               = "axb.query"
	AXBind                 = "ax.bind"
	AXUnbind               = "ax.unbind"
	AXModify               = "ax.modify"
	AXQuery                = "ax.query"
	AXCallee               = "ax.callee"
	AXEBind                = "axe.bind"
	AXEUnbind              = "axe.unbind"
	AXEModify              = "axe.modify"
	AXEQuery               = "axe.query"
	AXYBBind               = "axyb.bind"
	AXYBUnbind             = "axyb.unbind"
	AXYBQuery              = "axyb.query"
	RecordDownload         = "record.download"
	CallStop               = "call.stop"
	CallbackEvent          = "callback.event"
	CallbackFee            = "callback.fee"
	CallbackNumStatus      = "callback.numstatus"
	CallbackSMSNotify      = "callback.sms.notify"
	CallbackSMSBlock       = "callback.sms.block"
	CallbackSMSBlockAnswer = "callback.sms.block.answer"
	// CallbackCallinAnswer is the customer's reply to the Block callin of an X-mode call
	// (§6.7); the callin itself is a CallbackEvent.
	CallbackCallinAnswer = "callback.callin.answer"
)

// ErrorSchema is the schema of the common error envelope (§1.5). Every provisioning response
// schema also accepts error bodies; this one additionally insists on resultcode ≠ "0".
const ErrorSchema = "error.response"

// interfaceSchemas is the name table: interface ID → schema name per direction. An empty name
// means the direction has no JSON body (callback answers are an empty HTTP 200, except the
// SMS Block answer). Query-string requests (unbind, query, recording download) map to the
// schema of their decoded parameter object.
var interfaceSchemas = map[string][2]string{
	AXBBind:                {"axb-bind.request", "axb-bind.response"},
	AXBUnbind:              {"axb-unbind.request", "axb-unbind.response"},
	AXBModify:              {"axb-modify.request", "axb-modify.response"},
	AXBQuery:               {"axb-query.request", "axb-query.response"},
	AXBind:                 {"ax-bind.request", "ax-bind.response"},
	AXUnbind:               {"ax-unbind.request", "ax-unbind.response"},
	AXModify:               {"ax-modify.request", "ax-modify.response"},
	AXQuery:                {"ax-query.request", "ax-query.response"},
	AXCallee:               {"ax-callee.request", "ax-callee.response"},
	AXEBind:                {"axe-bind.request", "axe-bind.response"},
	AXEUnbind:              {"axe-unbind.request", "axe-unbind.response"},
	AXEModify:              {"axe-modify.request", "axe-modify.response"},
	AXEQuery:               {"axe-query.request", "axe-query.response"},
	AXYBBind:               {"axyb-bind.request", "axyb-bind.response"},
	AXYBUnbind:             {"axyb-unbind.request", "axyb-unbind.response"},
	AXYBQuery:              {"axyb-query.request", "axyb-query.response"},
	RecordDownload:         {"record-download.request", "record-download.response"},
	CallStop:               {"call-stop.request", "call-stop.response"},
	CallbackEvent:          {"callback-event.request", ""},
	CallbackFee:            {"callback-fee.request", ""},
	CallbackNumStatus:      {"callback-numstatus.request", ""},
	CallbackSMSNotify:      {"callback-sms-notify.request", ""},
	CallbackSMSBlock:       {"callback-sms-block.request", "callback-sms-block.response"},
	CallbackSMSBlockAnswer: {"", "callback-sms-block.response"},
	CallbackCallinAnswer:   {"", "callback-callin.response"},
}

// SchemaFor returns the schema name for an interface ID and direction, e.g.
// SchemaFor("axb.bind", Response) = "axb-bind.response". The customer's answer to an SMS Block
// notification is reachable both as ("callback.sms.block", Response) and as
// ("callback.sms.block.answer", Response). It returns an error for an unknown ID or for a
// direction without a JSON body (e.g. the empty answer to a call-event notification).
func SchemaFor(iface string, dir Direction) (string, error) {
	pair, ok := interfaceSchemas[iface]
	if !ok {
		return "", fmt.Errorf("schemas: unknown interface %q", iface)
	}
	if dir != Request && dir != Response {
		return "", fmt.Errorf("schemas: invalid direction %d", int(dir))
	}
	if pair[dir] == "" {
		return "", fmt.Errorf("schemas: interface %q has no %s body schema", iface, dir)
	}
	return pair[dir], nil
}

// Interfaces returns every interface ID known to SchemaFor, sorted.
func Interfaces() []string {
	ids := make([]string, 0, len(interfaceSchemas))
	for id := range interfaceSchemas {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
