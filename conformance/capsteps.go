package conformance

import (
	"context"
	"fmt"
	"net/http"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/receiver"
)

// feeBatchCap is the documented maximum of fee records per message (§8.1).
const feeBatchCap = 50

// registerCapSteps adds the steps that drive the platform up to a documented cap.
func (w *world) registerCapSteps(sc *godog.ScenarioContext) {
	sc.Step(`^"([^"]*)" calls "([^"]*)" (\d+) times$`, func(ctx context.Context, from, to string, n int) error {
		for i := 0; i < n; i++ {
			if err := w.simulateCall(ctx, from, to, nil); err != nil {
				return fmt.Errorf("call %d of %d: %w", i+1, n, err)
			}
		}
		return nil
	})
	sc.Step(`^the fee records of the scenario's calls arrive in full messages of 50 and one with the rest$`, w.feesAtCap)
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
			if p.Kind != receiver.KindFee || !p.first() {
				continue
			}
			n := 0
			for _, sid := range p.sessionIDs() {
				if mine[sid] {
					seen[sid] = true
					n++
				}
			}
			if n == 0 {
				continue
			}
			if len(p.feeRecords()) > feeBatchCap {
				return true, fmt.Errorf("fee message carries %d records, want at most %d (§8.1)", len(p.feeRecords()), feeBatchCap)
			}
			if err := checkDelivery(p, http.StatusOK); err != nil {
				return true, err
			}
			sizes = append(sizes, n)
		}
		if len(seen) < len(w.calls) {
			return false, fmt.Errorf("fee records of %d of %d calls arrived (messages of %v)", len(seen), len(w.calls), sizes)
		}
		partial := 0
		for _, n := range sizes {
			if n != feeBatchCap {
				partial++
			}
		}
		if partial > 1 {
			return true, fmt.Errorf("the %d records came in messages of %v: want full messages of %d and one with the rest (§8.1 merges records of calls ending together)",
				len(w.calls), sizes, feeBatchCap)
		}
		return true, nil
	})
}
