package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// Tags with a meaning for the runner.
const (
	// TagEmulator marks scenarios that assert emulator-specific behaviour or need the admin
	// API; against another target they are skipped (and reported as skipped).
	TagEmulator = "@emulator"
	// TagSchemaValid marks scenarios whose 1010002 rejection is not expressible in the request
	// schema (e.g. A = B), so the no-false-negative check does not apply.
	TagSchemaValid = "@schema-valid"
	// TagGlobalState marks scenarios that change emulator-wide state (clock, faults, lockout).
	// They run exclusively: no other scenario runs at the same time even with Concurrency > 1.
	TagGlobalState = "@global-state"
	// TagSlow marks scenarios that wait for platform time to pass (expiry): against the
	// emulator they advance its clock; against another target they sleep and run only with
	// Options.Slow (harness conform --slow).
	TagSlow = "@slow"
	// TagAuthNegative marks deliberate authentication failures: they run last and are paced
	// by Profile.AuthFailurePause (reference §2.6).
	TagAuthNegative = "@auth-negative"
)

// modeIface finds the interface of an operation in a mode named by a step ("AXB", "bind"); a
// step naming an operation the mode lacks fails instead of sending anything.
func modeIface(mode, op string) (pns.Interface, error) {
	i, ok := pns.InterfaceFor(pns.Mode(mode), op)
	if !ok {
		return pns.Interface{}, fmt.Errorf("mode %s has no %s interface", mode, op)
	}
	return i, nil
}

func mustIface(id string) pns.Interface {
	i, ok := pns.InterfaceByID(id)
	if !ok {
		panic("unknown interface " + id)
	}
	return i
}

// initScenario registers hooks and steps; godog calls it once per scenario, so the world
// captured by the closures is per-scenario state.
func (rs *runState) initScenario(gsc *godog.ScenarioContext) {
	sc := stepRegistry{gsc}
	w := &world{rs: rs, vars: map[string]string{}, xUsed: map[string]bool{}, tags: map[string]bool{}}

	sc.Before(w.beforeScenario)
	sc.StepContext().After(w.afterStep)
	sc.After(w.afterScenario)

	// Context.
	sc.Step(`^the ([A-Za-z][A-Za-z0-9-]*) app$`, w.theApp)
	sc.Step(`^an AXB binding of "([^"]*)" and "([^"]*)" on "([^"]*)"$`, w.givenAXB)
	sc.Step(`^an AXB binding of "([^"]*)" and "([^"]*)"$`, w.givenAXBAnyX)
	sc.Step(`^an AX binding of "([^"]*)" on "([^"]*)"$`, w.givenAX)
	sc.Step(`^an AXE binding of "([^"]*)" on "([^"]*)"$`, w.givenAXE)
	sc.Step(`^an? `+modeAlt+` binding with:$`, w.givenBindingWith)
	sc.Step(`^(\d+) AXB bindings on "([^"]*)"$`, w.givenManyAXB)
	sc.Step(`^"([^"]*)" holds (\d+) AX bindings$`, w.givenAXHolds)
	sc.Step(`^the next request has header "([^"]*)" set to '([^']*)'$`, w.nextHeader)
	sc.Step(`^the next request has no header "([^"]*)"$`, w.nextNoHeader)
	sc.Step(`^the next request is signed with X-WSSE$`, func() { w.next.wsse = true })
	sc.Step(`^the next request is signed with the secret "([^"]*)"$`, func(s string) { w.next.secret = s })
	sc.Step(`^the next request uses the app key "([^"]*)"$`, func(s string) { w.next.appKey = s })
	sc.Step(`^the next request's Created is (-?\d+) seconds from now$`, func(n int) {
		d := time.Duration(n) * time.Second
		w.next.created = &d
	})
	sc.Step(`^the next request's Created is "([^"]*)"$`, func(s string) { w.next.rawTime = s })
	sc.Step(`^the next request's Nonce is "([^"]*)"$`, func(s string) error {
		v, err := w.fill(s)
		w.next.nonce = v
		return err
	})
	sc.Step(`^I remember the response field "([^"]*)" as "([^"]*)"$`, w.remember)
	w.registerAuthSteps(sc)
	w.registerCapSteps(sc)
	w.registerBlockReplySteps(sc)
	w.registerInsideSteps(sc)
	w.registerGapSteps(sc)

	// Emulator control.
	sc.Step(`^the emulator clock advances by (\d+) seconds$`, w.advanceClock)
	sc.Step(`^the emulator clock is stopped$`, w.stopClock)
	sc.Step(`^(\d+) seconds pass on the platform$`, w.timePasses)
	sc.Step(`^the emulator lockout is (on|off)$`, w.setLockout)
	sc.Step(`^the emulator answers every "([^"]*)" request with result code "([^"]*)"$`, w.injectFault)

	// Simulated calls (emulator control interface).
	sc.Step(`^"([^"]*)" calls "([^"]*)"$`, func(ctx context.Context, from, to string) error {
		return w.simulateCall(ctx, from, to, nil)
	})
	sc.Step(`^"([^"]*)" calls "([^"]*)" with:$`, w.simulateCall)
	sc.Step(`^the call events are "([^"]*)"$`, w.callEvents)
	sc.Step(`^"([^"]*)" sends the SMS "([^"]*)" to "([^"]*)"$`, w.simulateSMS)
	w.registerPushSteps(sc)
	w.registerStopSteps(sc)

	w.registerActionSteps(sc)
	w.registerOutcomeSteps(sc)
}

