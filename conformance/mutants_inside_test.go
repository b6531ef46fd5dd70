package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// insideMutants break a rule from the inside (issue 22): the boundary is still refused, but the
// platform's behaviour inside the rule is wrong in a way a real implementation plausibly gets
// wrong. Their names start with "inside/<class>:" after the gap classes of the issue (1
// authentication encoding, 2 lockout, 3 notification meaning, 4 recordings, 5 answers, 6
// state, 7 validation), so that
// `PNS_MUTATION=1 PNS_MUTANTS=inside/1 go test -run TestMutationScore ./conformance` scores one
// class. Each is killed by a scenario of features/{xaksk_encoding,lockout,notifications,answers,
// state,validation_inside}.feature.
var insideMutants = []mutant{
	// Class 1: authentication encoding and parsing (§2.1, §2.4, D2, D3, D7, D9).
	{"inside/1: digest compared without case", "business:bad-digest",
		resignWith(func(t pns.Token, s string) bool {
			return t.PasswordDigest != t.Expected(s) && strings.EqualFold(t.PasswordDigest, t.Expected(s))
		}), nil},
	{"inside/1: digest compared without its padding", "business:digest-encoding",
		resignWith(func(t pns.Token, s string) bool {
			return t.PasswordDigest != t.Expected(s) && strings.TrimRight(t.PasswordDigest, "=") == strings.TrimRight(t.Expected(s), "=")
		}), nil},
	{"inside/1: Created parsed as any RFC 3339 time (fractions, numeric zones)", "business:malformed-created",
		lenientCreated(time.RFC3339Nano), nil},
	{"inside/1: Created without its Z read as UTC", "business:malformed-created",
		lenientCreated("2006-01-02T15:04:05"), nil},
	{"inside/1: Created with a space instead of the T accepted", "business:malformed-created",
		lenientCreated("2006-01-02 15:04:05Z"), nil},
	{"inside/1: local-time tolerance of 1.5 h around +8 h instead of the skew window", "business:local-time-tolerance",
		createdAhead(func(d time.Duration) bool { return d > 390*time.Minute && d < 570*time.Minute }), nil},
	{"inside/1: any whole-hour zone up to +8 h tolerated", "business:local-time-tolerance",
		createdAhead(func(d time.Duration) bool {
			h := d.Round(time.Hour)
			return h >= time.Hour && h <= 8*time.Hour && (d-h).Abs() <= 300*time.Second
		}), nil},
	{"inside/1: local time tolerated 8 h behind as well", "business:local-time-tolerance",
		createdAhead(func(d time.Duration) bool { return (d + 8*time.Hour).Abs() <= 300*time.Second }), nil},
	{"inside/1: nonce maximum taken as 127 characters", "business:nonce-length",
		refuseAuth(pns.CodeInvalidDigest, func(r *http.Request, t pns.Token) bool { return len(t.Nonce) == 128 }), nil},
	{"inside/1: nonce of fewer than 8 characters refused", "business:nonce-length",
		refuseAuth(pns.CodeInvalidDigest, func(r *http.Request, t pns.Token) bool { return len(t.Nonce) < 8 }), nil},
	{"inside/1: scheme token matched with its case", "business:scheme-case",
		refuseAuth(pns.CodeRealmMissing, func(r *http.Request, _ pns.Token) bool {
			return strings.HasPrefix(r.Header.Get(pns.HeaderAuthorization), "aksk ")
		}), nil},
	{"inside/1: Authorization attribute names matched without case", "business:attribute-case",
		canonicalNames(pns.HeaderAuthorization, "realm", "profile", "type"), nil},
	{"inside/1: X-AKSK attribute names matched without case", "business:attribute-case",
		canonicalNames(pns.HeaderXAKSK, "Username", "PasswordDigest", "Nonce", "Created"), nil},

	// Class 2: lockout semantics (§2.6, D8).
	{"inside/2: lockout after 9 failures", "business:lockout-threshold", nil,
		func(c *emulator.Config) { c.LockoutFailures = 9 }},
	{"inside/2: lockout after 11 failures", "business:lockout-threshold", nil,
		func(c *emulator.Config) { c.LockoutFailures = 11 }},
	{"inside/2: validation and business refusals count toward the lockout", "business:lockout-counting",
		countRefusals, nil},
	{"inside/2: lockout keyed by X-Forwarded-For instead of the TCP peer", "business:lockout-peer",
		forwardedPeer, nil},
	{"inside/2: requests refused during the lock extend it", "business:lockout-extension",
		extendLock, nil},

	// Class 4: recordings (§11.1), continued.
	{"inside/4: retention counted from the call's start, not the fee push", "business:retention", shortRetention(7 * 24 * time.Hour), nil},

	// Class 5: answers (§1.5, §4.5).
	{"inside/5: answers labelled text/html", "business:answer-content-type",
		answerContentType("text/html;charset=UTF-8"), nil},
	{"inside/5: answers labelled with charset GBK", "business:answer-content-type",
		answerContentType("application/json;charset=GBK"), nil},
	{"inside/5: AX query fills in callDirection 0 when it was never set", "business:absent-unset",
		func(map[string]string) func(http.Handler) http.Handler {
			return rewriteJSON(func(r *http.Request, m map[string]any) bool {
				if r.Method != http.MethodGet || r.URL.Path != pns.PathAX {
					return false
				}
				changed := false
				items, _ := m["privateNumList"].([]any)
				for _, it := range items {
					if b, ok := it.(map[string]any); ok && b["callDirection"] == nil {
						b["callDirection"] = 0
						changed = true
					}
				}
				return changed
			})
		}, nil},
	{"inside/5: AX query answers unset optional fields as JSON null", "business:absent-unset",
		func(map[string]string) func(http.Handler) http.Handler {
			return rewriteJSON(func(r *http.Request, m map[string]any) bool {
				if r.Method != http.MethodGet || r.URL.Path != pns.PathAX {
					return false
				}
				changed := false
				items, _ := m["privateNumList"].([]any)
				for _, it := range items {
					b, _ := it.(map[string]any)
					for _, f := range []string{"recordHintTone", "userData", "preVoice"} {
						if _, ok := b[f]; b != nil && !ok {
							b[f] = nil
							changed = true
						}
					}
				}
				return changed
			})
		}, nil},

	// Class 6: state (§3.2, §3.4, §13.4).
	{"inside/6: AXB unbind finds another app's binding", "business:isolation",
		resignAs(http.MethodDelete, pns.PathAXB), nil},
	{"inside/6: AXB modify with duration 0 taken as not sent", "business:never-expires",
		rewriteBody(http.MethodPut, pns.PathAXB, func(m map[string]any) bool {
			if d, ok := m["duration"].(float64); ok && d == 0 {
				delete(m, "duration")
				return true
			}
			return false
		}), nil},
	{"inside/6: AXB bindings expire one second late (the expiry instant still alive)", "business:expiry-instant",
		rewriteBody(http.MethodPost, pns.PathAXB, func(m map[string]any) bool {
			if d, ok := m["duration"].(float64); ok && d > 0 && d < 7776000 {
				m["duration"] = d + 1
				return true
			}
			return false
		}), nil},

	{"inside/6: a binding-frozen X (status 11) treated as paused", "business:x-frozen",
		rewriteBody(http.MethodPost, "/emulator/v1/numbers/status", func(m map[string]any) bool {
			if m["status"] == "11" {
				m["status"] = "9"
				return true
			}
			return false
		}), nil},
	{"inside/6: AXB privateSms \"false\" ignored", "business:private-sms",
		rewriteBody(http.MethodPost, pns.PathAXB, func(m map[string]any) bool {
			if v := m["privateSms"]; v == "false" || v == false {
				delete(m, "privateSms")
				return true
			}
			return false
		}), nil},

	{"inside/6: areaMatchMode defaults to non-strict", "default:areaMatchMode",
		rewriteBody(http.MethodPost, pns.PathAXB, func(m map[string]any) bool {
			if _, ok := m["areaMatchMode"]; !ok && m["areaCode"] != nil {
				m["areaMatchMode"] = "1"
				return true
			}
			return false
		}), nil},
	{"inside/6: temporary callee default duration 30 s", "default:duration", calleeDefault(30), nil},
	{"inside/6: temporary callee default duration 120 s", "default:duration", calleeDefault(120), nil},

	// Class 3: notification meaning (§8.3). The fee record is rewritten where the simulator
	// reports it (the record the emulator pushes); the pushes themselves travel outside any
	// handler wrapper.
	{"inside/3: fee calleeNum is the forwarded leg's callee", "meaning:fee-first-leg",
		rewriteFee(func(fee map[string]any) bool {
			if d, ok := fee["fwdDstNum"].(string); ok && fee["calleeNum"] != d {
				fee["calleeNum"] = d
				return true
			}
			return false
		}), nil},
	{"inside/3: icid is the binding's, not the call's", "meaning:icid-unique",
		rewriteFee(func(fee map[string]any) bool {
			if id, ok := fee["subscriptionId"].(string); ok && fee["icid"] != id {
				fee["icid"] = id
				return true
			}
			return false
		}), nil},

	// Class 4: recordings (§11.1).
	{"inside/4: recording download does not check the app", "business:recording-isolation",
		resignAs(http.MethodGet, pns.PathRecordDownload), nil},

	// Class 7: validation (§1.4, §3.5, §4.5, D16).
	{"inside/7: AX unbind by a privateNum sent alone wins over subscriptionId", "precedence:subscriptionId",
		rewriteQuery(http.MethodDelete, pns.PathAX, func(q map[string][]string) bool {
			if q["subscriptionId"] != nil && q["privateNum"] != nil && q["origNum"] == nil {
				delete(q, "subscriptionId")
				return true
			}
			return false
		}), nil},
	{"inside/7: AXB query pageSize 100 taken as out of range", "business:pagination",
		rewriteQuery(http.MethodGet, pns.PathAXB, func(q map[string][]string) bool {
			if len(q["pageSize"]) > 0 && q["pageSize"][0] == "100" {
				delete(q, "pageSize")
				return true
			}
			return false
		}), nil},
	{"inside/7: fixed line with a 7-digit local number refused", "format:calleeNum",
		refuseField(pns.PathAXB, "calleeNum", regexp.MustCompile(`^"\+86[1-9][0-9]{8}"$`).MatchString), nil},
	{"inside/7: fixed line with a 3-digit area and 8-digit local number refused", "format:calleeNum",
		refuseField(pns.PathAXB, "calleeNum", regexp.MustCompile(`^"\+86[2-9][0-9]{10}"$`).MatchString), nil},
	{"inside/7: fixed line of 12 digits accepted (cut to 11)", "format:calleeNum",
		rewriteBody(http.MethodPost, pns.PathAXB, func(m map[string]any) bool {
			if s, ok := m["calleeNum"].(string); ok && regexp.MustCompile(`^\+86[2-9][0-9]{11}$`).MatchString(s) {
				m["calleeNum"] = s[:len(s)-1]
				return true
			}
			return false
		}), nil},
	{"inside/7: blanks around numbers trimmed before validation", "format:callerNum",
		rewriteBody(http.MethodPost, pns.PathAXB, func(m map[string]any) bool {
			changed := false
			for _, f := range []string{"callerNum", "calleeNum"} {
				if s, ok := m[f].(string); ok && strings.TrimSpace(s) != s {
					m[f] = strings.TrimSpace(s)
					changed = true
				}
			}
			return changed
		}), nil},
}

