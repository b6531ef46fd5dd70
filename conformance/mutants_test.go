package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// A mutant is the emulator with one contract rule broken the way a plausible platform bug would
// break it, named by the rule (the @rule tag or the section of the reference). The suite kills a
// mutant when at least one scenario fails against it. Mutants are handler wrappers: they rewrite
// requests (re-signing them with the app's secret where an authentication rule is broken) or
// answers, so the emulator itself stays untouched.
type mutant struct {
	name string // rule broken, e.g. "range:duration inclusive maximum refused (axb.bind)"
	rule string // the rule tag of the scenarios expected to catch it, without @rule:
	wrap func(secrets map[string]string) func(http.Handler) http.Handler
	// config, when set, breaks the rule through the emulator's configuration instead (rules
	// of the push dispatcher, which no handler wrapper reaches).
	config func(*emulator.Config)
}

// mutants is the catalogue, grouped by the classes of issue 12: inclusive ends of ranges and
// lengths, enum values never sent, digest mistakes, Created in the future, nonce replay, time
// zone, plus the two rule breaks of TestMutations.
var mutants = []mutant{
	{"range:duration: the largest allowed value (7776000) refused", "range:duration",
		refuseField(pns.PathAXB, "duration", func(v string) bool { return v == "7776000" }), nil},
	{"range:maxDuration: the largest allowed value (1440) refused", "range:maxDuration",
		refuseField("", "maxDuration", func(v string) bool { return v == "1440" }), nil},
	{"range:maxDuration: the smallest allowed value (0) refused", "range:maxDuration",
		refuseField("", "maxDuration", func(v string) bool { return v == "0" }), nil},
	{"range:duration (ax.callee): the largest allowed value (259200) refused", "range:duration",
		refuseField(pns.PathAXCallee, "duration", func(v string) bool { return v == "259200" }), nil},
	{"range:bindExpiredTime: minutes held to the hours maximum (2160)", "range:bindExpiredTime",
		refuseField(pns.PathAXE, "bindExpiredTime", func(v string) bool { n, _ := strconv.Atoi(v); return n > 2160 }), nil},
	{"length:userData: the longest allowed value (256) refused", "length:userData",
		refuseField("", "userData", func(v string) bool { return len(v) == 258 }), nil}, // 256 characters and the quotes
	{"length:lastMinVoice: the longest allowed value (128) refused", "length:lastMinVoice",
		refuseField("", "lastMinVoice", func(v string) bool { return len(v) == 130 }), nil},
	{"enum:callDirection: value 2 never accepted", "enum:callDirection",
		refuseField("", "callDirection", func(v string) bool { return v == "2" }), nil},
	{"enum:turnFlag: \"off\" never accepted", "enum:turnFlag",
		refuseField(pns.PathAX, "turnFlag", func(v string) bool { return v == `"off"` }), nil},
	{"enum:timeUnit: \"1\" (minutes) never accepted", "enum:timeUnit",
		refuseField(pns.PathAXE, "timeUnit", func(v string) bool { return v == `"1"` }), nil},
	{"enum:privateSms: \"false\" never accepted", "enum:privateSms",
		refuseField("", "privateSms", func(v string) bool { return v == `"false"` }), nil},
	{"bad-digest: message in the wrong order (Created + Nonce) accepted", "business:bad-digest",
		acceptDigest(func(secret, nonce, created string) string { return hmacB64([]byte(secret), created+nonce) }), nil},
	{"bad-digest: key and message swapped accepted", "business:bad-digest",
		acceptDigest(func(secret, nonce, created string) string { return hmacB64([]byte(nonce+created), secret) }), nil},
	{"bad-digest: Base64 of the hex string accepted", "business:bad-digest",
		acceptDigest(digestMistakes["Base64 of the hex string instead of the raw MAC"]), nil},
	{"bad-digest: a separator between Nonce and Created accepted", "business:bad-digest",
		acceptDigest(func(secret, nonce, created string) string { return hmacB64([]byte(secret), nonce+" "+created) }), nil},
	{"future-created: a Created ahead of the window accepted", "business:future-created",
		resign(func(t pns.Token) bool {
			c, err := pns.ParseCreated(t.Created)
			return err == nil && time.Until(c) > 300*time.Second && time.Until(c) < 7*time.Hour
		}), nil},
	{"stale-created: a Created a day old accepted", "business:stale-created",
		resign(func(t pns.Token) bool {
			c, err := pns.ParseCreated(t.Created)
			return err == nil && time.Since(c) > 12*time.Hour
		}), nil},
	{"nonce-replay: a reused nonce accepted", "business:nonce-replay", freshNonces, nil},
	{"utc-time: subscribeTime in China local time (UTC+8)", "business:utc-time", shiftSubscribeTime(8 * time.Hour), nil},
	{"utc-time: subscribeTime one hour off", "business:utc-time", shiftSubscribeTime(-time.Hour), nil},
	{"utc-time: AXYB subscribeTime in China local time (UTC+8)", "business:utc-time", shiftListTimes(8*time.Hour, "xyRelationNumList"), nil},
	{"fee-cap: fee records split before the cap (49 per message)", "delivery:fee-cap", nil,
		func(c *emulator.Config) { c.FeeBatchMax = 49 }},
	{"fee-batch: fee records of calls ending together never merged", "delivery:fee-batch", nil,
		func(c *emulator.Config) { c.FeeBatchMax = 1 }},
	{"numstatus-cap: status changes split before the cap (99 per message)", "delivery:numstatus-cap", nil,
		func(c *emulator.Config) { c.StatusBatchMax = 99 }},
	{"x-reuse: 1012010 answered as 1012008, and AXB bind answers without subscriptionId (as in TestMutations)", "business:x-reuse",
		func(map[string]string) func(http.Handler) http.Handler { return mutate }, nil},
}

