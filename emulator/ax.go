package emulator

import (
	"github.com/pns-harness/pns-harness/emulator/store"
	"github.com/pns-harness/pns-harness/pns"
)

// axMode is the AX entry of modes: its endpoints, its list of the admin dump and its rows
// of the fidelity document.
var axMode = modeEntry{
	endpoints: axEndpoints,
	dump:      dumpAX,
	fidelity: modeFidelity{
		responses: []Fidelity{
			{"Responses", "AX query answers `privateNumList` with `privateNumType` `mobile-virtual`, `recordHintTone` only when `recordFlag` is true and `callDirection` only when it was set", pns.Verified, "§4.5"},
		},
		validation: []Fidelity{
			{"Validation", "AX unbind: `subscriptionId` wins; `privateNum` alone or with `origNum`; `origNum` alone → `…privateNum`; none → `…subscriptionId`. AX query precedence `subscriptionId` > `origNum` > `privateNum`", pns.Verified, "D54, D78"},
			{"Validation", "AX modify / set temporary callee: `subscriptionId` wins, else `privateNum` is required; the callee's `origNum` is never parsed; callee `duration` 1-259200", pns.Verified, "§4.4, §4.6, D56"},
			{"Validation", "AX `privateNumType` optional; any value other than `mobile-virtual` → 1010002", pns.Inferred, "D52"},
		},
		fieldOrder: []FieldOrder{
			{pns.IfaceAXBind, []string{"origNum", "privateNum", "privateNumType", "areaCode", "areaMatchMode", "recordFlag", "recordHintTone", "calleeNumDisplay", "privateSms", "preVoice", "maxDuration", "lastMinVoice", "userData", "turnFlag", "callDirection"}},
			{pns.IfaceAXModify, []string{"subscriptionId", "privateNum", "origNum", "privateSms", "recordFlag", "recordHintTone", "maxDuration", "lastMinVoice", "userData", "callDirection", "turnFlag", "calleeNumDisplay", "preVoice"}},
			{pns.IfaceAXCallee, []string{"subscriptionId", "privateNum", "calleeNum", "duration", "userData"}},
		},
	},
}

// axEndpoints serves the AX interfaces (reference §4), the temporary callee included.
var axEndpoints = map[string]endpoint{
	pns.IfaceAXBind:   jsonEndpoint(decodeAXBind, (*Emulator).axBind),
	pns.IfaceAXUnbind: jsonEndpoint(anyApp(decodeAXUnbind), ack((*store.Store).AXUnbind)),
	pns.IfaceAXModify: jsonEndpoint(decodeAXModify, ack((*store.Store).AXModify)),
	pns.IfaceAXQuery:  jsonEndpoint(anyApp(decodeAXQuery), (*Emulator).axQuery),
	pns.IfaceAXCallee: jsonEndpoint(anyApp(decodeAXCallee), (*Emulator).axCallee),
}

// axBind creates an AX binding (§4.2).
func (e *Emulator) axBind(app *App, in store.AXBindInput) (any, *pns.Error) {
	b, err := e.store.AXBind(app.AppKey, in)
	if err != nil {
		return nil, err
	}
	return pns.AXBindResponse{Envelope: success(), OrigNum: b.OrigNum, PrivateNum: b.PrivateNum, SubscriptionID: b.SubscriptionID}, nil
}

// axQuery answers the matching AX bindings (§4.5); the list is [] rather than null when
// nothing matches.
func (e *Emulator) axQuery(app *App, in store.AXQueryInput) (any, *pns.Error) {
	list, err := e.store.AXQuery(app.AppKey, in)
	if err != nil {
		return nil, err
	}
	out := pns.AXQueryResponse{Envelope: success(), PrivateNumList: make([]pns.AXBinding, 0, len(list))}
	for _, b := range list {
		out.PrivateNumList = append(out.PrivateNumList, renderAX(b))
	}
	return out, nil
}

// axCallee sets the temporary callee of an AX binding (§4.6).
func (e *Emulator) axCallee(app *App, in store.AXCalleeInput) (any, *pns.Error) {
	if app.alt && !pns.ValidRealNumber(in.CalleeNum) {
		return nil, pns.InvalidRequest("calleeNum") // D56 alternative: no 400/95 temporary callee
	}
	return ack((*store.Store).AXSetTempCallee)(e, app, in)
}

// decodeAXBind validates an AX bind body in the order of the §4.2 table.
func decodeAXBind(r *reader, app *App) (store.AXBindInput, *pns.Error) {
	var q store.AXBindInput
	q.OrigNum = r.requiredNumber("origNum", 1, 32, pns.ValidRealNumber)
	q.PrivateNum = first(r.number("privateNum", 1, 32, pns.ValidXNumber))
	r.enum("privateNumType", privateNumTypeValue)
	q.AreaCode = first(r.areaCode("areaCode"))
	q.LooseArea = first(r.enum("areaMatchMode", "0", "1")) == "1"
	q.RecordFlag = first(r.boolish("recordFlag"))
	q.RecordHintTone = r.recordHintTone(app, q.RecordFlag)
	q.CalleeNumDisplay = orStrFn(r.enum("calleeNumDisplay", displayValues(app)...))(defaultDisplay)
	q.PrivateSMS = optBool(r.boolish("privateSms"))
	q.PreVoice = toPreVoice(r.preVoice(app))
	q.MaxDuration = first(r.integer("maxDuration", 0, maxMaxDuration))
	q.LastMinVoice = first(r.tone(app, "lastMinVoice", 0, 128))
	q.UserData = first(r.userData("userData"))
	q.TurnFlag = orStrFn(r.enum("turnFlag", "on", "off"))(defaultTurnFlag)
	q.CallDirection = optInt(r.integer("callDirection", 0, 2))
	return q, r.err
}

