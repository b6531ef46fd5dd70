package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// mutA: mutants for the answer and transport rules (hand-written: media type, codes and their
// descriptions and HTTP statuses, fields present only on success, the mode of an app) and for
// the rules whose note (rulenotes/*.tsv, kind schema) names the subschema of an answer or push
// field. The latter are generated from the notes, one per note (issue 22's "generated next to
// the rule"): the noted field is broken in every answer or push of its schema, with a value
// the subschema itself refuses.

// mutAMutants are the hand-written ones, each with its rule ID.
var mutAMutants = []ruleMutant{
	// Transport (§1.1-§1.3).
	{"1.1/App-mode", mutant{"mutA/transport: an app may call another mode's API (the mode is never checked)", "business:mode-mismatch",
		serveAsModeApp(func(r *http.Request, env pns.Envelope) bool { return env.ResultCode == "1010040" }), nil}},
	{"1.2/AXB-has-no-set-temporary", mutant{"mutA/transport: an AXB app may set a temporary callee", "business:mode-mismatch",
		answerSuccessIf(func(r *http.Request, env pns.Envelope) bool {
			return r.URL.Path == pns.PathAXCallee && env.ResultCode == "1010040"
		}), nil}},
	{"1.3/Authorization", mutant{"mutA/transport: a request without the Authorization header accepted", "business:authorization-format",
		func(map[string]string) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Header.Get("Authorization") == "" && r.Header.Get(pns.HeaderXAKSK) != "" {
						r.Header.Set("Authorization", `AKSK realm="SDP",profile="UsernameToken",type="Appkey"`)
					}
					h.ServeHTTP(w, r)
				})
			}
		}, nil}},
	{"1.3/X-AKSK", mutant{"mutA/transport: a request without X-AKSK served as the mode's default app", "business:x-aksk-format",
		func(secrets map[string]string) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Header.Get(pns.HeaderXAKSK) == "" && strings.HasPrefix(r.Header.Get("Authorization"), "AKSK") {
						if key := modeApp(r.URL.Path); key != "" {
							pns.Signer{AppKey: key, AppSecret: secrets[key]}.Sign(r.Header)
						}
					}
					h.ServeHTTP(w, r)
				})
			}
		}, nil}},

	// Answers: fields present on success only, the success code and statuses (§1.5, §1.6, D14).
	{"1.5/API-specific-fields", mutant{"mutA/answer: a refused AXB bind carries an empty subscriptionId", "business:answer-content-type",
		rewriteAnswers(func(r *http.Request, m map[string]any) bool {
			if r.Method != http.MethodPost || r.URL.Path != pns.PathAXB || m["resultcode"] == "0" || m["resultcode"] == nil {
				return false
			}
			m["subscriptionId"] = ""
			return true
		}), nil}},
	{"1.6/0", mutant{"mutA/answer: success answered with HTTP 201", "business:answer-content-type",
		restatus(func(env pns.Envelope) bool { return env.ResultCode == "0" }, http.StatusCreated), nil}},
	{"1.6/1010029-1010040-all-1011xxx-1012xxx-1016", mutant{"mutA/answer: 1012xxx business refusals answered with HTTP 400", "business:x-reuse",
		restatus(func(env pns.Envelope) bool { return strings.HasPrefix(env.ResultCode, "1012") }, http.StatusBadRequest), nil}},
	{"1.6/authentication-format-codes-1023006-1023", mutant{"mutA/answer: X-AKSK format refusals answered with HTTP 401", "business:x-aksk-format",
		restatus(func(env pns.Envelope) bool {
			n, _ := strconv.Atoi(env.ResultCode)
			return n >= 1023006 && n <= 1023012 || n >= 1023033 && n <= 1023038
		}, http.StatusUnauthorized), nil}},
	{"1.6/legacy-X-WSSE-format-codes-1023026-10230", mutant{"mutA/answer: X-WSSE format refusals answered with HTTP 403", "business:wsse",
		restatus(func(env pns.Envelope) bool {
			n, _ := strconv.Atoi(env.ResultCode)
			return n >= 1023026 && n <= 1023031
		}, http.StatusForbidden), nil}},
	{"1.6/recording-download-success-no-JSON-body", mutant{"mutA/answer: the download redirect carries a JSON success body", "business:download-redirect",
		func(map[string]string) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, r)
					if r.URL.Path != pns.PathRecordDownload || rec.Code/100 != 3 {
						copyRecorded(w, rec)
						return
					}
					b, _ := json.Marshal(pns.Envelope{ResultCode: "0", ResultDesc: "Success"})
					for k, v := range rec.Header() {
						w.Header()[k] = v
					}
					w.Header().Set("Content-Type", pns.ContentTypeJSON)
					w.Header().Set("Content-Length", strconv.Itoa(len(b)))
					w.WriteHeader(rec.Code)
					_, _ = w.Write(b)
				})
			}
		}, nil}},
	{"D14", mutant{"mutA/answer: 1010002 answered with HTTP 200", "business:answer-content-type",
		recode(pns.CodeInvalidRequest, pns.CodeInvalidRequest, http.StatusOK), nil}},
	{"12/0", mutant{`mutA/answer: success answered as resultcode "000000"`, "business:answer-content-type",
		rewriteAnswers(func(_ *http.Request, m map[string]any) bool {
			if m["resultcode"] != "0" {
				return false
			}
			m["resultcode"] = "000000"
			return true
		}), nil}},
	{"12/1010002", mutant{`mutA/answer: 1010002 described "Invalid request." without the field`, "business:answer-content-type",
		rewriteAnswers(func(_ *http.Request, m map[string]any) bool {
			if m["resultcode"] != string(pns.CodeInvalidRequest) || m["resultdesc"] == "Invalid request." {
				return false
			}
			m["resultdesc"] = "Invalid request."
			return true
		}), nil}},
	{"12/1012010", mutant{"mutA/answer: 1012010 described with the table's wording (The number $ has been bound.)", "business:x-reuse",
		rewriteAnswers(func(_ *http.Request, m map[string]any) bool {
			if m["resultcode"] != string(pns.CodeRelationBound) {
				return false
			}
			m["resultdesc"] = "The number $ has been bound."
			return true
		}), nil}},
	{"D41", mutant{"mutA/answer: AXB query with callerNum and no relationNum names callerNum", "business:pagination",
		rewriteAnswers(func(r *http.Request, m map[string]any) bool {
			if r.Method != http.MethodGet || r.URL.Path != pns.PathAXB || m["resultdesc"] != "Invalid request. relationNum" {
				return false
			}
			if q := r.URL.Query(); q.Get("callerNum") == "" || q.Get("relationNum") != "" {
				return false
			}
			m["resultdesc"] = "Invalid request. callerNum"
			return true
		}), nil}},

	// Answers of one interface (§3.2, §3.5, §4.5, §6.2, §6.4).
	{"3.2/subscriptionId", mutant{"mutA/answer: AXB bind answers an empty subscriptionId", "business:answer-content-type",
		rewriteAnswers(func(r *http.Request, m map[string]any) bool {
			if r.Method != http.MethodPost || r.URL.Path != pns.PathAXB || m["resultcode"] != "0" {
				return false
			}
			m["subscriptionId"] = ""
			return true
		}), nil}},
	{"3.5/pageSize~2", mutant{"mutA/answer: AXB query pageSize is the number of bindings listed", "business:pagination",
		rewriteAnswers(func(r *http.Request, m map[string]any) bool {
			list, ok := m["relationNumList"].([]any)
			if r.Method != http.MethodGet || r.URL.Path != pns.PathAXB || !ok || m["pageSize"] == float64(len(list)) {
				return false
			}
			m["pageSize"] = len(list)
			return true
		}), nil}},
	{"3.5/relationNumList", mutant{"mutA/answer: AXB query by subscriptionId answers the binding as an object, not a list", "business:pagination",
		rewriteAnswers(func(r *http.Request, m map[string]any) bool {
			list, ok := m["relationNumList"].([]any)
			if r.Method != http.MethodGet || r.URL.Path != pns.PathAXB || !ok || len(list) != 1 || r.URL.Query().Get("subscriptionId") == "" {
				return false
			}
			m["relationNumList"] = list[0]
			return true
		}), nil}},
}

