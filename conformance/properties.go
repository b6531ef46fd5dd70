package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
	"pgregory.net/rapid"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// Property checks send generated values of every number field of every interface to the
// platform, through the same signed client as the scenarios, and judge each answer against the
// field's rule as the request schemas state it (format and length). A table checks the values
// someone thought of; a property check finds the one nobody did (a dash a platform strips, an
// area code's 0 it drops) and shrinks it to the smallest request that still breaks the rule.
//
// Generation and shrinking are pgregory.net/rapid's rather than hand-written: its generators
// shrink by construction (a failing number is reduced towards the profile's first block, the
// first position and the first edit), which a hand-written generator would have to re-implement
// for every edit, and Go's native fuzzing neither shrinks to a minimum nor runs outside
// `go test`, while users run these checks against their platform from the harness binary.

// DefaultPropertyChecks is the number of generated values per field when none is given: small
// enough that `go test` stays short, large enough that every kind of edit occurs.
const DefaultPropertyChecks = 20

// MaxPropertyChecks bounds PropertyOptions.Checks, so that a typo cannot flood a platform.
const MaxPropertyChecks = 10000

// PropertyOptions configures RunProperties.
type PropertyOptions struct {
	// Target is the platform's base URL.
	Target string
	// Profile names the apps, their X numbers and the number blocks of fresh A/B numbers.
	// Profile.Emulator makes the emulator's decisions (the exact code and description, the
	// number syntax beyond the documented examples) part of the verdict.
	Profile *Profile
	// HTTPClient sends the requests; nil uses the pns client's default.
	HTTPClient *http.Client
	// Checks is the number of generated values per field (default DefaultPropertyChecks).
	Checks int
	// Rate bounds the requests per second (0: no bound, for the embedded emulator).
	Rate float64
	// Seed makes a run repeatable (0: a random seed, reported in the result).
	Seed uint64
	// Fields, when set, keeps only the fields "iface field" for which it is true (tests).
	Fields func(iface, field string) bool
	// ProfileFile is the file Profile was read from, named in the `harness sign` command of a
	// failure's reproduce line; empty for a built-in profile (harness sign's default).
	ProfileFile string
}

// PropertyResult is the outcome of the checks of one field of one interface.
type PropertyResult struct {
	Interface string `json:"interface"`
	Field     string `json:"field"`
	// Kind is PropertyNumber or PropertyEnum.
	Kind string `json:"kind"`
	// Rule is the field's rule as the schema states it.
	Rule string `json:"rule"`
	// Checks is the number of generated values sent and judged (before any shrinking).
	Checks int `json:"checks"`
	// Unjudged counts values whose answer stayed flow control after the retries: not checked.
	Unjudged int `json:"unjudged,omitempty"`
	// Failure is the smallest request found that breaks a rule the verdict holds the platform
	// to; nil when none was found.
	Failure *PropertyFailure `json:"failure,omitempty"`
	// Differs lists, on a platform that is not the emulator, answers that differ from one of
	// the emulator's decisions only (not a failure), at most maxDiffers per field.
	Differs []PropertyFailure `json:"differs,omitempty"`
	// NotChecked names, on a platform that is not the emulator, the parts of the rule the
	// verdict leaves out because they rest on an emulator decision, each with the decision.
	NotChecked []string `json:"notChecked,omitempty"`
}

// The kinds of property check.
const (
	// PropertyNumber checks a number field's format and length; Value is the number itself.
	PropertyNumber = "number"
	// PropertyEnum checks an enumerated field's listed values; Value is the JSON text sent
	// (`"On"`, `3`), since the JSON type is part of the rule.
	PropertyEnum = "enum"
)

// PropertyFailure is one generated request and the answer that broke the rule.
type PropertyFailure struct {
	// Value is the field's generated value (for an enum, its JSON text).
	Value string `json:"value"`
	// Want is what the rule asks of the answer.
	Want string `json:"want"`
	// Decision is the emulator decision the expectation rests on ("" when documented).
	Decision string `json:"decision,omitempty"`
	// Request is the request sent (never its authentication headers).
	Request string `json:"request"`
	// Answer is the platform's HTTP status, resultcode and resultdesc.
	Answer string `json:"answer"`
	// Reproduce is a curl command that sends the request again, its signature header read from
	// $PNS_SIGNED_HEADER, with the `harness sign` command that signs a fresh one ("" when the
	// request cannot be rendered).
	Reproduce string `json:"reproduce,omitempty"`
}

// PropertyReport is the outcome of RunProperties.
type PropertyReport struct {
	Seed     uint64 `json:"seed"`
	Requests int    `json:"requests"`
	// Throttled counts the answers that were the platform's flow control (D11): they judge
	// nothing; the request was sent again or its value left unjudged (Unjudged).
	Throttled int              `json:"throttled,omitempty"`
	Results   []PropertyResult `json:"results"`
	// Cleanup lists bindings that could not be removed again (empty when all were).
	Cleanup []string `json:"cleanup,omitempty"`
}

