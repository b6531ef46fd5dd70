package emulator

import (
	"github.com/pns-harness/pns-harness/emulator/store"
	"github.com/pns-harness/pns-harness/pns"
)

// axeMode is the AXE entry of modes: its endpoints, its list of the admin dump and its rows
// of the fidelity document.
var axeMode = modeEntry{
	endpoints:      axeEndpoints,
	dump:           dumpAXE,
	stopCallListed: true,
	fidelity: modeFidelity{
		responses: []Fidelity{
			{"Responses", "AXE bind answers `subscriptionId`, `virtualNum`, `extendNum`, `bindNum`; AXE query is a flat object", pns.Inferred, "D64, §5.5"},
		},
		validation: []Fidelity{
			{"Validation", "AXE `extendNum`: digits, exactly the app's `extensionDigits` (4); empty on bind = allocate", pns.Inferred, "D58"},
			{"Validation", "AXE `callbackTone` + `callbackNum` together → `Invalid request. callbackNum` (bind and modify)", pns.Inferred, "D61"},
			{"Validation", "AXE `bindExpiredTime`/`callbackExpiredTime` 0-2160 (hours) or 0-129600 (minutes); modify validates `timeUnit`/`bindExpiredTime` but does not apply them", pns.Inferred, "D62"},
			{"Validation", "AXE `maxDuration`, `lastMinVoice`, `privateSms` are ignored (not validated)", pns.Inferred, "D63"},
			{"Validation", "AXE unbind/query/modify: `subscriptionId` wins; `virtualNum` + `extendNum` together; one alone names the missing one; none → `…subscriptionId`", pns.ClientSeen, "D65"},
		},
		fieldOrder: []FieldOrder{
			{pns.IfaceAXEBind, []string{"virtualNum", "areaCode", "areaMatchMode", "bindNum", "extendNum", "displayNumMode", "recordFlag", "recordHintTone", "callbackTone", "callbackNum", "timeUnit", "bindExpiredTime", "callbackExpiredTime", "userData"}},
			{pns.IfaceAXEModify, []string{"subscriptionId", "virtualNum", "extendNum", "displayNumMode", "recordFlag", "recordHintTone", "callbackTone", "callbackNum", "userData", "callbackExpiredTime", "timeUnit", "bindExpiredTime"}},
		},
	},
}

// axeEndpoints serves the AXE interfaces (reference §5); unbind and query identify a binding
// the same way, so they share a decoder.
var axeEndpoints = map[string]endpoint{
	pns.IfaceAXEBind:   jsonEndpoint(decodeAXEBind, (*Emulator).axeBind),
	pns.IfaceAXEUnbind: jsonEndpoint(decodeAXEKeyOnly, ack((*store.Store).AXEUnbind)),
	pns.IfaceAXEModify: jsonEndpoint(decodeAXEModify, ack((*store.Store).AXEModify)),
	pns.IfaceAXEQuery:  jsonEndpoint(decodeAXEKeyOnly, (*Emulator).axeQuery),
}

// axeBind creates an AXE binding (§5.2).
func (e *Emulator) axeBind(app *App, in store.AXEBindInput) (any, *pns.Error) {
	b, err := e.store.AXEBind(app.AppKey, in)
	if err != nil {
		return nil, err
	}
	if app.alt {
		// D64 alternative: only the ID, the one field a client may rely on.
		return pns.AXEBindResponse{Envelope: success(), SubscriptionID: b.SubscriptionID}, nil
	}
	return pns.AXEBindResponse{Envelope: success(), SubscriptionID: b.SubscriptionID, VirtualNum: b.VirtualNum,
		ExtendNum: b.ExtendNum, BindNum: b.BindNum}, nil
}

// axeQuery answers one AXE binding, flat (§5.5).
func (e *Emulator) axeQuery(app *App, in store.AXEKey) (any, *pns.Error) {
	b, err := e.store.AXEQuery(app.AppKey, in)
	if err != nil {
		return nil, err
	}
	return renderAXE(b), nil
}

// expiredMax returns the maximum AXE expiry value for a time unit (D62).
func expiredMax(unit string, app *App) int64 {
	return int64(store.MaxExpiry(unit, app.alt))
}

// decodeAXEBind validates an AXE bind body in the order of the §5.2 table, then the
// callbackTone/callbackNum exclusion (D61). maxDuration, lastMinVoice and privateSms are
// ignored (D63).
func decodeAXEBind(r *reader, app *App) (store.AXEBindInput, *pns.Error) {
	var q store.AXEBindInput
	q.VirtualNum = first(r.number("virtualNum", 0, 32, pns.ValidXNumber))
	q.AreaCode = first(r.areaCode("areaCode"))
	q.LooseArea = first(r.enum("areaMatchMode", "0", "1")) == "1"
	q.BindNum = r.requiredNumber("bindNum", 1, 32, pns.ValidRealNumber)
	q.ExtendNum = first(r.extendNum(app, 0))
	q.DisplayNumMode = orStrFn(r.enum("displayNumMode", displayValues(app)...))(defaultDisplay)
	q.RecordFlag = first(r.boolish("recordFlag"))
	q.RecordHintTone = r.recordHintTone(app, q.RecordFlag)
	q.CallbackTone = first(r.tone(app, "callbackTone", 1, 128))
	q.CallbackNum = first(r.number("callbackNum", 1, 32, pns.ValidRealNumber))
	q.TimeUnit = orStrFn(r.enum("timeUnit", "0", "1"))(defaultTimeUnit)
	q.BindExpiredTime = first(r.integer("bindExpiredTime", 0, expiredMax(q.TimeUnit, app)))
	q.CallbackExpiredTime = first(r.integer("callbackExpiredTime", 0, expiredMax(q.TimeUnit, app)))
	q.UserData = first(r.userData("userData"))
	if r.err == nil && q.CallbackTone != "" && q.CallbackNum != "" {
		r.fail("callbackNum")
	}
	return q, r.err
}