// beforeScenario decides whether a scenario runs on this target (applicable, not stopped,
// emulator control or --slow when it needs them), takes the global-state lock in the mode
// its tags ask for and paces the scenarios that provoke authentication failures.
func (w *world) beforeScenario(ctx context.Context, s *godog.Scenario) (context.Context, error) {
	w.key = scenarioKey(s.Uri, s.Name)
	for _, t := range s.Tags {
		w.tags[t.Name] = true
	}
	w.authBefore = w.rs.guard.total()
	if ctx.Err() != nil {
		return ctx, fmt.Errorf("%w: the run was interrupted", godog.ErrSkip)
	}
	if w.rs.stopped.Load() {
		return ctx, fmt.Errorf("%w: %s", godog.ErrSkip, StoppedReason)
	}
	steps := make([]string, 0, len(s.Steps))
	for _, st := range s.Steps {
		steps = append(steps, st.Text)
	}
	why := notApplicable(w.tags, w.rs.prof.Capabilities)
	if why == "" {
		why = appNotApplicable(steps, w.rs.prof)
	}
	if why != "" {
		return ctx, fmt.Errorf("%w: %w: %s", godog.ErrSkip, errNotApplicable, why)
	}
	if why := missingModeApp(w.tags, w.rs.prof); why != "" {
		return ctx, fmt.Errorf("%w: %w: %s", godog.ErrSkip, errNotApplicable, why)
	}
	if ref := w.rs.creds.Refused(); ref != nil {
		return ctx, fmt.Errorf("%w: the run stopped: %v", godog.ErrSkip, ref)
	}
	if w.hasTag(TagEmulator) && !w.rs.emulator {
		return ctx, fmt.Errorf("%w: needs emulator control (@emulator: clock, call simulation, pool status or resets through the emulator's admin API), which this target does not offer", godog.ErrSkip)
	}
	if w.hasTag(TagSlow) && !w.rs.emulator && !w.rs.slow {
		return ctx, fmt.Errorf("%w: @slow scenario: it waits in real time on this target; opt in with --slow", godog.ErrSkip)
	}
	if w.hasTag(TagGlobalState) {
		w.rs.global.Lock()
		w.unlock = w.rs.global.Unlock
	} else {
		w.rs.global.RLock()
		w.unlock = w.rs.global.RUnlock
	}
	// Asked under the lock: while the lockout scenario (global state) runs, the lock it
	// provokes on purpose must not be seen by a scenario waiting to start.
	if w.hasTag(TagAuthNegative) && w.rs.guard.locked.Load() {
		w.unlock()
		w.unlock = nil
		w.rs.guard.skipped.Add(1)
		return ctx, fmt.Errorf("%w: %s", godog.ErrSkip, lockedReason)
	}
	w.startInbox()
	if w.hasTag(TagAuthNegative) && w.rs.prof.AuthFailurePause > 0 {
		select {
		case <-time.After(time.Duration(w.rs.prof.AuthFailurePause)):
		case <-ctx.Done():
			return ctx, ctx.Err()
		}
	}
	if w.hasTag(TagAuthNegative) {
		if err := w.rs.guard.pace(ctx, w.rs.prof.Lockout.Failures, time.Duration(w.rs.prof.Lockout.Window)); err != nil {
			return ctx, err
		}
		w.authBefore = w.rs.guard.total()
	}
	return ctx, nil
}

// afterStep keeps the scenario's worst step status and turns a failure the scenario excuses
// (a known difference, an emulator decision) into a skip, so that godog's console,
// cucumber.json and JUnit do not count a failure the verdict does not count.
func (w *world) afterStep(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
	if statusRank(status) > statusRank(w.worst) {
		w.worst = status
		if err != nil {
			w.errText = err.Error()
		}
	}
	if status == godog.StepSkipped && errors.Is(err, errNotApplicable) {
		w.notApplicable = true
	}
	if status == godog.StepFailed && err != nil && w.excused == "" {
		if state, why := w.excuse(st.Text, err); state != "" {
			// A skip error merged into the failure makes godog record the step (and the
			// scenario) as skipped, so its console, cucumber.json and JUnit do not count
			// a failure the verdict does not count.
			w.excused, w.why = state, why
			return ctx, fmt.Errorf("%w: %s", godog.ErrSkip, why)
		}
	}
	return ctx, nil
}

