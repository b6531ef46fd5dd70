package emulator

import (
	"github.com/pns-harness/pns-harness/emulator/store"
	"github.com/pns-harness/pns-harness/pns"
)

// axbMode is the AXB entry of modes: its endpoints, its list of the admin dump and its rows
// of the fidelity document.
var axbMode = modeEntry{
	endpoints: axbEndpoints,
	dump:      dumpAXB,
	fidelity: modeFidelity{
		responses: []Fidelity{
			{"Responses", "AXB bind answers `subscriptionId`, `relationNum`, `callDirection`, `duration`, `maxDuration`; no `callerNum`/`calleeNum` echo", pns.Verified, "§3.2"},
		},
		validation: []Fidelity{
			{"Validation", "AXB bind/modify: `callerNum` = `calleeNum` in the request → `Invalid request. calleeNum`; AXB modify ignores `relationNum`", pns.Inferred, "D28, D40"},
			{"Validation", "AXB unbind/query: `subscriptionId` wins and the other parameters are then ignored (not validated); neither → `…subscriptionId`; query `callerNum`/`calleeNum` without `relationNum` → `…relationNum`; `pageIndex`/`pageSize` never fail (1 and 50)", pns.Verified, "D38, D41"},
		},
		fieldOrder: []FieldOrder{
			{pns.IfaceAXBBind, []string{"callerNum", "calleeNum", "relationNum", "areaCode", "areaMatchMode", "callDirection", "duration", "recordFlag", "recordHintTone", "maxDuration", "lastMinVoice", "privateSms", "preVoice", "userData"}},
			{pns.IfaceAXBModify, []string{"subscriptionId", "callerNum", "calleeNum", "callDirection", "duration", "maxDuration", "lastMinVoice", "privateSms", "recordFlag", "preVoice", "userData", "recordHintTone"}},
		},
	},
}

// axbEndpoints serves the AXB interfaces (reference §3): each row decodes and validates in
// the order of the reference's table, then applies the request to the store.
var axbEndpoints = map[string]endpoint{
	pns.IfaceAXBBind:   jsonEndpoint(decodeAXBBind, (*Emulator).axbBind),
	pns.IfaceAXBUnbind: jsonEndpoint(anyApp(decodeAXBUnbind), ack((*store.Store).AXBUnbind)),
	pns.IfaceAXBModify: jsonEndpoint(decodeAXBModify, ack((*store.Store).AXBModify)),
	pns.IfaceAXBQuery:  jsonEndpoint(anyApp(decodeAXBQuery), (*Emulator).axbQuery),
}

// axbBind creates an AXB binding and answers its number, ID and limits (§3.2).
func (e *Emulator) axbBind(app *App, in store.AXBBindInput) (any, *pns.Error) {
	b, err := e.store.AXBBind(app.AppKey, in)
	if err != nil {
		return nil, err
	}
	return pns.AXBBindResponse{Envelope: success(), SubscriptionID: b.SubscriptionID, RelationNum: b.RelationNum,
		CallDirection: pns.Int(b.CallDirection), Duration: pns.Int(b.Duration), MaxDuration: pns.Int(b.MaxDuration)}, nil
}

// axbQuery answers one page of AXB bindings (§3.5); the list is [] rather than null when
// nothing matches.
func (e *Emulator) axbQuery(app *App, in store.AXBQueryInput) (any, *pns.Error) {
	res, err := e.store.AXBQuery(app.AppKey, in)
	if err != nil {
		return nil, err
	}
	out := pns.AXBQueryResponse{Envelope: success(), RelationNumList: make([]pns.AXBBinding, 0, len(res.Bindings)),
		TotalCount: res.TotalCount, PageIndex: res.PageIndex, PageSize: res.PageSize}
	for _, b := range res.Bindings {
		out.RelationNumList = append(out.RelationNumList, renderAXB(b))
	}
	return out, nil
}

// decodeAXBBind validates an AXB bind body in the order of the §3.2 table, then A ≠ B (D28).
func decodeAXBBind(r *reader, app *App) (store.AXBBindInput, *pns.Error) {
	var q store.AXBBindInput
	q.CallerNum = r.requiredNumber("callerNum", 4, 31, pns.ValidRealNumber)
	q.CalleeNum = r.requiredNumber("calleeNum", 4, 31, pns.ValidRealNumber)
	q.RelationNum = first(r.number("relationNum", 4, 31, pns.ValidXNumber))
	q.AreaCode = first(r.areaCode("areaCode"))
	q.LooseArea = first(r.enum("areaMatchMode", "0", "1")) == "1"
	q.CallDirection = first(r.integer("callDirection", 0, 2))
	q.Duration = first(r.integer("duration", 0, maxAXBDuration))
	q.RecordFlag = first(r.boolish("recordFlag"))
	q.RecordHintTone = r.recordHintTone(app, q.RecordFlag)
	q.MaxDuration = first(r.integer("maxDuration", 0, maxMaxDuration))
	q.LastMinVoice = first(r.tone(app, "lastMinVoice", 0, 128))
	q.PrivateSMS = optBool(r.boolish("privateSms"))
	q.PreVoice = toPreVoice(r.preVoice(app))
	q.UserData = first(r.userData("userData"))
	if r.err == nil && q.CallerNum == q.CalleeNum {
		r.fail("calleeNum")
	}
	return q, r.err
}