func init() { mutants = append(mutants, insideMutants...) }

// rewriteFee lets f edit the fee record of every simulated call's report.
func rewriteFee(f func(fee map[string]any) bool) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return rewriteJSON(func(r *http.Request, m map[string]any) bool {
			fee, ok := m["fee"].(map[string]any)
			return ok && r.Method == http.MethodPost && r.URL.Path == "/emulator/v1/calls" && f(fee)
		})
	}
}

// calleeDefault gives a temporary callee sent without duration the lifetime d instead of the
// documented 60 s.
func calleeDefault(d int) func(map[string]string) func(http.Handler) http.Handler {
	return rewriteBody(http.MethodPut, pns.PathAXCallee, func(m map[string]any) bool {
		if _, ok := m["duration"]; !ok {
			m["duration"] = d
			return true
		}
		return false
	})
}

// resignAs re-signs the method requests on path of the second AXB app (AXB-2) as the main AXB
// app, as a platform that looks an identifier up without the calling app would find the main
// app's bindings and recordings.
func resignAs(method, path string) func(map[string]string) func(http.Handler) http.Handler {
	return func(secrets map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if t, err := pns.ParseRequestAuth(r.Header); err == nil && r.Method == method &&
					r.URL.Path == path && t.Username == "conf-axb-2" {
					pns.Signer{AppKey: demoKeys["AXB"], AppSecret: secrets[demoKeys["AXB"]]}.Sign(r.Header)
				}
				h.ServeHTTP(w, r)
			})
		}
	}
}