// resultcodeNumbers: resultcode as a JSON number in one interface's answers.
var resultcodeNumbers = []struct{ id, iface string }{
	{"3.2/resultcode", pns.IfaceAXBBind},
	{"3.5/resultcode", pns.IfaceAXBQuery},
	{"4.5/resultcode", pns.IfaceAXQuery},
	{"6.2/resultcode", pns.IfaceAXYBBind},
	{"6.4/resultcode", pns.IfaceAXYBQuery},
}

// codeSwaps: each documented code answered as the one a platform most plausibly confuses it
// with (a neighbour of its table, the same description, the same condition seen from the other
// side), with that code's own description and status (§12).
var codeSwaps = []struct {
	from, to pns.Code
	rule     string // the scenarios' rule tag
}{
	{"1010003", "1010010", "business:unknown-app-key"},
	{"1010010", "1010013", "business:bad-digest"},
	{"1010013", "1010010", "business:stale-created"},
	{"1010040", "1010003", "business:mode-mismatch"},
	{"1011002", "1012008", "business:area-selection"},
	{"1011005", "1012010", "business:x-reuse"},
	{"1012001", "1010002", "business:x-not-owned"},
	{"1012008", "1011002", "business:area-selection"},
	{"1012012", "1010002", "business:recording-disabled"},
	{"1020167", "1012008", "business:extension-taken"},
	{"1023006", "1023033", "business:authorization-format"},
	{"1023007", "1023009", "business:authorization-format"},
	{"1023008", "1023010", "business:authorization-format"},
	{"1023009", "1023007", "business:authorization-format"},
	{"1023010", "1023008", "business:authorization-format"},
	{"1023011", "1023012", "business:authorization-format"},
	{"1023012", "1023011", "business:authorization-format"},
	{"1023026", "1023033", "business:wsse"},
	{"1023027", "1023034", "business:wsse"},
	{"1023028", "1023035", "business:wsse"},
	{"1023029", "1023036", "business:wsse"},
	{"1023030", "1023037", "business:wsse"},
	{"1023031", "1010013", "business:wsse"},
	{"1023033", "1023006", "business:x-aksk-format"},
	{"1023034", "1023038", "business:x-aksk-format"},
	{"1023035", "1023036", "business:x-aksk-format"},
	{"1023036", "1023031", "business:x-aksk-format"},
	{"1023037", "1010010", "business:x-aksk-format"},
	{"1023038", "1023034", "business:x-aksk-format"},
}

