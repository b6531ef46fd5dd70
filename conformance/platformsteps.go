package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// The steps that act on the platform through the emulator's admin API: the clock, the lockout,
// injected faults, and simulated calls and SMS with the events they produce. Split from
// steps.go (issue 23) so that each file holds one noun of the suite; against a target without
// an admin API these steps skip (needAdmin).

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
	ex, err := w.simulated(data, "call")
	if err != nil {
		return err
	}
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
	ex, err := w.simulated(data, "SMS")
	if err != nil {
		return err
	}
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

// simulated makes the emulator's answer to a simulated call or SMS (what) the scenario's last
// response, so that the response-field steps read it.
func (w *world) simulated(data []byte, what string) (*exchange, error) {
	ex := &exchange{app: w.app, resp: &pns.Response{Status: http.StatusOK, Body: data, Request: "simulated " + what}}
	if err := json.Unmarshal(data, &ex.response); err != nil {
		return nil, fmt.Errorf("%s result: %w", what, err)
	}
	w.last = ex
	return ex, nil
}
