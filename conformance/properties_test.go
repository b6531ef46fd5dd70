package conformance

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"context"
	"github.com/pns-harness/pns-harness/pns"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// propertyChecks is the number of generated values per field: PNS_PROPERTY_CHECKS (make fuzz
// sets it high), else a small number so that `go test` stays short.
func propertyChecks(t *testing.T) int {
	if s := os.Getenv("PNS_PROPERTY_CHECKS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("PNS_PROPERTY_CHECKS=%q: %v", s, err)
		}
		return n
	}
	return 8
}

// TestPropertiesHoldOnEmulator runs the property checks of every number field of every
// interface against the embedded emulator: each generated value is judged by the request
// schema's format and length, and every binding created is removed again.
func TestPropertiesHoldOnEmulator(t *testing.T) {
	url, stop, err := StartEmulator()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	rep, err := RunProperties(context.Background(), PropertyOptions{Target: url, Profile: EmulatorProfile(), Checks: propertyChecks(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Failed() {
		f := r.Failure
		t.Errorf("%s %s: %q: want %s (decision %q); sent %s; answer %s", r.Interface, r.Field, f.Value, f.Want, f.Decision, f.Request, f.Answer)
	}
	if len(rep.Cleanup) > 0 {
		t.Errorf("bindings left: %v", rep.Cleanup)
	}
	seen := map[string]bool{}
	want := propertyChecks(t)
	for _, r := range rep.Results {
		seen[r.Interface] = true
		// Every field gets the checks asked for, also under `go test -short`, where rapid
		// would make a fifth of them unless the run makes up for it.
		if r.Checks+r.Unjudged != want {
			t.Errorf("%s %s: %d checks and %d unjudged, want %d in all", r.Interface, r.Field, r.Checks, r.Unjudged, want)
		}
	}
	if len(seen) != len(propInterfaces()) {
		t.Errorf("checked interfaces %v, want the %d with number fields", seen, len(propInterfaces()))
	}
	t.Logf("seed %d: %d fields, %d requests", rep.Seed, len(rep.Results), rep.Requests)
}

// normalizeNumbers is a mutant of the emulator that rewrites every number member of a JSON
// request body (a string starting with "+") with norm before the emulator reads it: a platform
// that "cleans up" numbers instead of refusing them. The X-AKSK digest does not cover the body,
// so the request needs no new signature.
func normalizeNumbers(norm func(string) string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var m map[string]any
			if (r.Method == http.MethodPost || r.Method == http.MethodPut) && json.Unmarshal(body(r), &m) == nil {
				for k, v := range m {
					if s, ok := v.(string); ok && strings.HasPrefix(s, "+") {
						m[k] = norm(s)
					}
				}
				b, _ := json.Marshal(m)
				r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
			}
			h.ServeHTTP(w, r)
		})
	}
}

