package pns

import "net/http"

// Mode is an app's binding mode; one app serves exactly one mode (reference §1.1).
type Mode string

// Modes of the first scope and AXYB.
const (
	ModeAXB Mode = "AXB"
	ModeAX  Mode = "AX"
	ModeAXE Mode = "AXE"
	// ModeAXYB keeps an AX relation and YB relations per pair of users (reference §6.1).
	ModeAXYB Mode = "AXYB"
)

// SMSEventText is the `smsEvent.event` the emulator sends (D90). Huawei's examples carry it
// and "Text SMS " (with a trailing space); the list is not published, so nothing may branch on
// the value a platform sends (reference §10.2).
const SMSEventText = "TextSMS"

// Interface IDs used across the harness (schemas, features, reports, load scenarios).
const (
	IfaceAXBBind        = "axb.bind"
	IfaceAXBUnbind      = "axb.unbind"
	IfaceAXBModify      = "axb.modify"
	IfaceAXBQuery       = "axb.query"
	IfaceAXBind         = "ax.bind"
	IfaceAXUnbind       = "ax.unbind"
	IfaceAXModify       = "ax.modify"
	IfaceAXQuery        = "ax.query"
	IfaceAXCallee       = "ax.callee"
	IfaceAXEBind        = "axe.bind"
	IfaceAXEUnbind      = "axe.unbind"
	IfaceAXEModify      = "axe.modify"
	IfaceAXEQuery       = "axe.query"
	IfaceAXYBBind       = "axyb.bind"
	IfaceAXYBUnbind     = "axyb.unbind"
	IfaceAXYBQuery      = "axyb.query"
	IfaceRecordDownload = "record.download"
	IfaceStopCall       = "call.stop"
)

// URIs of reference §1.2.
const (
	PathAXB            = "/rest/caas/relationnumber/partners/v1.0"
	PathAX             = "/rest/provision/caas/privatenumber/v1.0"
	PathAXCallee       = "/rest/caas/privatenumber/calleenumber/v1.0"
	PathAXE            = "/rest/caas/extendnumber/v1.0"
	PathAXYB           = "/rest/omp/xyrelationnumber/v1.0"
	PathRecordDownload = "/rest/provision/voice/record/v1.0"
	PathStopCall       = "/rest/httpsessions/callStop/v2.0"
)

// StopCallSignal is the only `signal` value of the stop call (reference §11.2): it releases
// both the caller and the callee.
const StopCallSignal = "call_stop"

// Interface describes one provisioning API: its ID, the mode whose apps may call it (empty for
// the interfaces every mode shares: the recording download and the stop call), its method and
// URI, and whether parameters travel in the query string.
type Interface struct {
	ID     string
	Mode   Mode
	Method string
	Path   string
	// Query is true when parameters are in the URL query string (GET, DELETE).
	Query bool
	// Name is Huawei's operation name where it has one.
	Name string
}

// Interfaces lists every interface of the first scope in a stable order.
var Interfaces = []Interface{
	{IfaceAXBBind, ModeAXB, http.MethodPost, PathAXB, false, "CreateAXBBinding"},
	{IfaceAXBUnbind, ModeAXB, http.MethodDelete, PathAXB, true, "DeleteAXBBinding"},
	{IfaceAXBModify, ModeAXB, http.MethodPut, PathAXB, false, "ModifyAXBBinding"},
	{IfaceAXBQuery, ModeAXB, http.MethodGet, PathAXB, true, "QueryAXBBinding"},
	{IfaceAXBind, ModeAX, http.MethodPost, PathAX, false, "CreateAXBinding"},
	{IfaceAXUnbind, ModeAX, http.MethodDelete, PathAX, true, "DeleteAXBinding"},
	{IfaceAXModify, ModeAX, http.MethodPut, PathAX, false, "ModifyAXBinding"},
	{IfaceAXQuery, ModeAX, http.MethodGet, PathAX, true, "QueryAXBinding"},
	{IfaceAXCallee, ModeAX, http.MethodPut, PathAXCallee, false, "SetAXTemporaryCallee"},
	{IfaceAXEBind, ModeAXE, http.MethodPost, PathAXE, false, "CreateAXEBinding"},
	{IfaceAXEUnbind, ModeAXE, http.MethodDelete, PathAXE, true, "DeleteAXEBinding"},
	{IfaceAXEModify, ModeAXE, http.MethodPut, PathAXE, false, "ModifyAXEBinding"},
	{IfaceAXEQuery, ModeAXE, http.MethodGet, PathAXE, true, "QueryAXEBinding"},
	{IfaceAXYBBind, ModeAXYB, http.MethodPost, PathAXYB, false, "CreateAXYBBinding"},
	{IfaceAXYBUnbind, ModeAXYB, http.MethodDelete, PathAXYB, true, "DeleteAXYBBinding"},
	{IfaceAXYBQuery, ModeAXYB, http.MethodGet, PathAXYB, true, "QueryAXYBBinding"},
	{IfaceRecordDownload, "", http.MethodGet, PathRecordDownload, true, "GetRecordingDownloadUrl"},
	// The stop call has no mode: apps of every mode may call it (D79).
	{IfaceStopCall, "", http.MethodPost, PathStopCall, false, ""},
}

// InterfaceByID returns the interface with an ID.
func InterfaceByID(id string) (Interface, bool) {
	for _, i := range Interfaces {
		if i.ID == id {
			return i, true
		}
	}
	return Interface{}, false
}

// Route finds the interface for a method and path. known reports whether the path is a known
// URI at all, so that callers can tell 404 (unknown URI) from 405 (wrong method), reference D26.
func Route(method, path string) (iface Interface, ok, known bool) {
	for _, i := range Interfaces {
		if i.Path != path {
			continue
		}
		known = true
		if i.Method == method {
			return i, true, true
		}
	}
	return Interface{}, false, known
}
