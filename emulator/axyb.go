package emulator

import (
	"strconv"

	"github.com/pns-harness/pns-harness/emulator/store"
	"github.com/pns-harness/pns-harness/pns"
)

// axybMode is the AXYB entry of modes: its endpoints, its list of the admin dump and its rows
// of the fidelity document.
var axybMode = modeEntry{
	endpoints:      axybEndpoints,
	dump:           dumpAXYB,
	stopCallListed: true,
	fidelity: modeFidelity{
		responses: []Fidelity{
			{"Responses", "AXYB bind answers `subscriptionId` and `relationNumber` (X for an AX bind, Y for a YB bind, which returns the AX's ID); AXYB query answers `xyRelationNumList`, one entry per YB (an AX without YB: one entry without `numY`/`numB`), oldest first, at most 5, `bindId` = `subscriptionId`, `duration`/`ybDuration` as strings", pns.Inferred, "§6.2, §6.4, D83-D85"},
		},
		own: []Fidelity{
			{"Validation", "AXYB: every request needs the URL parameter `app_key` (the bind too): missing or longer than 128 → 1010002 `Invalid request. app_key`; another key than the authenticated one → 1010003; checked before any other field", pns.Inferred, "D82"},
			{"Validation", "AXYB bind: a body with `subscriptionId` is a YB bind, otherwise an AX bind; `duration` (default 7200) and `ybDuration` (default 0) accept JSON integers or decimal strings, 0 or 60-7776000, else 1010002 naming the field; a `ybDuration` above `duration` is replaced by it", pns.Verified, "§6.2, D83"},
			{"AXYB", "X and Y are chosen by the platform from the app's pool (AX bind by `areaCode`, else A's area; YB bind by `areaCode`, else X's city; fewest relations, then lowest number); a number that is an X is never a Y; one A per X; A holds at most 5 X (1011003); a Y carries an AX once and at most `maxRelationsPerY` (1000) AX (none left: 1012008); B twice on one AX → 1012010; B = A → `…origNum`; unknown `subscriptionId` → 1012007", pns.Verified, "§6.1, §13.7, D84"},
			{"AXYB", "Simulated calls: B → X reaches A shown Y (fee direction 0), A → Y reaches B shown X (direction 1), a caller without YB who dials X is given a Y; no relation 8030, no Y to assign 8031, a bound number dialling its own privacy number 8032 (direction 2); a forbidden direction 8016; fee records without `serviceType`", pns.Inferred, "§6.5, D86"},
			{"AXYB", "AX expiry removes the AX and all its YB; a YB expiry removes only that YB; a caller with no YB who dials X is given a Y for the AX's `ybDuration` (or until the AX goes)", pns.Verified, "§6.1"},
			{"Validation", "AXYB unbind needs `subscriptionId` (else `…subscriptionId`); `yNum` wins over `bNum`; AXYB query needs `relationNum` or `subscriptionId` (else `…subscriptionId`), `subscriptionId` wins", pns.Verified, "§6.3, §6.4, D85"},
		},
	},
}

// axybEndpoints serves the AXYB interfaces (reference §6.2-§6.4). One URI carries all three;
// a bind body is an AX bind without subscriptionId and a YB bind with one.
var axybEndpoints = map[string]endpoint{
	pns.IfaceAXYBBind:   jsonEndpoint(decodeAXYBBind, (*Emulator).axybBind),
	pns.IfaceAXYBUnbind: jsonEndpoint(decodeAXYBUnbind, ack((*store.Store).AXYBUnbind)),
	pns.IfaceAXYBQuery:  jsonEndpoint(decodeAXYBQuery, (*Emulator).axybQuery),
}

// maxAXYBList is the most entries an AXYB query answers (xyRelationNumInfo[1-5], D85).
const maxAXYBList = 5

// axybBindIn is a decoded AXYB bind: exactly one of AX and YB is set.
type axybBindIn struct {
	AX *store.AXYBBindInput
	YB *store.AXYBYBInput
}

