package conformance

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// mutCMutants break, one each, the call-control, notification and recording rules of the
// inventory that had no mutant (issue 22 item 3): the stop call (§11.2, D79-D81), the
// customer's Block replies to the X-mode callin (§6.7, D87) and to an SMS (§10.3, D89), the
// fee record's fields (§8.3), the X-status push (§9, D73) and the recording download (§11.1,
// D75). Names start with "mutC/<class>:" after the rule's class. The Block replies are
// reached on the wire between the platform and the runner's receivers (gapwire.go, wireReply):
// an edited reply is what a platform reading the customer's reply that way acts on.
var mutCMutants = []ruleMutant{
	// The stop call (§11.2, §13.6, D79-D81).
	{"11.2/Direction-customer-platform-method", mutant{"mutC/callcontrol: stop call served at callStop/v1.0 only (v2.0 unknown)", "business:stop-live-call",
		func(map[string]string) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == pns.PathStopCall {
						w.WriteHeader(http.StatusNotFound) // an unknown URI: empty body (§1.6)
						return
					}
					h.ServeHTTP(w, r)
				})
			}
		}, nil}},
	{"11.2/Headers-as-1.3-Content-Type-application", mutant{"mutC/callcontrol: stop call sent as text/plain read as JSON", "business:content-type",
		func(map[string]string) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == pns.PathStopCall && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
						r.Header.Set("Content-Type", pns.ContentTypeJSON)
					}
					h.ServeHTTP(w, r)
				})
			}
		}, nil}},
	{"11.2/signal", mutant{"mutC/callcontrol: stop call signal matched without case (CALL_STOP stops the call)", "enum:signal",
		stopBody(func(m map[string]any) bool {
			s, ok := m["signal"].(string)
			if !ok || s == pns.StopCallSignal || !strings.EqualFold(s, pns.StopCallSignal) {
				return false
			}
			m["signal"] = pns.StopCallSignal
			return true
		}), nil}},
	{"13.6/Stop-call", mutant{"mutC/callcontrol: stop call signal taken with its blanks trimmed", "enum:signal",
		stopBody(func(m map[string]any) bool {
			s, ok := m["signal"].(string)
			if !ok || s == strings.TrimSpace(s) || strings.TrimSpace(s) != pns.StopCallSignal {
				return false
			}
			m["signal"] = pns.StopCallSignal
			return true
		}), nil}},
	{"11.2/Prerequisite-sessionId-the-call-s", mutant{"mutC/callcontrol: a stop call without signal stops the call (call_stop assumed)", "business:stop-live-call",
		stopBody(func(m map[string]any) bool {
			if _, ok := m["signal"]; ok || m["sessionid"] == nil {
				return false
			}
			m["signal"] = pns.StopCallSignal
			return true
		}), nil}},
	{"11.2/sessionid", mutant{"mutC/callcontrol: stop call takes the notifications' sessionId for sessionid", "mandatory:sessionid",
		stopBody(func(m map[string]any) bool {
			if _, ok := m["sessionid"]; ok || m["sessionId"] == nil {
				return false
			}
			m["sessionid"] = m["sessionId"]
			delete(m, "sessionId")
			return true
		}), nil}},
	{"11.2/resultcode", mutant{`mutC/callcontrol: stop call success answered with resultcode "000000"`, "business:stop-live-call",
		stopAnswer(func(m map[string]any) bool {
			if m["resultcode"] != string(pns.CodeSuccess) {
				return false
			}
			m["resultcode"] = "000000"
			return true
		}), nil}},
	{"11.2/resultdesc", mutant{`mutC/callcontrol: stop call success described "OK"`, "business:stop-live-call",
		stopAnswer(func(m map[string]any) bool {
			if m["resultcode"] != string(pns.CodeSuccess) {
				return false
			}
			m["resultdesc"] = "OK"
			return true
		}), nil}},
	{"11.2/Result-codes-0-HTTP", mutant{"mutC/callcontrol: stop call success answered HTTP 202 (accepted, acted on later)", "business:stop-live-call",
		func(map[string]string) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path != pns.PathStopCall {
						h.ServeHTTP(w, r)
						return
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, r)
					var env pns.Envelope
					if json.Unmarshal(rec.Body.Bytes(), &env) == nil && env.ResultCode == string(pns.CodeSuccess) {
						rec.Code = http.StatusAccepted
					}
					copyRecorded(w, rec)
				})
			}
		}, nil}},
	{"11.2/X-once-a-user", mutant{"mutC/callcontrol: a stop call for a call not going on answered success", "business:unknown-call",
		stopAnswer(func(m map[string]any) bool {
			if m["resultcode"] != string(pns.CodeRecordNotExist) {
				return false
			}
			m["resultcode"], m["resultdesc"] = string(pns.CodeSuccess), "Success"
			return true
		}), nil}},
	{"11.2/Effect-the-emulator-ends", mutant{"mutC/callcontrol: a stop call of the app's call answered success but never acted on", "business:stop-live-call",
		ignoreStops, nil}},
	{"11.2/VoiceCall-s-page-adds-signal-call-stop", mutant{"mutC/callcontrol: a stop releases the caller's leg only (the disconnect is A's inbound leg)", "business:stop-live-call",
		rewriteCalls(func(call map[string]any) bool {
			events, _ := call["events"].([]any)
			if call["stateCode"] != float64(8017) || len(events) < 3 {
				return false
			}
			first, _ := events[0].(map[string]any)
			last, _ := events[len(events)-1].(map[string]any)
			fi, _ := first["statusInfo"].(map[string]any)
			li, _ := last["statusInfo"].(map[string]any)
			if fi == nil || li == nil || li["caller"] == fi["caller"] {
				return false
			}
			li["caller"], li["called"] = fi["caller"], fi["called"]
			return true
		}), nil}},
	{"11.2/Modes-the-current-page-sits", mutant{"mutC/callcontrol: stop call refused to AXYB apps as another mode's API (1010040)", "business:every-mode",
		refuseStopFor(pns.ModeAXYB), nil}},
	{"D79", mutant{"mutC/callcontrol: stop call refused to AX apps as another mode's API (1010040)", "business:every-mode",
		refuseStopFor(pns.ModeAX), nil}},
	{"D80", mutant{"mutC/callcontrol: stop call for an ended call answered 1010002 naming sessionid", "business:ended-call",
		stopAnswer(func(m map[string]any) bool {
			if m["resultcode"] != string(pns.CodeRecordNotExist) {
				return false
			}
			m["resultcode"], m["resultdesc"] = string(pns.CodeInvalidRequest), "Invalid request. sessionid"
			return true
		}), nil}},
	{"D81", mutant{"mutC/callcontrol: stop call answers labelled text/html as in Huawei's example", "business:answer-content-type",
		func(map[string]string) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path != pns.PathStopCall {
						h.ServeHTTP(w, r)
						return
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, r)
					rec.Header().Set("Content-Type", "text/html;charset=UTF-8")
					copyRecorded(w, rec)
				})
			}
		}, nil}},

	// The X-mode Block reply (§6.7, D87).
	{"6.7/operation", mutant{"mutC/callcontrol: X-mode reply with an unknown or no operation taken as connect", "sequence:M3",
		nil, xReply("op-connect", func(_, reply map[string]any) bool {
			if op := reply["operation"]; op == "connect" || op == "close" {
				return false
			}
			reply["operation"] = "connect"
			return true
		})}},
	{"6.7/connectInfo", mutant{"mutC/callcontrol: X-mode connect reads calleeNum only, the rest of connectInfo ignored", "sequence:M1",
		nil, xReply("callee-only", func(_, reply map[string]any) bool {
			ci, ok := reply["connectInfo"].(map[string]any)
			if !ok || len(ci) < 2 || ci["calleeNum"] == nil {
				return false
			}
			reply["connectInfo"] = map[string]any{"calleeNum": ci["calleeNum"]}
			return true
		})}},
	{"6.7/calleeNum", mutant{"mutC/callcontrol: X-mode connect calleeNum in national form accepted (+86 added)", "sequence:M3",
		nil, xReply("callee-national", connectInfoField(func(ci map[string]any) bool {
			s, ok := ci["calleeNum"].(string)
			if !ok || strings.HasPrefix(s, "+") {
				return false
			}
			ci["calleeNum"] = "+86" + s
			return true
		}))}},
	{"6.7/displayCalleeNum", mutant{"mutC/callcontrol: X-mode connect displayCalleeNum other than X ignored", "sequence:M3",
		nil, xReply("display-any", func(req, reply map[string]any) bool {
			info, _ := req["statusInfo"].(map[string]any)
			return connectInfoField(func(ci map[string]any) bool {
				if d, ok := ci["displayCalleeNum"]; !ok || info == nil || d == info["called"] {
					return false
				}
				delete(ci, "displayCalleeNum")
				return true
			})(req, reply)
		})}},
	{"6.7/maxDuration", mutant{"mutC/callcontrol: X-mode connect maxDuration above 1440 held to 1440", "sequence:M3",
		nil, xReply("max-clamp", connectInfoField(func(ci map[string]any) bool {
			if n, ok := ci["maxDuration"].(float64); !ok || n <= 1440 {
				return false
			}
			ci["maxDuration"] = 1440
			return true
		}))}},
	{"6.7/waitVoice", mutant{"mutC/callcontrol: X-mode connect waitVoice never checked against the uploaded tones", "sequence:M3",
		nil, xReply("wait-any", connectInfoField(func(ci map[string]any) bool {
			if _, ok := ci["waitVoice"]; !ok {
				return false
			}
			delete(ci, "waitVoice")
			return true
		}))}},
	{"6.7/closeHintTone", mutant{"mutC/callcontrol: X-mode close closeHintTone never checked against the uploaded tones", "sequence:M3",
		nil, xReply("close-any", func(_, reply map[string]any) bool {
			ci, ok := reply["closeInfo"].(map[string]any)
			if _, has := ci["closeHintTone"]; !ok || !has {
				return false
			}
			delete(ci, "closeHintTone")
			return true
		})}},
	{"6.7/An-invalid-reply-fails-the", mutant{"mutC/callcontrol: X-mode reply's invalid values dropped and the rest carried out", "sequence:M3",
		nil, xReply("lenient", connectInfoField(func(ci map[string]any) bool {
			changed := false
			if n, ok := ci["maxDuration"].(float64); ok && (n < 0 || n > 1440) {
				delete(ci, "maxDuration")
				changed = true
			}
			if v, ok := ci["waitVoice"].(string); ok && !xTones()[v] {
				delete(ci, "waitVoice")
				changed = true
			}
			return changed
		}))}},
	{"D87", mutant{"mutC/callcontrol: X-mode connectInfo as the Java sample's one-element array refused", "sequence:M1",
		nil, xReply("array-refused", func(_, reply map[string]any) bool {
			if _, ok := reply["connectInfo"].([]any); !ok {
				return false
			}
			reply["connectInfo"] = map[string]any{} // what a reader of the object shape gets
			return true
		})}},

	// The SMS Block reply (§10.3, D89).
	{"10.3/The-reply-to-a-Block", mutant{"mutC/callcontrol: the SMS Block reply's body never read (every text dropped)", "sms:block-route",
		nil, smsReply("body-ignored", func(_, reply map[string]any) bool {
			if len(reply) == 0 {
				return false
			}
			for k := range reply {
				delete(reply, k)
			}
			return true
		})}},
	{"10.3/actions", mutant{"mutC/callcontrol: an empty SMS actions list taken as DiscardMessage", "sms:block-invalid",
		nil, smsReply("empty-discard", func(_, reply map[string]any) bool {
			if a, ok := reply["actions"].([]any); !ok || len(a) != 0 {
				return false
			}
			reply["actions"] = []any{map[string]any{"operation": "DiscardMessage"}}
			return true
		})}},
	{"10.3/actions-.operation", mutant{"mutC/callcontrol: an unknown SMS operation taken as DiscardMessage", "sms:block-invalid",
		nil, smsReply("op-discard", firstAction(func(_, a map[string]any) bool {
			if op := a["operation"]; op == "vNumberRoute" || op == "DiscardMessage" {
				return false
			}
			a["operation"] = "DiscardMessage"
			return true
		}))}},
	{"10.3/actions-.message", mutant{"mutC/callcontrol: vNumberRoute without message taken as DiscardMessage", "sms:block-invalid",
		nil, smsReply("no-message-discard", firstAction(func(_, a map[string]any) bool {
			if _, ok := a["message"]; ok || a["operation"] != "vNumberRoute" {
				return false
			}
			a["operation"] = "DiscardMessage"
			return true
		}))}},
	{"10.3/actions-.message.called", mutant{"mutC/callcontrol: SMS message.called in national form accepted (+86 added)", "sms:block-invalid",
		nil, smsReply("called-national", firstAction(func(_, a map[string]any) bool {
			msg, _ := a["message"].(map[string]any)
			s, ok := msg["called"].(string)
			if !ok || strings.HasPrefix(s, "+") {
				return false
			}
			msg["called"] = "+86" + s
			return true
		}))}},
	{"10.3/actions-.message.calling", mutant{"mutC/callcontrol: SMS message.calling never compared with the sender", "sms:block-invalid",
		nil, smsReply("calling-any", firstAction(func(req, a map[string]any) bool {
			ev, _ := req["smsEvent"].(map[string]any)
			msg, _ := a["message"].(map[string]any)
			if ev == nil || msg == nil || msg["calling"] == ev["calling"] {
				return false
			}
			msg["calling"] = ev["calling"]
			return true
		}))}},
	{"D89", mutant{"mutC/callcontrol: the forwarded SMS's Notify without the reply's userData", "sms:block-route",
		nil, smsReply("no-userdata", firstAction(func(_, a map[string]any) bool {
			if _, ok := a["userData"]; !ok {
				return false
			}
			delete(a, "userData")
			return true
		}))}},

	// The fee record (§8.3), read in the call simulator's report and the call log.
	{"8.3/direction", mutant{"mutC/notification: fee direction 0 and 1 swapped", "delivery:fee",
		rewriteCalls(feeField(func(fee map[string]any) bool {
			switch fee["direction"] {
			case float64(0):
				fee["direction"] = 1
			case float64(1):
				fee["direction"] = 0
			default:
				return false
			}
			return true
		})), nil}},
	{"8.3/failTime", mutant{"mutC/notification: fee failTime never sent", "business:stop-live-call",
		rewriteCalls(feeField(dropField("failTime"))), nil}},
	{"8.3/fwdAlertingTime", mutant{"mutC/notification: fee fwdAlertingTime never sent", "business:stop-live-call",
		rewriteCalls(feeField(dropField("fwdAlertingTime"))), nil}},
	{"8.3/fwdAnswerTime", mutant{"mutC/notification: fee fwdAnswerTime set to the ringing time when the callee never answered", "business:stop-live-call",
		rewriteCalls(feeField(func(fee map[string]any) bool {
			a, ok := fee["fwdAlertingTime"]
			if _, has := fee["fwdAnswerTime"]; !ok || has {
				return false
			}
			fee["fwdAnswerTime"] = a
			return true
		})), nil}},
	{"8.3/recordDomain", mutant{"mutC/notification: fee recordDomain never sent", "business:recorded-call",
		rewriteCalls(feeField(dropField("recordDomain"))), nil}},
	{"8.3/recordObjectName", mutant{"mutC/notification: fee recordObjectName never sent", "business:recorded-call",
		rewriteCalls(feeField(dropField("recordObjectName"))), nil}},
	{"8.3/subscriptionId", mutant{"mutC/notification: fee subscriptionId never sent", "delivery:fee",
		rewriteCalls(feeField(dropField("subscriptionId"))), nil}},
	{"8.3/ulFailReason", mutant{"mutC/notification: fee ulFailReason 0 for calls that failed or were released", "delivery:fee",
		rewriteCalls(feeField(func(fee map[string]any) bool {
			if n, ok := fee["ulFailReason"].(float64); !ok || n == 0 {
				return false
			}
			fee["ulFailReason"] = 0
			return true
		})), nil}},
	{"9/Trigger-an-X-number-s-status", mutant{"mutC/notification: X-status changes never pushed", "delivery:numstatus",
		nil, func(c *emulator.Config) {
			for i := range c.Apps {
				c.Apps[i].XStatusURL = ""
			}
		}}},
	{"D73", mutant{"mutC/notification: X-status changes of one moment never batched (one per message)", "delivery:numstatus-cap",
		nil, func(c *emulator.Config) { c.StatusBatchMax = 1 }}},

	// The recording download (§11.1, §13.6, D75).
	{"11.1/fileName", mutant{"mutC/recording: a download without fileName answered as an unknown recording", "mandatory:fileName",
		downloadWithout("fileName"), nil}},
	{"11.1/recordDomain", mutant{"mutC/recording: a download without recordDomain answered as an unknown recording", "mandatory:recordDomain",
		downloadWithout("recordDomain"), nil}},
	{"11.1/The-emulator-answers-301-with", mutant{"mutC/recording: download redirect answered 302 instead of 301", "business:download-redirect",
		func(map[string]string) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path != pns.PathRecordDownload {
						h.ServeHTTP(w, r)
						return
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, r)
					if rec.Code == http.StatusMovedPermanently {
						rec.Code = http.StatusFound
					}
					copyRecorded(w, rec)
				})
			}
		}, nil}},
	{"13.6/Recording-retention", mutant{"mutC/recording: recordings kept 3 days (the download URL's validity) instead of 7", "business:retention",
		shortRetention(3 * 24 * time.Hour), nil}},
	{"D75", mutant{"mutC/recording: an unknown recording answered HTTP 403 as the other 1012007 answers", "business:unknown-recording",
		func(map[string]string) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path != pns.PathRecordDownload {
						h.ServeHTTP(w, r)
						return
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, r)
					if rec.Code == http.StatusNotFound {
						rec.Code = http.StatusForbidden
					}
					copyRecorded(w, rec)
				})
			}
		}, nil}},
}

