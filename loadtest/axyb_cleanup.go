package loadtest

import (
	"context"
	"fmt"

	"github.com/pns-harness/pns-harness/pns"
)

// reconcileAXYB removes what an AXYB AX bind whose answer was lost may have created and returns
// how many relations it removed. The AXYB query takes an X or a subscriptionId, never A
// (§6.4), and the platform chose X (§6.2), so what A holds is asked X by X: the journaled X
// when the journal has one, else every X the profile lists for the app. Every relation of A
// found is unbound by its bindId (the subscriptionId, D85), which also removes its YB
// relations (§6.3). With no X to ask, the bind stays unknown with the reason. Every query after
// the first waits for pace, so that the cleanup's rate bounds the look-up however many numbers
// the app has.
func reconcileAXYB(ctx context.Context, c *pns.Client, o *bindState, pace func(context.Context) error) (int, error) {
	xs := o.m.app.X()
	if o.x != "" {
		xs = []string{o.x}
	}
	if len(xs) == 0 {
		return 0, fmt.Errorf("AXYB bind of %s: answer lost, X chosen by the platform and the profile lists no number of app %s to query: cannot reconcile", o.a, o.m.app.AppKey)
	}
	seen := map[string]bool{}
	for i, x := range xs {
		if i > 0 {
			if err := pace(ctx); err != nil {
				return 0, err
			}
		}
		q, resp, err := c.AXYBQuery(ctx, pns.AXYBQueryParams{AppKey: o.m.app.AppKey, RelationNum: x})
		if err != nil {
			return 0, fmt.Errorf("reconcile %s on %s: %w", o.a, x, err)
		}
		if pns.BindingNotFound(pns.ModeAXYB, resp.Envelope.ResultCode) {
			continue
		}
		if !resp.OK() {
			// A throttled or failed query says nothing about what exists on this X.
			return 0, refusal(resp, fmt.Errorf("reconcile %s on %s: query resultcode %q", o.a, x, resp.Envelope.ResultCode))
		}
		for _, rel := range q.XYRelationNumList {
			if rel.NumA != o.a || rel.BindID == "" || seen[rel.BindID] {
				continue
			}
			if err := unbindSub(ctx, c, o.m, rel.BindID); err != nil {
				return 0, err
			}
			seen[rel.BindID] = true
		}
	}
	return len(seen), nil
}
