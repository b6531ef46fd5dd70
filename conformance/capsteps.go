package conformance

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/pns-harness/pns-harness/pns"
)

// feeBatchCap is the documented maximum of fee records per message (§8.1): the BatchCap of
// the fee row of pns.Notifications. The steps name it in their text, so a feature written
// for another cap does not match them.
var feeBatchCap = notificationCap(pns.NotifyFee)

// notificationCap is the BatchCap of a kind's row of pns.Notifications (0 for an unknown kind).
func notificationCap(kind string) int {
	n, _ := pns.NotificationOf(kind)
	return n.BatchCap
}

// registerCapSteps adds the steps that drive the platform up to a documented cap.
func (w *world) registerCapSteps(sc stepRegistry) {
	sc.Step(`^"([^"]*)" calls "([^"]*)" (\d+) times$`, func(ctx context.Context, from, to string, n int) error {
		for i := 0; i < n; i++ {
			if err := w.simulateCall(ctx, from, to, nil); err != nil {
				return fmt.Errorf("call %d of %d: %w", i+1, n, err)
			}
		}
		return nil
	})
	sc.Step(`^the fee records of the scenario's calls arrive in full messages of `+strconv.Itoa(feeBatchCap)+` and one with the rest$`, w.feesAtCap)
	sc.Step(`^the status of (\d+) X numbers of the app is set to "([^"]*)"$`, w.setManyStatuses)
	sc.Step(`^the numStatus pushes of those changes arrive in full messages of `+strconv.Itoa(statusBatchCap)+` and one with the rest$`, w.statusesAtCap)
}

// statusBatchCap is the documented maximum of status changes per X-status message (§9): the
// BatchCap of the numstatus row of pns.Notifications.
var statusBatchCap = notificationCap(pns.NotifyNumStatus)

// setManyStatuses changes the status of n distinct X numbers of the current app at once.
func (w *world) setManyStatuses(ctx context.Context, n int, status string) error {
	if err := w.needAdmin(); err != nil {
		return err
	}
	if _, err := w.appProfile(w.app); err != nil {
		return err
	}
	var xs []string
	for i := 0; i < n; i++ {
		x, err := w.rs.xs[w.app].take(w.xUsed)
		if err != nil {
			return err
		}
		w.xUsed[x] = true
		xs = append(xs, x)
	}
	if _, err := w.rs.admin.simulate(ctx, "/numbers/status", map[string]any{"numbers": xs, "status": status}); err != nil {
		return err
	}
	if status != "5" {
		w.statusChanged = append(w.statusChanged, xs...)
	}
	w.batchX = xs
	return nil
}

// statusesAtCap checks that the changes of setManyStatuses arrive merged up to the cap of 100
// per message and no further.
func (w *world) statusesAtCap(ctx context.Context) error {
	if err := w.needPushes(); err != nil {
		return err
	}
	if len(w.batchX) <= statusBatchCap {
		return fmt.Errorf("the scenario changed %d statuses; reaching the cap needs more than %d", len(w.batchX), statusBatchCap)
	}
	mine := map[string]bool{}
	for _, x := range w.batchX {
		mine[x] = true
	}
	return w.inbox.wait(ctx, func(ps []push) (bool, error) {
		seen := map[string]bool{}
		var sizes []int
		for _, p := range ps {
			if p.Kind != pns.NotifyNumStatus || p.Redelivery {
				continue
			}
			l, _ := p.doc["numInfo"].([]any)
			ours := false
			for _, e := range l {
				m, _ := e.(map[string]any)
				if x, _ := m["number"].(string); mine[x] {
					seen[x], ours = true, true
				}
			}
			if !ours {
				continue
			}
			if len(l) > statusBatchCap {
				return true, fmt.Errorf("numStatus message carries %d changes, want at most %d (§9)", len(l), statusBatchCap)
			}
			// The message's whole size, not only this scenario's changes in it: a change
			// another scenario left pending for the app (its window not yet over on a stopped
			// clock) rightly shares the first full message, which then carries 99 of ours.
			sizes = append(sizes, len(l))
		}
		if len(seen) < len(w.batchX) {
			return false, fmt.Errorf("status changes of %d of %d X numbers arrived (messages of %v)", len(seen), len(w.batchX), sizes)
		}
		if notFull(sizes, statusBatchCap) > 1 {
			return true, fmt.Errorf("the %d changes came in messages of %v changes: want full messages of %d and one with the rest (§9)", len(w.batchX), sizes, statusBatchCap)
		}
		return true, nil
	})
}

// feesAtCap checks that the records of the scenario's calls, ending together, are merged up to
// the cap and no further: every message carries at most 50, all but one exactly 50 (a platform
// that splits earlier, or never merges, fails as one that exceeds the cap does).
func (w *world) feesAtCap(ctx context.Context) error {
	if err := w.needPushes(); err != nil {
		return err
	}
	if len(w.calls) <= feeBatchCap {
		return fmt.Errorf("the scenario made %d calls; reaching the cap needs more than %d", len(w.calls), feeBatchCap)
	}
	return w.inbox.wait(ctx, func(ps []push) (bool, error) {
		mine := map[string]bool{}
		for _, sid := range w.calls {
			mine[sid] = true
		}
		seen := map[string]bool{}
		var sizes []int
		for _, p := range ps {
			if p.Kind != pns.NotifyFee || !p.first() {
				continue
			}
			ours := false
			for _, sid := range p.sessionIDs() {
				if mine[sid] {
					seen[sid], ours = true, true
				}
			}
			if !ours {
				continue
			}
			if len(p.feeRecords()) > feeBatchCap {
				return true, fmt.Errorf("fee message carries %d records, want at most %d (§8.1)", len(p.feeRecords()), feeBatchCap)
			}
			if err := checkDelivery(p, http.StatusOK); err != nil {
				return true, err
			}
			// The message's whole size, as for numStatus: a record another scenario's call left
			// pending shares the first full message rightly.
			sizes = append(sizes, len(p.feeRecords()))
		}
		if len(seen) < len(w.calls) {
			return false, fmt.Errorf("fee records of %d of %d calls arrived (messages of %v)", len(seen), len(w.calls), sizes)
		}
		if notFull(sizes, feeBatchCap) > 1 {
			return true, fmt.Errorf("the %d records came in messages of %v: want full messages of %d and one with the rest (§8.1 merges records of calls ending together)",
				len(w.calls), sizes, feeBatchCap)
		}
		return true, nil
	})
}

// notFull counts the message sizes below the cap: merging up to the cap leaves at most one.
func notFull(sizes []int, limit int) int {
	n := 0
	for _, size := range sizes {
		if size != limit {
			n++
		}
	}
	return n
}