// mutCTargetReasons explain the mutCMutants that survive on a target that is not the
// emulator: what tells their break apart needs a call going on (only the emulator's call
// simulator places one) or is an emulator decision.
var mutCTargetReasons = map[string]string{
	"mutC/callcontrol: stop call sent as text/plain read as JSON": "invisible: refusing a body not labelled application/json " +
		"is the emulator's decision D18; §1.3 only says what a client sends",
	"mutC/callcontrol: stop call signal matched without case (CALL_STOP stops the call)": liveCallOnly,
	"mutC/callcontrol: stop call signal taken with its blanks trimmed":                   liveCallOnly,
	"mutC/callcontrol: a stop call without signal stops the call (call_stop assumed)":    liveCallOnly,
	"mutC/callcontrol: stop call takes the notifications' sessionId for sessionid":       liveCallOnly,
	`mutC/callcontrol: stop call success answered with resultcode "000000"`: "invisible: only the stop call of a call going on " +
		"succeeds, and only the emulator's call simulator can place one",
	"mutC/callcontrol: stop call success answered HTTP 202 (accepted, acted on later)": "invisible: only the stop call of a call " +
		"going on succeeds, and only the emulator's call simulator can place one",
	"mutC/callcontrol: stop call refused to AX apps as another mode's API (1010040)": "invisible: the stop call from modes " +
		"other than AXYB is the emulator's decision D79 (asserted on AXYB apps only elsewhere)",
	"mutC/callcontrol: stop call for an ended call answered 1010002 naming sessionid": "invisible: the code for an ended call " +
		"is unpublished (D80): elsewhere only a resultcode other than \"0\" is asserted, which 1010002 is",
	"mutC/callcontrol: stop call answers labelled text/html as in Huawei's example": "invisible: the stop call's Content-Type " +
		"is the emulator's decision D81 (Huawei's own example answers text/html)",
	"mutC/recording: an unknown recording answered HTTP 403 as the other 1012007 answers": "invisible: HTTP 404 for an " +
		"unknown recording is the emulator's decision D75; another platform may send 1012007 with another status",
}