// onPath applies the mutant wrap to the requests on path only: a platform whose bug is in one
// interface's code.
func onPath(path string, wrap func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		mutated := wrap(h)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == path {
				mutated.ServeHTTP(w, r)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

// TestPropertiesCatchWhatTablesMiss proves the property checks find platform bugs that every
// table-driven scenario lets through: for each mutant, the whole suite passes against it, and
// the property check of one field fails with a shrunk request whose value is exactly one edit
// away from a well-formed number.
func TestPropertiesCatchWhatTablesMiss(t *testing.T) {
	t.Parallel() // whole-suite runs, each against its own in-process emulator
	cases := []struct {
		name   string
		norm   func(string) string
		path   string // the interface the mutant breaks; "" for all
		iface  string
		field  string
		shrunk func(v string) bool // the shape of the minimal failing value
	}{
		{"dashes in A/B numbers stripped instead of refused", func(s string) string { return strings.ReplaceAll(s, "-", "") }, "",
			pns.IfaceAXBind, "origNum",
			func(v string) bool {
				return strings.Count(v, "-") == 1 && pns.ValidRealNumber(strings.ReplaceAll(v, "-", ""))
			}},
		// In the AX bind only: both_ways.feature refuses an AXB B that keeps its 0, so a
		// platform dropping it on every interface is killed by the scenarios already.
		{"an area code's leading 0 after +86 dropped instead of refused (AX bind)", func(s string) string {
			if strings.HasPrefix(s, "+860") {
				return "+86" + s[4:]
			}
			return s
		}, pns.PathAX, pns.IfaceAXBind, "origNum",
			func(v string) bool { return strings.HasPrefix(v, "+860") && pns.ValidRealNumber("+86"+v[4:]) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // each mutant has its own in-process emulator
			wrap := normalizeNumbers(c.norm)
			if c.path != "" {
				wrap = onPath(c.path, wrap)
			}
			url := serveMutant(t, wrap)
			suite, err := Run(context.Background(), Options{Target: url, Profile: EmulatorProfile()})
			if err != nil {
				t.Fatal(err)
			}
			if suite.Failed != 0 {
				t.Fatalf("the scenarios kill this mutant already (%v): it proves nothing about the property checks", suite.FailedKeys())
			}
			rep, err := RunProperties(context.Background(), PropertyOptions{Target: url, Profile: EmulatorProfile(), Checks: 200, Seed: mutantSeed(t),
				Fields: func(iface, field string) bool { return iface == c.iface && field == c.field }})
			if err != nil {
				t.Fatal(err)
			}
			failed := rep.Failed()
			if len(failed) != 1 {
				t.Fatalf("property failures %+v, want one for %s %s", failed, c.iface, c.field)
			}
			f := failed[0].Failure
			if !c.shrunk(f.Value) || !strings.Contains(f.Request, strconv.Quote(f.Value)) || !strings.HasPrefix(f.Want, "refused") || !strings.Contains(f.Answer, "resultcode 0") {
				t.Errorf("shrunk failure %+v: want a value one edit from a valid number, in the request, refused by the rule and accepted by the mutant", f)
			}
			if len(rep.Cleanup) > 0 {
				t.Errorf("bindings left: %v", rep.Cleanup)
			}
			t.Logf("seed %d: %q in %s; %s", rep.Seed, f.Value, f.Request, f.Answer)
		})
	}
}

// TestPropertyDecisions pins which answers rest on the documentation (judged on every target)
// and which on an emulator decision (only listed as a difference on a real platform).
func TestPropertyDecisions(t *testing.T) {
	fields, err := propertyFields()
	if err != nil {
		t.Fatal(err)
	}
	find := func(iface, name string) propField {
		for _, f := range fields {
			if f.iface.ID == iface && f.name == name {
				return f
			}
		}
		t.Fatalf("no property field %s %s", iface, name)
		return propField{}
	}
	bind, callee, query := find(pns.IfaceAXBBind, "callerNum"), find(pns.IfaceAXCallee, "calleeNum"), find(pns.IfaceAXBQuery, "callerNum")
	for _, c := range []struct {
		f    propField
		v    string
		want string
	}{
		{bind, "+8613800000001", ""},                                     // a +86 mobile number: documented inside
		{bind, "+8675528123401", ""},                                     // a fixed line, area 755: documented inside
		{bind, "+86138001380", "D16"},                                    // a truncated mobile read as a fixed line
		{bind, "+4420123456", "D16"},                                     // another country: its length is decided
		{bind, "13800000001", ""},                                        // no +: documented outside
		{bind, "+86-13800000001", ""},                                    // a dash: documented outside
		{bind, "+861380000000123", ""},                                   // 13 digits after +86: documented outside
		{bind, "+864001234567", "D44"},                                   // a 400 number as A
		{callee, "+8695555", "D56"},                                      // a 95 number as the temporary callee
		{query, "13800000001", "D16"},                                    // a filter beside relationNum: the platform may ignore it
		{find(pns.IfaceAXBBind, "relationNum"), "+8675528123401", "D16"}, // a fixed line as X
	} {
		if got := c.f.decisionFor(c.v, c.f.inRule(c.v)); got != c.want {
			t.Errorf("%s %s %q: decision %q, want %q", c.f.iface.ID, c.f.name, c.v, got, c.want)
		}
		if _, ok := pns.DecisionByID(c.want); c.want != "" && !ok {
			t.Errorf("decision %s is not in pns.Decisions", c.want)
		}
	}
	// The checked fields come from the schemas; the identifying ones of a modify are left out.
	// AXE bind's virtualNum (a number only when not empty, a conditional of its own) and the
	// AXE extension on bind, query and unbind are among them, and AXYB's A, X, Y and B.
	if len(fields) != 34 {
		t.Errorf("%d number fields, want 34", len(fields))
	}
	for _, k := range [][2]string{{pns.IfaceAXEBind, "virtualNum"}, {pns.IfaceAXEBind, "extendNum"}, {pns.IfaceAXEQuery, "extendNum"}, {pns.IfaceAXEUnbind, "extendNum"},
		{pns.IfaceAXYBBind, "origNum"}, {pns.IfaceAXYBUnbind, "yNum"}, {pns.IfaceAXYBUnbind, "bNum"}, {pns.IfaceAXYBQuery, "relationNum"}} {
		find(k[0], k[1])
	}
	// In a query, modify or unbind the all-zeros extension is well formed: it names no binding.
	if q := find(pns.IfaceAXEQuery, "extendNum"); true {
		q.digits = 4
		if !q.inRule("0000") || q.decisionFor("0000", true) != "" {
			t.Errorf("query extension 0000: want inside the rule, documented")
		}
	}
	for _, k := range [][2]string{{pns.IfaceAXModify, "privateNum"}, {pns.IfaceAXCallee, "privateNum"}, {pns.IfaceAXEModify, "virtualNum"}, {pns.IfaceAXEModify, "extendNum"}} {
		if !find(k[0], k[1]).identifies() {
			t.Errorf("%s %s: want checked as the binding's identifier", k[0], k[1])
		}
	}
	ext := find(pns.IfaceAXEBind, "extendNum")
	ext.digits = 4
	for _, c := range []struct {
		v      string
		inside bool
		want   string
	}{{"0042", true, ""}, {"042", false, ""}, {"00042", false, ""}, {"00 4", false, ""}, {"００４２", false, ""}, {"0000", false, "D58"}} {
		if got := ext.inRule(c.v); got != c.inside {
			t.Errorf("extension %q with 4 digits: inside %v, want %v", c.v, got, c.inside)
		}
		if d := ext.decisionFor(c.v, c.inside); d != c.want {
			t.Errorf("extension %q: decision %q, want %q", c.v, d, c.want)
		}
	}
	for _, f := range fields {
		if r := propSkip(f.iface, f.name, f.format); r != "" {
			t.Errorf("%s %s checked although %s", f.iface.ID, f.name, r)
		}
	}
}

// TestPropertiesNumberGaps proves the number checks reach the fields added to them: a platform
// that pads a short AXE extension with zeros instead of refusing it, and one that strips dashes
// from AXE bind's virtualNum, each fail the check of that field with a shrunk request.
func TestPropertiesNumberGaps(t *testing.T) {
	padExtension := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var m map[string]any
			if r.Method == http.MethodPost && json.Unmarshal(body(r), &m) == nil {
				if s, ok := m["extendNum"].(string); ok && len(s) > 0 && len(s) < 4 {
					m["extendNum"] = strings.Repeat("0", 4-len(s)) + s
					b, _ := json.Marshal(m)
					r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
				}
			}
			h.ServeHTTP(w, r)
		})
	}
	cases := []struct {
		name         string
		wrap         func(http.Handler) http.Handler
		iface, field string
		shrunk       func(v string) bool
	}{
		{"a short extension padded with zeros instead of refused", padExtension, pns.IfaceAXEBind, "extendNum",
			func(v string) bool { return len(v) > 0 && len(v) < 4 && strings.Trim(v, "0123456789") == "" }},
		{"dashes in AXE virtualNum stripped instead of refused", normalizeNumbers(func(s string) string { return strings.ReplaceAll(s, "-", "") }),
			pns.IfaceAXEBind, "virtualNum",
			func(v string) bool {
				return strings.Count(v, "-") == 1 && pns.ValidXNumber(strings.ReplaceAll(v, "-", ""))
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // each mutant has its own in-process emulator
			url := serveMutant(t, c.wrap)
			rep, err := RunProperties(context.Background(), PropertyOptions{Target: url, Profile: EmulatorProfile(), Checks: mutantChecks(t), Seed: mutantSeed(t),
				Fields: func(iface, field string) bool { return iface == c.iface && field == c.field }})
			if err != nil {
				t.Fatal(err)
			}
			failed := rep.Failed()
			if len(failed) != 1 {
				t.Fatalf("property failures %+v, want one for %s %s", failed, c.iface, c.field)
			}
			f := failed[0].Failure
			if !c.shrunk(f.Value) || !strings.Contains(f.Request, strconv.Quote(f.Value)) || !strings.HasPrefix(f.Want, "refused") || !strings.Contains(f.Answer, "resultcode 0") || f.Decision != "" {
				t.Errorf("shrunk failure %+v: want a value of the mutant's shape, in the request, refused by the documented rule and accepted by the mutant", f)
			}
			if len(rep.Cleanup) > 0 {
				t.Errorf("bindings left: %v", rep.Cleanup)
			}
			t.Logf("seed %d: %q in %s; %s", rep.Seed, f.Value, f.Request, f.Answer)
		})
	}
}

