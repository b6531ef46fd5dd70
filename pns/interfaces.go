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
// URI, and whether parameters travel in the query string. The row also holds what the rest of
// the harness would otherwise list per interface (its operation, the reference section of its
// request table, the result codes only it answers), so that a new interface of an existing
// mode is one row here and no line in the code table, the client or the conformance lists.
type Interface struct {
	ID     string
	Mode   Mode
	Method string
	Path   string
	// Query is true when parameters are in the URL query string (GET, DELETE).
	Query bool
	// Name is Huawei's operation name where it has one.
	Name string
	// Op is the operation within the mode ("bind", "unbind", "modify", "query", "callee"),
	// "" for the interfaces every mode shares; InterfaceFor finds a mode's interface by it.
	Op string
	// Section is the reference section of the interface's request table ("3.2"), where the
	// field rules the conformance catalogue checks are stated.
	Section string
	// Codes are the result codes the interface answers besides those every interface (or
	// every provisioning interface) answers: CodeInfo.Interfaces is derived from them.
	Codes []Code
	// List names the field of a successful answer that lists bindings (§3.5, §4.5, §6.4: the
	// AXYB query's list holds the relation's AX and YB entries), "" when the answer has no
	// such list (the AXE query answers one flat binding).
	List string
}

// noRecordCodes is the Codes of the interfaces whose only own refusal is 1012007.
var noRecordCodes = []Code{CodeRecordNotExist}

// Interfaces lists every interface of the first scope and AXYB in a stable order: reports,
// generated docs and per-interface loops follow it.
var Interfaces = []Interface{
	{ID: IfaceAXBBind, Mode: ModeAXB, Method: http.MethodPost, Path: PathAXB, Name: "CreateAXBBinding", Op: "bind", Section: "3.2",
		Codes: []Code{CodeNumberNotApplied, CodeNoResource, CodeRelationBound, CodeRecordingNotOpen}},
	{ID: IfaceAXBUnbind, Mode: ModeAXB, Method: http.MethodDelete, Path: PathAXB, Query: true, Name: "DeleteAXBBinding", Op: "unbind", Section: "3.3",
		Codes: []Code{CodeNumberNotApplied, CodeRecordNotExist}},
	{ID: IfaceAXBModify, Mode: ModeAXB, Method: http.MethodPut, Path: PathAXB, Name: "ModifyAXBBinding", Op: "modify", Section: "3.4",
		Codes: []Code{CodeRecordNotExist, CodeRelationBound, CodeRecordingNotOpen}},
	{ID: IfaceAXBQuery, Mode: ModeAXB, Method: http.MethodGet, Path: PathAXB, Query: true, Name: "QueryAXBBinding", Op: "query", Section: "3.5",
		Codes: noRecordCodes, List: "relationNumList"},
	{ID: IfaceAXBind, Mode: ModeAX, Method: http.MethodPost, Path: PathAX, Name: "CreateAXBinding", Op: "bind", Section: "4.2",
		Codes: []Code{CodeAXNoResource, CodeAXLimitReached, CodeAXNumberNotApplied, CodeAXAllocated, CodeRecordingNotOpen, CodeAXRecordExists}},
	{ID: IfaceAXUnbind, Mode: ModeAX, Method: http.MethodDelete, Path: PathAX, Query: true, Name: "DeleteAXBinding", Op: "unbind", Section: "4.3",
		Codes: []Code{CodeAXNumberNotApplied, CodeAXRecordNotExist}},
	{ID: IfaceAXModify, Mode: ModeAX, Method: http.MethodPut, Path: PathAX, Name: "ModifyAXBinding", Op: "modify", Section: "4.4",
		Codes: []Code{CodeAXLimitReached, CodeAXNumberNotApplied, CodeRecordingNotOpen, CodeAXRecordNotExist}},
	{ID: IfaceAXQuery, Mode: ModeAX, Method: http.MethodGet, Path: PathAX, Query: true, Name: "QueryAXBinding", Op: "query", Section: "4.5",
		Codes: []Code{CodeAXRecordNotExist}, List: "privateNumList"},
	{ID: IfaceAXCallee, Mode: ModeAX, Method: http.MethodPut, Path: PathAXCallee, Name: "SetAXTemporaryCallee", Op: "callee", Section: "4.6",
		Codes: []Code{CodeAXNumberNotApplied, CodeAXRecordNotExist}},
	{ID: IfaceAXEBind, Mode: ModeAXE, Method: http.MethodPost, Path: PathAXE, Name: "CreateAXEBinding", Op: "bind", Section: "5.2",
		Codes: []Code{CodeNumberNotApplied, CodeNoResource, CodeRelationBound, CodeRecordingNotOpen, CodeNoIdleExtension}},
	{ID: IfaceAXEUnbind, Mode: ModeAXE, Method: http.MethodDelete, Path: PathAXE, Query: true, Name: "DeleteAXEBinding", Op: "unbind", Section: "5.3",
		Codes: []Code{CodeNumberNotApplied, CodeRecordNotExist}},
	{ID: IfaceAXEModify, Mode: ModeAXE, Method: http.MethodPut, Path: PathAXE, Name: "ModifyAXEBinding", Op: "modify", Section: "5.4",
		Codes: []Code{CodeNumberNotApplied, CodeRecordNotExist, CodeRecordingNotOpen}},
	{ID: IfaceAXEQuery, Mode: ModeAXE, Method: http.MethodGet, Path: PathAXE, Query: true, Name: "QueryAXEBinding", Op: "query", Section: "5.5",
		Codes: noRecordCodes},
	{ID: IfaceAXYBBind, Mode: ModeAXYB, Method: http.MethodPost, Path: PathAXYB, Name: "CreateAXYBBinding", Op: "bind", Section: "6.2",
		Codes: []Code{CodeAXLimitReached, CodeRecordNotExist, CodeNoResource, CodeRelationBound, CodeRecordingNotOpen}},
	{ID: IfaceAXYBUnbind, Mode: ModeAXYB, Method: http.MethodDelete, Path: PathAXYB, Query: true, Name: "DeleteAXYBBinding", Op: "unbind", Section: "6.3",
		Codes: noRecordCodes},
	{ID: IfaceAXYBQuery, Mode: ModeAXYB, Method: http.MethodGet, Path: PathAXYB, Query: true, Name: "QueryAXYBBinding", Op: "query", Section: "6.4",
		Codes: noRecordCodes, List: "xyRelationNumList"},
	{ID: IfaceRecordDownload, Method: http.MethodGet, Path: PathRecordDownload, Query: true, Name: "GetRecordingDownloadUrl", Section: "11.1",
		Codes: noRecordCodes},
	// The stop call has no mode: apps of every mode may call it (D79).
	{ID: IfaceStopCall, Method: http.MethodPost, Path: PathStopCall, Section: "11.2", Codes: noRecordCodes},
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
