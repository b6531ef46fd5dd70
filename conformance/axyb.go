package conformance

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/cucumber/godog"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// AXYB steps (reference §6.2-§6.4). Every AXYB request carries the app's key as the URL
// parameter app_key; these steps add it, while "I bind AXYB with:" (the generic body step)
// sends none, so that scenarios can check both sides of that rule.
//
// Placeholders: an AX relation set up or bound here makes its X <AXYB_X> (and <AXYB_Xn>), a YB
// bind its Y <AXYB_Y> (and <AXYB_Yn>); its subscriptionId is <SUB>/<SUBn> as for every bind.

// init registers what the conformance run has of AXYB beyond pns: its steps (modeSteps), the
// rule catalog of its interfaces (Rules, and tagRuleIDs: where the reference states each
// business rule) and the special apps of its limits (specialApps), so
// that a mode is one file of this package. The file's init runs before boundaries.go's and
// gapapps.go's, which keeps the order of both lists as when they were written in one place.
func init() {
	modeSteps = append(modeSteps, (*world).initAXYBSteps)
	for id, rules := range map[string][]string{
		pns.IfaceAXYBBind: {
			"mandatory:app_key", "business:app-key-mismatch", "mandatory:origNum", "format:origNum",
			"range:duration", "range:ybDuration", "type:duration", "default:duration", "default:ybDuration",
			"business:yb-capped-by-duration", "enum:callDirection", "enum:areaMatchMode", "enum:recordFlag",
			"length:userData", "distinct:A,B", "business:ax-one-a-per-x", "business:axyb-5x-limit",
			"business:y-not-x", "business:y-not-repeated", "business:y-shared", "business:y-capacity",
			"business:no-eligible-x", "business:same-b-twice", "business:unknown-subscription",
			"business:recording-disabled", "business:mode-mismatch", "business:yb-returns-ax-id",
		},
		pns.IfaceAXYBUnbind: {
			"mandatory:app_key", "mandatory:subscriptionId", "precedence:yNum>bNum", "business:unbind-all",
			"business:unbind-one-yb", "business:unknown-subscription", "business:unknown-yb",
		},
		pns.IfaceAXYBQuery: {
			"mandatory:app_key", "alternative:relationNum|subscriptionId", "precedence:subscriptionId>relationNum",
			"business:by-x", "business:ax-without-yb", "business:expiry", "business:unknown-subscription",
			"business:utc-time", "business:isolation",
		},
	} {
		Rules[id] = rules
	}
	for k, ids := range map[string][]string{
		"axyb.bind business:yb-returns-ax-id":               {"6.2/Headers-as-1.3.-The-body", "6.2/subscriptionId~2", "6.2/relationNumber", "D84"},
		"axyb.bind business:yb-capped-by-duration":          {"6.2/ybDuration", "13.6/AXYB-ybDuration", "D83"},
		"axyb.bind business:ax-one-a-per-x":                 {"6.1/Limits-X-A-A-5-X-one-A", "13.6/A-numbers-per-X-AXYB", "13.7/A1-X1"},
		"axyb.bind business:y-not-repeated":                 {"6.1/Limits-X-A-A-5-X-one-A", "13.6/Relations-per-Y-AXYB", "13.7/A1-X1-Y1-B1", "D84"},
		"axyb.bind business:y-not-x":                        {"D84"},
		"axyb.bind business:y-shared":                       {"6.1/Limits-X-A-A-5-X-one-A", "13.7/A1-X1-Y1-B1~2", "D84"},
		"axyb.bind business:y-capacity":                     {"6.1/Limits-X-A-A-5-X-one-A", "13.6/Relations-per-Y-AXYB", "13.7/Y1-carries-1000-AX", "D84"},
		"axyb.bind business:no-eligible-x":                  {"6.2/Errors-the-bind-page-s-result", "D84"},
		"axyb.bind business:axyb-5x-limit":                  {"6.1/Limits-X-A-A-5-X-one-A", "13.6/X-numbers-per-A-AX-AXYB", "13.7/A-holds-5-X", "D84"},
		"axyb.bind business:same-b-twice":                   {"6.2/Errors-the-bind-page-s-result", "D84"},
		"axyb.bind business:unknown-subscription":           {"6.2/subscriptionId", "D84"},
		"axyb.bind business:recording-disabled":             {"6.1/Recording-needs-the-app-s-recording", "6.2/recordFlag", "D84"},
		"axyb.bind business:app-key-mismatch":               {"6.2/app-key", "D82"},
		"axyb.bind business:mode-mismatch":                  {"2.5/18", "D27"},
		"axyb.bind distinct:A,B":                            {"6.2/origNum~2", "D84"},
		"axyb.bind mandatory:app_key":                       {"6.2/app-key", "6.1/Every-request-also-carries-the", "D82"},
		"axyb.unbind business:unbind-all":                   {"6.3/subscriptionId"},
		"axyb.unbind business:unbind-one-yb":                {"6.3/bNum"},
		"axyb.unbind precedence:yNum>bNum":                  {"6.3/bNum", "6.3/yNum"},
		"axyb.unbind business:unknown-subscription":         {"6.3/subscriptionId", "D85"},
		"axyb.unbind business:unknown-yb":                   {"6.3/bNum", "D85"},
		"axyb.unbind mandatory:subscriptionId":              {"6.3/subscriptionId", "D85"},
		"axyb.unbind mandatory:app_key":                     {"6.3/app-key", "6.1/Every-request-also-carries-the", "D82"},
		"axyb.query business:utc-time":                      {"6.4/subscribeTime", "1.7/Times-in-responses-and-notifications", "6.4/subscriptionId"},
		"axyb.query business:by-x":                          {"6.4/relationNum"},
		"axyb.query business:ax-without-yb":                 {"6.4/numY", "6.4/numB", "D85"},
		"axyb.query precedence:subscriptionId>relationNum":  {"6.4/subscriptionId"},
		"axyb.query business:expiry":                        {"6.1/Expiry-AX-AX-YB-YB-YB-when-the", "13.4/Emulator-an-expired-binding", "D43"},
		"axyb.query business:unknown-subscription":          {"6.4/subscriptionId", "D85"},
		"axyb.query alternative:relationNum|subscriptionId": {"6.4/subscriptionId", "D85"},
		"axyb.query business:isolation":                     {"6.4/relationNum", "D85"},
		"axyb.query mandatory:app_key":                      {"6.4/app-key", "6.1/Every-request-also-carries-the", "D82"},
	} {
		tagRuleIDs[k] = ids
	}
	specialApps = append(specialApps,
		// AXYB recording off (1012012) and a small AXYB pool, two relations per Y, for the limits
		// of §13.7 (five X per A, Y capacity, 1012008).
		specialApp{"AXYB-norec", emulator.AppConfig{AppKey: "conf-axyb-norec", AppSecret: "conf-axyb-norec-secret", Mode: pns.ModeAXYB, Recording: bp(false)}, "+8617005400000", 5},
		specialApp{"AXYB-small", emulator.AppConfig{AppKey: "conf-axyb-small", AppSecret: "conf-axyb-small-secret", Mode: pns.ModeAXYB, MaxRelationsPerY: 2}, "+8617005300000", 7},
	)
}