// axybBind creates the AX part or a YB part of a relation (§6.2): the answer carries the
// relation's ID and X (AX bind) or Y (YB bind) as relationNumber (D84).
func (e *Emulator) axybBind(app *App, in axybBindIn) (any, *pns.Error) {
	if in.YB != nil {
		r, y, err := e.store.AXYBBindYB(app.AppKey, *in.YB)
		if err != nil {
			return nil, err
		}
		return pns.AXYBBindResponse{Envelope: success(), SubscriptionID: r.SubscriptionID, RelationNumber: y}, nil
	}
	r, err := e.store.AXYBBind(app.AppKey, *in.AX)
	if err != nil {
		return nil, err
	}
	return pns.AXYBBindResponse{Envelope: success(), SubscriptionID: r.SubscriptionID, RelationNumber: r.X}, nil
}

// axybQuery answers the relation of a subscriptionId or an X (§6.4, D85): one entry per YB,
// oldest first, an AX without YB as one entry without numY/numB, at most five entries.
func (e *Emulator) axybQuery(app *App, in store.AXYBQueryInput) (any, *pns.Error) {
	rs, err := e.store.AXYBQuery(app.AppKey, in)
	if err != nil {
		return nil, err
	}
	out := pns.AXYBQueryResponse{Envelope: success()}
	for _, r := range rs {
		out.XYRelationNumList = append(out.XYRelationNumList, renderAXYB(r)...)
	}
	if len(out.XYRelationNumList) > maxAXYBList {
		out.XYRelationNumList = out.XYRelationNumList[:maxAXYBList]
	}
	return out, nil
}

// axybAppKey checks the app_key URL parameter every AXYB request carries (D82): missing or
// not String(1-128) → 1010002 app_key; another key than the authenticated one → 1010003.
func (r *reader) axybAppKey(app *App) {
	if r.halted() {
		return
	}
	q, bad := r.query, r.badQuery
	if q == nil {
		q, bad = parseQuery(r.url)
	}
	v, ok := q["app_key"]
	switch {
	case !ok || v == "" || bad["app_key"] || len([]rune(v)) > 128:
		r.fail("app_key")
	case v != app.AppKey:
		if r.err == nil || r.alt {
			r.err, r.errField = pns.NewError(pns.CodeInvalidAppKey), "app_key"
		}
	}
}

// axybSeconds reads duration / ybDuration (D83): a JSON integer or a decimal string of 1-32
// characters, 0 or 60-7776000; nil when absent.
func (r *reader) axybSeconds(name string) *int {
	if r.halted() {
		return nil
	}
	v, ok := r.raw(name)
	if !ok {
		return nil
	}
	text := string(v)
	if v[0] == '"' {
		s, ok := r.str(name, 1, 32)
		if !ok {
			return nil
		}
		text = s
	}
	n, err := strconv.Atoi(text)
	if err != nil || !pns.IsDigits(text) || !store.ValidAXYBDuration(n) {
		r.fail(name)
		return nil
	}
	return &n
}

// decodeAXYBBind validates an AXYB bind in the order of the §6.2 tables, app_key first.
func decodeAXYBBind(r *reader, app *App) (axybBindIn, *pns.Error) {
	r.axybAppKey(app)
	if r.has("subscriptionId") {
		var q store.AXYBYBInput
		q.SubscriptionID = r.required("subscriptionId", 1, 64)
		q.OrigNum = r.requiredNumber("origNum", 1, 32, pns.ValidRealNumber)
		q.AreaCode = first(r.areaCode("areaCode"))
		q.LooseArea = first(r.enum("areaMatchMode", "0", "1")) == "1"
		q.YBDuration = r.axybSeconds("ybDuration")
		q.PreVoiceY = first(r.tone(app, "preVoiceY", 1, 128))
		return axybBindIn{YB: &q}, r.err
	}
	var q store.AXYBBindInput
	q.OrigNum = r.requiredNumber("origNum", 1, 32, pns.ValidRealNumber)
	q.AreaCode = first(r.areaCode("areaCode"))
	q.LooseArea = first(r.enum("areaMatchMode", "0", "1")) == "1"
	q.CallDirection = first(r.integer("callDirection", 0, 2))
	q.Duration = r.axybSeconds("duration")
	q.YBDuration = r.axybSeconds("ybDuration")
	q.RecordFlag = first(r.boolish("recordFlag"))
	q.RecordHintTone = r.recordHintTone(app, q.RecordFlag)
	q.PreVoiceX = first(r.tone(app, "preVoiceX", 1, 128))
	q.PreVoiceY = first(r.tone(app, "preVoiceY", 1, 128))
	q.UserData = first(r.userData("userData"))
	return axybBindIn{AX: &q}, r.err
}

