package emulator

import (
	"net/http"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
)

// The two decision sets of Config.Decisions (`harness emulate --decisions`).
const (
	// DecisionsDefault answers every open question of the contract as pns.Decisions describes.
	DecisionsDefault = "default"
	// DecisionsAlternative answers the decisions of AlternativeDecisions the other way the
	// contract allows. It exists to prove, in CI, that the conformance suite run against a
	// --target fails no platform merely for deciding differently from this emulator.
	DecisionsAlternative = "alternative"
)

// AlternativeDecision is one decision the alternative set answers differently.
type AlternativeDecision struct {
	// ID names the entry of pns.Decisions.
	ID string
	// Default and Alternative are the two answers, in a few words.
	Default, Alternative string
}

// AlternativeDecisions lists what `--decisions alternative` changes; docs/fidelity.md is
// generated from it. Every other decision answers as in the default set.
var AlternativeDecisions = []AlternativeDecision{
	{"D10", "a request with several defective fields: 1010002 names the first in table order", "names the last defective field in table order (single defects unchanged)"},
	{"D14", "HTTP 403 with the business and authentication codes whose status is undocumented", "HTTP 400 with those codes (same class); documented status pairs unchanged"},
	{"D15", "`Invalid request. <field>`", "`Invalid request. Parameter <field> is invalid.`"},
	{"D17", "an unescaped `+` in a query string is a space (the number is then refused)", "a `+` (the number is read as sent)"},
	{"D18", "POST/PUT need the media type `application/json`, else 1010002 naming `Content-Type`", "the Content-Type is not checked"},
	{"D23", "`recordFlag` / `privateSms` accept the strings and JSON booleans", "only the strings `\"true\"` / `\"false\"`: a JSON boolean is refused with 1010002"},
	{"D33", "the eligible X with the fewest bindings, then the lowest number", "the eligible X with the highest number, whatever its bindings"},
	{"D39", "AXB unbind by an owned X without bindings: 1012007", "`0` (idempotent)"},
	{"D41", "AXB query past the last page: `0` with an empty list", "1012007 (no record on that page)"},
	{"D46", "AX A already holding 5 X: 1011003", "1011005"},
	{"D47", "AX binding not found: 1016001", "1011004"},
	{"D48", "AX `privateNum` not owned: 1011004", "1012001"},
	{"D50", "AX bind of an A already bound to that X: 1016002", "1011005 (the X is allocated)"},
	{"D53", "`calleeNumDisplay` / `displayNumMode` `\"1\"` accepted", "`\"1\"` refused with 1010002 naming the field (the carrier requires `\"0\"`)"},
	{"D54", "AX unbind by `privateNum` alone removes that X's binding", "1010002 naming `origNum` (only the documented pair or the ID)"},
	{"D56", "AX temporary callee: `+86400…` and `+8695…` service numbers accepted", "refused with 1010002 naming `calleeNum` (only numbers an A or B may be)"},
	{"D58", "AXE automatic extension: the lowest free one", "the highest free one"},
	{"D62", "AXE `bindExpiredTime` / `callbackExpiredTime` at most 2160 h / 129600 min", "at most 4320 h / 259200 min (180 days)"},
	{"D64", "AXE bind answers `subscriptionId`, `virtualNum`, `extendNum`, `bindNum`", "only `subscriptionId` (the query tells the rest)"},
	{"D75", "recording download: HTTP 301 with `Location`; unknown recording 1012007 with HTTP 404", "HTTP 302 with `Location`; 1012007 with HTTP 403"},
	{"D78", "AX query by `origNum` or `privateNum` without a match: 1016001", "`0` with an empty `privateNumList` (by `subscriptionId`: not found as D47)"},
	{"D79", "the stop call is accepted from apps of every mode", "only from AXYB and AXE apps, the menus that list it; other apps get 1010040"},
	{"D80", "stop call of an unknown or ended call: 1012007", "1010002 naming `sessionid` (the sessionid names no call going on)"},
	{"D81", "the stop call answers `Content-Type: application/json;charset=utf-8`", "`text/html;charset=UTF-8`, as Huawei's example (the body is the same JSON)"},
}

// recordStatus is the recording download's HTTP status: 301 and 404, or 302 and 403 in the
// alternative set (D75: only a redirect with Location and 1012007 are documented).
func (e *Emulator) recordStatus(status int) int {
	if !e.alternative() {
		return status
	}
	switch status {
	case http.StatusMovedPermanently:
		return http.StatusFound
	case http.StatusNotFound:
		return http.StatusForbidden
	}
	return status
}

// alternative reports whether the emulator answers with the alternative decisions.
func (e *Emulator) alternative() bool { return e.cfg.Decisions == DecisionsAlternative }

// alternativeError is how the alternative set answers an error: another HTTP status of the
// same class where the code's status is undocumented (D14) and another 1010002 description
// format (D15). Statuses set explicitly (recording download 404) stay.
func alternativeError(err *pns.Error) (status int, desc string) {
	status, desc = err.HTTPStatus(), err.Desc
	if ci, ok := pns.Lookup(err.Code); ok && err.Status == 0 && ci.HTTPTag != pns.Verified && status == http.StatusForbidden {
		status = http.StatusBadRequest
	}
	if field, ok := strings.CutPrefix(desc, pns.CodeInvalidRequest.Desc()+" "); ok && err.Code == pns.CodeInvalidRequest {
		desc = "Invalid request. Parameter " + field + " is invalid."
	}
	return status, desc
}
