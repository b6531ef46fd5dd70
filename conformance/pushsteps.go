package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/pns"
)

// registerPushSteps adds the steps that assert what arrives at the customer's notification
// URLs (callback_delivery.feature).
func (w *world) registerPushSteps(sc stepRegistry) {
	sc.Step(`^the call's events arrive at the call-status URL in the order "([^"]*)"$`, w.eventsArrive)
	sc.Step(`^every push of the call is signed with (X-AKSK|X-WSSE) by the app's key$`, w.pushesSigned)
	sc.Step(`^the fee record of the call arrives at the fee URL$`, w.feeArrives)
	sc.Step(`^the fee records of the scenario's calls arrive in one message$`, w.feesBatched)
	sc.Step(`^every push of the call is first answered with HTTP (\d+)$`, w.firstAnswered)
	sc.Step(`^every push of the call is delivered again with the same body and a fresh signature$`, w.redelivered)
	sc.Step(`^the status of "([^"]*)" is set to "([^"]*)"$`, func(ctx context.Context, x, st string) error {
		return w.setXStatus(ctx, x, st, "")
	})
	sc.Step(`^the status of "([^"]*)" is set to "([^"]*)" with cause "([^"]*)"$`, w.setXStatus)
	sc.Step(`^a numStatus push for "([^"]*)" with status "([^"]*)" arrives at the X-status URL$`, func(ctx context.Context, x, st string) error {
		return w.numStatusArrives(ctx, x, st, "")
	})
	sc.Step(`^a numStatus push for "([^"]*)" with status "([^"]*)" and cause "([^"]*)" arrives at the X-status URL$`, w.numStatusArrives)
	sc.Step(`^the SMS notification arrives at the SMS notification URL$`, w.smsNotifyArrives)
	sc.Step(`^the SMS Block request arrives at the SMS control URL$`, w.smsBlockArrives)
	sc.Step(`^the Location serves a WAV recording$`, w.locationServesWAV)
}

// pushRule is one rule of the callbacks pseudo-interface that callback_delivery.feature
// checks at the customer's URLs, registered here, beside the steps that check it, so that a
// new notification kind costs this package one file: its step and its rows below.
type pushRule struct {
	// tag is the rule tag (@rule:<tag>) of its scenarios.
	tag string
	// needs is what the platform must offer for the rule to apply: a pns.Notifications kind
	// (the profile's capabilities say whether the platform pushes it), "recording", or ""
	// when every platform must keep the rule.
	needs string
	// refs are the inventory rules (reference anchors and decisions) its scenarios check.
	refs []string
}

// pushRules are the delivery rules, in the order of the catalog (Rules[IfaceCallbacks]),
// which splices them in at their place when the package's variables are initialised
// (catalog.go), before any init function runs, so the order does not depend on the order
// of files. tagRuleIDs and capabilityRules take their refs and needs the same way.
// TestPushRulesCoverKinds fails when a kind of pns.Notifications has no row.
var pushRules = []pushRule{
	{"delivery:events", pns.NotifyEvent, []string{"7.1/The-platform-POSTs-to-the", "7.2/eventType", "7.2/statusInfo"}},
	{"delivery:signature-aksk", "", []string{"7.1/Headers-Content-Type-application-json-ch", "D66"}},
	{"delivery:signature-wsse", "", []string{"D66"}},
	{"delivery:fee", pns.NotifyFee, []string{"8.1/POST-to-the-app-s-fee", "8.2/eventType", "8.2/feeLst", "D71"}},
	{"delivery:fee-batch", pns.NotifyFee, []string{"8.1/50-after-each-call", "D70"}},
	{"delivery:fee-cap", pns.NotifyFee, []string{"8.1/50-after-each-call", "13.6/Fee-records-per-push", "D70"}},
	{"delivery:retry", "", []string{"7.6/6-1-4-9-106-203-300-a-push-without", "13.6/Callback-re-pushes", "D67"}},
	{"delivery:numstatus", pns.NotifyNumStatus, []string{"9/Trigger-an-X-number-s-status", "9/eventType", "9/numInfo", "D73"}},
	{"delivery:numstatus-cap", pns.NotifyNumStatus, []string{"9/numInfo", "13.6/Status-changes-per-X-status-push", "D73"}},
	{"business:x-paused", "", []string{"9/Effects-normal-none", "9/numInfo-.status"}},
	{"delivery:sms-notify", pns.NotifySMSNotify, []string{"10.1/Notify-mode-pushed-to-the", "10.2/smsEvent.notificationMode", "D74"}},
	{"delivery:sms-block", pns.NotifySMSBlock, []string{"10.1/Block-mode-pushed-to-the", "D89"}},
	{"delivery:recording", "recording", []string{"8.3/recordObjectName", "8.3/recordDomain", "11.1/fileName"}},
}