// mutAWSSEReason: why a break of the legacy X-WSSE path's answers survives on another target.
const mutAWSSEReason = "invisible: the X-WSSE path is undocumented (D1), its codes and statuses [I] (§1.6, §12): its " +
	"scenarios are @decision:D1, so another platform's answer there is a difference, not a failure"

// mutATargetSurvivors explain the hand-written mutants that survive on a target that is not the
// emulator although the embedded suite kills them.
var mutATargetSurvivors = map[string]string{
	"mutA/answer: X-WSSE format refusals answered with HTTP 403": mutAWSSEReason,
	`mutA/answer: 1010002 described "Invalid request." without the field`: "invisible: resultdesc is asserted only against " +
		"the emulator (§12); the docs say the description usually carries the field's name, the suffix's format is [I]",
	"mutA/answer: 1012010 described with the table's wording (The number $ has been bound.)": "invisible: resultdesc is " +
		"asserted only against the emulator (§12), and the docs themselves give both wordings",
	"mutA/answer: AXB query with callerNum and no relationNum names callerNum": "invisible: the field a refused AXB query " +
		"names is the emulator's decision D41 and resultdesc is asserted only against the emulator (§12)",
}

// mutASchemaErr is why the schema notes could not be read into mutants (init cannot fail;
// TestMutASchemaNotesHaveMutants reports it).
var mutASchemaErr error

func init() {
	for _, s := range codeSwaps {
		name := fmt.Sprintf("mutA/answer: %s answered as %s", s.from, s.to)
		mutAMutants = append(mutAMutants, ruleMutant{"12/" + string(s.from), mutant{name, s.rule, recode(s.from, s.to, 0), nil}})
		if s.rule == "business:wsse" {
			targetSurvivorReasons[name] = mutAWSSEReason
		}
	}
	for name, reason := range mutATargetSurvivors {
		targetSurvivorReasons[name] = reason
	}
	for _, rc := range resultcodeNumbers {
		in, _ := pns.InterfaceByID(rc.iface)
		mutAMutants = append(mutAMutants, ruleMutant{rc.id, mutant{
			fmt.Sprintf("mutA/answer: %s answers resultcode as a JSON number", rc.iface), "business:answer-content-type",
			rewriteAnswers(func(r *http.Request, m map[string]any) bool {
				s, ok := m["resultcode"].(string)
				n, err := strconv.Atoi(s)
				if r.Method != in.Method || r.URL.Path != in.Path || !ok || err != nil {
					return false
				}
				m["resultcode"] = n
				return true
			}), nil}})
	}
	gen, err := schemaNoteMutants()
	mutASchemaErr = err
	for _, cm := range append(mutAMutants, gen...) {
		mutants = append(mutants, cm.m)
		mutantRuleIDs[cm.m.name] = cm.id
	}
}