// afterScenario restores the platform, records the scenario's outcome and releases the
// global-state lock.
func (w *world) afterScenario(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
	w.stopInbox()
	if w.hasTag(TagAuthNegative) {
		w.rs.guard.scenarioFailed(int(w.rs.guard.total() - w.authBefore))
	}
	hookErr := w.restore(ctx)
	if hookErr != nil {
		err = errors.Join(err, hookErr)
		w.excused = "" // a scenario that could not restore the platform failed for real
	}
	switch {
	case err != nil && errors.Is(err, godog.ErrSkip) && hookErr == nil:
		if w.worst == godog.StepPassed {
			w.worst = godog.StepSkipped
		}
	case err != nil && statusRank(w.worst) < 4:
		w.worst, w.errText = godog.StepFailed, err.Error()
	}
	w.record(s)
	if w.unlock != nil {
		w.unlock()
		w.unlock = nil
	}
	return ctx, hookErr
}

// registerActionSteps registers the steps that send requests.
func (w *world) registerActionSteps(sc stepRegistry) {
	// Actions.
	sc.Step(`^I (bind|modify) `+modeAlt+` with:$`, w.bodyOp)
	sc.Step(`^I (unbind|query) `+modeAlt+` with "([^"]*)"$`, w.queryOp)
	sc.Step(`^I (unbind|query) `+modeAlt+` with no parameters$`, func(ctx context.Context, op, mode string) error {
		return w.queryOp(ctx, op, mode, "")
	})
	sc.Step(`^I set the AX temporary callee with:$`, w.setCallee)
	sc.Step(`^I send (\d+) AXB queries signed with the secret "([^"]*)"$`, w.badQueries)
	for _, register := range modeSteps {
		register(w, sc)
	}
	sc.Step(`^I request the recording download with "([^"]*)"$`, w.recordDownload)
	sc.Step(`^I send (GET|POST|PUT|DELETE) "([^"]*)"$`, func(ctx context.Context, m, p string) error {
		return w.raw(ctx, m, p, nil)
	})
	sc.Step(`^I send (GET|POST|PUT|DELETE) "([^"]*)" with body:$`, func(ctx context.Context, m, p string, doc *godog.DocString) error {
		return w.raw(ctx, m, p, doc)
	})
}

// registerOutcomeSteps registers the steps that check the last answer and the platform's
// state.
func (w *world) registerOutcomeSteps(sc stepRegistry) {
	// Outcomes.
	sc.Step(`^the result code is "([^"]*)"$`, w.resultCode)
	sc.Step(`^the request is refused$`, w.refused)
	sc.Step(`^the HTTP status is (\d+)$`, w.httpStatus)
	sc.Step(`^the result description is "([^"]*)"$`, w.resultDesc)
	sc.Step(`^the response matches its schema$`, func() error {
		ex, err := w.lastExchange()
		if err != nil {
			return err
		}
		return w.checkResponseSchema(ex)
	})
	sc.Step(`^the response field "([^"]*)" is "([^"]*)"$`, w.fieldIs)
	sc.Step(`^the response field "([^"]*)" is (-?\d+)$`, w.fieldIsNumber)
	sc.Step(`^the response field "([^"]*)" is (absent|present)$`, w.fieldPresence)
	sc.Step(`^the response field "([^"]*)" is (true|false)$`, w.fieldIsBool)
	sc.Step(`^the response field "([^"]*)" is not "([^"]*)"$`, w.fieldIsNot)
	sc.Step(`^the response list "([^"]*)" has (\d+) entr(?:y|ies)$`, w.listLen)
	sc.Step(`^the response field "([^"]*)" is one of the app's X numbers$`, w.fieldIsAppX)
	sc.Step(`^the response field "([^"]*)" is an X number in area "([^"]*)"$`, w.fieldIsAreaX)
	sc.Step(`^the response is a redirect with a Location header$`, w.redirect)
	sc.Step(`^the `+modeAlt+` binding "([^"]*)" (exists|does not exist)$`, w.bindingExists)
}

func (w *world) theApp(name string) error {
	if _, err := w.appProfile(name); err != nil {
		return err
	}
	w.app = name
	return nil
}