// liveCallOnly is the reason of the stop-call request mutants on a target: they change how
// a stop call is read, which shows only against a call going on.
const liveCallOnly = "invisible: a stop call's body is told apart from the unknown-call refusal only for a call going on, " +
	"which only the emulator's call simulator can place; without one every such stop call is refused whatever the " +
	"platform reads (and the code naming the field is the emulator's decision D80)"

func init() {
	for _, cm := range mutCMutants {
		mutants = append(mutants, cm.m)
		mutantRuleIDs[cm.m.name] = cm.id
	}
	for n, r := range mutCTargetReasons {
		targetSurvivorReasons[n] = r
	}
	// TestReplyWriter's edit, registered here so that no test writes the map while a
	// parallel one's receivers read it.
	replyEdits["test-echo"] = func(req, reply map[string]any) bool {
		if req["statusInfo"] == nil {
			return false
		}
		reply["seen"] = req["statusInfo"]
		return true
	}
}

// stopBody lets f edit the JSON body of stop calls before the emulator reads it.
func stopBody(f func(map[string]any) bool) func(map[string]string) func(http.Handler) http.Handler {
	return rewriteBody(http.MethodPost, pns.PathStopCall, f)
}

// stopAnswer lets f edit the JSON answers of stop calls.
func stopAnswer(f func(map[string]any) bool) func(map[string]string) func(http.Handler) http.Handler {
	return rewriteAnswers(func(r *http.Request, m map[string]any) bool {
		return r.URL.Path == pns.PathStopCall && f(m)
	})
}