// initAXYBSteps registers the AXYB steps.
func (w *world) initAXYBSteps(sc stepRegistry) {
	sc.Step(`^I bind AXYB with "([^"]*)" and:$`, w.axybBind)
	sc.Step(`^an AXYB relation of "([^"]*)"$`, w.givenAXYB)
	sc.Step(`^an AXYB relation with:$`, w.givenAXYBWith)
	sc.Step(`^a YB relation of "([^"]*)" on "([^"]*)"$`, w.givenYB)
	sc.Step(`^"([^"]*)" holds (\d+) AXYB relations$`, w.givenAXYBHolds)
}

// axybBind sends an AXYB bind body with the query q (e.g. "app_key=<appKey>") and remembers
// the relationNumber of a success.
func (w *world) axybBind(ctx context.Context, q string, doc *godog.DocString) error {
	w.useMode(string(pns.ModeAXYB))
	ex, err := w.sendIface(ctx, mustIface(pns.IfaceAXYBBind), doc.Content, q, false)
	if err != nil {
		return err
	}
	w.rememberAXYB(ex, doc.Content)
	return nil
}

// rememberAXYB makes the relationNumber of a successful AXYB bind <AXYB_X…> (AX bind) or
// <AXYB_Y…> (YB bind, told apart by the subscriptionId in its body).
func (w *world) rememberAXYB(ex *exchange, body string) {
	if ex == nil || !ex.resp.OK() {
		return
	}
	n, _ := ex.response["relationNumber"].(string)
	if n == "" {
		return
	}
	kind := "AXYB_X"
	if strings.Contains(body, `"subscriptionId"`) {
		kind = "AXYB_Y"
	}
	i := 1
	for ; w.vars[kind+strconv.Itoa(i)] != ""; i++ {
	}
	w.vars[kind], w.vars[kind+strconv.Itoa(i)] = n, n
}