// resignWith is resign with the app's secret at hand: requests whose token bad accepts are
// re-signed correctly, so the emulator accepts what a correct platform refuses.
func resignWith(bad func(t pns.Token, secret string) bool) func(map[string]string) func(http.Handler) http.Handler {
	return func(secrets map[string]string) func(http.Handler) http.Handler {
		return resign(func(t pns.Token) bool {
			s, ok := secrets[t.Username]
			return ok && bad(t, s)
		})(secrets)
	}
}

// lenientCreated accepts a Created in layout, correctly signed and inside the 300 s window.
func lenientCreated(layout string) func(map[string]string) func(http.Handler) http.Handler {
	return resignWith(func(t pns.Token, s string) bool {
		if _, err := pns.ParseCreated(t.Created); err == nil || !t.DigestMatches(s) {
			return false
		}
		c, err := time.Parse(layout, t.Created)
		return err == nil && time.Since(c).Abs() <= 300*time.Second
	})
}

// createdAhead accepts a correctly signed, well-formed Created whose distance ahead of now
// satisfies ok.
func createdAhead(ok func(time.Duration) bool) func(map[string]string) func(http.Handler) http.Handler {
	return resignWith(func(t pns.Token, s string) bool {
		c, err := pns.ParseCreated(t.Created)
		return err == nil && t.DigestMatches(s) && ok(time.Until(c))
	})
}