// decodeAXYBUnbind validates an AXYB unbind (§6.3, D85): subscriptionId is required; yNum or
// bNum name one YB.
func decodeAXYBUnbind(r *reader, app *App) (store.AXYBUnbindInput, *pns.Error) {
	r.axybAppKey(app)
	var q store.AXYBUnbindInput
	q.SubscriptionID = r.required("subscriptionId", 1, 64)
	q.YNum = first(r.number("yNum", 1, 32, pns.ValidXNumber))
	q.BNum = first(r.number("bNum", 1, 32, pns.ValidRealNumber))
	return q, r.err
}

// decodeAXYBQuery validates an AXYB query (§6.4, D85): one of relationNum and subscriptionId;
// neither → 1010002 subscriptionId.
func decodeAXYBQuery(r *reader, app *App) (store.AXYBQueryInput, *pns.Error) {
	r.axybAppKey(app)
	var q store.AXYBQueryInput
	q.RelationNum = first(r.number("relationNum", 1, 32, pns.ValidXNumber))
	q.SubscriptionID = first(r.str("subscriptionId", 1, 64))
	if r.err == nil && q.RelationNum == "" && q.SubscriptionID == "" {
		r.fail("subscriptionId")
	}
	return q, r.err
}

// renderAXYB renders a relation as xyRelationNumList entries (§6.4, D85): one per YB, oldest
// first, or one without numY/numB for an AX without YB.
func renderAXYB(r store.AXYBRelation) []pns.AXYBRelationInfo {
	base := pns.AXYBRelationInfo{
		BindID: r.SubscriptionID, NumA: r.A, NumX: r.X, RecordFlag: boolString(r.RecordFlag),
		RecordHintTone: r.RecordHintTone, SubscribeTime: pns.FormatUTC(r.SubscribeTime),
		CallDirection: r.CallDirection, Duration: strconv.Itoa(r.Duration),
		YBDuration: strconv.Itoa(r.YBDuration), PreVoiceX: r.PreVoiceX, PreVoiceY: r.PreVoiceY,
		UserData: r.UserData,
	}
	if len(r.YB) == 0 {
		return []pns.AXYBRelationInfo{base}
	}
	out := make([]pns.AXYBRelationInfo, 0, len(r.YB))
	for _, p := range r.YB {
		info := base
		info.NumY, info.NumB = p.Y, p.B
		if p.PreVoiceY != "" {
			info.PreVoiceY = p.PreVoiceY
		}
		out = append(out, info)
	}
	return out
}

// DumpAXYB is an AXYB relation in a dump.
type DumpAXYB struct {
	App            string                 `json:"app"`
	SubscriptionID string                 `json:"subscriptionId"`
	Entries        []pns.AXYBRelationInfo `json:"xyRelationNumList"`
	ExpiresAt      string                 `json:"expiresAt,omitempty"`
}

// dumpAXYB renders the AXYB relations of a dump, each with its entries as the AXYB query
// lists them (an empty list, not null, when there are none).
func dumpAXYB(d store.Dump, out *BindingsDump) {
	out.AXYB = make([]DumpAXYB, 0, len(d.AXYB))
	for _, r := range d.AXYB {
		out.AXYB = append(out.AXYB, DumpAXYB{App: r.App, SubscriptionID: r.SubscriptionID, Entries: renderAXYB(r),
			ExpiresAt: fmtOptTime(r.ExpiresAt)})
	}
}
