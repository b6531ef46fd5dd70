package conformance

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/pns"
)

// The scenario's life (before and after each scenario and step) and the registration of the
// steps. The steps themselves live with their noun since issue 23: set-up in setupsteps.go,
// requests in requeststeps.go, answers in answersteps.go, the emulator's clock, faults, calls
// and SMS in platformsteps.go (and pushes, capabilities, AXYB, stop calls in their own files).

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
