package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/conformance/results"
	"github.com/pns-harness/pns-harness/internal/bindjournal"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// runState is shared by all scenarios of one run; everything in it is safe for concurrent use.
type runState struct {
	target string
	prof   *Profile
	// profileFile is Options.ProfileFile, for the reproduce line's `harness sign` command.
	profileFile string
	emulator    bool
	slow        bool // run @slow scenarios against a non-emulator target
	val         *schemas.Validator
	httpc       *http.Client
	mobile      *numberSource
	fixed       *numberSource
	xs          map[string]*xSource
	secrets     map[string]string
	admin       *adminClient
	// pushes is where scenarios learn what arrived at the notification URLs (nil: the
	// push-delivery scenarios skip); ownPushes is true when they are the runner's own
	// receivers (paths, nonces and the failing retry app are known).
	pushes    feed
	ownPushes bool
	// replies are the own receivers' answers to Block requests (nil with another push
	// source: the scenarios that set them skip).
	replies *BlockReplies

	// global serialises @global-state scenarios against all others (write lock vs read locks).
	global sync.RWMutex

	// lifetime is what every bind not exempt carries (0: none); journal records every bind
	// and its outcome (nil without an output directory), jids numbers them (lifetime.go).
	lifetime time.Duration
	journal  *bindjournal.Writer
	jids     atomic.Uint64

	// ledger counts created bindings and their cleanup; guard paces and stops deliberate
	// authentication failures (guard.go).
	ledger ledger
	guard  authGuard
	// creds stops the run when the platform refuses an app's own credentials; deliberate is
	// set at the first deliberately broken request (guard.go).
	creds      pns.CredentialWatch
	deliberate atomic.Bool

	// stopOnFailure skips every scenario that starts after one failed (stopped is set by the
	// first failure's record).
	stopOnFailure bool
	stopped       atomic.Bool

	// known accepts listed failures; now dates its expiries; lines are the feature lines of
	// every scenario key (known-differences entries may name a scenario by file:line).
	known *KnownDifferences
	now   func() time.Time
	lines map[string][]int

	mu      sync.Mutex
	results map[string]*ScenarioResult
	order   []string
}

// Observation is one request of a scenario (results.Observation).
type Observation = results.Observation

// ScenarioResult is the outcome of one scenario (results.ScenarioResult).
type ScenarioResult = results.ScenarioResult

// world is the state of one scenario.
type world struct {
	rs      *runState
	key     string
	tags    map[string]bool
	app     string
	vars    map[string]string
	xUsed   map[string]bool
	nSubs   int
	nExt    int
	last    *exchange
	next    requestMods
	created []createdBinding
	obs     []Observation
	worst   godog.StepResultStatus
	errText string
	// excused is StateKnownDifference or StateDiffers when a failure was turned into a
	// skipped step, with why; notApplicable is set when a skip said errNotApplicable.
	excused       string
	why           string
	notApplicable bool
	// undo holds what the scenario set up outside the platform (Block replies) and removes
	// when it ends.
	undo []func()
	// faults and lockoutOn record emulator-global changes to undo when the scenario ends.
	faults    bool
	lockoutOn bool
	// scaleBefore is the emulator clock's speed before the scenario stopped it (0: not stopped).
	scaleBefore float64
	// unlock releases the run's global-state lock taken in the Before hook.
	unlock func()
	// authBefore is the run's authentication-failure count when the scenario started.
	authBefore int64
	// inbox holds the pushes arriving while the scenario runs (nil without a push source).
	inbox *inbox
	// batchX are the X numbers of the last "status of N X numbers" step.
	batchX []string
	// lastNonce is the Nonce of the last request sent (for the replay scenario).
	lastNonce string
	// sentAt is the wall-clock time the last request was sent.
	sentAt time.Time
	// call and sms are the last simulated call's and SMS's results.
	call map[string]any
	sms  map[string]any
	// calls are the sessionIds of the scenario's simulated calls, in order.
	calls []string
	// statusChanged are X numbers whose status the scenario changed (set back to normal at
	// the end).
	statusChanged []string
}