// refuseStopFor answers 1010040 to the stop calls of apps of mode, as a platform that lists
// the stop call under other modes only would.
func refuseStopFor(mode pns.Mode) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		modes := map[string]pns.Mode{}
		if cfg, err := ConformanceConfig(); err == nil {
			for _, a := range cfg.Apps {
				modes[a.AppKey] = a.Mode
			}
		}
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if t, err := pns.ParseRequestAuth(r.Header); err == nil && r.URL.Path == pns.PathStopCall && modes[t.Username] == mode {
					writeError(w, pns.NewError(pns.CodeAPINotAllowed))
					return
				}
				h.ServeHTTP(w, r)
			})
		}
	}
}

// ignoreStops answers success to a stop call with call_stop naming a call in the calling app's
// call log, without passing it on: the call goes on as if never stopped, and a call that has
// ended is "stopped" again.
func ignoreStops(map[string]string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t, err := pns.ParseRequestAuth(r.Header)
			if r.URL.Path != pns.PathStopCall || err != nil {
				h.ServeHTTP(w, r)
				return
			}
			var req struct {
				SessionID string `json:"sessionid"`
				Signal    string `json:"signal"`
			}
			if json.Unmarshal(body(r), &req) != nil || req.SessionID == "" || req.Signal != pns.StopCallSignal {
				h.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequestWithContext(r.Context(), http.MethodGet,
				"/emulator/v1/calls?app="+url.QueryEscape(t.Username)+"&sessionId="+url.QueryEscape(req.SessionID), nil))
			var log struct {
				Count int `json:"count"`
			}
			if json.Unmarshal(rec.Body.Bytes(), &log) != nil || log.Count == 0 {
				h.ServeHTTP(w, r)
				return
			}
			writeError(w, &pns.Error{Code: pns.CodeSuccess, Desc: "Success"})
		})
	}
}

