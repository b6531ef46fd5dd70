package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
)

// TagDecisionPrefix starts the provenance tag of a scenario that asserts what the emulator
// decided where the contract is silent: @decision:D41 names pns.Decisions' entry D41. Such a
// scenario is judged normally against the embedded emulator; against any other target its
// outcome can never fail the verdict, because another answer is equally within the contract.
const TagDecisionPrefix = "@decision:"

// TagRefused marks a scenario that asserts only that the platform refuses a request ("the
// request is refused"), because the exact code is a decision asserted by a twin scenario tagged
// @decision:Dn. It carries no @code: tag for the code the emulator happens to answer, so that
// coverage never credits that code to a platform that answered another.
const TagRefused = "@refused"

// ScenarioDecisions returns the decisions a scenario's tags name, in tag order, and an error
// naming the first tag whose ID is not in pns.Decisions.
func ScenarioDecisions(tags []string) ([]pns.Decision, error) {
	var out []pns.Decision
	for _, t := range tags {
		id, ok := strings.CutPrefix(t, TagDecisionPrefix)
		if !ok {
			continue
		}
		d, ok := pns.DecisionByID(id)
		if !ok {
			return nil, fmt.Errorf("tag %s names no entry of pns.Decisions", t)
		}
		out = append(out, d)
	}
	return out, nil
}

// decisionReason is the skip reason of a scenario asserting decisions on a target that is not
// the emulator, "" when it asserts none.
func decisionReason(tags []string) string {
	ds, err := ScenarioDecisions(tags)
	if err != nil {
		return err.Error()
	}
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = fmt.Sprintf("%s (%s)", d.ID, d.Topic)
	}
	if len(parts) == 0 {
		return ""
	}
	return "asserts the emulator's decision " + strings.Join(parts, ", ")
}

// refused asserts the documented half of a rule whose exact result code is a decision: the
// platform refuses the request (a resultcode other than "0" with an HTTP status of class 4xx),
// whatever code it picks. The scenario asserting the emulator's code is a separate one, tagged
// @decision:Dn.
func (w *world) refused() error {
	if !w.hasTag(TagRefused) {
		return fmt.Errorf("a scenario asserting only a refusal must be tagged %s", TagRefused)
	}
	ex, err := w.lastExchange()
	if err != nil {
		return err
	}
	r := ex.resp
	if code := r.Envelope.ResultCode; code == "" || code == string(pns.CodeSuccess) || r.Status/100 != 4 {
		return fmt.Errorf("HTTP %d resultcode %q (%q), want a refusal (HTTP 4xx and a resultcode other than 0)\nrequest: %s\nresponse: %s%s",
			r.Status, code, r.Envelope.ResultDesc, r.Request, clip(r.Body), ex.reproduce())
	}
	return nil
}

// learnExtension gives an AXE bind whose answer names no extension its <EXTn> placeholder from
// the documented AXE query (a flat object with virtualNum and extendNum, §5.5): which fields
// the bind answer carries besides subscriptionId is the emulator's decision D64.
func (w *world) learnExtension(ctx context.Context, ex *exchange) error {
	if ex.iface.ID != pns.IfaceAXEBind {
		return nil
	}
	id, _ := ex.response["subscriptionId"].(string)
	if e, _ := ex.response["extendNum"].(string); e != "" || id == "" {
		return nil
	}
	q, err := w.send(ctx, http.MethodGet, mustIface(pns.IfaceAXEQuery).Path+"?subscriptionId="+url.QueryEscape(id), nil, true)
	if err != nil {
		return fmt.Errorf("querying the extension of AXE binding %s: %w", id, err)
	}
	e, _ := q.response["extendNum"].(string)
	if e == "" {
		return fmt.Errorf("AXE binding %s: neither the bind answer nor the query names its extendNum: %s", id, clip(q.resp.Body))
	}
	w.rememberExt(e)
	return nil
}