// Failed returns the results with a failure.
func (r *PropertyReport) Failed() []PropertyResult {
	var out []PropertyResult
	for _, x := range r.Results {
		if x.Failure != nil {
			out = append(out, x)
		}
	}
	return out
}

const maxDiffers = 3

// shrinkRequests bounds the requests spent shrinking one field's failure: shrinking stops
// with the smallest request found by then, so a platform failing every field is not sent
// minutes of requests.
const shrinkRequests = 100

// propField is one number field of one interface's request, read from its schema: a field
// with a pns-…-number format, or an AXE extension (digits by the schema's pattern, as many as
// the app's extensionDigits, reference §5.1).
type propField struct {
	iface    pns.Interface
	name     string
	format   string
	min, max int
	// digits is the app's extension length for an extension field (set when the run knows
	// the profile), 0 for a number.
	digits int
}

// fieldExtension is the AXE extension field, checked like a number: digits only, the app's
// count of them.
const fieldExtension = "extendNum"

// extension reports whether the field is an AXE extension rather than a number.
func (f propField) extension() bool { return f.name == fieldExtension }

// zeroExtension reports whether v is the all-zeros extension on a bind, which the emulator
// never allocates nor accepts (D58). Elsewhere it is a well-formed extension that names no
// binding.
func (f propField) zeroExtension(v string) bool {
	return f.extension() && f.iface.Method == http.MethodPost && len(v) == f.digits && reDigits.MatchString(v) && strings.Trim(v, "0") == ""
}

// codeDecision is the decision behind the exact answer (1010002 naming the field) to a value
// outside the rule.
func (f propField) codeDecision() string {
	if f.extension() {
		return "D58"
	}
	return "D16"
}

// propInterfaces are the interfaces the property checks cover: every interface of a mode in
// pns.Interfaces, in its order, each with its request schema as the schemas' own table names
// it; the interfaces every mode shares (the recording download, the stop call) have no number
// field. Derived rather than listed, so that a new interface of a mode is checked without a
// line here; one without a request schema is an error of the run.
func propInterfaces() []pns.Interface {
	var out []pns.Interface
	for _, i := range pns.Interfaces {
		if i.Mode != "" {
			out = append(out, i)
		}
	}
	return out
}

// propertyFields reads every number field (a pns-…-number format) of every request schema,
// with its length bounds, including formats stated only in a conditional branch (AXE's
// virtualNum).
func propertyFields() ([]propField, error) {
	var out []propField
	err := eachRequestProp(func(iface pns.Interface, s *reqSchema, n string, p *prop) {
		format := p.Format
		for _, a := range s.AllOf {
			if tp := a.Then.Properties[n]; format == "" && tp != nil {
				format = tp.Format
			}
		}
		if format == "" && p.Then != nil {
			format = p.Then.Format
		}
		isNumber := strings.HasSuffix(format, "-number") || (n == fieldExtension && p.Pattern != "")
		if !isNumber || propSkip(iface, n, format) != "" {
			return
		}
		f := propField{iface: iface, name: n, format: format, min: 0, max: 1 << 20}
		if p.MinLength != nil {
			f.min = *p.MinLength
		}
		if p.MaxLength != nil {
			f.max = *p.MaxLength
		}
		out = append(out, f)
	})
	return out, err
}

// eachRequestProp calls fn for every property of every request schema the property checks
// cover (propInterfaces), in name order, with its $refs resolved: the one walk the number
// and the enum checks share.
func eachRequestProp(fn func(iface pns.Interface, s *reqSchema, name string, p *prop)) error {
	defs, err := loadDefs()
	if err != nil {
		return err
	}
	for _, iface := range propInterfaces() {
		schema, err := schemas.SchemaFor(iface.ID, schemas.Request)
		if err != nil {
			return fmt.Errorf("properties: %w", err)
		}
		src, err := schemas.Source(schema)
		if err != nil {
			return err
		}
		var s reqSchema
		if err := json.Unmarshal(src, &s); err != nil {
			return fmt.Errorf("%s: %w", schema, err)
		}
		names := make([]string, 0, len(s.Properties))
		for n := range s.Properties {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if localRef(s.Properties[n]) {
				continue
			}
			p, err := parseProp(s.Properties[n], defs)
			if err != nil {
				return fmt.Errorf("%s: %w", schema, err)
			}
			fn(iface, &s, n, p)
		}
	}
	return nil
}

// propSkip says why a number field has no property check ("" when it has one): the temporary
// callee's origNum is not read by the platform ("系统不会解析该参数", §4.6); whether its syntax
// is checked all the same is the emulator's decision D16, which the callee scenarios cover.
func propSkip(iface pns.Interface, name, format string) string {
	if iface.ID == pns.IfaceAXCallee && name == "origNum" {
		return "not read by the platform (§4.6); its syntax check is D16"
	}
	return ""
}