// decodeAXUnbind validates AX unbind parameters (§4.3, D54): subscriptionId wins; else
// privateNum (with an optional origNum); origNum alone names privateNum; none names
// subscriptionId.
func decodeAXUnbind(r *reader) (store.AXUnbindInput, *pns.Error) {
	var q store.AXUnbindInput
	switch {
	case r.has("subscriptionId"):
		q.SubscriptionID = r.required("subscriptionId", 1, 64)
	case r.has("privateNum"):
		q.OrigNum = first(r.number("origNum", 1, 32, pns.ValidRealNumber))
		q.PrivateNum = r.requiredNumber("privateNum", 1, 32, pns.ValidXNumber)
	case r.has("origNum"):
		r.fail("privateNum")
	default:
		r.fail("subscriptionId")
	}
	return q, r.err
}

// decodeAXModify validates an AX modify body in the order of the §4.4 table: subscriptionId
// (String(0-64), empty = absent) wins, else privateNum is required.
func decodeAXModify(r *reader, app *App) (store.AXModifyInput, *pns.Error) {
	var q store.AXModifyInput
	var ok bool
	if q.SubscriptionID, ok = r.str("subscriptionId", 0, 64); !ok && r.err == nil {
		q.PrivateNum = r.requiredNumber("privateNum", 1, 32, pns.ValidXNumber)
	}
	q.OrigNum = first(r.number("origNum", 1, 32, pns.ValidRealNumber))
	q.PrivateSMS = optBool(r.boolish("privateSms"))
	q.RecordFlag = optBool(r.boolish("recordFlag"))
	q.RecordHintTone = first(r.tone(app, "recordHintTone", 1, 128))
	q.MaxDuration = optInt(r.integer("maxDuration", 0, maxMaxDuration))
	q.LastMinVoice = first(r.tone(app, "lastMinVoice", 0, 128))
	q.UserData = first(r.userData("userData"))
	q.CallDirection = optInt(r.integer("callDirection", 0, 2))
	q.TurnFlag = first(r.enum("turnFlag", "on", "off"))
	q.CalleeNumDisplay = first(r.enum("calleeNumDisplay", displayValues(app)...))
	q.PreVoice = toPreVoice(r.preVoice(app))
	return q, r.err
}

// decodeAXQuery validates AX query parameters (§4.5, D78): subscriptionId > origNum >
// privateNum; none → `Invalid request. subscriptionId`.
func decodeAXQuery(r *reader) (store.AXQueryInput, *pns.Error) {
	var q store.AXQueryInput
	switch {
	case r.has("subscriptionId"):
		q.SubscriptionID = r.required("subscriptionId", 1, 64)
	case r.has("origNum"):
		q.OrigNum = r.requiredNumber("origNum", 1, 32, pns.ValidRealNumber)
	case r.has("privateNum"):
		q.PrivateNum = r.requiredNumber("privateNum", 1, 32, pns.ValidXNumber)
	default:
		r.fail("subscriptionId")
	}
	return q, r.err
}

// decodeAXCallee validates a set-temporary-callee body in the order of the §4.6 table.
// origNum is not parsed at all ("系统不会解析该参数"); subscriptionId wins over privateNum.
func decodeAXCallee(r *reader) (store.AXCalleeInput, *pns.Error) {
	var q store.AXCalleeInput
	if r.has("subscriptionId") {
		q.SubscriptionID = first(r.str("subscriptionId", 0, 64))
	} else {
		q.PrivateNum = r.requiredNumber("privateNum", 4, 31, pns.ValidXNumber)
	}
	q.CalleeNum = r.requiredNumber("calleeNum", 4, 31, pns.ValidCalleeNumber)
	q.Duration = optInt(r.integer("duration", 1, maxCalleeDuration))
	q.UserData = first(r.userData("userData"))
	return q, r.err
}

// renderAX renders an AX binding as a privateNumList element (§4.5); recordHintTone only when
// recordFlag is true, callDirection only when it was set.
func renderAX(b store.AXBinding) pns.AXBinding {
	out := pns.AXBinding{
		OrigNum: b.OrigNum, PrivateNum: b.PrivateNum, PrivateNumType: privateNumTypeValue,
		SubscribeTime: pns.FormatUTC(b.SubscribeTime), SubscriptionID: b.SubscriptionID,
		RecordFlag: boolString(b.RecordFlag), CalleeNumDisplay: orStr(b.CalleeNumDisplay, b.CalleeNumDisplay != "", defaultDisplay),
		PrivateSms: boolString(b.PrivateSMS), PreVoice: renderPreVoice(b.PreVoice), MaxDuration: b.MaxDuration,
		LastMinVoice: b.LastMinVoice, CallDirection: b.CallDirection, UserData: b.UserData,
		TurnFlag: orStr(b.TurnFlag, b.TurnFlag != "", defaultTurnFlag),
	}
	if b.RecordFlag {
		out.RecordHintTone = b.RecordHintTone
	}
	return out
}

// DumpAX is an AX binding in a dump.
type DumpAX struct {
	App string `json:"app"`
	pns.AXBinding
}

// dumpAX renders the AX bindings of a dump (an empty list, not null, when there are none).
func dumpAX(d store.Dump, out *BindingsDump) {
	out.AX = make([]DumpAX, 0, len(d.AX))
	for _, b := range d.AX {
		out.AX = append(out.AX, DumpAX{App: b.App, AXBinding: renderAX(b)})
	}
}