// rewriteCalls lets f edit every call the call simulator reports (POST /emulator/v1/calls)
// and every call of the call log (GET /emulator/v1/calls): what the scenarios compare the
// pushes with.
func rewriteCalls(f func(call map[string]any) bool) func(map[string]string) func(http.Handler) http.Handler {
	return rewriteAnswers(func(r *http.Request, m map[string]any) bool {
		if r.URL.Path != "/emulator/v1/calls" {
			return false
		}
		if r.Method == http.MethodPost {
			return f(m)
		}
		changed := false
		calls, _ := m["calls"].([]any)
		for _, c := range calls {
			if call, ok := c.(map[string]any); ok && f(call) {
				changed = true
			}
		}
		return changed
	})
}

// feeField applies f to a call's fee record.
func feeField(f func(fee map[string]any) bool) func(call map[string]any) bool {
	return func(call map[string]any) bool {
		fee, ok := call["fee"].(map[string]any)
		return ok && f(fee)
	}
}

// dropField removes a field from a record that has it.
func dropField(name string) func(map[string]any) bool {
	return func(m map[string]any) bool {
		if _, ok := m[name]; !ok {
			return false
		}
		delete(m, name)
		return true
	}
}

// xReply registers edit as the named Block reply edit and returns the configuration change
// that sends the customer's X-mode callin replies (at every notification URL of every app)
// through it.
func xReply(name string, edit func(request, reply map[string]any) bool) func(*emulator.Config) {
	replyEdits["x-"+name] = func(req, reply map[string]any) bool {
		return req["statusInfo"] != nil && edit(req, reply)
	}
	return addWire(wireReply + "=x-" + name)
}

