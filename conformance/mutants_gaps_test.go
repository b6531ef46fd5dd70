package conformance

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// gapMutants break the rules of the issue-22 gap scenarios of documented_halves.feature,
// xaksk_refusals.feature and notification_meaning.feature. Their names start with
// "gaps/<class>:" after the classes (1 authentication encoding, 3 notification
// meaning, 7 validation and the documented halves of decided rules), so that `PNS_MUTATION=1 PNS_MUTANTS=gaps/ go test -run
// TestMutationScore ./conformance` scores them with the whole suite; TestGapMutants runs each
// against the scenarios of its rule only, on the embedded emulator and, for the rules
// checkable without emulator control, on a target that is not the emulator.
var gapMutants = []mutant{
	// Class 1: the documented nonce length, 1 to 128 characters (§2.1 [V]).
	{"gaps/1: a nonce longer than 128 characters accepted", "business:nonce-length",
		resign(func(t pns.Token) bool { return len(t.Nonce) > 128 }), nil},

	// Class 3: notification meaning (§7.1, §10.1, D74, D77).
	{"gaps/3: callin events pushed to the call-status URL although the app has a callin URL", "delivery:callin-url", nil,
		func(c *emulator.Config) {
			for i := range c.Apps {
				c.Apps[i].CallinURL = ""
			}
		}},
	{"gaps/3: SMS text carried whatever the app's carry-content setting", "delivery:sms-content", nil,
		func(c *emulator.Config) {
			for i := range c.Apps {
				c.Apps[i].SMSIncludeContent = bp(true)
			}
		}},

	// The push side (§7.1, §7.5, §7.6): the customer's answer and the push's headers are
	// changed on the wire between the emulator and the runner's receivers (gapwire.go), which
	// no receiver can tell from a platform with that bug.
	{"gaps/3: a push answered 204 counted as delivered (any 2xx a success)", "delivery:success-200", nil, addWire(wireSeen + "=200")},
	{"gaps/3: a failing push re-pushed 5 times instead of 6", "delivery:repush-count", nil, addWire(wireOKFrom + "=6")},
	{"gaps/3: pushes signed with China local time labelled Z", "delivery:created-utc", nil, addWire(wireLocalCreated + "=1")},

	// Class 7: the documented halves of rules whose exact answer is a decision (§3.5, §4.6).
	{"gaps/7: a temporary callee equal to the binding's A accepted", "distinct:calleeNum,origNum", acceptCalleeA, nil},
	{"gaps/7: AXB query by relationNum and callerNum matches the number in either role", "business:role-match", eitherRole, nil},
	{"gaps/7: AXB bind ignores areaCode under strict matching", "business:area-selection",
		rewriteBody(http.MethodPost, pns.PathAXB, func(m map[string]any) bool {
			if m["areaCode"] != nil && m["areaMatchMode"] == "0" {
				delete(m, "areaCode")
				return true
			}
			return false
		}), nil},
	{"gaps/7: AX unbind by origNum and privateNum ignores origNum", "business:a-mismatch",
		rewriteQuery(http.MethodDelete, pns.PathAX, func(q map[string][]string) bool {
			if q["origNum"] != nil && q["privateNum"] != nil && q["subscriptionId"] == nil {
				delete(q, "origNum")
				return true
			}
			return false
		}), nil},
}

func init() { mutants = append(mutants, gapMutants...) }

// addWire adds a customer behaviour (gapwire.go) to every notification URL of every app.
func addWire(param string) func(*emulator.Config) {
	return func(c *emulator.Config) {
		for i := range c.Apps {
			a := &c.Apps[i]
			for _, u := range []*string{&a.CallStatusURL, &a.CallinURL, &a.FeeURL, &a.XStatusURL, &a.SMSNotifyURL, &a.SMSControlURL} {
				switch {
				case *u == "":
				case strings.Contains(*u, "?"):
					*u += "&" + param
				default:
					*u += "?" + param
				}
			}
		}
	}
}