// modeApp is the app a platform without the mode check would serve a request on path as: the
// demo app of the path's mode (AXYB has none: its first conformance app).
func modeApp(path string) string {
	for _, in := range pns.Interfaces {
		if in.Path != path || in.Mode == "" {
			continue
		}
		if k, ok := demoKeys[string(in.Mode)]; ok {
			return k
		}
		cfg, err := ConformanceConfig()
		if err != nil {
			return ""
		}
		for _, a := range cfg.Apps {
			if a.Mode == in.Mode {
				return a.AppKey
			}
		}
	}
	return ""
}

// serveAsModeApp serves again, signed as the path's mode app, a request whose answer refused
// matches: the platform looks the app up but never compares its mode with the API's.
func serveAsModeApp(refused func(*http.Request, pns.Envelope) bool) func(map[string]string) func(http.Handler) http.Handler {
	return func(secrets map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b := body(r)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				var env pns.Envelope
				if key := modeApp(r.URL.Path); key != "" && json.Unmarshal(rec.Body.Bytes(), &env) == nil && refused(r, env) {
					r2 := r.Clone(r.Context())
					r2.Body = io.NopCloser(bytes.NewReader(b))
					pns.Signer{AppKey: key, AppSecret: secrets[key]}.Sign(r2.Header)
					rec = httptest.NewRecorder()
					h.ServeHTTP(rec, r2)
				}
				copyRecorded(w, rec)
			})
		}
	}
}

// answerSuccessIf answers "0" Success where the emulator's answer matches.
func answerSuccessIf(match func(*http.Request, pns.Envelope) bool) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				var env pns.Envelope
				if json.Unmarshal(rec.Body.Bytes(), &env) == nil && match(r, env) {
					writeError(w, &pns.Error{Code: pns.CodeSuccess, Desc: "Success"})
					return
				}
				copyRecorded(w, rec)
			})
		}
	}
}

// restatus answers the JSON answers whose envelope matches with HTTP status, body unchanged.
func restatus(match func(pns.Envelope) bool, status int) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				var env pns.Envelope
				if json.Unmarshal(rec.Body.Bytes(), &env) == nil && env.ResultCode != "" && match(env) {
					rec.Code = status
				}
				copyRecorded(w, rec)
			})
		}
	}
}

// ---- Mutants generated from the schema notes ----

// fieldBreak is how a generated mutant breaks the noted field, chosen from the subschema's own
// keywords: apply returns the broken value for the current one (present: the field exists),
// or false where this break cannot be made (a field absent, a list too short to copy).
type fieldBreak struct {
	how     string
	keyword string // the keyword the break violates
	apply   func(cur any, present bool) (any, bool)
}

// setTo is the break that gives the field value v, present or not.
func setTo(how, keyword string, v any) fieldBreak {
	return fieldBreak{how: how, keyword: keyword, apply: func(any, bool) (any, bool) { return v, true }}
}