// pushRuleTags returns the tags of pushRules, in order, for the catalog.
func pushRuleTags() []string {
	out := make([]string, len(pushRules))
	for i, r := range pushRules {
		out[i] = r.tag
	}
	return out
}

// withPushRefs adds each push rule's refs to m (tagRuleIDs) and returns m.
func withPushRefs(m map[string][]string) map[string][]string {
	for _, r := range pushRules {
		m[IfaceCallbacks+" "+r.tag] = r.refs
	}
	return m
}

// withPushNeeds adds each push rule that needs something to m (capabilityRules, keyed by
// the scenario tag) and returns m.
func withPushNeeds(m map[string]string) map[string]string {
	for _, r := range pushRules {
		if r.needs != "" {
			m["@rule:"+r.tag] = r.needs
		}
	}
	return m
}

// startInbox subscribes the scenario to the run's pushes (Before hook).
func (w *world) startInbox() {
	if w.rs.pushes == nil {
		return
	}
	w.inbox = &inbox{notify: make(chan struct{})}
	w.inbox.cancel = w.rs.pushes.subscribe(w.inbox.add)
}

// stopInbox ends the subscription (After hook).
func (w *world) stopInbox() {
	if w.inbox != nil && w.inbox.cancel != nil {
		w.inbox.cancel()
	}
}

// needPushes skips the scenario when nobody tells the run what arrives at the URLs. The skip
// happens at the first step that needs a push, not before the scenario, so a scenario whose
// earlier steps fail still fails.
func (w *world) needPushes() error {
	if w.inbox == nil {
		return fmt.Errorf("%w: no push source: the target emulator's notifications are not observable (run with an empty Target, or pass Options.Pushes)", godog.ErrSkip)
	}
	return nil
}

// checkPath asserts the request path and content type (§7.1) when the runner's own receivers
// took the push.
func (w *world) checkPath(p push, want, what string) error {
	if !w.rs.ownPushes {
		return nil
	}
	if p.Path != want {
		return fmt.Errorf("%s arrived at %q, want the %s URL %q", p.Kind, p.Path, what, want)
	}
	if mt, _, err := mime.ParseMediaType(p.ContentType); err != nil || mt != "application/json" {
		return fmt.Errorf("%s push has Content-Type %q, want application/json;charset=UTF-8 (§7.1)", p.Kind, p.ContentType)
	}
	return nil
}

// checkDelivery asserts a delivery's signature, schema and answer.
func checkDelivery(p push, wantStatus int) error {
	if !p.SignatureOK {
		return fmt.Errorf("%s push (%s) signature did not verify with app %q's secret: %s", p.Kind, p.Scheme, p.AppKey, clip(p.Body))
	}
	if len(p.Violations) > 0 {
		return fmt.Errorf("%s push violates its schema:\n  - %s\nbody: %s", p.Kind, strings.Join(p.Violations, "\n  - "), clip(p.Body))
	}
	if wantStatus != 0 && p.Status != wantStatus {
		return fmt.Errorf("%s push answered HTTP %d by the receiver, want %d", p.Kind, p.Status, wantStatus)
	}
	return nil
}

func (w *world) lastCall() (map[string]any, string, error) {
	if w.call == nil {
		return nil, "", errors.New("no simulated call in this scenario")
	}
	sid, _ := w.call["sessionId"].(string)
	if sid == "" {
		return nil, "", errors.New("the call result has no sessionId")
	}
	return w.call, sid, nil
}