// restore unbinds what the scenario created and undoes its emulator-global changes (faults,
// lockout); an error here fails the scenario, because later scenarios would inherit the state.
func (w *world) restore(ctx context.Context) error {
	w.cleanup(ctx)
	for _, u := range w.undo {
		u()
	}
	w.undo = nil
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var errs []error
	if err := w.restoreStatuses(cctx); err != nil {
		errs = append(errs, err)
	}
	if w.faults {
		if err := w.rs.admin.clearFaults(cctx); err != nil {
			errs = append(errs, fmt.Errorf("clearing injected faults: %w", err))
		}
	}
	if w.scaleBefore > 0 {
		if err := w.rs.admin.setScale(cctx, w.scaleBefore); err != nil {
			errs = append(errs, fmt.Errorf("restarting the emulator clock: %w", err))
		}
	}
	if w.lockoutOn {
		if err := w.rs.admin.lockout(cctx, false); err != nil {
			errs = append(errs, fmt.Errorf("switching the lockout off: %w", err))
		}
		if err := w.rs.admin.clearLockout(cctx); err != nil {
			errs = append(errs, fmt.Errorf("clearing the lockout: %w", err))
		} else {
			// The 1020176 this scenario provoked on purpose is gone from the emulator: the
			// guard must not skip the authentication scenarios that follow (the result would
			// depend on where the random order put this scenario). It holds the global-state
			// lock, so no other scenario's lockout can be forgotten here.
			w.rs.guard.locked.Store(false)
		}
	}
	return errors.Join(errs...)
}

// mustSucceed sends a setup request that has to succeed.
func (w *world) mustSucceed(ctx context.Context, ifaceID, body string) error {
	ex, err := w.sendIface(ctx, mustIface(ifaceID), body, "", false)
	if err != nil {
		return err
	}
	if !ex.resp.OK() {
		return fmt.Errorf("setup %s failed: HTTP %d %s %q\nrequest: %s%s", ifaceID, ex.resp.Status,
			ex.resp.Envelope.ResultCode, ex.resp.Envelope.ResultDesc, ex.resp.Request, ex.reproduce())
	}
	return nil
}

func (w *world) givenAXB(ctx context.Context, a, b, x string) error {
	w.useMode("AXB")
	return w.mustSucceed(ctx, pns.IfaceAXBBind, fmt.Sprintf(`{"callerNum":%q,"calleeNum":%q,"relationNum":%q}`, a, b, x))
}

// givenAXBAnyX binds A and B on an X chosen by the platform.
func (w *world) givenAXBAnyX(ctx context.Context, a, b string) error {
	w.useMode("AXB")
	return w.mustSucceed(ctx, pns.IfaceAXBBind, fmt.Sprintf(`{"callerNum":%q,"calleeNum":%q,"areaMatchMode":"1"}`, a, b))
}

func (w *world) givenAX(ctx context.Context, a, x string) error {
	w.useMode("AX")
	return w.mustSucceed(ctx, pns.IfaceAXBind, fmt.Sprintf(`{"origNum":%q,"privateNum":%q}`, a, x))
}

func (w *world) givenAXE(ctx context.Context, a, x string) error {
	w.useMode("AXE")
	return w.mustSucceed(ctx, pns.IfaceAXEBind, fmt.Sprintf(`{"bindNum":%q,"virtualNum":%q}`, a, x))
}

func (w *world) givenBindingWith(ctx context.Context, mode string, doc *godog.DocString) error {
	w.useMode(mode)
	i, err := modeIface(mode, "bind")
	if err != nil {
		return err
	}
	return w.mustSucceed(ctx, i.ID, doc.Content)
}

func (w *world) givenManyAXB(ctx context.Context, n int, x string) error {
	w.useMode("AXB")
	for i := 0; i < n; i++ {
		a, b := w.rs.mobile.fresh(), w.rs.mobile.fresh()
		if err := w.mustSucceed(ctx, pns.IfaceAXBBind, fmt.Sprintf(`{"callerNum":%q,"calleeNum":%q,"relationNum":%q}`, a, b, x)); err != nil {
			return err
		}
	}
	return nil
}

func (w *world) givenAXHolds(ctx context.Context, a string, n int) error {
	w.useMode("AX")
	for i := 0; i < n; i++ {
		x, err := w.rs.xs[w.app].take(w.xUsed)
		if err != nil {
			return err
		}
		w.xUsed[x] = true
		if err := w.mustSucceed(ctx, pns.IfaceAXBind, fmt.Sprintf(`{"origNum":%q,"privateNum":%q}`, a, x)); err != nil {
			return err
		}
	}
	return nil
}

func (w *world) nextHeader(name, value string) error {
	v, err := w.fill(value)
	if err != nil {
		return err
	}
	if w.next.set == nil {
		w.next.set = map[string]string{}
	}
	w.next.set[name] = v
	return nil
}

func (w *world) nextNoHeader(name string) { w.next.del = append(w.next.del, name) }

func (w *world) remember(path, name string) error {
	ex, err := w.lastExchange()
	if err != nil {
		return err
	}
	v, ok := field(ex.response, path)
	if !ok {
		return fmt.Errorf("response has no field %q: %s", path, clip(ex.resp.Body))
	}
	switch t := v.(type) {
	case string:
		w.vars[name] = t
	default:
		b, _ := json.Marshal(t)
		w.vars[name] = string(b)
	}
	return nil
}