// refuseAuth answers code to the requests bad selects, as a stricter authentication would.
func refuseAuth(code pns.Code, bad func(*http.Request, pns.Token) bool) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if t, err := pns.ParseRequestAuth(r.Header); err == nil && bad(r, t) {
					writeError(w, pns.NewError(code))
					return
				}
				h.ServeHTTP(w, r)
			})
		}
	}
}

// canonicalNames rewrites the attribute names of header to their documented spelling when they
// match it without case, as a parser that lower-cases names would read them.
func canonicalNames(header string, names ...string) func(map[string]string) func(http.Handler) http.Handler {
	re := regexp.MustCompile(`([A-Za-z]+)="`)
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if v := r.Header.Get(header); v != "" {
					r.Header.Set(header, re.ReplaceAllStringFunc(v, func(m string) string {
						for _, n := range names {
							if strings.EqualFold(m, n+`="`) {
								return n + `="`
							}
						}
						return m
					}))
				}
				h.ServeHTTP(w, r)
			})
		}
	}
}

// countRefusals makes every refusal after authentication (validation, business rules) count
// as an authentication failure of the same client: a wrongly signed copy is sent after it.
func countRefusals(map[string]string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			var env pns.Envelope
			_ = json.Unmarshal(rec.Body.Bytes(), &env)
			e := &pns.Error{Code: pns.Code(env.ResultCode), Desc: env.ResultDesc}
			if env.ResultCode != "" && env.ResultCode != "0" && e.Code != pns.CodeLockedOut && !pns.IsAuthFailure(e) {
				if t, err := pns.ParseRequestAuth(r.Header); err == nil {
					t.PasswordDigest = "counted"
					c := r.Clone(r.Context())
					c.Body = io.NopCloser(bytes.NewReader(nil))
					c.Header.Set(pns.HeaderXAKSK, t.HeaderValue())
					h.ServeHTTP(httptest.NewRecorder(), c)
				}
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		})
	}
}