// setLast makes a pushed document the scenario's last response, so the response-field steps
// read it.
func (w *world) setLast(doc map[string]any, body []byte, what string) {
	w.last = &exchange{app: w.app, response: doc, resp: &pns.Response{Status: http.StatusOK, Body: body, Request: what}}
}

// sessionEvents returns the first deliveries of the session's events, in arrival order.
func sessionEvents(ps []push, sid string) []push {
	var out []push
	for _, p := range ps {
		if p.Kind == pns.NotifyEvent && p.first() && p.concerns(sid) {
			out = append(out, p)
		}
	}
	return out
}

func (w *world) eventsArrive(ctx context.Context, list string) error {
	if err := w.needPushes(); err != nil {
		return err
	}
	call, sid, err := w.lastCall()
	if err != nil {
		return err
	}
	var want []string
	for _, t := range strings.Split(list, ",") {
		want = append(want, strings.TrimSpace(t))
	}
	var got []push
	err = w.inbox.wait(ctx, func(ps []push) (bool, error) {
		got = sessionEvents(ps, sid)
		if len(got) >= len(want) {
			return true, nil
		}
		return false, fmt.Errorf("%d of %d events of session %s arrived:%s", len(got), len(want), sid, describe(got))
	})
	if err != nil {
		return err
	}
	// Arrival order: a healthy receiver sees every event after the events with an earlier
	// timestamp. Events sharing a timestamp (AXE collectInfo and callout) are compared in
	// §7.4 order, the order the reference tells receivers to restore (§7.6, D67: no ordering
	// across messages).
	prev := ""
	for _, p := range got {
		ts := str(p.statusInfo()["timestamp"])
		if _, err := pns.ParseUTC(ts); err != nil {
			return fmt.Errorf("event %s timestamp %q: %v", p.EventType, ts, err)
		}
		if ts < prev {
			return fmt.Errorf("event %s (timestamp %s) arrived after an event with the later timestamp %s:%s", p.EventType, ts, prev, describe(got))
		}
		prev = ts
	}
	sort.SliceStable(got, func(i, j int) bool {
		ti, tj := str(got[i].statusInfo()["timestamp"]), str(got[j].statusInfo()["timestamp"])
		if ti != tj {
			return ti < tj
		}
		return eventRank[got[i].EventType] < eventRank[got[j].EventType]
	})
	var types []string
	for _, p := range got {
		types = append(types, p.EventType)
	}
	if strings.Join(types, ",") != strings.Join(want, ",") {
		return fmt.Errorf("events arrived as %v, want %v:%s", types, want, describe(got))
	}
	simulated := map[string]map[string]any{}
	evs, _ := call["events"].([]any)
	for _, e := range evs {
		if m, ok := e.(map[string]any); ok {
			simulated[str(m["eventType"])] = m
		}
	}
	subID, _ := call["subscriptionId"].(string)
	var docs []any
	for _, p := range got {
		if err := checkDelivery(p, http.StatusOK); err != nil {
			return err
		}
		if err := w.checkPath(p, pathCallStatus, "call-status"); err != nil {
			return err
		}
		ev := simulated[p.EventType]
		if ev == nil || !jsonEqual(p.doc["statusInfo"], ev["statusInfo"]) {
			return fmt.Errorf("event %s arrived as %s, but the simulator reported %s", p.EventType, clip(p.Body), render(ev))
		}
		if got := str(p.statusInfo()["subscriptionId"]); got != subID {
			return fmt.Errorf("event %s carries subscriptionId %q, want the call's %q", p.EventType, got, subID)
		}
		docs = append(docs, p.doc)
	}
	w.setLast(map[string]any{"events": docs}, nil, "pushed call events")
	return nil
}

// eventRank is the §7.4 order of event types (pns.CallEventTypes).
var eventRank = pns.CallEventRanks()