// schemaNoteMutants generates one mutant per schema note: the noted field of every answer (on
// its interface) or push (of its kind) is given a value its subschema refuses. Notes naming
// the same subschema get different breaks of it; a note of §13.6 (the table of limits) gets a
// bound's break first.
func schemaNoteMutants() ([]ruleMutant, error) {
	inv, err := LoadInventory()
	if err != nil {
		return nil, err
	}
	notes, err := loadRuleNotes(inv)
	if err != nil {
		return nil, err
	}
	var ids []string
	for id, n := range notes {
		if n.Kind == NoteSchema {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	// The walks of every mutant share docs while answers and pushes run concurrently, so every
	// schema they can reach (their own and common.json, the only other one any $ref names) is
	// decoded now and the map is only read afterwards.
	docs := schemaDocs{}
	if _, err := docs.node("common", ""); err != nil {
		return nil, err
	}
	used := map[string]map[string]bool{} // note detail → breaks given
	var out []ruleMutant
	for _, id := range ids {
		detail := notes[id].Detail
		name, ptr, _ := strings.Cut(detail, "#")
		root, err := docs.node(name, "")
		if err != nil {
			return nil, err
		}
		toks := strings.Split(ptr[1:], "/")
		for i, tok := range toks {
			toks[i] = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		}
		target, err := docs.resolve(root, name, toks, 0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		cands, err := docs.breaksOf(name, target)
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", id, detail, err)
		}
		if used[detail] == nil {
			used[detail] = map[string]bool{}
		}
		brk, found := fieldBreak{}, false
		if strings.HasPrefix(id, "13.6/") {
			for _, c := range cands {
				if strings.HasPrefix(c.keyword, "max") && !used[detail][c.how] {
					brk, found = c, true
					break
				}
			}
		}
		for _, c := range cands {
			if !found && !used[detail][c.how] {
				brk, found = c, true
			}
		}
		if !found {
			return nil, fmt.Errorf("%s (%s): the subschema offers no break that another note of it does not use", id, detail)
		}
		used[detail][brk.how] = true
		sw := schemaWalk{docs: docs, target: target, brk: brk}
		edit := func(m map[string]any, insert bool) bool { return sw.walk(name, root, m, insert) }
		mname := fmt.Sprintf("mutA/schema: %s %s %s", name, fieldLabel(ptr), brk.how)
		m := mutant{name: mname, rule: ruleOfSchema(name)}
		if strings.HasSuffix(name, ".response") {
			in, ok := interfaceOfSchema(name)
			if !ok {
				return nil, fmt.Errorf("%s: no interface answers with %s", id, name)
			}
			m.wrap = rewriteAnswers(func(r *http.Request, a map[string]any) bool {
				return r.Method == in.Method && r.URL.Path == in.Path && edit(a, a["resultcode"] == "0")
			})
		} else {
			urls, ok := pushURLs[name]
			if !ok {
				return nil, fmt.Errorf("%s: no notification URL carries %s", id, name)
			}
			m.config = viaPushProxy(urls, func(p map[string]any) bool { return edit(p, true) })
		}
		out = append(out, ruleMutant{id, m})
	}
	return out, nil
}

// fieldLabel shortens a pointer to the field path a reader knows: "/$defs/feeInfo/properties/
// spId" → "feeInfo.spId".
func fieldLabel(ptr string) string {
	var parts []string
	for _, t := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if t != "properties" && t != "$defs" && t != "items" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, ".")
}

// ruleOfSchema is the rule tag of the scenarios that see a schema's payloads most often (a
// mutant is killed by any failing scenario; the tag only orders the report).
func ruleOfSchema(name string) string {
	switch {
	case strings.HasPrefix(name, "callback-fee"):
		return "delivery:fee"
	case strings.HasPrefix(name, "callback-"):
		return "delivery:signature-aksk"
	}
	return "business:answer-content-type"
}

// interfaceOfSchema is the interface whose answers a response schema describes.
func interfaceOfSchema(name string) (pns.Interface, bool) {
	for _, in := range pns.Interfaces {
		if s, err := schemas.SchemaFor(in.ID, schemas.Response); err == nil && s == name {
			return in, true
		}
	}
	return pns.Interface{}, false
}

// pushURLs are the notification URLs of an app that carry each push schema.
var pushURLs = map[string]func(*emulator.AppConfig) []*string{
	"callback-event.request":      func(a *emulator.AppConfig) []*string { return []*string{&a.CallStatusURL, &a.CallinURL} },
	"callback-fee.request":        func(a *emulator.AppConfig) []*string { return []*string{&a.FeeURL} },
	"callback-numstatus.request":  func(a *emulator.AppConfig) []*string { return []*string{&a.XStatusURL} },
	"callback-sms-notify.request": func(a *emulator.AppConfig) []*string { return []*string{&a.SMSNotifyURL} },
	"callback-sms-block.request":  func(a *emulator.AppConfig) []*string { return []*string{&a.SMSControlURL} },
}

// schemaWalk finds, in a payload, the values a subschema (target) describes, by walking the
// payload and its schema together ($ref followed as rulenotes.go does), and breaks them.
type schemaWalk struct {
	docs   schemaDocs
	target any
	brk    fieldBreak
}

// placed is a schema node and the schema it was read from (for its local $refs).
type placed struct {
	file string
	node any
}

// chain is a node and the nodes its $ref chain leads to.
func (s schemaWalk) chain(file string, node any) []placed {
	out := []placed{{file, node}}
	for depth := 0; depth < 8; depth++ {
		m, _ := node.(map[string]any)
		ref, ok := m["$ref"].(string)
		if !ok {
			break
		}
		f, ptr, _ := strings.Cut(ref, "#")
		if f != "" {
			file = strings.TrimSuffix(f, ".json")
		}
		next, err := s.docs.node(file, ptr)
		if err != nil {
			break
		}
		node = next
		out = append(out, placed{file, node})
	}
	return out
}

func sameNode(a, b any) bool {
	ma, okA := a.(map[string]any)
	mb, okB := b.(map[string]any)
	return okA && okB && reflect.ValueOf(ma).UnsafePointer() == reflect.ValueOf(mb).UnsafePointer()
}

// isTarget reports whether the chain of a child's subschema holds the target.
func (s schemaWalk) isTarget(ch []placed) bool {
	for _, p := range ch {
		if sameNode(p.node, s.target) {
			return true
		}
	}
	return false
}

// breakAt breaks *v (present tells whether the field exists), returning whether it changed.
func (s schemaWalk) breakAt(v *any, present bool) bool {
	nv, ok := s.brk.apply(*v, present)
	if ok {
		*v = nv
	}
	return ok
}

// walk breaks the target's values in v, described by node of file; insert also gives the
// target's value to objects that lack the field (a platform filling in a bad default).
func (s schemaWalk) walk(file string, node any, v any, insert bool) bool {
	ch := s.chain(file, node)
	changed := false
	switch val := v.(type) {
	case map[string]any:
		subs := map[string][]placed{}
		var keys []string
		for _, p := range ch {
			m, _ := p.node.(map[string]any)
			props, _ := m["properties"].(map[string]any)
			for k, sub := range props {
				if subs[k] == nil {
					keys = append(keys, k)
				}
				subs[k] = append(subs[k], s.chain(p.file, sub)...)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			cur, present := val[k]
			if s.isTarget(subs[k]) {
				if (present || insert) && s.breakAt(&cur, present) {
					val[k] = cur
					changed = true
				}
				continue
			}
			if present {
				for _, p := range subs[k] {
					if s.walk(p.file, p.node, cur, insert) {
						changed = true
					}
				}
			}
		}
	case []any:
		for _, p := range ch {
			m, _ := p.node.(map[string]any)
			items, ok := m["items"]
			if !ok {
				continue
			}
			ich := s.chain(p.file, items)
			for i := range val {
				if s.isTarget(ich) {
					if s.breakAt(&val[i], true) {
						changed = true
					}
					continue
				}
				if s.walk(p.file, items, val[i], insert) {
					changed = true
				}
			}
		}
	}
	return changed
}

// keywords merges a subschema's keywords with those of its $ref chain (its own first).
func (docs schemaDocs) keywords(file string, node any) map[string]any {
	out := map[string]any{}
	for _, p := range (schemaWalk{docs: docs}).chain(file, node) {
		m, _ := p.node.(map[string]any)
		for k, v := range m {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
	}
	return out
}

// breaksOf lists the breaks of a subschema from its own keywords, the most specific first: an
// object's conditional (if/then), an enum (a value of the wrong JSON type where the enum's
// strings are literals, as "true" answered true; else a value outside it), a const, a pattern
// or format, a bound, a length, an item count, and last the type.
func (docs schemaDocs) breaksOf(file string, node any) ([]fieldBreak, error) {
	kw := docs.keywords(file, node)
	var out []fieldBreak
	if b, ok := docs.conditionalBreak(file, kw); ok {
		out = append(out, b)
	}
	if enum, ok := kw["enum"].([]any); ok && len(enum) > 0 {
		if s, isStr := enum[0].(string); isStr {
			var lit any
			if json.Unmarshal([]byte(s), &lit) == nil {
				if _, still := lit.(string); !still {
					out = append(out, setTo(fmt.Sprintf("as the JSON literal %s (enum of strings)", s), "enum", lit))
				}
			}
			for _, c := range []string{"99", "x"} {
				if !containsAny(enum, c) {
					out = append(out, setTo(fmt.Sprintf("%q outside the enum", c), "enum", c))
					break
				}
			}
		}
		max := math.Inf(-1)
		for _, e := range enum {
			if f, ok := e.(float64); ok && f > max {
				max = f
			}
		}
		if !math.IsInf(max, -1) {
			out = append(out, setTo(num(max+1)+" outside the enum", "enum", max+1))
		}
	}
	if c, ok := kw["const"].(string); ok {
		out = append(out, setTo(fmt.Sprintf("%q instead of the const %q", c+"x", c), "const", c+"x"))
	}
	if p, ok := kw["pattern"].(string); ok {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, err
		}
		for _, c := range []string{"{x}", "x", "", "{"} {
			if !re.MatchString(c) {
				out = append(out, setTo(fmt.Sprintf("%q outside the pattern", c), "pattern", c))
				break
			}
		}
	}
	if f, ok := kw["format"].(string); ok && f != "" {
		for _, c := range []string{"x", "2026-13-45 99:99:99"} {
			if schemas.CheckFormat(f, c) != nil {
				out = append(out, setTo(fmt.Sprintf("%q outside the format %s", c, f), "format", c))
				break
			}
		}
	}
	if max, ok := kw["maximum"].(float64); ok {
		out = append(out, setTo(num(max+1)+" above the maximum", "maximum", max+1))
	}
	if min, ok := kw["minimum"].(float64); ok {
		out = append(out, setTo(num(min-1)+" below the minimum", "minimum", min-1))
	}
	if max, ok := kw["maxLength"].(float64); ok {
		out = append(out, setTo(num(max+1)+" characters (maxLength "+num(max)+")", "maxLength", strings.Repeat("x", int(max)+1)))
	}
	if min, ok := kw["minLength"].(float64); ok && min > 0 {
		out = append(out, setTo("empty (minLength 1)", "minLength", ""))
	}
	if max, ok := kw["maxItems"].(float64); ok {
		// The list padded with copies of its first element past the maximum.
		out = append(out, fieldBreak{how: num(max+1) + " elements (maxItems " + num(max) + ")", keyword: "maxItems",
			apply: func(cur any, present bool) (any, bool) {
				list, ok := cur.([]any)
				if !present || !ok || len(list) == 0 {
					return nil, false
				}
				long := append([]any(nil), list...)
				for len(long) <= int(max) {
					long = append(long, list[0])
				}
				return long, true
			}})
	}
	if min, ok := kw["minItems"].(float64); ok && min > 0 {
		out = append(out, setTo("an empty list (minItems "+num(min)+")", "minItems", []any{}))
	}
	if req, ok := kw["required"].([]any); ok && len(req) > 0 {
		k, _ := req[0].(string)
		out = append(out, fieldBreak{how: "without its required " + k, keyword: "required",
			apply: func(cur any, present bool) (any, bool) {
				obj, ok := cur.(map[string]any)
				if !present || !ok {
					return nil, false
				}
				if _, has := obj[k]; !has {
					return nil, false
				}
				delete(obj, k)
				return obj, true
			}})
	}
	types := map[string]bool{}
	switch t := kw["type"].(type) {
	case string:
		types[t] = true
	case []any:
		for _, e := range t {
			s, _ := e.(string)
			types[s] = true
		}
	}
	for _, c := range []struct {
		typ   string
		value any
	}{{"string", 7.0}, {"integer", "7"}, {"array", map[string]any{}}, {"object", "x"}, {"number", "7"}, {"boolean", "x"}} {
		if types[c.typ] && !types[jsonType(c.value)] {
			out = append(out, setTo(fmt.Sprintf("as a JSON %s (type %s)", jsonType(c.value), c.typ), "type", c.value))
			break
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the subschema offers no break (%v)", kw)
	}
	return out, nil
}

// conditionalBreak breaks an object's if/then: the field the condition requires is set and
// a field the consequence fixes gets another value of its enum.
func (docs schemaDocs) conditionalBreak(file string, kw map[string]any) (fieldBreak, bool) {
	cond, _ := kw["if"].(map[string]any)
	then, _ := kw["then"].(map[string]any)
	props, _ := kw["properties"].(map[string]any)
	req, _ := cond["required"].([]any)
	thenProps, _ := then["properties"].(map[string]any)
	if len(req) != 1 || len(thenProps) != 1 {
		return fieldBreak{}, false
	}
	k, _ := req[0].(string)
	kEnum, _ := docs.keywords(file, props[k])["enum"].([]any)
	for p, sub := range thenProps {
		sm, _ := sub.(map[string]any)
		c := sm["const"]
		pEnum, _ := docs.keywords(file, props[p])["enum"].([]any)
		for _, v := range pEnum {
			if v != c && len(kEnum) > 0 {
				kv, pv := kEnum[0], v
				return fieldBreak{how: fmt.Sprintf("%s %v with %s %v (then: %s %v)", k, kv, p, pv, p, c), keyword: "if",
					apply: func(cur any, present bool) (any, bool) {
						obj, ok := cur.(map[string]any)
						if !present || !ok {
							return nil, false
						}
						obj[k], obj[p] = kv, pv
						return obj, true
					}}, true
			}
		}
	}
	return fieldBreak{}, false
}

// num formats a schema number as written in the schema (no exponent).
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func containsAny(list []any, v any) bool {
	for _, e := range list {
		if e == v {
			return true
		}
	}
	return false
}

// jsonType is the JSON Schema type of a decoded value.
func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case bool:
		return "boolean"
	}
	return "null"
}

// ---- The push path ----

// pushProxy is a loopback proxy between the emulator's dispatcher and the runner's receivers:
// a push mutant points the notification URLs of its kind at it, and it forwards every push to
// the URL it replaced with the body edited. Push signatures cover the nonce and Created, not
// the body (§2.1), so an edited push is signed as the platform would sign it. One proxy serves
// the whole test process (the mutant's configuration has no place to stop one).
var pushProxy struct {
	once  sync.Once
	url   string
	mu    sync.Mutex
	edits []func(map[string]any) bool
}

func pushProxyURL() string {
	pushProxy.once.Do(func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return // the mutant's URLs stay unchanged: it survives and the report shows it
		}
		client := &http.Client{Timeout: 30 * time.Second}
		srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
			to := r.URL.Query().Get("to")
			pushProxy.mu.Lock()
			ok := err == nil && i >= 0 && i < len(pushProxy.edits) && strings.HasPrefix(to, "http://127.0.0.1:")
			var edit func(map[string]any) bool
			if ok {
				edit = pushProxy.edits[i]
			}
			pushProxy.mu.Unlock()
			if !ok {
				http.Error(w, "unknown push mutant", http.StatusBadRequest)
				return
			}
			b, _ := io.ReadAll(r.Body)
			var m map[string]any
			if json.Unmarshal(b, &m) == nil && edit(m) {
				b, _ = json.Marshal(m)
			}
			out, err := http.NewRequestWithContext(r.Context(), r.Method, to, bytes.NewReader(b))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			for k, v := range r.Header {
				if k != "Content-Length" {
					out.Header[k] = v
				}
			}
			resp, err := client.Do(out)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			for k, v := range resp.Header {
				w.Header()[k] = v
			}
			w.WriteHeader(resp.StatusCode)
			_, _ = io.Copy(w, resp.Body)
		})}
		go func() { _ = srv.Serve(ln) }()
		pushProxy.url = "http://" + ln.Addr().String()
	})
	return pushProxy.url
}