// identifies reports whether the field identifies the binding of a modify or a temporary
// callee (AX privateNum, AXE virtualNum with extendNum): it is sent without a subscriptionId,
// which would win over it (§4.4, §4.6, §5.4), so that it is the request's subject. Like a query
// value, a well-formed one names a binding and is not generated; a malformed one names none and
// must be refused.
func (f propField) identifies() bool {
	switch f.iface.ID {
	case pns.IfaceAXModify, pns.IfaceAXCallee:
		return f.name == "privateNum"
	case pns.IfaceAXEModify:
		return f.name == "virtualNum" || f.extension()
	}
	return false
}

// auxiliary reports whether the field of a query or unbind only narrows a request identified by
// an X number (AXB query by relationNum and callerNum, AX by privateNum and origNum): whether a
// platform checks its syntax, or ignores a filter it does not need, is the emulator's decision.
func (f propField) auxiliary() bool {
	return f.axybNarrows() || (f.iface.Query && !f.xField() && !f.extension())
}

// reDigits is an extension's syntax (the request schemas' pattern of extendNum).
var reDigits = regexp.MustCompile(`^[0-9]+$`)

// inRule is the oracle: the field's format and length as the schema states them; for an
// extension, digits only and exactly the app's count of them ("E has at most 4 digits; the
// number of digits is fixed per app", reference §5.1 [V]), and on a bind not all zeros (D58).
func (f propField) inRule(v string) bool {
	n := len([]rune(v))
	if f.extension() {
		return n == f.digits && reDigits.MatchString(v) && !f.zeroExtension(v)
	}
	return n >= f.min && n <= f.max && schemas.CheckFormat(f.format, v) == nil
}

func (f propField) rule() string {
	if f.extension() {
		return fmt.Sprintf("%s: digits only, the app's %d of them (at most %d, reference §5.1)", f.name, f.digits, f.max)
	}
	return fmt.Sprintf("%s: %s, %d-%d characters (reference §1.4)", f.name, f.format, f.min, f.max)
}

// notChecked names the decided parts of a number field's rule, left out of the verdict on a
// target that is not the emulator.
func (f propField) notChecked() []string {
	if f.extension() {
		return []string{fmt.Sprintf("the exact answer to a malformed extension (1010002 %q): D58", pns.InvalidRequest(f.name).Desc)}
	}
	out := []string{fmt.Sprintf("the exact answer to a malformed value (1010002 %q) and the syntax between the documented examples and the clearly malformed: D16 (400/95 numbers: D44, D56)",
		pns.InvalidRequest(f.name).Desc)}
	if f.auxiliary() {
		out = []string{"every value: whether a platform checks a filter beside the X number or subscriptionId it looks up is D16"}
	}
	return out
}

// xField reports whether the field holds an X number.
func (f propField) xField() bool { return f.format == schemas.FormatXNumber }

// judgedInside reports whether an accepted value must be accepted: only where the request
// creates or changes nothing but the field itself and the value is one the app may use (a
// bind's or a temporary callee's A/B number). X numbers must also be the app's own, and query,
// unbind and modify values identify or move bindings, so inside them only the emulator's
// decision (no 1010002 for a well-formed number) is judged.
func (f propField) judgedInside() bool {
	if f.xField() {
		return false
	}
	switch f.iface.Op {
	case "bind": // an extension: when it is free (1020167 otherwise)
		return true
	case "callee":
		return f.name == "calleeNum"
	}
	return false
}

// The documented part of the number syntax (reference §1.4 [V], and what D16 calls clearly
// malformed): a +86 mobile number; a fixed line with an area code of 2-3 digits without its 0
// (the only one starting with 1 is 10) and 7-8 local digits. Clearly malformed: no leading +,
// anything but digits after it, more than 11 digits after +86. Everything between (other
// countries' lengths, truncated mobiles read as fixed lines, 400 and 95 numbers, lengths) is the
// emulator's decision D16 (D44 for 400/95 in A/B fields, D56 for the temporary callee).
var (
	reDocMobile = regexp.MustCompile(`^\+861[0-9]{10}$`)
	reDocFixed  = regexp.MustCompile(`^\+86(10|[2-9][0-9]{1,2})[0-9]{7,8}$`)
	reDigitsOnl = regexp.MustCompile(`^\+[0-9]+$`)
)

// decisionFor returns "" when the expected answer to v is documented, else the decision it
// rests on.
func (f propField) decisionFor(v string, inside bool) string {
	if f.auxiliary() {
		return "D16"
	}
	if f.extension() {
		if f.zeroExtension(v) {
			return "D58" // all zeros: refused by the emulator's allocation rule only
		}
		return "" // digits only and the app's count of them are both [V] (§5.1)
	}
	special := strings.HasPrefix(v, "+86400") || strings.HasPrefix(v, "+8695")
	if inside {
		if reDocMobile.MatchString(v) {
			return ""
		}
		if !f.xField() && reDocFixed.MatchString(v) && !special {
			return ""
		}
	} else {
		if !strings.HasPrefix(v, "+") || !reDigitsOnl.MatchString(v) ||
			(strings.HasPrefix(v, "+86") && len(v) > 3+11) {
			return ""
		}
	}
	switch {
	case special && f.format == schemas.FormatCalleeNumber:
		return "D56"
	case special:
		return "D44"
	}
	return "D16"
}

