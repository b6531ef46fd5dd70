package conformance

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/pns"
)

// The Given steps: the app a scenario uses, the emulator restored between scenarios, and the
// bindings a scenario starts from. Split from steps.go (issue 23) so that each file holds one
// noun of the suite: set-up here, requests in requeststeps.go, answers in answersteps.go.

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
