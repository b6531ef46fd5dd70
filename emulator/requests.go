package emulator

import (
	"github.com/pns-harness/pns-harness/emulator/store"
	"github.com/pns-harness/pns-harness/pns"
)

// Decoders of every interface (reference §3-§5, §11). Each returns the store's validated input
// type; store conventions apply: empty strings and nil pointers mean "absent / unchanged".

// RecordReq is a validated recording download query (§11).
type RecordReq struct {
	FileName     string
	RecordDomain string
}

// Limits of the reference used by the decoders.
const (
	maxAXBDuration      = 7776000
	maxMaxDuration      = 1440
	maxCalleeDuration   = 259200
	defaultCalleeDur    = 60
	defaultPageSize     = 50
	minPageSize         = 10
	maxPageSize         = 100
	defaultAreaMatch    = "0"
	defaultDisplay      = "0"
	defaultTurnFlag     = "on"
	defaultTimeUnit     = "0"
	privateNumTypeValue = "mobile-virtual"
)

func optInt(n int, ok bool) *int {
	if !ok {
		return nil
	}
	return &n
}

func optBool(b bool, ok bool) *bool {
	if !ok {
		return nil
	}
	return &b
}

func orStr(s string, ok bool, def string) string {
	if !ok {
		return def
	}
	return s
}

// orStrFn adapts a (value, ok) pair to a default, so that decoders read as one line per field.
func orStrFn(s string, ok bool) func(string) string {
	return func(def string) string { return orStr(s, ok, def) }
}

// first drops the ok of a (value, ok) pair: store inputs use "" for absent.
func first[T any](v T, _ bool) T { return v }

// toPreVoice converts a validated preVoice to the store's form (empty = absent).
func toPreVoice(p *PreVoiceIn) *pns.PreVoice {
	if p == nil {
		return nil
	}
	out := &pns.PreVoice{}
	if p.CallerHintTone != nil {
		out.CallerHintTone = *p.CallerHintTone
	}
	if p.CalleeHintTone != nil {
		out.CalleeHintTone = *p.CalleeHintTone
	}
	return out
}

// recordHintTone reads recordHintTone after recordFlag on a bind: String(1-128) always, the
// tone list only when recording is requested, and the value is dropped otherwise (D25).
func (r *reader) recordHintTone(app *App, recordFlag bool) string {
	s, ok := r.str("recordHintTone", 1, 128)
	if !ok || !recordFlag {
		return ""
	}
	if !app.toneAllowed(s) {
		r.fail("recordHintTone")
		return ""
	}
	return s
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

// expiredMax returns the maximum AXE expiry value for a time unit (D62).
func expiredMax(unit string, app *App) int64 {
	return int64(store.MaxExpiry(unit, app.alt))
}

// displayValues are the accepted calleeNumDisplay / displayNumMode values: "0" and "1", or
// only "0" in the alternative set (D53: the carrier requires "0").
func displayValues(app *App) []string {
	if app.alt {
		return []string{"0"}
	}
	return []string{"0", "1"}
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

// decodeRecord validates recording download parameters (§11).
func decodeRecord(r *reader) (RecordReq, *pns.Error) {
	var q RecordReq
	q.FileName = r.required("fileName", 1, 128)
	q.RecordDomain = r.required("recordDomain", 1, 128)
	return q, r.err
}
