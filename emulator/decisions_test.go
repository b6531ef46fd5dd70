package emulator

import (
	"fmt"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// answer is what one request of a decision case got.
type answer struct {
	status   int
	code     string
	desc     string // "" = not checked
	field    string // a response field to check, "" = none
	fieldVal string
}

func (a answer) check(r result) error {
	if r.Status != a.status || r.Code != a.code || (a.desc != "" && r.Desc != a.desc) {
		return fmt.Errorf("got %d %s %q, want %d %s %q", r.Status, r.Code, r.Desc, a.status, a.code, a.desc)
	}
	if a.field != "" && r.str(a.field) != a.fieldVal {
		return fmt.Errorf("%s = %q, want %q (%s)", a.field, r.str(a.field), a.fieldVal, r.Body)
	}
	return nil
}

// TestAlternativeDecisions sends, for every decision of AlternativeDecisions, the request
// where the two sets differ to an emulator of each set, and checks both answers: the default
// set's as the reference decides, the alternative set's as docs/fidelity.md says.
func TestAlternativeDecisions(t *testing.T) {
	const xAXB, xAX = "+8617001100007", "+8617002100007"
	for _, tt := range []struct {
		id  string
		run func(te *testEmu) result
		def answer
		alt answer
	}{
		{"D10", func(te *testEmu) result { // two defects: callerNum (first) and duration (later)
			return te.call(axbKey, "POST", pathAXB, `{"callerNum":"x","calleeNum":"+8613900100001","duration":-1}`)
		}, answer{status: 403, code: "1010002", desc: "Invalid request. callerNum"},
			answer{status: 403, code: "1010002", desc: "Invalid request. Parameter duration is invalid."}},
		{"D10 single", func(te *testEmu) result {
			return te.call(axbKey, "POST", pathAXB, `{"callerNum":"x","calleeNum":"+8613900100001"}`)
		}, answer{status: 403, code: "1010002", desc: "Invalid request. callerNum"},
			answer{status: 403, code: "1010002", desc: "Invalid request. Parameter callerNum is invalid."}},
		{"D10 missing", func(te *testEmu) result { // a mandatory field absent, a later one defective
			return te.call(axeKey, "POST", pathAXE, `{"displayNumMode":"x"}`)
		}, answer{status: 403, code: "1010002", desc: "Invalid request. bindNum"},
			answer{status: 403, code: "1010002", desc: "Invalid request. Parameter displayNumMode is invalid."}},
		{"D14", func(te *testEmu) result { // an AXB app on the AX interface: 1010040, status undocumented
			return te.call(axbKey, "POST", pathAX, `{"origNum":"+8613800100001"}`)
		}, answer{status: 403, code: "1010040"}, answer{status: 400, code: "1010040"}},
		{"D15", func(te *testEmu) result {
			return te.call(axbKey, "POST", pathAXB, `{"calleeNum":"+8613900100001"}`)
		}, answer{status: 403, code: "1010002", desc: "Invalid request. callerNum"},
			answer{status: 403, code: "1010002", desc: "Invalid request. Parameter callerNum is invalid."}},
		{"D17", func(te *testEmu) result {
			return te.call(axbKey, "DELETE", pathAXB+"?relationNum=+8617001100009", "")
		}, answer{status: 403, code: "1010002"}, answer{status: 200, code: "0"}}, // D39 alternative: the empty X
		{"D18", func(te *testEmu) result {
			h := te.authHeaders(axbKey)
			h.Set("Content-Type", "text/plain")
			return te.raw("POST", pathAXB, h, `{"callerNum":"+8613800100001","calleeNum":"+8613900100001"}`)
		}, answer{status: 403, code: "1010002", desc: "Invalid request. Content-Type"}, answer{status: 200, code: "0"}},
		{"D23", func(te *testEmu) result {
			return te.call(axbKey, "POST", pathAXB, `{"callerNum":"+8613800100001","calleeNum":"+8613900100001","privateSms":true}`)
		}, answer{status: 200, code: "0"}, answer{status: 403, code: "1010002", desc: "Invalid request. Parameter privateSms is invalid."}},
		{"D23 strings", func(te *testEmu) result {
			return te.call(axbKey, "POST", pathAXB, `{"callerNum":"+8613800100001","calleeNum":"+8613900100001","privateSms":"true"}`)
		}, answer{status: 200, code: "0"}, answer{status: 200, code: "0"}},
		{"D33", func(te *testEmu) result {
			return te.call(axbKey, "POST", pathAXB, `{"callerNum":"+8613800100001","calleeNum":"+8613900100001","areaCode":"010"}`)
		}, answer{status: 200, code: "0", field: "relationNum", fieldVal: "+8617001100000"},
			answer{status: 200, code: "0", field: "relationNum", fieldVal: "+8617001100199"}},
		{"D39", func(te *testEmu) result {
			return te.call(axbKey, "DELETE", pathAXB+"?relationNum=%2B8617001100009", "")
		}, answer{status: 403, code: "1012007"}, answer{status: 200, code: "0"}},
		{"D41", func(te *testEmu) result {
			te.call(axbKey, "POST", pathAXB, `{"callerNum":"+8613800100001","calleeNum":"+8613900100001","relationNum":"`+xAXB+`"}`).mustOK(te.t)
			return te.call(axbKey, "GET", pathAXB+"?relationNum=%2B8617001100007&pageIndex=2&pageSize=10", "")
		}, answer{status: 200, code: "0"}, answer{status: 400, code: "1012007"}},
		{"D46", func(te *testEmu) result {
			for i := range 5 {
				te.call(axKey, "POST", pathAX, fmt.Sprintf(`{"origNum":"+8613800100001","privateNum":"+861700210001%d"}`, i)).mustOK(te.t)
			}
			return te.call(axKey, "POST", pathAX, `{"origNum":"+8613800100001","privateNum":"`+xAX+`"}`)
		}, answer{status: 403, code: "1011003"}, answer{status: 400, code: "1011005"}},
		{"D47", func(te *testEmu) result {
			return te.call(axKey, "DELETE", pathAX+"?subscriptionId=nope", "")
		}, answer{status: 403, code: "1016001"}, answer{status: 400, code: "1011004"}},
		{"D48", func(te *testEmu) result { // an X of the AXB app is not the AX app's
			return te.call(axKey, "POST", pathAX, `{"origNum":"+8613800100001","privateNum":"+8617001100001"}`)
		}, answer{status: 403, code: "1011004"}, answer{status: 403, code: "1012001"}},
		{"D50", func(te *testEmu) result {
			te.call(axKey, "POST", pathAX, `{"origNum":"+8613800100001","privateNum":"`+xAX+`"}`).mustOK(te.t)
			return te.call(axKey, "POST", pathAX, `{"origNum":"+8613800100001","privateNum":"`+xAX+`"}`)
		}, answer{status: 403, code: "1016002"}, answer{status: 400, code: "1011005"}},
		{"D53", func(te *testEmu) result {
			return te.call(axKey, "POST", pathAX, `{"origNum":"+8613800100001","calleeNumDisplay":"1"}`)
		}, answer{status: 200, code: "0"}, answer{status: 403, code: "1010002", desc: "Invalid request. Parameter calleeNumDisplay is invalid."}},
		{"D53 AXE", func(te *testEmu) result {
			return te.call(axeKey, "POST", pathAXE, `{"bindNum":"+8613800100001","displayNumMode":"1"}`)
		}, answer{status: 200, code: "0"}, answer{status: 403, code: "1010002"}},
		{"D54", func(te *testEmu) result {
			te.call(axKey, "POST", pathAX, `{"origNum":"+8613800100001","privateNum":"`+xAX+`"}`).mustOK(te.t)
			return te.call(axKey, "DELETE", pathAX+"?privateNum=%2B8617002100007", "")
		}, answer{status: 200, code: "0"}, answer{status: 403, code: "1010002", desc: "Invalid request. Parameter origNum is invalid."}},
		{"D64", func(te *testEmu) result {
			return te.call(axeKey, "POST", pathAXE, `{"bindNum":"+8613800100001","virtualNum":"+8617003100007","extendNum":"0042"}`)
		}, answer{status: 200, code: "0", field: "extendNum", fieldVal: "0042"},
			answer{status: 200, code: "0", field: "extendNum", fieldVal: ""}},
		{"D75", func(te *testEmu) result {
			return te.call(axbKey, "GET", pathRecord+"?fileName=nope.wav&recordDomain=example.com", "")
		}, answer{status: 404, code: "1012007"}, answer{status: 403, code: "1012007"}},
		{"D78", func(te *testEmu) result {
			return te.call(axKey, "GET", pathAX+"?origNum=%2B8613800100001", "")
		}, answer{status: 403, code: "1016001"}, answer{status: 200, code: "0"}},
		{"D78 by ID", func(te *testEmu) result {
			return te.call(axKey, "GET", pathAX+"?subscriptionId=nope", "")
		}, answer{status: 403, code: "1016001"}, answer{status: 400, code: "1011004"}},
		{"D56", func(te *testEmu) result {
			te.call(axKey, "POST", pathAX, `{"origNum":"+8613800100001","privateNum":"`+xAX+`"}`).mustOK(te.t)
			return te.call(axKey, "PUT", pathCallee, `{"privateNum":"`+xAX+`","calleeNum":"+8695512345"}`)
		}, answer{status: 200, code: "0"}, answer{status: 403, code: "1010002", desc: "Invalid request. Parameter calleeNum is invalid."}},
		{"D58", func(te *testEmu) result {
			sid := te.call(axeKey, "POST", pathAXE, `{"bindNum":"+8613800100001","virtualNum":"+8617003100007"}`).mustOK(te.t).str("subscriptionId")
			return te.call(axeKey, "GET", pathAXE+"?subscriptionId="+sid, "")
		}, answer{status: 200, code: "0", field: "extendNum", fieldVal: "0001"},
			answer{status: 200, code: "0", field: "extendNum", fieldVal: "9999"}},
		{"D62 hours", func(te *testEmu) result {
			return te.call(axeKey, "POST", pathAXE, `{"bindNum":"+8613800100001","bindExpiredTime":4320}`)
		}, answer{status: 403, code: "1010002"}, answer{status: 200, code: "0"}},
		{"D62 minutes", func(te *testEmu) result {
			return te.call(axeKey, "POST", pathAXE, `{"bindNum":"+8613800100001","timeUnit":"1","callbackExpiredTime":259200}`)
		}, answer{status: 403, code: "1010002"}, answer{status: 200, code: "0"}},
		{"D79", func(te *testEmu) result { // an AXB app stops a call: accepted, the call is unknown
			return te.call(axbKey, "POST", pns.PathStopCall, `{"sessionid":"s-1","signal":"call_stop"}`)
		}, answer{status: 403, code: "1012007"}, answer{status: 400, code: "1010040"}},
		{"D79 AXYB", func(te *testEmu) result { // an AXYB app, whose menu lists the stop call: accepted in both sets
			return te.call(axybKey, "POST", pns.PathStopCall, `{"sessionid":"s-1","signal":"call_stop"}`)
		}, answer{status: 403, code: "1012007"}, answer{status: 403, code: "1010002"}},
		{"D80", func(te *testEmu) result { // an AXE app (accepted in both sets) stops an unknown call
			return te.call(axeKey, "POST", pns.PathStopCall, `{"sessionid":"s-1","signal":"call_stop"}`)
		}, answer{status: 403, code: "1012007", desc: "The record does not exist."},
			answer{status: 403, code: "1010002", desc: "Invalid request. Parameter sessionid is invalid."}},
		{"D81", func(te *testEmu) result {
			r := te.call(axeKey, "POST", pns.PathStopCall, `{"signal":"call_stop"}`)
			r.Desc = r.Header.Get("Content-Type") // the decision is the answer's type
			return r
		}, answer{status: 403, code: "1010002", desc: "application/json;charset=utf-8"},
			answer{status: 403, code: "1010002", desc: "text/html;charset=UTF-8"}},
		{"D62 above", func(te *testEmu) result {
			return te.call(axeKey, "POST", pathAXE, `{"bindNum":"+8613800100001","bindExpiredTime":4321}`)
		}, answer{status: 403, code: "1010002"}, answer{status: 403, code: "1010002"}},
	} {
		t.Run(tt.id, func(t *testing.T) {
			for _, set := range []struct {
				name string
				want answer
			}{{DecisionsDefault, tt.def}, {DecisionsAlternative, tt.alt}} {
				te := newTestEmu(t, func(c *Config) { c.Decisions = set.name })
				if err := set.want.check(tt.run(te)); err != nil {
					t.Errorf("%s: %v", set.name, err)
				}
			}
		})
	}
}

// TestAlternativeDecisionsKnown: every decision the alternative set changes is an entry of
// pns.Decisions, listed once, and documents both answers.
func TestAlternativeDecisionsKnown(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range AlternativeDecisions {
		if _, ok := pns.DecisionByID(a.ID); !ok || seen[a.ID] || a.Default == "" || a.Alternative == "" {
			t.Errorf("%+v: unknown, repeated or undocumented", a)
		}
		seen[a.ID] = true
	}
}

// TestAlternativeKeepsDocumentedStatus: the alternative set changes no documented status pair
// (D14 applies only where the contract is silent).
func TestAlternativeKeepsDocumentedStatus(t *testing.T) {
	for _, ci := range pns.Codes() {
		status, _ := alternativeError(pns.NewError(ci.Code))
		if ci.HTTPTag == pns.Verified && status != ci.HTTP {
			t.Errorf("%s: documented HTTP %d, alternative %d", ci.Code, ci.HTTP, status)
		}
		if status/100 != ci.HTTP/100 {
			t.Errorf("%s: alternative HTTP %d leaves the class of %d", ci.Code, status, ci.HTTP)
		}
	}
}