// smsReply is xReply for the replies to SMS Block requests.
func smsReply(name string, edit func(request, reply map[string]any) bool) func(*emulator.Config) {
	replyEdits["sms-"+name] = func(req, reply map[string]any) bool {
		return req["smsEvent"] != nil && edit(req, reply)
	}
	return addWire(wireReply + "=sms-" + name)
}

// xTones are the tone files approved for the X-mode apps of the conformance configuration.
var xTones = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	if cfg, err := ConformanceConfig(); err == nil {
		for _, a := range cfg.Apps {
			if a.Mode == pns.ModeX {
				for _, f := range a.ToneFiles {
					out[f] = true
				}
			}
		}
	}
	return out
})

// connectInfoField applies f to the object connectInfo of a connect reply.
func connectInfoField(f func(ci map[string]any) bool) func(request, reply map[string]any) bool {
	return func(_, reply map[string]any) bool {
		ci, ok := reply["connectInfo"].(map[string]any)
		return ok && f(ci)
	}
}

// firstAction applies f to the first action of an SMS reply, the one the platform acts on.
func firstAction(f func(request, action map[string]any) bool) func(request, reply map[string]any) bool {
	return func(req, reply map[string]any) bool {
		actions, _ := reply["actions"].([]any)
		if len(actions) == 0 {
			return false
		}
		a, ok := actions[0].(map[string]any)
		return ok && f(req, a)
	}
}

