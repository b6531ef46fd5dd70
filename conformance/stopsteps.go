package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/pns"
)

// registerStopSteps adds the steps of the stop call (reference §11.2):
//
//	I stop the call                          the scenario's last simulated call
//	I stop the call "<SID>"                  any sessionid (remembered or literal)
//	I stop a call with:                      a JSON body as written (parameter rules)
//	the emulator's call log has the call     the last call as the emulator logged it (after a stop)
func (w *world) registerStopSteps(sc stepRegistry) {
	sc.Step(`^I stop the call$`, func(ctx context.Context) error {
		_, sid, err := w.lastCall()
		if err != nil {
			return err
		}
		return w.stopCall(ctx, sid)
	})
	sc.Step(`^I stop the call "([^"]*)"$`, func(ctx context.Context, s string) error {
		sid, err := w.fill(s)
		if err != nil {
			return err
		}
		return w.stopCall(ctx, sid)
	})
	sc.Step(`^I stop a call with:$`, func(ctx context.Context, doc *godog.DocString) error {
		return w.sendStop(ctx, doc.Content)
	})
	sc.Step(`^the emulator's call log has the call$`, w.loggedCall)
}

// stopCall sends the body of Huawei's example with a sessionid (the JSON encoder escapes it).
func (w *world) stopCall(ctx context.Context, sid string) error {
	b, err := json.Marshal(pns.StopCallRequest{SessionID: sid, Signal: pns.StopCallSignal})
	if err != nil {
		return err
	}
	return w.sendStop(ctx, string(b))
}

// sendStop sends a stop call with the scenario's app (the AXB app when none was chosen: the
// stop call belongs to no mode, D79).
func (w *world) sendStop(ctx context.Context, body string) error {
	if w.app == "" {
		w.app = "AXB"
	}
	_, err := w.sendIface(ctx, mustIface(pns.IfaceStopCall), body, "", false)
	return err
}

// loggedCall replaces the scenario's last simulated call by the emulator's call-log entry for
// it (GET /emulator/v1/calls?app=…): after a stop the log has the call as it ended, which the
// push steps then compare with what arrived. The entry becomes the last response and its
// notifications are validated against their schemas, as for a simulated call.
func (w *world) loggedCall(ctx context.Context) error {
	if err := w.needAdmin(); err != nil {
		return err
	}
	call, sid, err := w.lastCall()
	if err != nil {
		return err
	}
	app, _ := call["appKey"].(string)
	data, err := w.rs.admin.get(ctx, "/calls?app="+url.QueryEscape(app)+"&sessionId="+url.QueryEscape(sid))
	if err != nil {
		return err
	}
	var log struct {
		Calls []map[string]any `json:"calls"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		return fmt.Errorf("call log: %w", err)
	}
	for _, rec := range log.Calls {
		if rec["sessionId"] != sid {
			continue
		}
		delete(rec, "request")
		body, _ := json.Marshal(rec)
		w.last = &exchange{app: w.app, response: rec, resp: &pns.Response{Status: http.StatusOK, Body: body, Request: "call log"}}
		w.call = rec
		return w.checkCallSchemas(rec)
	}
	return fmt.Errorf("the call log of app %q has no call %s", app, sid)
}

// get reads an admin endpoint and returns its body; anything but 200 is an error.
func (a *adminClient) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := a.httpc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("emulator admin %s: %w", path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New("emulator admin " + path + ": HTTP " + resp.Status + " " + clip(data))
	}
	return data, nil
}