func (w *world) pushesSigned(scheme string) error {
	if err := w.needPushes(); err != nil {
		return err
	}
	call, sid, err := w.lastCall()
	if err != nil {
		return err
	}
	appKey, _ := call["appKey"].(string)
	want := pns.SchemeAKSK
	if scheme == "X-WSSE" {
		want = pns.SchemeWSSE
	}
	w.inbox.mu.Lock()
	ps := append([]push(nil), w.inbox.list...)
	w.inbox.mu.Unlock()
	n := 0
	for _, p := range ps {
		if !p.concerns(sid) {
			continue
		}
		n++
		if p.Scheme != want || p.AppKey != appKey || !p.SignatureOK {
			return fmt.Errorf("%s push signed with %q by app %q (verified: %v), want %s by %q", p.Kind, p.Scheme, p.AppKey, p.SignatureOK, want, appKey)
		}
	}
	if n == 0 {
		return fmt.Errorf("no push of session %s has arrived", sid)
	}
	return nil
}

// feeOf waits for the first delivery of a fee message carrying the session's record.
func (w *world) feeOf(ctx context.Context, sid string) (push, map[string]any, error) {
	var found push
	var rec map[string]any
	err := w.inbox.wait(ctx, func(ps []push) (bool, error) {
		for _, p := range ps {
			if p.Kind != pns.NotifyFee || !p.first() {
				continue
			}
			for _, r := range p.feeRecords() {
				if r["sessionId"] == sid {
					found, rec = p, r
					return true, nil
				}
			}
		}
		return false, fmt.Errorf("no fee record of session %s among:%s", sid, describe(ps))
	})
	return found, rec, err
}

// feeTimes are the fee record's time fields in the order §8.3 allows, with the event whose
// timestamp each one equals.
var feeTimes = []struct{ field, event string }{
	{"callInTime", pns.EventCallin}, {"fwdStartTime", pns.EventCallout},
	{"fwdAlertingTime", pns.EventAlerting}, {"fwdAnswerTime", pns.EventAnswer},
	{"callEndTime", pns.EventDisconnect},
}

func (w *world) feeArrives(ctx context.Context) error {
	if err := w.needPushes(); err != nil {
		return err
	}
	call, sid, err := w.lastCall()
	if err != nil {
		return err
	}
	p, rec, err := w.feeOf(ctx, sid)
	if err != nil {
		return err
	}
	if err := checkDelivery(p, http.StatusOK); err != nil {
		return err
	}
	if err := w.checkPath(p, pathFee, "fee"); err != nil {
		return err
	}
	if n := len(p.feeRecords()); n < 1 || n > 50 {
		return fmt.Errorf("fee message carries %d records, want 1-50 (§8.1)", n)
	}
	if !jsonEqual(rec, call["fee"]) {
		return fmt.Errorf("fee record arrived as %s, but the simulator reported %s", render(rec), render(call["fee"]))
	}
	if got, _ := rec["subscriptionId"].(string); got != str(call["subscriptionId"]) {
		return fmt.Errorf("fee subscriptionId %q, want the call's %q", got, str(call["subscriptionId"]))
	}
	// Consistency with the events that arrived: times, numbers (§7.3, §8.3).
	w.inbox.mu.Lock()
	events := sessionEvents(w.inbox.list, sid)
	w.inbox.mu.Unlock()
	byType := map[string]map[string]any{}
	for _, e := range events {
		si, _ := e.doc["statusInfo"].(map[string]any)
		byType[e.EventType] = si
	}
	prev, prevField := time.Time{}, ""
	for _, ft := range feeTimes {
		v, ok := rec[ft.field].(string)
		if !ok {
			continue
		}
		t, err := pns.ParseUTC(v)
		if err != nil {
			return fmt.Errorf("fee %s %q: %v", ft.field, v, err)
		}
		if t.Before(prev) {
			return fmt.Errorf("fee %s %s is before %s %s", ft.field, v, prevField, pns.FormatUTC(prev))
		}
		prev, prevField = t, ft.field
		if si := byType[ft.event]; si != nil && si["timestamp"] != v {
			return fmt.Errorf("fee %s %s differs from the %s event's timestamp %v", ft.field, v, ft.event, si["timestamp"])
		}
	}
	if in := byType[pns.EventCallin]; in != nil {
		if rec["callerNum"] != in["caller"] || rec["bindNum"] != in["called"] {
			return fmt.Errorf("fee callerNum/bindNum %v/%v, want the callin event's caller/called %v/%v", rec["callerNum"], rec["bindNum"], in["caller"], in["called"])
		}
	}
	if out := byType[pns.EventCallout]; out != nil && rec["fwdDstNum"] != out["called"] {
		return fmt.Errorf("fee fwdDstNum %v, want the callout event's called %v", rec["fwdDstNum"], out["called"])
	}
	doc := map[string]any{"eventType": p.doc["eventType"], "feeLst": p.doc["feeLst"], "fee": rec}
	w.setLast(doc, p.Body, "pushed fee record")
	return nil
}