// sendIface sends a request for an interface: body (JSON template) for POST/PUT, query
// (query-string template) for GET/DELETE.
func (w *world) sendIface(ctx context.Context, i pns.Interface, body, query string, aux bool) (*exchange, error) {
	if !i.Query && query != "" { // AXYB: app_key in the URL of a bind (§6.2)
		q, err := substituteQuery(query, w.resolve)
		if err != nil {
			return nil, err
		}
		b, err := w.fillJSON(body)
		if err != nil {
			return nil, err
		}
		return w.send(ctx, i.Method, i.Path+"?"+q, []byte(b), aux)
	}
	if i.Query {
		q, err := substituteQuery(query, w.resolve)
		if err != nil {
			return nil, err
		}
		p := i.Path
		if q != "" {
			p += "?" + q
		}
		return w.send(ctx, i.Method, p, nil, aux)
	}
	b, err := w.fillJSON(body)
	if err != nil {
		return nil, err
	}
	return w.send(ctx, i.Method, i.Path, []byte(b), aux)
}

func (w *world) bodyOp(ctx context.Context, op, mode string, doc *godog.DocString) error {
	w.useMode(mode)
	i, err := modeIface(mode, op)
	if err != nil {
		return err
	}
	_, err = w.sendIface(ctx, i, doc.Content, "", false)
	return err
}

func (w *world) queryOp(ctx context.Context, op, mode, q string) error {
	w.useMode(mode)
	i, err := modeIface(mode, op)
	if err != nil {
		return err
	}
	_, err = w.sendIface(ctx, i, "", q, false)
	return err
}

// badQueries sends n AXB queries with a wrong secret (the lockout scenario).
func (w *world) badQueries(ctx context.Context, n int, secret string) error {
	w.useMode("AXB")
	for i := 0; i < n; i++ {
		w.next.secret = secret
		if _, err := w.sendIface(ctx, mustIface(pns.IfaceAXBQuery), "", "subscriptionId=auth-probe", false); err != nil {
			return err
		}
	}
	return nil
}

func (w *world) setCallee(ctx context.Context, doc *godog.DocString) error {
	w.useMode("AX")
	_, err := w.sendIface(ctx, mustIface(pns.IfaceAXCallee), doc.Content, "", false)
	return err
}

func (w *world) recordDownload(ctx context.Context, q string) error {
	if w.app == "" {
		w.app = "AXB"
	}
	_, err := w.sendIface(ctx, mustIface(pns.IfaceRecordDownload), "", q, false)
	return err
}

func (w *world) raw(ctx context.Context, method, target string, doc *godog.DocString) error {
	if w.app == "" {
		return errors.New("no app selected: start with e.g. `Given the AXB app`")
	}
	p, q, _ := strings.Cut(target, "?")
	p, err := w.fill(p)
	if err != nil {
		return err
	}
	if q != "" {
		if q, err = substituteQuery(q, w.resolve); err != nil {
			return err
		}
		p += "?" + q
	}
	var body []byte
	if doc != nil {
		b, err := w.fillJSON(doc.Content)
		if err != nil {
			return err
		}
		body = []byte(b)
	}
	_, err = w.send(ctx, method, p, body, false)
	return err
}

// expectedStatus is the HTTP status the emulator sends with a code on an interface (D14, D75).
func expectedStatus(iface, code string) (status int, verified bool) {
	if iface == pns.IfaceRecordDownload && code == string(pns.CodeRecordNotExist) {
		return http.StatusNotFound, false
	}
	ci, ok := pns.Lookup(pns.Code(code))
	if !ok {
		return 0, false
	}
	return ci.HTTP, ci.HTTPTag == pns.Verified
}

// resultCode asserts the resultcode strictly and the HTTP status exactly where the pair is [V]
// or the target is the emulator, otherwise its class (reference §1.6). For 1010002 it also
// checks that the request really violates its schema (no false negatives), unless the scenario
// is tagged @schema-valid.
func (w *world) resultCode(code string) error {
	ex, err := w.lastExchange()
	if err != nil {
		return err
	}
	r := ex.resp
	if got := r.Envelope.ResultCode; got != code {
		return fmt.Errorf("resultcode %q (%q), want %q; HTTP %d\nrequest: %s\nresponse: %s%s",
			got, r.Envelope.ResultDesc, code, r.Status, r.Request, clip(r.Body), ex.reproduce())
	}
	if want, verified := expectedStatus(ex.iface.ID, code); want != 0 {
		if verified || w.rs.emulator {
			if r.Status != want {
				return fmt.Errorf("HTTP status %d with resultcode %s, want %d", r.Status, code, want)
			}
		} else if r.Status/100 != want/100 {
			return fmt.Errorf("HTTP status %d with resultcode %s, want %dxx", r.Status, code, want/100)
		}
	}
	if code == string(pns.CodeInvalidRequest) {
		return w.checkRejectedRequest(ex)
	}
	return nil
}