// appKeyQuery is the app_key parameter of the current app. It is not the <appKey> placeholder,
// which keeps the first app it was resolved for when a scenario switches apps.
func (w *world) appKeyQuery() (string, error) {
	a, err := w.appProfile(w.app)
	if err != nil {
		return "", err
	}
	return "app_key=" + url.QueryEscape(a.AppKey), nil
}

// axybSetup sends a setup AXYB bind that must succeed.
func (w *world) axybSetup(ctx context.Context, body string) error {
	w.useMode(string(pns.ModeAXYB))
	q, err := w.appKeyQuery()
	if err != nil {
		return err
	}
	b, err := w.fillJSON(body)
	if err != nil {
		return err
	}
	i := mustIface(pns.IfaceAXYBBind)
	ex, err := w.send(ctx, i.Method, i.Path+"?"+q, []byte(b), false)
	if err != nil {
		return err
	}
	if !ex.resp.OK() {
		return fmt.Errorf("setup %s failed: HTTP %d %s %q\nrequest: %s%s", pns.IfaceAXYBBind, ex.resp.Status,
			ex.resp.Envelope.ResultCode, ex.resp.Envelope.ResultDesc, ex.resp.Request, ex.reproduce())
	}
	w.rememberAXYB(ex, body)
	return nil
}

// givenAXYB binds A to an X the platform chooses anywhere in the app.
func (w *world) givenAXYB(ctx context.Context, a string) error {
	return w.axybSetup(ctx, fmt.Sprintf(`{"origNum":%q,"areaMatchMode":"1"}`, a))
}

// givenAXYBWith sends a setup AX bind with the scenario's body.
func (w *world) givenAXYBWith(ctx context.Context, doc *godog.DocString) error {
	return w.axybSetup(ctx, doc.Content)
}

// givenYB attaches B to the relation sub on a Y the platform chooses anywhere in the app.
func (w *world) givenYB(ctx context.Context, b, sub string) error {
	return w.axybSetup(ctx, fmt.Sprintf(`{"subscriptionId":%q,"origNum":%q,"areaMatchMode":"1"}`, sub, b))
}

// givenAXYBHolds gives A n relations (n X numbers).
func (w *world) givenAXYBHolds(ctx context.Context, a string, n int) error {
	for i := 0; i < n; i++ {
		if err := w.givenAXYB(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// tracked reports whether a subscriptionId is among the scenario's created bindings.
func (w *world) tracked(id string) bool {
	for _, c := range w.created {
		if c.id == id {
			return true
		}
	}
	return false
}

// modeQuery prefixes a query with the current app's app_key when the mode needs it (AXYB,
// §6.3, §6.4).
func (w *world) modeQuery(mode, q string) (string, error) {
	if pns.Mode(mode) != pns.ModeAXYB {
		return q, nil
	}
	k, err := w.appKeyQuery()
	if err != nil {
		return "", err
	}
	return k + "&" + q, nil
}