// body reads and restores a request body.
func body(r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

func writeError(w http.ResponseWriter, e *pns.Error) {
	b, _ := json.Marshal(pns.Envelope{ResultCode: string(e.Code), ResultDesc: e.Desc})
	w.Header().Set("Content-Type", pns.ContentTypeJSON)
	w.WriteHeader(e.HTTPStatus())
	_, _ = w.Write(b)
}

// refuseField answers 1010002 naming field when a body request (on path, or any path when
// empty) carries the field with a raw JSON value for which bad is true.
func refuseField(path, field string, bad func(raw string) bool) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if (path == "" || r.URL.Path == path) && (r.Method == http.MethodPost || r.Method == http.MethodPut) {
					var m map[string]json.RawMessage
					if json.Unmarshal(body(r), &m) == nil {
						if v, ok := m[field]; ok && bad(string(v)) {
							writeError(w, pns.InvalidRequest(field))
							return
						}
					}
				}
				h.ServeHTTP(w, r)
			})
		}
	}
}

// resign replaces the X-AKSK token of requests matching bad by a correct one (fresh nonce,
// current Created), so the emulator accepts what a correct platform refuses.
func resign(bad func(pns.Token) bool) func(map[string]string) func(http.Handler) http.Handler {
	return func(secrets map[string]string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if t, err := pns.ParseRequestAuth(r.Header); err == nil && t.Scheme == pns.SchemeAKSK && bad(t) {
					if s, ok := secrets[t.Username]; ok {
						pns.Signer{AppKey: t.Username, AppSecret: s}.Sign(r.Header)
					}
				}
				h.ServeHTTP(w, r)
			})
		}
	}
}

// acceptDigest accepts a digest built with a client mistake.
func acceptDigest(mistake func(secret, nonce, created string) string) func(map[string]string) func(http.Handler) http.Handler {
	return func(secrets map[string]string) func(http.Handler) http.Handler {
		return resign(func(t pns.Token) bool {
			s, ok := secrets[t.Username]
			return ok && t.PasswordDigest == mistake(s, t.Nonce, t.Created)
		})(secrets)
	}
}