// checkRejectedRequest guards against false negatives: a request that the scenario expects to
// be rejected with 1010002 must violate its request schema, otherwise either the test data or
// the schema is wrong and a passing scenario would prove nothing. Scenarios tagged
// @schema-valid test rules the schema cannot express; for them the request must be valid, so
// that the tag cannot hide a second, unintended defect in the payload.
func (w *world) checkRejectedRequest(ex *exchange) error {
	if !ex.routed {
		return nil
	}
	name, err := schemas.SchemaFor(ex.iface.ID, schemas.Request)
	if err != nil {
		return nil
	}
	var vs []schemas.Violation
	if ex.iface.Query {
		vs, err = w.rs.val.ValidateQuery(name, ex.query)
	} else {
		vs, err = w.rs.val.Validate(name, ex.body)
	}
	if errors.Is(err, schemas.ErrUnknownSchema) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case w.hasTag(TagSchemaValid) && len(vs) > 0:
		return fmt.Errorf("test data is wrong: the scenario is tagged %s but the payload violates %s:\n%s\nrequest: %s",
			TagSchemaValid, name, renderViolations(vs), ex.resp.Request)
	case !w.hasTag(TagSchemaValid) && len(vs) == 0:
		return fmt.Errorf("test data is wrong: payload is valid against %s but the scenario expects rejection (tag it %s if the rule is not expressible in the schema)\nrequest: %s",
			name, TagSchemaValid, ex.resp.Request)
	}
	return nil
}

func (w *world) httpStatus(code int) error {
	ex, err := w.lastExchange()
	if err != nil {
		return err
	}
	if ex.resp.Status != code {
		return fmt.Errorf("HTTP status %d, want %d; body: %s", ex.resp.Status, code, clip(ex.resp.Body))
	}
	return nil
}

// resultDesc asserts resultdesc only against the emulator (§12: descriptions are the
// emulator's); "Success" and "Success." are equivalent (§14.3).
func (w *world) resultDesc(desc string) error {
	ex, err := w.lastExchange()
	if err != nil {
		return err
	}
	if !w.rs.emulator {
		return nil
	}
	got := ex.resp.Envelope.ResultDesc
	if got == desc || (strings.TrimSuffix(got, ".") == "Success" && strings.TrimSuffix(desc, ".") == "Success") {
		return nil
	}
	return fmt.Errorf("resultdesc %q, want %q", got, desc)
}

func (w *world) lookup(path string) (any, bool, *exchange, error) {
	ex, err := w.lastExchange()
	if err != nil {
		return nil, false, nil, err
	}
	p, err := w.fill(path)
	if err != nil {
		return nil, false, nil, err
	}
	v, ok := field(ex.response, p)
	return v, ok, ex, nil
}