// TestPropertiesThrottled: flow control (1010010, D11) judges nothing. A platform throttling
// every other request has them sent again and still finds no failure; one throttling every
// AXE modify leaves those fields with no judged value, counted as unjudged instead of passed.
func TestPropertiesThrottled(t *testing.T) {
	old := throttlePause
	throttlePause = time.Millisecond
	t.Cleanup(func() { throttlePause = old })
	var n atomic.Int64
	throttle := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if (r.Method == http.MethodPut && r.URL.Path == pns.PathAXE) || n.Add(1)%2 == 0 {
				writeError(w, pns.FlowControl())
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	url := serveMutant(t, throttle)
	rep, err := RunProperties(context.Background(), PropertyOptions{Target: url, Profile: EmulatorProfile(), Checks: 20})
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.Failed(); len(f) != 0 || len(rep.Cleanup) != 0 {
		t.Fatalf("failures %+v, bindings left %v: flow control must judge nothing", f, rep.Cleanup)
	}
	if rep.Throttled == 0 {
		t.Error("no throttled answer counted")
	}
	for _, r := range rep.Results {
		axeModify := r.Interface == pns.IfaceAXEModify
		if axeModify && (r.Checks != 0 || r.Unjudged == 0) {
			t.Errorf("%s %s: %d judged, %d unjudged; want none judged", r.Interface, r.Field, r.Checks, r.Unjudged)
		}
		if !axeModify && r.Checks == 0 {
			t.Errorf("%s %s: nothing judged although retries get through", r.Interface, r.Field)
		}
	}
}

// serveMutant serves the conformance emulator behind wrap (a mutant, or nil) for the rest of
// the test and returns its URL.
func serveMutant(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	cfg, err := ConformanceConfig()
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := ServeEmulator(cfg, wrap)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return url
}