// requestMods alter the next request only (authentication scenarios).
type requestMods struct {
	set     map[string]string
	del     []string
	wsse    bool
	secret  string
	appKey  string
	created *time.Duration
	rawTime string
	nonce   string
	// digest, when set, computes the PasswordDigest instead of the correct function (the
	// client mistakes of reference §2.3).
	digest func(secret, nonce, created string) string
	// edit, when set, rewrites the signed headers last (insidesteps.go: an attribute name
	// spelled differently in an otherwise correct X-AKSK header).
	edit func(http.Header)
}

type createdBinding struct {
	app   string
	iface string
	id    string
	jid   uint64 // its bind's journal ID (0: not journaled)
}

// exchange is one request with its answer.
type exchange struct {
	app      string
	iface    pns.Interface
	routed   bool
	method   string
	path     string
	query    url.Values
	body     []byte
	resp     *pns.Response
	response map[string]any
	jid      uint64 // a bind's journal ID (0: not journaled)
	// curl reproduces the request from a shell (curlCommand), without its signature.
	curl string
}

func (w *world) appProfile(name string) (*AppProfile, error) {
	a := w.rs.prof.App(name)
	if a == nil {
		return nil, fmt.Errorf("%w: the profile has no app %q", godog.ErrSkip, name)
	}
	return a, nil
}

// useMode selects the app for a typed step of a mode: the current app if it has that mode,
// otherwise the profile's app named after the mode.
func (w *world) useMode(mode string) {
	if a := w.rs.prof.App(w.app); a != nil && string(a.Mode) == mode {
		return
	}
	w.app = mode
}

var (
	reFreshMobile = regexp.MustCompile(`^[A-D][0-9]*$`)
	reFreshFixed  = regexp.MustCompile(`^FIX[0-9]*$`)
	reNotX        = regexp.MustCompile(`^NOTX[0-9]*$`)
	reX           = regexp.MustCompile(`^(?:([A-Za-z0-9-]+)\.)?X([0-9]+)$`)
	rePausedX     = regexp.MustCompile(`^(?:([A-Za-z0-9-]+)\.)?PAUSED_X$`)
	reAppKey      = regexp.MustCompile(`^(?:([A-Za-z0-9-]+)\.)?appKey$`)
)

// resolve returns the value of a placeholder, allocating fresh numbers on first use.
func (w *world) resolve(name string) (string, error) {
	if v, ok := w.vars[name]; ok {
		return v, nil
	}
	if v, ok, err := generated(name); ok || err != nil {
		return v, err
	}
	var v string
	switch {
	case reFreshMobile.MatchString(name), reNotX.MatchString(name):
		v = w.rs.mobile.fresh()
	case reFreshFixed.MatchString(name):
		if w.rs.fixed == nil {
			return "", fmt.Errorf("%w: the profile has no fixedLineBlocks", godog.ErrSkip)
		}
		v = w.rs.fixed.fresh()
	case reX.MatchString(name):
		m := reX.FindStringSubmatch(name)
		app := m[1]
		if app == "" {
			app = w.app
		}
		if app == "" {
			return "", fmt.Errorf("placeholder <%s>: no app selected", name)
		}
		if _, err := w.appProfile(app); err != nil {
			return "", err
		}
		x, err := w.rs.xs[app].take(w.xUsed)
		if err != nil {
			return "", err
		}
		w.xUsed[x] = true
		v = x
	case rePausedX.MatchString(name):
		app := rePausedX.FindStringSubmatch(name)[1]
		if app == "" {
			app = w.app
		}
		a, err := w.appProfile(app)
		if err != nil {
			return "", err
		}
		if len(a.PausedXNumbers) == 0 {
			return "", fmt.Errorf("%w: app %s has no pausedXNumbers in the profile", godog.ErrSkip, app)
		}
		v = a.PausedXNumbers[0]
	case reAppKey.MatchString(name):
		app := reAppKey.FindStringSubmatch(name)[1]
		if app == "" {
			app = w.app
		}
		a, err := w.appProfile(app)
		if err != nil {
			return "", err
		}
		v = a.AppKey
	default:
		return "", fmt.Errorf("placeholder <%s> is not defined", name)
	}
	w.vars[name] = v
	return v, nil
}