// mobile is a valid +86 mobile number as a JSON string: a temporary callee the emulator
// refuses naming calleeNum although it is one can only be the binding's own A.
var mobile = regexp.MustCompile(`^\+861[0-9]{10}$`)

// acceptCalleeA answers "0" where the emulator refuses a well-formed mobile temporary callee
// naming calleeNum, as a platform that never compares the callee with the binding's A would.
func acceptCalleeA(map[string]string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPut || r.URL.Path != pns.PathAXCallee {
				h.ServeHTTP(w, r)
				return
			}
			var req struct {
				CalleeNum string `json:"calleeNum"`
			}
			_ = json.Unmarshal(body(r), &req)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			var env pns.Envelope
			if json.Unmarshal(rec.Body.Bytes(), &env) == nil && env.ResultCode == string(pns.CodeInvalidRequest) &&
				strings.HasSuffix(env.ResultDesc, "calleeNum") && mobile.MatchString(req.CalleeNum) {
				b, _ := json.Marshal(pns.Envelope{ResultCode: string(pns.CodeSuccess), ResultDesc: "Success"})
				w.Header().Set("Content-Type", pns.ContentTypeJSON)
				w.Header().Set("Content-Length", strconv.Itoa(len(b)))
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write(b)
				return
			}
			copyRecorded(w, rec)
		})
	}
}

// eitherRole retries an AXB query by relationNum and callerNum that found nothing with the
// number as calleeNum, as a platform matching a number in any role would. The second lookup
// is signed afresh: the first one's nonce is spent (replay protection).
func eitherRole(secrets map[string]string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			single := func(k string) bool { return q.Get(k) != "" }
			if r.Method != http.MethodGet || r.URL.Path != pns.PathAXB || single("subscriptionId") || !single("relationNum") ||
				single("callerNum") == single("calleeNum") {
				h.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			var env pns.Envelope
			if json.Unmarshal(rec.Body.Bytes(), &env) == nil && env.ResultCode == string(pns.CodeRecordNotExist) {
				// The other role: callerNum becomes calleeNum and the other way round.
				caller, callee := q.Get("callerNum"), q.Get("calleeNum")
				q.Del("callerNum")
				q.Del("calleeNum")
				if caller != "" {
					q.Set("calleeNum", caller)
				} else {
					q.Set("callerNum", callee)
				}
				r2 := r.Clone(r.Context())
				r2.URL.RawQuery = q.Encode()
				if t, err := pns.ParseRequestAuth(r.Header); err == nil {
					pns.Signer{AppKey: t.Username, AppSecret: secrets[t.Username]}.Sign(r2.Header)
				}
				rec2 := httptest.NewRecorder()
				h.ServeHTTP(rec2, r2)
				if json.Unmarshal(rec2.Body.Bytes(), &env) == nil && env.ResultCode == string(pns.CodeSuccess) {
					rec = rec2
				}
			}
			copyRecorded(w, rec)
		})
	}
}