// decodeAXEKey validates the identification of an AXE binding (§5.3-§5.5, D65):
// subscriptionId (String(0-64), empty = absent) wins; otherwise virtualNum and extendNum
// together; one alone names the missing one; none → `Invalid request. subscriptionId`.
func decodeAXEKey(r *reader, app *App) store.AXEKey {
	var q store.AXEKey
	if s, ok := r.str("subscriptionId", 0, 64); ok || r.err != nil {
		q.SubscriptionID = s
		return q
	}
	hasV, hasE := r.has("virtualNum"), r.has("extendNum")
	switch {
	case hasV && hasE:
		q.VirtualNum = r.requiredNumber("virtualNum", 1, 32, pns.ValidXNumber)
		q.ExtendNum = first(r.extendNum(app, 1))
	case hasV:
		r.fail("extendNum")
	case hasE:
		r.fail("virtualNum")
	default:
		r.fail("subscriptionId")
	}
	return q
}

// decodeAXEKeyOnly validates AXE unbind and query parameters.
func decodeAXEKeyOnly(r *reader, app *App) (store.AXEKey, *pns.Error) {
	q := decodeAXEKey(r, app)
	return q, r.err
}

// decodeAXEModify validates an AXE modify body in the order of the §5.4 table. timeUnit and
// bindExpiredTime are validated but not applied (D62); callbackExpiredTime is checked against
// the larger (minutes) bound unless timeUnit "0" is sent with it, the store knows the
// binding's unit.
func decodeAXEModify(r *reader, app *App) (store.AXEModifyInput, *pns.Error) {
	q := store.AXEModifyInput{AXEKey: decodeAXEKey(r, app)}
	q.DisplayNumMode = first(r.enum("displayNumMode", displayValues(app)...))
	q.RecordFlag = optBool(r.boolish("recordFlag"))
	q.RecordHintTone = first(r.tone(app, "recordHintTone", 1, 128))
	q.CallbackTone = first(r.tone(app, "callbackTone", 1, 128))
	q.CallbackNum = first(r.number("callbackNum", 1, 32, pns.ValidRealNumber))
	q.UserData = first(r.userData("userData"))
	q.CallbackExpiredTime = optInt(r.integer("callbackExpiredTime", 0, expiredMax(store.TimeUnitMinutes, app)))
	unit, unitOK := r.enum("timeUnit", "0", "1")
	if !unitOK {
		unit = store.TimeUnitMinutes
	}
	if r.err == nil && q.CallbackExpiredTime != nil && int64(*q.CallbackExpiredTime) > expiredMax(unit, app) {
		r.fail("callbackExpiredTime")
	}
	r.integer("bindExpiredTime", 0, expiredMax(unit, app))
	if r.err == nil && q.CallbackTone != "" && q.CallbackNum != "" {
		r.fail("callbackNum")
	}
	return q, r.err
}

// renderAXE renders the flat AXE query answer (§5.5).
func renderAXE(b store.AXEBinding) pns.AXEQueryResponse {
	return pns.AXEQueryResponse{
		Envelope: success(), SubscriptionID: b.SubscriptionID, VirtualNum: b.VirtualNum, ExtendNum: b.ExtendNum,
		BindNum: b.BindNum, DisplayNumMode: orStr(b.DisplayNumMode, b.DisplayNumMode != "", defaultDisplay),
		RecordFlag: boolString(b.RecordFlag), RecordHintTone: b.RecordHintTone, CallbackTone: b.CallbackTone,
		CallbackNum: b.CallbackNum, TimeUnit: orStr(b.TimeUnit, b.TimeUnit != "", defaultTimeUnit),
		BindExpiredTime: b.BindExpiredTime, CallbackExpiredTime: b.CallbackExpiredTime, UserData: b.UserData,
	}
}

// DumpAXE is an AXE binding in a dump.
type DumpAXE struct {
	App string `json:"app"`
	pns.AXEQueryResponse
	SubscribeTime string `json:"subscribeTime"`
	ExpiresAt     string `json:"expiresAt,omitempty"`
}

// dumpAXE renders the AXE bindings of a dump (an empty list, not null, when there are none).
func dumpAXE(d store.Dump, out *BindingsDump) {
	out.AXE = make([]DumpAXE, 0, len(d.AXE))
	for _, b := range d.AXE {
		q := renderAXE(b)
		q.Envelope = pns.Envelope{}
		out.AXE = append(out.AXE, DumpAXE{App: b.App, AXEQueryResponse: q, SubscribeTime: pns.FormatUTC(b.SubscribeTime),
			ExpiresAt: fmtOptTime(b.ExpiresAt)})
	}
}