func (w *world) fill(s string) (string, error) { return substitute(s, w.resolve, nil) }

// fillJSON substitutes placeholders inside JSON text; values are JSON-escaped so that a value
// can never break the document's structure.
func (w *world) fillJSON(s string) (string, error) {
	return substitute(s, w.resolve, func(v string) string {
		b, _ := json.Marshal(v)
		return string(b[1 : len(b)-1])
	})
}

// send signs and sends one request for the current app, validates the response against its
// schema and records the exchange. pathQuery is a path with an optional, already escaped query.
func (w *world) send(ctx context.Context, method, pathQuery string, body []byte, aux bool) (*exchange, error) {
	app, err := w.appProfile(w.app)
	if err != nil {
		return nil, err
	}
	mods := w.next
	w.next = requestMods{}
	if ref := w.rs.creds.Refused(); ref != nil {
		// Every further request would count toward the platform's lockout.
		return nil, fmt.Errorf("%w: the run stopped: %v", godog.ErrSkip, ref)
	}
	u, err := url.Parse(strings.TrimRight(w.rs.target, "/") + pathQuery)
	if err != nil {
		return nil, fmt.Errorf("bad request URL %q: %w", pathQuery, err)
	}
	bindIface, isBind, body := w.asBind(method, u.Path, body)
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	// An interrupt (ctx cancelled) must not cut a request in flight: a bind the platform
	// performed but whose answer was dropped would leave a binding nobody knows about. The
	// client's timeout bounds the request; the Before hook skips the scenarios after it.
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", pns.ContentTypeJSON)
	w.signRequest(req, app.AppKey, mods)
	jid := w.journalBind(isBind, bindIface.Mode, app.AppKey, body)
	w.sentAt = time.Now()
	hresp, err := w.rs.httpc.Do(req)
	if err != nil {
		if jid != 0 && notSent(err) {
			w.rs.journal.Write(bindjournal.Record{Op: bindjournal.OpRefused, ID: jid})
		}
		return nil, fmt.Errorf("%s %s: %w", method, pathQuery, err)
	}
	data, err := io.ReadAll(io.LimitReader(hresp.Body, pns.DefaultMaxResponseBytes))
	hresp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("%s %s: read body: %w", method, pathQuery, err)
	}
	resp := &pns.Response{Status: hresp.StatusCode, Header: hresp.Header, Body: data, Request: method + " " + u.String()}
	if body != nil {
		resp.Request += "\n" + string(body)
	}
	ex := &exchange{app: w.app, method: method, path: u.Path, query: u.Query(), body: body, resp: resp,
		curl: curlCommand(method, u.String(), req.Header, body, app.AppKey, w.rs.profileFile, mods.alteredAuth())}
	ex.iface, ex.routed, _ = pns.Route(method, u.Path)
	if len(data) > 0 {
		_ = json.Unmarshal(data, &resp.Envelope)
		_ = json.Unmarshal(data, &ex.response)
	}
	ex.jid = jid
	w.journalAnswer(ex)
	w.obs = append(w.obs, Observation{Interface: ex.iface.ID, Status: resp.Status, ResultCode: resp.Envelope.ResultCode, Aux: aux})
	w.rs.guard.observe(resp, w.hasTag(tagLockoutRule))
	w.rs.watchCredentials(w.app, mods, resp)
	if !aux {
		w.last = ex
	}
	if err := w.checkResponseSchema(ex); err != nil {
		return ex, err
	}
	if resp.OK() {
		w.track(ex)
		if err := w.learnExtension(ctx, ex); err != nil {
			return ex, err
		}
	}
	return ex, nil
}