// freshNonces gives every correctly signed request a fresh nonce (same Created, digest
// recomputed): replay protection never sees a nonce twice, and nothing else changes.
func freshNonces(secrets map[string]string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if t, err := pns.ParseRequestAuth(r.Header); err == nil && t.Scheme == pns.SchemeAKSK {
				if s, ok := secrets[t.Username]; ok && len(t.Nonce) <= 128 && t.DigestMatches(s) {
					t.Nonce = pns.NewNonce()
					t.PasswordDigest = t.Expected(s)
					r.Header.Set(pns.HeaderXAKSK, t.HeaderValue())
				}
			}
			h.ServeHTTP(w, r)
		})
	}
}

// shiftSubscribeTime moves every subscribeTime of AXB and AX query answers by d, as a platform
// formatting its local time would.
func shiftSubscribeTime(d time.Duration) func(map[string]string) func(http.Handler) http.Handler {
	return shiftListTimes(d, "relationNumList", "privateNumList")
}

// shiftListTimes moves the subscribeTime of every element of the named answer lists by d.
func shiftListTimes(d time.Duration, lists ...string) func(map[string]string) func(http.Handler) http.Handler {
	return func(map[string]string) func(http.Handler) http.Handler {
		return rewriteJSON(func(r *http.Request, m map[string]any) bool {
			changed := false
			for _, list := range lists {
				items, _ := m[list].([]any)
				for _, it := range items {
					b, _ := it.(map[string]any)
					if s, ok := b["subscribeTime"].(string); ok {
						if t, err := pns.ParseUTC(s); err == nil {
							b["subscribeTime"] = pns.FormatUTC(t.Add(d))
							changed = true
						}
					}
				}
			}
			return changed
		})
	}
}

// rewriteJSON lets f edit every JSON answer; f reports whether it changed it.
func rewriteJSON(f func(*http.Request, map[string]any) bool) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			out := rec.Body.Bytes()
			var m map[string]any
			if json.Unmarshal(out, &m) == nil && f(r, m) {
				out, _ = json.Marshal(m)
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(out)))
			w.WriteHeader(rec.Code)
			_, _ = w.Write(out)
		})
	}
}

func appSecrets(cfg *emulator.Config) map[string]string {
	out := map[string]string{}
	for _, a := range cfg.Apps {
		out[a.AppKey] = a.AppSecret
	}
	return out
}

// mutantOutcome is one mutant's run.
type mutantOutcome struct {
	m        mutant
	killedBy []string // failed scenarios
	byRule   bool     // a scenario tagged with the mutant's rule failed
	err      error
}

func runMutant(ctx context.Context, m mutant) mutantOutcome {
	out := mutantOutcome{m: m}
	cfg, err := ConformanceConfig()
	if err != nil {
		out.err = err
		return out
	}
	// The runner's own embedded emulator, so that the push-delivery scenarios have their
	// receivers and can kill the dispatcher's mutants too.
	o := Options{Concurrency: 4, mutantConfig: m.config}
	if m.wrap != nil {
		o.mutantHandler = m.wrap(appSecrets(cfg))
	}
	res, err := Run(ctx, o)
	if err != nil {
		out.err = err
		return out
	}
	// Scenarios of the mutant's rule first: they are the ones meant to catch it.
	var others []string
	for _, s := range res.Scenarios {
		switch {
		case s.Status == "passed" || s.Status == "skipped":
		case contains(s.Tags, "@rule:"+m.rule):
			out.byRule = true
			out.killedBy = append(out.killedBy, s.Key)
		default:
			others = append(others, s.Key)
		}
	}
	out.killedBy = append(out.killedBy, others...)
	return out
}

