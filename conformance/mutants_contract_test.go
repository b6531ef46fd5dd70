package conformance

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// ruleMutant is a mutant written for one rule of the inventory that had none (issue 22 item
// 3): the rule ID comes with it.
type ruleMutant struct {
	id string
	m  mutant
}

// contractMutants break, one each, rules of the inventory that no other mutant names, in the
// classes of issue 22: authentication, answers, state, notifications, recordings, validation.
var contractMutants = []ruleMutant{
	// Authentication (§2.1, §2.4, §2.5, D1, D2).
	{"2.5/8", mutant{"contract/auth: an unknown APP_Key served as the AXB app", "business:unknown-app-key",
		func(secrets map[string]string) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if t, err := pns.ParseRequestAuth(r.Header); err == nil && t.Scheme == pns.SchemeAKSK {
						if _, ok := secrets[t.Username]; !ok {
							pns.Signer{AppKey: demoKeys["AXB"], AppSecret: secrets[demoKeys["AXB"]]}.Sign(r.Header)
						}
					}
					h.ServeHTTP(w, r)
				})
			}
		}, nil}},
	{"2.5/4", mutant{`contract/auth: a realm other than "SDP" accepted`, "business:authorization-format",
		func(map[string]string) func(http.Handler) http.Handler {
			realm := regexp.MustCompile(`realm="[^"]*"`)
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if a := r.Header.Get("Authorization"); realm.MatchString(a) && !strings.Contains(a, `realm="SDP"`) {
						r.Header.Set("Authorization", realm.ReplaceAllString(a, `realm="SDP"`))
					}
					h.ServeHTTP(w, r)
				})
			}
		}, nil}},
	{"2.5/7", mutant{"contract/auth: a missing PasswordDigest answered as a missing Nonce (1023035)", "business:x-aksk-format",
		recode(pns.Code("1023037"), pns.Code("1023035"), 0), nil}},
	{"2.4/Whitespace-after-a-comma-is-optional-the", mutant{`contract/auth: X-AKSK with ", " separators refused`, "business:separators",
		refuseAuth(pns.Code("1023034"), func(r *http.Request, _ pns.Token) bool {
			return strings.Contains(r.Header.Get(pns.HeaderXAKSK), `", `)
		}), nil}},
	{"D1", mutant{"contract/auth: X-WSSE refused although the app allows it", "business:wsse",
		func(map[string]string) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.HasPrefix(strings.ToUpper(r.Header.Get("Authorization")), "WSSE") && r.Header.Get("X-WSSE") != "" {
						writeError(w, pns.NewError(pns.Code("1023033")))
						return
					}
					h.ServeHTTP(w, r)
				})
			}
		}, nil}},
	{"D2", mutant{"contract/auth: local time sent as UTC no longer tolerated", "business:local-time-tolerance", nil,
		func(c *emulator.Config) { off := ""; c.TolerateLocalTimeAsUTC = &off }}},
	{"2.5/13", mutant{"contract/auth: skew window of 600 s instead of 300 s", "business:future-created", nil,
		func(c *emulator.Config) { c.AuthSkewSeconds = 600 }}},

	// Answers (§1.5, §1.6, §3.2, §3.5, §5.2, §12).
	{"1.5/resultcode", mutant{"contract/answer: resultcode sent as a JSON number", "business:answer-content-type",
		rewriteAnswers(func(_ *http.Request, m map[string]any) bool {
			s, ok := m["resultcode"].(string)
			n, err := strconv.Atoi(s)
			if !ok || err != nil {
				return false
			}
			m["resultcode"] = n
			return true
		}), nil}},
	{"1.6/1010002-1010003-1012001", mutant{"contract/answer: 1010002 answered with HTTP 400 instead of 403", "mandatory:callerNum",
		recode(pns.CodeInvalidRequest, pns.CodeInvalidRequest, http.StatusBadRequest), nil}},
	{"1.6/1010010-Invalid-digest-1010013-Time-out", mutant{"contract/answer: 1010013 answered with HTTP 403 instead of 401", "business:stale-created",
		recode(pns.Code("1010013"), pns.Code("1010013"), http.StatusForbidden), nil}},
	{"12/1012007", mutant{"contract/answer: 1012007's description without its trailing period", "business:unknown-subscription",
		rewriteAnswers(func(_ *http.Request, m map[string]any) bool {
			d, ok := m["resultdesc"].(string)
			if m["resultcode"] != string(pns.CodeRecordNotExist) || !ok || !strings.HasSuffix(d, ".") {
				return false
			}
			m["resultdesc"] = strings.TrimSuffix(d, ".")
			return true
		}), nil}},
	{"3.5/totalCount", mutant{"contract/answer: AXB query totalCount counts the page, not every match", "business:pagination",
		rewriteAnswers(func(r *http.Request, m map[string]any) bool {
			list, ok := m["relationNumList"].([]any)
			if r.Method != http.MethodGet || r.URL.Path != pns.PathAXB || !ok {
				return false
			}
			if n, _ := m["totalCount"].(float64); int(n) == len(list) {
				return false
			}
			m["totalCount"] = len(list)
			return true
		}), nil}},
	{"3.2/relationNum~2", mutant{"contract/answer: AXB bind answers without relationNum", "business:area-selection",
		rewriteAnswers(func(r *http.Request, m map[string]any) bool {
			if r.Method != http.MethodPost || r.URL.Path != pns.PathAXB || m["resultcode"] != string(pns.CodeSuccess) || m["relationNum"] == nil {
				return false
			}
			delete(m, "relationNum")
			return true
		}), nil}},

	// State (§3.1, §3.4, §5.1).
	{"3.1/Bind-and-unbind-take-effect", mutant{"contract/state: AXB unbind by subscriptionId answers success but keeps the binding", "business:unknown-subscription",
		func(map[string]string) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodDelete && r.URL.Path == pns.PathAXB && r.URL.Query().Get("subscriptionId") != "" {
						// Look the binding up instead of removing it (the request's
						// signature holds for any method): an existing binding is answered
						// success and stays; an unknown one gets the lookup's refusal.
						q := r.Clone(r.Context())
						q.Method = http.MethodGet
						q.URL.RawQuery = "subscriptionId=" + url.QueryEscape(r.URL.Query().Get("subscriptionId"))
						rec := httptest.NewRecorder()
						h.ServeHTTP(rec, q)
						var env pns.Envelope
						if json.Unmarshal(rec.Body.Bytes(), &env) == nil && env.ResultCode == string(pns.CodeSuccess) {
							writeError(w, &pns.Error{Code: pns.CodeSuccess, Desc: env.ResultDesc})
							return
						}
						for k, v := range rec.Header() {
							w.Header()[k] = v
						}
						w.WriteHeader(rec.Code)
						_, _ = w.Write(rec.Body.Bytes())
						return
					}
					h.ServeHTTP(w, r)
				})
			}
		}, nil}},
	{"3.4/Prerequisite-the-binding-exists-custom", mutant{"contract/state: AXB modify without maxDuration resets it to 0", "business:no-op",
		rewriteBody(http.MethodPut, pns.PathAXB, func(m map[string]any) bool {
			if _, ok := m["maxDuration"]; ok {
				return false
			}
			m["maxDuration"] = 0
			return true
		}), nil}},
	{"5.1/E-has-at-most-4", mutant{"contract/state: AXE bind answers a 3-digit extension", "business:extension-allocation",
		rewriteAnswers(func(r *http.Request, m map[string]any) bool {
			e, ok := m["extendNum"].(string)
			if r.Method != http.MethodPost || r.URL.Path != pns.PathAXE || !ok || len(e) != 4 {
				return false
			}
			m["extendNum"] = e[1:]
			return true
		}), nil}},
	{"3.1/Recording-needs-the-app-level-recording", mutant{"contract/state: recordFlag accepted for apps without the recording option", "business:recording-disabled", nil,
		func(c *emulator.Config) {
			for i := range c.Apps {
				c.Apps[i].Recording = bp(true)
			}
		}}},

	// Notifications (§7.1, §8.3, §10.1, D66).
	{"D66", mutant{"contract/notification: pushes signed with X-WSSE for apps set to X-AKSK", "delivery:signature-aksk", nil,
		func(c *emulator.Config) {
			for i := range c.Apps {
				c.Apps[i].CallbackAuth = "wsse"
			}
		}}},
	{"10.1/The-text-is-included-only", mutant{"contract/notification: SMS text included for every app", "delivery:sms-content", nil,
		func(c *emulator.Config) {
			for i := range c.Apps {
				c.Apps[i].SMSIncludeContent = bp(true)
			}
		}}},
	{"10.2/smsEvent.smsContent", mutant{"contract/notification: SMS text never included although the app says so", "delivery:sms-notify", nil,
		func(c *emulator.Config) {
			for i := range c.Apps {
				c.Apps[i].SMSIncludeContent = bp(false)
			}
		}}},
	{"8.3/callerNum", mutant{"contract/notification: fee callerNum is X instead of the first leg's caller", "meaning:fee-first-leg",
		rewriteFee(func(fee map[string]any) bool {
			x, ok := fee["bindNum"].(string)
			if !ok || fee["callerNum"] == x {
				return false
			}
			fee["callerNum"] = x
			return true
		}), nil}},
	{"8.1/All-times-are-UTC-yyyy-MM-dd", mutant{"contract/notification: fee callEndTime in China local time", "delivery:fee",
		rewriteFee(func(fee map[string]any) bool {
			s, ok := fee["callEndTime"].(string)
			t, err := pns.ParseUTC(s)
			if !ok || err != nil {
				return false
			}
			fee["callEndTime"] = pns.FormatUTC(t.Add(8 * time.Hour))
			return true
		}), nil}},

	// Recordings (§11.1).
	{"11.1/Success-an-HTTP-redirect-the", mutant{"contract/recording: download redirect without its Location header", "business:download-redirect",
		func(map[string]string) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path != pns.PathRecordDownload {
						h.ServeHTTP(w, r)
						return
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, r)
					for k, v := range rec.Header() {
						if k != "Location" {
							w.Header()[k] = v
						}
					}
					w.WriteHeader(rec.Code)
					_, _ = w.Write(rec.Body.Bytes())
				})
			}
		}, nil}},

	// Validation (§1.4, §3.2, §3.5).
	{"3.2/userData", mutant{"contract/validation: braces in userData accepted (stripped)", "format:userData",
		rewriteBody(http.MethodPost, pns.PathAXB, func(m map[string]any) bool {
			s, ok := m["userData"].(string)
			if !ok || !strings.ContainsAny(s, "{}") {
				return false
			}
			if s = strings.NewReplacer("{", "", "}", "").Replace(s); s == "" {
				s = "x"
			}
			m["userData"] = s
			return true
		}), nil}},
	{"3.5/pageIndex", mutant{"contract/validation: AXB query pageIndex ignored (always the first page)", "business:pagination",
		rewriteQuery(http.MethodGet, pns.PathAXB, func(q map[string][]string) bool {
			if q["pageIndex"] == nil {
				return false
			}
			delete(q, "pageIndex")
			return true
		}), nil}},
	{"1.4/X-numbers-relationNum-privateNum-virtual", mutant{"contract/validation: a fixed-line relationNum accepted as the app's mobile X", "format:relationNum",
		rewriteBody(http.MethodPost, pns.PathAXB, func(m map[string]any) bool {
			s, ok := m["relationNum"].(string)
			if !ok || !regexp.MustCompile(`^\+86[2-9][0-9]{8,10}$`).MatchString(s) {
				return false
			}
			delete(m, "relationNum")
			return true
		}), nil}},

	// Second batch: precedence, roles and order (§3.5, §4.5, §5.5).
	{"3.5/relationNum-callerNum", mutant{"contract/validation: AXB query matches callerNum in the callee's role", "business:role-match",
		rewriteQuery(http.MethodGet, pns.PathAXB, func(q map[string][]string) bool {
			if q["callerNum"] == nil || q["calleeNum"] != nil {
				return false
			}
			q["calleeNum"] = q["callerNum"]
			delete(q, "callerNum")
			return true
		}), nil}},
	{"4.5/One-of-the-three-is", mutant{"contract/validation: AX query lets origNum win over subscriptionId", "precedence:subscriptionId>origNum>privateNum",
		rewriteQuery(http.MethodGet, pns.PathAX, func(q map[string][]string) bool {
			if q["subscriptionId"] == nil || q["origNum"] == nil {
				return false
			}
			delete(q, "subscriptionId")
			return true
		}), nil}},
	{"5.5/subscriptionId", mutant{"contract/validation: AXE query lets virtualNum and extendNum win over subscriptionId", "precedence:subscriptionId",
		rewriteQuery(http.MethodGet, pns.PathAXE, func(q map[string][]string) bool {
			if q["subscriptionId"] == nil || q["virtualNum"] == nil {
				return false
			}
			delete(q, "subscriptionId")
			return true
		}), nil}},
	{"4.5/privateNumList", mutant{"contract/answer: AX query lists bindings newest first", "business:utc-time",
		reverseList(http.MethodGet, pns.PathAX, "privateNumList"), nil}},
	{"3.5/relationNum-only", mutant{"contract/answer: AXB query by relationNum lists bindings newest first", "business:pagination",
		reverseList(http.MethodGet, pns.PathAXB, "relationNumList"), nil}},
	{"D8", mutant{"contract/lockout: the lock lasts 10 minutes instead of 30", "business:lockout-extension", nil,
		func(c *emulator.Config) { c.LockoutSeconds = 600 }}},
}