// downloadWithout answers a recording download that lacks param as the emulator answers an
// unknown recording (1012007, HTTP 404), as a platform that looks the file up before checking
// its parameters would.
func downloadWithout(param string) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet && r.URL.Path == pns.PathRecordDownload && r.URL.Query().Get(param) == "" {
					b, _ := json.Marshal(pns.Envelope{ResultCode: string(pns.CodeRecordNotExist), ResultDesc: pns.CodeRecordNotExist.Desc()})
					w.Header().Set("Content-Type", pns.ContentTypeJSON)
					w.WriteHeader(http.StatusNotFound)
					_, _ = w.Write(b)
					return
				}
				h.ServeHTTP(w, r)
			})
		}
	}
}

// TestReplyWriter: a URL naming a registered reply edit gets the receiver's reply edited with
// the request at hand, and the request's body is still there for the receiver; a URL naming
// none, or an edit that changes nothing, leaves the reply byte for byte.
func TestReplyWriter(t *testing.T) {
	for _, tc := range []struct{ url, body, want string }{
		{"/cb?" + wireReply + "=test-echo", `{"statusInfo":{"called":"+8613"}}`, `{"operation":"close","seen":{"called":"+8613"}}`},
		{"/cb?" + wireReply + "=test-echo", `{"smsEvent":{}}`, `{"operation": "close"}`},
		{"/cb?" + wireReply + "=unknown", `{"statusInfo":{}}`, `{"operation": "close"}`},
		{"/cb", `{"statusInfo":{}}`, `{"operation": "close"}`},
	} {
		req := httptest.NewRequest(http.MethodPost, tc.url, strings.NewReader(tc.body))
		rec := httptest.NewRecorder()
		w := parseWire(req.URL.Query()).replyWriter(rec, req)
		if b, _ := io.ReadAll(req.Body); string(b) != tc.body {
			t.Errorf("%s: the receiver reads %q, want %q", tc.url, b, tc.body)
		}
		_, _ = w.Write([]byte(`{"operation": "close"}`))
		if got := rec.Body.String(); got != tc.want {
			t.Errorf("%s %s: reply %s, want %s", tc.url, tc.body, got, tc.want)
		}
	}
}