// copyRecorded writes a recorded answer.
func copyRecorded(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// onTargetKills names the mutants that the scenarios of the documented halves must kill on a
// target that is not the emulator (profile emulator: false, @emulator scenarios skipped,
// @decision scenarios unable to fail): the gap mutants whose rule needs no emulator control,
// and the inside mutants that only a @decision scenario killed there before the halves.
var onTargetKills = []string{
	"gaps/1: a nonce longer than 128 characters accepted",
	"gaps/7: a temporary callee equal to the binding's A accepted",
	"gaps/7: AXB query by relationNum and callerNum matches the number in either role",
	"gaps/7: AX unbind by origNum and privateNum ignores origNum",
	"gaps/7: AXB bind ignores areaCode under strict matching",
	"inside/1: Created parsed as any RFC 3339 time (fractions, numeric zones)",
	"inside/1: Created without its Z read as UTC",
	"inside/1: Created with a space instead of the T accepted",
	"inside/7: fixed line with a 3-digit area and 8-digit local number refused",
	"inside/7: fixed line of 12 digits accepted (cut to 11)",
	"inside/7: blanks around numbers trimmed before validation",
}

// ruleSelection is the tag expression selecting a rule's scenarios: @rule:<rule>, or the
// interface's tag for a rule whose name has a comma, which a tag expression reads as "or".
func ruleSelection(rule string) string {
	if rule == "distinct:calleeNum,origNum" {
		return "@" + pns.IfaceAXCallee
	}
	return "@rule:" + rule
}

// TestGapMutants proves the gap scenarios can fail: each gap mutant is run against the
// scenarios of its rule (@rule:<rule>) on the embedded emulator, which must pass them
// unmutated and fail at least one of them mutated. Then every mutant of onTargetKills is
// served as a --target that is not the emulator and must fail a scenario that is neither
// @emulator nor @decision: the documented half, checked on any platform.
func TestGapMutants(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the scenarios of each gap rule twice")
	}
	t.Parallel() // every run has its own in-process emulator: overlap the other suite tests
	ctx := context.Background()
	failed := func(res *Result) []string {
		var out []string
		for _, s := range res.Scenarios {
			if s.Status != "passed" && s.Status != "skipped" {
				out = append(out, s.Key)
			}
		}
		return out
	}
	cleanRuns := map[string]bool{}
	for _, m := range gapMutants {
		tags := ruleSelection(m.rule)
		if !cleanRuns[tags] {
			cleanRuns[tags] = true
			clean, err := Run(ctx, Options{Tags: tags})
			if err != nil {
				t.Fatalf("%s unmutated: %v", tags, err)
			}
			if f := failed(clean); len(f) > 0 || clean.Passed == 0 {
				t.Fatalf("%s unmutated: %d passed, failed %v", tags, clean.Passed, f)
			}
		}
		o := Options{Tags: tags, mutantConfig: m.config}
		if m.wrap != nil {
			cfg, err := ConformanceConfig()
			if err != nil {
				t.Fatal(err)
			}
			o.mutantHandler = m.wrap(appSecrets(cfg))
		}
		res, err := Run(ctx, o)
		if err != nil {
			t.Fatalf("mutant %q: %v", m.name, err)
		}
		if f := failed(res); len(f) == 0 {
			t.Errorf("mutant %q survives the %d scenarios of %s", m.name, len(res.Scenarios), tags)
		} else {
			t.Logf("KILLED %s by %s", m.name, strings.Join(f, "; "))
		}
	}

	byName := map[string]mutant{}
	for _, m := range mutants {
		byName[m.name] = m
	}
	for _, name := range onTargetKills {
		m, ok := byName[name]
		if !ok || m.wrap == nil {
			t.Fatalf("onTargetKills names %q, which is no handler mutant of the catalogue", name)
		}
		cfg, err := ConformanceConfig()
		if err != nil {
			t.Fatal(err)
		}
		url, stop, err := ServeEmulator(cfg, m.wrap(appSecrets(cfg)))
		if err != nil {
			t.Fatal(err)
		}
		prof := EmulatorProfile()
		prof.Emulator = false
		res, err := Run(ctx, Options{Target: url, Profile: prof, Tags: ruleSelection(m.rule)})
		stop()
		if err != nil {
			t.Fatalf("mutant %q on a target: %v", name, err)
		}
		var by []string
		for _, s := range res.Scenarios {
			if s.State == StateFailed && !contains(s.Tags, TagEmulator) && len(Decisions(s.Tags)) == 0 {
				by = append(by, s.Key)
			}
		}
		if len(by) == 0 {
			t.Errorf("mutant %q survives on a non-emulator target (@rule:%s)", name, m.rule)
		} else {
			t.Logf("KILLED on a target %s by %s", name, strings.Join(by, "; "))
		}
	}
}