// extendLock restarts a client's 30-minute lock (emulator clock) at every request refused with
// 1020176, as a platform that counts refused requests as new failures would.
func extendLock(map[string]string) func(http.Handler) http.Handler {
	var mu sync.Mutex
	refused := map[string]time.Time{} // client host → last refusal, emulator clock
	return func(h http.Handler) http.Handler {
		now := func(r *http.Request) time.Time {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequestWithContext(r.Context(), http.MethodGet, "/emulator/v1/clock", nil))
			var st clockState
			_ = json.Unmarshal(rec.Body.Bytes(), &st)
			t, _ := pns.ParseUTC(st.Now)
			return t
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/emulator/v1/lockout" { // switched or cleared: forget the locks
				mu.Lock()
				clear(refused)
				mu.Unlock()
			}
			if !strings.HasPrefix(r.URL.Path, "/rest/") {
				h.ServeHTTP(w, r)
				return
			}
			host, _, _ := net.SplitHostPort(r.RemoteAddr)
			t := now(r)
			mu.Lock()
			last, ok := refused[host]
			if ok && t.Sub(last) < 1800*time.Second {
				refused[host] = t
				mu.Unlock()
				writeError(w, pns.NewError(pns.CodeLockedOut))
				return
			}
			mu.Unlock()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			var env pns.Envelope
			if json.Unmarshal(rec.Body.Bytes(), &env) == nil && env.ResultCode == string(pns.CodeLockedOut) {
				mu.Lock()
				refused[host] = t
				mu.Unlock()
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		})
	}
}

// shortRetention forgets a recording keep after the simulated call that made it was placed
// (emulator clock), as a platform counting the retention from the call instead of from the fee
// record's push would.
func shortRetention(keep time.Duration) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		var mu sync.Mutex
		made := map[string]time.Time{} // recordObjectName → emulator time of the call's report
		return func(h http.Handler) http.Handler {
			now := func(r *http.Request) time.Time {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequestWithContext(r.Context(), http.MethodGet, "/emulator/v1/clock", nil))
				var st clockState
				_ = json.Unmarshal(rec.Body.Bytes(), &st)
				t, _ := pns.ParseUTC(st.Now)
				return t
			}
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.Method == http.MethodGet && r.URL.Path == pns.PathRecordDownload:
					mu.Lock()
					t, ok := made[r.URL.Query().Get("fileName")]
					mu.Unlock()
					if ok && now(r).Sub(t) > keep { // answered as the emulator answers an expired one (D75)
						b, _ := json.Marshal(pns.Envelope{ResultCode: string(pns.CodeRecordNotExist), ResultDesc: pns.CodeRecordNotExist.Desc()})
						w.Header().Set("Content-Type", pns.ContentTypeJSON)
						w.WriteHeader(http.StatusNotFound)
						_, _ = w.Write(b)
						return
					}
				case r.Method == http.MethodPost && r.URL.Path == "/emulator/v1/calls":
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, r)
					var res struct {
						Fee struct {
							RecordObjectName string `json:"recordObjectName"`
						} `json:"fee"`
					}
					if json.Unmarshal(rec.Body.Bytes(), &res) == nil && res.Fee.RecordObjectName != "" {
						t := now(r)
						mu.Lock()
						made[res.Fee.RecordObjectName] = t
						mu.Unlock()
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
	}
}

// forwardedPeer takes the client address from X-Forwarded-For, as a platform behind a proxy
// that trusts the header would.
func forwardedPeer(map[string]string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if f := r.Header.Get("X-Forwarded-For"); f != "" {
				r.RemoteAddr = f + ":40000"
			}
			h.ServeHTTP(w, r)
		})
	}
}

// answerContentType labels every JSON answer with ct.
func answerContentType(ct string) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
					w.Header().Set("Content-Type", ct)
				}
				w.WriteHeader(rec.Code)
				_, _ = w.Write(rec.Body.Bytes())
			})
		}
	}
}

