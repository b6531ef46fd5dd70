package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"golang.org/x/time/rate"

	"github.com/pns-harness/pns-harness/pns"
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
//
// This file holds the options, the report and the run; the fields and their rules are in
// propfields.go, the traffic in proprequests.go, one field's check in propchecks.go and rapid's
// harness in proprapid.go (split by noun for issue 23).

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