// asBind tells whether a request is a bind the run journals, and gives a bind its lifetime
// (unless the scenario checks the lifetime fields itself).
func (w *world) asBind(method, path string, body []byte) (bindIface pns.Interface, isBind bool, _ []byte) {
	bindIface, routed, _ := pns.Route(method, path)
	modeBind, hasBind := pns.InterfaceFor(bindIface.Mode, "bind")
	isBind = routed && hasBind && modeBind.ID == bindIface.ID
	if isBind && !lifetimeExempt(w.tags) {
		body = withLifetime(bindIface.Mode, body, w.rs.lifetime)
	}
	// A bind is journaled when a lost answer can be looked up again. When the platform
	// chooses X (AXYB), cleanup looks the AX part up X by X over the profile's numbers; YB
	// binds go with their AX (axyb_journal.go).
	isBind = isBind && (!bindIface.Mode.Spec().PlatformChoosesX() || journaledAXYBBind(bindIface, body))
	return bindIface, isBind, body
}

// signRequest signs req for appKey with the app's secret, then applies the scenario's
// changes to the request (another scheme, secret, key, Created or Nonce, a digest of its
// own, headers set or removed).
func (w *world) signRequest(req *http.Request, appKey string, mods requestMods) {
	signer := pns.Signer{AppKey: appKey, AppSecret: w.rs.secrets[w.app], Scheme: pns.SchemeAKSK}
	if mods.wsse {
		signer.Scheme = pns.SchemeWSSE
	}
	if mods.secret != "" {
		signer.AppSecret = mods.secret
	}
	if mods.appKey != "" {
		signer.AppKey = mods.appKey
	}
	if mods.created != nil {
		d := *mods.created
		signer.Now = func() time.Time { return time.Now().Add(d) }
	}
	nonce := mods.nonce
	if nonce == "" {
		nonce = pns.NewNonce()
	}
	signer.Nonce = func() string { return nonce }
	w.lastNonce = nonce
	signer.Sign(req.Header)
	if mods.digest != nil {
		t := signer.Token()
		t.PasswordDigest = mods.digest(signer.AppSecret, t.Nonce, t.Created)
		req.Header.Set(pns.HeaderXAKSK, t.HeaderValue())
	}
	if mods.rawTime != "" { // a malformed Created: rebuild the token with a digest over it
		t := pns.Token{Scheme: signer.Scheme, Username: signer.AppKey, Nonce: pns.NewNonce(), Created: mods.rawTime}
		if mods.nonce != "" {
			t.Nonce = mods.nonce
		}
		t.PasswordDigest = t.Expected(signer.AppSecret)
		hdr := pns.HeaderXAKSK
		if signer.Scheme == pns.SchemeWSSE {
			hdr = pns.HeaderXWSSE
		}
		req.Header.Set(hdr, t.HeaderValue())
	}
	for _, h := range mods.del {
		req.Header.Del(h)
	}
	for h, v := range mods.set {
		req.Header.Set(h, v)
	}
	if mods.edit != nil {
		mods.edit(req.Header)
	}
}

// journalBind writes a bind to the binding journal before the request leaves and returns its
// journal ID (0: not journaled).
func (w *world) journalBind(isBind bool, mode pns.Mode, appKey string, body []byte) uint64 {
	if !isBind || w.rs.journal == nil {
		return 0
	}
	// Journaled before the request leaves: if the run dies now, cleanup looks it up. The app
	// is the profile's (a deliberately wrong key of an authentication scenario binds nothing,
	// and cleanup must find the app in the profile).
	jid := w.rs.jids.Add(1)
	a, b, x, ext := bindNumbers(mode, body)
	w.rs.journal.Write(bindjournal.Record{Op: bindjournal.OpBind, ID: jid, Mode: mode, App: appKey, A: a, B: b, X: x, Ext: ext})
	return jid
}