// viaPushProxy sends the pushes of the URLs urls picks through the proxy with edit.
func viaPushProxy(urls func(*emulator.AppConfig) []*string, edit func(map[string]any) bool) func(*emulator.Config) {
	pushProxy.mu.Lock()
	i := len(pushProxy.edits)
	pushProxy.edits = append(pushProxy.edits, edit)
	pushProxy.mu.Unlock()
	return func(c *emulator.Config) {
		base := pushProxyURL()
		if base == "" {
			return
		}
		for a := range c.Apps {
			for _, u := range urls(&c.Apps[a]) {
				if *u != "" {
					*u = fmt.Sprintf("%s/%d?to=%s", base, i, url.QueryEscape(*u))
				}
			}
		}
	}
}

// TestMutASchemaNotesHaveMutants: every schema note has exactly one generated mutant, named by
// the note's rule (that the suite kills it, i.e. that its break is one the validator refuses,
// is TestMutationScore's to prove).
func TestMutASchemaNotesHaveMutants(t *testing.T) {
	if mutASchemaErr != nil {
		t.Fatal(mutASchemaErr)
	}
	inv, err := LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	notes, err := loadRuleNotes(inv)
	if err != nil {
		t.Fatal(err)
	}
	generated := map[string]int{}
	for _, m := range mutants {
		if strings.HasPrefix(m.name, "mutA/schema: ") {
			generated[mutantRuleIDs[m.name]]++
		}
	}
	n := 0
	for id, note := range notes {
		if note.Kind != NoteSchema {
			continue
		}
		n++
		if generated[id] != 1 {
			t.Errorf("schema note %s (%s): %d generated mutants, want 1", id, note.Detail, generated[id])
		}
	}
	if len(generated) != n {
		t.Errorf("%d rules with generated mutants for %d schema notes", len(generated), n)
	}
}