func str(v any) string { s, _ := v.(string); return s }

func (w *world) feesBatched(ctx context.Context) error {
	if err := w.needPushes(); err != nil {
		return err
	}
	if len(w.calls) < 2 {
		return errors.New("the scenario made fewer than 2 calls")
	}
	return w.inbox.wait(ctx, func(ps []push) (bool, error) {
		for _, p := range ps {
			if p.Kind != pns.NotifyFee || !p.first() {
				continue
			}
			all := true
			for _, sid := range w.calls {
				all = all && p.concerns(sid)
			}
			if all {
				if n := len(p.feeRecords()); n > 50 {
					return true, fmt.Errorf("fee message carries %d records, want at most 50 (§8.1)", n)
				}
				return true, checkDelivery(p, http.StatusOK)
			}
		}
		return false, fmt.Errorf("no fee message carries all of %v:%s", w.calls, describe(ps))
	})
}

// callPushes returns the first deliveries of the call's events and fee message, and whether
// all expected ones (every event the simulator sent to a URL, and the fee record) are there.
func callPushes(ps []push, call map[string]any, sid string) ([]push, bool) {
	want := 1 // the fee message
	evs, _ := call["events"].([]any)
	for _, e := range evs {
		if m, _ := e.(map[string]any); m["url"] != nil && m["url"] != "" {
			want++
		}
	}
	var out []push
	for _, p := range ps {
		if p.first() && (p.Kind == pns.NotifyEvent || p.Kind == pns.NotifyFee) && p.concerns(sid) {
			out = append(out, p)
		}
	}
	return out, len(out) >= want
}

func (w *world) firstAnswered(ctx context.Context, status int) error {
	if err := w.needPushes(); err != nil {
		return err
	}
	call, sid, err := w.lastCall()
	if err != nil {
		return err
	}
	var got []push
	err = w.inbox.wait(ctx, func(ps []push) (bool, error) {
		var done bool
		got, done = callPushes(ps, call, sid)
		if done {
			return true, nil
		}
		return false, fmt.Errorf("first deliveries of session %s so far:%s", sid, describe(got))
	})
	if err != nil {
		return err
	}
	for _, p := range got {
		if p.Status == status {
			if err := checkDelivery(p, 0); err != nil {
				return err
			}
			continue
		}
		if !w.rs.ownPushes && p.Status == http.StatusOK {
			return fmt.Errorf("%w: the push source's receiver accepted the first delivery of app %s (it fails first deliveries only when the runner starts the emulator, see RetryAppKey)", godog.ErrSkip, p.AppKey)
		}
		return fmt.Errorf("first delivery of %s %s answered HTTP %d, want %d", p.Kind, p.EventType, p.Status, status)
	}
	return nil
}