func render(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (w *world) fieldIs(path, want string) error {
	v, ok, ex, err := w.lookup(path)
	if err != nil {
		return err
	}
	if want, err = w.fill(want); err != nil {
		return err
	}
	s, isStr := v.(string)
	if !ok || !isStr || s != want {
		return fmt.Errorf("field %s = %s, want the string %q; body: %s", path, render(v), want, clip(ex.resp.Body))
	}
	return nil
}

func (w *world) fieldIsNot(path, notWant string) error {
	v, _, ex, err := w.lookup(path)
	if err != nil {
		return err
	}
	if notWant, err = w.fill(notWant); err != nil {
		return err
	}
	if s, _ := v.(string); s == notWant {
		return fmt.Errorf("field %s = %q, want anything else; body: %s", path, s, clip(ex.resp.Body))
	}
	return nil
}

func (w *world) fieldIsNumber(path string, want int) error {
	v, ok, ex, err := w.lookup(path)
	if err != nil {
		return err
	}
	f, isNum := v.(float64)
	if !ok || !isNum || f != float64(want) {
		return fmt.Errorf("field %s = %s, want the number %d; body: %s", path, render(v), want, clip(ex.resp.Body))
	}
	return nil
}

func (w *world) fieldIsBool(path, want string) error {
	v, ok, ex, err := w.lookup(path)
	if err != nil {
		return err
	}
	b, isBool := v.(bool)
	if !ok || !isBool || b != (want == "true") {
		return fmt.Errorf("field %s = %s, want the boolean %s; body: %s", path, render(v), want, clip(ex.resp.Body))
	}
	return nil
}

func (w *world) fieldPresence(path, which string) error {
	_, ok, ex, err := w.lookup(path)
	if err != nil {
		return err
	}
	if ok != (which == "present") {
		return fmt.Errorf("field %s should be %s; body: %s", path, which, clip(ex.resp.Body))
	}
	return nil
}

func (w *world) listLen(path string, n int) error {
	v, ok, ex, err := w.lookup(path)
	if err != nil {
		return err
	}
	l, isList := v.([]any)
	if !ok || !isList || len(l) != n {
		return fmt.Errorf("list %s has %s, want %d entries; body: %s", path, render(v), n, clip(ex.resp.Body))
	}
	return nil
}

func (w *world) fieldIsAppX(path string) error {
	v, ok, ex, err := w.lookup(path)
	if err != nil {
		return err
	}
	s, _ := v.(string)
	a := w.rs.prof.App(ex.app)
	if !ok || a == nil || !a.Owns(s) {
		return fmt.Errorf("field %s = %s is not one of app %s's X numbers", path, render(v), ex.app)
	}
	return nil
}

func (w *world) fieldIsAreaX(path, area string) error {
	v, ok, ex, err := w.lookup(path)
	if err != nil {
		return err
	}
	s, _ := v.(string)
	a := w.rs.prof.App(ex.app)
	if !ok || a == nil || !a.Owns(s) {
		return fmt.Errorf("field %s = %s is not one of app %s's X numbers", path, render(v), ex.app)
	}
	got, known := a.AreaOf(s)
	if !known {
		return fmt.Errorf("%w: the profile does not know the area of %s", godog.ErrSkip, s)
	}
	if got != area {
		return fmt.Errorf("the area of X %s is %s, want %s", s, got, area)
	}
	return nil
}

func (w *world) redirect() error {
	ex, err := w.lastExchange()
	if err != nil {
		return err
	}
	r := ex.resp
	if r.Status < 300 || r.Status > 399 || r.Header.Get("Location") == "" {
		return fmt.Errorf("want a redirect with Location, got HTTP %d Location %q body %s", r.Status, r.Header.Get("Location"), clip(r.Body))
	}
	if w.rs.emulator && r.Status != http.StatusMovedPermanently {
		return fmt.Errorf("HTTP %d, the emulator answers 301 (D75)", r.Status)
	}
	return nil
}

// bindingExists checks a binding with a query by subscriptionId; the query is auxiliary and
// does not replace the scenario's last response.
func (w *world) bindingExists(ctx context.Context, mode, id, which string) error {
	saved := w.app
	w.useMode(mode)
	defer func() { w.app = saved }()
	qi, err := modeIface(mode, "query")
	if err != nil {
		return err
	}
	q, err := w.modeQuery(mode, "subscriptionId="+id)
	if err != nil {
		return err
	}
	ex, err := w.sendIface(ctx, qi, "", q, true)
	if err != nil {
		return err
	}
	got := ex.resp.Envelope.ResultCode
	switch {
	case which == "exists" && got != "0":
		return fmt.Errorf("binding %s: query answered %s %q, want 0", id, got, ex.resp.Envelope.ResultDesc)
	case which == "does not exist" && !pns.BindingNotFound(pns.Mode(mode), got):
		return fmt.Errorf("binding %s: query answered %s, want a not-found code (1012007; AX 1016001 or 1011004, D47)", id, got)
	}
	return nil
}

func (w *world) advanceClock(ctx context.Context, secs int) error {
	if err := w.needAdmin(); err != nil {
		return err
	}
	return w.rs.admin.advance(ctx, time.Duration(secs)*time.Second)
}

// stoppedScale is the emulator clock's speed while a scenario has it stopped: the admin API
// takes no 0, and at a millionth of the wall clock's speed a batching window of 2 s lasts 23
// days, so only the scenario's own advances move emulator time.
const stoppedScale = 1e-6

// stopClock stops the emulator clock until the scenario ends, so that requests the scenario
// makes one after the other happen at the same emulator instant however slow the machine is
// (calls "ending together" share one batching window). restore restarts it at its old speed.
func (w *world) stopClock(ctx context.Context) error {
	if err := w.needAdmin(); err != nil {
		return err
	}
	if !w.hasTag(TagGlobalState) {
		return fmt.Errorf("a scenario that stops the emulator clock must be tagged %s", TagGlobalState)
	}
	st, err := w.rs.admin.clock(ctx)
	if err != nil {
		return err
	}
	if w.scaleBefore == 0 {
		w.scaleBefore = st.Scale
	}
	return w.rs.admin.setScale(ctx, stoppedScale)
}

// timePasses lets platform time pass: the emulator's clock is advanced, another target is
// waited for in real time (only @slow scenarios use it).
func (w *world) timePasses(ctx context.Context, secs int) error {
	if w.rs.emulator {
		return w.advanceClock(ctx, secs)
	}
	if !w.hasTag(TagSlow) {
		return fmt.Errorf("a scenario that waits in real time must be tagged %s", TagSlow)
	}
	select {
	case <-time.After(time.Duration(secs) * time.Second):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (w *world) setLockout(ctx context.Context, onOff string) error {
	if err := w.needAdmin(); err != nil {
		return err
	}
	w.lockoutOn = w.lockoutOn || onOff == "on"
	return w.rs.admin.lockout(ctx, onOff == "on")
}

func (w *world) injectFault(ctx context.Context, iface, code string) error {
	if err := w.needAdmin(); err != nil {
		return err
	}
	w.faults = true
	return w.rs.admin.fault(ctx, iface, code)
}

func (w *world) needAdmin() error {
	if !w.rs.emulator || w.rs.admin == nil {
		return fmt.Errorf("%w: emulator control needs an emulator target", godog.ErrSkip)
	}
	return nil
}

// simulateCall places a call through the emulator's call simulator. The CallResult becomes the
// scenario's last response (so the response-field steps read it), and every call event and
// the fee record are validated against the notification schemas (§7, §8).
func (w *world) simulateCall(ctx context.Context, from, to string, doc *godog.DocString) error {
	if err := w.needAdmin(); err != nil {
		return err
	}
	req := map[string]any{}
	if doc != nil {
		text, err := w.fillJSON(doc.Content)
		if err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(text), &req); err != nil {
			return fmt.Errorf("call options: %w", err)
		}
	}
	var err error
	if req["caller"], err = w.fill(from); err != nil {
		return err
	}
	if req["called"], err = w.fill(to); err != nil {
		return err
	}
	data, err := w.rs.admin.call(ctx, req)
	if err != nil {
		return err
	}
	ex := &exchange{app: w.app, resp: &pns.Response{Status: http.StatusOK, Body: data, Request: "simulated call"}}
	if err := json.Unmarshal(data, &ex.response); err != nil {
		return fmt.Errorf("call result: %w", err)
	}
	w.last = ex
	w.call = ex.response
	if sid, _ := ex.response["sessionId"].(string); sid != "" {
		w.calls = append(w.calls, sid)
	}
	return w.checkCallSchemas(ex.response)
}

// checkCallSchemas validates the notifications a simulated call produced.
func (w *world) checkCallSchemas(res map[string]any) error {
	evName, err := schemas.SchemaFor(schemas.CallbackEvent, schemas.Request)
	if err != nil {
		return err
	}
	events, _ := res["events"].([]any)
	for i, e := range events {
		ev, _ := e.(map[string]any)
		body := map[string]any{"eventType": ev["eventType"], "statusInfo": ev["statusInfo"]}
		vs, err := w.rs.val.ValidateValue(evName, body)
		if err != nil {
			return err
		}
		if len(vs) > 0 {
			return fmt.Errorf("call event %d (%v) violates %s:\n%s", i, ev["eventType"], evName, renderViolations(vs))
		}
	}
	if fee, ok := res["fee"].(map[string]any); ok {
		feeName, err := schemas.SchemaFor(schemas.CallbackFee, schemas.Request)
		if err != nil {
			return err
		}
		vs, err := w.rs.val.ValidateValue(feeName, map[string]any{"eventType": "fee", "feeLst": []any{fee}})
		if err != nil {
			return err
		}
		if len(vs) > 0 {
			return fmt.Errorf("fee record violates %s:\n%s", feeName, renderViolations(vs))
		}
	}
	return nil
}

// callEvents asserts the event types of the last simulated call, in order.
func (w *world) callEvents(list string) error {
	ex, err := w.lastExchange()
	if err != nil {
		return err
	}
	events, _ := ex.response["events"].([]any)
	var got []string
	for _, e := range events {
		ev, _ := e.(map[string]any)
		t, _ := ev["eventType"].(string)
		got = append(got, t)
	}
	var want []string
	for _, t := range strings.Split(list, ",") {
		want = append(want, strings.TrimSpace(t))
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		return fmt.Errorf("call events %v, want %v", got, want)
	}
	return nil
}

// simulateSMS sends an SMS through the emulator's simulator; the SMSResult becomes the last
// response and the Notify / Block notifications it produced are validated (§10).
func (w *world) simulateSMS(ctx context.Context, from, text, to string) error {
	if err := w.needAdmin(); err != nil {
		return err
	}
	req := map[string]any{}
	var err error
	if req["from"], err = w.fill(from); err != nil {
		return err
	}
	if req["to"], err = w.fill(to); err != nil {
		return err
	}
	if req["content"], err = w.fill(text); err != nil {
		return err
	}
	data, err := w.rs.admin.simulate(ctx, "/sms", req)
	if err != nil {
		return err
	}
	ex := &exchange{app: w.app, resp: &pns.Response{Status: http.StatusOK, Body: data, Request: "simulated SMS"}}
	if err := json.Unmarshal(data, &ex.response); err != nil {
		return fmt.Errorf("SMS result: %w", err)
	}
	w.last = ex
	w.sms = ex.response
	for _, p := range []struct{ field, iface string }{{"notify", schemas.CallbackSMSNotify}, {"block", schemas.CallbackSMSBlock}} {
		push, ok := ex.response[p.field].(map[string]any)
		if !ok {
			continue
		}
		name, err := schemas.SchemaFor(p.iface, schemas.Request)
		if err != nil {
			return err
		}
		vs, err := w.rs.val.ValidateValue(name, push["body"])
		if err != nil {
			return err
		}
		if len(vs) > 0 {
			return fmt.Errorf("SMS %s notification violates %s:\n%s", p.field, name, renderViolations(vs))
		}
	}
	return nil
}