// rewriteBody lets f edit the JSON body of method requests on path before the emulator sees it.
func rewriteBody(method, path string, f func(map[string]any) bool) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == method && r.URL.Path == path {
					var m map[string]any
					if json.Unmarshal(body(r), &m) == nil && f(m) {
						b, _ := json.Marshal(m)
						r.Body = io.NopCloser(bytes.NewReader(b))
						r.ContentLength = int64(len(b))
						r.Header.Set("Content-Length", strconv.Itoa(len(b)))
					}
				}
				h.ServeHTTP(w, r)
			})
		}
	}
}

// rewriteQuery lets f edit the query parameters of method requests on path.
func rewriteQuery(method, path string, f func(map[string][]string) bool) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == method && r.URL.Path == path {
					q := r.URL.Query()
					if f(q) {
						r.URL.RawQuery = q.Encode()
					}
				}
				h.ServeHTTP(w, r)
			})
		}
	}
}

// decidedOnTarget names the inside mutants whose rule has documented scenarios on any target
// but which only a @decision scenario kills, with the reason no documented one can.
var decidedOnTarget = map[string]string{
	"inside/7: fixed line with a 7-digit local number refused": "a 7-digit local number is a documented form (§1.4) but no profile block " +
		"provides one, and a made-up number may be refused by a real platform as not a real operator number; accepting it is D16",
}

// TestInsideMutantsOnTarget scores the inside mutants the way a user's platform is judged: each
// mutant served as a --target that is not the emulator (no admin API use, @emulator scenarios
// skipped), the @inside scenarios run against it. A mutant counts as checkable there when a
// scenario of its rule that asserts no emulator decision ran; the score is killed/checkable. It runs only when
// PNS_MUTATION_TARGET is set (about a second per mutant).
func TestInsideMutantsOnTarget(t *testing.T) {
	if os.Getenv("PNS_MUTATION_TARGET") == "" {
		t.Skip("set PNS_MUTATION_TARGET=1 to score the inside mutants against a non-emulator target")
	}
	var checkable, killed int
	var b strings.Builder
	for _, m := range insideMutants {
		cfg, err := ConformanceConfig()
		if err != nil {
			t.Fatal(err)
		}
		if m.config != nil {
			m.config(cfg)
		}
		var wrap func(http.Handler) http.Handler
		if m.wrap != nil {
			wrap = m.wrap(appSecrets(cfg))
		}
		url, stop, err := ServeEmulator(cfg, wrap)
		if err != nil {
			t.Fatal(err)
		}
		prof := EmulatorProfile()
		prof.Emulator = false
		res, err := Run(context.Background(), Options{Target: url, Profile: prof, Tags: "@inside"})
		stop()
		if err != nil {
			t.Fatal(err)
		}
		ran, failed := false, false
		for _, s := range res.Scenarios {
			// A @decision scenario cannot fail another platform (its failure is a difference
			// from the decision), so only the documented checks make a rule checkable there.
			if contains(s.Tags, "@rule:"+m.rule) && s.Status != "skipped" && len(Decisions(s.Tags)) == 0 {
				ran = true
			}
			failed = failed || (s.Status != "passed" && s.Status != "skipped")
		}
		switch {
		case !ran:
			fmt.Fprintf(&b, "  NOT CHECKABLE %s (its scenarios need emulator control or assert an emulator decision)\n", m.name)
		case !failed && decidedOnTarget[m.name] != "":
			fmt.Fprintf(&b, "  NOT CHECKABLE %s (%s)\n", m.name, decidedOnTarget[m.name])
		case failed:
			checkable++
			killed++
			fmt.Fprintf(&b, "  KILLED        %s\n", m.name)
		default:
			checkable++
			fmt.Fprintf(&b, "  SURVIVED      %s\n", m.name)
		}
	}
	t.Logf("inside mutants against a non-emulator target: %d/%d checkable killed\n%s", killed, checkable, b.String())
	if killed < checkable {
		t.Errorf("%d checkable mutants survived", checkable-killed)
	}
}