func (w *world) redelivered(ctx context.Context) error {
	if err := w.needPushes(); err != nil {
		return err
	}
	call, sid, err := w.lastCall()
	if err != nil {
		return err
	}
	return w.inbox.wait(ctx, func(ps []push) (bool, error) {
		firsts, _ := callPushes(ps, call, sid)
		if len(firsts) == 0 {
			return false, fmt.Errorf("no first delivery of session %s", sid)
		}
		var missing []string
		for _, f := range firsts {
			var again *push
			for i := range ps {
				if ps[i].Redelivery && bytes.Equal(ps[i].Body, f.Body) {
					again = &ps[i]
					break
				}
			}
			if again == nil {
				missing = append(missing, f.Kind+" "+f.EventType)
				continue
			}
			if err := checkDelivery(*again, http.StatusOK); err != nil {
				return true, fmt.Errorf("re-push: %w", err)
			}
			if f.Nonce != "" && again.Nonce == f.Nonce {
				return true, fmt.Errorf("re-push of %s %s reuses the Nonce %q of the first attempt; each attempt needs fresh headers (D66)", f.Kind, f.EventType, f.Nonce)
			}
			if again.Scheme != f.Scheme || again.AppKey != f.AppKey {
				return true, fmt.Errorf("re-push of %s signed as %s/%s, the first attempt as %s/%s", f.Kind, again.Scheme, again.AppKey, f.Scheme, f.AppKey)
			}
		}
		if len(missing) > 0 {
			return false, fmt.Errorf("not re-pushed: %s; pushes so far:%s", strings.Join(missing, ", "), describe(ps))
		}
		return true, nil
	})
}