// reverseList reverses the list field of method answers on path when it has two entries or more,
// as a platform ordering by the wrong key would.
func reverseList(method, path, field string) func(map[string]string) func(http.Handler) http.Handler {
	return rewriteAnswers(func(r *http.Request, m map[string]any) bool {
		list, ok := m[field].([]any)
		if r.Method != method || r.URL.Path != path || !ok || len(list) < 2 {
			return false
		}
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
		return true
	})
}

// rewriteAnswers is rewriteJSON as a mutant's wrapper.
func rewriteAnswers(f func(*http.Request, map[string]any) bool) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler { return rewriteJSON(f) }
}

// recode answers resultcode to instead of from, with HTTP status (0: the status of to).
func recode(from, to pns.Code, status int) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				var env pns.Envelope
				if json.Unmarshal(rec.Body.Bytes(), &env) == nil && env.ResultCode == string(from) {
					e := pns.NewError(to)
					if from == to {
						e.Desc = env.ResultDesc
					}
					b, _ := json.Marshal(pns.Envelope{ResultCode: string(e.Code), ResultDesc: e.Desc})
					st := status
					if st == 0 {
						st = e.HTTPStatus()
					}
					w.Header().Set("Content-Type", pns.ContentTypeJSON)
					w.WriteHeader(st)
					_, _ = w.Write(b)
					return
				}
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				w.WriteHeader(rec.Code)
				_, _ = w.Write(rec.Body.Bytes())
			})
		}
	}
}

func init() {
	for _, cm := range contractMutants {
		mutants = append(mutants, cm.m)
		mutantRuleIDs[cm.m.name] = cm.id
	}
}