// decodeAXBUnbind validates AXB unbind parameters (§3.3, D38): subscriptionId wins and
// relationNum is then ignored; neither → `Invalid request. subscriptionId`.
func decodeAXBUnbind(r *reader) (store.AXBUnbindInput, *pns.Error) {
	var q store.AXBUnbindInput
	switch {
	case r.has("subscriptionId"):
		q.SubscriptionID = r.required("subscriptionId", 1, 64)
	case r.has("relationNum"):
		q.RelationNum = r.requiredNumber("relationNum", 4, 31, pns.ValidXNumber)
	default:
		r.fail("subscriptionId")
	}
	return q, r.err
}

// decodeAXBModify validates an AXB modify body in the order of the §3.4 table (relationNum is
// ignored, D40), then A ≠ B when both are sent.
func decodeAXBModify(r *reader, app *App) (store.AXBModifyInput, *pns.Error) {
	var q store.AXBModifyInput
	q.SubscriptionID = r.required("subscriptionId", 1, 64)
	q.CallerNum = first(r.number("callerNum", 4, 31, pns.ValidRealNumber))
	q.CalleeNum = first(r.number("calleeNum", 4, 31, pns.ValidRealNumber))
	q.CallDirection = optInt(r.integer("callDirection", 0, 2))
	q.Duration = optInt(r.integer("duration", 0, maxAXBDuration))
	q.MaxDuration = optInt(r.integer("maxDuration", 0, maxMaxDuration))
	q.LastMinVoice = first(r.tone(app, "lastMinVoice", 0, 128))
	q.PrivateSMS = optBool(r.boolish("privateSms"))
	q.RecordFlag = optBool(r.boolish("recordFlag"))
	q.PreVoice = toPreVoice(r.preVoice(app))
	q.UserData = first(r.userData("userData"))
	q.RecordHintTone = first(r.tone(app, "recordHintTone", 1, 128))
	if r.err == nil && q.CallerNum != "" && q.CallerNum == q.CalleeNum {
		r.fail("calleeNum")
	}
	return q, r.err
}

// decodeAXBQuery validates AXB query parameters (§3.5, D41): subscriptionId wins (the other
// parameters are then ignored); otherwise relationNum is required (callerNum/calleeNum without
// it name relationNum); pageIndex and pageSize never fail: the store turns absent or invalid
// values into 1 and 50.
func decodeAXBQuery(r *reader) (store.AXBQueryInput, *pns.Error) {
	var q store.AXBQueryInput
	switch {
	case r.has("subscriptionId"):
		q.SubscriptionID = r.required("subscriptionId", 1, 64)
	case r.has("relationNum"):
		q.RelationNum = r.requiredNumber("relationNum", 4, 31, pns.ValidXNumber)
		q.CallerNum = first(r.number("callerNum", 4, 128, pns.ValidRealNumber))
		q.CalleeNum = first(r.number("calleeNum", 4, 128, pns.ValidRealNumber))
		q.PageIndex = first((&reader{query: r.query, badQuery: r.badQuery}).integer("pageIndex", 1, 1<<31-1))
		q.PageSize = first((&reader{query: r.query, badQuery: r.badQuery}).integer("pageSize", minPageSize, maxPageSize))
	case r.has("callerNum") || r.has("calleeNum"):
		r.fail("relationNum")
	default:
		r.fail("subscriptionId")
	}
	return q, r.err
}

// renderAXB renders an AXB binding as a relationNumList element (§3.5).
func renderAXB(b store.AXBBinding) pns.AXBBinding {
	return pns.AXBBinding{
		SubscriptionID: b.SubscriptionID, RelationNum: b.RelationNum, CallerNum: b.CallerNum, CalleeNum: b.CalleeNum,
		CallDirection: b.CallDirection, Duration: b.Duration, MaxDuration: b.MaxDuration,
		RecordFlag: boolString(b.RecordFlag), RecordHintTone: b.RecordHintTone, PrivateSms: boolString(b.PrivateSMS),
		PreVoice: renderPreVoice(b.PreVoice), UserData: b.UserData, SubscribeTime: pns.FormatUTC(b.SubscribeTime),
	}
}

// DumpAXB is an AXB binding in a dump.
type DumpAXB struct {
	App string `json:"app"`
	pns.AXBBinding
	ExpiresAt string `json:"expiresAt,omitempty"`
}

// dumpAXB renders the AXB bindings of a dump (an empty list, not null, when there are none).
func dumpAXB(d store.Dump, out *BindingsDump) {
	out.AXB = make([]DumpAXB, 0, len(d.AXB))
	for _, b := range d.AXB {
		out.AXB = append(out.AXB, DumpAXB{App: b.App, AXBBinding: renderAXB(b), ExpiresAt: fmtOptTime(b.ExpiresAt)})
	}
}