// setXStatus changes an X number's status through the simulator; the scenario sets it back to
// normal ("5") when it ends.
func (w *world) setXStatus(ctx context.Context, x, status, cause string) error {
	if err := w.needAdmin(); err != nil {
		return err
	}
	n, err := w.fill(x)
	if err != nil {
		return err
	}
	req := map[string]any{"numbers": []string{n}, "status": status}
	if cause != "" {
		req["cause"] = cause
	}
	data, err := w.rs.admin.simulate(ctx, "/numbers/status", req)
	if err != nil {
		return err
	}
	if status != "5" {
		w.statusChanged = append(w.statusChanged, n)
	}
	var res struct {
		Changes []struct {
			Changed bool `json:"changed"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(data, &res); err != nil || len(res.Changes) != 1 || !res.Changes[0].Changed {
		return fmt.Errorf("status change of %s not applied: %s", n, clip(data))
	}
	return nil
}

// restoreStatuses sets the X numbers the scenario changed back to normal.
func (w *world) restoreStatuses(ctx context.Context) error {
	if len(w.statusChanged) == 0 {
		return nil
	}
	_, err := w.rs.admin.simulate(ctx, "/numbers/status", map[string]any{"numbers": w.statusChanged, "status": "5"})
	if err != nil {
		return fmt.Errorf("setting X numbers %v back to normal: %w", w.statusChanged, err)
	}
	return nil
}

func (w *world) numStatusArrives(ctx context.Context, x, status, cause string) error {
	if err := w.needPushes(); err != nil {
		return err
	}
	n, err := w.fill(x)
	if err != nil {
		return err
	}
	var found push
	err = w.inbox.wait(ctx, func(ps []push) (bool, error) {
		for _, p := range ps {
			// Any delivery counts: a status body has no timestamp, so the receiver may take
			// an identical earlier change of the same X for a duplicate.
			if p.Kind != pns.NotifyNumStatus || p.Redelivery {
				continue
			}
			l, _ := p.doc["numInfo"].([]any)
			for _, e := range l {
				m, _ := e.(map[string]any)
				if m["number"] == n && m["status"] == status && str(m["cause"]) == cause {
					found = p
					return true, nil
				}
			}
		}
		return false, fmt.Errorf("no numStatus entry {number %s, status %s, cause %q} among:%s", n, status, cause, describe(ps))
	})
	if err != nil {
		return err
	}
	if err := checkDelivery(found, http.StatusOK); err != nil {
		return err
	}
	if err := w.checkPath(found, pathXStatus, "X-status"); err != nil {
		return err
	}
	if l, _ := found.doc["numInfo"].([]any); len(l) < 1 || len(l) > 100 {
		return fmt.Errorf("numStatus message carries %d entries, want 1-100 (§9)", len(l))
	}
	for name, a := range w.rs.prof.Apps {
		if a.Owns(n) && a.AppKey != found.AppKey {
			return fmt.Errorf("numStatus of %s signed by app %q, want its owner %s (%q)", n, found.AppKey, name, a.AppKey)
		}
	}
	w.setLast(found.doc, found.Body, "pushed numStatus")
	return nil
}

func (w *world) lastSMS() (map[string]any, string, error) {
	if w.sms == nil {
		return nil, "", errors.New("no simulated SMS in this scenario")
	}
	id, _ := w.sms["smsIdentifier"].(string)
	return w.sms, id, nil
}

// smsPush waits for the first delivery of an SMS push of a kind with the identifier.
func (w *world) smsPush(ctx context.Context, kind, id string) (push, error) {
	var found push
	err := w.inbox.wait(ctx, func(ps []push) (bool, error) {
		for _, p := range ps {
			if p.Kind != kind || !p.first() {
				continue
			}
			ev, _ := p.doc["smsEvent"].(map[string]any)
			if ev["smsIdentifier"] == id {
				found = p
				return true, nil
			}
		}
		return false, fmt.Errorf("no %s push of SMS %s among:%s", kind, id, describe(ps))
	})
	return found, err
}

func (w *world) smsNotifyArrives(ctx context.Context) error {
	if err := w.needPushes(); err != nil {
		return err
	}
	sms, id, err := w.lastSMS()
	if err != nil {
		return err
	}
	notify, _ := sms["notify"].(map[string]any)
	if notify == nil {
		return fmt.Errorf("the simulator sent no Notify for this SMS: %s", render(sms))
	}
	p, err := w.smsPush(ctx, pns.NotifySMSNotify, id)
	if err != nil {
		return err
	}
	if err := checkDelivery(p, http.StatusOK); err != nil {
		return err
	}
	if err := w.checkPath(p, pathSMSNotify, "SMS notification"); err != nil {
		return err
	}
	if !jsonEqual(p.doc, notify["body"]) {
		return fmt.Errorf("the Notify arrived as %s, but the simulator reported %s", clip(p.Body), render(notify["body"]))
	}
	if p.AppKey != str(sms["appKey"]) || p.doc["appKey"] != sms["appKey"] {
		return fmt.Errorf("the Notify is signed by %q with appKey %v, want the app %v", p.AppKey, p.doc["appKey"], sms["appKey"])
	}
	w.setLast(p.doc, p.Body, "pushed SMS Notify")
	return nil
}

func (w *world) smsBlockArrives(ctx context.Context) error {
	if err := w.needPushes(); err != nil {
		return err
	}
	sms, id, err := w.lastSMS()
	if err != nil {
		return err
	}
	block, _ := sms["block"].(map[string]any)
	if block == nil {
		return fmt.Errorf("the simulator sent no Block request for this SMS: %s", render(sms))
	}
	if str(block["url"]) == "" {
		return fmt.Errorf("%w: the app has no SMS control URL (§10 Block)", godog.ErrSkip)
	}
	p, err := w.smsPush(ctx, pns.NotifySMSBlock, id)
	if err != nil {
		return err
	}
	if err := checkDelivery(p, http.StatusOK); err != nil {
		return err
	}
	if err := w.checkPath(p, pathSMSControl, "SMS control"); err != nil {
		return err
	}
	if !jsonEqual(p.doc, block["body"]) {
		return fmt.Errorf("the Block request arrived as %s, but the simulator reported %s", clip(p.Body), render(block["body"]))
	}
	w.setLast(p.doc, p.Body, "pushed SMS Block")
	return nil
}

// locationServesWAV downloads the last redirect's Location (no authentication: the URL is
// the credential, §11) and checks for a RIFF/WAVE file.
func (w *world) locationServesWAV(ctx context.Context) error {
	if err := w.redirect(); err != nil {
		return err
	}
	loc := w.last.resp.Header.Get("Location")
	base, err := url.Parse(w.rs.target + "/")
	if err != nil {
		return err
	}
	u, err := base.Parse(loc)
	if err != nil {
		return fmt.Errorf("bad Location %q: %v", loc, err)
	}
	status, ctype, data, err := fetch(ctx, w.rs.httpc, u.String())
	if err != nil {
		return fmt.Errorf("GET %s: %w", loc, err)
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET Location %s: HTTP %d %s", loc, status, clip(data))
	}
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WAVE" {
		return fmt.Errorf("the Location %s serves %d bytes (%s) without a RIFF/WAVE header", loc, len(data), ctype)
	}
	return nil
}
