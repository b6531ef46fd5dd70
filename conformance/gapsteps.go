package conformance

import (
	"context"
	"fmt"
	"net/http"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/pns"
)

// registerGapSteps adds the steps of the issue-22 gap scenarios (documented_halves.feature,
// notification_meaning.feature): a lookup that must find nothing, whatever way the platform
// says so, and the URL a call event arrives at.
func (w *world) registerGapSteps(sc *godog.ScenarioContext) {
	sc.Step(`^the query finds no binding$`, w.findsNoBinding)
	sc.Step(`^the call's "([^"]*)" event arrives at the (callin|call-status) URL$`, w.eventArrivesAt)
}

// queryLists names the binding list of each query answer that has one (§3.5, §4.5).
var queryLists = map[string]string{
	pns.IfaceAXBQuery: "relationNumList",
	pns.IfaceAXQuery:  "privateNumList",
}

// findsNoBinding asserts the documented half of a lookup without a match: the platform does
// not return a binding. How it says so is a decision (D41, D78: a refusal such as 1012007 or
// 1016001, or "0" with an empty list), so both a refusal (HTTP 4xx, a resultcode other than
// "0") and a success whose list is empty or absent pass; a success listing any binding, a 5xx
// or an answer without a resultcode fails. Like "the request is refused" it announces no code,
// so its scenario is tagged @refused.
func (w *world) findsNoBinding() error {
	if !w.hasTag(TagRefused) {
		return fmt.Errorf("a scenario asserting only that nothing is found must be tagged %s", TagRefused)
	}
	ex, err := w.lastExchange()
	if err != nil {
		return err
	}
	list, ok := queryLists[ex.iface.ID]
	if !ok {
		return fmt.Errorf("the last request (%s %s) is not a query with a binding list", ex.method, ex.path)
	}
	r := ex.resp
	code := r.Envelope.ResultCode
	switch {
	case code != "" && code != string(pns.CodeSuccess) && r.Status/100 == 4:
		return nil // refused: nothing found
	case code == string(pns.CodeSuccess) && r.Status == http.StatusOK:
		items, present := ex.response[list]
		if !present || items == nil {
			return nil
		}
		if l, isList := items.([]any); isList && len(l) == 0 {
			return nil
		}
		return fmt.Errorf("the query found %s = %s, want no binding\nrequest: %s%s", list, render(items), r.Request, ex.reproduce())
	}
	return fmt.Errorf("HTTP %d resultcode %q (%q), want a refusal (HTTP 4xx) or \"0\" with no binding\nrequest: %s\nresponse: %s%s",
		r.Status, code, r.Envelope.ResultDesc, r.Request, clip(r.Body), ex.reproduce())
}

// pathCallin is where the runner's receivers take the callin events of an app with a
// separate callin URL (§7.1, D77).
const pathCallin = "/callback/callin"

// eventArrivesAt waits for the first delivery of the scenario call's event of type ev and
// asserts the URL path it arrived at. Paths are known only for the runner's own receivers;
// with another push source the step is skipped.
func (w *world) eventArrivesAt(ctx context.Context, ev, where string) error {
	if err := w.needPushes(); err != nil {
		return err
	}
	if !w.rs.ownPushes {
		return fmt.Errorf("%w: the push source does not tell the URL a push arrived at", godog.ErrSkip)
	}
	_, sid, err := w.lastCall()
	if err != nil {
		return err
	}
	var got push
	err = w.inbox.wait(ctx, func(ps []push) (bool, error) {
		evs := sessionEvents(ps, sid)
		for _, p := range evs {
			if p.EventType == ev {
				got = p
				return true, nil
			}
		}
		return false, fmt.Errorf("no %s event of session %s arrived:%s", ev, sid, describe(evs))
	})
	if err != nil {
		return err
	}
	if err := checkDelivery(got, http.StatusOK); err != nil {
		return err
	}
	want := pathCallStatus
	if where == "callin" {
		want = pathCallin
	}
	if err := w.checkPath(got, want, where); err != nil {
		return err
	}
	w.setLast(got.doc, got.Body, "pushed "+ev+" event")
	return nil
}