// TestMutationScore runs the whole suite against every mutant and prints the score, overall
// and per class of the broken rule (mutantRuleIDs), and each surviving mutant with its reason
// (survivorReasons; a survivor without one fails). It takes a few minutes, so it runs only
// from `make mutation` (PNS_MUTATION=<report file>, or 1 for the test log only);
// TestMutantCatalogue and TestMutantRuleIDs keep the catalogue honest in `make test`.
func TestMutationScore(t *testing.T) {
	if os.Getenv("PNS_MUTATION") == "" {
		t.Skip("set PNS_MUTATION=1 (make mutation) to run the suite against every mutant")
	}
	ctx := context.Background()
	selected := mutants
	if f := os.Getenv("PNS_MUTANTS"); f != "" { // a substring of the names, to rerun a few
		selected = nil
		for _, m := range mutants {
			if strings.Contains(m.name, f) {
				selected = append(selected, m)
			}
		}
	}
	outs := make([]mutantOutcome, len(selected))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, m := range selected {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			outs[i] = runMutant(ctx, m)
		}()
	}
	wg.Wait()
	inv, err := LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	killed, unexplained := 0, 0
	var b strings.Builder
	for _, o := range outs {
		rule := ""
		if r, err := mutantRule(inv, o.m); err != nil {
			t.Error(err)
		} else {
			rule = " [" + r.ID + ", " + string(r.Class) + "]"
		}
		switch {
		case o.err != nil:
			t.Errorf("mutant %q: %v", o.m.name, o.err)
		case len(o.killedBy) > 0:
			killed++
			note := ""
			if !o.byRule {
				note = " (by no scenario tagged @rule:" + o.m.rule + ")"
			}
			first := o.killedBy
			if len(first) > 3 {
				first = append(first[:3:3], fmt.Sprintf("… %d more", len(o.killedBy)-3))
			}
			fmt.Fprintf(&b, "  KILLED   %s%s%s\n           by %s\n", o.m.name, rule, note, strings.Join(first, "; "))
		default:
			reason, ok := survivorReasons[o.m.name]
			if !ok {
				unexplained++
				reason = "no reason recorded: a gap of the suite"
			}
			fmt.Fprintf(&b, "  SURVIVED %s%s\n           %s\n", o.m.name, rule, reason)
		}
	}
	if len(selected) == 0 {
		t.Fatalf("PNS_MUTANTS=%q selects no mutant", os.Getenv("PNS_MUTANTS"))
	}
	score := fmt.Sprintf("mutation score: %d/%d mutants killed (%.0f%%)", killed, len(selected), 100*float64(killed)/float64(len(selected)))
	report := score + "\nper class of the broken rule:\n" + classScores(inv, outs) + b.String()
	if path := os.Getenv("PNS_MUTATION"); path != "1" {
		if err := os.WriteFile(path, []byte(report), 0o644); err != nil {
			t.Error(err)
		}
	}
	t.Log("\n" + report)
	if unexplained > 0 {
		t.Errorf("%s; %d surviving mutants have no recorded reason (listed above)", score, unexplained)
	}
}

// TestMutantCatalogue keeps the catalogue consistent in `make test`: unique names, each naming
// a catalogued rule.
func TestMutantCatalogue(t *testing.T) {
	cfg, err := ConformanceConfig()
	if err != nil {
		t.Fatal(err)
	}
	secrets := appSecrets(cfg)
	names := map[string]bool{}
	for _, m := range mutants {
		if names[m.name] {
			t.Errorf("duplicate mutant %q", m.name)
		}
		names[m.name] = true
		if !contains(allRuleTags(), m.rule) {
			t.Errorf("mutant %q: rule %q is not in the catalogue", m.name, m.rule)
		}
		if (m.wrap == nil) == (m.config == nil) {
			t.Errorf("mutant %q: want exactly one of a handler wrapper and a configuration change", m.name)
		} else if m.wrap != nil && m.wrap(secrets) == nil {
			t.Errorf("mutant %q has no wrapper", m.name)
		}
	}
}

func allRuleTags() []string {
	var out []string
	for _, rs := range Rules {
		out = append(out, rs...)
	}
	return out
}