// checkResponseSchema validates every JSON answer of a known interface against its response
// schema; this is what makes every scenario a schema check.
func (w *world) checkResponseSchema(ex *exchange) error {
	if !ex.routed {
		return nil
	}
	r := ex.resp
	if len(r.Body) == 0 {
		if r.Status >= 300 && r.Status < 400 {
			return nil // the recording download's redirect has no body (§11)
		}
		return fmt.Errorf("%s answered HTTP %d with an empty body; every PNS answer carries the JSON envelope (§1.5)", ex.iface.ID, r.Status)
	}
	name, err := schemas.SchemaFor(ex.iface.ID, schemas.Response)
	if err != nil {
		return err
	}
	vs, err := w.rs.val.Validate(name, r.Body)
	if errors.Is(err, schemas.ErrUnknownSchema) { // no schema for this interface: envelope only
		if r.OK() {
			return envelopeCheck(r.Body)
		}
		name = schemas.ErrorSchema
		if vs, err = w.rs.val.Validate(name, r.Body); errors.Is(err, schemas.ErrUnknownSchema) {
			return envelopeCheck(r.Body)
		}
	}
	if err != nil {
		return err
	}
	if len(vs) > 0 {
		return fmt.Errorf("response violates schema %s:\n%s\nbody: %s", name, renderViolations(vs), clip(r.Body))
	}
	return nil
}

// envelopeCheck is the fallback when no schema exists: resultcode and resultdesc are strings.
func envelopeCheck(body []byte) error {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("response is not a JSON object: %v", err)
	}
	for _, f := range []string{"resultcode", "resultdesc"} {
		if s, ok := m[f].(string); !ok || s == "" {
			return fmt.Errorf("response envelope: %s must be a non-empty string (§1.5): %s", f, clip(body))
		}
	}
	return nil
}

func renderViolations(vs []schemas.Violation) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString("  - ")
		b.WriteString(v.String())
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// track remembers successful binds: their IDs become placeholders (<SUB>, <SUB1>, …; AXE also
// <EXT>, <EXT1>, …) and they are unbound when the scenario ends.
func (w *world) track(ex *exchange) {
	switch ex.iface.ID {
	case pns.IfaceAXBBind, pns.IfaceAXBind, pns.IfaceAXEBind, pns.IfaceAXYBBind:
	default:
		return
	}
	id, _ := ex.response["subscriptionId"].(string)
	if ex.iface.ID == pns.IfaceAXYBBind && w.tracked(id) {
		return // a YB bind answers its AX's ID, which is tracked already
	}
	if id != "" {
		w.nSubs++
		w.vars["SUB"] = id
		w.vars["SUB"+strconv.Itoa(w.nSubs)] = id
		w.created = append(w.created, createdBinding{app: ex.app, iface: ex.iface.ID, id: id, jid: ex.jid})
		w.rs.ledger.created()
	}
	if e, _ := ex.response["extendNum"].(string); e != "" {
		w.rememberExt(e)
	}
}

// journalAnswer books a journaled bind's answer: bound with its subscriptionId, or refused
// when the platform answered with an error (nothing was bound). An answer that is not the
// platform's envelope (a gateway's page, an empty 5xx) or a success without an ID says
// nothing: the bind stays without an outcome, and cleanup looks it up by its numbers.
func (w *world) journalAnswer(ex *exchange) {
	if ex.jid == 0 {
		return
	}
	r := ex.resp
	switch code := r.Envelope.ResultCode; {
	case code == "":
	case !r.OK():
		w.rs.journal.Write(bindjournal.Record{Op: bindjournal.OpRefused, ID: ex.jid})
	default:
		s := func(k string) string {
			if k == "" {
				return "" // the mode has no such field
			}
			v, _ := ex.response[k].(string)
			return v
		}
		if sub := s("subscriptionId"); sub != "" {
			// The X (and extension) the binding got, from the answer fields of its mode.
			spec := ex.iface.Mode.Spec()
			w.rs.journal.Write(bindjournal.Record{Op: bindjournal.OpBound, ID: ex.jid, Sub: sub,
				X: s(spec.AnswerX), Ext: s(spec.Ext)})
		}
	}
}