// propRun is the state of one RunProperties call.
type propRun struct {
	o        PropertyOptions
	clients  map[pns.Mode]*pns.Client
	lim      *rate.Limiter
	mu       sync.Mutex
	requests int
	subs     map[pns.Mode]string            // the binding each mode's modify, callee, query and unbind refer to
	busy     map[string]bool                // the X numbers of those bindings, never used for a generated bind
	ids      map[pns.Mode]map[string]string // their X number and (AXE) extension
	used     map[string]bool                // every A/B number those bindings ever had, keyed by mode and number
	a        map[pns.Mode]string            // its A number
	xs       map[pns.Mode][]string
	digits   int // the AXE app's extension length
	// throttled counts flow-controlled answers (each sent again or left unjudged).
	throttled int
	blocks    []string
	xTurn     int
	leftover  []string
}

// RunProperties runs the property checks of every number field and every enumerated field
// against o.Target and returns one result per field. It returns an error only when it could not check (bad options, a
// binding it needs could not be created); broken rules are in the results.
func RunProperties(ctx context.Context, o PropertyOptions) (*PropertyReport, error) {
	if o.Profile == nil {
		return nil, errors.New("properties: no profile")
	}
	if o.Target == "" {
		return nil, errors.New("properties: no target")
	}
	if o.Checks == 0 {
		o.Checks = DefaultPropertyChecks
	}
	if o.Checks < 1 || o.Checks > MaxPropertyChecks {
		return nil, fmt.Errorf("properties: %d checks per field, want 1-%d", o.Checks, MaxPropertyChecks)
	}
	if o.Seed == 0 {
		o.Seed = randUint64()>>1 | 1
	}
	fields, err := propertyFields()
	if err != nil {
		return nil, err
	}
	enums, err := enumFields()
	if err != nil {
		return nil, err
	}
	r := &propRun{o: o, clients: map[pns.Mode]*pns.Client{}, subs: map[pns.Mode]string{},
		a: map[pns.Mode]string{}, busy: map[string]bool{}, ids: map[pns.Mode]map[string]string{}, used: map[string]bool{}, xs: map[pns.Mode][]string{}, blocks: o.Profile.NumberBlocks}
	if o.Rate > 0 {
		r.lim = rate.NewLimiter(rate.Limit(o.Rate), 1)
	}
	if len(r.blocks) == 0 {
		return nil, errors.New("properties: the profile has no numberBlocks for fresh A/B numbers")
	}
	rep := &PropertyReport{Seed: o.Seed}
	defer func() {
		rep.Cleanup = r.cleanup(context.WithoutCancel(ctx))
		rep.Requests, rep.Throttled = r.requests, r.throttled
	}()
	for _, f := range fields {
		if o.Fields != nil && !o.Fields(f.iface.ID, f.name) {
			continue
		}
		c, err := r.client(f.iface.Mode)
		if err != nil {
			continue // the profile has no app of this mode: nothing to check
		}
		if err := r.setup(ctx, f.iface.Mode, c); err != nil {
			return rep, err
		}
		if f.extension() {
			f.digits = r.digits
		}
		res, err := r.check(ctx, f, c)
		if err != nil {
			return rep, err
		}
		rep.Results = append(rep.Results, res)
	}
	for _, f := range enums {
		if o.Fields != nil && !o.Fields(f.iface.ID, f.name) {
			continue
		}
		c, err := r.client(f.iface.Mode)
		if err != nil {
			continue // the profile has no app of this mode: nothing to check
		}
		if err := r.setup(ctx, f.iface.Mode, c); err != nil {
			return rep, err
		}
		res, err := r.checkEnum(ctx, f, c)
		if err != nil {
			return rep, err
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

func (r *propRun) client(m pns.Mode) (*pns.Client, error) {
	if c, ok := r.clients[m]; ok {
		return c, nil
	}
	a, _, err := r.o.Profile.ModeApp(m)
	if err != nil {
		return nil, err
	}
	secret, err := a.Secret()
	if err != nil {
		return nil, err
	}
	if len(a.Xs()) == 0 {
		return nil, fmt.Errorf("properties: the %s app lists no X numbers", m)
	}
	c := &pns.Client{BaseURL: r.o.Target, HTTP: r.o.HTTPClient, Signer: pns.Signer{AppKey: a.AppKey, AppSecret: secret}}
	r.clients[m] = c
	r.xs[m] = a.Xs()
	if m.Spec().Extensions {
		r.digits = a.ExtensionDigits
	}
	return c, nil
}

// throttleRetries bounds how often a request answered with flow control is sent again, after
// a pause that doubles from throttlePause.
const throttleRetries = PropertyThrottleRetries

// throttlePause is the first pause after a flow-controlled answer (a variable so that tests of
// a throttling platform need not wait for it).
var throttlePause = 250 * time.Millisecond

// PropertyThrottleRetries is how often a request answered with flow control (1010010, D11) is
// sent again before its value is left unjudged.
const PropertyThrottleRetries = 4

// throttled reports whether an answer is the platform's flow control (1010010 with its
// flow-control description, D11): it says nothing about the request's fields.
func throttled(resp *pns.Response) bool {
	return resp != nil && resp.Code() == pns.CodeInvalidDigest && strings.Contains(strings.ToLower(resp.Envelope.ResultDesc), "flow control")
}

// errLockedOut is returned when the platform locks the client out (1020176): nothing more can
// be checked from this address.
var errLockedOut = errors.New("the platform locked this client out (1020176): no further answer can be judged")

// send waits for the rate limiter and sends one request; a flow-controlled answer is sent
// again a few times after a pause, and returned as it is when it stays throttled.
func (r *propRun) send(ctx context.Context, c *pns.Client, iface pns.Interface, params url.Values, body any) (*pns.Response, error) {
	pause := throttlePause
	for attempt := 0; ; attempt++ {
		if r.lim != nil {
			if err := r.lim.Wait(ctx); err != nil {
				return nil, err
			}
		}
		r.mu.Lock()
		r.requests++
		r.mu.Unlock()
		resp, err := c.Do(ctx, iface.Method, iface.Path, withAppKey(iface, c, params), body)
		if err != nil || !throttled(resp) || attempt == throttleRetries {
			return resp, err
		}
		r.mu.Lock()
		r.throttled++
		r.mu.Unlock()
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		pause *= 2
	}
}

// x returns the mode's next X number, round robin, so that a binding left by a failed unbind
// does not block the next request.
func (r *propRun) x(m pns.Mode) string {
	xs := r.xs[m]
	for range xs {
		r.xTurn++
		if x := xs[r.xTurn%len(xs)]; !r.busy[x] {
			return x
		}
	}
	return xs[r.xTurn%len(xs)]
}

// fresh returns an A/B number from the profile's blocks, numbered by the run's seed.
func (r *propRun) fresh(k uint64) string {
	b := r.blocks[int(k%uint64(len(r.blocks)))]
	digits := 14 - len(b)
	if digits < 1 {
		return b
	}
	mod := uint64(1)
	for range digits {
		mod *= 10
	}
	return b + fmt.Sprintf("%0*d", digits, (r.o.Seed+k*7919)%mod)
}

// bindBody is the request of a bind of mode m with A number a, B number b (for a mode whose
// bind names one) and X x (for a mode whose bind names one), under the mode's field names
// (pns.ModeSpec).
func bindBody(m pns.Mode, a, b, x string) map[string]any {
	spec := m.Spec()
	body := map[string]any{spec.A: a}
	if spec.B != "" {
		body[spec.B] = b
	}
	if spec.PlatformChoosesX() {
		// X is the platform's choice (§6.2): non-strict matching; see propRun.bindBody.
		body["areaMatchMode"] = "1"
	}
	if spec.X != "" {
		body[spec.X] = x
	}
	return body
}

func bindIface(m pns.Mode) pns.Interface {
	i, _ := pns.InterfaceFor(m, "bind")
	return i
}

func unbindIface(m pns.Mode) pns.Interface {
	i, _ := pns.InterfaceFor(m, "unbind")
	return i
}

// setup creates the mode's reference binding once.
func (r *propRun) setup(ctx context.Context, m pns.Mode, c *pns.Client) error {
	if _, ok := r.subs[m]; ok {
		return nil
	}
	a, b := r.fresh(1), r.fresh(2)
	var last *pns.Response
	for range 3 { // an X busy with someone else's binding: try the next one
		x := r.x(m)
		resp, err := r.send(ctx, c, bindIface(m), nil, r.bindBody(m, a, b, x))
		if err != nil {
			return fmt.Errorf("properties: %s bind: %w", m, err)
		}
		if sub := subscriptionOf(resp); resp.OK() && sub != "" {
			x = boundX(m, resp, x)
			r.subs[m], r.a[m], r.busy[x], r.used[usedKey(m, a)], r.used[usedKey(m, b)] = sub, a, true, true, true
			var v struct {
				ExtendNum string `json:"extendNum"`
			}
			_ = json.Unmarshal(resp.Body, &v)
			r.ids[m] = map[string]string{"x": x, "extendNum": v.ExtendNum}
			return nil
		}
		last = resp
	}
	return fmt.Errorf("properties: the %s binding the checks refer to was refused: %s", m, propAnswer(last))
}

// usedKey keys propRun.used: a number one mode's reference binding holds says nothing about
// another mode's (the seed repeats the same values field after field).
func usedKey(m pns.Mode, number string) string { return string(m) + " " + number }

func subscriptionOf(resp *pns.Response) string {
	var v struct {
		SubscriptionID string `json:"subscriptionId"`
	}
	_ = json.Unmarshal(resp.Body, &v)
	return v.SubscriptionID
}

func propAnswer(resp *pns.Response) string {
	if resp == nil {
		return "no answer"
	}
	return fmt.Sprintf("HTTP %d, resultcode %s, resultdesc %q", resp.Status, resp.Envelope.ResultCode, resp.Envelope.ResultDesc)
}

// unbind removes a binding by its subscriptionId and records it when that fails.
func (r *propRun) unbind(ctx context.Context, m pns.Mode, c *pns.Client, sub string) {
	resp, err := r.send(ctx, c, unbindIface(m), url.Values{"subscriptionId": {sub}}, nil)
	if err != nil || !resp.OK() {
		r.mu.Lock()
		r.leftover = append(r.leftover, fmt.Sprintf("%s %s: %v %s", m, sub, err, propAnswer(resp)))
		r.mu.Unlock()
	}
}

func (r *propRun) cleanup(ctx context.Context) []string {
	for _, m := range pns.Modes {
		if sub, ok := r.subs[m]; ok {
			r.unbind(ctx, m, r.clients[m], sub)
		}
	}
	return r.leftover
}

// request builds the request of field f carrying v.
func (r *propRun) request(f propField, v string) (url.Values, map[string]any) {
	m := f.iface.Mode
	switch f.iface.Op {
	case "bind":
		body := r.bindBody(m, r.fresh(3), r.fresh(4), r.x(m))
		body[f.name] = v
		return nil, body
	case "callee":
		body := map[string]any{"subscriptionId": r.subs[m], "calleeNum": r.fresh(5)}
		if f.identifies() {
			delete(body, "subscriptionId")
		}
		body[f.name] = v
		return nil, body
	}
	if f.identifies() {
		body := map[string]any{}
		if m == pns.ModeAXE { // the pair identifies together
			body["virtualNum"], body["extendNum"] = r.ids[m]["x"], r.ids[m]["extendNum"]
		}
		body[f.name] = v
		return nil, body
	}
	if f.iface.Query {
		q := url.Values{f.name: {v}}
		id := r.ids[m]
		switch {
		case f.axybNarrows(): // a YB of the reference relation
			q.Set("subscriptionId", r.subs[m])
		case m == pns.ModeAXE && f.extension():
			q.Set("virtualNum", id["x"])
		case m == pns.ModeAXE:
			q.Set("extendNum", id["extendNum"])
		case f.auxiliary() && m == pns.ModeAXB:
			q.Set("relationNum", id["x"])
		case f.auxiliary():
			q.Set("privateNum", id["x"])
		}
		return q, nil
	}
	return nil, map[string]any{"subscriptionId": r.subs[m], f.name: v}
}

// genNumber generates a value of field f: a well-formed number (from the profile's blocks, its
// X numbers, a fixed line or another country) with at most one edit (a character deleted,
// inserted or replaced, or the prefix changed). Every choice shrinks towards the first option,
// so a failure is reduced to the fewest edits at the first position of the first block.
func (r *propRun) genNumber(f propField) *rapid.Generator[string] {
	m := f.iface.Mode
	return rapid.Custom(func(t *rapid.T) string {
		var base string
		if f.extension() {
			base = rapid.StringOfN(rapid.RuneFrom([]rune("0123456789")), f.digits, f.digits, -1).Draw(t, "digits")
		} else if f.xField() {
			xs := r.xs[m]
			base = xs[rapid.IntRange(0, len(xs)-1).Draw(t, "x")]
		} else {
			switch rapid.IntRange(0, 3).Draw(t, "kind") {
			case 0, 1:
				base = r.blocks[rapid.IntRange(0, len(r.blocks)-1).Draw(t, "block")]
				base += rapid.StringOfN(rapid.RuneFrom([]rune("0123456789")), 14-len(base), 14-len(base), -1).Draw(t, "digits")
			case 2: // a fixed line: area code without its 0, 7 or 8 local digits
				area := rapid.SampledFrom([]string{"10", "21", "755", "571"}).Draw(t, "area")
				base = "+86" + area + rapid.StringOfN(rapid.RuneFrom([]rune("0123456789")), 7, 8, -1).Draw(t, "local")
			default: // another country
				base = "+" + rapid.SampledFrom([]string{"44", "1", "852", "33"}).Draw(t, "country") +
					rapid.StringOfN(rapid.RuneFrom([]rune("0123456789")), 4, 13, -1).Draw(t, "national")
			}
		}
		edit := rapid.IntRange(0, 4).Draw(t, "edit")
		if edit == 0 {
			return base
		}
		rs := []rune(base)
		i := rapid.IntRange(0, len(rs)-1).Draw(t, "at")
		c := rapid.SampledFrom([]rune("0-+ a.()９")).Draw(t, "char")
		switch edit {
		case 1:
			rs = append(rs[:i:i], rs[i+1:]...)
		case 2:
			rs = append(rs[:i:i], append([]rune{c}, rs[i:]...)...)
		case 3:
			rs[i] = c
		default:
			p := rapid.SampledFrom([]string{"", "86", "0086", "+860", "+86+86", "+0"}).Draw(t, "prefix")
			return p + strings.TrimPrefix(strings.TrimPrefix(base, "+86"), "+")
		}
		return string(rs)
	})
}

// maxRedraws bounds the draws of a field that only judges malformed values (a query's or an
// identifying field's) for one check.
const maxRedraws = 32

// check runs the property of one field.
func (r *propRun) check(ctx context.Context, f propField, c *pns.Client) (PropertyResult, error) {
	fc := r.newFieldCheck(f.iface, f.name, PropertyNumber, f.rule(), f.notChecked)
	gen := r.genNumber(f)
	prop := func(t *rapid.T) {
		v := gen.Draw(t, f.name)
		names := f.iface.Query || f.identifies()
		// A well-formed number in a query, an unbind or an identifying field names a binding:
		// not judged here. Such a field draws again (a bounded number of times) rather than
		// give up the check, so that whether it sends anything does not depend on the seed:
		// most draws are well-formed, and eight of them in a row left a field unchecked.
		for i := 0; names && i < maxRedraws && f.inRule(v); i++ {
			v = gen.Draw(t, f.name)
		}
		if fc.spent() {
			return // unreachable (reported once, below), or the shrinking budget is spent
		}
		inside := f.inRule(v)
		if names && inside {
			return
		}
		ref := f.iface.Method == http.MethodPut || f.iface.Query
		if ref && r.used[usedKey(f.iface.Mode, v)] {
			return // A equal to B, or the callee equal to A, is its own rule with its own scenario
		}
		if ref {
			if err := r.setup(ctx, f.iface.Mode, c); err != nil {
				fc.sendErr = err
				return
			}
		}
		params, body := r.request(f, v)
		resp, ok := fc.send(ctx, c, params, body)
		if !ok {
			return
		}
		accepted := resp.OK()
		switch {
		case accepted && f.iface.Method == http.MethodPost:
			r.unbind(ctx, f.iface.Mode, c, subscriptionOf(resp))
		case accepted && f.iface.Method == http.MethodDelete:
			delete(r.subs, f.iface.Mode) // the reference binding is gone: the next request makes another
			delete(r.busy, r.ids[f.iface.Mode]["x"])
		case accepted && f.iface.Method == http.MethodPut:
			r.used[usedKey(f.iface.Mode, v)] = true // the binding may now have v as its A or B
		}
		named := pns.InvalidRequest(f.name)
		var want string
		decision := f.decisionFor(v, inside)
		switch {
		case !inside && accepted:
			want = "refused: the value breaks " + f.rule()
		case !inside && (resp.Code() != named.Code || resp.Envelope.ResultDesc != named.Desc):
			want, decision = fmt.Sprintf("refused with %s %q", named.Code, named.Desc), f.codeDecision()
		case inside && f.extension() && resp.Code() == pns.CodeNoIdleExtension:
			return // a well-formed extension someone holds on that X: documented (§5.1)
		case inside && f.judgedInside() && !accepted:
			want = "accepted: the value keeps " + f.rule()
		case inside && resp.Code() == named.Code && resp.Envelope.ResultDesc == named.Desc:
			want, decision = "not refused as malformed: the value keeps "+f.rule(), f.codeDecision()
		default:
			return
		}
		fc.judge(t, v, want, decision, resp)
	}
	return fc.run(prop)
}

// fieldCheck is what one field's property run keeps while rapid draws and shrinks, shared by
// the number and the enum checks: the result, the failure being shrunk, the first error that
// made the platform unreachable, and the requests judged and spent on shrinking.
type fieldCheck struct {
	r               *propRun
	iface           pns.Interface
	field           string
	res             PropertyResult
	last            *PropertyFailure
	sendErr         error
	checks, shrinks int
}

// newFieldCheck starts the run of one field; notChecked names what the verdict leaves out on a
// target that is not the emulator.
func (r *propRun) newFieldCheck(iface pns.Interface, field, kind, rule string, notChecked func() []string) *fieldCheck {
	fc := &fieldCheck{r: r, iface: iface, field: field, res: PropertyResult{Interface: iface.ID, Field: field, Kind: kind, Rule: rule}}
	if !r.o.Profile.Emulator {
		fc.res.NotChecked = notChecked()
	}
	return fc
}

// spent says that no more requests are sent: the platform is unreachable (reported once, by
// run), or the shrinking budget is spent.
func (fc *fieldCheck) spent() bool {
	return fc.sendErr != nil || (fc.last != nil && fc.shrinks >= shrinkRequests)
}

// send sends one generated request and counts it; ok is false when there is nothing to judge:
// the platform is unreachable or locks the client out (kept in sendErr), or flow control
// answered (D11: counted as unjudged, never as a refusal).
func (fc *fieldCheck) send(ctx context.Context, c *pns.Client, params url.Values, body any) (resp *pns.Response, ok bool) {
	resp, err := fc.r.send(ctx, c, fc.iface, params, body)
	if err == nil && resp.Code() == pns.CodeLockedOut {
		err = errLockedOut
	}
	if err != nil {
		fc.sendErr = err
		return nil, false
	}
	if throttled(resp) {
		fc.res.Unjudged++
		return nil, false
	}
	if fc.last != nil {
		fc.shrinks++
	} else {
		fc.checks++
	}
	return resp, true
}

// judge records an answer that breaks want: on a target that is not the emulator, one resting
// on a decision is listed as a difference; otherwise it is the failure rapid shrinks.
func (fc *fieldCheck) judge(t *rapid.T, value, want, decision string, resp *pns.Response) {
	fail := PropertyFailure{Value: value, Want: want, Decision: decision, Request: resp.Request, Answer: propAnswer(resp),
		Reproduce: fc.reproduce(resp)}
	if decision != "" && !fc.r.o.Profile.Emulator {
		if len(fc.res.Differs) < maxDiffers {
			fc.res.Differs = append(fc.res.Differs, fail)
		}
		return
	}
	fc.last = &fail
	t.Fatalf("%s: %s; answer %s", value, want, fail.Answer)
}

// run runs the property with the field's own seed and returns its result: the smallest failing
// request rapid found, or an error when the platform could not be reached.
func (fc *fieldCheck) run(prop func(*rapid.T)) (PropertyResult, error) {
	if msg := runRapid(fc.r.o.Checks, fieldSeed(fc.r.o.Seed, fc.iface.ID, fc.field), fc.iface.ID+"/"+fc.field, prop); msg != "" && fc.last == nil {
		return fc.res, fmt.Errorf("properties: %s %s: %s", fc.iface.ID, fc.field, msg)
	}
	if fc.sendErr != nil {
		return fc.res, fmt.Errorf("properties: %s %s: %w", fc.iface.ID, fc.field, fc.sendErr)
	}
	fc.res.Checks, fc.res.Failure = fc.checks, fc.last
	return fc.res, nil
}

// fieldSeed derives one field's seed from the run's, so that fields draw different values
// (one seed for all repeated the same sequence field after field) and the run's seed still
// repeats the whole run.
func fieldSeed(seed uint64, iface, field string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(iface + "/" + field))
	if s := seed ^ h.Sum64(); s != 0 {
		return s
	}
	return seed
}

// rapidMu serialises runRapid: rapid reads its settings (checks, seed, fail files) from the
// process's flags, so two runs must not change them at the same time.
var rapidMu sync.Mutex

// runRapid runs prop with rapid for the given number of checks and returns rapid's failure
// message ("" when every check passed). rapid's settings are process flags; they are set for
// the call and restored after it, fail files are never written (a platform's answer is not
// reproducible from a file), and outside `go test` the testing flags rapid consults are
// initialised first.
func runRapid(checks int, seed uint64, name string, prop func(*rapid.T)) string {
	rapidMu.Lock()
	defer rapidMu.Unlock()
	if flag.Lookup("test.short") == nil {
		testing.Init()
	}
	if !flag.Parsed() {
		_ = flag.CommandLine.Parse(nil)
	}
	set := map[string]string{
		"rapid.checks":     strconv.Itoa(checks),
		"rapid.seed":       strconv.FormatUint(seed, 10),
		"rapid.nofailfile": "true",
		"rapid.shrinktime": (60 * time.Second).String(),
	}
	for k, v := range set {
		if fl := flag.Lookup(k); fl != nil {
			old := fl.Value.String()
			_ = fl.Value.Set(v)
			defer func() { _ = fl.Value.Set(old) }()
		}
	}
	tb := &rapidTB{name: name}
	done := make(chan struct{})
	go func() {
		defer close(done)
		rapid.Check(tb, prop)
	}()
	<-done
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if !tb.failed {
		return ""
	}
	return strings.Join(tb.errs, "\n")
}

// rapidTB is the rapid.TB of a run outside `go test`: it records rapid's verdict instead of
// failing a test; FailNow and Skip end the goroutine rapid runs in, as testing.T's do.
type rapidTB struct {
	name   string
	mu     sync.Mutex
	failed bool
	errs   []string
}

func (t *rapidTB) Helper()                   {}
func (t *rapidTB) Name() string              { return t.name }
func (t *rapidTB) Logf(string, ...any)       {}
func (t *rapidTB) Log(...any)                {}
func (t *rapidTB) Skipf(string, ...any)      { runtime.Goexit() }
func (t *rapidTB) Skip(...any)               { runtime.Goexit() }
func (t *rapidTB) SkipNow()                  { runtime.Goexit() }
func (t *rapidTB) Error(args ...any)         { t.fail(fmt.Sprint(args...)) }
func (t *rapidTB) Errorf(f string, a ...any) { t.fail(fmt.Sprintf(f, a...)) }
func (t *rapidTB) Fatalf(f string, a ...any) { t.fail(fmt.Sprintf(f, a...)); runtime.Goexit() }
func (t *rapidTB) Fatal(args ...any)         { t.fail(fmt.Sprint(args...)); runtime.Goexit() }
func (t *rapidTB) FailNow()                  { t.fail(""); runtime.Goexit() }
func (t *rapidTB) Fail()                     { t.fail("") }

func (t *rapidTB) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

func (t *rapidTB) fail(msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failed = true
	if msg != "" {
		t.errs = append(t.errs, msg)
	}
}