// rememberExt makes an AXE extension the next <EXTn> placeholder (and <EXT>).
func (w *world) rememberExt(e string) {
	w.nExt++
	w.vars["EXT"] = e
	w.vars["EXT"+strconv.Itoa(w.nExt)] = e
}

// cleanup unbinds what the scenario created, newest first, with retries (guard.go), also
// after a failed step or an interrupted run, so that a shared platform is left clean and
// every binding that could not be removed is named.
func (w *world) cleanup(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	for i := len(w.created) - 1; i >= 0; i-- {
		w.rs.removeBinding(ctx, w.key, w.created[i])
	}
	w.created = nil
}

// field looks a dotted path ("relationNumList.0.callerNum") up in the last JSON answer.
func field(doc map[string]any, path string) (any, bool) {
	var cur any = doc
	for _, part := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[part]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

func (w *world) lastExchange() (*exchange, error) {
	if w.last == nil {
		return nil, errors.New("no request has been sent in this scenario")
	}
	return w.last, nil
}

// hasTag reports whether the scenario carries a tag (with its @).
func (w *world) hasTag(t string) bool { return w.tags[t] }

// record stores the scenario's final state in the run's results.
func (w *world) record(sc *godog.Scenario) {
	status := "passed"
	switch w.worst {
	case godog.StepFailed, godog.StepAmbiguous:
		status = "failed"
	case godog.StepUndefined:
		status = "undefined"
	case godog.StepPending:
		status = "pending"
	case godog.StepSkipped:
		status = "skipped"
	}
	tags := make([]string, 0, len(w.tags))
	for t := range w.tags {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	errText := w.errText
	if status == "skipped" { // "before scenario hook failed: skipped: <reason>" → "<reason>"
		if i := strings.LastIndex(errText, "skipped: "); i >= 0 {
			errText = errText[i+len("skipped: "):]
		}
	}
	res := &ScenarioResult{Key: w.key, Feature: sc.Uri, Name: sc.Name, Tags: tags, Status: status,
		Error: errText, Observations: w.obs, Decisions: Decisions(tags)}
	switch {
	case w.excused != "":
		res.Status, res.State, res.Reason = "skipped", w.excused, w.why
	case status == "passed":
		res.State = StatePassed
	case status == "skipped" && w.notApplicable:
		res.State, res.Reason = StateNotApplicable, strings.TrimPrefix(errText, errNotApplicable.Error()+": ")
	case status == "skipped":
		res.State, res.Reason = StateNotChecked, errText
	default:
		res.State, res.Reason = StateFailed, firstLine(errText)
		if res.Reason == "" {
			res.Reason = status
		}
	}
	if res.State == StateFailed && w.rs.stopOnFailure {
		w.rs.stopped.Store(true)
	}
	w.rs.mu.Lock()
	if _, dup := w.rs.results[w.key]; !dup {
		w.rs.order = append(w.rs.order, w.key)
	}
	w.rs.results[w.key] = res
	w.rs.mu.Unlock()
}

// statusRank orders step statuses from best to worst for the scenario summary.
func statusRank(s godog.StepResultStatus) int {
	switch s {
	case godog.StepPassed:
		return 0
	case godog.StepSkipped:
		return 1
	case godog.StepPending:
		return 2
	case godog.StepUndefined:
		return 3
	default: // failed, ambiguous
		return 4
	}
}

// scenarioKey identifies a scenario (an outline row has its substituted name).
func scenarioKey(uri, name string) string { return uri + ":" + name }
